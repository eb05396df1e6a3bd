/* ND2005 IrpPendingMismatch: the IOCTL routine keeps the IRP and returns STATUS_PENDING
 * without IoMarkIrpPending; the cleanup routine completes what it kept. */
#include "rogue.h"

static PIRP Kept;

static NTSTATUS RogueIoctl(PDEVICE_OBJECT DeviceObject, PIRP Irp) /* expect ND2005: rogue_irp_pending_unmarked */
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Kept != NULL)
        return RogueCompleteIrp(Irp, STATUS_DEVICE_BUSY, 0);
    Kept = Irp;
    return STATUS_PENDING;
}

static NTSTATUS RogueCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Kept != NULL) {
        RogueCompleteIrp(Kept, STATUS_CANCELLED, 0);
        Kept = NULL;
    }
    return RogueCompleteIrp(Irp, STATUS_SUCCESS, 0);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    static PDRIVER_DISPATCH Table[IRP_MJ_MAXIMUM_FUNCTION + 1];
    Table[IRP_MJ_DEVICE_CONTROL] = RogueIoctl;
    Table[IRP_MJ_CLEANUP] = RogueCleanup;
    return RogueRegisterWithDevice(DriverObject, RegistryPath, Table, DO_BUFFERED_IO);
}
