/* OpenNDIS: definitions NDIS shares with user mode: the versioned object header, its
 * type codes, OID and interface index types, media. Values from ntddndis.h's documented facts. */
#ifndef OPENNDIS_NTDDNDIS_H
#define OPENNDIS_NTDDNDIS_H

#include <ntdef.h>

/* Every NDIS 6 structure that crosses the boundary starts with this header; NDIS checks
 * Type, Revision and Size before it reads anything else. */
typedef struct _NDIS_OBJECT_HEADER {
    UCHAR Type;
    UCHAR Revision;
    USHORT Size;
} NDIS_OBJECT_HEADER, *PNDIS_OBJECT_HEADER;

#define NDIS_OBJECT_REVISION_1 1

#define NDIS_OBJECT_TYPE_DEFAULT                                       0x80
#define NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS                      0x81
#define NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION                            0x83
#define NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT                            0x84
#define NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES                      0x85
#define NDIS_OBJECT_TYPE_BIND_PARAMETERS                               0x86
#define NDIS_OBJECT_TYPE_OPEN_PARAMETERS                               0x87
#define NDIS_OBJECT_TYPE_RSS_CAPABILITIES                              0x88
#define NDIS_OBJECT_TYPE_RSS_PARAMETERS                                0x89
#define NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS               0x8A
#define NDIS_OBJECT_TYPE_FILTER_DRIVER_CHARACTERISTICS                 0x8B
#define NDIS_OBJECT_TYPE_FILTER_PARTIAL_CHARACTERISTICS                0x8C
#define NDIS_OBJECT_TYPE_FILTER_ATTRIBUTES                             0x8D
#define NDIS_OBJECT_TYPE_CLIENT_CHIMNEY_OFFLOAD_GENERIC_CHARACTERISTICS 0x8E
#define NDIS_OBJECT_TYPE_PROVIDER_CHIMNEY_OFFLOAD_GENERIC_CHARACTERISTICS 0x8F
#define NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS                   0x90
#define NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS                   0x91
#define NDIS_OBJECT_TYPE_MINIPORT_PNP_CHARACTERISTICS                  0x92
#define NDIS_OBJECT_TYPE_CLIENT_CHIMNEY_OFFLOAD_CHARACTERISTICS        0x93
#define NDIS_OBJECT_TYPE_PROVIDER_CHIMNEY_OFFLOAD_CHARACTERISTICS      0x94
#define NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS               0x95
#define NDIS_OBJECT_TYPE_REQUEST_EX                                    0x96
#define NDIS_OBJECT_TYPE_OID_REQUEST                                   0x96
#define NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS                         0x97
#define NDIS_OBJECT_TYPE_STATUS_INDICATION                             0x98
#define NDIS_OBJECT_TYPE_FILTER_ATTACH_PARAMETERS                      0x99
#define NDIS_OBJECT_TYPE_FILTER_PAUSE_PARAMETERS                       0x9A
#define NDIS_OBJECT_TYPE_FILTER_RESTART_PARAMETERS                     0x9B
#define NDIS_OBJECT_TYPE_PORT_CHARACTERISTICS                          0x9C
#define NDIS_OBJECT_TYPE_PORT_STATE                                    0x9D
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES      0x9E
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES           0x9F
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES           0xA0
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_NATIVE_802_11_ATTRIBUTES     0xA1
#define NDIS_OBJECT_TYPE_RESTART_GENERAL_ATTRIBUTES                    0xA2
#define NDIS_OBJECT_TYPE_PROTOCOL_RESTART_PARAMETERS                   0xA3
#define NDIS_OBJECT_TYPE_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES   0xA4
#define NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS             0xA5
#define NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS                   0xA6
#define NDIS_OBJECT_TYPE_OFFLOAD                                       0xA7
#define NDIS_OBJECT_TYPE_OFFLOAD_ENCAPSULATION                         0xA8
#define NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT                          0xA9
#define NDIS_OBJECT_TYPE_DRIVER_WRAPPER_OBJECT                         0xAA
#define NDIS_OBJECT_TYPE_HD_SPLIT_ATTRIBUTES                           0xAB
#define NDIS_OBJECT_TYPE_NSI_NETWORK_RW_STRUCT                         0xAC
#define NDIS_OBJECT_TYPE_NSI_COMPARTMENT_RW_STRUCT                     0xAD
#define NDIS_OBJECT_TYPE_NSI_INTERFACE_PERSIST_RW_STRUCT               0xAE
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES   0xAF
#define NDIS_OBJECT_TYPE_SHARED_MEMORY_PROVIDER_CHARACTERISTICS        0xB0
#define NDIS_OBJECT_TYPE_RSS_PROCESSOR_INFO                            0xB1
#define NDIS_OBJECT_TYPE_NDK_PROVIDER_CHARACTERISTICS                  0xB2
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_NDK_ATTRIBUTES               0xB3
#define NDIS_OBJECT_TYPE_MINIPORT_SS_CHARACTERISTICS                   0xB4
#define NDIS_OBJECT_TYPE_QOS_CAPABILITIES                              0xB5
#define NDIS_OBJECT_TYPE_QOS_PARAMETERS                                0xB6
#define NDIS_OBJECT_TYPE_QOS_CLASSIFICATION_ELEMENT                    0xB7
#define NDIS_OBJECT_TYPE_SWITCH_OPTIONAL_HANDLERS                      0xB8
#define NDIS_OBJECT_TYPE_PD_TRANSMIT_QUEUE                             0xBE
#define NDIS_OBJECT_TYPE_PD_RECEIVE_QUEUE                              0xBF
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_PACKET_DIRECT_ATTRIBUTES     0xC5
#define NDIS_OBJECT_TYPE_MINIPORT_DEVICE_POWER_NOTIFICATION            0xC6
#define NDIS_OBJECT_TYPE_RSS_PARAMETERS_V2                             0xC8
#define NDIS_OBJECT_TYPE_RSS_SET_INDIRECTION_ENTRIES                   0xC9

