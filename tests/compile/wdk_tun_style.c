/* How a layer-3 tunnel miniport in the Wintun style is written (own code, no driver source):
 * ntifs.h first, a range of NDIS versions (minimum and maximum NDISxxx_MINIPORT), the
 * characteristics picked by the runtime NDIS version in a designated initializer, executive
 * resources and reader/writer spin locks, queued spin locks, the DRIVER_OBJECT dispatch table
 * hooked after registration, the FDO's Reserved slot, memory-model helpers, process callbacks,
 * a self-relative security descriptor. Must compile with gcc and clang under -Wall -Wextra -Werror. */
#define NDIS_MINIPORT_DRIVER 1
#define NDIS620_MINIPORT 1
#define NDIS683_MINIPORT 1
#define NDIS_WDM 1
#define POOL_NX_OPTIN 1
#define WINTUN_STYLE_MAJ 0 /* the build passes the version as defines */
#define WINTUN_STYLE_MIN 14
#include <ntifs.h>
#include <wdm.h>
#include <wdmsec.h>
#include <ndis.h>
#include <ntstrsafe.h>

#define VERSION_MIN ((NDIS_MINIPORT_MINIMUM_MAJOR_VERSION << 16) | NDIS_MINIPORT_MINIMUM_MINOR_VERSION)
#define VERSION_MAX ((NDIS_MINIPORT_MAJOR_VERSION << 16) | NDIS_MINIPORT_MINOR_VERSION)
C_ASSERT(VERSION_MIN == NDIS_RUNTIME_VERSION_620 && VERSION_MAX == NDIS_RUNTIME_VERSION_683);
#ifndef _WIN64 /* what MSVC predefines; the driver's 32-bit-process paths depend on it */
#error "_WIN64 is not defined"
#endif

#if REG_DWORD == REG_DWORD_LITTLE_ENDIAN
#define TAG_OF(x) ((((ULONG)(x)&0xff) << 24) | (((ULONG)(x)&0xff00) << 8) | (((ULONG)(x)&0xff0000) >> 8) | ((ULONG)(x) >> 24))
#endif
#define TUN_TAG TAG_OF('ntuT')

typedef struct _RING {
    volatile ULONG Head;
    volatile ULONG Tail;
    volatile LONG Alertable;
    UCHAR Data[];
} RING;

typedef struct _CTX {
    NDIS_HANDLE AdapterHandle;
    DEVICE_OBJECT *Fdo;
    EX_SPIN_LOCK TransitionLock;
    ERESOURCE RegistrationLock;
    KSPIN_LOCK SendLock;
    KEVENT Disconnected;
    LIST_ENTRY Entry;
    FILE_OBJECT *Owner;
    RING *Ring;
    LONG64 Counter;
    PKTHREAD Thread;
} CTX;

static UINT NdisVersion;
static NDIS_HANDLE DriverHandle;
static DRIVER_DISPATCH *NdisDispatchDeviceControl, *NdisDispatchPnp;
static ERESOURCE DeviceListLock;
static RTL_STATIC_LIST_HEAD(DeviceList);
/* A self-relative descriptor header (revision 1, SE_SELF_RELATIVE | SE_DACL_PRESENT). */
static const UCHAR SdBlob[20] = { 1, 0, 0x04, 0x80 };
static const SECURITY_DESCRIPTOR_RELATIVE *const Sd = (const SECURITY_DESCRIPTOR_RELATIVE *)SdBlob;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_DISPATCH_PAGED TunDispatchDeviceControl;
static DRIVER_DISPATCH_PAGED TunDispatchPnp;
static MINIPORT_INITIALIZE TunInitializeEx;
static MINIPORT_HALT TunHaltEx;
static MINIPORT_UNLOAD TunUnload;
static MINIPORT_PAUSE TunPause;
static MINIPORT_RESTART TunRestart;
static MINIPORT_OID_REQUEST TunOidRequest;
static MINIPORT_SEND_NET_BUFFER_LISTS TunSendNetBufferLists;
static MINIPORT_RETURN_NET_BUFFER_LISTS TunReturnNetBufferLists;
static MINIPORT_CANCEL_SEND TunCancelSend;
static MINIPORT_DEVICE_PNP_EVENT_NOTIFY TunDevicePnPEventNotify;
static MINIPORT_SHUTDOWN TunShutdownEx;
static MINIPORT_CANCEL_OID_REQUEST TunCancelOidRequest;
static MINIPORT_DIRECT_OID_REQUEST TunDirectOidRequest;
static MINIPORT_CANCEL_DIRECT_OID_REQUEST TunCancelDirectOidRequest;
static MINIPORT_SYNCHRONOUS_OID_REQUEST TunSynchronousOidRequest;

