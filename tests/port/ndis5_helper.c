/* The registration lives in a routine DriverEntry calls, as in drivers that build for NDIS 5
 * and 6 from one tree; its unload handler deregisters already, through a loop. */
#include <ndis.h>

NDIS_HANDLE WrapperHandle;
NDIS_STATUS MPInitialize();
VOID MPHalt();
NDIS_STATUS StartTimers(void);

VOID MPUnload(PDRIVER_OBJECT DriverObject)
{
    for (int i = 0; i < 1; i++)
        UNREFERENCED_PARAMETER(DriverObject);
    NdisMDeregisterMiniportDriver(WrapperHandle);
}

static NDIS_STATUS RegisterMiniport(PVOID DriverObject, PVOID RegistryPath)
{
    NDIS_MINIPORT_CHARACTERISTICS Chars; /* expect port-characteristics */
    NDIS_STATUS Status;

    NdisMInitializeWrapper(&WrapperHandle, DriverObject, RegistryPath, NULL); /* expect port-initialize-wrapper */
    NdisZeroMemory(&Chars, sizeof(Chars));
    Chars.MajorNdisVersion = 6;
    Chars.MinorNdisVersion = 0;
    Chars.InitializeHandler = MPInitialize; /* expect port-handler */
    Chars.HaltHandler = MPHalt; /* expect port-handler */
    switch (Status = NdisMRegisterMiniport(WrapperHandle, &Chars, sizeof(Chars))) { /* expect port-register-miniport port-required-handler */
    case NDIS_STATUS_SUCCESS:
        break;
    default:
        NdisTerminateWrapper(WrapperHandle, NULL); /* expect port-terminate-wrapper */
        return Status;
    }
    NdisMRegisterUnloadHandler(WrapperHandle, MPUnload); /* expect port-unload-handler */
    Status = StartTimers();
    if (Status == NDIS_STATUS_PENDING)
        Status = NDIS_STATUS_SUCCESS;
    return Status; /* expect port-missing-deregister */
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return RegisterMiniport(DriverObject, RegistryPath);
}
