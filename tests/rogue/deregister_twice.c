/* ND1003 DeregisterTwice: MiniportDriverUnload deregisters the same handle twice. */
#include "rogue.h"

static MINIPORT_UNLOAD DoubleUnload;
static VOID DoubleUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisMDeregisterMiniportDriver(RogueHandle);
    NdisMDeregisterMiniportDriver(RogueHandle); /* expect ND1003: rogue_deregister_twice */
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return RogueRegisterWith(DriverObject, RegistryPath, NULL, DoubleUnload);
}
