/* A small virtio-net driver for the virtio-net device model: enough of one to move frames, so
 * that `openndis run --device virtio-net` carries traffic through two devices and their wire.
 * One receive and one transmit queue of 256 entries in shared memory; 32 receive buffers
 * posted at once and reposted when NDIS returns them; completions and receives taken in the
 * interrupt's DPC from the used rings. The legacy build copies each sent frame into one of 32
 * transmit buffers; the modern ones map it where it is, as NetKVM does: a scatter/gather list
 * for each NET_BUFFER (NdisMAllocateNetBufferSGList), freed when the device has used it, and
 * an indirect table of the header and the list's elements (a frame in more pieces than
 * VN_SG_MAX is copied instead). A failed mapping fails the send (NDIS_STATUS_RESOURCES).
 *
 * Built twice from the virtio specification: over the legacy interface (I/O BAR0, the line),
 * and with VN_MODERN over the modern one (the vendor capabilities in configuration space, the
 * memory BAR they point into, VIRTIO_F_VERSION_1 and FEATURES_OK, MSI-X: a vector per queue,
 * the control queue: promiscuous mode turned on at initialize, and an unknown command that
 * must be refused; EVENT_IDX: used_event set as each used ring is emptied; MRG_RXBUF, with
 * each frame in one buffer whose header must say so; INDIRECT_DESC: each frame sent as an
 * indirect table of two descriptors, the header and the frame).
 * A third build, VN_PACKED, is the modern one over packed rings (VIRTIO_F_RING_PACKED): the
 * same buffers offered in one ring of descriptors marked by wrap counters, and the driver's
 * event suppression structure set as each ring is emptied.
 * A device that sets DEVICE_NEEDS_RESET gets the sends on its rings failed at pause, and every
 * later send refused (NDIS_STATUS_HARD_ERRORS), so a pause never waits on a dead device. */
#include "../rogue/rogue.h"

#define VQ_SIZE 256
#define VQ_BYTES (3 * 4096)  /* descriptors, available ring, used ring on the next page */
#define VQ_AVAIL 4096
#define VQ_USED 8192
#ifdef VN_PACKED
#define VN_MODERN 1
#endif
#ifdef VN_MODERN
#define VN_HEADER 12 /* num_buffers is in the header from VERSION_1 on */
#else
#define VN_HEADER 10
#endif
#define VN_BUFFER 2048
#define VN_RX_BUFFERS 32
#define VN_TX_SLOTS 32
#define VN_F_MAC (1u << 5)
#define VN_F_STATUS (1u << 16)
#define VN_DESC_F_WRITE 2

/* legacy registers (I/O BAR0) */
#define VN_HOST_FEATURES 0x00
#define VN_GUEST_FEATURES 0x04
#define VN_QUEUE_PFN 0x08
#define VN_QUEUE_SIZE 0x0C
#define VN_QUEUE_SELECT 0x0E
#define VN_QUEUE_NOTIFY 0x10
#define VN_STATUS 0x12
#define VN_ISR 0x13
#define VN_MAC 0x14
#define VN_S_ACKNOWLEDGE 1
#define VN_S_DRIVER 2
#define VN_S_DRIVER_OK 4
#define VN_S_FEATURES_OK 8
#define VN_S_NEEDS_RESET 0x40

/* modern: the common configuration's fields (virtio 1.x, 4.1.4.3) */
#define VN_CAP_COMMON 1
#define VN_CAP_NOTIFY 2
#define VN_CAP_ISR 3
#define VN_CAP_DEVICE 4
#define VN_C_DFSELECT 0x00
#define VN_C_DF 0x04
#define VN_C_GFSELECT 0x08
#define VN_C_GF 0x0C
#define VN_C_STATUS 0x14
#define VN_C_QSELECT 0x16
#define VN_C_QSIZE 0x18
#define VN_C_QVECTOR 0x1A
#define VN_C_QENABLE 0x1C
#define VN_C_QNOTIFY_OFF 0x1E
#define VN_C_QDESC 0x20
#define VN_C_QAVAIL 0x28
#define VN_C_QUSED 0x30
#define VN_F_VERSION_1_HIGH 1u /* bit 32: bit 0 of the high half */
#define VN_F_CTRL_VQ (1u << 17)
#define VN_F_CTRL_RX (1u << 18)
#define VN_F_EVENT_IDX (1u << 29)
#define VN_F_MRG_RXBUF (1u << 15)
#define VN_F_INDIRECT_DESC (1u << 28)
#define VN_F_RING_PACKED_HIGH (1u << 2) /* bit 34 */
#define VN_DESC_F_NEXT 1
#define VN_DESC_F_INDIRECT 4
#define VN_PACKED_F_AVAIL (1u << 7)
#define VN_PACKED_F_USED (1u << 15)
#define VN_EVENT_DESC 2 /* packed event suppression: at the descriptor named */
#define VN_TABLE_AT (VN_BUFFER - 32) /* a transmit slot's indirect table, past any frame */
#define VN_SG_TABLE 64 /* a mapped frame's table: the slot holds only its header */
#define VN_SG_MAX 32   /* elements; with the header's descriptor, to VN_SG_TABLE + 528 */
#define VN_CTRL_BUFFER (VQ_BYTES - 64) /* a command and its ack, past the used ring */
#define VN_NO_VECTOR 0xFFFF

/* Split: descriptors, the available ring at VQ_AVAIL, the used ring at VQ_USED. Packed: the
 * descriptor ring, the driver's event suppression at VQ_AVAIL, the device's at VQ_USED. */
typedef struct _VN_QUEUE {
    PUCHAR Va;
    NDIS_PHYSICAL_ADDRESS Pa;
    USHORT AvailIdx, LastUsed;  /* packed: ring slots, with their wrap counters */
    BOOLEAN AvailWrap, UsedWrap;
    UCHAR Slots[VQ_SIZE];       /* packed: ring slots each buffer ID took */
} VN_QUEUE;

/* A piece of a buffer offered to the device. */
typedef struct _VN_PIECE {
    ULONG64 Pa;
    ULONG Length;
    USHORT Flags; /* VN_DESC_F_WRITE or 0 */
} VN_PIECE;

typedef struct _VN_ADAPTER {
    NDIS_HANDLE Handle;
    PUCHAR Ports;
    ULONG FirstPort, PortCount;
    PUCHAR Bar;              /* modern: the mapped memory BAR */
    ULONG BarLength;
    PUCHAR Common, Isr, Device, Notify; /* modern: inside Bar */
    ULONG NotifyMultiplier;
    USHORT NotifyOff[3];
    ULONG Messages;          /* MSI-X messages granted (0: the line) */
    NDIS_HANDLE Interrupt, Dma, Pool;
    VN_QUEUE Rx, Tx, Ctrl;
    PUCHAR RxBuffers, TxBuffers;
    NDIS_PHYSICAL_ADDRESS RxPa, TxPa;
    PMDL RxMdl[VN_RX_BUFFERS];
    PNET_BUFFER_LIST RxNbl[VN_RX_BUFFERS];
    PNET_BUFFER_LIST TxNbl[VN_TX_SLOTS]; /* the NBL each busy slot sends for */
    PNET_BUFFER TxNb[VN_TX_SLOTS];       /* and its NET_BUFFER there */
    PNET_BUFFER_LIST TxWaiting, *TxWaitingTail; /* sends the ring had no room for yet */
    NDIS_SPIN_LOCK Lock;
    volatile LONG TxOutstanding, RxOutstanding;
    volatile BOOLEAN Running;
    BOOLEAN PausePending; /* MiniportPause returned NDIS_STATUS_PENDING; under the lock */
    BOOLEAN DeviceBroken; /* it needs a reset: sends fail at once; under the lock */
    UCHAR Mac[6];
} VN_ADAPTER, *PVN_ADAPTER;

