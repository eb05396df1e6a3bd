/* OpenNDIS: TCP/IP task offload. What a miniport advertises in its offload attributes and
 * in NDIS_STATUS_TASK_OFFLOAD_* indications (NDIS_OFFLOAD: checksum, LSOv1/LSOv2, IPsec v1/v2,
 * RSC, NVGRE/VXLAN, 464XLAT and USO capabilities, NDIS 6.0 to 6.89), the settings that
 * OID_TCP_OFFLOAD_PARAMETERS and OID_OFFLOAD_ENCAPSULATION carry, TCP chimney capabilities,
 * the per-NET_BUFFER_LIST offload information (checksum, LSO, USO, RSC) and the RSC
 * statistics. Written from the DDI reference; field order is the reference's, layouts are the
 * Windows x64 ones (checked at the end). The ULONG bit fields fill their ULONG from bit 0 up,
 * as MSVC lays them out; gcc and clang do the same for these declarations. */
#ifndef OPENNDIS_NDIS_OFFLOAD_H
#define OPENNDIS_NDIS_OFFLOAD_H

#include <ndis/version.h>
#include <ndis/status.h>
#include <ndis/nbl.h>
#include <ndis/adapter.h> /* typedefs NDIS_OFFLOAD, NDIS_TCP_CONNECTION_OFFLOAD */

OPENNDIS_EXTERN_C_BEGIN

/* ---- status indications (NdisMIndicateStatusEx) ------------------------------------------ */
#define NDIS_STATUS_OFFLOAD_PAUSE ((NDIS_STATUS)0x40020001L)
#define NDIS_STATUS_UPLOAD_ALL ((NDIS_STATUS)0x40020002L)
#define NDIS_STATUS_OFFLOAD_RESUME ((NDIS_STATUS)0x40020003L)
#define NDIS_STATUS_OFFLOAD_PARTIAL_SUCCESS ((NDIS_STATUS)0x40020004L)
#define NDIS_STATUS_OFFLOAD_STATE_INVALID ((NDIS_STATUS)0x40020005L)
#define NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG ((NDIS_STATUS)0x40020006L)        /* buffer: NDIS_OFFLOAD */
#define NDIS_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES ((NDIS_STATUS)0x40020007L) /* buffer: NDIS_OFFLOAD */
/* sic: the reference spells it ENCASPULATION; buffer: NDIS_OFFLOAD_ENCAPSULATION */
#define NDIS_STATUS_OFFLOAD_ENCASPULATION_CHANGE ((NDIS_STATUS)0x40020008L)
#define NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES ((NDIS_STATUS)0x4002000BL)

/* ---- OIDs not in ndis/oids.h (defined whatever the contract, as there) -------------------- */
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA 0xFC030202    /* NDIS 6.1 */
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA 0xFC030203 /* NDIS 6.1 */
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA 0xFC030204 /* NDIS 6.1 */
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX 0xFC030205 /* NDIS 6.30 */

/* ---- values of the capability members ----------------------------------------------------- */
/* The 2-bit members of NDIS_OFFLOAD's parts, in OID_TCP_OFFLOAD_CURRENT_CONFIG and the
 * hardware capabilities ... */
#define NDIS_OFFLOAD_NOT_SUPPORTED 0
#define NDIS_OFFLOAD_SUPPORTED 1
/* ... in NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, and NDIS_OFFLOAD_ENCAPSULATION.Enabled,
 * NDIS_OFFLOAD_PARAMETERS.EncapsulatedPacketTaskOffload */
#define NDIS_OFFLOAD_SET_NO_CHANGE 0
#define NDIS_OFFLOAD_SET_ON 1
#define NDIS_OFFLOAD_SET_OFF 2

/* The Encapsulation members: a bitwise OR (802.3 is the one every miniport must offer). */
#define NDIS_ENCAPSULATION_NOT_SUPPORTED 0x00000000
#define NDIS_ENCAPSULATION_NULL 0x00000001
#define NDIS_ENCAPSULATION_IEEE_802_3 0x00000002
#define NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q 0x00000004
#define NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q_IN_OOB 0x00000008 /* VLAN tag in Ieee8021QNetBufferListInfo */
#define NDIS_ENCAPSULATION_IEEE_LLC_SNAP_ROUTED 0x00000010

/* ---- checksum offload ------------------------------------------------------------------------- */
typedef struct _NDIS_TCP_IP_CHECKSUM_OFFLOAD {
    struct {
        ULONG Encapsulation;
        ULONG IpOptionsSupported : 2;
        ULONG TcpOptionsSupported : 2;
        ULONG TcpChecksum : 2;
        ULONG UdpChecksum : 2;
        ULONG IpChecksum : 2;
    } IPv4Transmit;
    struct {
        ULONG Encapsulation;
        ULONG IpOptionsSupported : 2;
        ULONG TcpOptionsSupported : 2;
        ULONG TcpChecksum : 2;
        ULONG UdpChecksum : 2;
        ULONG IpChecksum : 2;
    } IPv4Receive;
    struct {
        ULONG Encapsulation;
        ULONG IpExtensionHeadersSupported : 2;
        ULONG TcpOptionsSupported : 2;
        ULONG TcpChecksum : 2;
        ULONG UdpChecksum : 2;
    } IPv6Transmit;
    struct {
        ULONG Encapsulation;
        ULONG IpExtensionHeadersSupported : 2;
        ULONG TcpOptionsSupported : 2;
        ULONG TcpChecksum : 2;
        ULONG UdpChecksum : 2;
    } IPv6Receive;
} NDIS_TCP_IP_CHECKSUM_OFFLOAD, *PNDIS_TCP_IP_CHECKSUM_OFFLOAD;

