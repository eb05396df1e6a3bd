/* ND1201 MemoryLeak: allocates driver-wide memory and never frees it. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    if (NdisAllocateMemoryWithTagPriority(RogueHandle, 64, 'kaeL', NormalPoolPriority) == NULL) { /* expect ND1201: rogue_memory_leak */
        NdisMDeregisterMiniportDriver(RogueHandle);
        return NDIS_STATUS_RESOURCES;
    }
    return NDIS_STATUS_SUCCESS;
}
