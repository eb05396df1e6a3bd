/* NDIS 6 protocol drivers, as far as a miniport that is also a protocol driver uses them
 * (NetKVM registers one to bind to its SR-IOV virtual function): the characteristics and
 * their handler role types, the bind and open parameters, network PnP events, and the calls.
 * OpenNDIS registers protocol drivers and checks their characteristics; it binds none of
 * them to an adapter, so their bind, open, send and OID calls are never reached here
 * (docs/headers.md). Written from the DDI reference pages. */
#ifndef OPENNDIS_NDIS_PROTOCOL_H
#define OPENNDIS_NDIS_PROTOCOL_H

#include <ndis/miniport.h>
#include <ndis/adapter.h>

OPENNDIS_EXTERN_C_BEGIN

/* ---- network PnP events (netpnp.h) ---- */

typedef enum _NET_DEVICE_POWER_STATE {
    NetDeviceStateUnspecified = 0,
    NetDeviceStateD0,
    NetDeviceStateD1,
    NetDeviceStateD2,
    NetDeviceStateD3,
    NetDeviceStateMaximum
} NET_DEVICE_POWER_STATE, *PNET_DEVICE_POWER_STATE;

typedef enum _NET_PNP_EVENT_CODE {
    NetEventSetPower,
    NetEventQueryPower,
    NetEventQueryRemoveDevice,
    NetEventCancelRemoveDevice,
    NetEventReconfigure,
    NetEventBindList,
    NetEventBindsComplete,
    NetEventPnPCapabilities,
    NetEventPause,
    NetEventRestart,
    NetEventPortActivation,
    NetEventPortDeactivation,
    NetEventIMReEnableDevice,
    NetEventNDKEnable,
    NetEventNDKDisable,
    NetEventFilterPreDetach,
    NetEventBindFailed,
    NetEventSwitchActivate,
    NetEventAllowBindsAbove,
    NetEventInhibitBindsAbove,
    NetEventAllowStart,
    NetEventRequirePause,
    NetEventUploadGftFlowEntries,
    NetEventMaximum
} NET_PNP_EVENT_CODE, *PNET_PNP_EVENT_CODE;

typedef struct _NET_PNP_EVENT {
    NET_PNP_EVENT_CODE NetEvent;
    PVOID Buffer;
    ULONG BufferLength;
    ULONG_PTR NdisReserved[4];
    ULONG_PTR TransportReserved[4];
    ULONG_PTR TdiReserved[4];
    ULONG_PTR TdiClientReserved[4];
} NET_PNP_EVENT, *PNET_PNP_EVENT;

#define NET_EVENT_HALT_MINIPORT_ON_LOW_POWER 0x00000001
#define NET_PNP_EVENT_NOTIFICATION_REVISION_1 1
#define NET_PNP_EVENT_NOTIFICATION_REVISION_2 2
typedef struct _NET_PNP_EVENT_NOTIFICATION {
    NDIS_OBJECT_HEADER Header;
    NDIS_PORT_NUMBER PortNumber;
    NET_PNP_EVENT NetPnPEvent;
    ULONG Flags;
#if NDIS_SUPPORT_NDIS630
    NDIS_NIC_SWITCH_ID SwitchId; /* revision 2 */
    NDIS_NIC_SWITCH_VPORT_ID VPortId;
#endif
} NET_PNP_EVENT_NOTIFICATION, *PNET_PNP_EVENT_NOTIFICATION;
#define NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NET_PNP_EVENT_NOTIFICATION, Flags)

/* ---- bind and open parameters ---- */

typedef ULONG NET_IF_COMPARTMENT_ID, *PNET_IF_COMPARTMENT_ID;
typedef USHORT NET_FRAME_TYPE, *PNET_FRAME_TYPE;

#define NDIS_BIND_PARAMETERS_REVISION_1 1
#define NDIS_BIND_PARAMETERS_REVISION_2 2
#define NDIS_BIND_PARAMETERS_REVISION_3 3
#define NDIS_BIND_PARAMETERS_REVISION_4 4
/* What NDIS tells a protocol driver about the adapter it binds to. Members NDIS 6.1 and later
 * added are pointers to their structures, declared here by tag where no header has them. */
