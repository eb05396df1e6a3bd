/* The correct parts every rogue driver shares. */
#include "rogue.h"

NDIS_HANDLE RogueHandle;

static MINIPORT_INITIALIZE RogueInitialize;
static MINIPORT_HALT RogueHalt;
static MINIPORT_PAUSE RoguePause;
static MINIPORT_RESTART RogueRestart;
static MINIPORT_OID_REQUEST RogueOidRequest;
static MINIPORT_SEND_NET_BUFFER_LISTS RogueSend;
static MINIPORT_CANCEL_SEND RogueCancelSend;
static MINIPORT_DEVICE_PNP_EVENT_NOTIFY RoguePnp;
static MINIPORT_SHUTDOWN RogueShutdown;
static MINIPORT_CANCEL_OID_REQUEST RogueCancelOid;

static NDIS_STATUS RogueInitialize(NDIS_HANDLE h, NDIS_HANDLE c, PNDIS_MINIPORT_INIT_PARAMETERS p)
{
    UNREFERENCED_PARAMETER(h); UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(p);
    return NDIS_STATUS_NOT_SUPPORTED;
}
static VOID RogueHalt(NDIS_HANDLE c, NDIS_HALT_ACTION a) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(a); }
static NDIS_STATUS RoguePause(NDIS_HANDLE c, PNDIS_MINIPORT_PAUSE_PARAMETERS p)
{
    UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(p);
    return NDIS_STATUS_SUCCESS;
}
static NDIS_STATUS RogueRestart(NDIS_HANDLE c, PNDIS_MINIPORT_RESTART_PARAMETERS p)
{
    UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(p);
    return NDIS_STATUS_SUCCESS;
}
static NDIS_STATUS RogueOidRequest(NDIS_HANDLE c, PNDIS_OID_REQUEST r)
{
    UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(r);
    return NDIS_STATUS_NOT_SUPPORTED;
}
static VOID RogueSend(NDIS_HANDLE c, PNET_BUFFER_LIST n, NDIS_PORT_NUMBER p, ULONG f)
{
    UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(n); UNREFERENCED_PARAMETER(p); UNREFERENCED_PARAMETER(f);
}
static VOID RogueCancelSend(NDIS_HANDLE c, PVOID id) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(id); }
static VOID RoguePnp(NDIS_HANDLE c, PNET_DEVICE_PNP_EVENT e) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(e); }
static VOID RogueShutdown(NDIS_HANDLE c, NDIS_SHUTDOWN_ACTION a) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(a); }
static VOID RogueCancelOid(NDIS_HANDLE c, PVOID id) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(id); }

BOOLEAN RogueCheckForHang(NDIS_HANDLE c)
{
    UNREFERENCED_PARAMETER(c);
    return FALSE;
}

NDIS_STATUS RogueDirectOidRequest(NDIS_HANDLE c, PNDIS_OID_REQUEST r)
{
    UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(r);
    return NDIS_STATUS_NOT_SUPPORTED;
}

VOID RogueUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisMDeregisterMiniportDriver(RogueHandle);
}

VOID RogueCharacteristics(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS c)
{
    NdisZeroMemory(c, sizeof(*c));
    c->Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    c->Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    c->Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    c->MajorNdisVersion = 6;
    c->MinorNdisVersion = 0;
    c->InitializeHandlerEx = RogueInitialize;
    c->HaltHandlerEx = RogueHalt;
    c->UnloadHandler = RogueUnload;
    c->PauseHandler = RoguePause;
    c->RestartHandler = RogueRestart;
    c->OidRequestHandler = RogueOidRequest;
    c->SendNetBufferListsHandler = RogueSend;
    c->ReturnNetBufferListsHandler = RogueReturnNetBufferLists;
    c->CancelSendHandler = RogueCancelSend;
    c->DevicePnPEventNotifyHandler = RoguePnp;
    c->ShutdownHandlerEx = RogueShutdown;
    c->CancelOidRequestHandler = RogueCancelOid;
}

