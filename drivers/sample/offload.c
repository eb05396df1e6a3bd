/* Task offloads, done in software as a NIC would do them in hardware: transmit checksums
 * (IPv4 header, TCP and UDP over IPv4 and IPv6), large send offload v2 (IPv4 and IPv6), and
 * receive segment coalescing. A large TCP segment sent on one adapter reaches an adapter
 * with RSC on whole, as one coalesced segment (the hub is a lossless wire, so the segments
 * a NIC would have coalesced are exactly the ones the sender's LSO cut); any other receiver
 * gets it cut into MSS-sized segments with their checksums. The NDIS design guide's
 * "Offloading the Segmentation of Large TCP Packets", "Offloading Checksum Tasks" and
 * "Indicating Coalesced Segments" say what each must do. */
#include "sample.h"

#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_CWR 0x80

/* What is on, as NDIS_OFFLOAD describes it (everything on: the hardware's capabilities). */
static VOID SampleOffloadDescribe(const SAMPLE_OFFLOAD_STATE *On, PNDIS_OFFLOAD Offload)
{
    NdisZeroMemory(Offload, sizeof(*Offload));
    Offload->Header.Type = NDIS_OBJECT_TYPE_OFFLOAD;
    Offload->Header.Revision = NDIS_OFFLOAD_REVISION_3;
    Offload->Header.Size = NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_3;
    NDIS_TCP_IP_CHECKSUM_OFFLOAD *C = &Offload->Checksum;
    C->IPv4Transmit.Encapsulation = C->IPv4Receive.Encapsulation = NDIS_ENCAPSULATION_IEEE_802_3;
    C->IPv6Transmit.Encapsulation = C->IPv6Receive.Encapsulation = NDIS_ENCAPSULATION_IEEE_802_3;
    if (On->TxChecksum) {
        C->IPv4Transmit.IpOptionsSupported = C->IPv4Transmit.TcpOptionsSupported = NDIS_OFFLOAD_SUPPORTED;
        C->IPv4Transmit.IpChecksum = C->IPv4Transmit.TcpChecksum = C->IPv4Transmit.UdpChecksum =
            NDIS_OFFLOAD_SUPPORTED;
        C->IPv6Transmit.TcpOptionsSupported = NDIS_OFFLOAD_SUPPORTED;
        C->IPv6Transmit.TcpChecksum = C->IPv6Transmit.UdpChecksum = NDIS_OFFLOAD_SUPPORTED;
    }
    if (On->RxChecksum) {
        C->IPv4Receive.IpOptionsSupported = C->IPv4Receive.TcpOptionsSupported = NDIS_OFFLOAD_SUPPORTED;
        C->IPv4Receive.IpChecksum = C->IPv4Receive.TcpChecksum = C->IPv4Receive.UdpChecksum = NDIS_OFFLOAD_SUPPORTED;
        C->IPv6Receive.TcpOptionsSupported = NDIS_OFFLOAD_SUPPORTED;
        C->IPv6Receive.TcpChecksum = C->IPv6Receive.UdpChecksum = NDIS_OFFLOAD_SUPPORTED;
    }
    for (int V6 = 0; V6 < 2; V6++) {
        if (!On->Lso[V6])
            continue;
        ULONG *Encapsulation = V6 ? &Offload->LsoV2.IPv6.Encapsulation : &Offload->LsoV2.IPv4.Encapsulation;
        *Encapsulation = NDIS_ENCAPSULATION_IEEE_802_3;
        if (V6) {
            Offload->LsoV2.IPv6.MaxOffLoadSize = SAMPLE_LSO_MAX_PAYLOAD;
            Offload->LsoV2.IPv6.MinSegmentCount = SAMPLE_LSO_MIN_SEGMENTS;
            Offload->LsoV2.IPv6.TcpOptionsSupported = NDIS_OFFLOAD_SUPPORTED;
        } else {
            Offload->LsoV2.IPv4.MaxOffLoadSize = SAMPLE_LSO_MAX_PAYLOAD;
            Offload->LsoV2.IPv4.MinSegmentCount = SAMPLE_LSO_MIN_SEGMENTS;
        }
    }
    Offload->Rsc.IPv4.Enabled = On->Rsc[0];
    Offload->Rsc.IPv6.Enabled = On->Rsc[1];
}

VOID SampleOffloadDefaults(PSAMPLE_OFFLOAD_STATE On)
{
    SAMPLE_OFFLOAD_STATE All = { TRUE, TRUE, { TRUE, TRUE }, { TRUE, TRUE } };
    *On = All;
}

