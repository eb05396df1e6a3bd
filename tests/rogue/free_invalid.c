/* ND1202 FreeInvalidMemory: frees a stack address, then frees a real block twice. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    ULONG Local = 0;
    PVOID Block;
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    NdisFreeMemory(&Local, sizeof(Local), 0); /* expect ND1202: rogue_free_invalid */
    Block = NdisAllocateMemoryWithTagPriority(RogueHandle, 16, 'eerF', NormalPoolPriority);
    if (Block != NULL) {
        NdisFreeMemory(Block, 16, 0);
        NdisFreeMemory(Block, 16, 0); /* expect ND1202: rogue_free_invalid */
    }
    return NDIS_STATUS_SUCCESS;
}
