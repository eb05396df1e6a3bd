/* A small hardware miniport for test_bus's device model: in MiniportInitializeEx it finds
 * its memory and I/O BARs in AllocatedResources, reads its PCI identity, maps the memory BAR
 * and registers the port range, and leaves proof of each access in the device's registers:
 *
 *   reg 0 (read)   the device's ID          reg 1 (write)  ~ID, read through READ_REGISTER_ULONG
 *   reg 2 (write)  vendor | device << 16, as NdisMGetBusData read them
 *   reg 3 (write)  a USHORT and a UCHAR write, at offsets 12 and 14
 *   reg 4 (write)  what NdisRawReadPortUchar read back from port 1 after writing 0x5A
 *   port 4..7      NdisRawWritePortUlong(0xC0FFEE01); config command register set to 0x0006
 *
 * A hardware adapter without resources fails to initialize (NDIS_STATUS_RESOURCES). */
#include <ndis.h>

typedef struct _BUS_ADAPTER {
    NDIS_HANDLE Handle;
    PUCHAR Registers;
    ULONG RegistersLength;
    PUCHAR Ports;
    ULONG FirstPort, PortCount;
} BUS_ADAPTER, *PBUS_ADAPTER;

static NDIS_HANDLE BusDriver;
static NDIS_OID BusOids[] = { OID_GEN_CURRENT_PACKET_FILTER };

static NDIS_STATUS BusSetAttributes(PBUS_ADAPTER Adapter)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES Registration;
    NdisZeroMemory(&Registration, sizeof(Registration));
    Registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
    Registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    Registration.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    Registration.MiniportAdapterContext = Adapter;
    Registration.InterfaceType = NdisInterfacePci;
    NDIS_STATUS Status = NdisMSetMiniportAttributes(Adapter->Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&Registration);
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
    General.CurrentMacAddress[0] = General.PermanentMacAddress[0] = 0x02;
    General.SupportedOidList = BusOids;
    General.SupportedOidListLength = sizeof(BusOids);
    return NdisMSetMiniportAttributes(Adapter->Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&General);
}

static VOID BusRelease(PBUS_ADAPTER Adapter)
{
    if (Adapter->Registers != NULL)
        NdisMUnmapIoSpace(Adapter->Handle, Adapter->Registers, Adapter->RegistersLength);
    if (Adapter->Ports != NULL)
        NdisMDeregisterIoPortRange(Adapter->Handle, Adapter->FirstPort, Adapter->PortCount, Adapter->Ports);
    NdisFreeMemory(Adapter, 0, 0);
}

static NDIS_STATUS BusInitializeEx(NDIS_HANDLE Handle, NDIS_HANDLE DriverContext, PNDIS_MINIPORT_INIT_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(DriverContext);
    PNDIS_RESOURCE_LIST Resources = Params->AllocatedResources;
    if (Resources == NULL)
        return NDIS_STATUS_RESOURCES; /* no device behind this adapter */
    PBUS_ADAPTER Adapter = NdisAllocateMemoryWithTagPriority(Handle, sizeof(*Adapter), 'suBT', NormalPoolPriority);
    if (Adapter == NULL)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Adapter, sizeof(*Adapter));
    Adapter->Handle = Handle;
    NDIS_STATUS Status = BusSetAttributes(Adapter);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
    NDIS_PHYSICAL_ADDRESS Memory = { 0 };
    for (ULONG i = 0; i < Resources->Count; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR D = &Resources->PartialDescriptors[i];
        if (D->Type == CmResourceTypeMemory && Adapter->RegistersLength == 0) {
            Memory = D->u.Memory.Start;
            Adapter->RegistersLength = D->u.Memory.Length;
        } else if (D->Type == CmResourceTypePort && Adapter->PortCount == 0) {
            Adapter->FirstPort = D->u.Port.Start.LowPart;
            Adapter->PortCount = D->u.Port.Length;
        }
    }
    USHORT Identity[2] = { 0, 0 };
    if (Adapter->RegistersLength < 32 || Adapter->PortCount < 8 ||
        NdisMGetBusData(Handle, PCI_WHICHSPACE_CONFIG, 0, Identity, sizeof(Identity)) != sizeof(Identity)) {
        Status = NDIS_STATUS_RESOURCES;
        goto fail;
    }
    Status = NdisMMapIoSpace((PVOID *)&Adapter->Registers, Handle, Memory, Adapter->RegistersLength);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
    Status = NdisMRegisterIoPortRange((PVOID *)&Adapter->Ports, Handle, Adapter->FirstPort, Adapter->PortCount);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
    ULONG Id;
    NdisReadRegisterUlong(Adapter->Registers, &Id);
    NdisWriteRegisterUlong(Adapter->Registers + 4, ~Id);
    NdisWriteRegisterUlong(Adapter->Registers + 8, Identity[0] | (ULONG)Identity[1] << 16);
    NdisWriteRegisterUshort(Adapter->Registers + 12, 0xBEEF);
    NdisWriteRegisterUchar(Adapter->Registers + 14, 0x42);
    UCHAR Echo = 0;
    NdisRawWritePortUchar(Adapter->Ports + 1, 0x5A);
    NdisRawReadPortUchar(Adapter->Ports + 1, &Echo);
    NdisWriteRegisterUlong(Adapter->Registers + 16, Echo);
    NdisRawWritePortUlong(Adapter->Ports + 4, 0xC0FFEE01);
    USHORT Command = 0x0006;
    if (NdisMSetBusData(Handle, PCI_WHICHSPACE_CONFIG, 4, &Command, sizeof(Command)) != sizeof(Command)) {
        Status = NDIS_STATUS_FAILURE;
        goto fail;
    }
    return NDIS_STATUS_SUCCESS;
