/* ND2002 SymbolicLinkNotDeletedAtUnload: creates a device and a symbolic link to it, deletes
 * the device at unload but forgets the link. */
#include "rogue.h"

static PDEVICE_OBJECT Device;

static VOID SymlinkLeakUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (Device != NULL)
        IoDeleteDevice(Device);
    NdisMDeregisterMiniportDriver(RogueHandle);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegisterWith(DriverObject, RegistryPath, NULL, SymlinkLeakUnload);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\RogueSymlinkLeak");
    UNICODE_STRING Link = RTL_CONSTANT_STRING(L"\\DosDevices\\RogueSymlinkLeak");
    if (NT_SUCCESS(IoCreateDevice(DriverObject, 0, &Name, FILE_DEVICE_UNKNOWN, 0, FALSE, &Device)))
        (void)IoCreateSymbolicLink(&Link, &Name); /* expect ND2002: rogue_symlink_leak */
    return NDIS_STATUS_SUCCESS;
}
