/* OpenNDIS: the structures that OID buffers, status indications and restart attributes
 * carry. Field order is the DDI reference's; layouts are the Windows x64 ones (checked at
 * the end against PDB-derived offsets). Revision n of a structure is "every field up to
 * the last one revision n added": NDIS_SIZEOF_*_REVISION_n, as in the WDK. */
#ifndef OPENNDIS_NDIS_OID_STRUCTS_H
#define OPENNDIS_NDIS_OID_STRUCTS_H

#include <ndis/oids.h>
#include <ndis/version.h>
#include <ndis/miniport.h> /* typedefs NDIS_RESTART_ATTRIBUTES, NDIS_PORT_AUTHENTICATION_PARAMETERS */

/* ---- OID_GEN_STATISTICS ------------------------------------------------------------ */
#define NDIS_STATISTICS_INFO_REVISION_1 1
typedef struct _NDIS_STATISTICS_INFO {
    NDIS_OBJECT_HEADER Header;  /* DEFAULT, REVISION_1, NDIS_SIZEOF_STATISTICS_INFO_REVISION_1 */
    ULONG SupportedStatistics;  /* NDIS_STATISTICS_FLAGS_VALID_* */
    ULONG64 ifInDiscards;
    ULONG64 ifInErrors;
    ULONG64 ifHCInOctets;
    ULONG64 ifHCInUcastPkts;
    ULONG64 ifHCInMulticastPkts;
    ULONG64 ifHCInBroadcastPkts;
    ULONG64 ifHCOutOctets;
    ULONG64 ifHCOutUcastPkts;
    ULONG64 ifHCOutMulticastPkts;
    ULONG64 ifHCOutBroadcastPkts;
    ULONG64 ifOutErrors;
    ULONG64 ifOutDiscards;
    ULONG64 ifHCInUcastOctets;
    ULONG64 ifHCInMulticastOctets;
    ULONG64 ifHCInBroadcastOctets;
    ULONG64 ifHCOutUcastOctets;
    ULONG64 ifHCOutMulticastOctets;
    ULONG64 ifHCOutBroadcastOctets;
} NDIS_STATISTICS_INFO, *PNDIS_STATISTICS_INFO;
#define NDIS_SIZEOF_STATISTICS_INFO_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_STATISTICS_INFO, ifHCOutBroadcastOctets)

/* ---- OID_GEN_LINK_STATE and the NDIS_STATUS_LINK_STATE indication -------------------- */
#define NDIS_LINK_STATE_REVISION_1 1
typedef struct _NDIS_LINK_STATE {
    NDIS_OBJECT_HEADER Header;  /* DEFAULT, REVISION_1, NDIS_SIZEOF_LINK_STATE_REVISION_1 */
    NDIS_MEDIA_CONNECT_STATE MediaConnectState;
    NDIS_MEDIA_DUPLEX_STATE MediaDuplexState;
    ULONG64 XmitLinkSpeed;      /* bits/s; NDIS_LINK_SPEED_UNKNOWN if not known */
    ULONG64 RcvLinkSpeed;
    NDIS_SUPPORTED_PAUSE_FUNCTIONS PauseFunctions;
    ULONG AutoNegotiationFlags; /* NDIS_LINK_STATE_*_AUTO_NEGOTIATED */
} NDIS_LINK_STATE, *PNDIS_LINK_STATE;
#define NDIS_SIZEOF_LINK_STATE_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_LINK_STATE, AutoNegotiationFlags)

/* ---- OID_GEN_LINK_PARAMETERS (set): what the link should be ------------------------- */
#define NDIS_LINK_PARAMETERS_REVISION_1 1
typedef struct _NDIS_LINK_PARAMETERS {
    NDIS_OBJECT_HEADER Header;  /* DEFAULT, REVISION_1, NDIS_SIZEOF_LINK_PARAMETERS_REVISION_1 */
    NDIS_MEDIA_DUPLEX_STATE MediaDuplexState;
    ULONG64 XmitLinkSpeed;
    ULONG64 RcvLinkSpeed;
    NDIS_SUPPORTED_PAUSE_FUNCTIONS PauseFunctions;
    ULONG AutoNegotiationFlags; /* a set bit: negotiate rather than use the value given */
} NDIS_LINK_PARAMETERS, *PNDIS_LINK_PARAMETERS;
#define NDIS_SIZEOF_LINK_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_LINK_PARAMETERS, AutoNegotiationFlags)

