/* An NDIS 6.85 miniport in poll mode, built once per BREAK_* macro: unbroken, it registers a
 * Poll object in MiniportInitializeEx, and every send reflects each frame back up on the same
 * adapter: the copies and the sent NBLs wait on two lists, and the object's NdisPoll hands
 * them to NDIS within its budget, received and completed. Each broken build makes one poll
 * mode mistake. */
#include "rogue.h"

typedef struct _POLL_ADAPTER {
    NDIS_HANDLE Handle;
    NDIS_HANDLE Pool;
    NDIS_POLL_HANDLE Poll;
    UCHAR Mac[6];
    KSPIN_LOCK Lock; /* the two lists: NDIS polls at PASSIVE_LEVEL or DISPATCH_LEVEL */
    PNET_BUFFER_LIST Received, *ReceivedTail;
    PNET_BUFFER_LIST Sent, *SentTail;
    LONG Pending; /* NBLs on the lists */
} POLL_ADAPTER, *PPOLL_ADAPTER;

static NDIS_OID PollOids[] = { OID_GEN_CURRENT_PACKET_FILTER, OID_802_3_CURRENT_ADDRESS };
static LONG AdapterCount;

/* Moves up to Max NBLs from *List into *Chain; returns how many. Lock held. */
static ULONG TakeUpTo(PNET_BUFFER_LIST *List, PNET_BUFFER_LIST **ListTail, PNET_BUFFER_LIST *Chain, ULONG Max)
{
    ULONG Count = 0;
    PNET_BUFFER_LIST *Tail = Chain;
    while (*List != NULL && Count < Max) {
        PNET_BUFFER_LIST Nbl = *List;
        *List = NET_BUFFER_LIST_NEXT_NBL(Nbl);
        NET_BUFFER_LIST_NEXT_NBL(Nbl) = NULL;
        *Tail = Nbl;
        Tail = &NET_BUFFER_LIST_NEXT_NBL(Nbl);
        Count++;
    }
    if (*List == NULL)
        *ListTail = List;
    return Count;
}

static NDIS_POLL PollIterate;
static VOID PollIterate(PVOID Context, NDIS_POLL_DATA *PollData) /* expect ND2218: rogue_poll_budget; expect ND2219: rogue_poll_count */
{
    PPOLL_ADAPTER Adapter = Context;
    ULONG ReceiveBudget = PollData->Receive.MaxNblsToIndicate;
#if defined(BREAK_BUDGET) /* ND2218: everything waiting, whatever the budget */
    ReceiveBudget = NDIS_ANY_NUMBER_OF_NBLS;
#endif
    KIRQL OldIrql;
#if defined(BREAK_DISPATCH_ONLY) /* ND1101: the lock taken as if NDIS always polled at DISPATCH_LEVEL */
    UNREFERENCED_PARAMETER(OldIrql);
    KeAcquireSpinLockAtDpcLevel(&Adapter->Lock); /* expect ND1101: rogue_poll_dispatch_only */
#else
    KeAcquireSpinLock(&Adapter->Lock, &OldIrql);
#endif
    ULONG Received = TakeUpTo(&Adapter->Received, &Adapter->ReceivedTail, &PollData->Receive.IndicatedNblChain,
                              ReceiveBudget);
    ULONG Completed = TakeUpTo(&Adapter->Sent, &Adapter->SentTail, &PollData->Transmit.CompletedNblChain,
                               PollData->Transmit.MaxNblsToComplete);
    PollData->Receive.NumberOfRemainingNbls = Adapter->Received != NULL ? NDIS_ANY_NUMBER_OF_NBLS : 0;
    PollData->Transmit.NumberOfRemainingNbls = Adapter->Sent != NULL ? NDIS_ANY_NUMBER_OF_NBLS : 0;
    Adapter->Pending -= (LONG)(Received + Completed);
#if defined(BREAK_DISPATCH_ONLY)
    KeReleaseSpinLockFromDpcLevel(&Adapter->Lock);
#else
    KeReleaseSpinLock(&Adapter->Lock, OldIrql);
#endif
    PollData->Receive.NumberOfIndicatedNbls = Received;
#if defined(BREAK_COUNT) /* ND2219: one more than the chain holds */
    if (Received != 0)
        PollData->Receive.NumberOfIndicatedNbls = Received + 1;
#endif
    PollData->Transmit.NumberOfCompletedNbls = Completed;
}

static NDIS_SET_POLL_NOTIFICATION PollNotification;
static VOID PollNotification(PVOID Context, NDIS_POLL_NOTIFICATION *Notification)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Notification); /* no interrupt: every send requests a poll */
}

static NDIS_STATUS PollInitializeEx(NDIS_HANDLE Handle, NDIS_HANDLE DriverContext, PNDIS_MINIPORT_INIT_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(DriverContext);
    UNREFERENCED_PARAMETER(Params);
    PPOLL_ADAPTER Adapter = NdisAllocateMemoryWithTagPriority(Handle, sizeof(*Adapter), 'lpVR', NormalPoolPriority);
    if (Adapter == NULL)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Adapter, sizeof(*Adapter));
    Adapter->Handle = Handle;
    Adapter->Mac[0] = 0x02;
    Adapter->Mac[5] = (UCHAR)InterlockedIncrement(&AdapterCount);
    KeInitializeSpinLock(&Adapter->Lock);
    Adapter->ReceivedTail = &Adapter->Received;
    Adapter->SentTail = &Adapter->Sent;
    NDIS_STATUS Status = RogueSetBasicAttributes(Handle, Adapter, Adapter->Mac, PollOids, sizeof(PollOids));
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
    Adapter->Pool = RogueReceivePool(Handle, 'lpVR');
    if (Adapter->Pool == NULL) {
        Status = NDIS_STATUS_RESOURCES;
        goto fail;
    }
    NDIS_POLL_CHARACTERISTICS Chars;
    NdisZeroMemory(&Chars, sizeof(Chars));
    Chars.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    Chars.Header.Revision = NDIS_POLL_CHARACTERISTICS_REVISION_1;
    Chars.Header.Size = NDIS_SIZEOF_NDIS_POLL_CHARACTERISTICS_REVISION_1;
    Chars.PollHandler = PollIterate;
    Chars.SetPollNotificationHandler = PollNotification;
    Status = NdisRegisterPoll(Handle, Adapter, &Chars, &Adapter->Poll); /* expect ND2220: rogue_poll_not_deregistered */
    if (Status != NDIS_STATUS_SUCCESS) {
        NdisFreeNetBufferListPool(Adapter->Pool);
        goto fail;
    }
    return NDIS_STATUS_SUCCESS;
