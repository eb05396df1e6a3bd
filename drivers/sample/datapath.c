/* The sample's data path. A send is delivered through the hub to every other running
 * adapter whose filter accepts it, then completed; frames reach the receivers as NBLs from
 * their own receive pools and come back through SampleReturnNetBufferLists. */
#include "sample.h"

#define SAMPLE_MAX_ADAPTERS 64

static BOOLEAN SampleIsBroadcast(const UCHAR *Address)
{
    static const UCHAR Broadcast[SAMPLE_ADDRESS_LENGTH] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    return NdisEqualMemory(Address, Broadcast, SAMPLE_ADDRESS_LENGTH);
}

/* Would this adapter's filter pass a frame sent to Destination? Lock held. */
static BOOLEAN SampleFilterAccepts(PSAMPLE_ADAPTER Adapter, const UCHAR *Destination)
{
    ULONG Filter = Adapter->PacketFilter;
    if (Adapter->IpMedium) /* a tunnel's packets have no MAC: every one is for the other ends */
        return Filter != 0;
    if (Filter & NDIS_PACKET_TYPE_PROMISCUOUS)
        return TRUE;
    if (SampleIsBroadcast(Destination))
        return (Filter & NDIS_PACKET_TYPE_BROADCAST) != 0;
    if (Destination[0] & 1) {
        if (Filter & NDIS_PACKET_TYPE_ALL_MULTICAST)
            return TRUE;
        if (Filter & NDIS_PACKET_TYPE_MULTICAST)
            for (ULONG i = 0; i < Adapter->MulticastCount; i++)
                if (NdisEqualMemory(Adapter->MulticastList[i], Destination, SAMPLE_ADDRESS_LENGTH))
                    return TRUE;
        return FALSE;
    }
    return (Filter & NDIS_PACKET_TYPE_DIRECTED) &&
           NdisEqualMemory(Adapter->CurrentAddress, Destination, SAMPLE_ADDRESS_LENGTH);
}

static VOID SampleCountByDestination(BOOLEAN Ip, const UCHAR *Destination, PULONG64 Directed, PULONG64 Multicast,
                                     PULONG64 Broadcast)
{
    if (Ip)
        (*Directed)++;
    else if (SampleIsBroadcast(Destination))
        (*Broadcast)++;
    else if (Destination[0] & 1)
        (*Multicast)++;
    else
        (*Directed)++;
}

/* Receives are over (returned, or never indicated): a pause waiting for them completes. */
static VOID SampleReceivesDone(PSAMPLE_ADAPTER Adapter, LONG Count, ULONG NoBuffer)
{
    BOOLEAN CompletePause = FALSE;
    NdisAcquireSpinLock(&Adapter->Lock);
    Adapter->ReceivesOutstanding -= Count;
    Adapter->FramesRcvNoBuffer += NoBuffer;
    if (Adapter->PausePending && Adapter->ReceivesOutstanding == 0) {
        Adapter->PausePending = FALSE;
        CompletePause = TRUE;
    }
    NdisReleaseSpinLock(&Adapter->Lock);
    if (CompletePause)
        NdisMPauseComplete(Adapter->AdapterHandle);
}

/* Sends are delivered in batches of up to SAMPLE_SEND_BATCH frames, so that each receiver
 * takes its lock and indicates once per batch rather than once per frame, as the NDIS guide
 * advises for receive indications. */
#define SAMPLE_SEND_BATCH 32