/* ---- OID_GEN_LINK_SPEED_EX and OID_GEN_MAX_LINK_SPEED (no header) -------------------- */
typedef struct _NDIS_LINK_SPEED {
    ULONG64 XmitLinkSpeed;
    ULONG64 RcvLinkSpeed;
} NDIS_LINK_SPEED, *PNDIS_LINK_SPEED;

/* ---- OID_GEN_INTERRUPT_MODERATION --------------------------------------------------- */
#define NDIS_INTERRUPT_MODERATION_PARAMETERS_REVISION_1 1
#define NDIS_INTERRUPT_MODERATION_CHANGE_NEEDS_RESET        0x00000001
#define NDIS_INTERRUPT_MODERATION_CHANGE_NEEDS_REINITIALIZE 0x00000002
typedef struct _NDIS_INTERRUPT_MODERATION_PARAMETERS {
    NDIS_OBJECT_HEADER Header;  /* DEFAULT, REVISION_1, ..._REVISION_1 size */
    ULONG Flags;                /* NDIS_INTERRUPT_MODERATION_CHANGE_* */
    NDIS_INTERRUPT_MODERATION InterruptModeration;
} NDIS_INTERRUPT_MODERATION_PARAMETERS, *PNDIS_INTERRUPT_MODERATION_PARAMETERS;
#define NDIS_SIZEOF_INTERRUPT_MODERATION_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_INTERRUPT_MODERATION_PARAMETERS, InterruptModeration)

/* ---- OID_PNP_CAPABILITIES (NDIS 6.0/6.1; no header) ----------------------------------- */
typedef struct _NDIS_PM_WAKE_UP_CAPABILITIES {
    NDIS_DEVICE_POWER_STATE MinMagicPacketWakeUp; /* Unspecified: cannot wake on it */
    NDIS_DEVICE_POWER_STATE MinPatternWakeUp;
    NDIS_DEVICE_POWER_STATE MinLinkChangeWakeUp;  /* reserved: NDIS ignores it */
} NDIS_PM_WAKE_UP_CAPABILITIES, *PNDIS_PM_WAKE_UP_CAPABILITIES;

typedef struct _NDIS_PNP_CAPABILITIES {
    ULONG Flags;                /* NDIS_DEVICE_WAKE_UP_ENABLE: set by NDIS, not the miniport */
    NDIS_PM_WAKE_UP_CAPABILITIES WakeUpCapabilities;
} NDIS_PNP_CAPABILITIES, *PNDIS_PNP_CAPABILITIES;

/* ---- power management capabilities and parameters (NDIS 6.20; 6.30 adds revision 2) --- */
#if NDIS_SUPPORT_NDIS620
#define NDIS_PM_CAPABILITIES_REVISION_1 1
#if NDIS_SUPPORT_NDIS630
#define NDIS_PM_CAPABILITIES_REVISION_2 2
#endif
typedef struct _NDIS_PM_CAPABILITIES {
    NDIS_OBJECT_HEADER Header;  /* DEFAULT, REVISION_n, NDIS_SIZEOF_NDIS_PM_CAPABILITIES_REVISION_n */
    ULONG Flags;                /* NDIS_PM_WAKE_PACKET_INDICATION_SUPPORTED, ... (6.30) */
    ULONG SupportedWoLPacketPatterns;
    ULONG NumTotalWoLPatterns;
    ULONG MaxWoLPatternSize;
    ULONG MaxWoLPatternOffset;
    ULONG MaxWoLPacketSaveBuffer;
    ULONG SupportedProtocolOffloads;
    ULONG NumArpOffloadIPv4Addresses;
    ULONG NumNSOffloadIPv6Addresses;
    NDIS_DEVICE_POWER_STATE MinMagicPacketWakeUp;
    NDIS_DEVICE_POWER_STATE MinPatternWakeUp;
    NDIS_DEVICE_POWER_STATE MinLinkChangeWakeUp;
#if NDIS_SUPPORT_NDIS630
    ULONG SupportedWakeUpEvents;     /* NDIS_PM_WAKE_ON_MEDIA_*_SUPPORTED */
    ULONG MediaSpecificWakeUpEvents; /* NDIS_WLAN_/NDIS_WWAN_WAKE_ON_*_SUPPORTED */
#endif
} NDIS_PM_CAPABILITIES, *PNDIS_PM_CAPABILITIES;
#define NDIS_SIZEOF_NDIS_PM_CAPABILITIES_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_PM_CAPABILITIES, MinLinkChangeWakeUp)
#if NDIS_SUPPORT_NDIS630
#define NDIS_SIZEOF_NDIS_PM_CAPABILITIES_REVISION_2 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_PM_CAPABILITIES, MediaSpecificWakeUpEvents)
#endif