static NDIS_OID VnOids[] = { OID_GEN_CURRENT_PACKET_FILTER, OID_802_3_CURRENT_ADDRESS };

/* How many of an NBL's NET_BUFFERs are still on the device (plus one while VnSend places
 * them), in its miniport-reserved area; under the adapter's lock. Returns the new count. */
static ULONG_PTR VnPendingAdd(PNET_BUFFER_LIST Nbl, LONG_PTR Delta)
{
    ULONG_PTR Count = (ULONG_PTR)Nbl->MiniportReserved[0] + (ULONG_PTR)Delta;
    Nbl->MiniportReserved[0] = (PVOID)Count;
    return Count;
}

/* A NET_BUFFER's miniport-reserved area while it is sent: its scatter/gather list (NULL
 * when it has none), its NBL and the adapter, for MiniportProcessSGList. */
#define VN_NB_SGL(Nb) ((Nb)->MiniportReserved[0])
#define VN_NB_NBL(Nb) ((Nb)->MiniportReserved[1])
#define VN_NB_ADAPTER(Nb) ((Nb)->MiniportReserved[2])
/* and an NBL's NET_BUFFERs still being mapped, plus one while VnSend maps them (under the
 * adapter's lock) */
#define VN_NBL_MAPPING(Nbl) ((Nbl)->MiniportReserved[1])

/* Gives back NET_BUFFER `Nb`'s scatter/gather list, if it has one. */
static VOID VnUnmap(PVN_ADAPTER A, PNET_BUFFER Nb)
{
    PSCATTER_GATHER_LIST Sgl = VN_NB_SGL(Nb);
    VN_NB_SGL(Nb) = NULL;
    if (Sgl != NULL)
        NdisMFreeNetBufferSGList(A->Dma, Sgl, Nb);
}

static VOID VnUnmapAll(PVN_ADAPTER A, PNET_BUFFER_LIST Nbl)
{
    for (PNET_BUFFER Nb = NET_BUFFER_LIST_FIRST_NB(Nbl); Nb != NULL; Nb = NET_BUFFER_NEXT_NB(Nb))
        VnUnmap(A, Nb);
}

/* One descriptor in the ring's format: split (addr, len, flags, next), packed (addr, len, id,
 * flags). */
static VOID VnWriteDesc(PUCHAR D, const VN_PIECE *P, USHORT IdOrNext, USHORT Flags)
{
    NdisMoveMemory(D, &P->Pa, 8);
    NdisMoveMemory(D + 8, &P->Length, 4);
#ifdef VN_PACKED
    NdisMoveMemory(D + 12, &IdOrNext, 2);
    NdisMoveMemory(D + 14, &Flags, 2);
#else
    NdisMoveMemory(D + 12, &Flags, 2);
    NdisMoveMemory(D + 14, &IdOrNext, 2);
#endif
}

/* Offers buffer `Id`, made of `Count` pieces; with `Table` (its bus address `TablePa`) they go
 * in that indirect table, and the ring gets one descriptor for them. Split chains sit at
 * descriptors Id, Id + 1, ...; packed ones at the next free slots. The caller notifies. */
static VOID VnOffer(VN_QUEUE *Q, USHORT Id, const VN_PIECE *Pieces, USHORT Count, PUCHAR Table, ULONG64 TablePa)
{
    VN_PIECE Indirect;
    if (Table != NULL) {
        for (USHORT i = 0; i < Count; i++) {
#ifdef VN_PACKED /* in order, no chaining */
            VnWriteDesc(Table + 16 * i, &Pieces[i], Id, Pieces[i].Flags);
#else
            VnWriteDesc(Table + 16 * i, &Pieces[i], (USHORT)(i + 1),
                        (USHORT)(Pieces[i].Flags | (i + 1 < Count ? VN_DESC_F_NEXT : 0)));
#endif
        }
        Indirect.Pa = TablePa, Indirect.Length = 16u * Count, Indirect.Flags = VN_DESC_F_INDIRECT;
        Pieces = &Indirect, Count = 1;
    }
#ifdef VN_PACKED
    USHORT First = Q->AvailIdx, FirstFlags = 0;
    for (USHORT i = 0; i < Count; i++) {
        USHORT Flags = (USHORT)(Pieces[i].Flags | (i + 1 < Count ? VN_DESC_F_NEXT : 0) |
                                (Q->AvailWrap ? VN_PACKED_F_AVAIL : VN_PACKED_F_USED));
        /* the first descriptor's flags go last: they hand the whole chain over */
        VnWriteDesc(Q->Va + 16 * Q->AvailIdx, &Pieces[i], Id, i == 0 ? 0 : Flags);
        if (i == 0)
            FirstFlags = Flags;
        if (++Q->AvailIdx == VQ_SIZE) {
            Q->AvailIdx = 0;
            Q->AvailWrap = !Q->AvailWrap;
        }
    }
    Q->Slots[Id] = (UCHAR)Count;
    KeMemoryBarrier();
    *(volatile USHORT *)(Q->Va + 16 * First + 14) = FirstFlags;
#else
    for (USHORT i = 0; i < Count; i++)
        VnWriteDesc(Q->Va + 16 * (Id + i), &Pieces[i], (USHORT)(Id + i + 1),
                    (USHORT)(Pieces[i].Flags | (i + 1 < Count ? VN_DESC_F_NEXT : 0)));
    *(volatile USHORT *)(Q->Va + VQ_AVAIL + 4 + 2 * (Q->AvailIdx % VQ_SIZE)) = Id;
    KeMemoryBarrier();
    Q->AvailIdx++;
    *(volatile USHORT *)(Q->Va + VQ_AVAIL + 2) = Q->AvailIdx;
#endif
}

static VOID VnOfferOne(VN_QUEUE *Q, USHORT Id, ULONG64 Pa, ULONG Length, USHORT Flags)
{
    VN_PIECE Piece = { Pa, Length, Flags };
    VnOffer(Q, Id, &Piece, 1, NULL, 0);
}

#ifdef VN_PACKED
static BOOLEAN VnUsedReady(VN_QUEUE *Q)
{
    USHORT Flags = *(volatile USHORT *)(Q->Va + 16 * Q->LastUsed + 14);
    return ((Flags & VN_PACKED_F_AVAIL) != 0) == Q->UsedWrap && ((Flags & VN_PACKED_F_USED) != 0) == Q->UsedWrap;
}
#endif