/* ---- large send offload, versions 1 and 2 ------------------------------------------------- */
typedef struct _NDIS_TCP_LARGE_SEND_OFFLOAD_V1 {
    struct {
        ULONG Encapsulation;
        ULONG MaxOffLoadSize;   /* bytes of user data in one large packet */
        ULONG MinSegmentCount;
        ULONG TcpOptions : 2;
        ULONG IpOptions : 2;
    } IPv4;
} NDIS_TCP_LARGE_SEND_OFFLOAD_V1, *PNDIS_TCP_LARGE_SEND_OFFLOAD_V1;

typedef struct _NDIS_TCP_LARGE_SEND_OFFLOAD_V2 {
    struct {
        ULONG Encapsulation;
        ULONG MaxOffLoadSize;
        ULONG MinSegmentCount;
    } IPv4;
    struct {
        ULONG Encapsulation;
        ULONG MaxOffLoadSize;
        ULONG MinSegmentCount;
        ULONG IpExtensionHeadersSupported : 2;
        ULONG TcpOptionsSupported : 2;
    } IPv6;
} NDIS_TCP_LARGE_SEND_OFFLOAD_V2, *PNDIS_TCP_LARGE_SEND_OFFLOAD_V2;

/* ---- IPsec offload, version 1 (NDIS 6.0 only) ------------------------------------------- */
/* Supported.Flags: the UDP-ESP encapsulations the NIC can parse (the _IKE ones are reserved) */
#define IPSEC_TPT_UDPESP_ENCAPTYPE_IKE 0x00000001
#define IPSEC_TUN_UDPESP_ENCAPTYPE_IKE 0x00000002
#define IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_IKE 0x00000004
#define IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_IKE 0x00000008
#define IPSEC_TPT_UDPESP_ENCAPTYPE_OTHER 0x00000010
#define IPSEC_TUN_UDPESP_ENCAPTYPE_OTHER 0x00000020
#define IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_OTHER 0x00000040
#define IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_OTHER 0x00000080

typedef struct _NDIS_IPSEC_OFFLOAD_V1 {
    struct {
        ULONG Encapsulation;
        ULONG AhEspCombined;
        ULONG TransportTunnelCombined;
        ULONG IPv4Options;
        ULONG Flags;
    } Supported;
    struct {
        ULONG Md5 : 2;
        ULONG Sha_1 : 2;
        ULONG Transport : 2;
        ULONG Tunnel : 2;
        ULONG Send : 2;
        ULONG Receive : 2;
    } IPv4AH;
    struct {
        ULONG Des : 2;
        ULONG Reserved : 2;
        ULONG TripleDes : 2;
        ULONG NullEsp : 2;
        ULONG Transport : 2;
        ULONG Tunnel : 2;
        ULONG Send : 2;
        ULONG Receive : 2;
    } IPv4ESP;
} NDIS_IPSEC_OFFLOAD_V1, *PNDIS_IPSEC_OFFLOAD_V1;

#if NDIS_SUPPORT_NDIS61
/* ---- IPsec offload, version 2 (NDIS 6.1) ------------------------------------------------ */
/* UdpEsp */
#define IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_NONE 0x00000000
#define IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT 0x00000001
#define IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL 0x00000002
#define IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL 0x00000004
#define IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL 0x00000008
/* AuthenticationAlgorithms */
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5 0x00000001
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1 0x00000002
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256 0x00000004
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128 0x00000008
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192 0x00000010
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256 0x00000020
/* EncryptionAlgorithms */
#define IPSEC_OFFLOAD_V2_ENCRYPTION_NONE 0x00000001
#define IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC 0x00000002
#define IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC 0x00000004
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128 0x00000008
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192 0x00000010
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256 0x00000020
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128 0x00000040
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192 0x00000080
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256 0x00000100

typedef struct _NDIS_IPSEC_OFFLOAD_V2 {
    ULONG Encapsulation;
    BOOLEAN IPv6Supported;
    BOOLEAN IPv4Options;
    BOOLEAN IPv6NonIPsecExtensionHeaders;
    BOOLEAN Ah;
    BOOLEAN Esp;
    BOOLEAN AhEspCombined;
    BOOLEAN Transport;
    BOOLEAN Tunnel;
    BOOLEAN TransportTunnelCombined;
    BOOLEAN LsoSupported;
    BOOLEAN ExtendedSequenceNumbers;
    ULONG UdpEsp;
    ULONG AuthenticationAlgorithms;
    ULONG EncryptionAlgorithms;
    ULONG SaOffloadCapacity;  /* security associations the NIC can hold */
} NDIS_IPSEC_OFFLOAD_V2, *PNDIS_IPSEC_OFFLOAD_V2;
#endif /* NDIS_SUPPORT_NDIS61 */

#if NDIS_SUPPORT_NDIS630
/* ---- receive segment coalescing (NDIS 6.30) --------------------------------------------- */
typedef struct _NDIS_TCP_RECV_SEG_COALESCE_OFFLOAD {
    struct {
        BOOLEAN Enabled;
    } IPv4;
    struct {
        BOOLEAN Enabled;
    } IPv6;
} NDIS_TCP_RECV_SEG_COALESCE_OFFLOAD, *PNDIS_TCP_RECV_SEG_COALESCE_OFFLOAD;

/* ---- encapsulated packets: NVGRE (6.30), VXLAN (6.50) -------------------------------------- */
/* The 4-bit ...Supported members: a bitwise OR of */
#define NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_NOT_SUPPORTED 0x00000000
#define NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_INNER_IPV4 0x00000001
#define NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_OUTER_IPV4 0x00000002
#define NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_INNER_IPV6 0x00000004
#define NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_OUTER_IPV6 0x00000008