typedef struct _NDIS_BIND_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    PNDIS_STRING ProtocolSection;
    PNDIS_STRING AdapterName;
    PDEVICE_OBJECT PhysicalDeviceObject;
    NDIS_MEDIUM MediaType;
    ULONG MtuSize;
    ULONG64 MaxXmitLinkSpeed;
    ULONG64 XmitLinkSpeed;
    ULONG64 MaxRcvLinkSpeed;
    ULONG64 RcvLinkSpeed;
    NDIS_MEDIA_CONNECT_STATE MediaConnectState;
    NDIS_MEDIA_DUPLEX_STATE MediaDuplexState;
    ULONG LookaheadSize;
    PNDIS_PNP_CAPABILITIES PowerManagementCapabilities;
    ULONG SupportedPacketFilters;
    ULONG MaxMulticastListSize;
    USHORT MacAddressLength;
    UCHAR CurrentMacAddress[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    NDIS_PHYSICAL_MEDIUM PhysicalMediumType;
    PNDIS_RECEIVE_SCALE_CAPABILITIES RcvScaleCapabilities;
    NET_LUID BoundIfNetluid;
    NET_IFINDEX BoundIfIndex;
    NET_LUID LowestIfNetluid;
    NET_IFINDEX LowestIfIndex;
    NET_IF_ACCESS_TYPE AccessType;
    NET_IF_DIRECTION_TYPE DirectionType;
    NET_IF_CONNECTION_TYPE ConnectionType;
    NET_IFTYPE IfType;
    BOOLEAN IfConnectorPresent;
    struct _NDIS_PORT *ActivePorts;
    ULONG DataBackFillSize;
    ULONG ContextBackFillSize;
    ULONG MacOptions;
    NET_IF_COMPARTMENT_ID CompartmentId;
    struct _NDIS_OFFLOAD *DefaultOffloadConfiguration;
    struct _NDIS_TCP_CONNECTION_OFFLOAD *TcpConnectionOffloadCapabilities;
    PNDIS_STRING BoundAdapterName;
#if NDIS_SUPPORT_NDIS61
    struct _NDIS_HD_SPLIT_CURRENT_CONFIG *HDSplitCurrentConfig; /* revision 2 */
#endif
#if NDIS_SUPPORT_NDIS620
    struct _NDIS_RECEIVE_FILTER_CAPABILITIES *ReceiveFilterCapabilities; /* revision 3 */
    PNDIS_PM_CAPABILITIES PowerManagementCapabilitiesEx;
    struct _NDIS_NIC_SWITCH_CAPABILITIES *NicSwitchCapabilities;
#endif
#if NDIS_SUPPORT_NDIS630
    BOOLEAN NDKEnabled; /* revision 4 */
    struct _NDIS_NDK_CAPABILITIES *NDKCapabilities;
    struct _NDIS_SRIOV_CAPABILITIES *SriovCapabilities;
    struct _NDIS_NIC_SWITCH_INFO_ARRAY *NicSwitchArray;
#endif
} NDIS_BIND_PARAMETERS, *PNDIS_BIND_PARAMETERS;
#define NDIS_SIZEOF_BIND_PARAMETERS_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_BIND_PARAMETERS, BoundAdapterName)

#define NDIS_OPEN_PARAMETERS_REVISION_1 1
typedef struct _NDIS_OPEN_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    PNDIS_STRING AdapterName;
    PNDIS_MEDIUM MediumArray;
    UINT MediumArraySize;
    PUINT SelectedMediumIndex;
    PNET_FRAME_TYPE FrameTypeArray;
    UINT FrameTypeArraySize;
} NDIS_OPEN_PARAMETERS, *PNDIS_OPEN_PARAMETERS;
#define NDIS_SIZEOF_OPEN_PARAMETERS_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_OPEN_PARAMETERS, FrameTypeArraySize)

/* ---- the protocol driver's handlers ---- */

typedef NDIS_STATUS PROTOCOL_BIND_ADAPTER_EX(NDIS_HANDLE ProtocolDriverContext, NDIS_HANDLE BindContext,
                                             PNDIS_BIND_PARAMETERS BindParameters);
