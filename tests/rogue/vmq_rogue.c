/* A miniport with one VM queue (NDIS 6.20 VMQ), built once per BREAK_* macro: unbroken, it
 * advertises the queue in its hardware-assist attributes, takes the queue, filter and
 * allocation-complete requests, and reflects every frame it is sent back up as a receive on
 * the same adapter: on the queue when the destination matches the queue's filter, else on
 * the default queue. Each broken build makes one hardware-assist mistake. */
#include "rogue.h"

typedef struct _VMQ_ADAPTER {
    NDIS_HANDLE Handle;
    NDIS_HANDLE Pool;
    UCHAR Mac[6];
    NDIS_SPIN_LOCK Lock;
    NDIS_RECEIVE_QUEUE_ID Queue; /* 0: none allocated */
    NDIS_RECEIVE_FILTER_ID Filter;
    UCHAR FilterMac[6];
    ULONG RssEntries;       /* the indirection table the protocol set (BREAK_WRONG_PROCESSOR) */
    UCHAR RssTable[128];
} VMQ_ADAPTER, *PVMQ_ADAPTER;

static NDIS_OID VmqOids[] = { OID_GEN_CURRENT_PACKET_FILTER, OID_802_3_CURRENT_ADDRESS };
static LONG AdapterCount;

static NDIS_STATUS SetAttributes(PVMQ_ADAPTER Adapter)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES Registration;
    NdisZeroMemory(&Registration, sizeof(Registration));
    Registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
    Registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    Registration.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    Registration.MiniportAdapterContext = Adapter;
#if defined(BREAK_BEYOND_VERSION) /* ND2217: revision 2 is NDIS 6.30's; this driver declares 6.20 */
    Registration.Header.Revision = 2;
#endif
    NDIS_STATUS Status = NdisMSetMiniportAttributes(Adapter->Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&Registration); /* expect ND2217: rogue_vmq_beyond_version */
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;

    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES General;
    NdisZeroMemory(&General, sizeof(General));
    General.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
    General.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    General.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    General.MediaType = NdisMedium802_3;
    General.MtuSize = 1500;
#if defined(BREAK_LONGER_THAN_MTU) /* ND2214: it says 64 bytes, and receives what it is sent */
    General.MtuSize = 64;
#endif
    General.MediaConnectState = MediaConnectStateConnected;
    General.MacAddressLength = 6;
    NdisMoveMemory(General.CurrentMacAddress, Adapter->Mac, 6);
    NdisMoveMemory(General.PermanentMacAddress, Adapter->Mac, 6);
#if defined(BREAK_WRONG_PROCESSOR) /* RSS, so that the protocol sets an indirection table */
    static NDIS_RECEIVE_SCALE_CAPABILITIES Rss;
    NdisZeroMemory(&Rss, sizeof(Rss));
    Rss.Header.Type = NDIS_OBJECT_TYPE_RSS_CAPABILITIES;
    Rss.Header.Revision = NDIS_RECEIVE_SCALE_CAPABILITIES_REVISION_1;
    Rss.Header.Size = NDIS_SIZEOF_RECEIVE_SCALE_CAPABILITIES_REVISION_1;
    Rss.CapabilitiesFlags = NDIS_RSS_CAPS_CLASSIFICATION_AT_DPC | NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV4;
    Rss.NumberOfInterruptMessages = 1;
    Rss.NumberOfReceiveQueues = 64;
    General.RecvScaleCapabilities = &Rss;
