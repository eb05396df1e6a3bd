/* ND1004 DeregisterInvalidHandle: deregisters NULL before deregistering correctly. */
#include "rogue.h"

static MINIPORT_UNLOAD NullUnload;
static VOID NullUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisMDeregisterMiniportDriver(NULL); /* expect ND1004: rogue_deregister_null */
    NdisMDeregisterMiniportDriver(RogueHandle);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return RogueRegisterWith(DriverObject, RegistryPath, NULL, NullUnload);
}