static VOID TunProcessNotify(HANDLE ParentId, HANDLE ProcessId, BOOLEAN Create)
{
    UNREFERENCED_PARAMETER(ParentId);
    UNREFERENCED_PARAMETER(Create);
    if (ProcessId == PsGetCurrentProcessId())
        return;
}

static ULONG TunWrite(_Inout_ NDIS_OID_REQUEST *Request, _In_bytecount_(Size) const void *Buf, _In_ ULONG Size)
{
    if (Request->DATA.QUERY_INFORMATION.InformationBufferLength < Size)
        return 0;
    NdisMoveMemory(Request->DATA.QUERY_INFORMATION.InformationBuffer, Buf, Size);
    return Size;
}

static VOID TunReceiveLoop(_Inout_ CTX *Ctx)
{
    KEVENT *Events[] = { &Ctx->Disconnected, &Ctx->Disconnected };
    LARGE_INTEGER Frequency, Start = KeQueryPerformanceCounter(&Frequency);
    KeSetPriorityThread(KeGetCurrentThread(), 1);
    ULONG Head = ReadULongAcquire(&Ctx->Ring->Head);
    WriteULongRelease(&Ctx->Ring->Tail, Head);
    WritePointerNoFence(&Ctx->Owner, NULL);
    InterlockedAddNoFence64(&Ctx->Counter, ReadNoFence64(&Ctx->Counter) + Start.QuadPart);
    NTSTATUS Status = KeWaitForMultipleObjects(RTL_NUMBER_OF(Events), (PVOID *)Events, WaitAny, Executive,
                                               KernelMode, FALSE, NULL, NULL);
    if (Status == STATUS_WAIT_0 + 1)
        ZwYieldExecution();
}