NDIS_STATUS SampleOffloadInitialize(PSAMPLE_ADAPTER Adapter)
{
    SAMPLE_OFFLOAD_STATE All;
    NDIS_OFFLOAD Hardware, Default;
    NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES Attributes;
    SampleOffloadDefaults(&All);
    SampleOffloadDescribe(&All, &Hardware);
    SampleOffloadDescribe(&Adapter->Offload, &Default); /* as the configuration left it */
    NdisZeroMemory(&Attributes, sizeof(Attributes));
    Attributes.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES;
    Attributes.Header.Revision = NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1;
    Attributes.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1;
    Attributes.DefaultOffloadConfiguration = &Default;
    Attributes.HardwareOffloadCapabilities = &Hardware;
    return NdisMSetMiniportAttributes(Adapter->AdapterHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&Attributes);
}

/* One NDIS_OFFLOAD_PARAMETERS checksum value applied to a transmit and a receive switch. */
static VOID SampleOffloadChecksumParameter(UCHAR Value, BOOLEAN *Tx, BOOLEAN *Rx)
{
    switch (Value) {
    case NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED: *Tx = FALSE; *Rx = FALSE; break;
    case NDIS_OFFLOAD_PARAMETERS_TX_ENABLED_RX_DISABLED: *Tx = TRUE; *Rx = FALSE; break;
    case NDIS_OFFLOAD_PARAMETERS_RX_ENABLED_TX_DISABLED: *Tx = FALSE; *Rx = TRUE; break;
    case NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED: *Tx = TRUE; *Rx = TRUE; break;
    default: break; /* NO_CHANGE */
    }
}