typedef struct _NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD {
    ULONG TransmitChecksumOffloadSupported : 4;
    ULONG ReceiveChecksumOffloadSupported : 4;
    ULONG LsoV2Supported : 4;
    ULONG RssSupported : 4;
    ULONG VmqSupported : 4;
#if NDIS_SUPPORT_NDIS685
    ULONG UsoSupported : 4;  /* NDIS 6.85: USO of NVGRE/VXLAN packets */
    ULONG Reserved : 8;
#else
    ULONG Reserved : 12;
#endif
    ULONG MaxHeaderSizeSupported;  /* packet start to the end of the inner TCP/UDP header */
} NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD, *PNDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD;
#endif /* NDIS_SUPPORT_NDIS630 */

#if NDIS_SUPPORT_NDIS650
typedef struct _NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_V2 {
    ULONG TransmitChecksumOffloadSupported : 4;
    ULONG ReceiveChecksumOffloadSupported : 4;
    ULONG LsoV2Supported : 4;
    ULONG RssSupported : 4;
    ULONG VmqSupported : 4;
#if NDIS_SUPPORT_NDIS685
    ULONG UsoSupported : 4;
    ULONG Reserved : 8;
#else
    ULONG Reserved : 12;
#endif
    ULONG MaxHeaderSizeSupported;
    union _ENCAPSULATION_PROTOCOL_INFO {
        struct _VXLAN_INFO {
            USHORT VxlanUDPPortNumber;  /* the VXLAN destination port (4789 unless configured) */
            USHORT VxlanUDPPortNumberConfigurable : 1;
        } VxlanInfo;
        ULONG Value;
    } EncapsulationProtocolInfo;
    ULONG Reserved1;
    ULONG Reserved2;
} NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_V2, *PNDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_V2;
#endif /* NDIS_SUPPORT_NDIS650 */

#if NDIS_SUPPORT_NDIS670
/* ---- 464XLAT (NDIS 6.70) ---------------------------------------------------------------- */
typedef enum _NDIS_RFC6877_464XLAT_OFFLOAD_OPTIONS {
    NDIS_RFC6877_464XLAT_OFFLOAD_NOT_SUPPORTED,
    NDIS_RFC6877_464XLAT_OFFLOAD_DISABLED,
    NDIS_RFC6877_464XLAT_OFFLOAD_ENABLED,
    NDIS_RFC6877_464XLAT_OFFLOAD_ON_DEMAND
} NDIS_RFC6877_464XLAT_OFFLOAD_OPTIONS, *PNDIS_RFC6877_464XLAT_OFFLOAD_OPTIONS;

typedef struct _NDIS_RFC6877_464XLAT_OFFLOAD {
    NDIS_RFC6877_464XLAT_OFFLOAD_OPTIONS XlatOffload;
    ULONG Flags;  /* reserved: 0 */
} NDIS_RFC6877_464XLAT_OFFLOAD, *PNDIS_RFC6877_464XLAT_OFFLOAD;
#endif /* NDIS_SUPPORT_NDIS670 */

#if NDIS_SUPPORT_NDIS683
/* ---- UDP segmentation offload (NDIS 6.83) ----------------------------------------------- */
typedef struct _NDIS_UDP_SEGMENTATION_OFFLOAD {
    struct {
        ULONG Encapsulation;
        ULONG MaxOffLoadSize;
        ULONG MinSegmentCount : 6;
        ULONG SubMssFinalSegmentSupported : 1;  /* the last segment may be shorter than MSS */
        ULONG Reserved : 25;
    } IPv4;
    struct {
        ULONG Encapsulation;
        ULONG MaxOffLoadSize;
        ULONG MinSegmentCount : 6;
        ULONG SubMssFinalSegmentSupported : 1;
        ULONG Reserved1 : 25;
        ULONG IpExtensionHeadersSupported : 2;
        ULONG Reserved2 : 30;
    } IPv6;
} NDIS_UDP_SEGMENTATION_OFFLOAD, *PNDIS_UDP_SEGMENTATION_OFFLOAD;
#endif /* NDIS_SUPPORT_NDIS683 */

#if NDIS_SUPPORT_NDIS689
/* ---- UDP receive segment coalescing (URO, NDIS 6.89) ------------------------------------- */
typedef struct _NDIS_UDP_RSC_OFFLOAD {
    BOOLEAN Enabled;
} NDIS_UDP_RSC_OFFLOAD, *PNDIS_UDP_RSC_OFFLOAD;
#endif /* NDIS_SUPPORT_NDIS689 */

/* ---- NDIS_OFFLOAD: OID_TCP_OFFLOAD_CURRENT_CONFIG / _HARDWARE_CAPABILITIES, the adapter's
 * offload attributes and NDIS_STATUS_TASK_OFFLOAD_* (Header.Type NDIS_OBJECT_TYPE_OFFLOAD) --- */
/* Flags */
#define NDIS_OFFLOAD_FLAGS_GROUP_CHECKSUM_CAPABILITIES 0x00000001
#define IPSEC_OFFLOAD_V2_AND_TCP_CHECKSUM_COEXISTENCE 0x00000002
#define IPSEC_OFFLOAD_V2_AND_UDP_CHECKSUM_COEXISTENCE 0x00000004

