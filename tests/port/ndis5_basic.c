/* An NDIS 5.1 miniport's DriverEntry in its classic shape, for `openndis port`'s tests:
 * wrapper, characteristics, NdisMRegisterMiniport, NdisTerminateWrapper on failure, an unload
 * handler registered after the fact, and one failure after registration that forgets to
 * clean up. Expected diagnostics are the `expect` markers. */
#define NDIS51_MINIPORT 1 /* expect port-build-define */
#include <ndis.h>

NDIS_HANDLE NdisWrapperHandle;

NDIS_STATUS MPInitialize(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                         PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                         NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE WrapperConfigurationContext);
VOID MPHalt(NDIS_HANDLE MiniportAdapterContext);
NDIS_STATUS MPQueryInformation(NDIS_HANDLE Context, NDIS_OID Oid, PVOID Buffer, ULONG Length,
                               PULONG Written, PULONG Needed);
NDIS_STATUS MPSetInformation(NDIS_HANDLE Context, NDIS_OID Oid, PVOID Buffer, ULONG Length,
                             PULONG Read, PULONG Needed);
VOID MPSendPackets(NDIS_HANDLE Context, PPNDIS_PACKET PacketArray, UINT NumberOfPackets);
VOID MPUnload(PDRIVER_OBJECT DriverObject);
NTSTATUS CreateGlobals(void);

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status;
    NDIS_MINIPORT_CHARACTERISTICS MPChar; /* expect port-characteristics */

    NdisMInitializeWrapper(&NdisWrapperHandle, DriverObject, RegistryPath, NULL); /* expect port-initialize-wrapper */

    NdisZeroMemory(&MPChar, sizeof(MPChar));
    MPChar.MajorNdisVersion = 5; /* expect port-characteristics */
    MPChar.MinorNdisVersion = 1; /* expect port-characteristics */
    MPChar.InitializeHandler = MPInitialize; /* expect port-handler */
    MPChar.HaltHandler = MPHalt; /* expect port-handler */
    MPChar.QueryInformationHandler = MPQueryInformation; /* expect port-handler */
    MPChar.SetInformationHandler = MPSetInformation; /* expect port-handler */
    MPChar.SendPacketsHandler = MPSendPackets; /* expect port-handler */

    Status = NdisMRegisterMiniport(NdisWrapperHandle, &MPChar, sizeof(MPChar)); /* expect port-register-miniport port-required-handler */
    if (Status != NDIS_STATUS_SUCCESS) {
        NdisTerminateWrapper(NdisWrapperHandle, NULL); /* expect port-terminate-wrapper */
        return Status;
    }

    NdisMRegisterUnloadHandler(NdisWrapperHandle, MPUnload); /* expect port-unload-handler */

    if (!NT_SUCCESS(CreateGlobals()))
        return STATUS_INSUFFICIENT_RESOURCES; /* expect port-missing-deregister */

    return Status;
}