typedef PROTOCOL_BIND_ADAPTER_EX(*BIND_HANDLER_EX);
typedef NDIS_STATUS PROTOCOL_UNBIND_ADAPTER_EX(NDIS_HANDLE UnbindContext, NDIS_HANDLE ProtocolBindingContext);
typedef PROTOCOL_UNBIND_ADAPTER_EX(*UNBIND_HANDLER_EX);
typedef VOID PROTOCOL_OPEN_ADAPTER_COMPLETE_EX(NDIS_HANDLE ProtocolBindingContext, NDIS_STATUS Status);
typedef PROTOCOL_OPEN_ADAPTER_COMPLETE_EX(*OPEN_ADAPTER_COMPLETE_HANDLER_EX);
typedef VOID PROTOCOL_CLOSE_ADAPTER_COMPLETE_EX(NDIS_HANDLE ProtocolBindingContext);
typedef PROTOCOL_CLOSE_ADAPTER_COMPLETE_EX(*CLOSE_ADAPTER_COMPLETE_HANDLER_EX);
typedef NDIS_STATUS PROTOCOL_NET_PNP_EVENT(NDIS_HANDLE ProtocolBindingContext,
                                           PNET_PNP_EVENT_NOTIFICATION NetPnPEventNotification);
typedef PROTOCOL_NET_PNP_EVENT(*NET_PNP_EVENT_HANDLER);
typedef VOID PROTOCOL_UNINSTALL(VOID);
typedef PROTOCOL_UNINSTALL(*UNINSTALL_PROTOCOL_HANDLER);
typedef VOID PROTOCOL_OID_REQUEST_COMPLETE(NDIS_HANDLE ProtocolBindingContext, PNDIS_OID_REQUEST OidRequest,
                                           NDIS_STATUS Status);
typedef PROTOCOL_OID_REQUEST_COMPLETE(*OID_REQUEST_COMPLETE_HANDLER);
typedef VOID PROTOCOL_DIRECT_OID_REQUEST_COMPLETE(NDIS_HANDLE ProtocolBindingContext, PNDIS_OID_REQUEST OidRequest,
                                                  NDIS_STATUS Status);
typedef PROTOCOL_DIRECT_OID_REQUEST_COMPLETE(*DIRECT_OID_REQUEST_COMPLETE_HANDLER);
typedef VOID PROTOCOL_STATUS_EX(NDIS_HANDLE ProtocolBindingContext, PNDIS_STATUS_INDICATION StatusIndication);
typedef PROTOCOL_STATUS_EX(*STATUS_HANDLER_EX);
typedef VOID PROTOCOL_RECEIVE_NET_BUFFER_LISTS(NDIS_HANDLE ProtocolBindingContext, PNET_BUFFER_LIST NetBufferLists,
                                               NDIS_PORT_NUMBER PortNumber, ULONG NumberOfNetBufferLists,
                                               ULONG ReceiveFlags);
typedef PROTOCOL_RECEIVE_NET_BUFFER_LISTS(*RECEIVE_NET_BUFFER_LISTS_HANDLER);
typedef VOID PROTOCOL_SEND_NET_BUFFER_LISTS_COMPLETE(NDIS_HANDLE ProtocolBindingContext,
                                                     PNET_BUFFER_LIST NetBufferList, ULONG SendCompleteFlags);
typedef PROTOCOL_SEND_NET_BUFFER_LISTS_COMPLETE(*SEND_NET_BUFFER_LISTS_COMPLETE_HANDLER);

