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
 *   0x64..0x6B     four USHORTs through WRITE_REGISTER_BUFFER_USHORT
 *   0x6C (write)   the sum of three READ_PORT_BUFFER_UCHARs of port 1; port 10 written by
 *                  WRITE_PORT_BUFFER_UCHAR
 *   0x130..0x153   the register buffer forms of every width (BusRegisterWidths)
 *   0x154..0x16F   the port forms of every width, the HAL's and NDIS's (BusPortWidths)
 *
 * and then registers its interrupt (MSI when the device offers messages) and services it:
 *
 *   0x20 (read)    the interrupt cause, cleared by the read: 0 means not ours (a shared line);
 *                  bit 1 asks for the DPC on every processor (NdisMQueueDpcEx), bit 2 for
 *                  one more on processor 0 (NdisMQueueDpc), bit 3 for the DPC to run twice
 *                  more by leaving MoreNblsPending set, bit 4 for the ISR to name every
 *                  processor in TargetProcessors instead of queuing the default DPC
 *   0x170 (write)  the processor the ISR ran on, + 1; 0x174 the TargetProcessorSet that
 *                  NdisMRegisterInterruptEx gave the last message (low half)
 *   0x24 (write)   the IRQL MiniportInterrupt ran at  0x3C (write) its MessageId + 1
 *   0x28 (write)   DPCs run, counted in MiniportSynchronizeInterrupt, whose IRQL goes to 0x34
 *   0x2C (write)   the IRQL MiniportInterruptDPC ran at
 *   0x30 (write)   InterruptType | MessageCount << 8, as NdisMRegisterInterruptEx granted
 *   0x38 (write)   the processors NdisMQueueDpcEx queued the DPC on
 *
 * and registers scatter/gather DMA and 256 bytes of shared memory, which it hands the test:
 *
 *   0x40, 0x48, 0x50 (write, low and high halves)  the DMA handle, the last scatter/gather
 *                  list MiniportProcessSGList got, the shared memory's virtual address
 *   0x74 (write)   the shared memory's bus address (low half; high at 0x78)
 *   0x80 + 16 i    MiniportProcessSGList's descriptors: element i's address (low, high) and
 *                  length, up to 8; then it rings the doorbell at 0x70 with their count
 *   0x100 (write)  NdisMGetDmaAlignment
 *   0x108, 0x110   512 bytes from NdisMAllocateSharedMemoryAsyncEx: the virtual and the bus
 *                  address MiniportSharedMemoryAllocateComplete got (low, high), 0x118 its
 *                  IRQL + 1, 0x11C 1 when it got the call's Context back
 *   0x120, 0x128   NdisAllocateSharedMemory's 1024 bytes: the virtual address, and the bus
 *                  address of its scatter/gather list's element
 *
 * A hardware adapter without resources fails to initialize (NDIS_STATUS_RESOURCES). */
#include "../rogue/rogue.h" /* the no-op handlers and attributes every test miniport shares */

typedef struct _BUS_ADAPTER {
    NDIS_HANDLE Handle;
    PUCHAR Registers;
    ULONG RegistersLength;
    PUCHAR Ports;
    ULONG FirstPort, PortCount;
    NDIS_HANDLE Interrupt;
    NDIS_HANDLE Dma;
    PUCHAR Shared;
    NDIS_PHYSICAL_ADDRESS SharedAddress;
    PUCHAR AsyncShared;
    NDIS_PHYSICAL_ADDRESS AsyncSharedAddress;
    NDIS_HANDLE Block;
    ULONG MoreRuns; /* MiniportInterruptDPC runs left with MoreNblsPending set */
} BUS_ADAPTER, *PBUS_ADAPTER;

#define BUS_SHARED_LENGTH 256
#define BUS_ASYNC_LENGTH 512
#define BUS_BLOCK_LENGTH 1024
#define BUS_ASYNC_CONTEXT ((PVOID)(ULONG_PTR)0xA5)

#define BUS_CAUSE 0x20
#define BUS_ISR_IRQL 0x24
#define BUS_DPCS 0x28
#define BUS_DPC_IRQL 0x2C
#define BUS_GRANTED 0x30
#define BUS_SYNC_IRQL 0x34
#define BUS_QUEUED 0x38
#define BUS_MESSAGE 0x3C
#define BUS_CAUSE_EVERY_PROCESSOR 0x2
#define BUS_CAUSE_PROCESSOR_0 0x4
#define BUS_CAUSE_MORE 0x8
#define BUS_CAUSE_TARGETS 0x10
#define BUS_ISR_PROCESSOR 0x170
#define BUS_MESSAGE_TARGETS 0x174