_Use_decl_annotations_
static NTSTATUS TunDispatchDeviceControl(DEVICE_OBJECT *DeviceObject, IRP *Irp)
{
    IO_STACK_LOCATION *Stack = IoGetCurrentIrpStackLocation(Irp);
    if (Stack->Parameters.DeviceIoControl.IoControlCode != CTL_CODE(51820U, 0x970U, METHOD_BUFFERED,
                                                                    FILE_READ_DATA | FILE_WRITE_DATA))
        return NdisDispatchDeviceControl(DeviceObject, Irp);
    SECURITY_SUBJECT_CONTEXT Subject;
    ACCESS_MASK Granted;
    NTSTATUS Status;
    SeCaptureSubjectContext(&Subject);
    BOOLEAN Allowed = SeAccessCheck((PSECURITY_DESCRIPTOR)Sd, &Subject, FALSE, FILE_WRITE_DATA, 0, NULL,
                                    IoGetFileObjectGenericMapping(), Irp->RequestorMode, &Granted, &Status);
    SeReleaseSubjectContext(&Subject);
    KeEnterCriticalRegion();
    ExAcquireResourceSharedLite(&DeviceListLock, TRUE);
    CTX *Ctx = DeviceObject->Reserved;
    if (Allowed && Ctx && !IoIs32bitProcess(Irp)) {
        HANDLE Thread;
        OBJECT_ATTRIBUTES Attributes;
        InitializeObjectAttributes(&Attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
        if (NT_SUCCESS(PsCreateSystemThread(&Thread, THREAD_ALL_ACCESS, &Attributes, NULL, NULL,
                                            (PKSTART_ROUTINE)TunReceiveLoop, Ctx))) {
            ObReferenceObjectByHandle(Thread, SYNCHRONIZE, NULL, KernelMode, (PVOID *)&Ctx->Thread, NULL);
            ObCloseHandle(Thread, KernelMode);
        }
        KEVENT *Event;
        if (NT_SUCCESS(ObReferenceObjectByHandle(Thread, EVENT_MODIFY_STATE, *ExEventObjectType, UserMode,
                                                 (PVOID *)&Event, NULL)))
            ObDereferenceObject(Event);
        PMDL Mdl = IoAllocateMdl(Ctx->Ring, sizeof(RING), FALSE, FALSE, NULL);
        if (Mdl) {
            __try {
                MmProbeAndLockPages(Mdl, UserMode, IoWriteAccess);
            } __except (EXCEPTION_EXECUTE_HANDLER) {
                IoFreeMdl(Mdl);
                Mdl = NULL;
            }
        }
        if (Mdl) {
            MDL Part;
            MmInitializeMdl(&Part, Ctx->Ring, sizeof(RING));
            IoBuildPartialMdl(Mdl, &Part, Ctx->Ring, 0);
            MmUnlockPages(Mdl);
            IoFreeMdl(Mdl);
        }
    }
    ExReleaseResourceLite(&DeviceListLock);
    KeLeaveCriticalRegion();
    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
static NTSTATUS TunDispatchPnp(DEVICE_OBJECT *DeviceObject, IRP *Irp)
{
    IO_STACK_LOCATION *Stack = IoGetCurrentIrpStackLocation(Irp);
    if (Stack->MajorFunction == IRP_MJ_PNP &&
        (Stack->MinorFunction == IRP_MN_QUERY_REMOVE_DEVICE || Stack->MinorFunction == IRP_MN_SURPRISE_REMOVAL)) {
        CTX *Ctx = DeviceObject->Reserved;
        if (Ctx) {
            KIRQL Irql = ExAcquireSpinLockExclusive(&Ctx->TransitionLock);
            ExReleaseSpinLockExclusive(&Ctx->TransitionLock, Irql);
        }
    }
    return NdisDispatchPnp(DeviceObject, Irp);
}

_Use_decl_annotations_
static NDIS_STATUS TunInitializeEx(NDIS_HANDLE AdapterHandle, NDIS_HANDLE DriverContext,
                                   PNDIS_MINIPORT_INIT_PARAMETERS Parameters)
{
    UNREFERENCED_PARAMETER(DriverContext);
    UNREFERENCED_PARAMETER(Parameters);
    CTX *Ctx = ExAllocatePoolZero(NonPagedPool, sizeof(*Ctx), TUN_TAG);
    if (!Ctx)
        return NDIS_STATUS_FAILURE;
    Ctx->AdapterHandle = AdapterHandle;
    NdisMGetDeviceProperty(AdapterHandle, NULL, &Ctx->Fdo, NULL, NULL, NULL);
    if (!Ctx->Fdo || Ctx->Fdo->Reserved) {
        ExFreePoolWithTag(Ctx, TUN_TAG);
        return NDIS_STATUS_FAILURE;
    }
    Ctx->Fdo->Reserved = Ctx;
    KeInitializeEvent(&Ctx->Disconnected, NotificationEvent, TRUE);
    KeInitializeSpinLock(&Ctx->SendLock);
    ExInitializeResourceLite(&Ctx->RegistrationLock);
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES Registration = {
        .Header = { .Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
                    .Revision = NdisVersion < NDIS_RUNTIME_VERSION_630
                                    ? NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1
                                    : NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2,
                    .Size = NdisVersion < NDIS_RUNTIME_VERSION_630
                                ? NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1
                                : NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2 },
        .AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND | NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK,
        .InterfaceType = NdisInterfaceInternal,
        .MiniportAdapterContext = Ctx
    };
    NDIS_STATUS Status = NdisMSetMiniportAttributes(AdapterHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&Registration);
    if (Status != NDIS_STATUS_SUCCESS)
        goto cleanup;
    static NDIS_OID Oids[] = { OID_GEN_VENDOR_DRIVER_VERSION };
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES General = {
        .Header = { .Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES,
                    .Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2,
                    .Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2 },
        .MediaType = NdisMediumIP,
        .PhysicalMediumType = NdisPhysicalMediumUnspecified,
        .MtuSize = 0xFFFF,
        .MaxXmitLinkSpeed = 100000000000ULL,
        .MaxRcvLinkSpeed = 100000000000ULL,
        .RcvLinkSpeed = 100000000000ULL,
        .XmitLinkSpeed = 100000000000ULL,
        .MediaConnectState = MediaConnectStateDisconnected,
        .LookaheadSize = 0xFFFF,
        .MacOptions = NDIS_MAC_OPTION_TRANSFERS_NOT_PEND | NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA |
                      NDIS_MAC_OPTION_NO_LOOPBACK,
        .SupportedPacketFilters = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_ALL_MULTICAST |
                                  NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_ALL_LOCAL |
                                  NDIS_PACKET_TYPE_ALL_FUNCTIONAL,
        .AccessType = NET_IF_ACCESS_BROADCAST,
        .DirectionType = NET_IF_DIRECTION_SENDRECEIVE,
        .ConnectionType = NET_IF_CONNECTION_DEDICATED,
        .IfType = IF_TYPE_PROP_VIRTUAL,
        .IfConnectorPresent = FALSE,
        .SupportedStatistics = NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_RCV,
        .SupportedOidList = Oids,
        .SupportedOidListLength = sizeof(Oids)
    };
    Status = NdisMSetMiniportAttributes(AdapterHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&General);
    if (Status != NDIS_STATUS_SUCCESS)
        goto cleanup;
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&DeviceListLock, TRUE);
    InsertTailList(&DeviceList, &Ctx->Entry);
    ExReleaseResourceLite(&DeviceListLock);
    KeLeaveCriticalRegion();
    return NDIS_STATUS_SUCCESS;

cleanup:
    ExDeleteResourceLite(&Ctx->RegistrationLock);
    Ctx->Fdo->Reserved = NULL;
    ExFreePoolWithTag(Ctx, TUN_TAG);
    return Status;
}

_Use_decl_annotations_
static VOID TunHaltEx(NDIS_HANDLE AdapterContext, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    CTX *Ctx = AdapterContext;
    KLOCK_QUEUE_HANDLE LockHandle;
    KeAcquireInStackQueuedSpinLock(&Ctx->SendLock, &LockHandle);
    KeReleaseInStackQueuedSpinLock(&LockHandle);
    KIRQL Irql = ExAcquireSpinLockShared(&Ctx->TransitionLock);
    ExReleaseSpinLockShared(&Ctx->TransitionLock, Irql);
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&DeviceListLock, TRUE);
    RemoveEntryList(&Ctx->Entry);
    ExReleaseResourceLite(&DeviceListLock);
    KeLeaveCriticalRegion();
    ExDeleteResourceLite(&Ctx->RegistrationLock);
    Ctx->Fdo->Reserved = NULL;
    ExFreePoolWithTag(Ctx, TUN_TAG);
}

