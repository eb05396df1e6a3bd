/* The sample's control path: the OIDs a protocol expects from an Ethernet miniport. */
#include "sample.h"

const NDIS_OID SampleSupportedOids[] = {
    OID_GEN_SUPPORTED_LIST, OID_GEN_HARDWARE_STATUS, OID_GEN_MEDIA_SUPPORTED, OID_GEN_MEDIA_IN_USE,
    OID_GEN_PHYSICAL_MEDIUM, OID_GEN_MAXIMUM_LOOKAHEAD, OID_GEN_CURRENT_LOOKAHEAD, OID_GEN_MAXIMUM_FRAME_SIZE,
    OID_GEN_MAXIMUM_TOTAL_SIZE, OID_GEN_LINK_SPEED, OID_GEN_TRANSMIT_BUFFER_SPACE, OID_GEN_RECEIVE_BUFFER_SPACE,
    OID_GEN_TRANSMIT_BLOCK_SIZE, OID_GEN_RECEIVE_BLOCK_SIZE, OID_GEN_VENDOR_ID, OID_GEN_VENDOR_DESCRIPTION,
    OID_GEN_VENDOR_DRIVER_VERSION, OID_GEN_DRIVER_VERSION, OID_GEN_CURRENT_PACKET_FILTER,
    OID_GEN_MAXIMUM_SEND_PACKETS, OID_GEN_MEDIA_CONNECT_STATUS, OID_GEN_XMIT_OK, OID_GEN_RCV_OK,
    OID_GEN_XMIT_ERROR, OID_GEN_RCV_ERROR, OID_GEN_RCV_NO_BUFFER, OID_GEN_STATISTICS,
    OID_GEN_TRANSMIT_QUEUE_LENGTH, OID_GEN_INTERRUPT_MODERATION, OID_802_3_PERMANENT_ADDRESS,
    OID_802_3_CURRENT_ADDRESS, OID_802_3_MULTICAST_LIST, OID_802_3_MAXIMUM_LIST_SIZE, OID_PNP_QUERY_POWER,
    OID_PNP_SET_POWER, OID_TCP_OFFLOAD_PARAMETERS, OID_OFFLOAD_ENCAPSULATION,
};
const ULONG SampleSupportedOidCount = ARRAYSIZE(SampleSupportedOids);