/* OID_PM_PARAMETERS: what the protocol enabled out of the capabilities above */
#define NDIS_PM_PARAMETERS_REVISION_1 1
#if NDIS_SUPPORT_NDIS630
#define NDIS_PM_PARAMETERS_REVISION_2 2
#endif
typedef struct _NDIS_PM_PARAMETERS {
    NDIS_OBJECT_HEADER Header;  /* DEFAULT, REVISION_n, NDIS_SIZEOF_NDIS_PM_PARAMETERS_REVISION_n */
    ULONG EnabledWoLPacketPatterns;  /* NDIS_PM_WOL_*_ENABLED */
    ULONG EnabledProtocolOffloads;   /* NDIS_PM_PROTOCOL_OFFLOAD_*_ENABLED */
    ULONG WakeUpFlags;               /* NDIS_PM_WAKE_ON_*_ENABLED, NDIS_PM_SELECTIVE_SUSPEND_ENABLED */
#if NDIS_SUPPORT_NDIS630
    ULONG MediaSpecificWakeUpEvents; /* NDIS_WLAN_/NDIS_WWAN_WAKE_ON_*_ENABLED */
#endif
} NDIS_PM_PARAMETERS, *PNDIS_PM_PARAMETERS;
#define NDIS_SIZEOF_NDIS_PM_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_PM_PARAMETERS, WakeUpFlags)
#if NDIS_SUPPORT_NDIS630
#define NDIS_SIZEOF_NDIS_PM_PARAMETERS_REVISION_2 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_PM_PARAMETERS, MediaSpecificWakeUpEvents)
#endif
#endif /* NDIS_SUPPORT_NDIS620 */

/* ---- port authentication (OID_GEN_PORT_AUTHENTICATION_PARAMETERS, init parameters) --- */
typedef enum _NDIS_PORT_CONTROL_STATE {
    NdisPortControlStateUnknown = 0,
    NdisPortControlStateControlled = 1,
    NdisPortControlStateUncontrolled = 2
} NDIS_PORT_CONTROL_STATE, *PNDIS_PORT_CONTROL_STATE;
/* The WDK also spells it with two L's. */
typedef NDIS_PORT_CONTROL_STATE NDIS_PORT_CONTROLL_STATE, *PNDIS_PORT_CONTROLL_STATE;

typedef enum _NDIS_PORT_AUTHORIZATION_STATE {
    NdisPortAuthorizationUnknown = 0,
    NdisPortAuthorized = 1,
    NdisPortUnauthorized = 2,
    NdisPortReauthorizing = 3
} NDIS_PORT_AUTHORIZATION_STATE, *PNDIS_PORT_AUTHORIZATION_STATE;

/* The typedef NDIS_PORT_AUTHENTICATION_PARAMETERS comes from ndis/miniport.h. */
#define NDIS_PORT_AUTHENTICATION_PARAMETERS_REVISION_1 1
struct _NDIS_PORT_AUTHENTICATION_PARAMETERS {
    NDIS_OBJECT_HEADER Header;  /* DEFAULT, REVISION_1, ..._REVISION_1 size */
    NDIS_PORT_CONTROL_STATE SendControlState;
    NDIS_PORT_CONTROL_STATE RcvControlState;
    NDIS_PORT_AUTHORIZATION_STATE SendAuthorizationState; /* meaningful only when controlled */
    NDIS_PORT_AUTHORIZATION_STATE RcvAuthorizationState;
};
#define NDIS_SIZEOF_PORT_AUTHENTICATION_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_PORT_AUTHENTICATION_PARAMETERS, RcvAuthorizationState)

