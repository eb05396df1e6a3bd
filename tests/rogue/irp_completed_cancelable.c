/* ND2004 IrpCompletedWithCancelRoutine: the IOCTL routine sets a cancel routine and then
 * completes the IRP without clearing it. */
#include "rogue.h"

static VOID RogueCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    RogueCompleteIrp(Irp, STATUS_CANCELLED, 0);
}

static NTSTATUS RogueIoctl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoSetCancelRoutine(Irp, RogueCancel);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT); /* expect ND2004: rogue_irp_completed_cancelable */
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    static PDRIVER_DISPATCH Table[IRP_MJ_MAXIMUM_FUNCTION + 1];
    Table[IRP_MJ_DEVICE_CONTROL] = RogueIoctl;
    return RogueRegisterWithDevice(DriverObject, RegistryPath, Table, DO_BUFFERED_IO);
}
