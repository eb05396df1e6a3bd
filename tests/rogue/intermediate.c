/* Not a rogue: a miniport-intermediate driver registers twice, once as a physical
 * miniport and once with NDIS_INTERMEDIATE_DRIVER, and deregisters both in unload.
 * Proves RegisterTwice does not fire on the documented exception. */
#include "rogue.h"

static NDIS_HANDLE VirtualHandle;
static MINIPORT_UNLOAD BothUnload;
static VOID BothUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisMDeregisterMiniportDriver(VirtualHandle);
    NdisMDeregisterMiniportDriver(RogueHandle);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    NDIS_STATUS Status;

    RogueCharacteristics(&Chars);
    Chars.UnloadHandler = BothUnload;
    Status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    Chars.Flags = NDIS_INTERMEDIATE_DRIVER;
    Status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &VirtualHandle);
    if (Status != NDIS_STATUS_SUCCESS)
        NdisMDeregisterMiniportDriver(RogueHandle);
    return Status;
}
/* expect clean: rogue_intermediate */