NDIS_STATUS RogueRegisterWith(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath,
                              SET_OPTIONS_HANDLER SetOptions, MINIPORT_DRIVER_UNLOAD Unload)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
    Chars.SetOptionsHandler = SetOptions;
    if (Unload != NULL)
        Chars.UnloadHandler = Unload;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle);
}

NDIS_STATUS RogueRegister(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    return RogueRegisterWith(DriverObject, RegistryPath, NULL, NULL);
}

static NDIS_TIMER_FUNCTION RogueTick;
static VOID RogueTick(PVOID SystemSpecific1, PVOID Context, PVOID SystemSpecific2, PVOID SystemSpecific3)
{
    UNREFERENCED_PARAMETER(SystemSpecific1); UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(SystemSpecific2); UNREFERENCED_PARAMETER(SystemSpecific3);
}

VOID RogueTimerCharacteristics(PNDIS_TIMER_CHARACTERISTICS Tc)
{
    NdisZeroMemory(Tc, sizeof(*Tc));
    Tc->Header.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS;
    Tc->Header.Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1;
    Tc->Header.Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1;
    Tc->AllocationTag = 'mitR';
    Tc->TimerFunction = RogueTick;
}

/* ---- a control device (the IRP rules' rogues) ---------------------------------------------- */
static NDIS_HANDLE RogueDeviceHandle;

static VOID RogueUnloadWithDevice(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisDeregisterDeviceEx(RogueDeviceHandle);
    NdisMDeregisterMiniportDriver(RogueHandle);
}

NDIS_STATUS RogueRegisterWithDevice(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath,
                                    PDRIVER_DISPATCH *MajorFunctions, ULONG DeviceFlags)
{
    static NDIS_STRING Name = NDIS_STRING_CONST("\\Device\\Rogue");
    static NDIS_STRING Link = NDIS_STRING_CONST("\\DosDevices\\Rogue");
    NDIS_STATUS Status = RogueRegisterWith(DriverObject, RegistryPath, NULL, RogueUnloadWithDevice);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    NDIS_DEVICE_OBJECT_ATTRIBUTES Attributes;
    PDEVICE_OBJECT Device;
    NdisZeroMemory(&Attributes, sizeof(Attributes));
    Attributes.Header.Type = NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES;
    Attributes.Header.Revision = NDIS_DEVICE_OBJECT_ATTRIBUTES_REVISION_1;
    Attributes.Header.Size = NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1;
    Attributes.DeviceName = &Name;
    Attributes.SymbolicName = &Link;
    Attributes.MajorFunctions = MajorFunctions;
    Status = NdisRegisterDeviceEx(RogueHandle, &Attributes, &Device, &RogueDeviceHandle);
    if (Status != NDIS_STATUS_SUCCESS) {
        NdisMDeregisterMiniportDriver(RogueHandle);
        return Status;
    }
    Device->Flags |= DeviceFlags;
    return NDIS_STATUS_SUCCESS;
}

NTSTATUS RogueCompleteIrp(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

VOID RogueReturnNetBufferLists(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Flags);
    for (PNET_BUFFER_LIST Nbl = Nbls, Next; Nbl; Nbl = Next) {
        Next = NET_BUFFER_LIST_NEXT_NBL(Nbl);
        NdisFreeNetBufferList(Nbl);
    }
}

NDIS_HANDLE RogueReceivePool(NDIS_HANDLE AdapterHandle, ULONG Tag)
{
    NET_BUFFER_LIST_POOL_PARAMETERS PoolParams;
    NdisZeroMemory(&PoolParams, sizeof(PoolParams));
    PoolParams.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    PoolParams.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    PoolParams.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    PoolParams.fAllocateNetBuffer = TRUE;
    PoolParams.PoolTag = Tag;
    PoolParams.DataSize = ROGUE_FRAME_MAX;
    return NdisAllocateNetBufferListPool(AdapterHandle, &PoolParams);
}

