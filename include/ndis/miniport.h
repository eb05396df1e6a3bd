/* OpenNDIS: miniport driver registration: handler role types, the driver characteristics
 * in all three revisions, the parameters NDIS passes to the handlers, and the registration
 * calls. Layouts are the Windows x64 ones (checked at the end). */
#ifndef OPENNDIS_NDIS_MINIPORT_H
#define OPENNDIS_NDIS_MINIPORT_H

#include <wdm.h>
#include <ntddndis.h>
#include <ndis/status.h>
#include <ndis/version.h>

OPENNDIS_EXTERN_C_BEGIN

#define NDISAPI OPENNDIS_API
#define EXPORT

typedef PVOID NDIS_HANDLE, *PNDIS_HANDLE;
typedef UNICODE_STRING NDIS_STRING, *PNDIS_STRING;
typedef PHYSICAL_ADDRESS NDIS_PHYSICAL_ADDRESS, *PNDIS_PHYSICAL_ADDRESS;
/* The low and high halves (-1, -1 is the highest acceptable address). A compound literal,
 * so it serves as a static initializer (the WDK's use) and as an argument (NDIS 5 code's). */
#define NDIS_PHYSICAL_ADDRESS_CONST(Low, High) ((NDIS_PHYSICAL_ADDRESS){ { (ULONG)(Low), (LONG)(High) } })
#define NDIS_STRING_CONST(x) { sizeof(L##x) - 2, sizeof(L##x), (PWCH)L##x }

/* Objects the handlers receive; their full declarations come with the adapter area. */
typedef struct _NET_BUFFER_LIST NET_BUFFER_LIST, *PNET_BUFFER_LIST;
typedef struct _NDIS_OID_REQUEST NDIS_OID_REQUEST, *PNDIS_OID_REQUEST;
typedef struct _NET_DEVICE_PNP_EVENT NET_DEVICE_PNP_EVENT, *PNET_DEVICE_PNP_EVENT;
typedef struct _NDIS_RESTART_ATTRIBUTES NDIS_RESTART_ATTRIBUTES, *PNDIS_RESTART_ATTRIBUTES;
typedef struct _CM_PARTIAL_RESOURCE_LIST NDIS_RESOURCE_LIST, *PNDIS_RESOURCE_LIST;
typedef struct _NDIS_PORT_AUTHENTICATION_PARAMETERS NDIS_PORT_AUTHENTICATION_PARAMETERS,
    *PNDIS_PORT_AUTHENTICATION_PARAMETERS;
typedef struct _NDIS_PCI_DEVICE_CUSTOM_PROPERTIES NDIS_PCI_DEVICE_CUSTOM_PROPERTIES,
    *PNDIS_PCI_DEVICE_CUSTOM_PROPERTIES;

/* ---- parameters NDIS passes to the handlers ----------------------------------------- */
#define NDIS_MINIPORT_INIT_PARAMETERS_REVISION_1 1
typedef struct _NDIS_MINIPORT_INIT_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    PNDIS_RESOURCE_LIST AllocatedResources;
    NDIS_HANDLE IMDeviceInstanceContext;
    NDIS_HANDLE MiniportAddDeviceContext;
    NET_IFINDEX IfIndex;
    NET_LUID NetLuid;
    PNDIS_PORT_AUTHENTICATION_PARAMETERS DefaultPortAuthStates;
    PNDIS_PCI_DEVICE_CUSTOM_PROPERTIES PciDeviceCustomProperties;
} NDIS_MINIPORT_INIT_PARAMETERS, *PNDIS_MINIPORT_INIT_PARAMETERS;
#define NDIS_SIZEOF_MINIPORT_INIT_PARAMETER_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_INIT_PARAMETERS, PciDeviceCustomProperties)

#define NDIS_MINIPORT_PAUSE_PARAMETERS_REVISION_1 1
typedef struct _NDIS_MINIPORT_PAUSE_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG PauseReason;
} NDIS_MINIPORT_PAUSE_PARAMETERS, *PNDIS_MINIPORT_PAUSE_PARAMETERS;
#define NDIS_SIZEOF_MINIPORT_PAUSE_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_PAUSE_PARAMETERS, PauseReason)