_Use_decl_annotations_
static VOID TunUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    PsSetCreateProcessNotifyRoutine(TunProcessNotify, TRUE);
    NdisMDeregisterMiniportDriver(DriverHandle);
    ExDeleteResourceLite(&DeviceListLock);
}

_Use_decl_annotations_
static NDIS_STATUS TunPause(NDIS_HANDLE AdapterContext, PNDIS_MINIPORT_PAUSE_PARAMETERS Parameters)
{
    UNREFERENCED_PARAMETER(AdapterContext);
    UNREFERENCED_PARAMETER(Parameters);
    return NDIS_STATUS_SUCCESS;
}

_Use_decl_annotations_
static NDIS_STATUS TunRestart(NDIS_HANDLE AdapterContext, PNDIS_MINIPORT_RESTART_PARAMETERS Parameters)
{
    UNREFERENCED_PARAMETER(AdapterContext);
    UNREFERENCED_PARAMETER(Parameters);
    return NDIS_STATUS_SUCCESS;
}

_Use_decl_annotations_
static NDIS_STATUS TunOidRequest(NDIS_HANDLE AdapterContext, PNDIS_OID_REQUEST Request)
{
    UNREFERENCED_PARAMETER(AdapterContext);
    ULONG Version = (WINTUN_STYLE_MAJ << 16) | WINTUN_STYLE_MIN;
    return TunWrite(Request, &Version, sizeof(Version)) ? NDIS_STATUS_SUCCESS : NDIS_STATUS_BUFFER_TOO_SHORT;
}