fail:
    BusRelease(Adapter);
    return Status;
}

static VOID BusHaltEx(NDIS_HANDLE Context, NDIS_HALT_ACTION Action)
{
    UNREFERENCED_PARAMETER(Action);
    BusRelease(Context);
}

static NDIS_STATUS BusPause(NDIS_HANDLE Context, PNDIS_MINIPORT_PAUSE_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Params);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS BusRestart(NDIS_HANDLE Context, PNDIS_MINIPORT_RESTART_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Params);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS BusOidRequest(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Request);
    return NDIS_STATUS_NOT_SUPPORTED;
}

static VOID BusSend(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Flags)
{
    PBUS_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Port);
    UNREFERENCED_PARAMETER(Flags);
    for (PNET_BUFFER_LIST Nbl = Nbls; Nbl != NULL; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl))
        NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_SUCCESS; /* the test device has no wire */
    NdisMSendNetBufferListsComplete(Adapter->Handle, Nbls, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
}

static VOID BusReturn(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, ULONG Flags)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Nbls);
    UNREFERENCED_PARAMETER(Flags);
}

static VOID BusCancelSend(NDIS_HANDLE Context, PVOID Id)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Id);
}

static VOID BusPnp(NDIS_HANDLE Context, PNET_DEVICE_PNP_EVENT Event)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Event);
}

static VOID BusShutdown(NDIS_HANDLE Context, NDIS_SHUTDOWN_ACTION Action)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Action);
}

static VOID BusCancelOid(NDIS_HANDLE Context, PVOID Id)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Id);
}

static VOID BusUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisMDeregisterMiniportDriver(BusDriver);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    NdisZeroMemory(&Chars, sizeof(Chars));
    Chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    Chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    Chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    Chars.MajorNdisVersion = 6;
    Chars.MinorNdisVersion = 0;
    Chars.InitializeHandlerEx = BusInitializeEx;
    Chars.HaltHandlerEx = BusHaltEx;
    Chars.UnloadHandler = BusUnload;
    Chars.PauseHandler = BusPause;
    Chars.RestartHandler = BusRestart;
    Chars.OidRequestHandler = BusOidRequest;
    Chars.SendNetBufferListsHandler = BusSend;
    Chars.ReturnNetBufferListsHandler = BusReturn;
    Chars.CancelSendHandler = BusCancelSend;
    Chars.DevicePnPEventNotifyHandler = BusPnp;
    Chars.ShutdownHandlerEx = BusShutdown;
    Chars.CancelOidRequestHandler = BusCancelOid;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &BusDriver);
}