static NDIS_OID BusOids[] = { OID_GEN_CURRENT_PACKET_FILTER };
static const UCHAR BusMac[6] = { 0x02, 0, 0, 0, 0, 1 };

static VOID BusRelease(PBUS_ADAPTER Adapter)
{
    if (Adapter->Shared != NULL)
        NdisMFreeSharedMemory(Adapter->Handle, BUS_SHARED_LENGTH, TRUE, Adapter->Shared, Adapter->SharedAddress);
    if (Adapter->AsyncShared != NULL)
        NdisMFreeSharedMemory(Adapter->Handle, BUS_ASYNC_LENGTH, TRUE, Adapter->AsyncShared,
                              Adapter->AsyncSharedAddress);
    if (Adapter->Block != NULL)
        NdisFreeSharedMemory(Adapter->Handle, Adapter->Block);
    if (Adapter->Dma != NULL)
        NdisMDeregisterScatterGatherDma(Adapter->Dma);
    if (Adapter->Interrupt != NULL)
        NdisMDeregisterInterruptEx(Adapter->Interrupt);
    if (Adapter->Registers != NULL)
        NdisMUnmapIoSpace(Adapter->Handle, Adapter->Registers, Adapter->RegistersLength);
    if (Adapter->Ports != NULL)
        NdisMDeregisterIoPortRange(Adapter->Handle, Adapter->FirstPort, Adapter->PortCount, Adapter->Ports);
    NdisFreeMemory(Adapter, 0, 0);
}

/* Both ISRs: the cause register says whether the device raised it. */
static BOOLEAN BusService(PBUS_ADAPTER Adapter, ULONG MessageId, PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors)
{
    ULONG Cause;
    NdisReadRegisterUlong(Adapter->Registers + BUS_CAUSE, &Cause);
    NdisWriteRegisterUlong(Adapter->Registers + BUS_ISR_IRQL, KeGetCurrentIrql());
    NdisWriteRegisterUlong(Adapter->Registers + BUS_MESSAGE, MessageId + 1);
    NdisWriteRegisterUlong(Adapter->Registers + BUS_ISR_PROCESSOR, KeGetCurrentProcessorNumberEx(NULL) + 1);
    BOOLEAN Targets = (Cause & BUS_CAUSE_TARGETS) != 0;
    *TargetProcessors = Targets ? (ULONG)(((ULONG64)1 << KeQueryActiveProcessorCountEx(0)) - 1) : 0;
    *QueueDefaultInterruptDpc = Cause != 0 && !Targets;
    return Cause != 0;
}

static BOOLEAN BusIsr(NDIS_HANDLE Context, PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors)
{
    return BusService(Context, 0, QueueDefaultInterruptDpc, TargetProcessors);
}

static BOOLEAN BusMessageIsr(NDIS_HANDLE Context, ULONG MessageId, PBOOLEAN QueueDefaultInterruptDpc,
                             PULONG TargetProcessors)
{
    return BusService(Context, MessageId, QueueDefaultInterruptDpc, TargetProcessors);
}

static BOOLEAN BusCountDpc(NDIS_HANDLE Context)
{
    PBUS_ADAPTER Adapter = Context;
    ULONG Dpcs;
    NdisReadRegisterUlong(Adapter->Registers + BUS_DPCS, &Dpcs);
    NdisWriteRegisterUlong(Adapter->Registers + BUS_DPCS, Dpcs + 1);
    NdisWriteRegisterUlong(Adapter->Registers + BUS_SYNC_IRQL, KeGetCurrentIrql());
    return TRUE;
}

/* A DPC with context NULL is the ISR's; (PVOID)1 marks those NdisMQueueDpc(Ex) queued. */
static VOID BusDpcWork(PBUS_ADAPTER Adapter, ULONG MessageId, PVOID DpcContext, PNDIS_RECEIVE_THROTTLE_PARAMETERS Throttle)
{
    NdisWriteRegisterUlong(Adapter->Registers + BUS_DPC_IRQL, KeGetCurrentIrql());
    if (!NdisMSynchronizeWithInterruptEx(Adapter->Interrupt, MessageId, BusCountDpc, Adapter))
        return;
    ULONG Flags;
    NdisReadRegisterUlong(Adapter->Registers + BUS_CAUSE + 0x40, &Flags); /* the last cause, kept */
    if (DpcContext == NULL && (Flags & BUS_CAUSE_EVERY_PROCESSOR)) {
        GROUP_AFFINITY Every = { .Mask = ((KAFFINITY)1 << KeQueryActiveProcessorCountEx(0)) - 1 };
        KAFFINITY Queued = NdisMQueueDpcEx(Adapter->Interrupt, MessageId, &Every, (PVOID)1);
        NdisWriteRegisterUlong(Adapter->Registers + BUS_QUEUED, (ULONG)Queued);
    }
    if (DpcContext == NULL && (Flags & BUS_CAUSE_PROCESSOR_0))
        NdisWriteRegisterUlong(Adapter->Registers + BUS_QUEUED, NdisMQueueDpc(Adapter->Interrupt, MessageId, 1, (PVOID)1));
    if (DpcContext == NULL && (Flags & BUS_CAUSE_MORE)) {
        if (Adapter->MoreRuns == 0)
            Adapter->MoreRuns = 3; /* this run and two more */
        Throttle->MoreNblsPending = --Adapter->MoreRuns > 0;
    }
}

