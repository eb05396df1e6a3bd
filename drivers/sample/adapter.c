/* The sample's adapter life: initialize (attributes, receive pool, address), restart and
 * pause (pause waits until every indicated frame came back), halt, PnP and shutdown. */
#include "sample.h"
#include "sample_ioctl.h"

/* A standardized offload keyword set to 0 turns that offload off by default. */
static VOID SampleReadOffloadKeyword(NDIS_HANDLE Config, PCWSTR Keyword, BOOLEAN *On)
{
    NDIS_STATUS Status;
    PNDIS_CONFIGURATION_PARAMETER Value;
    NDIS_STRING Name;
    NdisInitUnicodeString(&Name, Keyword);
    NdisReadConfiguration(&Status, &Value, Config, &Name, NdisParameterInteger);
    if (Status == NDIS_STATUS_SUCCESS && Value->ParameterType == NdisParameterInteger)
        *On = Value->ParameterData.IntegerData != 0;
}

/* A configured "NetworkAddress" overrides the generated address, if it is a usable unicast
 * address, as on any Windows NIC; the standardized keywords *LsoV2IPv4, *LsoV2IPv6,
 * *RscIPv4 and *RscIPv6 set to 0 turn those offloads off, and *NdisPoll set to 0 turns
 * poll mode off (NDIS 6.85 builds; on by default, as the keyword's documentation says). */
static VOID SampleReadConfiguration(PSAMPLE_ADAPTER Adapter)
{
    NDIS_CONFIGURATION_OBJECT ConfigObject;
    NDIS_HANDLE Config;
    NDIS_STATUS Status;
    PUCHAR Address;
    UINT Length;
    PNDIS_CONFIGURATION_PARAMETER Value;
    NDIS_STRING MediumKeyword = NDIS_STRING_CONST("Medium");

    NdisZeroMemory(&ConfigObject, sizeof(ConfigObject));
    ConfigObject.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
    ConfigObject.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
    ConfigObject.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
    ConfigObject.NdisHandle = Adapter->AdapterHandle;
    if (NdisOpenConfigurationEx(&ConfigObject, &Config) != NDIS_STATUS_SUCCESS)
        return;
    /* Medium = IP makes the adapter a tunnel's: NdisMediumIP, IP packets without a MAC header */
    NdisReadConfiguration(&Status, &Value, Config, &MediumKeyword, NdisParameterString);
    if (Status == NDIS_STATUS_SUCCESS && Value->ParameterData.StringData.Length == 2 * sizeof(WCHAR) &&
        (Value->ParameterData.StringData.Buffer[0] | 0x20) == 'i' &&
        (Value->ParameterData.StringData.Buffer[1] | 0x20) == 'p')
        Adapter->IpMedium = TRUE;
    SampleReadOffloadKeyword(Config, L"*LsoV2IPv4", &Adapter->Offload.Lso[0]);
    SampleReadOffloadKeyword(Config, L"*LsoV2IPv6", &Adapter->Offload.Lso[1]);
    SampleReadOffloadKeyword(Config, L"*RscIPv4", &Adapter->Offload.Rsc[0]);
    SampleReadOffloadKeyword(Config, L"*RscIPv6", &Adapter->Offload.Rsc[1]);
#if NDIS_SUPPORT_NDIS685
    Adapter->PollMode = TRUE;
    SampleReadOffloadKeyword(Config, L"*NdisPoll", &Adapter->PollMode);
#endif
    NdisReadNetworkAddress(&Status, (PVOID *)&Address, &Length, Config);
    if (Status == NDIS_STATUS_SUCCESS && Length == SAMPLE_ADDRESS_LENGTH && !(Address[0] & 1))
        NdisMoveMemory(Adapter->CurrentAddress, Address, SAMPLE_ADDRESS_LENGTH);
    NdisCloseConfiguration(Config);
}

static VOID SampleFreeAdapter(PSAMPLE_ADAPTER Adapter)
{
    SampleRssHalt(Adapter);
    if (Adapter->ReceivePool != NULL)
        NdisFreeNetBufferListPool(Adapter->ReceivePool);
    if (Adapter->CoalescedPool != NULL)
        NdisFreeNetBufferListPool(Adapter->CoalescedPool);
    NdisFreeSpinLock(&Adapter->Lock);
    NdisFreeMemory(Adapter, sizeof(*Adapter), 0);
}

