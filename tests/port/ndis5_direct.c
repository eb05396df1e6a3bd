/* The registration's status tested where it is returned, with no variable: the failure branch
 * has nothing to undo, and the success path returns STATUS_SUCCESS. */
#include <ndis.h>

NDIS_HANDLE Wrapper;
MINIPORT_UNLOAD MPUnload;

VOID MPUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisMDeregisterMiniportDriver(Wrapper);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_CHARACTERISTICS Chars; /* expect port-characteristics */

    NdisMInitializeWrapper(&Wrapper, DriverObject, RegistryPath, NULL); /* expect port-initialize-wrapper */
    NdisZeroMemory(&Chars, sizeof(Chars));
    Chars.MajorNdisVersion = 6;
    if (NdisMRegisterMiniport(Wrapper, &Chars, sizeof(Chars)) != NDIS_STATUS_SUCCESS) { /* expect port-register-miniport port-required-handler */
        NdisTerminateWrapper(Wrapper, NULL); /* expect port-terminate-wrapper */
        return NDIS_STATUS_FAILURE;
    }
    NdisMRegisterUnloadHandler(Wrapper, MPUnload); /* expect port-unload-handler */
    return STATUS_SUCCESS;
}
