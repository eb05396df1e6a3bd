/* ND2006 IrpNeverCompleted: the read routine pends every read and forgets it; nothing
 * completes it at cleanup. */
#include "rogue.h"

static NTSTATUS RogueRead(PDEVICE_OBJECT DeviceObject, PIRP Irp) /* expect ND2006: rogue_irp_never_completed */
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoMarkIrpPending(Irp);
    return STATUS_PENDING;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    static PDRIVER_DISPATCH Table[IRP_MJ_MAXIMUM_FUNCTION + 1];
    Table[IRP_MJ_READ] = RogueRead;
    return RogueRegisterWithDevice(DriverObject, RegistryPath, Table, DO_BUFFERED_IO);
}
