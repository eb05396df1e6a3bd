/* ND1201 MemoryLeak, only on an error path: DriverEntry allocates two blocks and, when the
 * second allocation fails, deregisters and returns without freeing the first. The clean run
 * is clean; the sweep step that fails the second allocation finds the leak. Fast (no
 * adapter), so the sharding test uses it. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    PVOID First = NdisAllocateMemoryWithTagPriority(RogueHandle, 64, 'tsrF', NormalPoolPriority); /* expect-sweep ND1201: rogue_entry_error_leak */
    if (First == NULL) {
        NdisMDeregisterMiniportDriver(RogueHandle);
        return NDIS_STATUS_RESOURCES;
    }
    PVOID Second = NdisAllocateMemoryWithTagPriority(RogueHandle, 64, 'dnoS', NormalPoolPriority);
    if (Second == NULL) {
        NdisMDeregisterMiniportDriver(RogueHandle);
        return NDIS_STATUS_RESOURCES; /* First is never freed */
    }
    NdisFreeMemory(Second, 64, 0);
    NdisFreeMemory(First, 64, 0);
    return NDIS_STATUS_SUCCESS;
}
