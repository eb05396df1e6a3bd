/* How real NDIS 6 miniport source is written: role-type declarations followed by plain
 * definitions, _Use_decl_annotations_, SAL everywhere, L"..." strings, pragmas, pool tags,
 * NdisZeroMemory, C_ASSERT, FORCEINLINE, old SAL 1 spellings. Must compile with gcc and
 * clang under -Wall -Wextra -Werror. */
#define NDIS630_MINIPORT 1
#include <ndis.h>

#define MP_TAG 'tseT'

typedef struct _MP_ADAPTER {
    LIST_ENTRY Link;
    NDIS_HANDLE AdapterHandle;
    ULONG64 Counters[4];
    DECLSPEC_ALIGN(16) UCHAR Scratch[32];
} MP_ADAPTER, *PMP_ADAPTER;

C_ASSERT(sizeof(ULONG) == 4);

DRIVER_INITIALIZE DriverEntry;
MINIPORT_SET_OPTIONS MPSetOptions;
MINIPORT_INITIALIZE MPInitializeEx;
MINIPORT_HALT MPHaltEx;
MINIPORT_UNLOAD MPDriverUnload;
MINIPORT_PAUSE MPPause;
MINIPORT_RESTART MPRestart;
MINIPORT_OID_REQUEST MPOidRequest;
MINIPORT_SEND_NET_BUFFER_LISTS MPSendNetBufferLists;
MINIPORT_RETURN_NET_BUFFER_LISTS MPReturnNetBufferLists;
MINIPORT_CANCEL_SEND MPCancelSend;
MINIPORT_CHECK_FOR_HANG MPCheckForHangEx;
MINIPORT_RESET MPResetEx;
MINIPORT_DEVICE_PNP_EVENT_NOTIFY MPDevicePnpEventNotify;
MINIPORT_SHUTDOWN MPShutdownEx;
MINIPORT_CANCEL_OID_REQUEST MPCancelOidRequest;
MINIPORT_DIRECT_OID_REQUEST MPDirectOidRequest;
MINIPORT_CANCEL_DIRECT_OID_REQUEST MPCancelDirectOidRequest;

#pragma NDIS_INIT_FUNCTION(DriverEntry)
#pragma NDIS_PAGEABLE_FUNCTION(MPHaltEx)
#pragma warning(disable : 4201)

NDIS_HANDLE GlobalDriverHandle;
static const NDIS_STRING DeviceName = NDIS_STRING_CONST("\\Device\\Test");
static const UNICODE_STRING Keyword = RTL_CONSTANT_STRING(L"NetworkAddress");

static FORCEINLINE ULONG Twice(_In_ ULONG Value)
{
    return Value * 2;
}

_Use_decl_annotations_
NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS MPChar;
    UNICODE_STRING Copy;

    PAGED_CODE();
    RtlInitUnicodeString(&Copy, L"sample");
    DbgPrint("DriverEntry %wZ %ws %lu\n", RegistryPath, DeviceName.Buffer, Twice(Keyword.Length));
    NdisZeroMemory(&MPChar, sizeof(MPChar));
    MPChar.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    MPChar.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    MPChar.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    MPChar.MajorNdisVersion = NDIS_MINIPORT_MAJOR_VERSION;
    MPChar.MinorNdisVersion = NDIS_MINIPORT_MINOR_VERSION;
    MPChar.SetOptionsHandler = MPSetOptions;
    MPChar.InitializeHandlerEx = MPInitializeEx;
    MPChar.HaltHandlerEx = MPHaltEx;
    MPChar.UnloadHandler = MPDriverUnload;
    MPChar.PauseHandler = MPPause;
    MPChar.RestartHandler = MPRestart;
    MPChar.OidRequestHandler = MPOidRequest;
    MPChar.SendNetBufferListsHandler = MPSendNetBufferLists;
    MPChar.ReturnNetBufferListsHandler = MPReturnNetBufferLists;
    MPChar.CancelSendHandler = MPCancelSend;
    MPChar.CheckForHangHandlerEx = MPCheckForHangEx;
    MPChar.ResetHandlerEx = MPResetEx;
    MPChar.DevicePnPEventNotifyHandler = MPDevicePnpEventNotify;
    MPChar.ShutdownHandlerEx = MPShutdownEx;
    MPChar.CancelOidRequestHandler = MPCancelOidRequest;