/* The next used element (id, length), if the device has returned one. */
static BOOLEAN VnTakeUsed(VN_QUEUE *Q, PULONG Id, PULONG Length)
{
#ifdef VN_PACKED
    if (!VnUsedReady(Q)) {
        /* interrupt at the next slot (EVENT_IDX); then look again, for one used meanwhile */
        *(volatile USHORT *)(Q->Va + VQ_AVAIL) = (USHORT)(Q->LastUsed | (Q->UsedWrap ? 0x8000 : 0));
        *(volatile USHORT *)(Q->Va + VQ_AVAIL + 2) = VN_EVENT_DESC;
        KeMemoryBarrier();
        if (!VnUsedReady(Q))
            return FALSE;
    }
    KeMemoryBarrier();
    PUCHAR D = Q->Va + 16 * Q->LastUsed;
    *Length = *(volatile ULONG *)(D + 8);
    *Id = *(volatile USHORT *)(D + 12);
    ULONG Slots = *Id < VQ_SIZE && Q->Slots[*Id] != 0 ? Q->Slots[*Id] : 1;
    Q->LastUsed = (USHORT)(Q->LastUsed + Slots);
    if (Q->LastUsed >= VQ_SIZE) {
        Q->LastUsed -= VQ_SIZE;
        Q->UsedWrap = !Q->UsedWrap;
    }
    return TRUE;
#else
    USHORT UsedIdx = *(volatile USHORT *)(Q->Va + VQ_USED + 2);
    if (UsedIdx == Q->LastUsed) {
        /* used_event (read by a device that took EVENT_IDX): interrupt for the next one;
         * then look again, for one the device used before it saw this */
        *(volatile USHORT *)(Q->Va + VQ_AVAIL + 4 + 2 * VQ_SIZE) = Q->LastUsed;
        KeMemoryBarrier();
        UsedIdx = *(volatile USHORT *)(Q->Va + VQ_USED + 2);
        if (UsedIdx == Q->LastUsed)
            return FALSE;
    }
    KeMemoryBarrier();
    PUCHAR E = Q->Va + VQ_USED + 4 + 8 * (Q->LastUsed % VQ_SIZE);
    *Id = *(volatile ULONG *)E;
    *Length = *(volatile ULONG *)(E + 4);
    Q->LastUsed++;
    return TRUE;
#endif
}

/* ---- the transport: the only code that differs between the two builds ---- */
static VOID VnNotify(PVN_ADAPTER A, USHORT Queue)
{
#ifdef VN_MODERN
    NdisWriteRegisterUshort(A->Notify + A->NotifyOff[Queue] * A->NotifyMultiplier, Queue);
#else
    NdisRawWritePortUshort(A->Ports + VN_QUEUE_NOTIFY, Queue);
#endif
}

static VOID VnSetStatus(PVN_ADAPTER A, UCHAR Status)
{
#ifdef VN_MODERN
    NdisWriteRegisterUchar(A->Common + VN_C_STATUS, Status);
#else
    NdisRawWritePortUchar(A->Ports + VN_STATUS, Status);
#endif
}

static UCHAR VnReadStatus(PVN_ADAPTER A)
{
    UCHAR Status;
#ifdef VN_MODERN
    NdisReadRegisterUchar(A->Common + VN_C_STATUS, &Status);
#else
    NdisRawReadPortUchar(A->Ports + VN_STATUS, &Status);
#endif
    return Status;
}

static UCHAR VnReadIsr(PVN_ADAPTER A)
{
    UCHAR Isr;
#ifdef VN_MODERN
    NdisReadRegisterUchar(A->Isr, &Isr);
#else
    NdisRawReadPortUchar(A->Ports + VN_ISR, &Isr);
#endif
    return Isr; /* the read clears it */
}

#ifdef VN_MODERN
static VOID VnWrite64(PUCHAR At, ULONG64 Value)
{
    NdisWriteRegisterUlong(At, (ULONG)Value);
    NdisWriteRegisterUlong(At + 4, (ULONG)(Value >> 32));
}
#endif

static NDIS_STATUS VnSetUpQueue(PVN_ADAPTER A, USHORT Index, VN_QUEUE *Q)
{
    NdisMAllocateSharedMemory(A->Handle, VQ_BYTES, TRUE, (PVOID *)&Q->Va, &Q->Pa);
    if (Q->Va == NULL)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Q->Va, VQ_BYTES);
    Q->AvailWrap = Q->UsedWrap = TRUE; /* packed rings' wrap counters start at 1 */
    USHORT Size;
#ifdef VN_MODERN
    NdisWriteRegisterUshort(A->Common + VN_C_QSELECT, Index);
    NdisReadRegisterUshort(A->Common + VN_C_QSIZE, &Size);
    if (Size != VQ_SIZE)
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
    NdisReadRegisterUshort(A->Common + VN_C_QNOTIFY_OFF, &A->NotifyOff[Index]);
    if ((ULONG)A->NotifyOff[Index] * A->NotifyMultiplier + 2 > A->BarLength - (ULONG)(A->Notify - A->Bar))
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
    VnWrite64(A->Common + VN_C_QDESC, (ULONG64)Q->Pa.QuadPart);
    VnWrite64(A->Common + VN_C_QAVAIL, (ULONG64)Q->Pa.QuadPart + VQ_AVAIL);
    VnWrite64(A->Common + VN_C_QUSED, (ULONG64)Q->Pa.QuadPart + VQ_USED);
    /* a vector per queue while there are enough, else they share the last */
    USHORT Vector = A->Messages == 0 ? VN_NO_VECTOR : (USHORT)(Index < A->Messages ? Index : A->Messages - 1);
    NdisWriteRegisterUshort(A->Common + VN_C_QVECTOR, Vector);
    USHORT Took;
    NdisReadRegisterUshort(A->Common + VN_C_QVECTOR, &Took);
    if (Took != Vector)
        return NDIS_STATUS_RESOURCES; /* the device could not take it */
    NdisWriteRegisterUshort(A->Common + VN_C_QENABLE, 1);
#else
    NdisRawWritePortUshort(A->Ports + VN_QUEUE_SELECT, Index);
    NdisRawReadPortUshort(A->Ports + VN_QUEUE_SIZE, &Size);
    if (Size != VQ_SIZE)
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
    NdisRawWritePortUlong(A->Ports + VN_QUEUE_PFN, (ULONG)(Q->Pa.QuadPart >> 12));
#endif
    return NDIS_STATUS_SUCCESS;
}

static PNET_BUFFER_LIST VnPump(PVN_ADAPTER A, PBOOLEAN Placed);
static VOID VnMaybePaused(PVN_ADAPTER A);
static VOID VnCompleteSends(PVN_ADAPTER A, PNET_BUFFER_LIST Nbls);

static BOOLEAN VnIsr(NDIS_HANDLE Context, PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors)
{
    PVN_ADAPTER A = Context;
    UCHAR Isr = VnReadIsr(A);
    *TargetProcessors = 0;
    *QueueDefaultInterruptDpc = Isr != 0;
    return Isr != 0;
}

/* Receive buffer `Id` goes (back) to the device. Lock held. */
static VOID VnPostRx(PVN_ADAPTER A, USHORT Id)
{
    VnOfferOne(&A->Rx, Id, (ULONG64)A->RxPa.QuadPart + Id * VN_BUFFER, VN_BUFFER, VN_DESC_F_WRITE);
}

