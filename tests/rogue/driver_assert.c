/* ND1805 DriverAssertionFailed: a checked build (DBG=1) whose own ASSERT fails. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    ASSERT(RogueHandle == NULL); /* expect ND1805: rogue_driver_assert */
    return NDIS_STATUS_SUCCESS;
}