#endif
    General.SupportedOidList = VmqOids;
    General.SupportedOidListLength = sizeof(VmqOids);
    Status = NdisMSetMiniportAttributes(Adapter->Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&General);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;

    /* IPv4 receive checksums of the IP header and TCP: what its receives may report */
    NDIS_OFFLOAD Offload;
    NdisZeroMemory(&Offload, sizeof(Offload));
    Offload.Header.Type = NDIS_OBJECT_TYPE_OFFLOAD;
    Offload.Header.Revision = NDIS_OFFLOAD_REVISION_1;
    Offload.Header.Size = NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1;
    Offload.Checksum.IPv4Receive.Encapsulation = NDIS_ENCAPSULATION_IEEE_802_3;
    Offload.Checksum.IPv4Receive.IpChecksum = NDIS_OFFLOAD_SUPPORTED;
    Offload.Checksum.IPv4Receive.TcpChecksum = NDIS_OFFLOAD_SUPPORTED;
    NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES OffloadAttributes;
    NdisZeroMemory(&OffloadAttributes, sizeof(OffloadAttributes));
    OffloadAttributes.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES;
    OffloadAttributes.Header.Revision = NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1;
    OffloadAttributes.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1;
    OffloadAttributes.DefaultOffloadConfiguration = &Offload;
    NDIS_OFFLOAD Hardware = Offload; /* the same, but for the breaks below */
    OffloadAttributes.HardwareOffloadCapabilities = &Hardware;
#if defined(BREAK_OFFLOAD_BEYOND_HARDWARE) /* ND2210: the hardware has no TCP receive checksum */
    Hardware.Checksum.IPv4Receive.TcpChecksum = NDIS_OFFLOAD_NOT_SUPPORTED;
#elif defined(BREAK_CHECKSUM_NOT_ENABLED) /* ND2212: UDP receive checksums, in hardware only */
    Hardware.Checksum.IPv4Receive.UdpChecksum = NDIS_OFFLOAD_SUPPORTED;
#elif defined(BREAK_LSO_COMPLETION) /* ND2215: LSO v1 advertised, its completion never written */
    Offload.LsoV1.IPv4.Encapsulation = NDIS_ENCAPSULATION_IEEE_802_3;
    Offload.LsoV1.IPv4.MaxOffLoadSize = 64000;
    Offload.LsoV1.IPv4.MinSegmentCount = 2;
    Offload.LsoV1.IPv4.TcpOptions = NDIS_OFFLOAD_SUPPORTED;
    Hardware = Offload;
#elif defined(BREAK_COALESCING_NOT_ENABLED) || defined(BREAK_COALESCED_CHECKSUM)
    /* RSC in the hardware; turned on by default only where the SCU's checksums are the break */
    Hardware.Header.Revision = NDIS_OFFLOAD_REVISION_3;
    Hardware.Header.Size = NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_3;
    Hardware.Rsc.IPv4.Enabled = TRUE;
#if defined(BREAK_COALESCED_CHECKSUM)
    OffloadAttributes.DefaultOffloadConfiguration = &Hardware;
#endif
#endif
    Status = NdisMSetMiniportAttributes(Adapter->Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&OffloadAttributes); /* expect ND2210: rogue_vmq_offload_beyond_hardware */
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;

    NDIS_RECEIVE_FILTER_CAPABILITIES Caps;
    NdisZeroMemory(&Caps, sizeof(Caps));
    Caps.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    Caps.Header.Revision = NDIS_RECEIVE_FILTER_CAPABILITIES_REVISION_1;
    Caps.Header.Size = NDIS_SIZEOF_RECEIVE_FILTER_CAPABILITIES_REVISION_1;
    Caps.EnabledFilterTypes = NDIS_RECEIVE_FILTER_VMQ_FILTERS_ENABLED;
    Caps.EnabledQueueTypes = NDIS_RECEIVE_FILTER_VM_QUEUES_ENABLED;
    Caps.NumQueues = 1;
    Caps.SupportedQueueProperties = NDIS_RECEIVE_FILTER_VM_QUEUE_SUPPORTED;
    Caps.SupportedFilterTests = NDIS_RECEIVE_FILTER_TEST_HEADER_FIELD_EQUAL_SUPPORTED;
    Caps.SupportedHeaders = NDIS_RECEIVE_FILTER_MAC_HEADER_SUPPORTED;
    Caps.SupportedMacHeaderFields = NDIS_RECEIVE_FILTER_MAC_HEADER_DEST_ADDR_SUPPORTED;
    Caps.MaxMacHeaderFilters = 1;
    NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES Assist;
    NdisZeroMemory(&Assist, sizeof(Assist));
    Assist.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES;
    Assist.Header.Revision = NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_2;
    Assist.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_2;