/* ---- restart attributes (MiniportRestart, FilterRestart, protocol restart) ----------- */
#define NDIS_RESTART_GENERAL_ATTRIBUTES_REVISION_1 1
#if NDIS_SUPPORT_NDIS620
#define NDIS_RESTART_GENERAL_ATTRIBUTES_REVISION_2 2
#endif
typedef struct _NDIS_RESTART_GENERAL_ATTRIBUTES {
    NDIS_OBJECT_HEADER Header;  /* RESTART_GENERAL_ATTRIBUTES; NDIS fills it */
    ULONG MtuSize;
    ULONG64 MaxXmitLinkSpeed;
    ULONG64 MaxRcvLinkSpeed;
    ULONG LookaheadSize;
    ULONG MacOptions;
    ULONG SupportedPacketFilters;
    ULONG MaxMulticastListSize;
    /* a PNDIS_RECEIVE_SCALE_CAPABILITIES; spelt as the struct so this header need not
     * own that typedef (ndis/adapter.h declares it) */
    struct _NDIS_RECEIVE_SCALE_CAPABILITIES *RecvScaleCapabilities;
    NET_IF_ACCESS_TYPE AccessType;
    ULONG Flags;                /* reserved */
    NET_IF_CONNECTION_TYPE ConnectionType;
    ULONG SupportedStatistics;
    ULONG DataBackFillSize;
    ULONG ContextBackFillSize;
    PNDIS_OID SupportedOidList;
    ULONG SupportedOidListLength; /* bytes */
#if NDIS_SUPPORT_NDIS620
    ULONG MaxLookaheadSizeAccessed;
#endif
} NDIS_RESTART_GENERAL_ATTRIBUTES, *PNDIS_RESTART_GENERAL_ATTRIBUTES;
#define NDIS_SIZEOF_RESTART_GENERAL_ATTRIBUTES_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RESTART_GENERAL_ATTRIBUTES, SupportedOidListLength)
#if NDIS_SUPPORT_NDIS620
#define NDIS_SIZEOF_RESTART_GENERAL_ATTRIBUTES_REVISION_2 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RESTART_GENERAL_ATTRIBUTES, MaxLookaheadSizeAccessed)
#endif

/* One entry of the restart attributes list; the typedef NDIS_RESTART_ATTRIBUTES comes from
 * ndis/miniport.h. Data is allocation-aligned (16 on x64) because it holds structures
 * such as NDIS_RESTART_GENERAL_ATTRIBUTES; DataLength bytes of it are valid. */
struct _NDIS_RESTART_ATTRIBUTES {
    PNDIS_RESTART_ATTRIBUTES Next;
    NDIS_OID Oid;               /* OID_GEN_MINIPORT_RESTART_ATTRIBUTES: general attributes */
    ULONG DataLength;
    DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) UCHAR Data[1];
};

/* ---- layout checks against the Windows x64 ABI -------------------------------------- */
C_ASSERT(offsetof(NDIS_STATISTICS_INFO, SupportedStatistics) == 0x04);
C_ASSERT(offsetof(NDIS_STATISTICS_INFO, ifInDiscards) == 0x08);
C_ASSERT(offsetof(NDIS_STATISTICS_INFO, ifHCInUcastOctets) == 0x68);
C_ASSERT(offsetof(NDIS_STATISTICS_INFO, ifHCOutBroadcastOctets) == 0x90);
C_ASSERT(NDIS_SIZEOF_STATISTICS_INFO_REVISION_1 == 152 && sizeof(NDIS_STATISTICS_INFO) == 152);

C_ASSERT(offsetof(NDIS_LINK_STATE, MediaDuplexState) == 0x08);
C_ASSERT(offsetof(NDIS_LINK_STATE, XmitLinkSpeed) == 0x10);
C_ASSERT(offsetof(NDIS_LINK_STATE, PauseFunctions) == 0x20);
C_ASSERT(NDIS_SIZEOF_LINK_STATE_REVISION_1 == 40 && sizeof(NDIS_LINK_STATE) == 40);

C_ASSERT(offsetof(NDIS_LINK_PARAMETERS, XmitLinkSpeed) == 0x08);
C_ASSERT(offsetof(NDIS_LINK_PARAMETERS, PauseFunctions) == 0x18);
C_ASSERT(NDIS_SIZEOF_LINK_PARAMETERS_REVISION_1 == 32 && sizeof(NDIS_LINK_PARAMETERS) == 32);

C_ASSERT(sizeof(NDIS_LINK_SPEED) == 16);

C_ASSERT(offsetof(NDIS_INTERRUPT_MODERATION_PARAMETERS, InterruptModeration) == 0x08);
C_ASSERT(NDIS_SIZEOF_INTERRUPT_MODERATION_PARAMETERS_REVISION_1 == 12);
C_ASSERT(sizeof(NDIS_INTERRUPT_MODERATION_PARAMETERS) == 12);

