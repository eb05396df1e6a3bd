/* An NDIS 6 DriverEntry that still breaks the seed page: a failure after registration that
 * does not deregister, and an unload routine that can skip deregistration. */
#define NDIS60_MINIPORT 1
#include <ndis.h>

NDIS_HANDLE DriverHandle;
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
MINIPORT_UNLOAD DriverUnload;

VOID DriverUnload(PDRIVER_OBJECT DriverObject)
{
    if (DriverObject == NULL)
        return; /* expect port-unload-deregister */
    NdisMDeregisterMiniportDriver(DriverHandle);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;

    NdisZeroMemory(&Chars, sizeof(Chars));
    Chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    Chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    Chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    Chars.MajorNdisVersion = 6;
    Chars.MinorNdisVersion = 0;
    Chars.InitializeHandlerEx = MPInitializeEx;
    Chars.HaltHandlerEx = MPHaltEx;
    Chars.UnloadHandler = DriverUnload;
    Chars.PauseHandler = MPPause;
    Chars.RestartHandler = MPRestart;
    Chars.OidRequestHandler = MPOidRequest;
    Chars.SendNetBufferListsHandler = MPSendNetBufferLists;
    Chars.ReturnNetBufferListsHandler = MPReturnNetBufferLists;
    Chars.CancelSendHandler = MPCancelSend;
    Chars.DevicePnPEventNotifyHandler = MPDevicePnPEventNotify;
    Chars.ShutdownHandlerEx = MPShutdownEx;
    Chars.CancelOidRequestHandler = MPCancelOidRequest;

    Status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &DriverHandle);
    if (!NT_SUCCESS(Status))
        return Status;

    Status = InitGlobals();
    if (!NT_SUCCESS(Status))
        return Status; /* expect port-missing-deregister */
    return STATUS_SUCCESS;
}