/* Copies the frame's data (from its current MDL and offset) into Buffer. */
static BOOLEAN SampleCopyFrame(const SAMPLE_FRAME *Frame, PUCHAR Buffer)
{
    if (Frame->Data != NULL) {
        NdisMoveMemory(Buffer, Frame->Data, Frame->Length);
        return TRUE;
    }
    ULONG Left = Frame->Length, Offset = NET_BUFFER_CURRENT_MDL_OFFSET(Frame->Nb);
    for (PMDL Mdl = NET_BUFFER_CURRENT_MDL(Frame->Nb); Mdl != NULL && Left > 0; Mdl = Mdl->Next, Offset = 0) {
        PUCHAR Va = MmGetSystemAddressForMdlSafe(Mdl, NormalPagePriority);
        ULONG Chunk = MmGetMdlByteCount(Mdl) - Offset;
        if (Va == NULL)
            return FALSE;
        if (Chunk > Left)
            Chunk = Left;
        NdisMoveMemory(Buffer, Va + Offset, Chunk);
        Buffer += Chunk;
        Left -= Chunk;
    }
    return Left == 0;
}

/* Is the NET_BUFFER a frame we can deliver (an Ethernet length, or a large send's, its MDL
 * chain long enough, any offload it asks for on)? Fills in Frame if so. */
static BOOLEAN SampleFrameFromNetBuffer(PSAMPLE_ADAPTER Adapter, PNET_BUFFER_LIST Nbl, PNET_BUFFER Nb,
                                        const SAMPLE_OFFLOAD_STATE *On, PSAMPLE_FRAME Frame)
{
    ULONG Length = NET_BUFFER_DATA_LENGTH(Nb), Have = 0, Offset = NET_BUFFER_CURRENT_MDL_OFFSET(Nb);
    NdisZeroMemory(Frame, sizeof(*Frame));
    if (!SampleOffloadRead(Nbl, On, Frame))
        return FALSE;
    if (Length < ETH_MIN_FRAME || Length > (Frame->Mss != 0 ? SAMPLE_LSO_MAX_FRAME : ETH_MAX_FRAME))
        return FALSE;
    for (PMDL Mdl = NET_BUFFER_CURRENT_MDL(Nb); Mdl != NULL && Have < Length; Mdl = Mdl->Next, Offset = 0)
        Have += MmGetMdlByteCount(Mdl) - Offset;
    if (Have < Length)
        return FALSE;
    PUCHAR Destination = NdisGetDataBuffer(Nb, SAMPLE_ADDRESS_LENGTH, Frame->Destination, 1, 0);
    if (Destination == NULL)
        return FALSE;
    if (Destination != Frame->Destination)
        NdisMoveMemory(Frame->Destination, Destination, SAMPLE_ADDRESS_LENGTH);
    Frame->Nb = Nb;
    Frame->Length = Length;
    if (Frame->Mss == 0)
        return TRUE;
    /* a large send is cut from one contiguous copy */
    Frame->Data = NdisGetDataBuffer(Nb, Length, NULL, 1, 0);
    if (Frame->Data == NULL) {
        PUCHAR Gathered = NdisAllocateMemoryWithTagPriority(Adapter->AdapterHandle, Length, SAMPLE_TAG,
                                                            NormalPoolPriority);
        if (Gathered == NULL || !SampleCopyFrame(Frame, Gathered)) {
            if (Gathered != NULL)
                NdisFreeMemory(Gathered, 0, 0);
            return FALSE;
        }
        Frame->Data = Gathered;
        Frame->DataOwned = TRUE;
    }
    if (SampleLsoSegmentCount(Frame) == 0) {
        if (Frame->DataOwned)
            NdisFreeMemory((PVOID)Frame->Data, 0, 0);
        return FALSE;
    }
    return TRUE;
}

/* Builds the receive NBL for one frame, or for segment Index of a large send the receiver
 * does not take whole; NULL when out of buffers or the frame is malformed. */
