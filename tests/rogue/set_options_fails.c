/* Not a rule violation: MiniportSetOptions fails with NDIS_STATUS_RESOURCES, so the
 * registration fails with that status and DriverEntry returns it. No violation. */
#include "rogue.h"

static SET_OPTIONS FailingSetOptions;
static NDIS_STATUS FailingSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext)
{
    UNREFERENCED_PARAMETER(NdisDriverHandle);
    UNREFERENCED_PARAMETER(DriverContext);
    return NDIS_STATUS_RESOURCES;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return RogueRegisterWith(DriverObject, RegistryPath, FailingSetOptions, NULL);
}
/* expect clean: rogue_set_options_fails */