#define NDIS_MINIPORT_RESTART_PARAMETERS_REVISION_1 1
typedef struct _NDIS_MINIPORT_RESTART_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    PNDIS_RESTART_ATTRIBUTES RestartAttributes;
    ULONG Flags;
} NDIS_MINIPORT_RESTART_PARAMETERS, *PNDIS_MINIPORT_RESTART_PARAMETERS;
#define NDIS_SIZEOF_MINIPORT_RESTART_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_RESTART_PARAMETERS, Flags)

typedef enum _NDIS_HALT_ACTION {
    NdisHaltDeviceDisabled,
    NdisHaltDeviceInstanceDeInitialized,
    NdisHaltDevicePoweredDown,
    NdisHaltDeviceSurpriseRemoved,
    NdisHaltDeviceFailed,
    NdisHaltDeviceInitializationFailed,
    NdisHaltDeviceStopped
} NDIS_HALT_ACTION, *PNDIS_HALT_ACTION;

typedef enum _NDIS_SHUTDOWN_ACTION {
    NdisShutdownPowerOff,
    NdisShutdownBugCheck
} NDIS_SHUTDOWN_ACTION, *PNDIS_SHUTDOWN_ACTION;

/* ---- handler role types: "MINIPORT_INITIALIZE MPInitializeEx;" declares a handler ---- */
typedef NDIS_STATUS(SET_OPTIONS)(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext);
typedef SET_OPTIONS(*SET_OPTIONS_HANDLER);
typedef SET_OPTIONS(MINIPORT_SET_OPTIONS);

typedef NDIS_STATUS(MINIPORT_INITIALIZE)(NDIS_HANDLE NdisMiniportHandle,
                                         NDIS_HANDLE MiniportDriverContext,
                                         PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters);
typedef MINIPORT_INITIALIZE(*MINIPORT_INITIALIZE_HANDLER);

typedef VOID(MINIPORT_HALT)(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction);
typedef MINIPORT_HALT(*MINIPORT_HALT_HANDLER);

typedef VOID(MINIPORT_UNLOAD)(PDRIVER_OBJECT DriverObject);
typedef MINIPORT_UNLOAD(*MINIPORT_DRIVER_UNLOAD);

typedef NDIS_STATUS(MINIPORT_PAUSE)(NDIS_HANDLE MiniportAdapterContext,
                                    PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters);
typedef MINIPORT_PAUSE(*MINIPORT_PAUSE_HANDLER);

typedef NDIS_STATUS(MINIPORT_RESTART)(NDIS_HANDLE MiniportAdapterContext,
                                      PNDIS_MINIPORT_RESTART_PARAMETERS RestartParameters);
typedef MINIPORT_RESTART(*MINIPORT_RESTART_HANDLER);

typedef NDIS_STATUS(MINIPORT_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext,
                                          PNDIS_OID_REQUEST OidRequest);
typedef MINIPORT_OID_REQUEST(*MINIPORT_OID_REQUEST_HANDLER);

typedef VOID(MINIPORT_SEND_NET_BUFFER_LISTS)(NDIS_HANDLE MiniportAdapterContext,
                                             PNET_BUFFER_LIST NetBufferList,
                                             NDIS_PORT_NUMBER PortNumber, ULONG SendFlags);
typedef MINIPORT_SEND_NET_BUFFER_LISTS(*MINIPORT_SEND_NET_BUFFER_LISTS_HANDLER);

typedef VOID(MINIPORT_RETURN_NET_BUFFER_LISTS)(NDIS_HANDLE MiniportAdapterContext,
                                               PNET_BUFFER_LIST NetBufferLists,
                                               ULONG ReturnFlags);
typedef MINIPORT_RETURN_NET_BUFFER_LISTS(*MINIPORT_RETURN_NET_BUFFER_LISTS_HANDLER);

typedef VOID(MINIPORT_CANCEL_SEND)(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId);
typedef MINIPORT_CANCEL_SEND(*MINIPORT_CANCEL_SEND_HANDLER);

typedef BOOLEAN(MINIPORT_CHECK_FOR_HANG)(NDIS_HANDLE MiniportAdapterContext);
typedef MINIPORT_CHECK_FOR_HANG(*MINIPORT_CHECK_FOR_HANG_HANDLER);

typedef NDIS_STATUS(MINIPORT_RESET)(NDIS_HANDLE MiniportAdapterContext,
                                    PBOOLEAN AddressingReset);
typedef MINIPORT_RESET(*MINIPORT_RESET_HANDLER);

