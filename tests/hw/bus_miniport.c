/* A small hardware miniport for test_bus's device model: in MiniportInitializeEx it finds
 * its memory and I/O BARs in AllocatedResources, reads its PCI identity, maps the memory BAR
 * and registers the port range, and leaves proof of each access in the device's registers:
 *
 *   reg 0 (read)   the device's ID          reg 1 (write)  ~ID, read through READ_REGISTER_ULONG
 *   reg 2 (write)  vendor | device << 16, as NdisMGetBusData read them
 *   reg 3 (write)  a USHORT and a UCHAR write, at offsets 12 and 14
 *   reg 4 (write)  what NdisRawReadPortUchar read back from port 1 after writing 0x5A
 *   port 4..7      NdisRawWritePortUlong(0xC0FFEE01); port 8..9: READ_PORT_UCHAR(1) + 1 through
 *                  WRITE_PORT_USHORT; config command register set to 0x0006
 *
 * A hardware adapter without resources fails to initialize (NDIS_STATUS_RESOURCES). */
#include "../rogue/rogue.h" /* the no-op handlers and attributes every test miniport shares */

typedef struct _BUS_ADAPTER {
    NDIS_HANDLE Handle;
    PUCHAR Registers;
    ULONG RegistersLength;
    PUCHAR Ports;
    ULONG FirstPort, PortCount;
} BUS_ADAPTER, *PBUS_ADAPTER;

static NDIS_OID BusOids[] = { OID_GEN_CURRENT_PACKET_FILTER };
static const UCHAR BusMac[6] = { 0x02, 0, 0, 0, 0, 1 };

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
    NDIS_STATUS Status = RogueSetBasicAttributes(Handle, Adapter, BusMac, BusOids, sizeof(BusOids));
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
    if (Adapter->RegistersLength < 32 || Adapter->PortCount < 10 ||
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
    WRITE_PORT_USHORT((PUSHORT)(Adapter->Ports + 8), (USHORT)(READ_PORT_UCHAR(Adapter->Ports + 1) + 1));
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

static VOID BusSend(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Flags)
{
    PBUS_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Port);
    UNREFERENCED_PARAMETER(Flags);
    for (PNET_BUFFER_LIST Nbl = Nbls; Nbl != NULL; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl))
        NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_SUCCESS; /* the test device has no wire */
    NdisMSendNetBufferListsComplete(Adapter->Handle, Nbls, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
    Chars.InitializeHandlerEx = BusInitializeEx;
    Chars.HaltHandlerEx = BusHaltEx;
    Chars.SendNetBufferListsHandler = BusSend;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle);
}
