/* Receive side scaling: the capabilities the sample advertises, the parameters the protocol
 * sets with OID_GEN_RECEIVE_SCALE_PARAMETERS, the Toeplitz hash that each received IPv4
 * frame carries up (the NDIS design guide's "RSS Hashing Functions" and "RSS Hashing
 * Types"), and the steering: as a NIC with a single hardware queue does ("RSS with a Single
 * Hardware Receive Queue"), frames the indirection table maps to another processor go to
 * that processor's queue and are indicated by a DPC targeted there. */
#include "sample.h"

#define SAMPLE_RSS_HASH_TYPES (NDIS_HASH_IPV4 | NDIS_HASH_TCP_IPV4 | NDIS_HASH_UDP_IPV4)

VOID SampleRssCapabilities(PNDIS_RECEIVE_SCALE_CAPABILITIES Caps)
{
    NdisZeroMemory(Caps, sizeof(*Caps));
    Caps->Header.Type = NDIS_OBJECT_TYPE_RSS_CAPABILITIES;
    Caps->Header.Revision = NDIS_RECEIVE_SCALE_CAPABILITIES_REVISION_2;
    Caps->Header.Size = NDIS_SIZEOF_RECEIVE_SCALE_CAPABILITIES_REVISION_2;
    Caps->CapabilitiesFlags = NDIS_RSS_CAPS_CLASSIFICATION_AT_DPC | NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV4 |
                              NDIS_RSS_CAPS_HASH_TYPE_UDP_IPV4;
    Caps->NumberOfInterruptMessages = 1;
    Caps->NumberOfReceiveQueues = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS); /* one per processor */
    Caps->NumberOfIndirectionTableEntries = SAMPLE_RSS_TABLE_ENTRIES;
}

/* Is [Offset, Offset + Size) inside a buffer of Length bytes? */
static BOOLEAN SampleRssInside(ULONG Offset, ULONG Size, ULONG Length)
{
    return Offset <= Length && Size <= Length - Offset;
}

