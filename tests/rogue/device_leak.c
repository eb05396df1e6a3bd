/* ND2001 DeviceObjectNotDeletedAtUnload: registers a control device with NdisRegisterDeviceEx
 * in DriverEntry and never calls NdisDeregisterDeviceEx. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    NDIS_STRING Name = NDIS_STRING_CONST("\\Device\\RogueDeviceLeak");
    NDIS_DEVICE_OBJECT_ATTRIBUTES Attributes;
    PDEVICE_OBJECT Device;
    NDIS_HANDLE DeviceHandle;
    NdisZeroMemory(&Attributes, sizeof(Attributes));
    Attributes.Header.Type = NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES;
    Attributes.Header.Revision = NDIS_DEVICE_OBJECT_ATTRIBUTES_REVISION_1;
    Attributes.Header.Size = NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1;
    Attributes.DeviceName = &Name;
    (void)NdisRegisterDeviceEx(RogueHandle, &Attributes, &Device, &DeviceHandle); /* expect ND2001: rogue_device_leak */
    return NDIS_STATUS_SUCCESS;
}
