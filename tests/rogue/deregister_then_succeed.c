/* ND1005 DeregisterOutsideFailurePathOrUnload: deregisters in DriverEntry, then returns
 * success, so the driver stays loaded without a registration. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    NdisMDeregisterMiniportDriver(RogueHandle); /* expect ND1005: rogue_deregister_then_succeed */
    return NDIS_STATUS_SUCCESS;
}