static VOID VnRepost(PVN_ADAPTER A, ULONG Id)
{
    NdisDprAcquireSpinLock(&A->Lock);
    VnPostRx(A, (USHORT)Id);
    NdisDprReleaseSpinLock(&A->Lock);
    VnNotify(A, 0);
}

/* Both queues' work, whichever interrupt it was. */
static VOID VnDpcWork(PVN_ADAPTER A)
{
    ULONG Id, Length;
    PNET_BUFFER_LIST Done = NULL, *DoneTail = &Done;
    NdisDprAcquireSpinLock(&A->Lock);
    while (VnTakeUsed(&A->Tx, &Id, &Length))
        if (Id < VN_TX_SLOTS && A->TxNbl[Id] != NULL) {
            PNET_BUFFER_LIST Nbl = A->TxNbl[Id];
            A->TxNbl[Id] = NULL;
            VnUnmap(A, A->TxNb[Id]); /* the device is done with it */
            if (VnPendingAdd(Nbl, -1) == 0) {
                *DoneTail = Nbl;
                DoneTail = &NET_BUFFER_LIST_NEXT_NBL(Nbl);
            }
        }
    BOOLEAN Placed = FALSE;
    *DoneTail = VnPump(A, &Placed); /* room again for sends that waited */
    NdisDprReleaseSpinLock(&A->Lock);
    if (Placed)
        VnNotify(A, 1);
    VnCompleteSends(A, Done);

    PNET_BUFFER_LIST Rx = NULL, *RxTail = &Rx;
    ULONG Count = 0;
    NdisDprAcquireSpinLock(&A->Lock);
    BOOLEAN Took;
    while ((Took = VnTakeUsed(&A->Rx, &Id, &Length)) && Id < VN_RX_BUFFERS) {
        /* MRG_RXBUF (modern): a frame fits one 2 KiB buffer, so num_buffers must say 1 */
        BOOLEAN Whole = VN_HEADER < 12 || *(USHORT *)(A->RxBuffers + Id * VN_BUFFER + 10) == 1;
        if (!A->Running || Length <= VN_HEADER || !Whole) { /* paused, or a frame lost: the buffer goes back */
            VnPostRx(A, (USHORT)Id);
            continue;
        }
        PNET_BUFFER_LIST Nbl = A->RxNbl[Id];
        NET_BUFFER_DATA_LENGTH(NET_BUFFER_LIST_FIRST_NB(Nbl)) = Length - VN_HEADER;
        NET_BUFFER_LIST_NEXT_NBL(Nbl) = NULL;
        *RxTail = Nbl;
        RxTail = &NET_BUFFER_LIST_NEXT_NBL(Nbl);
        Count++;
    }
    /* counted under the lock that VnPause takes: a pause that follows waits for these */
    InterlockedExchangeAdd(&A->RxOutstanding, (LONG)Count);
    NdisDprReleaseSpinLock(&A->Lock);
    VnNotify(A, 0);
    if (Rx != NULL) {
        NdisMIndicateReceiveNetBufferLists(A->Handle, Rx, NDIS_DEFAULT_PORT_NUMBER, Count,
                                           NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
    }
}

static VOID VnDpc(NDIS_HANDLE Context, PVOID DpcContext, PVOID Throttle, PVOID Reserved)
{
    UNREFERENCED_PARAMETER(DpcContext);
    UNREFERENCED_PARAMETER(Throttle);
    UNREFERENCED_PARAMETER(Reserved);
    VnDpcWork(Context);
}

#ifdef VN_MODERN
/* An MSI-X message is the device's alone: no status to read, always ours. */
static BOOLEAN VnMessageIsr(NDIS_HANDLE Context, ULONG MessageId, PBOOLEAN QueueDefaultInterruptDpc,
                            PULONG TargetProcessors)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(MessageId);
    *TargetProcessors = 0;
    *QueueDefaultInterruptDpc = TRUE;
    return TRUE;
}

static VOID VnMessageDpc(NDIS_HANDLE Context, ULONG MessageId, PVOID DpcContext, PVOID Throttle, PVOID Reserved)
{
    UNREFERENCED_PARAMETER(MessageId);
    UNREFERENCED_PARAMETER(DpcContext);
    UNREFERENCED_PARAMETER(Throttle);
    UNREFERENCED_PARAMETER(Reserved);
    VnDpcWork(Context);
}

static VOID VnMessagesOnOff(NDIS_HANDLE Context, ULONG MessageId)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(MessageId);
}
#endif

static VOID VnReturn(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    PVN_ADAPTER A = Context;
    UNREFERENCED_PARAMETER(Flags);
    KIRQL Old;
    KeRaiseIrql(DISPATCH_LEVEL, &Old);
    for (PNET_BUFFER_LIST Nbl = Nbls, Next; Nbl != NULL; Nbl = Next) {
        Next = NET_BUFFER_LIST_NEXT_NBL(Nbl);
        for (ULONG i = 0; i < VN_RX_BUFFERS; i++)
            if (A->RxNbl[i] == Nbl)
                VnRepost(A, i);
        InterlockedDecrement(&A->RxOutstanding);
    }
    VnMaybePaused(A);
    KeLowerIrql(Old);
}

/* Places waiting NBLs, in order, while a whole one fits in the free transmit slots: each
 * NET_BUFFER in a slot behind a zeroed header, its mapped pieces or a copy. Returns the NBLs
 * that can never be sent (more NBs than slots, a frame too long) for completion; *Placed says
 * whether any went on the ring. Lock held. */