#if defined(BREAK_ASSIST_REVISION) /* ND2203: revision 2's receive-filter members, revision 1's size */
    Assist.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_1;
#endif
    Assist.HardwareReceiveFilterCapabilities = &Caps;
    Assist.CurrentReceiveFilterCapabilities = &Caps;
    Status = NdisMSetMiniportAttributes(Adapter->Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&Assist); /* expect ND2203: rogue_vmq_assist_revision */
#if defined(BREAK_ASSIST_REVISION)
    Status = NDIS_STATUS_SUCCESS; /* runs on without VMQ, as a driver that ignores the failure would */
#endif
    return Status;
}

static NDIS_STATUS VmqInitializeEx(NDIS_HANDLE Handle, NDIS_HANDLE DriverContext, PNDIS_MINIPORT_INIT_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(DriverContext);
    UNREFERENCED_PARAMETER(Params);
    PVMQ_ADAPTER Adapter = NdisAllocateMemoryWithTagPriority(Handle, sizeof(*Adapter), 'qmVR', NormalPoolPriority);
    if (Adapter == NULL)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Adapter, sizeof(*Adapter));
    Adapter->Handle = Handle;
    Adapter->Mac[0] = 0x02;
    Adapter->Mac[5] = (UCHAR)InterlockedIncrement(&AdapterCount);
    NdisAllocateSpinLock(&Adapter->Lock);
    NDIS_STATUS Status = SetAttributes(Adapter);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
    Adapter->Pool = RogueReceivePool(Handle, 'qmVR');
    if (Adapter->Pool == NULL) {
        Status = NDIS_STATUS_RESOURCES;
        goto fail;
    }
    return NDIS_STATUS_SUCCESS;
fail:
    NdisFreeSpinLock(&Adapter->Lock);
    NdisFreeMemory(Adapter, 0, 0);
    return Status;
}

static VOID VmqHaltEx(NDIS_HANDLE Context, NDIS_HALT_ACTION Action)
{
    PVMQ_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Action);
    NdisFreeNetBufferListPool(Adapter->Pool);
    NdisFreeSpinLock(&Adapter->Lock);
    NdisFreeMemory(Adapter, 0, 0);
}

static NDIS_STATUS VmqPause(NDIS_HANDLE Context, PNDIS_MINIPORT_PAUSE_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Params);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS VmqRestart(NDIS_HANDLE Context, PNDIS_MINIPORT_RESTART_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Params);
    return NDIS_STATUS_SUCCESS;
}

#if defined(BREAK_BEFORE_COMPLETE) || defined(BREAK_QUEUE_WITHOUT_FILTER)
/* One small frame to this adapter, indicated on Queue as Filter's (the broken builds' way to
 * indicate where they should not). */
static VOID VmqIndicateOn(PVMQ_ADAPTER Adapter, NDIS_RECEIVE_QUEUE_ID Queue, NDIS_RECEIVE_FILTER_ID Filter)
{
    PNET_BUFFER_LIST Rx = NdisAllocateNetBufferList(Adapter->Pool, 0, 0);
    if (Rx == NULL)
        return;
    PNET_BUFFER Nb = NET_BUFFER_LIST_FIRST_NB(Rx);
    PUCHAR Data = MmGetSystemAddressForMdlSafe(NET_BUFFER_CURRENT_MDL(Nb), NormalPagePriority);
    if (Data == NULL) {
        NdisFreeNetBufferList(Rx);
        return;
    }
    NdisZeroMemory(Data + NET_BUFFER_CURRENT_MDL_OFFSET(Nb), 60);
    NdisMoveMemory(Data + NET_BUFFER_CURRENT_MDL_OFFSET(Nb), Adapter->Mac, 6);
    NET_BUFFER_DATA_LENGTH(Nb) = 60;
    NET_BUFFER_LIST_RECEIVE_QUEUE_ID(Rx) = (USHORT)Queue;
    NET_BUFFER_LIST_RECEIVE_FILTER_ID(Rx) = (USHORT)Filter;
    Rx->SourceHandle = Adapter->Handle;
    NdisMIndicateReceiveNetBufferLists(Adapter->Handle, Rx, 0, 1, 0); /* expect ND2204: rogue_vmq_before_complete rogue_vmq_queue_without_filter */
}
#endif

