/* An NDIS 5.1 DriverEntry. NDIS 6.0 eliminated every registration call it makes; OpenNDIS's
 * headers must reject it with messages that name NdisMRegisterMiniportDriver. */
#define NDIS51_MINIPORT 1
#include <ndis.h>

NDIS_HANDLE WrapperHandle;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status;
    NDIS_MINIPORT_CHARACTERISTICS Chars;

    NdisMInitializeWrapper(&WrapperHandle, DriverObject, RegistryPath, NULL);
    NdisZeroMemory(&Chars, sizeof(Chars));
    Status = NdisMRegisterMiniport(WrapperHandle, &Chars, sizeof(Chars));
    if (Status != NDIS_STATUS_SUCCESS) {
        NdisTerminateWrapper(WrapperHandle, NULL);
        return Status;
    }
    NdisMRegisterUnloadHandler(WrapperHandle, NULL);
    return NDIS_STATUS_SUCCESS;
}
