/* A hardware miniport for the scratch device (openndis verify --device scratch), built once
 * per BREAK_* macro: unbroken, MiniportInitializeEx maps the device's registers, registers its
 * interrupt, raises one through the device's interrupt-cause-set register and waits until its
 * DPC has run; then registers scatter/gather DMA, allocates shared memory and has the device's
 * DMA engine write into it, and gives the block to the device as a ring. MiniportHaltEx takes
 * the ring back and releases all of it. Each broken build makes one
 * interrupt or DMA mistake. */
#include "rogue.h"

#define SCRATCH_CAUSE 0x020
#define SCRATCH_RAISE 0x080
#define SCRATCH_DMA_ADDRESS 0x040
#define SCRATCH_DMA_LENGTH 0x048
#define SCRATCH_DMA_GO 0x04C
#define SCRATCH_DMA_STATUS 0x050
#define SCRATCH_RING_ADDRESS 0x058
#define SCRATCH_RING_LENGTH 0x060
#define IRQ_SHARED_LENGTH 512

typedef struct _IRQ_ADAPTER {
    NDIS_HANDLE Handle;
    PUCHAR Registers;
    ULONG RegistersLength;
    NDIS_HANDLE Interrupt;
    NDIS_SPIN_LOCK Lock;
    volatile LONG Dpcs;
    NDIS_HANDLE Dma;
    PVOID Shared;
    NDIS_PHYSICAL_ADDRESS SharedAddress;
    BOOLEAN RingGiven;
} IRQ_ADAPTER, *PIRQ_ADAPTER;

static NDIS_OID IrqOids[] = { OID_GEN_CURRENT_PACKET_FILTER };
static const UCHAR IrqMac[6] = { 0x02, 0, 0, 0, 0x1E, 1 };

static BOOLEAN IrqNothing(NDIS_HANDLE Context)
{
    UNREFERENCED_PARAMETER(Context);
    return TRUE;
}

static BOOLEAN IrqIsr(NDIS_HANDLE Context, PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors)
{
    PIRQ_ADAPTER Adapter = Context;
    ULONG Cause;
    NdisReadRegisterUlong(Adapter->Registers + SCRATCH_CAUSE, &Cause);
    *TargetProcessors = 0;
    *QueueDefaultInterruptDpc = Cause != 0;
#ifdef BREAK_ISR_DISPATCH_WORK
    NdisAcquireSpinLock(&Adapter->Lock); /* expect ND1101: rogue_hw_isr_dispatch_work */
    NdisReleaseSpinLock(&Adapter->Lock);
#endif
#ifdef BREAK_SYNC_IN_ISR
    NdisMSynchronizeWithInterruptEx(Adapter->Interrupt, 0, IrqNothing, Adapter); /* expect ND2304: rogue_hw_sync_in_isr */
#endif
    return Cause != 0;
}

static VOID IrqDpc(NDIS_HANDLE Context, PVOID DpcContext, PVOID Throttle, PVOID Reserved)
{
    PIRQ_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(DpcContext);
    UNREFERENCED_PARAMETER(Throttle);
    UNREFERENCED_PARAMETER(Reserved);
    NdisMSynchronizeWithInterruptEx(Adapter->Interrupt, 0, IrqNothing, Adapter);
    InterlockedIncrement(&Adapter->Dpcs);
}

static VOID IrqRelease(PIRQ_ADAPTER Adapter)
{
    if (Adapter->Interrupt != NULL) {
#ifndef BREAK_NOT_DEREGISTERED
        NdisMDeregisterInterruptEx(Adapter->Interrupt);
#endif
#ifdef BREAK_DPC_AFTER_DEREGISTER
        GROUP_AFFINITY First = { .Mask = 1 };
        NdisMQueueDpcEx(Adapter->Interrupt, 0, &First, NULL); /* expect ND2303: rogue_hw_dpc_after_deregister */
#endif
    }
#ifndef BREAK_FREE_HELD
    if (Adapter->RingGiven)
        NdisWriteRegisterUlong(Adapter->Registers + SCRATCH_RING_LENGTH, 0); /* the device lets go of it */
#endif
#ifndef BREAK_SHARED_MEMORY_LEAK
    if (Adapter->Shared != NULL) {
#ifdef BREAK_FREE_WRONG_LENGTH
        NdisMFreeSharedMemory(Adapter->Handle, IRQ_SHARED_LENGTH / 2, TRUE, Adapter->Shared, Adapter->SharedAddress); /* expect ND2306: rogue_hw_free_wrong_length */
#else
        NdisMFreeSharedMemory(Adapter->Handle, IRQ_SHARED_LENGTH, TRUE, Adapter->Shared, Adapter->SharedAddress); /* expect ND2308: rogue_hw_free_held */
#endif
    }
#endif
    if (Adapter->Dma != NULL)
        NdisMDeregisterScatterGatherDma(Adapter->Dma);
    if (Adapter->Registers != NULL)
        NdisMUnmapIoSpace(Adapter->Handle, Adapter->Registers, Adapter->RegistersLength);
    NdisFreeSpinLock(&Adapter->Lock);
    NdisFreeMemory(Adapter, 0, 0);
}

static VOID IrqSend(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Flags)
{
    UNREFERENCED_PARAMETER(Port);
    UNREFERENCED_PARAMETER(Flags);
    RogueCompleteSends(((PIRQ_ADAPTER)Context)->Handle, Nbls); /* the scratch device has no wire */
}

static VOID IrqProcessSGList(PDEVICE_OBJECT Pdo, PVOID Reserved, PSCATTER_GATHER_LIST Sgl, PVOID Context)
{
    UNREFERENCED_PARAMETER(Pdo);
    UNREFERENCED_PARAMETER(Reserved);
    UNREFERENCED_PARAMETER(Sgl);
    UNREFERENCED_PARAMETER(Context);
}