static VOID BusDpc(NDIS_HANDLE Context, PVOID DpcContext, PVOID Throttle, PVOID Reserved)
{
    UNREFERENCED_PARAMETER(Reserved);
    BusDpcWork(Context, 0, DpcContext, Throttle);
}

static VOID BusMessageDpc(NDIS_HANDLE Context, ULONG MessageId, PVOID DpcContext, PVOID Throttle, PVOID Reserved)
{
    UNREFERENCED_PARAMETER(Reserved);
    BusDpcWork(Context, MessageId, DpcContext, Throttle);
}

/* The device's interrupts are always on: nothing to mask. */
static VOID BusMessagesOnOff(NDIS_HANDLE Context, ULONG MessageId)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(MessageId);
}

static NDIS_STATUS BusRegisterInterrupt(PBUS_ADAPTER Adapter)
{
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS Chars;
    RogueInterruptCharacteristics(&Chars, BusIsr, BusDpc);
    Chars.MsiSupported = TRUE;
    Chars.MessageInterruptHandler = BusMessageIsr;
    Chars.MessageInterruptDpcHandler = BusMessageDpc;
    Chars.DisableMessageInterruptHandler = BusMessagesOnOff;
    Chars.EnableMessageInterruptHandler = BusMessagesOnOff;
    NDIS_STATUS Status = NdisMRegisterInterruptEx(Adapter->Handle, Adapter, &Chars, &Adapter->Interrupt);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    ULONG Messages = Chars.InterruptType == NDIS_CONNECT_MESSAGE_BASED ? Chars.MessageInfoTable->MessageCount : 0;
    NdisWriteRegisterUlong(Adapter->Registers + BUS_GRANTED, Chars.InterruptType | Messages << 8);
    if (Messages != 0)
        NdisWriteRegisterUlong(Adapter->Registers + BUS_MESSAGE_TARGETS,
                               (ULONG)Chars.MessageInfoTable->MessageInfo[Messages - 1].TargetProcessorSet);
    return NDIS_STATUS_SUCCESS;
}

static VOID BusWritePointer(PBUS_ADAPTER Adapter, ULONG Offset, ULONG64 Value)
{
    NdisWriteRegisterUlong(Adapter->Registers + Offset, (ULONG)Value);
    NdisWriteRegisterUlong(Adapter->Registers + Offset + 4, (ULONG)(Value >> 32));
}

/* Hands the list to the device: its descriptors, then the doorbell. */
static VOID BusProcessSGList(PDEVICE_OBJECT Pdo, PVOID Reserved, PSCATTER_GATHER_LIST Sgl, PVOID Context)
{
    PBUS_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Pdo);
    UNREFERENCED_PARAMETER(Reserved);
    ULONG Count = Sgl->NumberOfElements < 8 ? Sgl->NumberOfElements : 8;
    for (ULONG i = 0; i < Count; i++) {
        BusWritePointer(Adapter, 0x80 + 16 * i, (ULONG64)Sgl->Elements[i].Address.QuadPart);
        NdisWriteRegisterUlong(Adapter->Registers + 0x88 + 16 * i, Sgl->Elements[i].Length);
    }
    BusWritePointer(Adapter, 0x48, (ULONG_PTR)Sgl);
    NdisWriteRegisterUlong(Adapter->Registers + 0x70, Count);
}