NDIS_STATUS SampleRssSetParameters(PSAMPLE_ADAPTER Adapter, PNDIS_OID_REQUEST Request)
{
    struct _SET *Set = &Request->DATA.SET_INFORMATION;
    const NDIS_RECEIVE_SCALE_PARAMETERS *P = Set->InformationBuffer;
    ULONG Length = Set->InformationBufferLength;
    if (Length < NDIS_SIZEOF_RECEIVE_SCALE_PARAMETERS_REVISION_1) {
        Set->BytesNeeded = NDIS_SIZEOF_RECEIVE_SCALE_PARAMETERS_REVISION_1;
        return NDIS_STATUS_INVALID_LENGTH;
    }
    if (P->Header.Type != NDIS_OBJECT_TYPE_RSS_PARAMETERS || P->Header.Revision < NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_1)
        return NDIS_STATUS_INVALID_PARAMETER;
    BOOLEAN Disable = (P->Flags & NDIS_RSS_PARAM_FLAG_DISABLE_RSS) != 0;
    ULONG Types = 0, Entries = 0;
    UCHAR Processors[SAMPLE_RSS_TABLE_ENTRIES];
    if (!Disable && !(P->Flags & NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED)) {
        Types = NDIS_RSS_HASH_TYPE_FROM_HASH_INFO(P->HashInformation);
        if (NDIS_RSS_HASH_FUNC_FROM_HASH_INFO(P->HashInformation) != NdisHashFunctionToeplitz ||
            (Types & ~(ULONG)SAMPLE_RSS_HASH_TYPES) != 0)
            return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (!Disable && !(P->Flags & NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED) &&
        (P->HashSecretKeySize != NDIS_RSS_HASH_SECRET_KEY_SIZE_REVISION_1 ||
         !SampleRssInside(P->HashSecretKeyOffset, P->HashSecretKeySize, Length)))
        return NDIS_STATUS_INVALID_PARAMETER;
    if (!Disable && !(P->Flags & NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED)) {
        /* revision 1 lists processors as CCHARs, later revisions as PROCESSOR_NUMBERs */
        ULONG Entry = P->Header.Revision == NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_1 ? sizeof(CCHAR)
                                                                                       : sizeof(PROCESSOR_NUMBER);
        if (P->IndirectionTableSize == 0 || P->IndirectionTableSize % Entry != 0 ||
            P->IndirectionTableSize / Entry > SAMPLE_RSS_TABLE_ENTRIES ||
            !SampleRssInside(P->IndirectionTableOffset, P->IndirectionTableSize, Length))
            return NDIS_STATUS_INVALID_PARAMETER;
        const UCHAR *Table = (const UCHAR *)P + P->IndirectionTableOffset;
        Entries = P->IndirectionTableSize / Entry;
        if ((Entries & (Entries - 1)) != 0) /* the hash's low bits index it */
            return NDIS_STATUS_INVALID_PARAMETER;
        for (ULONG i = 0; i < Entries; i++) {
            PROCESSOR_NUMBER Proc = { 0, 0, 0 };
            if (Entry == sizeof(CCHAR))
                Proc.Number = Table[i];
            else
                NdisMoveMemory(&Proc, Table + i * Entry, sizeof(Proc));
            ULONG Index = KeGetProcessorIndexFromNumber(&Proc);
            if (Index == INVALID_PROCESSOR_INDEX || Index >= Adapter->RssQueueCount)
                return NDIS_STATUS_INVALID_PARAMETER;
            Processors[i] = (UCHAR)Index;
        }
    }
    NdisAcquireSpinLock(&Adapter->Lock);
    Adapter->Rss.Enabled = !Disable;
    if (!Disable && !(P->Flags & NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED))
        Adapter->Rss.HashTypes = Types;
    if (!Disable && !(P->Flags & NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED))
        NdisMoveMemory(Adapter->Rss.Key, (const UCHAR *)P + P->HashSecretKeyOffset, sizeof(Adapter->Rss.Key));
    if (!Disable && !(P->Flags & NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED)) {
        Adapter->Rss.TableEntries = Entries;
        NdisMoveMemory(Adapter->Rss.Table, Processors, Entries);
    }
    NdisReleaseSpinLock(&Adapter->Lock);
    Set->BytesRead = Length;
    return NDIS_STATUS_SUCCESS;
}

/* The Toeplitz hash of Input under Key: each set input bit XORs in the 32 key bits that
 * start at its position. */
static ULONG SampleToeplitz(const UCHAR Key[NDIS_RSS_HASH_SECRET_KEY_SIZE_REVISION_1], const UCHAR *Input, ULONG Length)
{
    ULONG Result = 0;
    ULONG Window = ((ULONG)Key[0] << 24) | ((ULONG)Key[1] << 16) | ((ULONG)Key[2] << 8) | Key[3];
    for (ULONG i = 0; i < Length; i++)
        for (int Bit = 7; Bit >= 0; Bit--) {
            if (Input[i] & (1u << Bit))
                Result ^= Window;
            Window = (Window << 1) | ((Key[i + 4] >> Bit) & 1u);
        }
    return Result;
}

VOID SampleRssHash(const SAMPLE_RSS *Rss, PNET_BUFFER_LIST Nbl, const UCHAR *Frame, ULONG Length)
{
    NET_BUFFER_LIST_INFO(Nbl, NetBufferListHashValue) = NULL;
    NET_BUFFER_LIST_INFO(Nbl, NetBufferListHashInfo) = NULL;
    if (!Rss->Enabled || Length < ETH_HEADER_SIZE + 20 || Frame[12] != 0x08 || Frame[13] != 0x00)
        return;
    const UCHAR *Ip = Frame + ETH_HEADER_SIZE;
    ULONG HeaderLength = (ULONG)(Ip[0] & 0x0f) * 4;
    if ((Ip[0] >> 4) != 4 || HeaderLength < 20 || Length < ETH_HEADER_SIZE + HeaderLength)
        return;
    /* source address, destination address, then (TCP, UDP) source and destination port */
    UCHAR Input[12];
    NdisMoveMemory(Input, Ip + 12, 8);
    ULONG InputLength = 8, Type = NDIS_HASH_IPV4;
    BOOLEAN Fragment = ((Ip[6] & 0x3f) | Ip[7]) != 0; /* more fragments, or an offset */
    BOOLEAN PortsThere = !Fragment && Length >= ETH_HEADER_SIZE + HeaderLength + 4;
    if (PortsThere && Ip[9] == 6 && (Rss->HashTypes & NDIS_HASH_TCP_IPV4))
        Type = NDIS_HASH_TCP_IPV4;
    else if (PortsThere && Ip[9] == 17 && (Rss->HashTypes & NDIS_HASH_UDP_IPV4))
        Type = NDIS_HASH_UDP_IPV4;
    else if (!(Rss->HashTypes & NDIS_HASH_IPV4))
        return;
    if (Type != NDIS_HASH_IPV4) {
        NdisMoveMemory(Input + 8, Ip + HeaderLength, 4);
        InputLength = 12;
    }
    NET_BUFFER_LIST_SET_HASH_VALUE(Nbl, SampleToeplitz(Rss->Key, Input, InputLength));
    NET_BUFFER_LIST_SET_HASH_TYPE(Nbl, Type);
    NET_BUFFER_LIST_SET_HASH_FUNCTION(Nbl, NdisHashFunctionToeplitz);
}

static KDEFERRED_ROUTINE SampleRssDpc;

/* Indicates what this processor's queue holds. */
static VOID SampleRssDpc(PKDPC Dpc, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    PSAMPLE_RSS_QUEUE Queue = Context;
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
    KeAcquireSpinLockAtDpcLevel(&Queue->Lock);
    PNET_BUFFER_LIST Chain = Queue->Head;
    ULONG Count = Queue->Count;
    Queue->Head = NULL;
    Queue->Tail = &Queue->Head;
    Queue->Count = 0;
    KeReleaseSpinLockFromDpcLevel(&Queue->Lock);
    if (Chain != NULL)
        NdisMIndicateReceiveNetBufferLists(Queue->Adapter->AdapterHandle, Chain, NDIS_DEFAULT_PORT_NUMBER, Count,
                                           NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
}

#if NDIS_SUPPORT_NDIS685
static NDIS_POLL SampleRssPoll;
static NDIS_SET_POLL_NOTIFICATION SampleRssPollNotification;

/* Poll mode: one iteration takes what NDIS's budget allows off this processor's queue. NDIS
 * polls at PASSIVE_LEVEL or DISPATCH_LEVEL, so the queue lock is taken raising. */
static VOID SampleRssPoll(PVOID Context, NDIS_POLL_DATA *PollData)
{
    PSAMPLE_RSS_QUEUE Queue = Context;
    NDIS_POLL_RECEIVE_DATA *Receive = &PollData->Receive;
    PNET_BUFFER_LIST *Tail = &Receive->IndicatedNblChain;
    ULONG Count = 0;
    KIRQL OldIrql;
    KeAcquireSpinLock(&Queue->Lock, &OldIrql);
    while (Queue->Head != NULL && Count < Receive->MaxNblsToIndicate) {
        PNET_BUFFER_LIST Nbl = Queue->Head;
        Queue->Head = NET_BUFFER_LIST_NEXT_NBL(Nbl);
        NET_BUFFER_LIST_NEXT_NBL(Nbl) = NULL;
        *Tail = Nbl;
        Tail = &NET_BUFFER_LIST_NEXT_NBL(Nbl);
        Count++;
    }
    if (Queue->Head == NULL)
        Queue->Tail = &Queue->Head;
    Queue->Count -= Count;
    Receive->NumberOfRemainingNbls = Queue->Count;
    KeReleaseSpinLock(&Queue->Lock, OldIrql);
    Receive->NumberOfIndicatedNbls = Count;
}

/* A software queue has no interrupt to mask: SampleRssSteer requests a poll each time it
 * queues, and NDIS coalesces the requests of a busy object. */
static VOID SampleRssPollNotification(PVOID Context, NDIS_POLL_NOTIFICATION *Notification)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Notification);
}

