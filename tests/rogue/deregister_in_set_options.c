/* ND1005 DeregisterOutsideFailurePathOrUnload: MiniportSetOptions deregisters the handle it
 * is given, inside NdisMRegisterMiniportDriver. */
#include "rogue.h"

static SET_OPTIONS EagerSetOptions;
static NDIS_STATUS EagerSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext)
{
    UNREFERENCED_PARAMETER(DriverContext);
    NdisMDeregisterMiniportDriver(NdisDriverHandle); /* expect ND1005: rogue_deregister_in_set_options */
    return NDIS_STATUS_FAILURE;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return RogueRegisterWith(DriverObject, RegistryPath, EagerSetOptions, NULL);
}
