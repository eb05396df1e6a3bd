/* ND1203 AllocateWithoutTag: allocates with Tag 0 (and frees it properly). */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PVOID Block;
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    Block = NdisAllocateMemoryWithTagPriority(RogueHandle, 16, 0, NormalPoolPriority); /* expect ND1203: rogue_zero_tag */
    if (Block != NULL)
        NdisFreeMemory(Block, 16, 0);
    return NDIS_STATUS_SUCCESS;
}