static PNET_BUFFER_LIST SampleBuildReceive(PSAMPLE_ADAPTER Receiver, const SAMPLE_OFFLOAD_STATE *On,
                                           const SAMPLE_RSS *Rss, const SAMPLE_FRAME *Frame, BOOLEAN Whole,
                                           ULONG Index)
{
    PNET_BUFFER_LIST Nbl = NdisAllocateNetBufferList(Whole ? Receiver->CoalescedPool : Receiver->ReceivePool, 0, 0);
    if (Nbl == NULL)
        return NULL;
    PNET_BUFFER Nb = NET_BUFFER_LIST_FIRST_NB(Nbl);
    PUCHAR Data = MmGetSystemAddressForMdlSafe(NET_BUFFER_FIRST_MDL(Nb), NormalPagePriority);
    ULONG Length = Frame->Length;
    BOOLEAN Built = Data != NULL;
    if (Built && Frame->Mss != 0 && !Whole)
        Built = (Length = SampleLsoSegment(Frame, Index, Data)) != 0;
    else if (Built)
        Built = SampleCopyFrame(Frame, Data) && (Frame->Mss != 0 || SampleOffloadChecksums(Frame, Data));
    if (!Built) {
        NdisFreeNetBufferList(Nbl);
        return NULL;
    }
    NET_BUFFER_DATA_LENGTH(Nb) = Length;
    if (Whole)
        SampleOffloadCoalesced(Frame, Data, Nbl);
    else
        SampleOffloadReceived(On, Frame, Data, Length, Nbl);
    SampleRssHash(Rss, Nbl, Data, Length);
    Nbl->SourceHandle = Receiver->AdapterHandle;
    return Nbl;
}

