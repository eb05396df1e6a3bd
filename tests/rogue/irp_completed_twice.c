/* ND2003 IrpCompletedTwice: the control device's IOCTL routine completes each IRP twice. */
#include "rogue.h"

static NTSTATUS RogueIoctl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    RogueCompleteIrp(Irp, STATUS_SUCCESS, 0);
    IoCompleteRequest(Irp, IO_NO_INCREMENT); /* expect ND2003: rogue_irp_completed_twice */
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    static PDRIVER_DISPATCH Table[IRP_MJ_MAXIMUM_FUNCTION + 1];
    Table[IRP_MJ_DEVICE_CONTROL] = RogueIoctl;
    return RogueRegisterWithDevice(DriverObject, RegistryPath, Table, DO_BUFFERED_IO);
}
