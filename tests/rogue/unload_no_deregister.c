/* ND1002 UnloadMustDeregister: MiniportDriverUnload does not deregister. */
#include "rogue.h"

static MINIPORT_UNLOAD ForgetfulUnload;
static VOID ForgetfulUnload(PDRIVER_OBJECT DriverObject) /* expect ND1002: rogue_unload_no_deregister */
{
    UNREFERENCED_PARAMETER(DriverObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return RogueRegisterWith(DriverObject, RegistryPath, NULL, ForgetfulUnload);
}
