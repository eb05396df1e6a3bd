/* ND1004 DeregisterInvalidHandle: deregisters a pointer NDIS never returned (the address
 * of its own handle variable, a classic slip) before deregistering correctly. */
#include "rogue.h"

static MINIPORT_UNLOAD ForeignUnload;
static VOID ForeignUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisMDeregisterMiniportDriver(&RogueHandle); /* expect ND1004: rogue_deregister_foreign */
    NdisMDeregisterMiniportDriver(RogueHandle);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return RogueRegisterWith(DriverObject, RegistryPath, NULL, ForeignUnload);
}
