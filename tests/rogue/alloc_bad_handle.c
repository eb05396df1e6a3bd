/* ND1204 InvalidNdisHandle: allocates with the DRIVER_OBJECT instead of the NDIS handle. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    if (NdisAllocateMemoryWithTagPriority(DriverObject, 16, 'ldnH', NormalPoolPriority) != NULL) /* expect ND1204: rogue_alloc_bad_handle */
        return NDIS_STATUS_SUCCESS; /* unreachable when the rule holds */
    return NDIS_STATUS_SUCCESS;
}