/* Scatter/gather DMA, shared memory, and one DMA of the device's into the block. */
static NDIS_STATUS IrqSetUpDma(PIRQ_ADAPTER Adapter)
{
    NDIS_SG_DMA_DESCRIPTION Dma;
    RogueSgDmaDescription(&Dma, 1514, IrqProcessSGList);
    NDIS_STATUS Status = NdisMRegisterScatterGatherDma(Adapter->Handle, &Dma, &Adapter->Dma);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    NdisMAllocateSharedMemory(Adapter->Handle, IRQ_SHARED_LENGTH, TRUE, &Adapter->Shared, &Adapter->SharedAddress); /* expect ND2307: rogue_hw_shared_memory_leak */
    if (Adapter->Shared == NULL)
        return NDIS_STATUS_RESOURCES;
    ULONG64 At = (ULONG64)Adapter->SharedAddress.QuadPart;
#ifdef BREAK_DMA_OUTSIDE
    At += IRQ_SHARED_LENGTH; /* just past the block */
#endif
    NdisWriteRegisterUlong(Adapter->Registers + SCRATCH_DMA_ADDRESS, (ULONG)At);
    NdisWriteRegisterUlong(Adapter->Registers + SCRATCH_DMA_ADDRESS + 4, (ULONG)(At >> 32));
    NdisWriteRegisterUlong(Adapter->Registers + SCRATCH_DMA_LENGTH, 64);
    NdisWriteRegisterUlong(Adapter->Registers + SCRATCH_DMA_GO, 2); /* expect ND2305: rogue_hw_dma_outside */
    ULONG Done;
    NdisReadRegisterUlong(Adapter->Registers + SCRATCH_DMA_STATUS, &Done);
#ifdef BREAK_DMA_OUTSIDE
    Done = 1; /* and carries on as if it had worked */
#endif
    if (Done != 1)
        return NDIS_STATUS_HARD_ERRORS;
    At = (ULONG64)Adapter->SharedAddress.QuadPart;
    NdisWriteRegisterUlong(Adapter->Registers + SCRATCH_RING_ADDRESS, (ULONG)At);
    NdisWriteRegisterUlong(Adapter->Registers + SCRATCH_RING_ADDRESS + 4, (ULONG)(At >> 32));
    NdisWriteRegisterUlong(Adapter->Registers + SCRATCH_RING_LENGTH, IRQ_SHARED_LENGTH);
    Adapter->RingGiven = TRUE;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS IrqInitializeEx(NDIS_HANDLE Handle, NDIS_HANDLE DriverContext, PNDIS_MINIPORT_INIT_PARAMETERS Params)
{
    UNREFERENCED_PARAMETER(DriverContext);
    PNDIS_RESOURCE_LIST Resources = Params->AllocatedResources;
    if (Resources == NULL)
        return NDIS_STATUS_RESOURCES; /* run without --device */
    PIRQ_ADAPTER Adapter = NdisAllocateMemoryWithTagPriority(Handle, sizeof(*Adapter), 'qrIR', NormalPoolPriority);
    if (Adapter == NULL)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Adapter, sizeof(*Adapter));
    Adapter->Handle = Handle;
    NdisAllocateSpinLock(&Adapter->Lock);
    NDIS_STATUS Status = RogueSetBasicAttributes(Handle, Adapter, IrqMac, IrqOids, sizeof(IrqOids));
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
    NDIS_PHYSICAL_ADDRESS Memory = { 0 };
    for (ULONG i = 0; i < Resources->Count; i++)
        if (Resources->PartialDescriptors[i].Type == CmResourceTypeMemory && Adapter->RegistersLength == 0) {
            Memory = Resources->PartialDescriptors[i].u.Memory.Start;
            Adapter->RegistersLength = Resources->PartialDescriptors[i].u.Memory.Length;
        }
    Status = Adapter->RegistersLength < 0x100 ? NDIS_STATUS_RESOURCES
                                               : NdisMMapIoSpace((PVOID *)&Adapter->Registers, Handle, Memory,
                                                                 Adapter->RegistersLength);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS Chars;
#ifndef BREAK_NO_DPC_HANDLER
    RogueInterruptCharacteristics(&Chars, IrqIsr, IrqDpc);
#else
    RogueInterruptCharacteristics(&Chars, IrqIsr, NULL);
    (void)IrqDpc;
#endif
    Status = NdisMRegisterInterruptEx(Handle, Adapter, &Chars, &Adapter->Interrupt); /* expect ND2302: rogue_hw_not_deregistered; expect ND2304: rogue_hw_no_dpc_handler */
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
    /* one interrupt, and its DPC, before the adapter is up */
    NdisWriteRegisterUlong(Adapter->Registers + SCRATCH_RAISE, 1);
    for (int i = 0; i < 2000 && Adapter->Dpcs == 0; i++)
        NdisMSleep(1000);
    if (Adapter->Dpcs == 0) {
        Status = NDIS_STATUS_HARD_ERRORS;
        goto fail;
    }
    Status = IrqSetUpDma(Adapter);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
    return NDIS_STATUS_SUCCESS;
fail:
    IrqRelease(Adapter);
    return Status;
}

static VOID IrqHaltEx(NDIS_HANDLE Context, NDIS_HALT_ACTION Action)
{
    UNREFERENCED_PARAMETER(Action);
    IrqRelease(Context);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
    Chars.InitializeHandlerEx = IrqInitializeEx;
    Chars.HaltHandlerEx = IrqHaltEx;
    Chars.SendNetBufferListsHandler = IrqSend;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle);
}

/* expect clean: rogue_hw_none */
