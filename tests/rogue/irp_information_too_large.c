/* ND2007 IrpInformationTooLarge: the IOCTL routine reports more output bytes than the
 * output buffer holds. */
#include "rogue.h"

static NTSTATUS RogueIoctl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    ULONG Out = IoGetCurrentIrpStackLocation(Irp)->Parameters.DeviceIoControl.OutputBufferLength;
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = Out + 100;
    IoCompleteRequest(Irp, IO_NO_INCREMENT); /* expect ND2007: rogue_irp_information_too_large */
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    static PDRIVER_DISPATCH Table[IRP_MJ_MAXIMUM_FUNCTION + 1];
    Table[IRP_MJ_DEVICE_CONTROL] = RogueIoctl;
    return RogueRegisterWithDevice(DriverObject, RegistryPath, Table, DO_BUFFERED_IO);
}