static PNET_BUFFER_LIST VnPump(PVN_ADAPTER A, PBOOLEAN Placed)
{
    PNET_BUFFER_LIST Failed = NULL;
    while (A->TxWaiting != NULL) {
        PNET_BUFFER_LIST Nbl = A->TxWaiting;
        ULONG Nbs = 0, Free = 0;
        BOOLEAN Fits = TRUE;
        for (PNET_BUFFER Nb = NET_BUFFER_LIST_FIRST_NB(Nbl); Nb != NULL; Nb = NET_BUFFER_NEXT_NB(Nb), Nbs++)
            Fits &= NET_BUFFER_DATA_LENGTH(Nb) <= VN_TABLE_AT - VN_HEADER;
        for (ULONG Slot = 0; Slot < VN_TX_SLOTS; Slot++)
            Free += A->TxNbl[Slot] == NULL;
        if (Fits && Nbs <= VN_TX_SLOTS && Nbs > Free)
            return Failed; /* waits for completions */
        A->TxWaiting = NET_BUFFER_LIST_NEXT_NBL(Nbl);
        NET_BUFFER_LIST_NEXT_NBL(Nbl) = NULL;
        if (!Fits || Nbs == 0 || Nbs > VN_TX_SLOTS) {
            VnUnmapAll(A, Nbl);
            NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_INVALID_LENGTH;
            NET_BUFFER_LIST_NEXT_NBL(Nbl) = Failed;
            Failed = Nbl;
            continue;
        }
        Nbl->MiniportReserved[0] = (PVOID)(ULONG_PTR)Nbs;
        ULONG Slot = 0;
        for (PNET_BUFFER Nb = NET_BUFFER_LIST_FIRST_NB(Nbl); Nb != NULL; Nb = NET_BUFFER_NEXT_NB(Nb)) {
            while (A->TxNbl[Slot] != NULL)
                Slot++;
            ULONG Length = NET_BUFFER_DATA_LENGTH(Nb);
            PUCHAR To = A->TxBuffers + Slot * VN_BUFFER;
            ULONG64 Pa = (ULONG64)A->TxPa.QuadPart + Slot * VN_BUFFER;
            NdisZeroMemory(To, VN_HEADER);
            A->TxNbl[Slot] = Nbl;
            A->TxNb[Slot] = Nb;
#ifdef VN_MODERN /* the header and the frame's pieces, in an indirect table */
            PSCATTER_GATHER_LIST Sgl = VN_NB_SGL(Nb);
            if (Sgl != NULL && Sgl->NumberOfElements <= VN_SG_MAX) {
                VN_PIECE Pieces[1 + VN_SG_MAX] = { { Pa, VN_HEADER, 0 } };
                for (ULONG i = 0; i < Sgl->NumberOfElements; i++)
                    Pieces[1 + i] = (VN_PIECE){ (ULONG64)Sgl->Elements[i].Address.QuadPart,
                                                Sgl->Elements[i].Length, 0 };
                VnOffer(&A->Tx, (USHORT)Slot, Pieces, (USHORT)(1 + Sgl->NumberOfElements), To + VN_SG_TABLE,
                        Pa + VN_SG_TABLE);
                continue;
            }
            VnUnmap(A, Nb); /* too many pieces: copied instead */
#endif
            PUCHAR From = NdisGetDataBuffer(Nb, Length, To + VN_HEADER, 1, 0);
            if (From != NULL && From != To + VN_HEADER)
                NdisMoveMemory(To + VN_HEADER, From, Length);
#ifdef VN_MODERN
            VN_PIECE Pieces[2] = { { Pa, VN_HEADER, 0 }, { Pa + VN_HEADER, Length, 0 } };
            VnOffer(&A->Tx, (USHORT)Slot, Pieces, 2, To + VN_TABLE_AT, Pa + VN_TABLE_AT);
#else
            VnOfferOne(&A->Tx, (USHORT)Slot, Pa, VN_HEADER + Length, 0);
#endif
        }
        *Placed = TRUE;
    }
    A->TxWaitingTail = &A->TxWaiting;
    return Failed;
}

static VOID VnCompleteSends(PVN_ADAPTER A, PNET_BUFFER_LIST Nbls)
{
    if (Nbls == NULL)
        return;
    LONG Count = 0;
    for (PNET_BUFFER_LIST Nbl = Nbls; Nbl != NULL; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl))
        Count++;
    NdisMSendNetBufferListsComplete(A->Handle, Nbls, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
    InterlockedExchangeAdd(&A->TxOutstanding, -Count);
    VnMaybePaused(A);
}

/* One more of the NBL's NET_BUFFERs mapped (or its mapping failed). Once all are, it waits,
 * in order, behind the sends the ring has no room for yet; one refused by the device or with
 * a mapping that failed completes at once. At DISPATCH_LEVEL. */
static VOID VnMapped(PVN_ADAPTER A, PNET_BUFFER_LIST Nbl)
{
    PNET_BUFFER_LIST Failed;
    BOOLEAN Placed = FALSE;
    NdisDprAcquireSpinLock(&A->Lock);
    VN_NBL_MAPPING(Nbl) = (PVOID)((ULONG_PTR)VN_NBL_MAPPING(Nbl) - 1);
    if (VN_NBL_MAPPING(Nbl) != NULL) {
        NdisDprReleaseSpinLock(&A->Lock);
        return;
    }
    if (A->DeviceBroken) /* the device needs a reset: nothing it is given goes out */
        NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_HARD_ERRORS;
    if (NET_BUFFER_LIST_STATUS(Nbl) != NDIS_STATUS_SUCCESS) {
        VnUnmapAll(A, Nbl);
        Failed = Nbl;
    } else {
        *A->TxWaitingTail = Nbl;
        A->TxWaitingTail = &NET_BUFFER_LIST_NEXT_NBL(Nbl);
        Failed = VnPump(A, &Placed);
    }
    NdisDprReleaseSpinLock(&A->Lock);
    if (Placed)
        VnNotify(A, 1);
    VnCompleteSends(A, Failed);
}

/* The HAL's answer to NdisMAllocateNetBufferSGList, at DISPATCH_LEVEL: maybe before that call
 * returns, maybe later. */
static VOID VnProcessSGList(PDEVICE_OBJECT Pdo, PVOID Reserved, PSCATTER_GATHER_LIST Sgl, PVOID Context)
{
    PNET_BUFFER Nb = Context;
    UNREFERENCED_PARAMETER(Pdo);
    UNREFERENCED_PARAMETER(Reserved);
    VN_NB_SGL(Nb) = Sgl;
    VnMapped(VN_NB_ADAPTER(Nb), VN_NB_NBL(Nb));
}

static VOID VnSend(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Flags)
{
    PVN_ADAPTER A = Context;
    UNREFERENCED_PARAMETER(Port);
    UNREFERENCED_PARAMETER(Flags);
    KIRQL Old;
    KeRaiseIrql(DISPATCH_LEVEL, &Old);
    for (PNET_BUFFER_LIST Nbl = Nbls, Next; Nbl != NULL; Nbl = Next) {
        Next = NET_BUFFER_LIST_NEXT_NBL(Nbl);
        NET_BUFFER_LIST_NEXT_NBL(Nbl) = NULL;
        InterlockedIncrement(&A->TxOutstanding);
        NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_SUCCESS;
        ULONG_PTR Nbs = 0;
        for (PNET_BUFFER Nb = NET_BUFFER_LIST_FIRST_NB(Nbl); Nb != NULL; Nb = NET_BUFFER_NEXT_NB(Nb), Nbs++)
            VN_NB_SGL(Nb) = NULL;
#ifdef VN_MODERN /* each NET_BUFFER mapped where it lies (the legacy build copies) */
        VN_NBL_MAPPING(Nbl) = (PVOID)(Nbs + 1); /* all counted before any callback counts one down */
        for (PNET_BUFFER Nb = NET_BUFFER_LIST_FIRST_NB(Nbl); Nb != NULL; Nb = NET_BUFFER_NEXT_NB(Nb)) {
            VN_NB_NBL(Nb) = Nbl;
            VN_NB_ADAPTER(Nb) = A;
            if (NdisMAllocateNetBufferSGList(A->Dma, Nb, Nb, NDIS_SG_LIST_WRITE_TO_DEVICE, NULL, 0) !=
                NDIS_STATUS_SUCCESS) {
                NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_RESOURCES;
                VnMapped(A, Nbl);
            }
        }
#else
        VN_NBL_MAPPING(Nbl) = (PVOID)1;
#endif
        VnMapped(A, Nbl); /* VnSend's own count: the NBL is queued once every mapping is in */
    }
    KeLowerIrql(Old);
}

