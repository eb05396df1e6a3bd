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

static VOID SampleCountByDestination(const UCHAR *Destination, PULONG64 Directed, PULONG64 Multicast,
                                     PULONG64 Broadcast)
{
    if (SampleIsBroadcast(Destination))
        (*Broadcast)++;
    else if (Destination[0] & 1)
        (*Multicast)++;
    else
        (*Directed)++;
}

/* Receives are over (returned, or never indicated): a pause waiting for them completes. */
static VOID SampleReceivesDone(PSAMPLE_ADAPTER Adapter, LONG Count, BOOLEAN NoBuffer)
{
    BOOLEAN CompletePause = FALSE;
    NdisAcquireSpinLock(&Adapter->Lock);
    Adapter->ReceivesOutstanding -= Count;
    if (NoBuffer)
        Adapter->FramesRcvNoBuffer++;
    if (Adapter->PausePending && Adapter->ReceivesOutstanding == 0) {
        Adapter->PausePending = FALSE;
        CompletePause = TRUE;
    }
    NdisReleaseSpinLock(&Adapter->Lock);
    if (CompletePause)
        NdisMPauseComplete(Adapter->AdapterHandle);
}

/* Indicates one frame on Receiver (DISPATCH_LEVEL). */
static VOID SampleReceiveFrame(PSAMPLE_ADAPTER Receiver, const UCHAR *Frame, ULONG Length)
{
    PNET_BUFFER_LIST Nbl;
    PNET_BUFFER Nb;
    PUCHAR Buffer;

    /* Deciding to receive and counting the receive as outstanding happen under one lock, so
     * a pause either stops this frame or waits for it to come back. */
    NdisDprAcquireSpinLock(&Receiver->Lock);
    BOOLEAN Accept = Receiver->Running && SampleFilterAccepts(Receiver, Frame);
    if (Accept)
        Receiver->ReceivesOutstanding++;
    else
        Receiver->FramesRcvFiltered++;
    NdisDprReleaseSpinLock(&Receiver->Lock);
    if (!Accept)
        return;

    Nbl = NdisAllocateNetBufferList(Receiver->ReceivePool, 0, 0);
    if (Nbl == NULL) {
        SampleReceivesDone(Receiver, 1, TRUE);
        return;
    }
    Nb = NET_BUFFER_LIST_FIRST_NB(Nbl);
    Buffer = MmGetSystemAddressForMdlSafe(NET_BUFFER_FIRST_MDL(Nb), NormalPagePriority);
    NdisMoveMemory(Buffer, Frame, Length);
    NET_BUFFER_DATA_LENGTH(Nb) = Length;
    Nbl->SourceHandle = Receiver->AdapterHandle;

    NdisDprAcquireSpinLock(&Receiver->Lock);
    Receiver->FramesRcvOk++;
    Receiver->BytesRcv += Length;
    SampleCountByDestination(Frame, &Receiver->DirectedRcv, &Receiver->MulticastRcv, &Receiver->BroadcastRcv);
    NdisDprReleaseSpinLock(&Receiver->Lock);

    NdisMIndicateReceiveNetBufferLists(Receiver->AdapterHandle, Nbl, NDIS_DEFAULT_PORT_NUMBER, 1,
                                       NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
}

/* Sends one frame into the hub: every other adapter gets a chance to receive it. */
static VOID SampleHubDeliver(PSAMPLE_ADAPTER Sender, const UCHAR *Frame, ULONG Length)
{
    PSAMPLE_ADAPTER Receivers[SAMPLE_MAX_ADAPTERS];
    ULONG Count = 0;

    /* Snapshot the hub, then indicate without holding its lock. Adapters leave the hub only
     * in MiniportHaltEx, which NDIS never runs concurrently with a send on a running adapter. */
    NdisDprAcquireSpinLock(&SampleDriver->HubLock);
    for (PLIST_ENTRY Entry = SampleDriver->Hub.Flink; Entry != &SampleDriver->Hub && Count < SAMPLE_MAX_ADAPTERS;
         Entry = Entry->Flink) {
        PSAMPLE_ADAPTER Other = CONTAINING_RECORD(Entry, SAMPLE_ADAPTER, HubLink);
        if (Other != Sender)
            Receivers[Count++] = Other;
    }
    NdisDprReleaseSpinLock(&SampleDriver->HubLock);
    for (ULONG i = 0; i < Count; i++)
        SampleReceiveFrame(Receivers[i], Frame, Length);
}

_Use_decl_annotations_
VOID
SampleSendNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferList,
                         NDIS_PORT_NUMBER PortNumber, ULONG SendFlags)
{
    PSAMPLE_ADAPTER Adapter = MiniportAdapterContext;
    UCHAR Storage[ETH_MAX_FRAME];
    KIRQL OldIrql = DISPATCH_LEVEL;
    BOOLEAN AtDispatch = NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags);
    UNREFERENCED_PARAMETER(PortNumber);

    if (!AtDispatch)
        KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);

    NdisDprAcquireSpinLock(&Adapter->Lock);
    BOOLEAN Running = Adapter->Running;
    NdisDprReleaseSpinLock(&Adapter->Lock);

    for (PNET_BUFFER_LIST Nbl = NetBufferList; Nbl != NULL; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl)) {
        NDIS_STATUS Status = Running ? NDIS_STATUS_SUCCESS : NDIS_STATUS_PAUSED;
        for (PNET_BUFFER Nb = NET_BUFFER_LIST_FIRST_NB(Nbl); Running && Nb != NULL; Nb = NET_BUFFER_NEXT_NB(Nb)) {
            ULONG Length = NET_BUFFER_DATA_LENGTH(Nb);
            PUCHAR Frame = Length >= ETH_MIN_FRAME && Length <= ETH_MAX_FRAME
                               ? NdisGetDataBuffer(Nb, Length, Storage, 1, 0)
                               : NULL;
            NdisDprAcquireSpinLock(&Adapter->Lock);
            if (Frame == NULL) {
                Adapter->FramesXmitError++;
                Status = NDIS_STATUS_INVALID_LENGTH;
            } else {
                Adapter->FramesXmitOk++;
                Adapter->BytesXmit += Length;
                SampleCountByDestination(Frame, &Adapter->DirectedXmit, &Adapter->MulticastXmit,
                                         &Adapter->BroadcastXmit);
            }
            NdisDprReleaseSpinLock(&Adapter->Lock);
            if (Frame != NULL)
                SampleHubDeliver(Adapter, Frame, Length);
        }
        NET_BUFFER_LIST_STATUS(Nbl) = Status;
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
    SampleReceivesDone(Adapter, Returned, FALSE);
}

_Use_decl_annotations_
VOID
SampleCancelSend(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId)
{
    /* Sends complete before MiniportSendNetBufferLists returns: nothing is ever queued. */
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(CancelId);
}