/* Indicates the frames this receiver's filter accepts, as one chain (DISPATCH_LEVEL). */
static VOID SampleReceiveFrames(PSAMPLE_ADAPTER Receiver, const SAMPLE_FRAME *Frames, ULONG Count)
{
    ULONG Wanted[SAMPLE_SEND_BATCH]; /* NBLs each frame becomes: 0 (filtered), 1, or its segments */
    BOOLEAN Whole[SAMPLE_SEND_BATCH];
    LONG Accepted = 0;
    ULONG Indicated = 0, NoBuffer = 0;
    ULONG64 Bytes = 0, Directed = 0, Multicast = 0, Broadcast = 0;
    PNET_BUFFER_LIST Head = NULL, *Tail = &Head;

    /* Deciding to receive and counting the receives as outstanding happen under one lock,
     * so a pause either stops these frames or waits for them to come back. */
    SAMPLE_RSS Rss;
    SAMPLE_OFFLOAD_STATE On;
    NdisDprAcquireSpinLock(&Receiver->Lock);
    Rss = Receiver->Rss;
    On = Receiver->Offload;
    for (ULONG i = 0; i < Count; i++) {
        Wanted[i] = 0;
        Whole[i] = SampleOffloadTakesWhole(&On, &Frames[i]);
        if (Receiver->Running && SampleFilterAccepts(Receiver, Frames[i].Destination))
            Wanted[i] = Frames[i].Mss != 0 && !Whole[i] ? SampleLsoSegmentCount(&Frames[i]) : 1;
        else
            Receiver->FramesRcvFiltered++;
        Accepted += (LONG)Wanted[i];
    }
    Receiver->ReceivesOutstanding += Accepted;
    NdisDprReleaseSpinLock(&Receiver->Lock);
    if (Accepted == 0)
        return;

    for (ULONG i = 0; i < Count; i++)
        for (ULONG k = 0; k < Wanted[i]; k++) {
            PNET_BUFFER_LIST Nbl = SampleBuildReceive(Receiver, &On, &Rss, &Frames[i], Whole[i], k);
            if (Nbl == NULL) {
                NoBuffer++;
                continue;
            }
            *Tail = Nbl;
            Tail = &NET_BUFFER_LIST_NEXT_NBL(Nbl);
            Indicated++;
            Bytes += NET_BUFFER_DATA_LENGTH(NET_BUFFER_LIST_FIRST_NB(Nbl));
            SampleCountByDestination(Receiver->IpMedium, Frames[i].Destination, &Directed, &Multicast, &Broadcast);
        }
    if (NoBuffer != 0)
        SampleReceivesDone(Receiver, (LONG)NoBuffer, NoBuffer);
    if (Indicated == 0)
        return;

    NdisDprAcquireSpinLock(&Receiver->Lock);
    Receiver->FramesRcvOk += Indicated;
    Receiver->BytesRcv += Bytes;
    Receiver->DirectedRcv += Directed;
    Receiver->MulticastRcv += Multicast;
    Receiver->BroadcastRcv += Broadcast;
    NdisDprReleaseSpinLock(&Receiver->Lock);

    Head = SampleRssSteer(Receiver, &Rss, Head, &Indicated);
    if (Head != NULL)
        NdisMIndicateReceiveNetBufferLists(Receiver->AdapterHandle, Head, NDIS_DEFAULT_PORT_NUMBER, Indicated,
                                           NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
}

/* Sends a batch of frames into the hub: every other adapter gets a chance to receive them,
 * and the control device's ports see them. */
static VOID SampleHubDeliver(PSAMPLE_ADAPTER Sender, const SAMPLE_FRAME *Frames, ULONG Count)
{
    PSAMPLE_ADAPTER Receivers[SAMPLE_MAX_ADAPTERS];
    ULONG Receiving = 0;
    ULONG64 Bytes = 0, Directed = 0, Multicast = 0, Broadcast = 0;

    if (Sender != NULL) { /* NULL: a frame from a control-device port */
        for (ULONG i = 0; i < Count; i++) {
            Bytes += Frames[i].Length;
            SampleCountByDestination(Sender->IpMedium, Frames[i].Destination, &Directed, &Multicast, &Broadcast);
        }
        NdisDprAcquireSpinLock(&Sender->Lock);
        Sender->FramesXmitOk += Count;
        Sender->BytesXmit += Bytes;
        Sender->DirectedXmit += Directed;
        Sender->MulticastXmit += Multicast;
        Sender->BroadcastXmit += Broadcast;
        NdisDprReleaseSpinLock(&Sender->Lock);
    }

    /* Snapshot the hub, then indicate without holding its lock. Another adapter may be
     * halting meanwhile (NDIS serializes a halt only with its own adapter's sends): each
     * receiver taken is counted, and its MiniportHaltEx waits for the count to drain. */
    NdisDprAcquireSpinLock(&SampleDriver->HubLock);
    for (PLIST_ENTRY Entry = SampleDriver->Hub.Flink; Entry != &SampleDriver->Hub && Receiving < SAMPLE_MAX_ADAPTERS;
         Entry = Entry->Flink) {
        PSAMPLE_ADAPTER Other = CONTAINING_RECORD(Entry, SAMPLE_ADAPTER, HubLink);
        if (Other != Sender) {
            InterlockedIncrement(&Other->HubDeliveries);
            Receivers[Receiving++] = Other;
        }
    }
    NdisDprReleaseSpinLock(&SampleDriver->HubLock);
    for (ULONG i = 0; i < Receiving; i++) {
        SampleReceiveFrames(Receivers[i], Frames, Count);
        InterlockedDecrement(&Receivers[i]->HubDeliveries);
    }
    /* and to the control device's ports, if any file is open on it */
    if (Sender != NULL && InterlockedCompareExchange(&SampleDriver->PortCount, 0, 0) != 0) {
        UCHAR Copy[ETH_MAX_FRAME];
        for (ULONG i = 0; i < Count; i++) {
            if (Frames[i].Mss == 0) {
                if (SampleCopyFrame(&Frames[i], Copy) && SampleOffloadChecksums(&Frames[i], Copy))
                    SampleControlSeeFrame(Copy, Frames[i].Length);
                continue;
            }
            ULONG Segments = SampleLsoSegmentCount(&Frames[i]), Length;
            for (ULONG k = 0; k < Segments; k++)
                if ((Length = SampleLsoSegment(&Frames[i], k, Copy)) != 0)
                    SampleControlSeeFrame(Copy, Length);
        }
    }
}

VOID SampleHubInject(const UCHAR *Frame, ULONG Length)
{
    SAMPLE_FRAME F;
    KIRQL OldIrql;
    NdisZeroMemory(&F, sizeof(F));
    F.Data = Frame;
    F.Length = Length;
    NdisMoveMemory(F.Destination, Frame, SAMPLE_ADDRESS_LENGTH);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    SampleHubDeliver(NULL, &F, 1);
    KeLowerIrql(OldIrql);
}

/* Delivers a batch, then lets go of the large sends gathered for it. */
static VOID SampleSendBatch(PSAMPLE_ADAPTER Adapter, PSAMPLE_FRAME Frames, ULONG Count)
{
    SampleHubDeliver(Adapter, Frames, Count);
    for (ULONG i = 0; i < Count; i++)
        if (Frames[i].DataOwned)
            NdisFreeMemory((PVOID)Frames[i].Data, 0, 0);
}

_Use_decl_annotations_
VOID
SampleSendNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferList,
                         NDIS_PORT_NUMBER PortNumber, ULONG SendFlags)
{
    PSAMPLE_ADAPTER Adapter = MiniportAdapterContext;
    SAMPLE_FRAME Frames[SAMPLE_SEND_BATCH];
    ULONG Count = 0, Errors = 0;
    KIRQL OldIrql = DISPATCH_LEVEL;
    BOOLEAN AtDispatch = NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags);
    UNREFERENCED_PARAMETER(PortNumber);

    if (!AtDispatch)
        KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);

    NdisDprAcquireSpinLock(&Adapter->Lock);
    BOOLEAN Running = Adapter->Running;
    SAMPLE_OFFLOAD_STATE On = Adapter->Offload;
    NdisDprReleaseSpinLock(&Adapter->Lock);

    for (PNET_BUFFER_LIST Nbl = NetBufferList; Nbl != NULL; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl)) {
        NDIS_STATUS Status = Running ? NDIS_STATUS_SUCCESS : NDIS_STATUS_PAUSED;
        for (PNET_BUFFER Nb = NET_BUFFER_LIST_FIRST_NB(Nbl); Running && Nb != NULL; Nb = NET_BUFFER_NEXT_NB(Nb)) {
            if (!SampleFrameFromNetBuffer(Adapter, Nbl, Nb, &On, &Frames[Count])) {
                Errors++;
                Status = NDIS_STATUS_INVALID_LENGTH;
                continue;
            }
            if (++Count == SAMPLE_SEND_BATCH) {
                SampleSendBatch(Adapter, Frames, Count);
                Count = 0;
            }
        }
        SampleOffloadComplete(Nbl);
        NET_BUFFER_LIST_STATUS(Nbl) = Status;
    }
    if (Count != 0)
        SampleSendBatch(Adapter, Frames, Count);
    if (Errors != 0) {
        NdisDprAcquireSpinLock(&Adapter->Lock);
        Adapter->FramesXmitError += Errors;
        NdisDprReleaseSpinLock(&Adapter->Lock);
    }
    NdisMSendNetBufferListsComplete(Adapter->AdapterHandle, NetBufferList, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);

    if (!AtDispatch)
        KeLowerIrql(OldIrql);
}

_Use_decl_annotations_
VOID
SampleReturnNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists, ULONG ReturnFlags)
{
    PSAMPLE_ADAPTER Adapter = MiniportAdapterContext;
    LONG Returned = 0;
    UNREFERENCED_PARAMETER(ReturnFlags);

    for (PNET_BUFFER_LIST Nbl = NetBufferLists, Next; Nbl != NULL; Nbl = Next) {
        Next = NET_BUFFER_LIST_NEXT_NBL(Nbl);
        NET_BUFFER_LIST_NEXT_NBL(Nbl) = NULL;
        NdisFreeNetBufferList(Nbl);
        Returned++;
    }
    SampleReceivesDone(Adapter, Returned, 0);
}

_Use_decl_annotations_
VOID
SampleCancelSend(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId)
{
    /* Sends complete before MiniportSendNetBufferLists returns: nothing is ever queued. */
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(CancelId);
}