/* The two OIDs `run` asks: the packet filter (taken) and the current address. */
static NDIS_STATUS VnOidRequest(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request)
{
    PVN_ADAPTER A = Context;
    if (Request->RequestType == NdisRequestSetInformation &&
        Request->DATA.SET_INFORMATION.Oid == OID_GEN_CURRENT_PACKET_FILTER) {
        if (Request->DATA.SET_INFORMATION.InformationBufferLength < sizeof(ULONG)) {
            Request->DATA.SET_INFORMATION.BytesNeeded = sizeof(ULONG);
            return NDIS_STATUS_INVALID_LENGTH;
        }
        Request->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
        return NDIS_STATUS_SUCCESS;
    }
    if (Request->RequestType == NdisRequestQueryInformation &&
        Request->DATA.QUERY_INFORMATION.Oid == OID_802_3_CURRENT_ADDRESS) {
        if (Request->DATA.QUERY_INFORMATION.InformationBufferLength < sizeof(A->Mac)) {
            Request->DATA.QUERY_INFORMATION.BytesNeeded = sizeof(A->Mac);
            return NDIS_STATUS_BUFFER_TOO_SHORT;
        }
        NdisMoveMemory(Request->DATA.QUERY_INFORMATION.InformationBuffer, A->Mac, sizeof(A->Mac));
        Request->DATA.QUERY_INFORMATION.BytesWritten = sizeof(A->Mac);
        return NDIS_STATUS_SUCCESS;
    }
    return NDIS_STATUS_NOT_SUPPORTED;
}

/* A device that set DEVICE_NEEDS_RESET uses its rings no more: the sends on them and those
 * waiting will never complete on their own, so they fail here. At PASSIVE_LEVEL. */
static VOID VnFailSendsIfDeviceNeedsReset(PVN_ADAPTER A)
{
    if (!(VnReadStatus(A) & VN_S_NEEDS_RESET))
        return;
    PNET_BUFFER_LIST Failed = NULL;
    NdisAcquireSpinLock(&A->Lock);
    for (ULONG Slot = 0; Slot < VN_TX_SLOTS; Slot++) {
        PNET_BUFFER_LIST Nbl = A->TxNbl[Slot];
        if (Nbl == NULL)
            continue;
        A->TxNbl[Slot] = NULL;
        VnUnmap(A, A->TxNb[Slot]);
        if (VnPendingAdd(Nbl, -1) == 0) {
            NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_HARD_ERRORS;
            NET_BUFFER_LIST_NEXT_NBL(Nbl) = Failed;
            Failed = Nbl;
        }
    }
    while (A->TxWaiting != NULL) {
        PNET_BUFFER_LIST Nbl = A->TxWaiting;
        A->TxWaiting = NET_BUFFER_LIST_NEXT_NBL(Nbl);
        VnUnmapAll(A, Nbl);
        NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_HARD_ERRORS;
        NET_BUFFER_LIST_NEXT_NBL(Nbl) = Failed;
        Failed = Nbl;
    }
    A->TxWaitingTail = &A->TxWaiting;
    A->DeviceBroken = TRUE;
    NdisReleaseSpinLock(&A->Lock);
    KIRQL Old;
    KeRaiseIrql(DISPATCH_LEVEL, &Old);
    VnCompleteSends(A, Failed);
    KeLowerIrql(Old);
}

/* The pause completes when the last send is completed and the last receive returned. */
static NDIS_STATUS VnPause(NDIS_HANDLE Context, PNDIS_MINIPORT_PAUSE_PARAMETERS Params)
{
    PVN_ADAPTER A = Context;
    UNREFERENCED_PARAMETER(Params);
    NdisAcquireSpinLock(&A->Lock);
    A->Running = FALSE;
    NdisReleaseSpinLock(&A->Lock);
    VnFailSendsIfDeviceNeedsReset(A);
    NdisAcquireSpinLock(&A->Lock); /* no DPC is between its check of Running and its count */
    BOOLEAN Idle = A->TxOutstanding == 0 && A->RxOutstanding == 0;
    A->PausePending = !Idle;
    NdisReleaseSpinLock(&A->Lock);
    return Idle ? NDIS_STATUS_SUCCESS : NDIS_STATUS_PENDING;
}

/* After a send completed or a receive came back, at DISPATCH_LEVEL: the pause that waited
 * for it completes. */
static VOID VnMaybePaused(PVN_ADAPTER A)
{
    NdisDprAcquireSpinLock(&A->Lock);
    BOOLEAN Complete = A->PausePending && A->TxOutstanding == 0 && A->RxOutstanding == 0;
    if (Complete)
        A->PausePending = FALSE;
    NdisDprReleaseSpinLock(&A->Lock);
    if (Complete)
        NdisMPauseComplete(A->Handle);
}

static NDIS_STATUS VnRestart(NDIS_HANDLE Context, PNDIS_MINIPORT_RESTART_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(Params);
    ((PVN_ADAPTER)Context)->Running = TRUE;
    return NDIS_STATUS_SUCCESS;
}

static VOID VnRelease(PVN_ADAPTER A)
{
#ifndef VN_BREAK_NO_RESET /* the broken build frees the rings under a live device */
    if (A->Ports != NULL || A->Common != NULL)
        VnSetStatus(A, 0); /* reset: the device lets go of the rings */
#endif
    if (A->Interrupt != NULL)
        NdisMDeregisterInterruptEx(A->Interrupt);
    for (ULONG i = 0; i < VN_RX_BUFFERS; i++) {
        if (A->RxNbl[i] != NULL)
            NdisFreeNetBufferList(A->RxNbl[i]);
        if (A->RxMdl[i] != NULL)
            NdisFreeMdl(A->RxMdl[i]);
    }
    if (A->Pool != NULL)
        NdisFreeNetBufferListPool(A->Pool);
    VN_QUEUE *Queues[3] = { &A->Rx, &A->Tx, &A->Ctrl };
    for (int q = 0; q < 3; q++)
        if (Queues[q]->Va != NULL)
            NdisMFreeSharedMemory(A->Handle, VQ_BYTES, TRUE, Queues[q]->Va, Queues[q]->Pa);
    if (A->RxBuffers != NULL)
        NdisMFreeSharedMemory(A->Handle, VN_RX_BUFFERS * VN_BUFFER, TRUE, A->RxBuffers, A->RxPa);
    if (A->TxBuffers != NULL)
        NdisMFreeSharedMemory(A->Handle, VN_TX_SLOTS * VN_BUFFER, TRUE, A->TxBuffers, A->TxPa);
    if (A->Dma != NULL)
        NdisMDeregisterScatterGatherDma(A->Dma);
    if (A->Ports != NULL)
        NdisMDeregisterIoPortRange(A->Handle, A->FirstPort, A->PortCount, A->Ports);
    if (A->Bar != NULL)
        NdisMUnmapIoSpace(A->Handle, A->Bar, A->BarLength);
    NdisFreeSpinLock(&A->Lock);
    NdisFreeMemory(A, 0, 0);
}