#define NDIS_OFFLOAD_REVISION_1 1 /* NDIS 6.0 */
#define NDIS_OFFLOAD_REVISION_2 2 /* 6.1: IPsecV2 */
#define NDIS_OFFLOAD_REVISION_3 3 /* 6.30: Rsc, EncapsulatedPacketTaskOffloadGre */
#define NDIS_OFFLOAD_REVISION_4 4 /* 6.50: EncapsulatedPacketTaskOffloadVxlan, EncapsulationTypes */
#define NDIS_OFFLOAD_REVISION_5 5 /* 6.70: Rfc6877Xlat */
#define NDIS_OFFLOAD_REVISION_6 6 /* 6.83: UdpSegmentation */
#define NDIS_OFFLOAD_REVISION_7 7 /* 6.85: no new member (USO of encapsulated packets) */
#define NDIS_OFFLOAD_REVISION_8 8 /* 6.89: UdpRsc */
struct _NDIS_OFFLOAD { /* typedef in ndis/adapter.h */
    NDIS_OBJECT_HEADER Header;
    NDIS_TCP_IP_CHECKSUM_OFFLOAD Checksum;
    NDIS_TCP_LARGE_SEND_OFFLOAD_V1 LsoV1;
    NDIS_IPSEC_OFFLOAD_V1 IPsecV1;
    NDIS_TCP_LARGE_SEND_OFFLOAD_V2 LsoV2;
    ULONG Flags;
#if NDIS_SUPPORT_NDIS61
    NDIS_IPSEC_OFFLOAD_V2 IPsecV2;
#endif
#if NDIS_SUPPORT_NDIS630
    NDIS_TCP_RECV_SEG_COALESCE_OFFLOAD Rsc;
    NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD EncapsulatedPacketTaskOffloadGre;
#endif
#if NDIS_SUPPORT_NDIS650
    NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_V2 EncapsulatedPacketTaskOffloadVxlan;
    UCHAR EncapsulationTypes;  /* NDIS_ENCAPSULATION_TYPE_* */
#endif
#if NDIS_SUPPORT_NDIS670
    NDIS_RFC6877_464XLAT_OFFLOAD Rfc6877Xlat;
#endif
#if NDIS_SUPPORT_NDIS683
    NDIS_UDP_SEGMENTATION_OFFLOAD UdpSegmentation;
#endif
#if NDIS_SUPPORT_NDIS689
    NDIS_UDP_RSC_OFFLOAD UdpRsc;
#endif
};
#define NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, Flags)
#if NDIS_SUPPORT_NDIS61
#define NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2 RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, IPsecV2)
#endif
#if NDIS_SUPPORT_NDIS630
#define NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_3 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, EncapsulatedPacketTaskOffloadGre)
#endif
#if NDIS_SUPPORT_NDIS650
#define NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_4 RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, EncapsulationTypes)
#endif
#if NDIS_SUPPORT_NDIS670
#define NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_5 RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, Rfc6877Xlat)
#endif
#if NDIS_SUPPORT_NDIS683
#define NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_6 RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, UdpSegmentation)
#endif
#if NDIS_SUPPORT_NDIS685
/* revision 7 adds no member: its size is revision 6's */
#define NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_7 RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, UdpSegmentation)
#endif
#if NDIS_SUPPORT_NDIS689
#define NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_8 RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, UdpRsc)
#endif

/* ---- NDIS_OFFLOAD_PARAMETERS: OID_TCP_OFFLOAD_PARAMETERS (Header.Type NDIS_OBJECT_TYPE_DEFAULT) */
#define NDIS_OFFLOAD_PARAMETERS_NO_CHANGE 0
/* IPv4Checksum, TCPIPv4Checksum, UDPIPv4Checksum, TCPIPv6Checksum, UDPIPv6Checksum */
#define NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED 1
#define NDIS_OFFLOAD_PARAMETERS_TX_ENABLED_RX_DISABLED 2
#define NDIS_OFFLOAD_PARAMETERS_RX_ENABLED_TX_DISABLED 3
#define NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED 4
/* LsoV1 */
#define NDIS_OFFLOAD_PARAMETERS_LSOV1_DISABLED 1
#define NDIS_OFFLOAD_PARAMETERS_LSOV1_ENABLED 2
/* IPsecV1 */
#define NDIS_OFFLOAD_PARAMETERS_IPSECV1_DISABLED 1
#define NDIS_OFFLOAD_PARAMETERS_IPSECV1_AH_ENABLED 2
#define NDIS_OFFLOAD_PARAMETERS_IPSECV1_ESP_ENABLED 3
#define NDIS_OFFLOAD_PARAMETERS_IPSECV1_AH_AND_ESP_ENABLED 4
/* LsoV2IPv4, LsoV2IPv6 */
#define NDIS_OFFLOAD_PARAMETERS_LSOV2_DISABLED 1
#define NDIS_OFFLOAD_PARAMETERS_LSOV2_ENABLED 2
/* TcpConnectionIPv4, TcpConnectionIPv6 */
#define NDIS_OFFLOAD_PARAMETERS_CONNECTION_OFFLOAD_DISABLED 1
#define NDIS_OFFLOAD_PARAMETERS_CONNECTION_OFFLOAD_ENABLED 2
/* IPsecV2, IPsecV2IPv4 (6.1) */
#define NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED 1
#define NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_ENABLED 2
#define NDIS_OFFLOAD_PARAMETERS_IPSECV2_ESP_ENABLED 3
#define NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_AND_ESP_ENABLED 4
/* RscIPv4, RscIPv6 (6.30) */
#define NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED 1
#define NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED 2
/* EncapsulationTypes (6.30; NDIS_OFFLOAD.EncapsulationTypes too) */
#define NDIS_ENCAPSULATION_TYPE_GRE_MAC 0x00000001
#define NDIS_ENCAPSULATION_TYPE_VXLAN 0x00000002
/* UdpSegmentation.IPv4, .IPv6 (6.83); the reference's page spells them UDP_SEG_ */
#define NDIS_OFFLOAD_PARAMETERS_USO_DISABLED 1
#define NDIS_OFFLOAD_PARAMETERS_USO_ENABLED 2
#define NDIS_OFFLOAD_PARAMETERS_UDP_SEG_DISABLED NDIS_OFFLOAD_PARAMETERS_USO_DISABLED
#define NDIS_OFFLOAD_PARAMETERS_UDP_SEG_ENABLED NDIS_OFFLOAD_PARAMETERS_USO_ENABLED
/* UdpRsc.Enabled (6.89) */
#define NDIS_OFFLOAD_PARAMETERS_UDP_RSC_NO_CHANGE 0
#define NDIS_OFFLOAD_PARAMETERS_UDP_RSC_DISABLED 1
#define NDIS_OFFLOAD_PARAMETERS_UDP_RSC_ENABLED 2
/* Flags (6.89): the change is not saved in the offload keywords */
#define NDIS_OFFLOAD_PARAMETERS_SKIP_REGISTRY_UPDATE 0x00000001