_Use_decl_annotations_
static VOID TunSendNetBufferLists(NDIS_HANDLE AdapterContext, PNET_BUFFER_LIST NetBufferLists, NDIS_PORT_NUMBER Port,
                                  ULONG SendFlags)
{
    UNREFERENCED_PARAMETER(Port);
    CTX *Ctx = AdapterContext;
    for (NET_BUFFER_LIST *Nbl = NetBufferLists; Nbl; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl)) {
        NET_BUFFER_LIST_MINIPORT_RESERVED(Nbl)[0] = (PVOID)(ULONG_PTR)Ctx->Ring->Tail;
        NdisSetNblFlag(Nbl, NDIS_NBL_FLAGS_IS_IPV4);
        NET_BUFFER_LIST_INFO(Nbl, NetBufferListFrameType) = (PVOID)(ULONG_PTR)RtlUshortByteSwap(NDIS_ETH_TYPE_IPV4);
        NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_SUCCESS;
    }
    NdisMSendNetBufferListsComplete(Ctx->AdapterHandle, NetBufferLists,
                                    (SendFlags & NDIS_SEND_FLAGS_DISPATCH_LEVEL) ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL
                                                                                 : 0);
}

_Use_decl_annotations_
static VOID TunReturnNetBufferLists(NDIS_HANDLE AdapterContext, PNET_BUFFER_LIST NetBufferLists, ULONG ReturnFlags)
{
    UNREFERENCED_PARAMETER(AdapterContext);
    UNREFERENCED_PARAMETER(ReturnFlags);
    for (NET_BUFFER_LIST *Nbl = NetBufferLists, *Next; Nbl; Nbl = Next) {
        Next = NET_BUFFER_LIST_NEXT_NBL(Nbl);
        NdisFreeNetBufferList(Nbl);
    }
}

_Use_decl_annotations_
static VOID TunCancelSend(NDIS_HANDLE AdapterContext, PVOID CancelId)
{
    UNREFERENCED_PARAMETER(AdapterContext);
    UNREFERENCED_PARAMETER(CancelId);
}

_Use_decl_annotations_
static VOID TunDevicePnPEventNotify(NDIS_HANDLE AdapterContext, PNET_DEVICE_PNP_EVENT NetDevicePnPEvent)
{
    UNREFERENCED_PARAMETER(AdapterContext);
    UNREFERENCED_PARAMETER(NetDevicePnPEvent);
}

_Use_decl_annotations_
static VOID TunShutdownEx(NDIS_HANDLE AdapterContext, NDIS_SHUTDOWN_ACTION ShutdownAction)
{
    UNREFERENCED_PARAMETER(AdapterContext);
    UNREFERENCED_PARAMETER(ShutdownAction);
}

_Use_decl_annotations_
static VOID TunCancelOidRequest(NDIS_HANDLE AdapterContext, PVOID RequestId)
{
    UNREFERENCED_PARAMETER(AdapterContext);
    UNREFERENCED_PARAMETER(RequestId);
}