typedef VOID(MINIPORT_DEVICE_PNP_EVENT_NOTIFY)(NDIS_HANDLE MiniportAdapterContext,
                                               PNET_DEVICE_PNP_EVENT NetDevicePnPEvent);
typedef MINIPORT_DEVICE_PNP_EVENT_NOTIFY(*MINIPORT_DEVICE_PNP_EVENT_NOTIFY_HANDLER);

typedef VOID(MINIPORT_SHUTDOWN)(NDIS_HANDLE MiniportAdapterContext,
                                NDIS_SHUTDOWN_ACTION ShutdownAction);
typedef MINIPORT_SHUTDOWN(*MINIPORT_SHUTDOWN_HANDLER);

typedef VOID(MINIPORT_CANCEL_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId);
typedef MINIPORT_CANCEL_OID_REQUEST(*MINIPORT_CANCEL_OID_REQUEST_HANDLER);

typedef NDIS_STATUS(MINIPORT_DIRECT_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext,
                                                 PNDIS_OID_REQUEST OidRequest);
typedef MINIPORT_DIRECT_OID_REQUEST(*MINIPORT_DIRECT_OID_REQUEST_HANDLER);

typedef VOID(MINIPORT_CANCEL_DIRECT_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext,
                                                 PVOID RequestId);
typedef MINIPORT_CANCEL_DIRECT_OID_REQUEST(*MINIPORT_CANCEL_DIRECT_OID_REQUEST_HANDLER);

typedef NDIS_STATUS(MINIPORT_SYNCHRONOUS_OID_REQUEST)(NDIS_HANDLE MiniportAdapterContext,
                                                      PNDIS_OID_REQUEST OidRequest);
typedef MINIPORT_SYNCHRONOUS_OID_REQUEST(*MINIPORT_SYNCHRONOUS_OID_REQUEST_HANDLER);

/* ---- the driver characteristics ----------------------------------------------------- */
#define NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 1
#if NDIS_SUPPORT_NDIS61
#define NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2 2
#endif
#if NDIS_SUPPORT_NDIS680
#define NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3 3
#endif

#define NDIS_INTERMEDIATE_DRIVER 0x00000001
#define NDIS_WDM_DRIVER 0x00000002
#define NDIS_DRIVER_FLAGS_RESERVED 0x00000008

typedef struct _NDIS_MINIPORT_DRIVER_CHARACTERISTICS {
    NDIS_OBJECT_HEADER Header;
    UCHAR MajorNdisVersion;
    UCHAR MinorNdisVersion;
    UCHAR MajorDriverVersion;
    UCHAR MinorDriverVersion;
    ULONG Flags;
    SET_OPTIONS_HANDLER SetOptionsHandler;
    MINIPORT_INITIALIZE_HANDLER InitializeHandlerEx;
    MINIPORT_HALT_HANDLER HaltHandlerEx;
    MINIPORT_DRIVER_UNLOAD UnloadHandler;
    MINIPORT_PAUSE_HANDLER PauseHandler;
    MINIPORT_RESTART_HANDLER RestartHandler;
    MINIPORT_OID_REQUEST_HANDLER OidRequestHandler;
    MINIPORT_SEND_NET_BUFFER_LISTS_HANDLER SendNetBufferListsHandler;
    MINIPORT_RETURN_NET_BUFFER_LISTS_HANDLER ReturnNetBufferListsHandler;
    MINIPORT_CANCEL_SEND_HANDLER CancelSendHandler;
    MINIPORT_CHECK_FOR_HANG_HANDLER CheckForHangHandlerEx;
    MINIPORT_RESET_HANDLER ResetHandlerEx;
    MINIPORT_DEVICE_PNP_EVENT_NOTIFY_HANDLER DevicePnPEventNotifyHandler;
    MINIPORT_SHUTDOWN_HANDLER ShutdownHandlerEx;
    MINIPORT_CANCEL_OID_REQUEST_HANDLER CancelOidRequestHandler;
#if NDIS_SUPPORT_NDIS61
    MINIPORT_DIRECT_OID_REQUEST_HANDLER DirectOidRequestHandler;
    MINIPORT_CANCEL_DIRECT_OID_REQUEST_HANDLER CancelDirectOidRequestHandler;
#endif
#if NDIS_SUPPORT_NDIS680
    MINIPORT_SYNCHRONOUS_OID_REQUEST_HANDLER SynchronousOidRequestHandler;
#endif
} NDIS_MINIPORT_DRIVER_CHARACTERISTICS, *PNDIS_MINIPORT_DRIVER_CHARACTERISTICS;