typedef ULONG NDIS_OID, *PNDIS_OID;
typedef ULONG NDIS_PORT_NUMBER, *PNDIS_PORT_NUMBER;
typedef ULONG NET_IFINDEX, *PNET_IFINDEX;
typedef USHORT NET_IFTYPE, *PNET_IFTYPE;

typedef union _NET_LUID_LH {
    ULONG64 Value;
    struct {
        ULONG64 Reserved : 24;
        ULONG64 NetLuidIndex : 24;
        ULONG64 IfType : 16;
    } Info;
} NET_LUID_LH, *PNET_LUID_LH, NET_LUID, *PNET_LUID, IF_LUID, *PIF_LUID;

/* A counted UTF-16 string of up to IF_MAX_STRING_SIZE characters (interface and VM names). */
#define IF_MAX_STRING_SIZE 256
typedef struct _IF_COUNTED_STRING_LH {
    USHORT Length; /* bytes */
    WCHAR String[IF_MAX_STRING_SIZE + 1];
} IF_COUNTED_STRING_LH, *PIF_COUNTED_STRING_LH, IF_COUNTED_STRING, *PIF_COUNTED_STRING;
typedef IF_COUNTED_STRING NDIS_IF_COUNTED_STRING, *PNDIS_IF_COUNTED_STRING;

typedef enum _NDIS_MEDIUM {
    NdisMedium802_3,
    NdisMedium802_5,
    NdisMediumFddi,
    NdisMediumWan,
    NdisMediumLocalTalk,
    NdisMediumDix,
    NdisMediumArcnetRaw,
    NdisMediumArcnet878_2,
    NdisMediumAtm,
    NdisMediumWirelessWan,
    NdisMediumIrda,
    NdisMediumBpc,
    NdisMediumCoWan,
    NdisMedium1394,
    NdisMediumInfiniBand,
    NdisMediumTunnel,
    NdisMediumNative802_11,
    NdisMediumLoopback,
    NdisMediumWiMAX,
    NdisMediumIP,
    NdisMediumMax
} NDIS_MEDIUM, *PNDIS_MEDIUM;

C_ASSERT(sizeof(NDIS_OBJECT_HEADER) == 4 && offsetof(NDIS_OBJECT_HEADER, Size) == 2);
C_ASSERT(sizeof(NET_LUID) == 8);

#endif /* OPENNDIS_NTDDNDIS_H */
