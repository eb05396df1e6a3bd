/* Registers with no place for the handle (a rule violation) as its last act, compiled so
 * that the call becomes a jump: no return address points into the driver, and the report
 * must say the call site was lost to a tail call, not blame OpenNDIS's own code. */
#include <ndis.h>

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    static NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, NULL);
}