#define NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelOidRequestHandler)
#if NDIS_SUPPORT_NDIS61
#define NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelDirectOidRequestHandler)
#endif
#if NDIS_SUPPORT_NDIS680
#define NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, SynchronousOidRequestHandler)
#endif

/* ---- registration ------------------------------------------------------------------- */
NDISAPI NDIS_STATUS NdisMRegisterMiniportDriver(
    _In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath,
    _In_opt_ NDIS_HANDLE MiniportDriverContext,
    _In_ PNDIS_MINIPORT_DRIVER_CHARACTERISTICS MiniportDriverCharacteristics,
    _Out_ PNDIS_HANDLE NdisMiniportDriverHandle);
NDISAPI VOID NdisMDeregisterMiniportDriver(_In_ NDIS_HANDLE NdisMiniportDriverHandle);

/* Version of the NDIS library: major in the high word, minor in the low word. */
NDISAPI UINT NdisGetVersion(VOID);

/* Asks NDIS to remove the adapter (a failed device): OpenNDIS removes none, and says so. */
NDISAPI NDIS_STATUS NdisMRemoveMiniport(NDIS_HANDLE MiniportAdapterHandle);
/* An event log entry: OpenNDIS prints it, with the code's name and the values. */
NDISAPI VOID NdisWriteErrorLogEntry(NDIS_HANDLE NdisAdapterHandle, ULONG ErrorCode, ULONG NumberOfErrorValues, ...);

/* NdisMIndicateReceiveNetBufferLists from an interrupt DPC (6.20): how many to indicate now */
#define NDIS_INDICATE_ALL_NBLS ((ULONG)~0u) /* ~0ul in the WDK, where a long has 32 bits */
typedef struct _NDIS_RECEIVE_THROTTLE_PARAMETERS {
    ULONG MaxNblsToIndicate;
    ULONG MoreNblsPending : 1;
} NDIS_RECEIVE_THROTTLE_PARAMETERS, *PNDIS_RECEIVE_THROTTLE_PARAMETERS;
C_ASSERT(sizeof(NDIS_RECEIVE_THROTTLE_PARAMETERS) == 8);

OPENNDIS_EXTERN_C_END

/* ---- layout checks against the Windows x64 ABI -------------------------------------- */
C_ASSERT(offsetof(NDIS_MINIPORT_INIT_PARAMETERS, AllocatedResources) == 0x08);
C_ASSERT(offsetof(NDIS_MINIPORT_INIT_PARAMETERS, IfIndex) == 0x20);
C_ASSERT(offsetof(NDIS_MINIPORT_INIT_PARAMETERS, NetLuid) == 0x28);
C_ASSERT(offsetof(NDIS_MINIPORT_INIT_PARAMETERS, PciDeviceCustomProperties) == 0x38);
C_ASSERT(sizeof(NDIS_MINIPORT_INIT_PARAMETERS) == 0x40);
C_ASSERT(sizeof(NDIS_MINIPORT_PAUSE_PARAMETERS) == 0x0C);
C_ASSERT(offsetof(NDIS_MINIPORT_RESTART_PARAMETERS, Flags) == 0x10);
C_ASSERT(offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, Flags) == 0x08);
C_ASSERT(offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, SetOptionsHandler) == 0x10);
C_ASSERT(offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, InitializeHandlerEx) == 0x18);
C_ASSERT(offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, UnloadHandler) == 0x28);
C_ASSERT(offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, OidRequestHandler) == 0x40);
C_ASSERT(offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelSendHandler) == 0x58);
C_ASSERT(offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CheckForHangHandlerEx) == 0x60);
C_ASSERT(offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, DevicePnPEventNotifyHandler) == 0x70);
C_ASSERT(offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelOidRequestHandler) == 0x80);
C_ASSERT(NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 == 0x88);
#if NDIS_SUPPORT_NDIS61
C_ASSERT(offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, DirectOidRequestHandler) == 0x88);
C_ASSERT(NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2 == 0x98);
#endif
#if NDIS_SUPPORT_NDIS680
C_ASSERT(NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3 == 0xA0);
C_ASSERT(sizeof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS) == 0xA0);
#endif

#endif /* OPENNDIS_NDIS_MINIPORT_H */