NDIS_STATUS SampleOffloadSetEncapsulation(PNDIS_OID_REQUEST Request)
{
    struct _SET *Set = &Request->DATA.SET_INFORMATION;
    const NDIS_OFFLOAD_ENCAPSULATION *E = Set->InformationBuffer;
    if (Set->InformationBufferLength < NDIS_SIZEOF_OFFLOAD_ENCAPSULATION_REVISION_1) {
        Set->BytesNeeded = NDIS_SIZEOF_OFFLOAD_ENCAPSULATION_REVISION_1;
        return NDIS_STATUS_INVALID_LENGTH;
    }
    if (E->Header.Type != NDIS_OBJECT_TYPE_OFFLOAD_ENCAPSULATION ||
        E->Header.Revision < NDIS_OFFLOAD_ENCAPSULATION_REVISION_1)
        return NDIS_STATUS_INVALID_PARAMETER;
    /* the page: success if any offload supports the type asked for, else INVALID_PARAMETER */
    if ((E->IPv4.Enabled == NDIS_OFFLOAD_SET_ON && !(E->IPv4.EncapsulationType & NDIS_ENCAPSULATION_IEEE_802_3)) ||
        (E->IPv6.Enabled == NDIS_OFFLOAD_SET_ON && !(E->IPv6.EncapsulationType & NDIS_ENCAPSULATION_IEEE_802_3)))
        return NDIS_STATUS_INVALID_PARAMETER;
    Set->BytesRead = NDIS_SIZEOF_OFFLOAD_ENCAPSULATION_REVISION_1;
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS SampleOffloadSetParameters(PSAMPLE_ADAPTER Adapter, PNDIS_OID_REQUEST Request)
{
    struct _SET *Set = &Request->DATA.SET_INFORMATION;
    const NDIS_OFFLOAD_PARAMETERS *P = Set->InformationBuffer;
    if (Set->InformationBufferLength < NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1) {
        Set->BytesNeeded = NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1;
        return NDIS_STATUS_INVALID_LENGTH;
    }
    if (P->Header.Type != NDIS_OBJECT_TYPE_DEFAULT || P->Header.Revision < NDIS_OFFLOAD_PARAMETERS_REVISION_1)
        return NDIS_STATUS_INVALID_PARAMETER;
    BOOLEAN HasRsc = P->Header.Revision >= NDIS_OFFLOAD_PARAMETERS_REVISION_3 &&
                     Set->InformationBufferLength >= NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_3;

    NDIS_OFFLOAD Offload;
    NdisAcquireSpinLock(&Adapter->Lock);
    SAMPLE_OFFLOAD_STATE On = Adapter->Offload;
    /* the sample's checksums go together: the TCP over IPv4 setting speaks for all of them */
    SampleOffloadChecksumParameter(P->TCPIPv4Checksum, &On.TxChecksum, &On.RxChecksum);
    for (int V6 = 0; V6 < 2; V6++) {
        UCHAR Lso = V6 ? P->LsoV2IPv6 : P->LsoV2IPv4;
        if (Lso == NDIS_OFFLOAD_PARAMETERS_LSOV2_DISABLED || Lso == NDIS_OFFLOAD_PARAMETERS_LSOV2_ENABLED)
            On.Lso[V6] = Lso == NDIS_OFFLOAD_PARAMETERS_LSOV2_ENABLED;
        UCHAR Rsc = !HasRsc ? NDIS_OFFLOAD_PARAMETERS_NO_CHANGE : V6 ? P->RscIPv6 : P->RscIPv4;
        if (Rsc == NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED || Rsc == NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED)
            On.Rsc[V6] = Rsc == NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED;
    }
    Adapter->Offload = On;
    NdisReleaseSpinLock(&Adapter->Lock);
    Set->BytesRead = Set->InformationBufferLength;

    /* what is on now goes up to NDIS and the protocols */
    SampleOffloadDescribe(&On, &Offload);
    SampleIndicateStatus(Adapter, NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, &Offload, sizeof(Offload));
    return NDIS_STATUS_SUCCESS;
}

/* ---- what a send asks for ----------------------------------------------------------------- */
BOOLEAN SampleOffloadRead(PNET_BUFFER_LIST Nbl, const SAMPLE_OFFLOAD_STATE *On, PSAMPLE_FRAME Frame)
{
    NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO Lso;
    NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO Checksum;
    Lso.Value = NET_BUFFER_LIST_INFO(Nbl, TcpLargeSendNetBufferListInfo);
    Checksum.Value = NET_BUFFER_LIST_INFO(Nbl, TcpIpChecksumNetBufferListInfo);
    Frame->Mss = 0;
    Frame->ChecksumIp = Frame->ChecksumL4 = FALSE;
    if (Lso.Value != NULL) {
        /* the sample advertises LSO v2 only; a protocol asking for what is off is refused */
        if (Lso.Transmit.Type != NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE || !On->Lso[Lso.LsoV2Transmit.IPVersion] ||
            Lso.LsoV2Transmit.MSS == 0)
            return FALSE;
        Frame->Mss = Lso.LsoV2Transmit.MSS;
        Frame->L4 = Lso.LsoV2Transmit.TcpHeaderOffset;
        return TRUE;
    }
    if (Checksum.Value != NULL && (Checksum.Transmit.IsIPv4 || Checksum.Transmit.IsIPv6)) {
        if (!On->TxChecksum)
            return FALSE;
        Frame->ChecksumIp = Checksum.Transmit.IsIPv4 && Checksum.Transmit.IpHeaderChecksum;
        Frame->ChecksumL4 = Checksum.Transmit.TcpChecksum || Checksum.Transmit.UdpChecksum;
        Frame->L4 = Checksum.Transmit.TcpHeaderOffset;
        Frame->L4Udp = Checksum.Transmit.UdpChecksum;
    }
    return TRUE;
}

/* ---- checksums ----------------------------------------------------------------------------- */
static ULONG SampleSum(ULONG Sum, const UCHAR *P, ULONG Length)
{
    for (; Length >= 2; P += 2, Length -= 2)
        Sum += (ULONG)P[0] << 8 | P[1];
    if (Length)
        Sum += (ULONG)P[0] << 8;
    return Sum;
}

static USHORT SampleFoldComplement(ULONG Sum)
{
    while (Sum >> 16)
        Sum = (Sum & 0xffff) + (Sum >> 16);
    return (USHORT)~Sum;
}

static VOID SamplePut16(PUCHAR P, USHORT V)
{
    P[0] = (UCHAR)(V >> 8);
    P[1] = (UCHAR)V;
}

/* The IP header at ETH_HEADER_SIZE: version 4 or 6, and its length. */
static BOOLEAN SampleIpHeader(const UCHAR *Frame, ULONG Length, BOOLEAN *V4, ULONG *HeaderLength)
{
    if (Length < ETH_HEADER_SIZE + 20)
        return FALSE;
    const UCHAR *Ip = Frame + ETH_HEADER_SIZE;
    *V4 = (Ip[0] >> 4) == 4;
    *HeaderLength = *V4 ? (ULONG)(Ip[0] & 0x0f) * 4 : 40;
    return (*V4 || (Ip[0] >> 4) == 6) && *HeaderLength >= 20 && Length >= ETH_HEADER_SIZE + *HeaderLength;
}

static VOID SampleIpv4HeaderChecksum(PUCHAR Frame, ULONG HeaderLength)
{
    PUCHAR Ip = Frame + ETH_HEADER_SIZE;
    Ip[10] = Ip[11] = 0;
    SamplePut16(Ip + 10, SampleFoldComplement(SampleSum(0, Ip, HeaderLength)));
}

/* The TCP or UDP checksum of the packet whose transport header is at L4, over the
 * pseudo-header (the field's old value is ignored, as hardware ignores it). */
static VOID SampleTransportChecksum(PUCHAR Frame, ULONG Length, ULONG L4, BOOLEAN V4, BOOLEAN Udp)
{
    const UCHAR *Ip = Frame + ETH_HEADER_SIZE;
    ULONG Field = L4 + (Udp ? 6 : 16), Segment = Length - L4;
    ULONG Sum = V4 ? SampleSum(0, Ip + 12, 8) : SampleSum(0, Ip + 8, 32);
    Sum += (Udp ? IP_PROTO_UDP : IP_PROTO_TCP) + Segment;
    Frame[Field] = Frame[Field + 1] = 0;
    USHORT Checksum = SampleFoldComplement(SampleSum(Sum, Frame + L4, Segment));
    if (Udp && Checksum == 0)
        Checksum = 0xffff; /* 0 would mean "no checksum" */
    SamplePut16(Frame + Field, Checksum);
}

BOOLEAN SampleOffloadChecksums(const SAMPLE_FRAME *Frame, PUCHAR Data)
{
    BOOLEAN V4;
    ULONG HeaderLength;
    if (!Frame->ChecksumIp && !Frame->ChecksumL4)
        return TRUE;
    if (!SampleIpHeader(Data, Frame->Length, &V4, &HeaderLength))
        return FALSE;
    if (Frame->ChecksumIp)
        SampleIpv4HeaderChecksum(Data, HeaderLength);
    if (Frame->ChecksumL4) {
        if (Frame->L4 + (Frame->L4Udp ? 8u : 20u) > Frame->Length)
            return FALSE;
        SampleTransportChecksum(Data, Frame->Length, Frame->L4, V4, Frame->L4Udp);
    }
    return TRUE;
}

/* ---- large sends ------------------------------------------------------------------------- */
/* The large segment's TCP header length and payload, or FALSE when its headers do not add up. */
static BOOLEAN SampleLsoShape(const SAMPLE_FRAME *Frame, const UCHAR *Data, BOOLEAN *V4, ULONG *Headers,
                              ULONG *Payload)
{
    ULONG HeaderLength;
    if (!SampleIpHeader(Data, Frame->Length, V4, &HeaderLength) || Frame->L4 != ETH_HEADER_SIZE + HeaderLength ||
        Frame->Length < Frame->L4 + 20 || Data[ETH_HEADER_SIZE + (*V4 ? 9 : 6)] != IP_PROTO_TCP)
        return FALSE;
    ULONG TcpLength = (ULONG)(Data[Frame->L4 + 12] >> 4) * 4;
    if (TcpLength < 20 || Frame->Length < Frame->L4 + TcpLength)
        return FALSE;
    *Headers = Frame->L4 + TcpLength;
    *Payload = Frame->Length - *Headers;
    return ETH_HEADER_SIZE + HeaderLength + TcpLength + Frame->Mss <= ETH_MAX_FRAME;
}

ULONG SampleLsoSegmentCount(const SAMPLE_FRAME *Frame)
{
    BOOLEAN V4;
    ULONG Headers, Payload;
    if (!SampleLsoShape(Frame, Frame->Data, &V4, &Headers, &Payload))
        return 0;
    return Payload == 0 ? 1 : (Payload + Frame->Mss - 1) / Frame->Mss;
}

ULONG SampleLsoSegment(const SAMPLE_FRAME *Frame, ULONG Index, PUCHAR Out)
{
    BOOLEAN V4;
    ULONG Headers, Payload;
    const UCHAR *Data = Frame->Data;
    if (!SampleLsoShape(Frame, Data, &V4, &Headers, &Payload))
        return 0;
    ULONG Offset = Index * Frame->Mss;
    if (Offset > Payload || (Offset == Payload && Payload != 0))
        return 0;
    ULONG Chunk = Payload - Offset < Frame->Mss ? Payload - Offset : Frame->Mss;
    BOOLEAN First = Index == 0, Last = Offset + Chunk == Payload;
    NdisMoveMemory(Out, Data, Headers);
    NdisMoveMemory(Out + Headers, Data + Headers + Offset, Chunk);
    PUCHAR Ip = Out + ETH_HEADER_SIZE, Tcp = Out + Frame->L4;
    ULONG Length = Headers + Chunk;
    if (V4) {
        SamplePut16(Ip + 2, (USHORT)(Length - ETH_HEADER_SIZE));
        SamplePut16(Ip + 4, (USHORT)(((ULONG)Ip[4] << 8 | Ip[5]) + Index));
        SampleIpv4HeaderChecksum(Out, Frame->L4 - ETH_HEADER_SIZE);
    } else {
        SamplePut16(Ip + 4, (USHORT)(Length - ETH_HEADER_SIZE - 40));
    }
    ULONG Sequence = ((ULONG)Tcp[4] << 24 | (ULONG)Tcp[5] << 16 | (ULONG)Tcp[6] << 8 | Tcp[7]) + Offset;
    Tcp[4] = (UCHAR)(Sequence >> 24);
    Tcp[5] = (UCHAR)(Sequence >> 16);
    Tcp[6] = (UCHAR)(Sequence >> 8);
    Tcp[7] = (UCHAR)Sequence;
    if (!Last)
        Tcp[13] &= (UCHAR)~(TCP_FLAG_FIN | TCP_FLAG_PSH);
    if (!First)
        Tcp[13] &= (UCHAR)~TCP_FLAG_CWR;
    SampleTransportChecksum(Out, Length, Frame->L4, V4, FALSE);
    return Length;
}

/* A large segment delivered whole to an adapter with RSC on: the IPv4 header checksum made
 * right, the TCP checksum left as the sender's pseudo-header sum and reported so. */
VOID SampleOffloadCoalesced(const SAMPLE_FRAME *Frame, PUCHAR Data, PNET_BUFFER_LIST Nbl)
{
    BOOLEAN V4;
    ULONG Headers, Payload;
    NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO Checksum;
    if (!SampleLsoShape(Frame, Data, &V4, &Headers, &Payload))
        return;
    if (V4)
        SampleIpv4HeaderChecksum(Data, Frame->L4 - ETH_HEADER_SIZE);
    Checksum.Value = NULL;
    Checksum.Receive.TcpChecksumSucceeded = 1;
    Checksum.Receive.IpChecksumSucceeded = V4;
    Checksum.Receive.TcpChecksumValueInvalid = 1;
    NET_BUFFER_LIST_INFO(Nbl, TcpIpChecksumNetBufferListInfo) = Checksum.Value;
    NET_BUFFER_LIST_COALESCED_SEG_COUNT(Nbl) = (USHORT)((Payload + Frame->Mss - 1) / Frame->Mss);
}

BOOLEAN SampleOffloadTakesWhole(const SAMPLE_OFFLOAD_STATE *On, const SAMPLE_FRAME *Frame)
{
    BOOLEAN V4;
    ULONG HeaderLength;
    return Frame->Mss != 0 && SampleIpHeader(Frame->Data, Frame->Length, &V4, &HeaderLength) && On->Rsc[V4 ? 0 : 1] &&
           On->RxChecksum;
}

VOID SampleOffloadReceived(const SAMPLE_OFFLOAD_STATE *On, const SAMPLE_FRAME *Frame, const UCHAR *Data, ULONG Length,
                           PNET_BUFFER_LIST Nbl)
{
    /* a segment the sample cut, or a frame whose checksums it completed, is known good */
    NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO Checksum;
    BOOLEAN V4;
    ULONG HeaderLength;
    Checksum.Value = NULL;
    if (On->RxChecksum && (Frame->Mss != 0 || Frame->ChecksumL4) &&
        SampleIpHeader(Data, Length, &V4, &HeaderLength)) {
        Checksum.Receive.IpChecksumSucceeded = V4;
        if (Frame->Mss != 0 || !Frame->L4Udp)
            Checksum.Receive.TcpChecksumSucceeded = 1;
        else
            Checksum.Receive.UdpChecksumSucceeded = 1;
    }
    NET_BUFFER_LIST_INFO(Nbl, TcpIpChecksumNetBufferListInfo) = Checksum.Value;
}

/* LSO v2: the completion says which version was done. */
VOID SampleOffloadComplete(PNET_BUFFER_LIST Nbl)
{
    NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO Lso;
    Lso.Value = NET_BUFFER_LIST_INFO(Nbl, TcpLargeSendNetBufferListInfo);
    if (Lso.Value == NULL)
        return;
    Lso.Value = NULL;
    Lso.LsoV2TransmitComplete.Type = NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE;
    NET_BUFFER_LIST_INFO(Nbl, TcpLargeSendNetBufferListInfo) = Lso.Value;
}
