/* Not a rogue: after registering, the driver overwrites its (static) characteristics with
 * an unload handler that would not deregister. NDIS copies the characteristics at
 * registration, so the original handler must run and no rule fires. */
#include "rogue.h"

static NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
static MINIPORT_UNLOAD WrongUnload;
static VOID WrongUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status;
    RogueCharacteristics(&Chars);
    Status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle);
    Chars.UnloadHandler = WrongUnload;
    return Status;
}
/* expect clean: rogue_chars_reused */