/* The queue requests NDIS sends (ALLOCATE_QUEUE, SET_FILTER, QUEUE_ALLOCATION_COMPLETE are
 * methods; CLEAR_FILTER and FREE_QUEUE sets), each checked for its structure's size. */
static NDIS_STATUS VmqMethod(PVMQ_ADAPTER Adapter, PNDIS_OID_REQUEST Request)
{
    struct _METHOD *M = &Request->DATA.METHOD_INFORMATION;
    switch (M->Oid) {
    case OID_RECEIVE_FILTER_ALLOCATE_QUEUE: {
        PNDIS_RECEIVE_QUEUE_PARAMETERS Q = M->InformationBuffer;
        if (M->InputBufferLength < NDIS_SIZEOF_RECEIVE_QUEUE_PARAMETERS_REVISION_1)
            return NDIS_STATUS_INVALID_LENGTH;
        if (Adapter->Queue != 0)
            return NDIS_STATUS_RESOURCES; /* one queue */
        Adapter->Queue = Q->QueueId;
        M->BytesRead = M->BytesWritten = M->InputBufferLength;
        return NDIS_STATUS_SUCCESS;
    }
    case OID_RECEIVE_FILTER_SET_FILTER: {
        PNDIS_RECEIVE_FILTER_PARAMETERS F = M->InformationBuffer;
        if (M->InputBufferLength < NDIS_SIZEOF_RECEIVE_FILTER_PARAMETERS_REVISION_1 ||
            F->FieldParametersArrayNumElements != 1 ||
            F->FieldParametersArrayOffset + sizeof(NDIS_RECEIVE_FILTER_FIELD_PARAMETERS) > M->InputBufferLength)
            return NDIS_STATUS_INVALID_PARAMETER;
        PNDIS_RECEIVE_FILTER_FIELD_PARAMETERS Field =
            (PNDIS_RECEIVE_FILTER_FIELD_PARAMETERS)((PUCHAR)F + F->FieldParametersArrayOffset);
        if (F->QueueId != Adapter->Queue || Field->HeaderField.MacHeaderField != NdisMacHeaderFieldDestinationAddress)
            return NDIS_STATUS_INVALID_PARAMETER;
        NdisAcquireSpinLock(&Adapter->Lock);
        Adapter->Filter = F->FilterId;
        NdisMoveMemory(Adapter->FilterMac, Field->FieldValue.FieldByteArrayValue, 6);
        NdisReleaseSpinLock(&Adapter->Lock);
#if defined(BREAK_BEFORE_COMPLETE) /* ND2204: the allocation is not complete yet */
        VmqIndicateOn(Adapter, Adapter->Queue, 0);
#endif
        M->BytesRead = M->BytesWritten = M->InputBufferLength;
        return NDIS_STATUS_SUCCESS;
    }
    case OID_RECEIVE_FILTER_QUEUE_ALLOCATION_COMPLETE: {
        PNDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY A = M->InformationBuffer;
        if (M->InputBufferLength < NDIS_SIZEOF_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY_REVISION_1)
            return NDIS_STATUS_INVALID_LENGTH;
        for (ULONG i = 0; i < A->NumElements; i++) {
            ULONG At = A->FirstElementOffset + i * A->ElementSize;
            if (At + sizeof(NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS) > M->InputBufferLength)
                return NDIS_STATUS_INVALID_LENGTH;
            ((PNDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS)((PUCHAR)A + At))->CompletionStatus = NDIS_STATUS_SUCCESS;
        }
#if defined(BREAK_QUEUE_STATE_UNKNOWN) /* ND2201: a state change for a queue NDIS never allocated */
        NDIS_RECEIVE_QUEUE_STATE State;
        NDIS_STATUS_INDICATION Indication;
        NdisZeroMemory(&State, sizeof(State));
        State.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
        State.Header.Revision = NDIS_RECEIVE_QUEUE_STATE_REVISION_1;
        State.Header.Size = NDIS_SIZEOF_NDIS_RECEIVE_QUEUE_STATE_REVISION_1;
        State.QueueId = 9;
        State.QueueState = NdisReceiveQueueOperationalStateDmaStopped;
        NdisZeroMemory(&Indication, sizeof(Indication));
        Indication.Header.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION;
        Indication.Header.Revision = NDIS_STATUS_INDICATION_REVISION_1;
        Indication.Header.Size = NDIS_SIZEOF_STATUS_INDICATION_REVISION_1;
        Indication.SourceHandle = Adapter->Handle;
        Indication.StatusCode = NDIS_STATUS_RECEIVE_QUEUE_STATE;
        Indication.StatusBuffer = &State;
        Indication.StatusBufferSize = sizeof(State);
        NdisMIndicateStatusEx(Adapter->Handle, &Indication); /* expect ND2201: rogue_vmq_queue_state_unknown */
#endif
        M->BytesRead = M->BytesWritten = M->InputBufferLength;
        return NDIS_STATUS_SUCCESS;
    }
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }
}

