/* An NDIS 5.1 DriverEntry that fails after NdisMRegisterMiniport succeeded, on paths whose
 * conditions are not status tests: a flag set through its address (inside a macro), a
 * comparison with TRUE, a counter changed with ++. No NdisTerminateWrapper on those paths:
 * each needs port-missing-deregister and its fix-it (issue 14 #4). */
#define NDIS51_MINIPORT 1 /* expect port-build-define */
#include <ndis.h>

NDIS_HANDLE NdisWrapperHandle;
BOOLEAN ForceFailure;

NDIS_STATUS MPInitialize(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                         PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                         NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE WrapperConfigurationContext);
VOID MPHalt(NDIS_HANDLE MiniportAdapterContext);
VOID MPUnload(PDRIVER_OBJECT DriverObject);
VOID ProbeHardware(PBOOLEAN Missing);

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status;
    NDIS_MINIPORT_CHARACTERISTICS MPChar; /* expect port-characteristics */
    BOOLEAN Missing = FALSE;
    ULONG Attempts = 0;

    NdisMInitializeWrapper(&NdisWrapperHandle, DriverObject, RegistryPath, NULL); /* expect port-initialize-wrapper */
    NdisZeroMemory(&MPChar, sizeof(MPChar));
    MPChar.MajorNdisVersion = 5; /* expect port-characteristics */
    MPChar.MinorNdisVersion = 1; /* expect port-characteristics */
    MPChar.InitializeHandler = MPInitialize; /* expect port-handler */
    MPChar.HaltHandler = MPHalt; /* expect port-handler */

    Status = NdisMRegisterMiniport(NdisWrapperHandle, &MPChar, sizeof(MPChar)); /* expect port-register-miniport port-required-handler */
    if (Status != NDIS_STATUS_SUCCESS) {
        NdisTerminateWrapper(NdisWrapperHandle, NULL); /* expect port-terminate-wrapper */
        return Status;
    }
    NdisMRegisterUnloadHandler(NdisWrapperHandle, MPUnload); /* expect port-unload-handler */

    NdisZeroMemory(&Missing, sizeof(Missing));
    ProbeHardware(&Missing);
    if (Missing)
        return NDIS_STATUS_FAILURE; /* expect port-missing-deregister */
    if (ForceFailure == TRUE)
        return NDIS_STATUS_FAILURE; /* expect port-missing-deregister */
    Attempts++;
    if (Attempts > 1)
        return NDIS_STATUS_FAILURE; /* expect port-missing-deregister */
    return NDIS_STATUS_SUCCESS;
}
