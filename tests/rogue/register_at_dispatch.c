/* ND1101 IrqlTooHigh: calls NdisMRegisterMiniportDriver (PASSIVE_LEVEL only) at
 * DISPATCH_LEVEL. Expect NDIS_STATUS_FAILURE. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    KIRQL Old;
    NDIS_STATUS Status;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
    KeRaiseIrql(DISPATCH_LEVEL, &Old);
    Status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle); /* expect ND1101: rogue_register_at_dispatch */
    KeLowerIrql(Old);
    return Status;
}