/* Copies Value into the request's buffer, or says how much room it needs. */
static NDIS_STATUS SampleAnswer(PNDIS_OID_REQUEST Request, const VOID *Value, ULONG Length)
{
    if (Request->DATA.QUERY_INFORMATION.InformationBufferLength < Length) {
        Request->DATA.QUERY_INFORMATION.BytesNeeded = Length;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    NdisMoveMemory(Request->DATA.QUERY_INFORMATION.InformationBuffer, Value, Length);
    Request->DATA.QUERY_INFORMATION.BytesWritten = Length;
    return NDIS_STATUS_SUCCESS;
}

/* 64-bit counters answer in 4 bytes (low half) or 8, as NDISTest's 1c_64BitOIDs expects. */
static NDIS_STATUS SampleAnswerCounter(PNDIS_OID_REQUEST Request, ULONG64 Value)
{
    ULONG Length = Request->DATA.QUERY_INFORMATION.InformationBufferLength;
    if (Length < sizeof(ULONG)) {
        Request->DATA.QUERY_INFORMATION.BytesNeeded = sizeof(ULONG64);
        return NDIS_STATUS_INVALID_LENGTH;
    }
    if (Length < sizeof(ULONG64)) {
        ULONG Low = (ULONG)Value;
        return SampleAnswer(Request, &Low, sizeof(Low));
    }
    return SampleAnswer(Request, &Value, sizeof(Value));
}

static NDIS_STATUS SampleQuery(PSAMPLE_ADAPTER Adapter, PNDIS_OID_REQUEST Request)
{
    ULONG Value;
    NDIS_STATISTICS_INFO Stats;

    switch (Request->DATA.QUERY_INFORMATION.Oid) {
    case OID_GEN_SUPPORTED_LIST:
        return SampleAnswer(Request, SampleSupportedOids, sizeof(SampleSupportedOids));
    case OID_GEN_HARDWARE_STATUS:
        Value = NdisHardwareStatusReady;
        break;
    case OID_GEN_MEDIA_SUPPORTED:
    case OID_GEN_MEDIA_IN_USE:
        Value = Adapter->IpMedium ? NdisMediumIP : NdisMedium802_3;
        break;
    case OID_GEN_PHYSICAL_MEDIUM:
        Value = NdisPhysicalMediumUnspecified;
        break;
    case OID_GEN_MAXIMUM_LOOKAHEAD:
    case OID_GEN_MAXIMUM_FRAME_SIZE:
        Value = ETH_MAX_DATA;
        break;
    case OID_GEN_CURRENT_LOOKAHEAD:
        Value = Adapter->Lookahead;
        break;
    case OID_GEN_MAXIMUM_TOTAL_SIZE:
    case OID_GEN_TRANSMIT_BLOCK_SIZE:
    case OID_GEN_RECEIVE_BLOCK_SIZE:
        Value = ETH_MAX_FRAME;
        break;
    case OID_GEN_LINK_SPEED:
        Value = (ULONG)(SAMPLE_LINK_SPEED / 100); /* in units of 100 b/s */
        break;
    case OID_GEN_TRANSMIT_BUFFER_SPACE:
    case OID_GEN_RECEIVE_BUFFER_SPACE:
        Value = ETH_MAX_FRAME * 64;
        break;
    case OID_GEN_VENDOR_ID:
        Value = SAMPLE_VENDOR_ID;
        break;
    case OID_GEN_VENDOR_DESCRIPTION:
        return SampleAnswer(Request, SAMPLE_VENDOR_DESCRIPTION, sizeof(SAMPLE_VENDOR_DESCRIPTION));
    case OID_GEN_VENDOR_DRIVER_VERSION:
        Value = (SAMPLE_MAJOR_DRIVER_VERSION << 16) | SAMPLE_MINOR_DRIVER_VERSION;
        break;
    case OID_GEN_DRIVER_VERSION: {
        USHORT Version = (NDIS_MINIPORT_MAJOR_VERSION << 8) | NDIS_MINIPORT_MINOR_VERSION;
        return SampleAnswer(Request, &Version, sizeof(Version));
    }
    case OID_GEN_CURRENT_PACKET_FILTER:
        Value = Adapter->PacketFilter;
        break;
    case OID_GEN_MAXIMUM_SEND_PACKETS:
        Value = 64;
        break;
    case OID_GEN_MEDIA_CONNECT_STATUS:
        Value = Adapter->LinkDown ? NdisMediaStateDisconnected : NdisMediaStateConnected;
        break;
    case OID_GEN_TRANSMIT_QUEUE_LENGTH:
        Value = 0; /* sends complete at once */
        break;
    case OID_GEN_XMIT_OK:
        return SampleAnswerCounter(Request, Adapter->FramesXmitOk);
    case OID_GEN_RCV_OK:
        return SampleAnswerCounter(Request, Adapter->FramesRcvOk);
    case OID_GEN_XMIT_ERROR:
        return SampleAnswerCounter(Request, Adapter->FramesXmitError);
    case OID_GEN_RCV_ERROR:
        return SampleAnswerCounter(Request, 0);
    case OID_GEN_RCV_NO_BUFFER:
        return SampleAnswerCounter(Request, Adapter->FramesRcvNoBuffer);
    case OID_GEN_STATISTICS:
        NdisZeroMemory(&Stats, sizeof(Stats));
        Stats.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
        Stats.Header.Revision = NDIS_STATISTICS_INFO_REVISION_1;
        Stats.Header.Size = NDIS_SIZEOF_STATISTICS_INFO_REVISION_1;
        Stats.SupportedStatistics = NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_RCV |
                                    NDIS_STATISTICS_FLAGS_VALID_MULTICAST_FRAMES_RCV |
                                    NDIS_STATISTICS_FLAGS_VALID_BROADCAST_FRAMES_RCV |
                                    NDIS_STATISTICS_FLAGS_VALID_BYTES_RCV | NDIS_STATISTICS_FLAGS_VALID_RCV_DISCARDS |
                                    NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_XMIT |
                                    NDIS_STATISTICS_FLAGS_VALID_MULTICAST_FRAMES_XMIT |
                                    NDIS_STATISTICS_FLAGS_VALID_BROADCAST_FRAMES_XMIT |
                                    NDIS_STATISTICS_FLAGS_VALID_BYTES_XMIT | NDIS_STATISTICS_FLAGS_VALID_XMIT_ERROR;
        NdisAcquireSpinLock(&Adapter->Lock);
        Stats.ifHCInUcastPkts = Adapter->DirectedRcv;
        Stats.ifHCInMulticastPkts = Adapter->MulticastRcv;
        Stats.ifHCInBroadcastPkts = Adapter->BroadcastRcv;
        Stats.ifHCInOctets = Adapter->BytesRcv;
        Stats.ifInDiscards = Adapter->FramesRcvNoBuffer;
        Stats.ifHCOutUcastPkts = Adapter->DirectedXmit;
        Stats.ifHCOutMulticastPkts = Adapter->MulticastXmit;
        Stats.ifHCOutBroadcastPkts = Adapter->BroadcastXmit;
        Stats.ifHCOutOctets = Adapter->BytesXmit;
        Stats.ifOutErrors = Adapter->FramesXmitError;
        NdisReleaseSpinLock(&Adapter->Lock);
        return SampleAnswer(Request, &Stats, sizeof(Stats));
    case OID_GEN_INTERRUPT_MODERATION: {
        NDIS_INTERRUPT_MODERATION_PARAMETERS Moderation;
        NdisZeroMemory(&Moderation, sizeof(Moderation));
        Moderation.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
        Moderation.Header.Revision = NDIS_INTERRUPT_MODERATION_PARAMETERS_REVISION_1;
        Moderation.Header.Size = NDIS_SIZEOF_INTERRUPT_MODERATION_PARAMETERS_REVISION_1;
        Moderation.InterruptModeration = NdisInterruptModerationNotSupported;
        return SampleAnswer(Request, &Moderation, sizeof(Moderation));
    }
    case OID_802_3_PERMANENT_ADDRESS:
        return SampleAnswer(Request, Adapter->PermanentAddress, SAMPLE_ADDRESS_LENGTH);
    case OID_802_3_CURRENT_ADDRESS:
        return SampleAnswer(Request, Adapter->CurrentAddress, SAMPLE_ADDRESS_LENGTH);
    case OID_802_3_MULTICAST_LIST:
        return SampleAnswer(Request, Adapter->MulticastList, Adapter->MulticastCount * SAMPLE_ADDRESS_LENGTH);
    case OID_802_3_MAXIMUM_LIST_SIZE:
        Value = SAMPLE_MAX_MULTICAST;
        break;
    case OID_PNP_QUERY_POWER:
        Request->DATA.QUERY_INFORMATION.BytesWritten = 0;
        return NDIS_STATUS_SUCCESS; /* any power state is fine for a virtual NIC */
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }
    return SampleAnswer(Request, &Value, sizeof(Value));
}

static NDIS_STATUS SampleSet(PSAMPLE_ADAPTER Adapter, PNDIS_OID_REQUEST Request)
{
    PVOID Buffer = Request->DATA.SET_INFORMATION.InformationBuffer;
    ULONG Length = Request->DATA.SET_INFORMATION.InformationBufferLength;
    ULONG Value;

    switch (Request->DATA.SET_INFORMATION.Oid) {
    case OID_GEN_CURRENT_PACKET_FILTER:
    case OID_GEN_CURRENT_LOOKAHEAD:
        if (Length < sizeof(ULONG)) {
            Request->DATA.SET_INFORMATION.BytesNeeded = sizeof(ULONG);
            return NDIS_STATUS_INVALID_LENGTH;
        }
        NdisMoveMemory(&Value, Buffer, sizeof(Value));
        if (Request->DATA.SET_INFORMATION.Oid == OID_GEN_CURRENT_PACKET_FILTER) {
            if (Value & ~(ULONG)SAMPLE_SUPPORTED_FILTERS)
                return NDIS_STATUS_NOT_SUPPORTED;
            NdisAcquireSpinLock(&Adapter->Lock);
            Adapter->PacketFilter = Value;
            NdisReleaseSpinLock(&Adapter->Lock);
        } else {
            if (Value > ETH_MAX_DATA)
                return NDIS_STATUS_INVALID_DATA;
            Adapter->Lookahead = Value;
        }
        Request->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
        return NDIS_STATUS_SUCCESS;
    case OID_802_3_MULTICAST_LIST:
        if (Length % SAMPLE_ADDRESS_LENGTH != 0) {
            /* the next whole number of addresses */
            Request->DATA.SET_INFORMATION.BytesNeeded =
                (Length / SAMPLE_ADDRESS_LENGTH + 1) * SAMPLE_ADDRESS_LENGTH;
            return NDIS_STATUS_INVALID_LENGTH;
        }
        if (Length / SAMPLE_ADDRESS_LENGTH > SAMPLE_MAX_MULTICAST)
            return NDIS_STATUS_MULTICAST_FULL;
        NdisAcquireSpinLock(&Adapter->Lock);
        NdisMoveMemory(Adapter->MulticastList, Buffer, Length);
        Adapter->MulticastCount = Length / SAMPLE_ADDRESS_LENGTH;
        NdisReleaseSpinLock(&Adapter->Lock);
        Request->DATA.SET_INFORMATION.BytesRead = Length;
        return NDIS_STATUS_SUCCESS;
    case OID_PNP_SET_POWER:
        Request->DATA.SET_INFORMATION.BytesRead = Length;
        return NDIS_STATUS_SUCCESS;
    case OID_GEN_INTERRUPT_MODERATION:
        return NDIS_STATUS_INVALID_DATA; /* reported as not supported in the query */
    case OID_GEN_RECEIVE_SCALE_PARAMETERS:
        return Adapter->IpMedium ? NDIS_STATUS_NOT_SUPPORTED : SampleRssSetParameters(Adapter, Request);
    case OID_TCP_OFFLOAD_PARAMETERS:
        return Adapter->IpMedium ? NDIS_STATUS_NOT_SUPPORTED : SampleOffloadSetParameters(Adapter, Request);
    case OID_OFFLOAD_ENCAPSULATION:
        return Adapter->IpMedium ? NDIS_STATUS_NOT_SUPPORTED : SampleOffloadSetEncapsulation(Request);
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }
}

_Use_decl_annotations_
NDIS_STATUS
SampleOidRequest(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST OidRequest)
{
    PSAMPLE_ADAPTER Adapter = MiniportAdapterContext;
    switch (OidRequest->RequestType) {
    case NdisRequestQueryInformation:
    case NdisRequestQueryStatistics:
        return SampleQuery(Adapter, OidRequest);
    case NdisRequestSetInformation:
        return SampleSet(Adapter, OidRequest);
    default:
        return NDIS_STATUS_NOT_SUPPORTED;
    }
}

_Use_decl_annotations_
VOID
SampleCancelOidRequest(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId)
{
    /* Requests complete synchronously: there is never one to cancel. */
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(RequestId);
}