fail:
    NdisFreeMemory(Adapter, 0, 0);
    return Status;
}

static VOID PollHaltEx(NDIS_HANDLE Context, NDIS_HALT_ACTION Action)
{
    PPOLL_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Action);
#if !defined(BREAK_NOT_DEREGISTERED) /* ND2220: the object outlives the adapter */
    NdisDeregisterPoll(Adapter->Poll);
#endif
    NdisFreeNetBufferListPool(Adapter->Pool);
    NdisFreeMemory(Adapter, 0, 0);
}

/* Sends complete only through the poll: the pause waits for the lists to empty. */
static NDIS_STATUS PollPause(NDIS_HANDLE Context, PNDIS_MINIPORT_PAUSE_PARAMETERS Params)
{
    PPOLL_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Params);
    for (int Wait = 0; Wait < 5000 && InterlockedCompareExchange(&Adapter->Pending, 0, 0) != 0; Wait++) {
        NdisRequestPoll(Adapter->Poll, NULL);
        NdisMSleep(1000);
    }
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS PollRestart(NDIS_HANDLE Context, PNDIS_MINIPORT_RESTART_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Params);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS PollOidRequest(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request)
{
    PPOLL_ADAPTER Adapter = Context;
    if (Request->RequestType == NdisRequestSetInformation) {
        Request->DATA.SET_INFORMATION.BytesRead = Request->DATA.SET_INFORMATION.InformationBufferLength;
        return NDIS_STATUS_SUCCESS;
    }
    struct _QUERY *Q = &Request->DATA.QUERY_INFORMATION;
    if (Request->RequestType == NdisRequestQueryInformation && Q->Oid == OID_802_3_CURRENT_ADDRESS) {
        Q->BytesNeeded = 6;
        if (Q->InformationBufferLength < 6)
            return NDIS_STATUS_BUFFER_TOO_SHORT;
        NdisMoveMemory(Q->InformationBuffer, Adapter->Mac, 6);
        Q->BytesWritten = 6;
        return NDIS_STATUS_SUCCESS;
    }
    return NDIS_STATUS_NOT_SUPPORTED;
}

static VOID PollSend(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Flags)
{
    PPOLL_ADAPTER Adapter = Context;
    PNET_BUFFER_LIST Copies = NULL, *CopiesTail = &Copies;
    LONG Count = 0;
    UNREFERENCED_PARAMETER(Port);
    UNREFERENCED_PARAMETER(Flags);
#if defined(BREAK_BUDGET)
    const int Echoes = 3; /* a burst of 32 frames waits as 96 receives, over the budget of 64 */
#else
    const int Echoes = 1;
#endif
    for (PNET_BUFFER_LIST Nbl = Nbls; Nbl; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl)) {
        for (PNET_BUFFER Nb = NET_BUFFER_LIST_FIRST_NB(Nbl); Nb; Nb = NET_BUFFER_NEXT_NB(Nb))
            for (int Echo = 0; Echo < Echoes; Echo++) {
                PUCHAR Data;
                PNET_BUFFER_LIST Rx = RogueCopyFrame(Adapter->Pool, Adapter->Handle, Nb, 14, &Data);
                if (Rx == NULL)
                    continue;
                *CopiesTail = Rx;
                CopiesTail = &NET_BUFFER_LIST_NEXT_NBL(Rx);
                Count++;
            }
        NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_SUCCESS;
        Count++;
    }
    PNET_BUFFER_LIST Last = Nbls;
    while (NET_BUFFER_LIST_NEXT_NBL(Last) != NULL)
        Last = NET_BUFFER_LIST_NEXT_NBL(Last);
    KIRQL OldIrql;
    KeAcquireSpinLock(&Adapter->Lock, &OldIrql); /* the whole batch appears at once */
    if (Copies != NULL) {
        *Adapter->ReceivedTail = Copies;
        Adapter->ReceivedTail = CopiesTail;
    }
    *Adapter->SentTail = Nbls;
    Adapter->SentTail = &NET_BUFFER_LIST_NEXT_NBL(Last);
    Adapter->Pending += Count;
    KeReleaseSpinLock(&Adapter->Lock, OldIrql);
    NdisRequestPoll(Adapter->Poll, NULL);
}

/* expect clean: rogue_poll_none */
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
    Chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars.MinorNdisVersion = 85;
    Chars.InitializeHandlerEx = PollInitializeEx;
    Chars.HaltHandlerEx = PollHaltEx;
    Chars.PauseHandler = PollPause;
    Chars.RestartHandler = PollRestart;
    Chars.OidRequestHandler = PollOidRequest;
    Chars.SendNetBufferListsHandler = PollSend;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle);
}