/* The queue's Poll object, running on its processor; a queue whose registration fails keeps
 * its DPC, as a driver on an NDIS without poll mode does. */
static VOID SampleRssRegisterPoll(PSAMPLE_ADAPTER Adapter, PSAMPLE_RSS_QUEUE Queue, const PROCESSOR_NUMBER *Proc)
{
    NDIS_POLL_CHARACTERISTICS Chars;
    NdisZeroMemory(&Chars, sizeof(Chars));
    Chars.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    Chars.Header.Revision = NDIS_POLL_CHARACTERISTICS_REVISION_1;
    Chars.Header.Size = NDIS_SIZEOF_NDIS_POLL_CHARACTERISTICS_REVISION_1;
    Chars.PollHandler = SampleRssPoll;
    Chars.SetPollNotificationHandler = SampleRssPollNotification;
    if (NdisRegisterPoll(Adapter->AdapterHandle, Queue, &Chars, &Queue->Poll) != NDIS_STATUS_SUCCESS)
        Queue->Poll = NULL;
    else
        NdisSetPollAffinity(Queue->Poll, Proc);
}
#endif

NDIS_STATUS SampleRssInitialize(PSAMPLE_ADAPTER Adapter)
{
    ULONG Count = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
    Adapter->RssQueues = NdisAllocateMemoryWithTagPriority(Adapter->AdapterHandle, Count * sizeof(SAMPLE_RSS_QUEUE),
                                                           SAMPLE_TAG, NormalPoolPriority);
    if (Adapter->RssQueues == NULL)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Adapter->RssQueues, Count * sizeof(SAMPLE_RSS_QUEUE));
    for (ULONG i = 0; i < Count; i++) {
        PSAMPLE_RSS_QUEUE Queue = &Adapter->RssQueues[i];
        PROCESSOR_NUMBER Proc;
        KeInitializeDpc(&Queue->Dpc, SampleRssDpc, Queue);
        KeInitializeSpinLock(&Queue->Lock);
        Queue->Tail = &Queue->Head;
        Queue->Adapter = Adapter;
        if (KeGetProcessorNumberFromIndex(i, &Proc) != STATUS_SUCCESS)
            continue;
        KeSetTargetProcessorDpcEx(&Queue->Dpc, &Proc);
#if NDIS_SUPPORT_NDIS685
        if (Adapter->PollMode)
            SampleRssRegisterPoll(Adapter, Queue, &Proc);
#endif
    }
    Adapter->RssQueueCount = Count;
    return NDIS_STATUS_SUCCESS;
}

