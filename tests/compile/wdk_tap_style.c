/* How an Ethernet TAP miniport in the tap-windows6 style is written (own code, no driver
 * source): NDIS 6.20 with 6.30 features, the runtime version clamped, a registry value read
 * with ZwOpenKey/ZwQueryValueKey, an OS version check, a per-adapter control device from
 * NdisRegisterDeviceEx with its own dispatch table, pending reads in a cancel-safe queue,
 * FILE_OBJECT contexts, old-style SAL, TCHAR strings, SEH around memory calls, Ethernet types
 * and NBL flag ownership. Must compile with gcc and clang under -Wall -Wextra -Werror. */
#define NDIS_WDM 1
#define NDIS_MINIPORT_DRIVER 1
#define NDIS620_MINIPORT 1
#define NDIS630_MINIPORT 1
#include <ntifs.h>
#include <ndis.h>
#include <ntstrsafe.h>
#include <netioapi.h>
#include <wdmsec.h>

#define TAP_TAG ((ULONG)'6paT')
#define TAP_NBL_FLAG_ALLOCATED (NBL_FLAGS_MINIPORT_RESERVED & 0x1000)

typedef struct _TAP_ADAPTER {
    NDIS_HANDLE AdapterHandle;
    NDIS_HANDLE DeviceHandle;
    PDEVICE_OBJECT DeviceObject;
    PFILE_OBJECT TapFileObject;
    IO_CSQ PendingReadCsq;
    LIST_ENTRY PendingReadList;
    KSPIN_LOCK PendingReadLock;
    UCHAR CurrentAddress[6];
} TAP_ADAPTER, *PTAP_ADAPTER;

static NDIS_HANDLE DriverHandle;
static UINT NdisVersion;
static BOOLEAN Windows8OrLater;
static ULONG DiagLevel;

__drv_dispatchType(IRP_MJ_CREATE) static DRIVER_DISPATCH TapDeviceCreate;
__drv_dispatchType(IRP_MJ_READ) static DRIVER_DISPATCH TapDeviceRead;
static IO_CSQ_INSERT_IRP TapCsqInsert;
static IO_CSQ_REMOVE_IRP TapCsqRemove;
static IO_CSQ_PEEK_NEXT_IRP TapCsqPeek;
static IO_CSQ_ACQUIRE_LOCK TapCsqLock;
static IO_CSQ_RELEASE_LOCK TapCsqUnlock;
static IO_CSQ_COMPLETE_CANCELED_IRP TapCsqCancelled;

static VOID TapDebugPrint(__in ULONG Level, __in PCCH Format, ...)
{
    va_list Args;
    va_start(Args, Format);
    vDbgPrintEx(DPFLTR_IHVDRIVER_ID, Level, Format, Args);
    va_end(Args);
}

static BOOLEAN TapCopyLine(__out_ecount(Length) LPTSTR Buffer, __in ULONG Length)
{
    if (Length == 0)
        return FALSE;
    Buffer[0] = 0;
    return TRUE;
}

static VOID TapCsqInsert(__in PIO_CSQ Csq, __in PIRP Irp)
{
    PTAP_ADAPTER Adapter = CONTAINING_RECORD(Csq, TAP_ADAPTER, PendingReadCsq);
    InsertTailList(&Adapter->PendingReadList, &Irp->Tail.Overlay.ListEntry);
}

static VOID TapCsqRemove(__in PIO_CSQ Csq, __in PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}

static PIRP TapCsqPeek(__in PIO_CSQ Csq, __in_opt PIRP Irp, __in_opt PVOID PeekContext)
{
    PTAP_ADAPTER Adapter = CONTAINING_RECORD(Csq, TAP_ADAPTER, PendingReadCsq);
    PLIST_ENTRY Next = Irp ? Irp->Tail.Overlay.ListEntry.Flink : Adapter->PendingReadList.Flink;
    for (; Next != &Adapter->PendingReadList; Next = Next->Flink) {
        PIRP Candidate = CONTAINING_RECORD(Next, IRP, Tail.Overlay.ListEntry);
        if (!PeekContext || IoGetCurrentIrpStackLocation(Candidate)->FileObject == PeekContext)
            return Candidate;
    }
    return NULL;
}

static VOID TapCsqLock(__in PIO_CSQ Csq, __out PKIRQL Irql)
{
    KeAcquireSpinLock(&CONTAINING_RECORD(Csq, TAP_ADAPTER, PendingReadCsq)->PendingReadLock, Irql);
}