_Use_decl_annotations_
NDIS_STATUS
SampleInitializeEx(NDIS_HANDLE NdisMiniportHandle, NDIS_HANDLE MiniportDriverContext,
                   PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters)
{
    NDIS_STATUS Status;
    PSAMPLE_ADAPTER Adapter;
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES Registration;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES General;
    NET_BUFFER_LIST_POOL_PARAMETERS PoolParameters;

    UNREFERENCED_PARAMETER(MiniportDriverContext);
    UNREFERENCED_PARAMETER(MiniportInitParameters);

    Adapter = NdisAllocateMemoryWithTagPriority(NdisMiniportHandle, sizeof(*Adapter), SAMPLE_TAG,
                                                NormalPoolPriority);
    if (Adapter == NULL)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Adapter, sizeof(*Adapter));
    Adapter->AdapterHandle = NdisMiniportHandle;
    Adapter->Lookahead = ETH_MAX_DATA;
    NdisAllocateSpinLock(&Adapter->Lock);

    /* Registration attributes come first: they give NDIS our adapter context. */
    NdisZeroMemory(&Registration, sizeof(Registration));
    Registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
    Registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2;
    Registration.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2;
    Registration.MiniportAdapterContext = Adapter;
    Registration.AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK | NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND;
    Registration.InterfaceType = NdisInterfaceInternal;
    Status = NdisMSetMiniportAttributes(NdisMiniportHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&Registration);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;

    /* A locally administered unicast address per adapter. */
    NdisAcquireSpinLock(&SampleDriver->HubLock);
    Adapter->Index = SampleDriver->NextIndex++;
    NdisReleaseSpinLock(&SampleDriver->HubLock);
    Adapter->PermanentAddress[0] = 0x02;
    Adapter->PermanentAddress[1] = 0x00;
    Adapter->PermanentAddress[2] = 0x4E; /* 'N' */
    Adapter->PermanentAddress[3] = 0x44; /* 'D' */
    Adapter->PermanentAddress[4] = (UCHAR)(Adapter->Index >> 8);
    Adapter->PermanentAddress[5] = (UCHAR)Adapter->Index;
    NdisMoveMemory(Adapter->CurrentAddress, Adapter->PermanentAddress, SAMPLE_ADDRESS_LENGTH);
    SampleOffloadDefaults(&Adapter->Offload);
    SampleReadConfiguration(Adapter);

    NdisZeroMemory(&General, sizeof(General));
    General.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
    General.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2;
    General.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2;
    General.MediaType = Adapter->IpMedium ? NdisMediumIP : NdisMedium802_3;
    General.PhysicalMediumType = NdisPhysicalMediumUnspecified;
    General.MtuSize = ETH_MAX_DATA;
    General.MaxXmitLinkSpeed = General.XmitLinkSpeed = SAMPLE_LINK_SPEED;
    General.MaxRcvLinkSpeed = General.RcvLinkSpeed = SAMPLE_LINK_SPEED;
    General.MediaConnectState = MediaConnectStateUnknown; /* indicated at restart */
    General.MediaDuplexState = MediaDuplexStateFull;
    General.LookaheadSize = ETH_MAX_DATA;
    General.MacOptions = NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND |
                         NDIS_MAC_OPTION_NO_LOOPBACK;
    General.SupportedPacketFilters = SAMPLE_SUPPORTED_FILTERS;
    General.MaxMulticastListSize = SAMPLE_MAX_MULTICAST;
    General.MacAddressLength = Adapter->IpMedium ? 0 : SAMPLE_ADDRESS_LENGTH;
    NdisMoveMemory(General.PermanentMacAddress, Adapter->PermanentAddress, SAMPLE_ADDRESS_LENGTH);
    NdisMoveMemory(General.CurrentMacAddress, Adapter->CurrentAddress, SAMPLE_ADDRESS_LENGTH);
    General.AccessType = Adapter->IpMedium ? NET_IF_ACCESS_POINT_TO_POINT : NET_IF_ACCESS_BROADCAST;
    General.DirectionType = NET_IF_DIRECTION_SENDRECEIVE;
    General.ConnectionType = NET_IF_CONNECTION_DEDICATED;
    General.IfType = Adapter->IpMedium ? IF_TYPE_PROP_VIRTUAL : IF_TYPE_ETHERNET_CSMACD;
    General.IfConnectorPresent = FALSE; /* virtual */
    General.SupportedStatistics = NDIS_STATISTICS_XMIT_OK_SUPPORTED | NDIS_STATISTICS_RCV_OK_SUPPORTED |
                                  NDIS_STATISTICS_XMIT_ERROR_SUPPORTED | NDIS_STATISTICS_RCV_NO_BUFFER_SUPPORTED |
                                  NDIS_STATISTICS_DIRECTED_FRAMES_RCV_SUPPORTED |
                                  NDIS_STATISTICS_MULTICAST_FRAMES_RCV_SUPPORTED |
                                  NDIS_STATISTICS_BROADCAST_FRAMES_RCV_SUPPORTED;
    General.SupportedPauseFunctions = NdisPauseFunctionsUnsupported;
    if (!Adapter->IpMedium) { /* the hash reads IPv4 headers behind an Ethernet header */
        Status = SampleRssInitialize(Adapter);
        if (Status != NDIS_STATUS_SUCCESS)
            goto fail;
        SampleRssCapabilities(&Adapter->RssCapabilities);
        General.RecvScaleCapabilities = &Adapter->RssCapabilities;
    }
    General.SupportedOidList = (PNDIS_OID)SampleSupportedOids;
    General.SupportedOidListLength = SampleSupportedOidCount * sizeof(NDIS_OID);
    General.AutoNegotiationFlags = NDIS_LINK_STATE_DUPLEX_AUTO_NEGOTIATED;
    Status = NdisMSetMiniportAttributes(NdisMiniportHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&General);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
    if (!Adapter->IpMedium) { /* the offloads read IP headers behind an Ethernet header */
        Status = SampleOffloadInitialize(Adapter);
        if (Status != NDIS_STATUS_SUCCESS)
            goto fail;
    }

    /* Each receive NBL carries a NET_BUFFER with a frame-sized buffer. */
    NdisZeroMemory(&PoolParameters, sizeof(PoolParameters));
    PoolParameters.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    PoolParameters.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    PoolParameters.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    PoolParameters.ProtocolId = NDIS_PROTOCOL_ID_DEFAULT;
    PoolParameters.fAllocateNetBuffer = TRUE;
    PoolParameters.PoolTag = SAMPLE_TAG;
    PoolParameters.DataSize = ETH_MAX_FRAME;
    Adapter->ReceivePool = NdisAllocateNetBufferListPool(NdisMiniportHandle, &PoolParameters);
    PoolParameters.DataSize = SAMPLE_LSO_MAX_FRAME; /* a large send received whole */
    Adapter->CoalescedPool = NdisAllocateNetBufferListPool(NdisMiniportHandle, &PoolParameters);
    if (Adapter->ReceivePool == NULL || Adapter->CoalescedPool == NULL) {
        Status = NDIS_STATUS_RESOURCES;
        goto fail;
    }

    NdisAcquireSpinLock(&SampleDriver->HubLock);
    InsertTailList(&SampleDriver->Hub, &Adapter->HubLink);
    NdisReleaseSpinLock(&SampleDriver->HubLock);
    return NDIS_STATUS_SUCCESS;

