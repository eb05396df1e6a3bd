/* ND1102 IrqlNotRestored: DriverEntry returns at DISPATCH_LEVEL. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) /* expect ND1102: rogue_irql_not_restored */
{
    KIRQL Old;
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    KeRaiseIrql(DISPATCH_LEVEL, &Old);
    return Status;
}
