/* ND1007 RegisterOutsideDriverEntry: MiniportDriverUnload tries to register again. */
#include "rogue.h"

static PUNICODE_STRING SavedPath;
static MINIPORT_UNLOAD ReRegisterUnload;
static VOID ReRegisterUnload(PDRIVER_OBJECT DriverObject)
{
    NDIS_HANDLE Again = NULL;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
    (void)NdisMRegisterMiniportDriver(DriverObject, SavedPath, NULL, &Chars, &Again); /* expect ND1007: rogue_register_in_unload */
    NdisMDeregisterMiniportDriver(RogueHandle);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    SavedPath = RegistryPath;
    RogueCharacteristics(&Chars);
    Chars.UnloadHandler = ReRegisterUnload;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle);
}