static VOID TapCsqUnlock(__in PIO_CSQ Csq, __in KIRQL Irql)
{
    KeReleaseSpinLock(&CONTAINING_RECORD(Csq, TAP_ADAPTER, PendingReadCsq)->PendingReadLock, Irql);
}

static VOID TapCsqCancelled(__in PIO_CSQ Csq, __in PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

static NTSTATUS TapDeviceCreate(__in PDEVICE_OBJECT DeviceObject, __in PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    PTAP_ADAPTER Adapter = *(PTAP_ADAPTER *)NdisGetDeviceReservedExtension(DeviceObject);
    NTSTATUS Status = STATUS_SUCCESS;
    if (InterlockedCompareExchangePointer((PVOID volatile *)&Adapter->TapFileObject, Stack->FileObject, NULL))
        Status = STATUS_DEVICE_BUSY;
    else
        Stack->FileObject->FsContext = Adapter;
    Irp->IoStatus.Status = Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

static NTSTATUS TapDeviceRead(__in PDEVICE_OBJECT DeviceObject, __in PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    PTAP_ADAPTER Adapter = Stack->FileObject->FsContext;
    if (!Adapter || Stack->Parameters.Read.Length == 0) {
        Irp->IoStatus.Status = STATUS_DEVICE_DOES_NOT_EXIST;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_DEVICE_DOES_NOT_EXIST;
    }
    if (DeviceObject->Flags & DO_BUFFERED_IO)
        TapCopyLine((LPTSTR)Irp->AssociatedIrp.SystemBuffer, Stack->Parameters.Read.Length);
    IoCsqInsertIrp(&Adapter->PendingReadCsq, Irp, NULL);
    PIRP Next = IoCsqRemoveNextIrp(&Adapter->PendingReadCsq, Stack->FileObject);
    if (Next) {
        Next->IoStatus.Status = STATUS_SUCCESS;
        IoCompleteRequest(Next, IO_NETWORK_INCREMENT);
    }
    return STATUS_PENDING;
}

static NDIS_STATUS TapCreateDevice(__in PTAP_ADAPTER Adapter)
{
    static PDRIVER_DISPATCH Dispatch[IRP_MJ_MAXIMUM_FUNCTION + 1];
    NDIS_STRING DeviceName = NDIS_STRING_CONST("\\Device\\TapStyle");
    NDIS_STRING LinkName = NDIS_STRING_CONST("\\DosDevices\\Global\\TapStyle");
    NDIS_DEVICE_OBJECT_ATTRIBUTES Attributes;
    NdisZeroMemory(&Attributes, sizeof(Attributes));
    Dispatch[IRP_MJ_CREATE] = TapDeviceCreate;
    Dispatch[IRP_MJ_READ] = TapDeviceRead;
    Attributes.Header.Type = NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES;
    Attributes.Header.Revision = NDIS_DEVICE_OBJECT_ATTRIBUTES_REVISION_1;
    Attributes.Header.Size = NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1;
    Attributes.DeviceName = &DeviceName;
    Attributes.SymbolicName = &LinkName;
    Attributes.MajorFunctions = Dispatch;
    Attributes.ExtensionSize = sizeof(PTAP_ADAPTER);
    Attributes.DefaultSDDLString = &SDDL_DEVOBJ_SYS_ALL_ADM_ALL;
    NDIS_STATUS Status = NdisRegisterDeviceEx(DriverHandle, &Attributes, &Adapter->DeviceObject, &Adapter->DeviceHandle);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    Adapter->DeviceObject->Flags &= ~DO_BUFFERED_IO;
    Adapter->DeviceObject->Flags |= DO_DIRECT_IO;
    IoCsqInitialize(&Adapter->PendingReadCsq, TapCsqInsert, TapCsqRemove, TapCsqPeek, TapCsqLock, TapCsqUnlock,
                    TapCsqCancelled);
    return NDIS_STATUS_SUCCESS;
}

static VOID TapReadDiagLevel(__in PUNICODE_STRING RegistryPath)
{
    OBJECT_ATTRIBUTES Attributes;
    HANDLE Key;
    InitializeObjectAttributes(&Attributes, RegistryPath, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    if (!NT_SUCCESS(ZwOpenKey(&Key, KEY_QUERY_VALUE, &Attributes)))
        return;
    UCHAR Buffer[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)];
    PKEY_VALUE_PARTIAL_INFORMATION Info = (PKEY_VALUE_PARTIAL_INFORMATION)Buffer;
    UNICODE_STRING Name;
    ULONG Length;
    RtlInitUnicodeString(&Name, L"TapDiag");
    if (NT_SUCCESS(ZwQueryValueKey(Key, &Name, KeyValuePartialInformation, Info, sizeof(Buffer), &Length)) &&
        Info->Type == REG_DWORD && Info->DataLength == sizeof(ULONG))
        DiagLevel = *(ULONG *)Info->Data;
    switch (DiagLevel) {
    case 0:
        NOTHING;
        break;
    default:
        break;
    }
    ZwClose(Key);
}

static PVOID TapAllocate(__in UINT Size)
{
    PVOID Memory = NULL;
    __try {
        if (NdisAllocateMemoryWithTag(&Memory, Size, TAP_TAG) == NDIS_STATUS_SUCCESS)
            NdisZeroMemory(Memory, Size);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        Memory = NULL;
    }
    return Memory;
}

static VOID TapPrintName(__in PUNICODE_STRING Name)
{
    ANSI_STRING Ansi;
    if (NT_SUCCESS(RtlUnicodeStringToAnsiString(&Ansi, Name, TRUE))) {
        DbgPrint("TAP: %s\n", Ansi.Buffer);
        RtlFreeAnsiString(&Ansi);
    }
    WCHAR Storage[32];
    UNICODE_STRING Copy = { 0, sizeof(Storage), Storage };
    RtlAppendUnicodeStringToString(&Copy, Name);
}

static BOOLEAN TapIsIpOrArp(__in PNET_BUFFER_LIST Nbl, __in USHORT EtherType)
{
    if (NET_BUFFER_LIST_FLAGS(Nbl) & TAP_NBL_FLAG_ALLOCATED)
        return FALSE;
    return EtherType == NDIS_ETH_TYPE_IPV4 || EtherType == NDIS_ETH_TYPE_ARP || EtherType == NDIS_ETH_TYPE_IPV6;
}

DRIVER_INITIALIZE DriverEntry;
NTSTATUS DriverEntry(__in PDRIVER_OBJECT DriverObject, __in PUNICODE_STRING RegistryPath)
{
    NdisVersion = NdisGetVersion();
    if (NdisVersion < NDIS_RUNTIME_VERSION_620)
        return NDIS_STATUS_UNSUPPORTED_REVISION;
    if (NdisVersion > NDIS_RUNTIME_VERSION_620)
        NdisVersion = NDIS_RUNTIME_VERSION_630;
    TapReadDiagLevel(RegistryPath);
    TapDebugPrint(DPFLTR_INFO_LEVEL, "TAP: diagnostics level %lu\n", DiagLevel);
    TapPrintName(RegistryPath);

    RTL_OSVERSIONINFOEXW Version;
    ULONGLONG Mask = 0;
    NdisZeroMemory(&Version, sizeof(Version));
    Version.dwOSVersionInfoSize = sizeof(Version);
    Version.dwMajorVersion = 6;
    Version.dwMinorVersion = 2;
    VER_SET_CONDITION(Mask, VER_MAJORVERSION, VER_GREATER_EQUAL);
    VER_SET_CONDITION(Mask, VER_MINORVERSION, VER_GREATER_EQUAL);
    Windows8OrLater = RtlVerifyVersionInfo(&Version, VER_MAJORVERSION | VER_MINORVERSION, Mask) == STATUS_SUCCESS;

    PTAP_ADAPTER Adapter = TapAllocate(sizeof(TAP_ADAPTER));
    if (Adapter) {
        InitializeListHead(&Adapter->PendingReadList);
        KeInitializeSpinLock(&Adapter->PendingReadLock);
        if (TapCreateDevice(Adapter) == NDIS_STATUS_SUCCESS)
            NdisDeregisterDeviceEx(Adapter->DeviceHandle);
        NdisFreeMemory(Adapter, sizeof(TAP_ADAPTER), 0);
    }
    (void)TapIsIpOrArp;
    UNREFERENCED_PARAMETER(DriverObject);
    return Windows8OrLater ? STATUS_SUCCESS : STATUS_REVISION_MISMATCH;
}