PNET_BUFFER_LIST RogueCopyFrame(NDIS_HANDLE Pool, NDIS_HANDLE AdapterHandle, PNET_BUFFER Nb, ULONG MinLength,
                                PUCHAR *Data)
{
    ULONG Length = NET_BUFFER_DATA_LENGTH(Nb);
    if (Length > ROGUE_FRAME_MAX || Length < MinLength)
        return NULL;
    PNET_BUFFER_LIST Rx = NdisAllocateNetBufferList(Pool, 0, 0);
    if (Rx == NULL)
        return NULL;
    PNET_BUFFER RxNb = NET_BUFFER_LIST_FIRST_NB(Rx);
    PUCHAR To = MmGetSystemAddressForMdlSafe(NET_BUFFER_CURRENT_MDL(RxNb), NormalPagePriority);
    To = To == NULL ? NULL : To + NET_BUFFER_CURRENT_MDL_OFFSET(RxNb);
    PUCHAR From = To == NULL ? NULL : NdisGetDataBuffer(Nb, Length, To, 1, 0);
    if (From == NULL) {
        NdisFreeNetBufferList(Rx);
        return NULL;
    }
    if (From != To)
        NdisMoveMemory(To, From, Length);
    NET_BUFFER_DATA_LENGTH(RxNb) = Length;
    Rx->SourceHandle = AdapterHandle;
    *Data = To;
    return Rx;
}

NDIS_STATUS RogueSetBasicAttributes(NDIS_HANDLE AdapterHandle, NDIS_HANDLE Context, const UCHAR *Mac, PNDIS_OID Oids,
                                    ULONG OidsLength)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES Registration;
    NdisZeroMemory(&Registration, sizeof(Registration));
    Registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
    Registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    Registration.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    Registration.MiniportAdapterContext = Context;
    NDIS_STATUS Status = NdisMSetMiniportAttributes(AdapterHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&Registration);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES General;
    NdisZeroMemory(&General, sizeof(General));
    General.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
    General.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    General.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    General.MediaType = NdisMedium802_3;
    General.MtuSize = 1500;
    General.MediaConnectState = MediaConnectStateConnected;
    General.MacAddressLength = 6;
    NdisMoveMemory(General.CurrentMacAddress, Mac, 6);
    NdisMoveMemory(General.PermanentMacAddress, Mac, 6);
    General.SupportedOidList = Oids;
    General.SupportedOidListLength = OidsLength;
    return NdisMSetMiniportAttributes(AdapterHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&General);
}

VOID RogueCompleteSends(NDIS_HANDLE AdapterHandle, PNET_BUFFER_LIST Nbls)
{
    for (PNET_BUFFER_LIST Nbl = Nbls; Nbl != NULL; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl))
        NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_SUCCESS;
    NdisMSendNetBufferListsComplete(AdapterHandle, Nbls, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
}

static VOID RogueInterruptsOnOff(NDIS_HANDLE Context)
{
    UNREFERENCED_PARAMETER(Context);
}

VOID RogueInterruptCharacteristics(PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS Chars, MINIPORT_ISR_HANDLER Isr,
                                   MINIPORT_INTERRUPT_DPC_HANDLER Dpc)
{
    NdisZeroMemory(Chars, sizeof(*Chars));
    Chars->Header.Type = NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT;
    Chars->Header.Revision = NDIS_MINIPORT_INTERRUPT_REVISION_1;
    Chars->Header.Size = NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1;
    Chars->InterruptHandler = Isr;
    Chars->InterruptDpcHandler = Dpc;
    Chars->DisableInterruptHandler = RogueInterruptsOnOff;
    Chars->EnableInterruptHandler = RogueInterruptsOnOff;
}

VOID RogueSgDmaDescription(PNDIS_SG_DMA_DESCRIPTION Dma, ULONG MaximumPhysicalMapping,
                           MINIPORT_PROCESS_SG_LIST_HANDLER ProcessSGList)
{
    NdisZeroMemory(Dma, sizeof(*Dma));
    Dma->Header.Type = NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION;
    Dma->Header.Revision = NDIS_SG_DMA_DESCRIPTION_REVISION_1;
    Dma->Header.Size = NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1;
    Dma->Flags = NDIS_SG_DMA_64_BIT_ADDRESS;
    Dma->MaximumPhysicalMapping = MaximumPhysicalMapping;
    Dma->ProcessSGListHandler = ProcessSGList;
}
