/* The sample's control device (sample_ioctl.h): statistics and link state by IOCTL, and each
 * open file a port on the hub, so a user-mode program can exchange frames with the adapters
 * the way OpenVPN does with tap-windows6. Reads wait in a cancel-safe queue. */
#include "sample.h"
#include "sample_ioctl.h"

#define SAMPLE_PORT_FRAMES 64

typedef struct _SAMPLE_PORT {
    LIST_ENTRY Link;              /* SampleDriver->Ports */
    NDIS_SPIN_LOCK Lock;          /* the frame ring; taken before the read queue's lock */
    KSPIN_LOCK ReadLock;
    LIST_ENTRY Reads;
    IO_CSQ ReadQueue;
    ULONG Head, Count;
    ULONG Lengths[SAMPLE_PORT_FRAMES];
    UCHAR Frames[SAMPLE_PORT_FRAMES][ETH_MAX_FRAME];
} SAMPLE_PORT, *PSAMPLE_PORT;

static NDIS_HANDLE SampleDeviceHandle;

static VOID SampleReadInsert(PIO_CSQ Csq, PIRP Irp)
{
    PSAMPLE_PORT Port = CONTAINING_RECORD(Csq, SAMPLE_PORT, ReadQueue);
    InsertTailList(&Port->Reads, &Irp->Tail.Overlay.ListEntry);
}
static VOID SampleReadRemove(PIO_CSQ Csq, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}
static PIRP SampleReadPeek(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext)
{
    PSAMPLE_PORT Port = CONTAINING_RECORD(Csq, SAMPLE_PORT, ReadQueue);
    PLIST_ENTRY Next = Irp == NULL ? Port->Reads.Flink : Irp->Tail.Overlay.ListEntry.Flink;
    UNREFERENCED_PARAMETER(PeekContext);
    return Next == &Port->Reads ? NULL : CONTAINING_RECORD(Next, IRP, Tail.Overlay.ListEntry);
}
static VOID SampleReadLock(PIO_CSQ Csq, PKIRQL Irql)
{
    KeAcquireSpinLock(&CONTAINING_RECORD(Csq, SAMPLE_PORT, ReadQueue)->ReadLock, Irql);
}
static VOID SampleReadUnlock(PIO_CSQ Csq, KIRQL Irql)
{
    KeReleaseSpinLock(&CONTAINING_RECORD(Csq, SAMPLE_PORT, ReadQueue)->ReadLock, Irql);
}
static VOID SampleReadCancelled(PIO_CSQ Csq, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

static NTSTATUS SampleComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* Hands a frame to a read: as much as its buffer holds. */
static VOID SampleCompleteRead(PIRP Irp, const UCHAR *Frame, ULONG Length)
{
    ULONG Room = IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Length;
    ULONG Copy = Length < Room ? Length : Room;
    NdisMoveMemory(Irp->AssociatedIrp.SystemBuffer, Frame, Copy);
    SampleComplete(Irp, Copy < Length ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS, Copy);
}

/* Every frame sent on the hub reaches every port: a waiting read, or the port's ring (the
 * oldest frame dropped when it is full). DISPATCH_LEVEL. */
VOID SampleControlSeeFrame(const UCHAR *Frame, ULONG Length)
{
    NdisDprAcquireSpinLock(&SampleDriver->PortLock);
    for (PLIST_ENTRY Entry = SampleDriver->Ports.Flink; Entry != &SampleDriver->Ports; Entry = Entry->Flink) {
        PSAMPLE_PORT Port = CONTAINING_RECORD(Entry, SAMPLE_PORT, Link);
        NdisDprAcquireSpinLock(&Port->Lock);
        PIRP Read = IoCsqRemoveNextIrp(&Port->ReadQueue, NULL);
        if (Read != NULL) {
            SampleCompleteRead(Read, Frame, Length);
        } else {
            ULONG Slot = (Port->Head + Port->Count) % SAMPLE_PORT_FRAMES;
            if (Port->Count == SAMPLE_PORT_FRAMES)
                Port->Head = (Port->Head + 1) % SAMPLE_PORT_FRAMES;
            else
                Port->Count++;
            NdisMoveMemory(Port->Frames[Slot], Frame, Length);
            Port->Lengths[Slot] = Length;
        }
        NdisDprReleaseSpinLock(&Port->Lock);
    }
    NdisDprReleaseSpinLock(&SampleDriver->PortLock);
}

static NTSTATUS SampleDispatchCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    PSAMPLE_PORT Port = NdisAllocateMemoryWithTagPriority(SampleDriverHandle, sizeof(*Port), SAMPLE_TAG,
                                                          NormalPoolPriority);
    if (Port == NULL)
        return SampleComplete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    NdisZeroMemory(Port, sizeof(*Port));
    NdisAllocateSpinLock(&Port->Lock);
    KeInitializeSpinLock(&Port->ReadLock);
    InitializeListHead(&Port->Reads);
    IoCsqInitialize(&Port->ReadQueue, SampleReadInsert, SampleReadRemove, SampleReadPeek, SampleReadLock,
                    SampleReadUnlock, SampleReadCancelled);
    IoGetCurrentIrpStackLocation(Irp)->FileObject->FsContext = Port;
    NdisAcquireSpinLock(&SampleDriver->PortLock);
    InsertTailList(&SampleDriver->Ports, &Port->Link);
    InterlockedIncrement(&SampleDriver->PortCount);
    NdisReleaseSpinLock(&SampleDriver->PortLock);
    return SampleComplete(Irp, STATUS_SUCCESS, 0);
}

