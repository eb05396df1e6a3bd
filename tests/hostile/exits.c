/* DriverEntry calls exit(3): the process ends with no report and no signal. */
#include <stdlib.h>
#include "../rogue/rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    exit(3);
}