#define NDIS_OFFLOAD_PARAMETERS_REVISION_1 1 /* NDIS 6.0 */
#define NDIS_OFFLOAD_PARAMETERS_REVISION_2 2 /* 6.1: IPsecV2, IPsecV2IPv4 */
#define NDIS_OFFLOAD_PARAMETERS_REVISION_3 3 /* 6.30: Rsc*, EncapsulatedPacketTaskOffload, EncapsulationTypes */
#define NDIS_OFFLOAD_PARAMETERS_REVISION_4 4 /* 6.50: EncapsulationProtocolParameters */
#define NDIS_OFFLOAD_PARAMETERS_REVISION_5 5 /* 6.83: UdpSegmentation */
#define NDIS_OFFLOAD_PARAMETERS_REVISION_6 6 /* 6.89: UdpRsc */
typedef struct _NDIS_OFFLOAD_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    UCHAR IPv4Checksum;
    UCHAR TCPIPv4Checksum;
    UCHAR UDPIPv4Checksum;
    UCHAR TCPIPv6Checksum;
    UCHAR UDPIPv6Checksum;
    UCHAR LsoV1;
    UCHAR IPsecV1;
    UCHAR LsoV2IPv4;
    UCHAR LsoV2IPv6;
    UCHAR TcpConnectionIPv4;
    UCHAR TcpConnectionIPv6;
    ULONG Flags;
#if NDIS_SUPPORT_NDIS61
    UCHAR IPsecV2;
    UCHAR IPsecV2IPv4;
#endif
#if NDIS_SUPPORT_NDIS630
    UCHAR RscIPv4;
    UCHAR RscIPv6;
    UCHAR EncapsulatedPacketTaskOffload;  /* NDIS_OFFLOAD_SET_* */
    UCHAR EncapsulationTypes;             /* NDIS_ENCAPSULATION_TYPE_*, when ..._SET_ON */
#endif
#if NDIS_SUPPORT_NDIS650
    union _ENCAPSULATION_PROTOCOL_PARAMETERS {
        struct _VXLAN_PARAMETERS {
            USHORT VxlanUDPPortNumber;  /* 0: keep the port from the keyword */
        } VxlanParameters;
        ULONG Value;
    } EncapsulationProtocolParameters;
#endif
#if NDIS_SUPPORT_NDIS683
    struct {
        UCHAR IPv4;
        UCHAR IPv6;
    } UdpSegmentation;
#endif
#if NDIS_SUPPORT_NDIS689
    struct {
        UCHAR Enabled;
    } UdpRsc;
#endif
} NDIS_OFFLOAD_PARAMETERS, *PNDIS_OFFLOAD_PARAMETERS;
#define NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD_PARAMETERS, Flags)
#if NDIS_SUPPORT_NDIS61
#define NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2 RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD_PARAMETERS, IPsecV2IPv4)
#endif
#if NDIS_SUPPORT_NDIS630
#define NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_3 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD_PARAMETERS, EncapsulationTypes)
#endif
#if NDIS_SUPPORT_NDIS650
#define NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_4 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD_PARAMETERS, EncapsulationProtocolParameters)
#endif
#if NDIS_SUPPORT_NDIS683
#define NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_5 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD_PARAMETERS, UdpSegmentation)
#endif
#if NDIS_SUPPORT_NDIS689
#define NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_6 RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD_PARAMETERS, UdpRsc)
#endif

/* ---- OID_OFFLOAD_ENCAPSULATION, NDIS_STATUS_OFFLOAD_ENCASPULATION_CHANGE
 * (Header.Type NDIS_OBJECT_TYPE_OFFLOAD_ENCAPSULATION) ------------------------------------- */
#define NDIS_OFFLOAD_ENCAPSULATION_REVISION_1 1
typedef struct _NDIS_OFFLOAD_ENCAPSULATION {
    NDIS_OBJECT_HEADER Header;
    struct {
        ULONG Enabled;            /* NDIS_OFFLOAD_SET_* */
        ULONG EncapsulationType;  /* one NDIS_ENCAPSULATION_* */
        ULONG HeaderSize;         /* bytes of the encapsulation header */
    } IPv4;
    struct {
        ULONG Enabled;
        ULONG EncapsulationType;
        ULONG HeaderSize;
    } IPv6;
} NDIS_OFFLOAD_ENCAPSULATION, *PNDIS_OFFLOAD_ENCAPSULATION;
#define NDIS_SIZEOF_OFFLOAD_ENCAPSULATION_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD_ENCAPSULATION, IPv6)

/* ---- TCP chimney capabilities (the adapter's offload attributes; OpenNDIS offloads no
 * connections) ------------------------------------------------------------------------------ */
#define NDIS_TCP_CONNECTION_OFFLOAD_REVISION_1 1
struct _NDIS_TCP_CONNECTION_OFFLOAD { /* typedef in ndis/adapter.h */
    NDIS_OBJECT_HEADER Header;
    ULONG Encapsulation;
    ULONG SupportIPv4 : 2;
    ULONG SupportIPv6 : 2;
    ULONG SupportIPv6ExtensionHeaders : 2;
    ULONG SupportSack : 2;
    ULONG CongestionAlgorithm : 4;  /* reserved */
    ULONG TcpConnectionOffloadCapacity;
    ULONG Flags;
};
#define NDIS_SIZEOF_TCP_CONNECTION_OFFLOAD_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_TCP_CONNECTION_OFFLOAD, Flags)