fail:
    SampleFreeAdapter(Adapter);
    return Status;
}

_Use_decl_annotations_
VOID
SampleHaltEx(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction)
{
    PSAMPLE_ADAPTER Adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(HaltAction);

    NdisAcquireSpinLock(&SampleDriver->HubLock);
    RemoveEntryList(&Adapter->HubLink);
    NdisReleaseSpinLock(&SampleDriver->HubLock);
    /* Out of the hub, so no new sender finds it; wait for those still indicating on it. */
    while (InterlockedCompareExchange(&Adapter->HubDeliveries, 0, 0) != 0)
        NdisMSleep(10);
    SampleFreeAdapter(Adapter);
}

VOID SampleIndicateStatus(PSAMPLE_ADAPTER Adapter, NDIS_STATUS Code, PVOID Buffer, ULONG Size)
{
    NDIS_STATUS_INDICATION Indication;
    NdisZeroMemory(&Indication, sizeof(Indication));
    Indication.Header.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION;
    Indication.Header.Revision = NDIS_STATUS_INDICATION_REVISION_1;
    Indication.Header.Size = NDIS_SIZEOF_STATUS_INDICATION_REVISION_1;
    Indication.SourceHandle = Adapter->AdapterHandle;
    Indication.StatusCode = Code;
    Indication.StatusBuffer = Buffer;
    Indication.StatusBufferSize = Size;
    NdisMIndicateStatusEx(Adapter->AdapterHandle, &Indication);
}

VOID SampleIndicateLinkState(PSAMPLE_ADAPTER Adapter, NDIS_MEDIA_CONNECT_STATE State)
{
    NDIS_LINK_STATE Link;

    NdisZeroMemory(&Link, sizeof(Link));
    Link.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    Link.Header.Revision = NDIS_LINK_STATE_REVISION_1;
    Link.Header.Size = NDIS_SIZEOF_LINK_STATE_REVISION_1;
    Link.MediaConnectState = State;
    Link.MediaDuplexState = MediaDuplexStateFull;
    Link.XmitLinkSpeed = Link.RcvLinkSpeed = SAMPLE_LINK_SPEED;
    Link.PauseFunctions = NdisPauseFunctionsUnsupported;

    SampleIndicateStatus(Adapter, NDIS_STATUS_LINK_STATE, &Link, sizeof(Link));
}

