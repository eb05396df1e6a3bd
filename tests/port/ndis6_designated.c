/* NDIS 6 characteristics written as a designated initializer, Wintun's style: every required
 * handler is there; the unload handler deregisters when a flag says it registered, and DriverEntry's
 * late failure cleans up through it, tap-windows6's style. Nothing to report. */
#define NDIS620_MINIPORT 1
#include <ndis.h>

NDIS_HANDLE DriverHandle;
BOOLEAN Registered;
NDIS_STATUS InitGlobals(void);
MINIPORT_INITIALIZE MPInitializeEx;
MINIPORT_HALT MPHaltEx;
MINIPORT_PAUSE MPPause;
MINIPORT_RESTART MPRestart;
MINIPORT_OID_REQUEST MPOidRequest;
MINIPORT_SEND_NET_BUFFER_LISTS MPSendNetBufferLists;
MINIPORT_RETURN_NET_BUFFER_LISTS MPReturnNetBufferLists;
MINIPORT_CANCEL_SEND MPCancelSend;
MINIPORT_DEVICE_PNP_EVENT_NOTIFY MPDevicePnPEventNotify;
MINIPORT_SHUTDOWN MPShutdownEx;
MINIPORT_CANCEL_OID_REQUEST MPCancelOidRequest;
MINIPORT_UNLOAD MPUnload;

VOID MPUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (Registered) { /* netvmini's style: a flag DriverEntry sets */
        NdisMDeregisterMiniportDriver(DriverHandle);
        Registered = FALSE;
    }
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars = {
        .Header = { .Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS,
                    .Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2,
                    .Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2 },
        .MajorNdisVersion = 6,
        .MinorNdisVersion = 20,
        .InitializeHandlerEx = MPInitializeEx,
        .HaltHandlerEx = MPHaltEx,
        .UnloadHandler = MPUnload,
        .PauseHandler = MPPause,
        .RestartHandler = MPRestart,
        .OidRequestHandler = MPOidRequest,
        .SendNetBufferListsHandler = MPSendNetBufferLists,
        .ReturnNetBufferListsHandler = MPReturnNetBufferLists,
        .CancelSendHandler = MPCancelSend,
        .DevicePnPEventNotifyHandler = MPDevicePnPEventNotify,
        .ShutdownHandlerEx = MPShutdownEx,
        .CancelOidRequestHandler = MPCancelOidRequest
    };

    Status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &DriverHandle);
    if (!NT_SUCCESS(Status))
        goto cleanup;
    Registered = TRUE;
    Status = InitGlobals();
    if (Status != NDIS_STATUS_SUCCESS) {
        MPUnload(DriverObject);
        goto cleanup;
    }
    return STATUS_SUCCESS;

cleanup:
    return Status;
}
