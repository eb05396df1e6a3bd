/* ND1010 DriverEntrySucceededWithoutRegistration: returns success without registering. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) /* expect ND1010: rogue_entry_succeeds_unregistered */
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return STATUS_SUCCESS;
}