static NDIS_STATUS VmqOidRequest(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request)
{
    PVMQ_ADAPTER Adapter = Context;
    if (Request->RequestType == NdisRequestMethod)
        return VmqMethod(Adapter, Request);
    struct _SET *S = &Request->DATA.SET_INFORMATION;
    if (Request->RequestType == NdisRequestSetInformation) {
        switch (S->Oid) {
#if defined(BREAK_WRONG_PROCESSOR)
        case OID_GEN_RECEIVE_SCALE_PARAMETERS: { /* keeps the table (revision 2+: PROCESSOR_NUMBERs) */
            PNDIS_RECEIVE_SCALE_PARAMETERS P = S->InformationBuffer;
            if (S->InformationBufferLength < NDIS_SIZEOF_RECEIVE_SCALE_PARAMETERS_REVISION_2 ||
                P->Header.Revision < NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_2 ||
                (ULONG64)P->IndirectionTableOffset + P->IndirectionTableSize > S->InformationBufferLength)
                return NDIS_STATUS_INVALID_PARAMETER;
            const PROCESSOR_NUMBER *Table = (const PROCESSOR_NUMBER *)((PUCHAR)P + P->IndirectionTableOffset);
            ULONG Entries = P->IndirectionTableSize / sizeof(PROCESSOR_NUMBER);
            if (Entries > 128)
                return NDIS_STATUS_INVALID_PARAMETER;
            NdisAcquireSpinLock(&Adapter->Lock);
            for (ULONG i = 0; i < Entries; i++)
                Adapter->RssTable[i] = Table[i].Number;
            Adapter->RssEntries = Entries;
            NdisReleaseSpinLock(&Adapter->Lock);
            break;
        }
#endif
        case OID_RECEIVE_FILTER_CLEAR_FILTER: {
            PNDIS_RECEIVE_FILTER_CLEAR_PARAMETERS C = S->InformationBuffer;
            if (S->InformationBufferLength < NDIS_SIZEOF_RECEIVE_FILTER_CLEAR_PARAMETERS_REVISION_1)
                return NDIS_STATUS_INVALID_LENGTH;
            if (C->FilterId != Adapter->Filter)
                return NDIS_STATUS_INVALID_PARAMETER;
            NdisAcquireSpinLock(&Adapter->Lock);
            Adapter->Filter = 0;
            NdisReleaseSpinLock(&Adapter->Lock);
            break;
        }
        case OID_RECEIVE_FILTER_FREE_QUEUE: {
            PNDIS_RECEIVE_QUEUE_FREE_PARAMETERS F = S->InformationBuffer;
            if (S->InformationBufferLength < NDIS_SIZEOF_RECEIVE_QUEUE_FREE_PARAMETERS_REVISION_1)
                return NDIS_STATUS_INVALID_LENGTH;
            if (F->QueueId != Adapter->Queue)
                return NDIS_STATUS_INVALID_PARAMETER;
#if defined(BREAK_QUEUE_WITHOUT_FILTER) /* ND2204: its last filter was cleared before the free */
            VmqIndicateOn(Adapter, Adapter->Queue, 0);
#endif
            Adapter->Queue = 0;
            break;
        }
        default:
            break;
        }
        S->BytesRead = S->InformationBufferLength;
        return NDIS_STATUS_SUCCESS;
    }
    struct _QUERY *Q = &Request->DATA.QUERY_INFORMATION;
    if (Q->Oid == OID_802_3_CURRENT_ADDRESS) {
        Q->BytesNeeded = 6;
        if (Q->InformationBufferLength < 6)
            return NDIS_STATUS_BUFFER_TOO_SHORT;
        NdisMoveMemory(Q->InformationBuffer, Adapter->Mac, 6);
        Q->BytesWritten = 6;
        return NDIS_STATUS_SUCCESS;
    }
    return NDIS_STATUS_NOT_SUPPORTED;
}

