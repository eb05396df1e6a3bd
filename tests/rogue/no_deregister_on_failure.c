/* ND1001 DeregisterOnDriverEntryFailure: registers, then fails DriverEntry without
 * NdisMDeregisterMiniportDriver. Expect DriverEntry status NDIS_STATUS_FAILURE. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) /* expect ND1001: rogue_no_deregister_on_failure */
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    /* Pretend something after registration failed ... and forget to deregister. */
    return NDIS_STATUS_FAILURE;
}