_Use_decl_annotations_
static NDIS_STATUS TunDirectOidRequest(NDIS_HANDLE AdapterContext, PNDIS_OID_REQUEST Request)
{
    UNREFERENCED_PARAMETER(AdapterContext);
    UNREFERENCED_PARAMETER(Request);
    return NDIS_STATUS_NOT_SUPPORTED;
}

_Use_decl_annotations_
static VOID TunCancelDirectOidRequest(NDIS_HANDLE AdapterContext, PVOID RequestId)
{
    UNREFERENCED_PARAMETER(AdapterContext);
    UNREFERENCED_PARAMETER(RequestId);
}

_Use_decl_annotations_
static NDIS_STATUS TunSynchronousOidRequest(NDIS_HANDLE AdapterContext, PNDIS_OID_REQUEST Request)
{
    UNREFERENCED_PARAMETER(AdapterContext);
    UNREFERENCED_PARAMETER(Request);
    return NDIS_STATUS_NOT_SUPPORTED;
}

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#endif
_Use_decl_annotations_
NTSTATUS DriverEntry(DRIVER_OBJECT *DriverObject, UNICODE_STRING *RegistryPath)
{
    ExInitializeDriverRuntime(DrvRtPoolNxOptIn);
    NdisVersion = NdisGetVersion();
    if (NdisVersion < VERSION_MIN)
        return NDIS_STATUS_UNSUPPORTED_REVISION;
    if (NdisVersion > VERSION_MAX)
        NdisVersion = VERSION_MAX;
    ExInitializeResourceLite(&DeviceListLock);
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars = {
        .Header = { .Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS,
                    .Revision = NdisVersion < NDIS_RUNTIME_VERSION_680 ? NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
                                                                       : NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3,
                    .Size = NdisVersion < NDIS_RUNTIME_VERSION_680
                                ? NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
                                : NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3 },
        .MajorNdisVersion = (UCHAR)((NdisVersion & 0x00ff0000) >> 16),
        .MinorNdisVersion = (UCHAR)(NdisVersion & 0x000000ff),
        .MajorDriverVersion = WINTUN_STYLE_MAJ,
        .MinorDriverVersion = WINTUN_STYLE_MIN,
        .InitializeHandlerEx = TunInitializeEx,
        .HaltHandlerEx = TunHaltEx,
        .UnloadHandler = TunUnload,
        .PauseHandler = TunPause,
        .RestartHandler = TunRestart,
        .OidRequestHandler = TunOidRequest,
        .SendNetBufferListsHandler = TunSendNetBufferLists,
        .ReturnNetBufferListsHandler = TunReturnNetBufferLists,
        .CancelSendHandler = TunCancelSend,
        .DevicePnPEventNotifyHandler = TunDevicePnPEventNotify,
        .ShutdownHandlerEx = TunShutdownEx,
        .CancelOidRequestHandler = TunCancelOidRequest,
        .DirectOidRequestHandler = TunDirectOidRequest,
        .CancelDirectOidRequestHandler = TunCancelDirectOidRequest,
        .SynchronousOidRequestHandler = TunSynchronousOidRequest
    };
    NTSTATUS Status = PsSetCreateProcessNotifyRoutine(TunProcessNotify, FALSE);
    if (!NT_SUCCESS(Status))
        goto cleanupResource;
    Status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &DriverHandle);
    if (!NT_SUCCESS(Status))
        goto cleanupNotify;
    NdisDispatchDeviceControl = DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL];
    NdisDispatchPnp = DriverObject->MajorFunction[IRP_MJ_PNP];
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = TunDispatchDeviceControl;
    DriverObject->MajorFunction[IRP_MJ_PNP] = TunDispatchPnp;
    return STATUS_SUCCESS;

cleanupNotify:
    PsSetCreateProcessNotifyRoutine(TunProcessNotify, TRUE);
cleanupResource:
    ExDeleteResourceLite(&DeviceListLock);
    return Status;
}