/* ---- per-NET_BUFFER_LIST information: each is one NetBufferListInfo slot, read and written
 * whole through Value: info.Value = NET_BUFFER_LIST_INFO(nbl, TcpIpChecksumNetBufferListInfo) */

/* TcpIpChecksumNetBufferListInfo: Transmit as the protocol sets it, Receive as the miniport
 * reports what it validated. */
typedef struct _NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO {
    union {
        struct {
            ULONG IsIPv4 : 1;
            ULONG IsIPv6 : 1;
            ULONG TcpChecksum : 1;
            ULONG UdpChecksum : 1;
            ULONG IpHeaderChecksum : 1;
            ULONG Reserved : 11;
            ULONG TcpHeaderOffset : 10;
        } Transmit;
        struct {
            ULONG TcpChecksumFailed : 1;
            ULONG UdpChecksumFailed : 1;
            ULONG IpChecksumFailed : 1;
            ULONG TcpChecksumSucceeded : 1;
            ULONG UdpChecksumSucceeded : 1;
            ULONG IpChecksumSucceeded : 1;
            ULONG Loopback : 1;
#if NDIS_SUPPORT_NDIS630
            ULONG TcpChecksumValueInvalid : 1;
            ULONG IpChecksumValueInvalid : 1;
#endif
        } Receive;
        PVOID Value;
    };
} NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO, *PNDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO;

/* TcpLargeSendNetBufferListInfo: Transmit.Type tells LSOv1 from LSOv2; before completing an
 * LSOv1 send the miniport writes the TCP payload bytes it sent in LsoV1TransmitComplete. */
#define NDIS_TCP_LARGE_SEND_OFFLOAD_V1_TYPE 0
#define NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE 1
#define NDIS_TCP_LARGE_SEND_OFFLOAD_IPv4 0 /* LsoV2Transmit.IPVersion */
#define NDIS_TCP_LARGE_SEND_OFFLOAD_IPv6 1
typedef struct _NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO {
    union {
        struct {
            ULONG Unused : 30;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } Transmit;
        struct {
            ULONG MSS : 20;
            ULONG TcpHeaderOffset : 10;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } LsoV1Transmit;
        struct {
            ULONG TcpPayload : 30;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } LsoV1TransmitComplete;
        struct {
            ULONG MSS : 20;
            ULONG TcpHeaderOffset : 10;
            ULONG Type : 1;
            ULONG IPVersion : 1;
        } LsoV2Transmit;
        struct {
            ULONG Reserved : 30;
            ULONG Type : 1;
            ULONG Reserved2 : 1;
        } LsoV2TransmitComplete;
        PVOID Value;
    };
} NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO, *PNDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO;

#if NDIS_SUPPORT_NDIS630
/* TcpSendOffloadsSupplementalNetBufferListInfo: the inner offsets of an NVGRE/VXLAN packet. */
typedef struct _NDIS_TCP_SEND_OFFLOADS_SUPPLEMENTAL_NET_BUFFER_LIST_INFO {
    union {
        struct {
            ULONG IsEncapsulatedPacket : 1;
            ULONG EncapsulatedPacketOffsetsValid : 1;
            ULONG InnerFrameOffset : 8;
            ULONG TransportIpHeaderRelativeOffset : 6;
            ULONG TcpHeaderRelativeOffset : 10;
            ULONG IsInnerIPv6 : 1;
            ULONG TcpOptionsPresent : 1;
            ULONG Reserved : 4;
        } EncapsulatedPacketOffsets;
        PVOID Value;
    };
} NDIS_TCP_SEND_OFFLOADS_SUPPLEMENTAL_NET_BUFFER_LIST_INFO,
    *PNDIS_TCP_SEND_OFFLOADS_SUPPLEMENTAL_NET_BUFFER_LIST_INFO;

/* TcpRecvSegCoalesceInfo on a coalesced receive: the data segments coalesced (0: not an RSC
 * segment) and the duplicate ACKs among them. */
typedef union _NDIS_RSC_NBL_INFO {
    struct {
        USHORT CoalescedSegCount;
        USHORT DupAckCount;
    } Info;
    PVOID Value;
} NDIS_RSC_NBL_INFO, *PNDIS_RSC_NBL_INFO;
#define OPENNDIS_NBL_RSC(nbl) ((PNDIS_RSC_NBL_INFO) & NET_BUFFER_LIST_INFO((nbl), TcpRecvSegCoalesceInfo))
#define NET_BUFFER_LIST_COALESCED_SEG_COUNT(nbl) (OPENNDIS_NBL_RSC(nbl)->Info.CoalescedSegCount)
#define NET_BUFFER_LIST_DUP_ACK_COUNT(nbl) (OPENNDIS_NBL_RSC(nbl)->Info.DupAckCount)

/* OID_TCP_RSC_STATISTICS (Header.Type NDIS_OBJECT_TYPE_DEFAULT) */
#define NDIS_RSC_STATISTICS_REVISION_1 1
typedef struct _NDIS_RSC_STATISTICS_INFO {
    NDIS_OBJECT_HEADER Header;
    ULONG64 CoalescedPkts;
    ULONG64 CoalescedOctets;
    ULONG64 CoalesceEvents;  /* packets built by coalescing */
    ULONG64 Aborts;
} NDIS_RSC_STATISTICS_INFO, *PNDIS_RSC_STATISTICS_INFO;
#define NDIS_SIZEOF_RSC_STATISTICS_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_RSC_STATISTICS_INFO, Aborts)
#endif /* NDIS_SUPPORT_NDIS630 */