/* Every frame sent comes back up on this adapter, on the queue its filter names. */
static VOID VmqReflect(PVMQ_ADAPTER Adapter, PNET_BUFFER Nb)
{
    PUCHAR From;
    PNET_BUFFER_LIST Rx = RogueCopyFrame(Adapter->Pool, Adapter->Handle, Nb, 6, &From);
    if (Rx == NULL)
        return;
    NdisAcquireSpinLock(&Adapter->Lock);
    BOOLEAN OnQueue = Adapter->Filter != 0 && NdisEqualMemory(From, Adapter->FilterMac, 6);
    NdisReleaseSpinLock(&Adapter->Lock);
    NET_BUFFER_LIST_RECEIVE_QUEUE_ID(Rx) = (USHORT)(OnQueue ? Adapter->Queue : NDIS_DEFAULT_RECEIVE_QUEUE_ID);
    NET_BUFFER_LIST_RECEIVE_FILTER_ID(Rx) = (USHORT)(OnQueue ? Adapter->Filter : 0);
#if defined(BREAK_UNALLOCATED_QUEUE) /* ND2201: a queue NDIS never handed out */
    NET_BUFFER_LIST_RECEIVE_QUEUE_ID(Rx) = 7;
#elif defined(BREAK_FILTER_WRONG_QUEUE) /* ND2205: on the queue, but naming a filter nobody set */
    if (Adapter->Filter != 0) {
        NET_BUFFER_LIST_RECEIVE_QUEUE_ID(Rx) = (USHORT)Adapter->Queue;
        NET_BUFFER_LIST_RECEIVE_FILTER_ID(Rx) = (USHORT)(Adapter->Filter + 1);
    }
#elif defined(BREAK_HASH_NOT_ENABLED) /* ND2202: a hash although nobody enabled RSS */
    NET_BUFFER_LIST_SET_HASH_VALUE(Rx, 0x12345678);
    NET_BUFFER_LIST_SET_HASH_TYPE(Rx, NDIS_HASH_TCP_IPV4);
    NET_BUFFER_LIST_SET_HASH_FUNCTION(Rx, NdisHashFunctionToeplitz);
#elif defined(BREAK_WRONG_PROCESSOR) /* ND2216: a hash whose entry names another processor, indicated here */
    ULONG Here = KeGetCurrentProcessorNumberEx(NULL);
    NdisAcquireSpinLock(&Adapter->Lock);
    for (ULONG i = 0; i < Adapter->RssEntries; i++)
        if (Adapter->RssTable[i] != Here) {
            NET_BUFFER_LIST_SET_HASH_VALUE(Rx, i);
            NET_BUFFER_LIST_SET_HASH_TYPE(Rx, NDIS_HASH_TCP_IPV4);
            NET_BUFFER_LIST_SET_HASH_FUNCTION(Rx, NdisHashFunctionToeplitz);
            break;
        }
    NdisReleaseSpinLock(&Adapter->Lock);
#endif
    /* checksum results: IP and TCP validated, as advertised; the breaks report what is not */
    NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO Checksum;
    Checksum.Value = NULL;
    Checksum.Receive.IpChecksumSucceeded = 1;
    Checksum.Receive.TcpChecksumSucceeded = 1;
#if defined(BREAK_CHECKSUM_NOT_ADVERTISED) /* ND2206: UDP receive checksums were never advertised */
    Checksum.Receive.TcpChecksumSucceeded = 0;
    Checksum.Receive.UdpChecksumSucceeded = 1;
#elif defined(BREAK_CHECKSUM_INCONSISTENT) /* ND2207: the TCP checksum both failed and succeeded */
    Checksum.Receive.TcpChecksumFailed = 1;
#elif defined(BREAK_CHECKSUM_NOT_ENABLED) /* ND2212: a UDP result, that offload being off */
    Checksum.Receive.TcpChecksumSucceeded = 0;
    Checksum.Receive.UdpChecksumSucceeded = 1;
#elif defined(BREAK_COALESCED_CHECKSUM) /* ND2213: an SCU whose TCP checksum is not reported validated */
    Checksum.Receive.TcpChecksumSucceeded = 0;
#endif
    NET_BUFFER_LIST_INFO(Rx, TcpIpChecksumNetBufferListInfo) = Checksum.Value;
#if defined(BREAK_COALESCING_NOT_ADVERTISED) || defined(BREAK_COALESCING_NOT_ENABLED) || \
    defined(BREAK_COALESCED_CHECKSUM) /* ND2208, ND2211, ND2213: segments coalesced */
    NET_BUFFER_LIST_COALESCED_SEG_COUNT(Rx) = 3;
#elif defined(BREAK_TAG_NOT_ADVERTISED) /* ND2209: a VLAN tag, but no NDIS_MAC_OPTION_8021Q_VLAN */
    NDIS_NET_BUFFER_LIST_8021Q_INFO Tag;
    Tag.Value = NULL;
    Tag.TagHeader.VlanId = 5;
    NET_BUFFER_LIST_INFO(Rx, Ieee8021QNetBufferListInfo) = Tag.Value;
#endif
    NdisMIndicateReceiveNetBufferLists(Adapter->Handle, Rx, 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL); /* expect ND2201: rogue_vmq_unallocated_queue; expect ND2202: rogue_vmq_hash_not_enabled; expect ND2205: rogue_vmq_filter_wrong_queue; expect ND2206: rogue_vmq_checksum_not_advertised; expect ND2207: rogue_vmq_checksum_inconsistent; expect ND2208: rogue_vmq_coalescing_not_advertised; expect ND2209: rogue_vmq_tag_not_advertised; expect ND2211: rogue_vmq_coalescing_not_enabled; expect ND2212: rogue_vmq_checksum_not_enabled; expect ND2213: rogue_vmq_coalesced_checksum; expect ND2214: rogue_vmq_longer_than_mtu; expect ND2216: rogue_vmq_wrong_processor */
}

