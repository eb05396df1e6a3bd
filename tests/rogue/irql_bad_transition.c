/* ND1103 IrqlBadTransition: "raises" from DISPATCH_LEVEL to PASSIVE_LEVEL. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    KIRQL Old, Wrong;
    KeRaiseIrql(DISPATCH_LEVEL, &Old);
    KeRaiseIrql(PASSIVE_LEVEL, &Wrong); /* expect ND1103: rogue_irql_bad_transition */
    UNREFERENCED_PARAMETER(Wrong);
    KeLowerIrql(Old);
    return RogueRegister(DriverObject, RegistryPath);
}