#if NDIS_SUPPORT_NDIS683
/* UdpSegmentationOffloadInfo (a send; the slot a receive uses for TcpRecvSegCoalesceInfo). */
#define NDIS_UDP_SEGMENTATION_OFFLOAD_IPV4 0 /* Transmit.IPVersion */
#define NDIS_UDP_SEGMENTATION_OFFLOAD_IPV6 1
typedef struct _NDIS_UDP_SEGMENTATION_OFFLOAD_NET_BUFFER_LIST_INFO {
    union {
        struct {
            ULONG MSS : 20;
            ULONG UdpHeaderOffset : 10;
            ULONG Reserved : 1;
            ULONG IPVersion : 1;
        } Transmit;
        PVOID Value;
    };
} NDIS_UDP_SEGMENTATION_OFFLOAD_NET_BUFFER_LIST_INFO, *PNDIS_UDP_SEGMENTATION_OFFLOAD_NET_BUFFER_LIST_INFO;
#endif /* NDIS_SUPPORT_NDIS683 */

/* header-data split (6.1): what the miniport can split and how it is configured */
#if NDIS_SUPPORT_NDIS61
#define NDIS_HD_SPLIT_CAPS_SUPPORTS_HEADER_DATA_SPLIT 0x00000001
#define NDIS_HD_SPLIT_CAPS_SUPPORTS_IPV4_OPTIONS 0x00000002
#define NDIS_HD_SPLIT_CAPS_SUPPORTS_IPV6_EXTENSION_HEADERS 0x00000004
#define NDIS_HD_SPLIT_CAPS_SUPPORTS_TCP_OPTIONS 0x00000008
#define NDIS_HD_SPLIT_ENABLE_HEADER_DATA_SPLIT 0x00000001
#define NDIS_HD_SPLIT_COMBINE_ALL_HEADERS 0x00000001
#define NDIS_HD_SPLIT_CURRENT_CONFIG_REVISION_1 1
typedef struct _NDIS_HD_SPLIT_CURRENT_CONFIG {
    NDIS_OBJECT_HEADER Header;
    ULONG HardwareCapabilities;
    ULONG CurrentCapabilities;
    ULONG HDSplitFlags;
    ULONG HDSplitCombineFlags;
    ULONG BackfillSize;
    ULONG MaxHeaderSize;
} NDIS_HD_SPLIT_CURRENT_CONFIG, *PNDIS_HD_SPLIT_CURRENT_CONFIG;
#define NDIS_SIZEOF_HD_SPLIT_CURRENT_CONFIG_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_HD_SPLIT_CURRENT_CONFIG, MaxHeaderSize)
C_ASSERT(sizeof(NDIS_HD_SPLIT_CURRENT_CONFIG) == 0x1C);
#endif

OPENNDIS_EXTERN_C_END

/* ---- layout checks against the Windows x64 ABI (offsets from the PDB type dumps) --------- */
C_ASSERT(sizeof(NDIS_TCP_IP_CHECKSUM_OFFLOAD) == 0x20);
C_ASSERT(offsetof(NDIS_TCP_IP_CHECKSUM_OFFLOAD, IPv4Receive) == 0x08);
C_ASSERT(offsetof(NDIS_TCP_IP_CHECKSUM_OFFLOAD, IPv6Transmit) == 0x10);
C_ASSERT(offsetof(NDIS_TCP_IP_CHECKSUM_OFFLOAD, IPv6Receive) == 0x18);
C_ASSERT(sizeof(NDIS_TCP_LARGE_SEND_OFFLOAD_V1) == 0x10);
C_ASSERT(offsetof(NDIS_TCP_LARGE_SEND_OFFLOAD_V1, IPv4.MinSegmentCount) == 0x08);
C_ASSERT(sizeof(NDIS_TCP_LARGE_SEND_OFFLOAD_V2) == 0x1C);
C_ASSERT(offsetof(NDIS_TCP_LARGE_SEND_OFFLOAD_V2, IPv6) == 0x0C);
C_ASSERT(offsetof(NDIS_TCP_LARGE_SEND_OFFLOAD_V2, IPv6.MinSegmentCount) == 0x14);
C_ASSERT(sizeof(NDIS_IPSEC_OFFLOAD_V1) == 0x1C);
C_ASSERT(offsetof(NDIS_IPSEC_OFFLOAD_V1, IPv4AH) == 0x14 && offsetof(NDIS_IPSEC_OFFLOAD_V1, IPv4ESP) == 0x18);