/* After the pause (every receive returned) and once no sender can reach the adapter: the
 * queues are empty, and no DPC may still be running on them. */
VOID SampleRssHalt(PSAMPLE_ADAPTER Adapter)
{
    if (Adapter->RssQueues == NULL)
        return;
#if NDIS_SUPPORT_NDIS685
    for (ULONG i = 0; i < Adapter->RssQueueCount; i++)
        if (Adapter->RssQueues[i].Poll != NULL)
            NdisDeregisterPoll(Adapter->RssQueues[i].Poll);
#endif
    KeFlushQueuedDpcs();
    NdisFreeMemory(Adapter->RssQueues, 0, 0);
    Adapter->RssQueues = NULL;
}

PNET_BUFFER_LIST SampleRssSteer(PSAMPLE_ADAPTER Adapter, const SAMPLE_RSS *Rss, PNET_BUFFER_LIST Chain, PULONG Count)
{
    if (!Rss->Enabled || Rss->TableEntries == 0 || Adapter->RssQueues == NULL)
        return Chain;
    ULONG Here = KeGetCurrentProcessorNumberEx(NULL);
    PNET_BUFFER_LIST Stay = NULL, *StayTail = &Stay;
    ULONG64 Queued = 0; /* bit k: processor k's queue got frames */
    for (PNET_BUFFER_LIST Nbl = Chain, Next; Nbl != NULL; Nbl = Next) {
        Next = NET_BUFFER_LIST_NEXT_NBL(Nbl);
        NET_BUFFER_LIST_NEXT_NBL(Nbl) = NULL;
        /* unhashed frames stay on this processor */
        ULONG Target = NET_BUFFER_LIST_GET_HASH_TYPE(Nbl) == 0
                           ? Here
                           : Rss->Table[NET_BUFFER_LIST_GET_HASH_VALUE(Nbl) & (Rss->TableEntries - 1)];
        if (Target == Here || Target >= Adapter->RssQueueCount) {
            *StayTail = Nbl;
            StayTail = &NET_BUFFER_LIST_NEXT_NBL(Nbl);
            continue;
        }
        PSAMPLE_RSS_QUEUE Queue = &Adapter->RssQueues[Target];
        KeAcquireSpinLockAtDpcLevel(&Queue->Lock);
        *Queue->Tail = Nbl;
        Queue->Tail = &NET_BUFFER_LIST_NEXT_NBL(Nbl);
        Queue->Count++;
        KeReleaseSpinLockFromDpcLevel(&Queue->Lock);
        Queued |= 1ull << Target;
        (*Count)--;
    }
    for (ULONG k = 0; Queued != 0; k++, Queued >>= 1) {
        if (!(Queued & 1))
            continue;
#if NDIS_SUPPORT_NDIS685
        if (Adapter->RssQueues[k].Poll != NULL) {
            NdisRequestPoll(Adapter->RssQueues[k].Poll, NULL);
            continue;
        }
#endif
        KeInsertQueueDpc(&Adapter->RssQueues[k].Dpc, NULL, NULL);
    }
    return Stay;
}