C_ASSERT(sizeof(NDIS_PM_WAKE_UP_CAPABILITIES) == 12);
C_ASSERT(offsetof(NDIS_PNP_CAPABILITIES, WakeUpCapabilities) == 0x04);
C_ASSERT(sizeof(NDIS_PNP_CAPABILITIES) == 16);

#if NDIS_SUPPORT_NDIS620
C_ASSERT(offsetof(NDIS_PM_CAPABILITIES, NumNSOffloadIPv6Addresses) == 0x24);
C_ASSERT(offsetof(NDIS_PM_CAPABILITIES, MinMagicPacketWakeUp) == 0x28);
C_ASSERT(NDIS_SIZEOF_NDIS_PM_CAPABILITIES_REVISION_1 == 0x34);
C_ASSERT(NDIS_SIZEOF_NDIS_PM_PARAMETERS_REVISION_1 == 0x10);
#if NDIS_SUPPORT_NDIS630
C_ASSERT(offsetof(NDIS_PM_CAPABILITIES, SupportedWakeUpEvents) == 0x34);
C_ASSERT(NDIS_SIZEOF_NDIS_PM_CAPABILITIES_REVISION_2 == 0x3C);
C_ASSERT(sizeof(NDIS_PM_CAPABILITIES) == 0x3C);
C_ASSERT(NDIS_SIZEOF_NDIS_PM_PARAMETERS_REVISION_2 == 0x14 && sizeof(NDIS_PM_PARAMETERS) == 0x14);
#endif
#endif

C_ASSERT(offsetof(NDIS_PORT_AUTHENTICATION_PARAMETERS, RcvAuthorizationState) == 0x10);
C_ASSERT(NDIS_SIZEOF_PORT_AUTHENTICATION_PARAMETERS_REVISION_1 == 20);
C_ASSERT(sizeof(NDIS_PORT_AUTHENTICATION_PARAMETERS) == 20);

C_ASSERT(offsetof(NDIS_RESTART_GENERAL_ATTRIBUTES, MaxXmitLinkSpeed) == 0x08);
C_ASSERT(offsetof(NDIS_RESTART_GENERAL_ATTRIBUTES, LookaheadSize) == 0x18);
C_ASSERT(offsetof(NDIS_RESTART_GENERAL_ATTRIBUTES, RecvScaleCapabilities) == 0x28);
C_ASSERT(offsetof(NDIS_RESTART_GENERAL_ATTRIBUTES, AccessType) == 0x30);
C_ASSERT(offsetof(NDIS_RESTART_GENERAL_ATTRIBUTES, SupportedStatistics) == 0x3C);
C_ASSERT(offsetof(NDIS_RESTART_GENERAL_ATTRIBUTES, SupportedOidList) == 0x48);
C_ASSERT(NDIS_SIZEOF_RESTART_GENERAL_ATTRIBUTES_REVISION_1 == 0x54);
C_ASSERT(sizeof(NDIS_RESTART_GENERAL_ATTRIBUTES) == 0x58);
#if NDIS_SUPPORT_NDIS620
C_ASSERT(NDIS_SIZEOF_RESTART_GENERAL_ATTRIBUTES_REVISION_2 == 0x58);
#endif

C_ASSERT(offsetof(NDIS_RESTART_ATTRIBUTES, Oid) == 0x08);
C_ASSERT(offsetof(NDIS_RESTART_ATTRIBUTES, DataLength) == 0x0C);
C_ASSERT(offsetof(NDIS_RESTART_ATTRIBUTES, Data) == 0x10 && sizeof(NDIS_RESTART_ATTRIBUTES) == 0x20);

/* NDIS_STATUS_OPER_STATUS (NDIS's indication to protocols): an interface's operational state */
typedef enum _NET_IF_OPER_STATUS {
    NET_IF_OPER_STATUS_UP = 1,
    NET_IF_OPER_STATUS_DOWN,
    NET_IF_OPER_STATUS_TESTING,
    NET_IF_OPER_STATUS_UNKNOWN,
    NET_IF_OPER_STATUS_DORMANT,
    NET_IF_OPER_STATUS_NOT_PRESENT,
    NET_IF_OPER_STATUS_LOWER_LAYER_DOWN
} NET_IF_OPER_STATUS, *PNET_IF_OPER_STATUS;
#define NET_IF_OPER_STATUS_DOWN_NOT_AUTHENTICATED 0x00000001
#define NET_IF_OPER_STATUS_DOWN_NOT_MEDIA_CONNECTED 0x00000002
#define NET_IF_OPER_STATUS_DORMANT_PAUSED 0x00000004
#define NET_IF_OPER_STATUS_DORMANT_LOW_POWER 0x00000008
#define NDIS_OPER_STATE_REVISION_1 1
typedef struct _NDIS_OPER_STATE {
    NDIS_OBJECT_HEADER Header;
    NET_IF_OPER_STATUS OperationalStatus;
    ULONG OperationalStatusFlags;
} NDIS_OPER_STATE, *PNDIS_OPER_STATE;
#define NDIS_SIZEOF_OPER_STATE_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_OPER_STATE, OperationalStatusFlags)
C_ASSERT(sizeof(NDIS_OPER_STATE) == 0x0C);