#ifdef VN_MODERN
/* Walks the capability list for the virtio structures in the memory BAR, maps it, negotiates
 * VERSION_1 (with MAC and STATUS) and reads the MAC. */
static NDIS_STATUS VnFindModern(PVN_ADAPTER A, PNDIS_RESOURCE_LIST Resources)
{
    UCHAR Config[256];
    if (NdisMGetBusData(A->Handle, PCI_WHICHSPACE_CONFIG, 0, Config, sizeof(Config)) != sizeof(Config) ||
        !(Config[0x06] & 0x10))
        return NDIS_STATUS_ADAPTER_NOT_FOUND; /* no capability list: a legacy-only device */
    ULONG Offset[5] = { 0 }, Bar = 6, Multiplier = 0;
    for (ULONG At = Config[0x34], Hops = 0; At >= 0x40 && At <= 0xEC && Hops < 48; At = Config[At + 1], Hops++) {
        UCHAR Type = Config[At + 3];
        if (Config[At] != 0x09 || Type < VN_CAP_COMMON || Type > VN_CAP_DEVICE || Offset[Type] != 0)
            continue; /* not virtio's, or a second one of a kind */
        if (Bar != 6 && Config[At + 4] != Bar)
            return NDIS_STATUS_ADAPTER_NOT_FOUND; /* this driver maps one BAR only */
        Bar = Config[At + 4];
        NdisMoveMemory(&Offset[Type], Config + At + 8, 4);
        Offset[Type] |= 0x80000000u; /* found, even at offset 0 */
        if (Type == VN_CAP_NOTIFY)
            NdisMoveMemory(&Multiplier, Config + At + 16, 4);
    }
    for (ULONG Type = VN_CAP_COMMON; Type <= VN_CAP_DEVICE; Type++)
        if (Offset[Type] == 0)
            return NDIS_STATUS_ADAPTER_NOT_FOUND;
    ULONG BarAddress;
    NdisMoveMemory(&BarAddress, Config + 0x10 + 4 * Bar, 4);
    NDIS_PHYSICAL_ADDRESS Start = { 0 };
    for (ULONG i = 0; i < Resources->Count; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR D = &Resources->PartialDescriptors[i];
        if (D->Type == CmResourceTypeMemory && D->u.Memory.Start.LowPart == (BarAddress & ~0xFu)) {
            Start = D->u.Memory.Start;
            A->BarLength = D->u.Memory.Length;
        }
    }
    for (ULONG Type = VN_CAP_COMMON; Type <= VN_CAP_DEVICE; Type++)
        if ((Offset[Type] & 0x7FFFFFFFu) + 0x38 > A->BarLength && Type == VN_CAP_COMMON)
            return NDIS_STATUS_ADAPTER_NOT_FOUND;
    NDIS_STATUS Status = NdisMMapIoSpace((PVOID *)&A->Bar, A->Handle, Start, A->BarLength);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    A->Common = A->Bar + (Offset[VN_CAP_COMMON] & 0x7FFFFFFFu);
    A->Notify = A->Bar + (Offset[VN_CAP_NOTIFY] & 0x7FFFFFFFu);
    A->Isr = A->Bar + (Offset[VN_CAP_ISR] & 0x7FFFFFFFu);
    A->Device = A->Bar + (Offset[VN_CAP_DEVICE] & 0x7FFFFFFFu);
    A->NotifyMultiplier = Multiplier;
    VnSetStatus(A, 0);
    VnSetStatus(A, VN_S_ACKNOWLEDGE | VN_S_DRIVER);
    ULONG Low, High;
    NdisWriteRegisterUlong(A->Common + VN_C_DFSELECT, 0);
    NdisReadRegisterUlong(A->Common + VN_C_DF, &Low);
    NdisWriteRegisterUlong(A->Common + VN_C_DFSELECT, 1);
    NdisReadRegisterUlong(A->Common + VN_C_DF, &High);
    if (!(Low & VN_F_MAC) || !(High & VN_F_VERSION_1_HIGH))
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
    NdisWriteRegisterUlong(A->Common + VN_C_GFSELECT, 0);
    const ULONG Wanted = VN_F_MAC | VN_F_STATUS | VN_F_CTRL_VQ | VN_F_CTRL_RX | VN_F_EVENT_IDX | VN_F_MRG_RXBUF |
                         VN_F_INDIRECT_DESC;
#ifdef VN_PACKED
    const ULONG WantedHigh = VN_F_VERSION_1_HIGH | VN_F_RING_PACKED_HIGH;
#else
    const ULONG WantedHigh = VN_F_VERSION_1_HIGH;
#endif
    if ((Low & Wanted) != Wanted || (High & WantedHigh) != WantedHigh)
        return NDIS_STATUS_ADAPTER_NOT_FOUND; /* this build tests each of them */
    NdisWriteRegisterUlong(A->Common + VN_C_GF, Wanted);
    NdisWriteRegisterUlong(A->Common + VN_C_GFSELECT, 1);
    NdisWriteRegisterUlong(A->Common + VN_C_GF, WantedHigh);
    VnSetStatus(A, VN_S_ACKNOWLEDGE | VN_S_DRIVER | VN_S_FEATURES_OK);
    UCHAR Status8;
    NdisReadRegisterUchar(A->Common + VN_C_STATUS, &Status8);
    if (!(Status8 & VN_S_FEATURES_OK))
        return NDIS_STATUS_ADAPTER_NOT_FOUND; /* the device refused our features */
    for (ULONG i = 0; i < 6; i++)
        NdisReadRegisterUchar(A->Device + i, &A->Mac[i]);
    return NDIS_STATUS_SUCCESS;
}
#else
static NDIS_STATUS VnFindLegacy(PVN_ADAPTER A, PNDIS_RESOURCE_LIST Resources)
{
    for (ULONG i = 0; i < Resources->Count; i++)
        if (Resources->PartialDescriptors[i].Type == CmResourceTypePort && A->PortCount == 0) {
            A->FirstPort = Resources->PartialDescriptors[i].u.Port.Start.LowPart;
            A->PortCount = Resources->PartialDescriptors[i].u.Port.Length;
        }
    if (A->PortCount < 0x1B)
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
    NDIS_STATUS Status = NdisMRegisterIoPortRange((PVOID *)&A->Ports, A->Handle, A->FirstPort, A->PortCount);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    VnSetStatus(A, 0);
    VnSetStatus(A, VN_S_ACKNOWLEDGE | VN_S_DRIVER);
    ULONG Features;
    NdisRawReadPortUlong(A->Ports + VN_HOST_FEATURES, &Features);
    if (!(Features & VN_F_MAC))
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
    NdisRawWritePortUlong(A->Ports + VN_GUEST_FEATURES, Features & (VN_F_MAC | VN_F_STATUS));
    for (ULONG i = 0; i < 6; i++)
        NdisRawReadPortUchar(A->Ports + VN_MAC + i, &A->Mac[i]);
    return NDIS_STATUS_SUCCESS;
}
#endif

#ifdef VN_MODERN
/* One control command with a byte of data, and its ack (0xFF: none came back). The device
 * answers the notification at once; a driver for real hardware would wait for it. */
