/* Hang isolation: DriverEntry never returns. openndis stops it after --timeout, exits 3. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    volatile int Forever = 1;
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    while (Forever) /* expect ND1902: rogue_hang */
        ;
    return STATUS_SUCCESS;
}
