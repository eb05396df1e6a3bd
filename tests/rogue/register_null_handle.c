/* ND1008 RegisterInvalidArgument: no place for the handle. Expect NDIS_STATUS_FAILURE. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, NULL); /* expect ND1008: rogue_register_null_handle */
}
