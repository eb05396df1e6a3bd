/* ND1011 SetOptionsInvalidStatus: MiniportSetOptions returns NDIS_STATUS_PENDING.
 * Registration fails with NDIS_STATUS_FAILURE. */
#include "rogue.h"

static SET_OPTIONS PendingSetOptions;
static NDIS_STATUS PendingSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext) /* expect ND1011: rogue_set_options_pending */
{
    UNREFERENCED_PARAMETER(NdisDriverHandle);
    UNREFERENCED_PARAMETER(DriverContext);
    return NDIS_STATUS_PENDING;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return RogueRegisterWith(DriverObject, RegistryPath, PendingSetOptions, NULL);
}