#define NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1 1
#define NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2 2
typedef struct _NDIS_PROTOCOL_DRIVER_CHARACTERISTICS {
    NDIS_OBJECT_HEADER Header;
    UCHAR MajorNdisVersion;
    UCHAR MinorNdisVersion;
    UCHAR MajorDriverVersion;
    UCHAR MinorDriverVersion;
    ULONG Flags;
    NDIS_STRING Name; /* the protocol's service name */
    SET_OPTIONS_HANDLER SetOptionsHandler;
    BIND_HANDLER_EX BindAdapterHandlerEx;
    UNBIND_HANDLER_EX UnbindAdapterHandlerEx;
    OPEN_ADAPTER_COMPLETE_HANDLER_EX OpenAdapterCompleteHandlerEx;
    CLOSE_ADAPTER_COMPLETE_HANDLER_EX CloseAdapterCompleteHandlerEx;
    NET_PNP_EVENT_HANDLER NetPnPEventHandler;
    UNINSTALL_PROTOCOL_HANDLER UninstallHandler;
    OID_REQUEST_COMPLETE_HANDLER OidRequestCompleteHandler;
    STATUS_HANDLER_EX StatusHandlerEx;
    RECEIVE_NET_BUFFER_LISTS_HANDLER ReceiveNetBufferListsHandler;
    SEND_NET_BUFFER_LISTS_COMPLETE_HANDLER SendNetBufferListsCompleteHandler;
    DIRECT_OID_REQUEST_COMPLETE_HANDLER DirectOidRequestCompleteHandler; /* revision 2 (NDIS 6.1) */
} NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, *PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS;
#define NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, SendNetBufferListsCompleteHandler)
#define NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, DirectOidRequestCompleteHandler)

/* the protocol numbers of NET_BUFFER_LIST_PROTOCOL_ID, beyond those nbl.h has */
#ifndef NDIS_PROTOCOL_ID_IP6
#define NDIS_PROTOCOL_ID_IP6 0x03
#endif

/* ---- the calls ---- */

/* Checks and records the characteristics; the handle is released by
 * NdisDeregisterProtocolDriver. No adapter is ever bound to it here. */
NDISAPI NDIS_STATUS NdisRegisterProtocolDriver(NDIS_HANDLE ProtocolDriverContext,
                                               PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS ProtocolCharacteristics,
                                               PNDIS_HANDLE NdisProtocolHandle);
NDISAPI VOID NdisDeregisterProtocolDriver(NDIS_HANDLE NdisProtocolHandle);
/* A binding's calls: only reachable from a bind handler, which is never called here. */
NDISAPI NDIS_STATUS NdisOpenAdapterEx(NDIS_HANDLE NdisProtocolHandle, NDIS_HANDLE ProtocolBindingContext,
                                      PNDIS_OPEN_PARAMETERS OpenParameters, NDIS_HANDLE BindContext,
                                      PNDIS_HANDLE NdisBindingHandle);
NDISAPI NDIS_STATUS NdisCloseAdapterEx(NDIS_HANDLE NdisBindingHandle);
NDISAPI VOID NdisCompleteBindAdapterEx(NDIS_HANDLE BindAdapterContext, NDIS_STATUS Status,
                                       NDIS_HANDLE ProtocolBindingContext);
NDISAPI VOID NdisCompleteUnbindAdapterEx(NDIS_HANDLE UnbindContext);
NDISAPI VOID NdisSendNetBufferLists(NDIS_HANDLE NdisBindingHandle, PNET_BUFFER_LIST NetBufferLists,
                                    NDIS_PORT_NUMBER PortNumber, ULONG SendFlags);
NDISAPI VOID NdisReturnNetBufferLists(NDIS_HANDLE NdisBindingHandle, PNET_BUFFER_LIST NetBufferLists,
                                      ULONG ReturnFlags);
NDISAPI NDIS_STATUS NdisOidRequest(NDIS_HANDLE NdisBindingHandle, PNDIS_OID_REQUEST OidRequest);

C_ASSERT(sizeof(NET_PNP_EVENT) == 0x98 && offsetof(NET_PNP_EVENT, NdisReserved) == 0x18);
C_ASSERT(offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, Name) == 0x10);
C_ASSERT(offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, SetOptionsHandler) == 0x20);
C_ASSERT(NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1 == 0x78);
C_ASSERT(NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2 == 0x80);
C_ASSERT(offsetof(NDIS_OPEN_PARAMETERS, FrameTypeArraySize) == 0x30);
C_ASSERT(offsetof(NET_PNP_EVENT_NOTIFICATION, NetPnPEvent) == 0x08);

OPENNDIS_EXTERN_C_END

#endif /* OPENNDIS_NDIS_PROTOCOL_H */
