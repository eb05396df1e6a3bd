/* Loader: imports IoCreateDeviceSecure, which OpenNDIS exports but does not support yet. The
 * driver loads; the call fails with STATUS_NOT_IMPLEMENTED and the driver, which treats its
 * control device as optional, carries on. Nothing to report: the failure is honest. */
#include <wdmsec.h>

#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\RogueControl");
    PDEVICE_OBJECT Control = NULL;
    if (!NT_SUCCESS(IoCreateDeviceSecure(DriverObject, 0, &Name, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN, FALSE,
                                         &SDDL_DEVOBJ_SYS_ALL_ADM_ALL, NULL, &Control)))
        Control = NULL; /* no control device: the miniport works without it */
    return NDIS_STATUS_SUCCESS;
}
/* expect clean: rogue_unsupported_import */