#if NDIS_SUPPORT_NDIS61
    MPChar.DirectOidRequestHandler = MPDirectOidRequest;
    MPChar.CancelDirectOidRequestHandler = MPCancelDirectOidRequest;
#endif
    Status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, (PNDIS_HANDLE)NULL, &MPChar,
                                         &GlobalDriverHandle);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    return NDIS_STATUS_SUCCESS;
}

_Use_decl_annotations_
NDIS_STATUS MPSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext)
{
    UNREFERENCED_PARAMETER(NdisDriverHandle);
    UNREFERENCED_PARAMETER(DriverContext);
    return NDIS_STATUS_SUCCESS;
}

_Use_decl_annotations_
NDIS_STATUS MPInitializeEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportDriverContext,
                           PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters)
{
    PMP_ADAPTER Adapter;
    UNREFERENCED_PARAMETER(MiniportDriverContext);
    UNREFERENCED_PARAMETER(MiniportInitParameters);
    Adapter = (PMP_ADAPTER)NdisAllocateMemoryWithTagPriority(MiniportAdapterHandle, sizeof(MP_ADAPTER),
                                                             MP_TAG, NormalPoolPriority);
    if (Adapter == NULL)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Adapter, sizeof(*Adapter));
    InitializeListHead(&Adapter->Link);
    NdisFreeMemory(Adapter, 0, 0);
    return NDIS_STATUS_FAILURE;
}

_Use_decl_annotations_
VOID MPHaltEx(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(HaltAction);
}

VOID MPDriverUnload(__in PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisMDeregisterMiniportDriver(GlobalDriverHandle);
}

_Use_decl_annotations_
NDIS_STATUS MPPause(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_PAUSE_PARAMETERS MiniportPauseParameters)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(MiniportPauseParameters);
    return NDIS_STATUS_SUCCESS;
}

_Use_decl_annotations_
NDIS_STATUS MPRestart(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_RESTART_PARAMETERS RestartParameters)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(RestartParameters);
    return NDIS_STATUS_SUCCESS;
}

_Use_decl_annotations_
NDIS_STATUS MPOidRequest(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST NdisRequest)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(NdisRequest);
    return NDIS_STATUS_NOT_SUPPORTED;
}

_Use_decl_annotations_
VOID MPSendNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists,
                          NDIS_PORT_NUMBER PortNumber, ULONG SendFlags)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(NetBufferLists);
    UNREFERENCED_PARAMETER(PortNumber);
    UNREFERENCED_PARAMETER(SendFlags);
}

_Use_decl_annotations_
VOID MPReturnNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists, ULONG ReturnFlags)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(NetBufferLists);
    UNREFERENCED_PARAMETER(ReturnFlags);
}

_Use_decl_annotations_
VOID MPCancelSend(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(CancelId);
}

_Use_decl_annotations_
BOOLEAN MPCheckForHangEx(NDIS_HANDLE MiniportAdapterContext)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    return FALSE;
}

_Use_decl_annotations_
NDIS_STATUS MPResetEx(NDIS_HANDLE MiniportAdapterContext, PBOOLEAN AddressingReset)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    *AddressingReset = FALSE;
    return NDIS_STATUS_SUCCESS;
}

_Use_decl_annotations_
VOID MPDevicePnpEventNotify(NDIS_HANDLE MiniportAdapterContext, PNET_DEVICE_PNP_EVENT NetDevicePnPEvent)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(NetDevicePnPEvent);
}

_Use_decl_annotations_
VOID MPShutdownEx(NDIS_HANDLE MiniportAdapterContext, NDIS_SHUTDOWN_ACTION ShutdownAction)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(ShutdownAction);
}

_Use_decl_annotations_
VOID MPCancelOidRequest(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(RequestId);
}

_Use_decl_annotations_
NDIS_STATUS MPDirectOidRequest(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST NdisRequest)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(NdisRequest);
    return NDIS_STATUS_NOT_SUPPORTED;
}

_Use_decl_annotations_
VOID MPCancelDirectOidRequest(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(RequestId);
}