_Use_decl_annotations_
NDIS_STATUS
SamplePause(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters)
{
    PSAMPLE_ADAPTER Adapter = MiniportAdapterContext;
    NDIS_STATUS Status = NDIS_STATUS_SUCCESS;
    UNREFERENCED_PARAMETER(PauseParameters);

    /* Sends complete synchronously, so none is outstanding; receives may be. */
    NdisAcquireSpinLock(&Adapter->Lock);
    Adapter->Running = FALSE;
    if (Adapter->ReceivesOutstanding > 0) {
        Adapter->PausePending = TRUE;
        Status = NDIS_STATUS_PENDING; /* SampleReturnNetBufferLists completes the pause */
    }
    NdisReleaseSpinLock(&Adapter->Lock);
    return Status;
}

_Use_decl_annotations_
NDIS_STATUS
SampleRestart(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_RESTART_PARAMETERS RestartParameters)
{
    PSAMPLE_ADAPTER Adapter = MiniportAdapterContext;
    UNREFERENCED_PARAMETER(RestartParameters);

    NdisAcquireSpinLock(&Adapter->Lock);
    Adapter->Running = TRUE;
    NdisReleaseSpinLock(&Adapter->Lock);
    SampleIndicateLinkState(Adapter, MediaConnectStateConnected);
    return NDIS_STATUS_SUCCESS;
}

_Use_decl_annotations_
VOID
SampleDevicePnPEventNotify(NDIS_HANDLE MiniportAdapterContext, PNET_DEVICE_PNP_EVENT NetDevicePnPEvent)
{
    PSAMPLE_ADAPTER Adapter = MiniportAdapterContext;
    /* Surprise removal: the "cable" of a virtual NIC is gone; stop indicating. */
    if (NetDevicePnPEvent->DevicePnPEvent == NdisDevicePnPEventSurpriseRemoved) {
        NdisAcquireSpinLock(&Adapter->Lock);
        Adapter->Running = FALSE;
        NdisReleaseSpinLock(&Adapter->Lock);
    }
}

_Use_decl_annotations_
VOID
SampleShutdownEx(NDIS_HANDLE MiniportAdapterContext, NDIS_SHUTDOWN_ACTION ShutdownAction)
{
    /* No hardware to quiesce; shutdown must not call NDIS or free anything. */
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(ShutdownAction);
}

/* Finds adapter Index on the hub and holds it there (its halt waits) until SampleAdapterPut. */
static PSAMPLE_ADAPTER SampleAdapterTake(ULONG Index)
{
    PSAMPLE_ADAPTER Found = NULL;
    NdisAcquireSpinLock(&SampleDriver->HubLock);
    for (PLIST_ENTRY Entry = SampleDriver->Hub.Flink; Entry != &SampleDriver->Hub; Entry = Entry->Flink) {
        PSAMPLE_ADAPTER Adapter = CONTAINING_RECORD(Entry, SAMPLE_ADAPTER, HubLink);
        if (Adapter->Index == Index) {
            InterlockedIncrement(&Adapter->HubDeliveries);
            Found = Adapter;
            break;
        }
    }
    NdisReleaseSpinLock(&SampleDriver->HubLock);
    return Found;
}

BOOLEAN SampleAdapterStats(ULONG Index, struct sample_stats *Stats)
{
    PSAMPLE_ADAPTER Adapter = SampleAdapterTake(Index);
    if (Adapter == NULL)
        return FALSE;
    NdisAcquireSpinLock(&Adapter->Lock);
    Stats->frames_sent = Adapter->FramesXmitOk;
    Stats->frames_received = Adapter->FramesRcvOk;
    Stats->bytes_sent = Adapter->BytesXmit;
    Stats->bytes_received = Adapter->BytesRcv;
    Stats->frames_filtered = Adapter->FramesRcvFiltered;
    Stats->link_up = !Adapter->LinkDown;
    Stats->running = Adapter->Running;
    NdisReleaseSpinLock(&Adapter->Lock);
    InterlockedDecrement(&Adapter->HubDeliveries);
    return TRUE;
}

BOOLEAN SampleAdapterSetLink(ULONG Index, BOOLEAN Up)
{
    PSAMPLE_ADAPTER Adapter = SampleAdapterTake(Index);
    if (Adapter == NULL)
        return FALSE;
    NdisAcquireSpinLock(&Adapter->Lock);
    Adapter->LinkDown = !Up;
    NdisReleaseSpinLock(&Adapter->Lock);
    SampleIndicateLinkState(Adapter, Up ? MediaConnectStateConnected : MediaConnectStateDisconnected);
    InterlockedDecrement(&Adapter->HubDeliveries);
    return TRUE;
}
