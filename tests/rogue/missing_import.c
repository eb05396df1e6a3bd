/* Loader: imports a function OpenNDIS does not implement. Loading fails with its name. */
#include "rogue.h"

NDIS_STATUS NdisOpenNdisXyzzyNotImplemented(NDIS_HANDLE Handle);

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return NdisOpenNdisXyzzyNotImplemented(NULL);
}
/* expect load-error: rogue_missing_import */