static UCHAR VnCommand(PVN_ADAPTER A, UCHAR Class, UCHAR Command, UCHAR Data)
{
    PUCHAR Buffer = A->Ctrl.Va + VN_CTRL_BUFFER;
    ULONG64 Pa = (ULONG64)A->Ctrl.Pa.QuadPart + VN_CTRL_BUFFER;
    Buffer[0] = Class, Buffer[1] = Command, Buffer[2] = Data, Buffer[3] = 0xFF;
    VN_PIECE Pieces[2] = { { Pa, 3, 0 }, { Pa + 3, 1, VN_DESC_F_WRITE } }; /* the command, its ack */
    VnOffer(&A->Ctrl, 0, Pieces, 2, NULL, 0);
    VnNotify(A, 2);
    ULONG Id, Length;
    for (int Try = 0; Try < 1000; Try++) {
        if (VnTakeUsed(&A->Ctrl, &Id, &Length))
            return Id == 0 && Length == 1 ? Buffer[3] : 0xFF;
        NdisStallExecution(10);
    }
    return 0xFF;
}
#endif

/* The interrupt: the line (legacy), or MSI-X messages when granted (modern). */
static NDIS_STATUS VnRegisterInterrupt(PVN_ADAPTER A)
{
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS Irq;
    RogueInterruptCharacteristics(&Irq, VnIsr, VnDpc);
#ifdef VN_MODERN
    Irq.MsiSupported = TRUE;
    Irq.MessageInterruptHandler = VnMessageIsr;
    Irq.MessageInterruptDpcHandler = VnMessageDpc;
    Irq.EnableMessageInterruptHandler = VnMessagesOnOff;
    Irq.DisableMessageInterruptHandler = VnMessagesOnOff;
#endif
    NDIS_STATUS Status = NdisMRegisterInterruptEx(A->Handle, A, &Irq, &A->Interrupt);
    if (Status == NDIS_STATUS_SUCCESS && Irq.InterruptType == NDIS_CONNECT_MESSAGE_BASED)
        A->Messages = Irq.MessageInfoTable->MessageCount;
    return Status;
}

static NDIS_STATUS VnSetUp(PVN_ADAPTER A, PNDIS_RESOURCE_LIST Resources)
{
#ifdef VN_MODERN
    NDIS_STATUS Status = VnFindModern(A, Resources);
#else
    NDIS_STATUS Status = VnFindLegacy(A, Resources);
#endif
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    Status = RogueSetBasicAttributes(A->Handle, A, A->Mac, VnOids, sizeof(VnOids));
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    NDIS_SG_DMA_DESCRIPTION Dma;
    RogueSgDmaDescription(&Dma, VN_BUFFER, VnProcessSGList);
    Status = NdisMRegisterScatterGatherDma(A->Handle, &Dma, &A->Dma);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    /* the interrupt first: the modern queues are given their MSI-X vectors */
    if ((Status = VnRegisterInterrupt(A)) != NDIS_STATUS_SUCCESS)
        return Status;
    if ((Status = VnSetUpQueue(A, 0, &A->Rx)) != NDIS_STATUS_SUCCESS ||
        (Status = VnSetUpQueue(A, 1, &A->Tx)) != NDIS_STATUS_SUCCESS)
        return Status;
#ifdef VN_MODERN
    if ((Status = VnSetUpQueue(A, 2, &A->Ctrl)) != NDIS_STATUS_SUCCESS)
        return Status;
#endif
    NdisMAllocateSharedMemory(A->Handle, VN_RX_BUFFERS * VN_BUFFER, TRUE, (PVOID *)&A->RxBuffers, &A->RxPa);
    NdisMAllocateSharedMemory(A->Handle, VN_TX_SLOTS * VN_BUFFER, TRUE, (PVOID *)&A->TxBuffers, &A->TxPa);
    NET_BUFFER_LIST_POOL_PARAMETERS Pool;
    NdisZeroMemory(&Pool, sizeof(Pool));
    Pool.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    Pool.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    Pool.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    Pool.fAllocateNetBuffer = TRUE;
    Pool.PoolTag = 'nVoR';
    A->Pool = A->RxBuffers != NULL && A->TxBuffers != NULL ? NdisAllocateNetBufferListPool(A->Handle, &Pool) : NULL;
    if (A->Pool == NULL)
        return NDIS_STATUS_RESOURCES;
    for (USHORT i = 0; i < VN_RX_BUFFERS; i++) {
        PUCHAR Buffer = A->RxBuffers + i * VN_BUFFER;
        A->RxMdl[i] = NdisAllocateMdl(A->Handle, Buffer + VN_HEADER, VN_BUFFER - VN_HEADER);
        A->RxNbl[i] = A->RxMdl[i] != NULL ? NdisAllocateNetBufferAndNetBufferList(A->Pool, 0, 0, A->RxMdl[i], 0, 0)
                                          : NULL;
        if (A->RxNbl[i] == NULL)
            return NDIS_STATUS_RESOURCES;
        A->RxNbl[i]->SourceHandle = A->Handle;
        VnPostRx(A, i);
    }
#ifdef VN_MODERN
    VnSetStatus(A, VN_S_ACKNOWLEDGE | VN_S_DRIVER | VN_S_FEATURES_OK | VN_S_DRIVER_OK);
    /* promiscuous mode on (class 0, command 0): taken; class 9 does not exist: refused */
    if (VnCommand(A, 0, 0, 1) != 0 || VnCommand(A, 9, 0, 0) != 1)
        return NDIS_STATUS_ADAPTER_NOT_FOUND;
#else
    VnSetStatus(A, VN_S_ACKNOWLEDGE | VN_S_DRIVER | VN_S_DRIVER_OK);
#endif
    VnNotify(A, 0);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS VnInitializeEx(NDIS_HANDLE Handle, NDIS_HANDLE DriverContext, PNDIS_MINIPORT_INIT_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(DriverContext);
    if (Params->AllocatedResources == NULL)
        return NDIS_STATUS_ADAPTER_NOT_FOUND; /* run without a device */
    PVN_ADAPTER A = NdisAllocateMemoryWithTagPriority(Handle, sizeof(*A), 'nVoR', NormalPoolPriority);
    if (A == NULL)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(A, sizeof(*A));
    A->Handle = Handle;
    NdisAllocateSpinLock(&A->Lock);
    A->TxWaitingTail = &A->TxWaiting;
    NDIS_STATUS Status = VnSetUp(A, Params->AllocatedResources);
    if (Status != NDIS_STATUS_SUCCESS)
        VnRelease(A);
    return Status;
}

static VOID VnHaltEx(NDIS_HANDLE Context, NDIS_HALT_ACTION Action)
{
    UNREFERENCED_PARAMETER(Action);
    VnRelease(Context);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
    Chars.MinorNdisVersion = 20;
    Chars.InitializeHandlerEx = VnInitializeEx;
    Chars.HaltHandlerEx = VnHaltEx;
    Chars.PauseHandler = VnPause;
    Chars.RestartHandler = VnRestart;
    Chars.SendNetBufferListsHandler = VnSend;
    Chars.ReturnNetBufferListsHandler = VnReturn;
    Chars.OidRequestHandler = VnOidRequest;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle);
}
