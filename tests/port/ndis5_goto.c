/* DriverEntry with one cleanup label reached before registration, after a failed registration
 * and after a failure that follows a successful one; the wrapper handle is a local; no unload
 * handler at all. */
#define NDIS50_MINIPORT 1 /* expect port-build-define */
#include <ndis.h>

NDIS_STATUS AllocateGlobals(void);
NDIS_STATUS StartWorker(void);
NDIS_STATUS MPReset(PBOOLEAN AddressingReset, NDIS_HANDLE MiniportAdapterContext);
BOOLEAN MPIsr(PBOOLEAN QueueMiniportHandleInterrupt, NDIS_HANDLE MiniportAdapterContext);

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status;
    NDIS_HANDLE Wrapper;
    NDIS50_MINIPORT_CHARACTERISTICS Chars; /* expect port-characteristics */

    NdisMInitializeWrapper(&Wrapper, DriverObject, RegistryPath, NULL); /* expect port-initialize-wrapper */
    NdisZeroMemory(&Chars, sizeof(Chars));
    Chars.MajorNdisVersion = 5; /* expect port-characteristics */
    Chars.MinorNdisVersion = 0;
    Chars.ResetHandler = MPReset; /* expect port-handler */
    Chars.ISRHandler = MPIsr; /* expect port-handler */

    Status = AllocateGlobals();
    if (Status != NDIS_STATUS_SUCCESS)
        goto Exit;

    Status = NdisMRegisterMiniport(Wrapper, &Chars, sizeof(Chars)); /* expect port-register-miniport port-required-handler port-unload-handler */
    if (Status != NDIS_STATUS_SUCCESS)
        goto Exit;

    Status = StartWorker();
    if (Status != NDIS_STATUS_SUCCESS)
        goto Exit;

Exit:
    if (Status != NDIS_STATUS_SUCCESS)
        NdisTerminateWrapper(Wrapper, NULL); /* expect port-terminate-wrapper */
    return Status;
}
