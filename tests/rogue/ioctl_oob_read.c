/* An out-of-bounds read only a hostile client reaches: the control device's lookup request
 * takes an index from its input and reads the system buffer there without checking it
 * against the buffer's length. The conformance requests never send this code, so plain verify
 * finds nothing; verify --fuzz-ioctl finds the code in the image and the read faults in the
 * buffer's guard page (test fuzz_ioctl_finds_oob_read). */
/* expect clean: rogue_ioctl_oob_read */
#include "rogue.h"

#define IOCTL_ROGUE_LOOKUP CTL_CODE(FILE_DEVICE_UNKNOWN, 0x905, METHOD_BUFFERED, FILE_ANY_ACCESS)

static NTSTATUS RogueIoctl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    PUCHAR Buffer = Irp->AssociatedIrp.SystemBuffer;
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_ROGUE_LOOKUP ||
        Stack->Parameters.DeviceIoControl.InputBufferLength < sizeof(ULONG) ||
        Stack->Parameters.DeviceIoControl.OutputBufferLength < 1)
        return RogueCompleteIrp(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    ULONG Index = *(PULONG)Buffer;
    Buffer[0] = Buffer[Index]; /* the index is never checked against the input length */
    return RogueCompleteIrp(Irp, STATUS_SUCCESS, 1);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    static PDRIVER_DISPATCH Table[IRP_MJ_MAXIMUM_FUNCTION + 1];
    Table[IRP_MJ_DEVICE_CONTROL] = RogueIoctl;
    return RogueRegisterWithDevice(DriverObject, RegistryPath, Table, DO_BUFFERED_IO);
}