/* The last handle is gone: the port leaves the hub and its waiting reads end. */
static NTSTATUS SampleDispatchCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PSAMPLE_PORT Port = IoGetCurrentIrpStackLocation(Irp)->FileObject->FsContext;
    UNREFERENCED_PARAMETER(DeviceObject);
    NdisAcquireSpinLock(&SampleDriver->PortLock);
    RemoveEntryList(&Port->Link);
    InterlockedDecrement(&SampleDriver->PortCount);
    NdisReleaseSpinLock(&SampleDriver->PortLock);
    PIRP Read;
    while ((Read = IoCsqRemoveNextIrp(&Port->ReadQueue, NULL)) != NULL)
        SampleComplete(Read, STATUS_CANCELLED, 0);
    return SampleComplete(Irp, STATUS_SUCCESS, 0);
}

static NTSTATUS SampleDispatchClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PSAMPLE_PORT Port = IoGetCurrentIrpStackLocation(Irp)->FileObject->FsContext;
    UNREFERENCED_PARAMETER(DeviceObject);
    NdisFreeSpinLock(&Port->Lock);
    NdisFreeMemory(Port, sizeof(*Port), 0);
    return SampleComplete(Irp, STATUS_SUCCESS, 0);
}

static NTSTATUS SampleDispatchRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PSAMPLE_PORT Port = IoGetCurrentIrpStackLocation(Irp)->FileObject->FsContext;
    UNREFERENCED_PARAMETER(DeviceObject);
    if (IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Length == 0)
        return SampleComplete(Irp, STATUS_INVALID_PARAMETER, 0);
    NdisAcquireSpinLock(&Port->Lock);
    if (Port->Count != 0) {
        ULONG Slot = Port->Head;
        Port->Head = (Port->Head + 1) % SAMPLE_PORT_FRAMES;
        Port->Count--;
        SampleCompleteRead(Irp, Port->Frames[Slot], Port->Lengths[Slot]);
        NdisReleaseSpinLock(&Port->Lock);
        return STATUS_SUCCESS; /* the status the IRP was completed with need not be repeated */
    }
    IoCsqInsertIrp(&Port->ReadQueue, Irp, NULL); /* marks it pending */
    NdisReleaseSpinLock(&Port->Lock);
    return STATUS_PENDING;
}

static NTSTATUS SampleDispatchWrite(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ULONG Length = IoGetCurrentIrpStackLocation(Irp)->Parameters.Write.Length;
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Length < ETH_MIN_FRAME || Length > ETH_MAX_FRAME)
        return SampleComplete(Irp, STATUS_INVALID_PARAMETER, 0);
    SampleHubInject(Irp->AssociatedIrp.SystemBuffer, Length);
    return SampleComplete(Irp, STATUS_SUCCESS, Length);
}