/* OID_GEN_NETWORK_LAYER_ADDRESSES: the protocol addresses bound to the adapter */
typedef struct _NETWORK_ADDRESS {
    USHORT AddressLength; /* of Address, in bytes */
    USHORT AddressType;   /* NDIS_PROTOCOL_ID_TCP_IP, ... */
    UCHAR Address[1];
} NETWORK_ADDRESS, *PNETWORK_ADDRESS;
typedef struct _NETWORK_ADDRESS_LIST {
    LONG AddressCount;  /* 0: clear the list of AddressType */
    USHORT AddressType;
    NETWORK_ADDRESS Address[1];
} NETWORK_ADDRESS_LIST, *PNETWORK_ADDRESS_LIST;
typedef struct _NETWORK_ADDRESS_IP {
    USHORT sin_port;
    ULONG in_addr;
    UCHAR sin_zero[8];
} NETWORK_ADDRESS_IP, *PNETWORK_ADDRESS_IP;
typedef struct _NETWORK_ADDRESS_IP6 {
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    USHORT sin6_addr[8];
    ULONG sin6_scope_id;
} NETWORK_ADDRESS_IP6, *PNETWORK_ADDRESS_IP6;
#define NETWORK_ADDRESS_LENGTH_IP sizeof(NETWORK_ADDRESS_IP)
#define NETWORK_ADDRESS_LENGTH_IP6 sizeof(NETWORK_ADDRESS_IP6)
C_ASSERT(sizeof(NETWORK_ADDRESS_LIST) == 12 && offsetof(NETWORK_ADDRESS_LIST, Address) == 6);
C_ASSERT(sizeof(NETWORK_ADDRESS_IP) == 16 && sizeof(NETWORK_ADDRESS_IP6) == 0x1C);

/* A wake-up pattern (OID_PNP_ADD_WAKE_UP_PATTERN): the mask follows the structure, the
 * pattern at PatternOffset from its start. */
typedef struct _NDIS_PM_PACKET_PATTERN {
    ULONG Priority;
    ULONG Reserved;
    ULONG MaskSize;
    ULONG PatternOffset;
    ULONG PatternSize;
    ULONG PatternFlags;
} NDIS_PM_PACKET_PATTERN, *PNDIS_PM_PACKET_PATTERN;

/* OID_GEN_SUPPORTED_GUIDS: a driver's custom WMI GUIDs, each mapped to a custom OID or to a
 * status it indicates (its .mof classes give the GUIDs and sizes). */
typedef struct _NDIS_GUID {
    GUID Guid;
    union {
        NDIS_OID Oid;
        NDIS_STATUS Status;
    };
    ULONG Size; /* of one data item; -1 for strings */
    ULONG Flags;
} NDIS_GUID, *PNDIS_GUID;

#define fNDIS_GUID_TO_OID 0x00000001
#define fNDIS_GUID_TO_STATUS 0x00000002
#define fNDIS_GUID_ANSI_STRING 0x00000004
#define fNDIS_GUID_UNICODE_STRING 0x00000008
#define fNDIS_GUID_ARRAY 0x00000010
#define fNDIS_GUID_ALLOW_READ 0x00000020
#define fNDIS_GUID_ALLOW_WRITE 0x00000040
#define fNDIS_GUID_METHOD 0x00000080
#define fNDIS_GUID_NDIS_RESERVED 0x00000100
#define fNDIS_GUID_SUPPORT_COMMON_HEADER 0x00000200

C_ASSERT(sizeof(NDIS_GUID) == 28 && offsetof(NDIS_GUID, Oid) == 16 && offsetof(NDIS_GUID, Flags) == 24);

#endif /* OPENNDIS_NDIS_OID_STRUCTS_H */
