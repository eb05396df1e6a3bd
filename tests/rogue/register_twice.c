/* ND1006 RegisterTwice: registers a second time without NDIS_INTERMEDIATE_DRIVER; the
 * second call fails with NDIS_STATUS_FAILURE, the first registration stays. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_HANDLE Second = NULL;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    RogueCharacteristics(&Chars);
    if (NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &Second) == NDIS_STATUS_SUCCESS) /* expect ND1006: rogue_register_twice */
        return NDIS_STATUS_SUCCESS; /* unreachable when the rule holds */
    return NDIS_STATUS_SUCCESS;
}
