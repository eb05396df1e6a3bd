/* Crash isolation: DriverEntry dereferences NULL. openndis must survive, report SIGSEGV with
 * the faulting line, and exit 3. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PULONG volatile Nowhere = NULL;
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    *(volatile ULONG *)Nowhere = 0xdead; /* expect ND1901: rogue_crash */
    return STATUS_SUCCESS;
}