/* The end of NdisMAllocateSharedMemoryAsyncEx, on a worker at PASSIVE_LEVEL. */
static VOID BusAsyncAllocated(NDIS_HANDLE Context, PVOID VirtualAddress, PNDIS_PHYSICAL_ADDRESS PhysicalAddress,
                              ULONG Length, PVOID AllocateContext)
{
    PBUS_ADAPTER Adapter = Context;
    if (VirtualAddress == NULL || Length != BUS_ASYNC_LENGTH)
        return;
    Adapter->AsyncShared = VirtualAddress;
    Adapter->AsyncSharedAddress = *PhysicalAddress;
    BusWritePointer(Adapter, 0x108, (ULONG_PTR)VirtualAddress);
    BusWritePointer(Adapter, 0x110, (ULONG64)PhysicalAddress->QuadPart);
    NdisWriteRegisterUlong(Adapter->Registers + 0x118, KeGetCurrentIrql() + 1u);
    NdisWriteRegisterUlong(Adapter->Registers + 0x11C, AllocateContext == BUS_ASYNC_CONTEXT);
}

/* NDIS 6.20's shared memory, whose one scatter/gather element the device reaches. */
static NDIS_STATUS BusAllocateBlock(PBUS_ADAPTER Adapter)
{
    UCHAR SgRoom[sizeof(SCATTER_GATHER_LIST) + sizeof(SCATTER_GATHER_ELEMENT)];
    PSCATTER_GATHER_LIST Sgl = (PSCATTER_GATHER_LIST)SgRoom;
    NDIS_SHARED_MEMORY_PARAMETERS P;
    NdisZeroMemory(&P, sizeof(P));
    P.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    P.Header.Revision = NDIS_SHARED_MEMORY_PARAMETERS_REVISION_1;
    P.Header.Size = NDIS_SIZEOF_SHARED_MEMORY_PARAMETERS_REVISION_1;
    P.Usage = NdisSharedMemoryUsageReceive;
    P.Length = BUS_BLOCK_LENGTH;
    P.SGListBufferLength = sizeof(SgRoom);
    P.SGListBuffer = Sgl;
    NDIS_STATUS Status = NdisAllocateSharedMemory(Adapter->Handle, &P, &Adapter->Block);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    BusWritePointer(Adapter, 0x120, (ULONG_PTR)P.VirtualAddress);
    BusWritePointer(Adapter, 0x128, (ULONG64)Sgl->Elements[0].Address.QuadPart);
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS BusSetUpDma(PBUS_ADAPTER Adapter)
{
    NDIS_SG_DMA_DESCRIPTION Dma;
    RogueSgDmaDescription(&Dma, 65536, BusProcessSGList);
    Dma.SharedMemAllocateCompleteHandler = BusAsyncAllocated;
    NDIS_STATUS Status = NdisMRegisterScatterGatherDma(Adapter->Handle, &Dma, &Adapter->Dma);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    if (Dma.ScatterGatherListSize < sizeof(SCATTER_GATHER_LIST) + 17 * sizeof(SCATTER_GATHER_ELEMENT))
        return NDIS_STATUS_FAILURE; /* 64 KiB starting mid-page takes 17 pages */
    NdisMAllocateSharedMemory(Adapter->Handle, BUS_SHARED_LENGTH, TRUE, (PVOID *)&Adapter->Shared,
                              &Adapter->SharedAddress);
    if (Adapter->Shared == NULL)
        return NDIS_STATUS_RESOURCES;
    BusWritePointer(Adapter, 0x40, (ULONG_PTR)Adapter->Dma);
    BusWritePointer(Adapter, 0x50, (ULONG_PTR)Adapter->Shared);
    BusWritePointer(Adapter, 0x74, (ULONG64)Adapter->SharedAddress.QuadPart);
    NdisWriteRegisterUlong(Adapter->Registers + 0x100, NdisMGetDmaAlignment(Adapter->Handle));
    if (NdisMAllocateSharedMemoryAsyncEx(Adapter->Dma, BUS_ASYNC_LENGTH, TRUE, BUS_ASYNC_CONTEXT) != NDIS_STATUS_PENDING)
        return NDIS_STATUS_RESOURCES;
    return BusAllocateBlock(Adapter);
}

/* Every width of the register buffer forms: four bytes and two ULONGs written at 0x130, read
 * back three ways and written again: the ULONGs to 0x140, the bytes of 0x134 to 0x14C, the
 * USHORTs of 0x138 to 0x150. */
static VOID BusRegisterWidths(PBUS_ADAPTER Adapter)
{
    PUCHAR R = Adapter->Registers;
    UCHAR Bytes[4] = { 1, 2, 3, 4 };
    ULONG Longs[3] = { 0xA1A2A3A4, 0xB1B2B3B4, 0 };
    USHORT Shorts[2];
    WRITE_REGISTER_BUFFER_UCHAR(R + 0x130, Bytes, 4);
    WRITE_REGISTER_BUFFER_ULONG((volatile ULONG *)(R + 0x134), Longs, 2);
    READ_REGISTER_BUFFER_ULONG((volatile ULONG *)(R + 0x130), Longs, 3);
    WRITE_REGISTER_BUFFER_ULONG((volatile ULONG *)(R + 0x140), Longs, 3);
    READ_REGISTER_BUFFER_UCHAR(R + 0x134, Bytes, 4);
    WRITE_REGISTER_BUFFER_UCHAR(R + 0x14C, Bytes, 4);
    READ_REGISTER_BUFFER_USHORT((volatile USHORT *)(R + 0x138), Shorts, 2);
    WRITE_REGISTER_BUFFER_USHORT((volatile USHORT *)(R + 0x150), Shorts, 2);
}

/* Every width of the port forms. The buffer forms use one port for every element, so what a
 * buffer read gets is the last element the buffer write put there. Results from 0x154. */
static VOID BusPortWidths(PBUS_ADAPTER Adapter)
{
    PUCHAR P = Adapter->Ports, R = Adapter->Registers;
    WRITE_PORT_UCHAR(P, 0x11);
    WRITE_PORT_ULONG((PULONG)(P + 12), 0x89ABCDEF);
    NdisWriteRegisterUlong(R + 0x154, READ_PORT_USHORT((PUSHORT)(P + 12)) | (ULONG)READ_PORT_UCHAR(P) << 16);
    NdisWriteRegisterUlong(R + 0x158, READ_PORT_ULONG((PULONG)(P + 12)));
    USHORT Shorts[2] = { 0x1234, 0x5678 };
    ULONG Longs[2] = { 0x01020304, 0x0A0B0C0D };
    UCHAR Bytes[3] = { 0x21, 0x22, 0x23 };
    WRITE_PORT_BUFFER_USHORT((PUSHORT)(P + 2), Shorts, 2);
    WRITE_PORT_BUFFER_ULONG((PULONG)(P + 12), Longs, 2);
    READ_PORT_BUFFER_USHORT((PUSHORT)(P + 2), Shorts, 2);
    READ_PORT_BUFFER_ULONG((PULONG)(P + 12), Longs, 2);
    NdisWriteRegisterUlong(R + 0x15C, (ULONG)Shorts[0] + Shorts[1]);
    NdisWriteRegisterUlong(R + 0x160, Longs[0] + Longs[1]);
    NdisRawWritePortBufferUchar(P, Bytes, 3);
    NdisRawReadPortBufferUchar(P, Bytes, 2);
    Shorts[0] = 0x4444, Shorts[1] = 0x5555;
    NdisRawWritePortBufferUshort(P + 2, Shorts, 2);
    NdisRawReadPortBufferUshort(P + 2, Shorts, 1);
    Longs[0] = 0x600D600D;
    NdisRawWritePortBufferUlong(P + 12, Longs, 1);
    Longs[0] = 0;
    NdisRawReadPortBufferUlong(P + 12, Longs, 1);
    NdisWriteRegisterUlong(R + 0x164, (ULONG)Bytes[0] + Bytes[1]);
    NdisWriteRegisterUlong(R + 0x168, Shorts[0]);
    NdisWriteRegisterUlong(R + 0x16C, Longs[0]);
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
    if (Adapter->RegistersLength < 32 || Adapter->PortCount < 16 ||
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
    USHORT Words[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };
    WRITE_REGISTER_BUFFER_USHORT((volatile USHORT *)(Adapter->Registers + 0x64), Words, 4);
    UCHAR Fifo[3] = { 0, 0, 0 };
    READ_PORT_BUFFER_UCHAR(Adapter->Ports + 1, Fifo, 3);
    NdisWriteRegisterUlong(Adapter->Registers + 0x6C, (ULONG)Fifo[0] + Fifo[1] + Fifo[2]);
    WRITE_PORT_BUFFER_UCHAR(Adapter->Ports + 10, Fifo, 1);
    BusRegisterWidths(Adapter);
    BusPortWidths(Adapter);
    USHORT Command = 0x0006;
    if (NdisMSetBusData(Handle, PCI_WHICHSPACE_CONFIG, 4, &Command, sizeof(Command)) != sizeof(Command)) {
        Status = NDIS_STATUS_FAILURE;
        goto fail;
    }
    Status = BusRegisterInterrupt(Adapter);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
    Status = BusSetUpDma(Adapter);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
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
    UNREFERENCED_PARAMETER(Port);
    UNREFERENCED_PARAMETER(Flags);
    RogueCompleteSends(((PBUS_ADAPTER)Context)->Handle, Nbls); /* the test device has no wire */
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