static NTSTATUS SampleDispatchControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG In = Stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG Out = Stack->Parameters.DeviceIoControl.OutputBufferLength;
    PVOID Buffer = Irp->AssociatedIrp.SystemBuffer;
    UNREFERENCED_PARAMETER(DeviceObject);
    switch (Stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_SAMPLE_GET_VERSION:
        if (Out < sizeof(ULONG))
            return SampleComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
        *(PULONG)Buffer = SAMPLE_CONTROL_VERSION;
        return SampleComplete(Irp, STATUS_SUCCESS, sizeof(ULONG));
    case IOCTL_SAMPLE_GET_STATS: {
        struct sample_stats Stats;
        if (In < sizeof(ULONG) || Out < sizeof(Stats))
            return SampleComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
        if (!SampleAdapterStats(*(PULONG)Buffer, &Stats))
            return SampleComplete(Irp, STATUS_NO_SUCH_DEVICE, 0);
        NdisMoveMemory(Buffer, &Stats, sizeof(Stats));
        return SampleComplete(Irp, STATUS_SUCCESS, sizeof(Stats));
    }
    case IOCTL_SAMPLE_SET_LINK: {
        struct sample_link Link;
        if (In < sizeof(Link))
            return SampleComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
        NdisMoveMemory(&Link, Buffer, sizeof(Link));
        if (!SampleAdapterSetLink(Link.adapter, Link.up != 0))
            return SampleComplete(Irp, STATUS_NO_SUCH_DEVICE, 0);
        return SampleComplete(Irp, STATUS_SUCCESS, 0);
    }
    default:
        return SampleComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
}

/* Creates the control device. Optional: a driver that cannot have it still runs its adapters. */
VOID SampleControlCreate(VOID)
{
    static NDIS_STRING Name = NDIS_STRING_CONST("\\Device\\OpenNdisSample");
    static NDIS_STRING Link = NDIS_STRING_CONST("\\DosDevices\\OpenNdisSample");
    /* System and Administrators only: on Linux, root and the device owner */
    static NDIS_STRING Sddl = NDIS_STRING_CONST("D:P(A;;GA;;;SY)(A;;GA;;;BA)");
    static PDRIVER_DISPATCH Dispatch[IRP_MJ_MAXIMUM_FUNCTION + 1];
    NDIS_DEVICE_OBJECT_ATTRIBUTES Attributes;
    PDEVICE_OBJECT Device;

    Dispatch[IRP_MJ_CREATE] = SampleDispatchCreate;
    Dispatch[IRP_MJ_CLEANUP] = SampleDispatchCleanup;
    Dispatch[IRP_MJ_CLOSE] = SampleDispatchClose;
    Dispatch[IRP_MJ_READ] = SampleDispatchRead;
    Dispatch[IRP_MJ_WRITE] = SampleDispatchWrite;
    Dispatch[IRP_MJ_DEVICE_CONTROL] = SampleDispatchControl;
    NdisZeroMemory(&Attributes, sizeof(Attributes));
    Attributes.Header.Type = NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES;
    Attributes.Header.Revision = NDIS_DEVICE_OBJECT_ATTRIBUTES_REVISION_1;
    Attributes.Header.Size = NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1;
    Attributes.DeviceName = &Name;
    Attributes.SymbolicName = &Link;
    Attributes.MajorFunctions = Dispatch;
    Attributes.DefaultSDDLString = &Sddl;
    if (NdisRegisterDeviceEx(SampleDriverHandle, &Attributes, &Device, &SampleDeviceHandle) != NDIS_STATUS_SUCCESS) {
        DbgPrint("sample: no control device; the adapters run without it\n");
        SampleDeviceHandle = NULL;
        return;
    }
    Device->Flags |= DO_BUFFERED_IO;
}

VOID SampleControlDelete(VOID)
{
    if (SampleDeviceHandle != NULL) {
        NdisDeregisterDeviceEx(SampleDeviceHandle);
        SampleDeviceHandle = NULL;
    }
}