C_ASSERT(offsetof(NDIS_OFFLOAD, Checksum) == 0x04);
C_ASSERT(offsetof(NDIS_OFFLOAD, LsoV1) == 0x24);
C_ASSERT(offsetof(NDIS_OFFLOAD, IPsecV1) == 0x34);
C_ASSERT(offsetof(NDIS_OFFLOAD, LsoV2) == 0x50);
C_ASSERT(offsetof(NDIS_OFFLOAD, Flags) == 0x6C);
C_ASSERT(NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1 == 0x70);
C_ASSERT(NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1 == 0x14);
C_ASSERT(offsetof(NDIS_OFFLOAD_PARAMETERS, TcpConnectionIPv6) == 0x0E);
C_ASSERT(offsetof(NDIS_OFFLOAD_PARAMETERS, Flags) == 0x10);
C_ASSERT(sizeof(NDIS_OFFLOAD_ENCAPSULATION) == 0x1C && NDIS_SIZEOF_OFFLOAD_ENCAPSULATION_REVISION_1 == 0x1C);
C_ASSERT(offsetof(NDIS_OFFLOAD_ENCAPSULATION, IPv4) == 0x04 && offsetof(NDIS_OFFLOAD_ENCAPSULATION, IPv6) == 0x10);
C_ASSERT(sizeof(NDIS_TCP_CONNECTION_OFFLOAD) == 0x14 && NDIS_SIZEOF_TCP_CONNECTION_OFFLOAD_REVISION_1 == 0x14);
C_ASSERT(offsetof(NDIS_TCP_CONNECTION_OFFLOAD, TcpConnectionOffloadCapacity) == 0x0C);
C_ASSERT(sizeof(NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO) == sizeof(PVOID));
C_ASSERT(sizeof(NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO) == sizeof(PVOID));
#if NDIS_SUPPORT_NDIS61
C_ASSERT(sizeof(NDIS_IPSEC_OFFLOAD_V2) == 0x20);
C_ASSERT(offsetof(NDIS_IPSEC_OFFLOAD_V2, ExtendedSequenceNumbers) == 0x0E);
C_ASSERT(offsetof(NDIS_IPSEC_OFFLOAD_V2, UdpEsp) == 0x10);
C_ASSERT(offsetof(NDIS_IPSEC_OFFLOAD_V2, SaOffloadCapacity) == 0x1C);
C_ASSERT(offsetof(NDIS_OFFLOAD, IPsecV2) == 0x70 && NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2 == 0x90);
C_ASSERT(offsetof(NDIS_OFFLOAD_PARAMETERS, IPsecV2) == 0x14 && NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2 == 0x16);
#endif
#if NDIS_SUPPORT_NDIS630
C_ASSERT(sizeof(NDIS_TCP_RECV_SEG_COALESCE_OFFLOAD) == 2);
C_ASSERT(sizeof(NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD) == 8);
C_ASSERT(offsetof(NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD, MaxHeaderSizeSupported) == 4);
C_ASSERT(offsetof(NDIS_OFFLOAD, Rsc) == 0x90);
C_ASSERT(offsetof(NDIS_OFFLOAD, EncapsulatedPacketTaskOffloadGre) == 0x94);
C_ASSERT(NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_3 == 0x9C);
C_ASSERT(offsetof(NDIS_OFFLOAD_PARAMETERS, RscIPv4) == 0x16);
C_ASSERT(offsetof(NDIS_OFFLOAD_PARAMETERS, EncapsulatedPacketTaskOffload) == 0x18);
C_ASSERT(NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_3 == 0x1A);
C_ASSERT(sizeof(NDIS_TCP_SEND_OFFLOADS_SUPPLEMENTAL_NET_BUFFER_LIST_INFO) == sizeof(PVOID));
C_ASSERT(sizeof(NDIS_RSC_NBL_INFO) == sizeof(PVOID) && offsetof(NDIS_RSC_NBL_INFO, Info.DupAckCount) == 2);
C_ASSERT(sizeof(NDIS_RSC_STATISTICS_INFO) == 0x28 && NDIS_SIZEOF_RSC_STATISTICS_REVISION_1 == 0x28);
C_ASSERT(offsetof(NDIS_RSC_STATISTICS_INFO, CoalescedPkts) == 0x08);
C_ASSERT(offsetof(NDIS_RSC_STATISTICS_INFO, Aborts) == 0x20);
#endif
#if NDIS_SUPPORT_NDIS650
C_ASSERT(sizeof(NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_V2) == 0x14);
C_ASSERT(offsetof(NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_V2, EncapsulationProtocolInfo) == 0x08);
C_ASSERT(offsetof(NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_V2, Reserved2) == 0x10);
C_ASSERT(RTL_FIELD_SIZE(NDIS_ENCAPSULATED_PACKET_TASK_OFFLOAD_V2, EncapsulationProtocolInfo) == 4);
C_ASSERT(offsetof(NDIS_OFFLOAD, EncapsulatedPacketTaskOffloadVxlan) == 0x9C);
C_ASSERT(offsetof(NDIS_OFFLOAD, EncapsulationTypes) == 0xB0 && NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_4 == 0xB1);
C_ASSERT(offsetof(NDIS_OFFLOAD_PARAMETERS, EncapsulationProtocolParameters) == 0x1C);
C_ASSERT(NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_4 == 0x20);
#endif
#if NDIS_SUPPORT_NDIS670
C_ASSERT(sizeof(NDIS_RFC6877_464XLAT_OFFLOAD) == 8);
C_ASSERT(offsetof(NDIS_OFFLOAD, Rfc6877Xlat) == 0xB4 && NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_5 == 0xBC);
#endif
#if NDIS_SUPPORT_NDIS683
C_ASSERT(sizeof(NDIS_UDP_SEGMENTATION_OFFLOAD) == 0x1C);
C_ASSERT(offsetof(NDIS_UDP_SEGMENTATION_OFFLOAD, IPv6) == 0x0C);
C_ASSERT(offsetof(NDIS_UDP_SEGMENTATION_OFFLOAD, IPv6.MaxOffLoadSize) == 0x10);
C_ASSERT(offsetof(NDIS_OFFLOAD, UdpSegmentation) == 0xBC && NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_6 == 0xD8);
C_ASSERT(offsetof(NDIS_OFFLOAD_PARAMETERS, UdpSegmentation) == 0x20);
C_ASSERT(NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_5 == 0x22 && sizeof(NDIS_OFFLOAD_PARAMETERS) == 0x24);
C_ASSERT(sizeof(NDIS_UDP_SEGMENTATION_OFFLOAD_NET_BUFFER_LIST_INFO) == sizeof(PVOID));
#endif
#if NDIS_SUPPORT_NDIS685
C_ASSERT(NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_7 == 0xD8);
#endif
#if NDIS_SUPPORT_NDIS689
C_ASSERT(offsetof(NDIS_OFFLOAD, UdpRsc) == 0xD8 && NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_8 == 0xD9);
C_ASSERT(sizeof(NDIS_OFFLOAD) == 0xDC);
C_ASSERT(offsetof(NDIS_OFFLOAD_PARAMETERS, UdpRsc) == 0x22 && NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_6 == 0x23);
#endif

#endif /* OPENNDIS_NDIS_OFFLOAD_H */