static VOID VmqSend(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Flags)
{
    PVMQ_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Port);
    UNREFERENCED_PARAMETER(Flags);
    for (PNET_BUFFER_LIST Nbl = Nbls; Nbl; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl)) {
        for (PNET_BUFFER Nb = NET_BUFFER_LIST_FIRST_NB(Nbl); Nb; Nb = NET_BUFFER_NEXT_NB(Nb))
            VmqReflect(Adapter, Nb);
        NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_SUCCESS;
    }
    NdisMSendNetBufferListsComplete(Adapter->Handle, Nbls, 0); /* expect ND2215: rogue_vmq_lso_completion */
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
    Chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
#if defined(NDIS630_MINIPORT)
    Chars.MinorNdisVersion = 30; /* the RSC builds: their NDIS_OFFLOAD is revision 3, 6.30's */
#else
    Chars.MinorNdisVersion = 20;
#endif
    Chars.InitializeHandlerEx = VmqInitializeEx;
    Chars.HaltHandlerEx = VmqHaltEx;
    Chars.PauseHandler = VmqPause;
    Chars.RestartHandler = VmqRestart;
    Chars.OidRequestHandler = VmqOidRequest;
    Chars.SendNetBufferListsHandler = VmqSend;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle);
}
/* expect clean: rogue_vmq_none */
