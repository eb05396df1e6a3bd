/* A driver half way through its port, the order the porting guide suggests: the handlers
 * already have their NDIS 6.0 signatures, DriverEntry is still NDIS 5.1. `openndis port --fix`
 * must turn it into a driver that builds against OpenNDIS and registers under `openndis info`
 * with no violation (tests/scripts/port_e2e.sh). Adapters are not brought up: only the
 * driver's registration and unload are exercised. */
#define NDIS51_MINIPORT 1 /* expect port-build-define */
#include <ndis.h>

NDIS_HANDLE NdisWrapperHandle;
static ULONG Globals;

MINIPORT_INITIALIZE MPInitializeEx;
MINIPORT_HALT MPHaltEx;
MINIPORT_PAUSE MPPause;
MINIPORT_RESTART MPRestart;
MINIPORT_OID_REQUEST MPOidRequest;
MINIPORT_CANCEL_OID_REQUEST MPCancelOidRequest;
MINIPORT_SEND_NET_BUFFER_LISTS MPSendNetBufferLists;
MINIPORT_RETURN_NET_BUFFER_LISTS MPReturnNetBufferLists;
MINIPORT_CANCEL_SEND MPCancelSend;
MINIPORT_DEVICE_PNP_EVENT_NOTIFY MPDevicePnPEventNotify;
MINIPORT_SHUTDOWN MPShutdownEx;

NDIS_STATUS MPInitializeEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportDriverContext,
                           PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters)
{
    UNREFERENCED_PARAMETER(MiniportAdapterHandle);
    UNREFERENCED_PARAMETER(MiniportDriverContext);
    UNREFERENCED_PARAMETER(MiniportInitParameters);
    return NDIS_STATUS_FAILURE; /* this fixture has no adapter to bring up */
}

VOID MPHaltEx(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(HaltAction);
}

NDIS_STATUS MPPause(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(PauseParameters);
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS MPRestart(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_RESTART_PARAMETERS RestartParameters)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(RestartParameters);
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS MPOidRequest(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST OidRequest)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(OidRequest);
    return NDIS_STATUS_NOT_SUPPORTED;
}

VOID MPCancelOidRequest(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(RequestId);
}

VOID MPSendNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists,
                          NDIS_PORT_NUMBER PortNumber, ULONG SendFlags)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(NetBufferLists);
    UNREFERENCED_PARAMETER(PortNumber);
    UNREFERENCED_PARAMETER(SendFlags);
}

VOID MPReturnNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists,
                            ULONG ReturnFlags)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(NetBufferLists);
    UNREFERENCED_PARAMETER(ReturnFlags);
}

VOID MPCancelSend(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(CancelId);
}

VOID MPDevicePnPEventNotify(NDIS_HANDLE MiniportAdapterContext, PNET_DEVICE_PNP_EVENT NetDevicePnPEvent)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(NetDevicePnPEvent);
}

VOID MPShutdownEx(NDIS_HANDLE MiniportAdapterContext, NDIS_SHUTDOWN_ACTION ShutdownAction)
{
    UNREFERENCED_PARAMETER(MiniportAdapterContext);
    UNREFERENCED_PARAMETER(ShutdownAction);
}

VOID MPUnload(PDRIVER_OBJECT DriverObject) /* expect port-unload-deregister */
{
    UNREFERENCED_PARAMETER(DriverObject);
    Globals = 0;
}

static NTSTATUS InitGlobals(void)
{
    Globals = 1;
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status;
    NDIS_MINIPORT_CHARACTERISTICS MPChar; /* expect port-characteristics */

    NdisMInitializeWrapper(&NdisWrapperHandle, DriverObject, RegistryPath, NULL); /* expect port-initialize-wrapper */

    NdisZeroMemory(&MPChar, sizeof(MPChar));
    MPChar.MajorNdisVersion = 5; /* expect port-characteristics */
    MPChar.MinorNdisVersion = 1; /* expect port-characteristics */
    MPChar.InitializeHandler = MPInitializeEx; /* expect port-handler */
    MPChar.HaltHandler = MPHaltEx; /* expect port-handler */
    MPChar.QueryInformationHandler = MPOidRequest; /* expect port-handler */
    MPChar.SetInformationHandler = MPOidRequest; /* expect port-handler */
    MPChar.SendPacketsHandler = MPSendNetBufferLists; /* expect port-handler */
    MPChar.ReturnPacketHandler = MPReturnNetBufferLists; /* expect port-handler */
    MPChar.CancelSendPacketsHandler = MPCancelSend; /* expect port-handler */
    MPChar.PnPEventNotifyHandler = MPDevicePnPEventNotify; /* expect port-handler */
    MPChar.AdapterShutdownHandler = MPShutdownEx; /* expect port-handler */

    Status = NdisMRegisterMiniport(NdisWrapperHandle, &MPChar, sizeof(MPChar)); /* expect port-register-miniport port-required-handler */
    if (Status != NDIS_STATUS_SUCCESS) {
        NdisTerminateWrapper(NdisWrapperHandle, NULL); /* expect port-terminate-wrapper */
        return Status;
    }
    NdisMRegisterUnloadHandler(NdisWrapperHandle, MPUnload); /* expect port-unload-handler */

    if (!NT_SUCCESS(InitGlobals())) {
        NdisTerminateWrapper(NdisWrapperHandle, NULL); /* expect port-terminate-wrapper */
        return STATUS_UNSUCCESSFUL;
    }
    return Status;
}
