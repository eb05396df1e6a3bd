/* Loader: imports ZwQuerySystemInformation, which OpenNDIS exports but does not support yet
 * (undocumented; Wintun declares it itself, as here). The driver loads; the call fails with
 * STATUS_NOT_IMPLEMENTED and the driver, which treats the answer as optional, carries on.
 * Nothing to report: the failure is honest. */
#include "rogue.h"

NTSYSAPI NTSTATUS ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                           ULONG SystemInformationLength, PULONG ReturnLength);

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    ULONG Info[16], Length = 0;
    if (!NT_SUCCESS(ZwQuerySystemInformation(11 /* modules */, Info, sizeof(Info), &Length)))
        Length = 0; /* no module list: the miniport works without it */
    return NDIS_STATUS_SUCCESS;
}
/* expect clean: rogue_unsupported_import */
