/* Hardware access for the miniport of a physical NIC: interrupts, bus-master DMA and shared
 * memory, I/O ports, memory-mapped registers, PCI configuration space and the PnP optional
 * handlers (include/ndis/hardware.h). OpenNDIS emulates no hardware bus yet, so each of
 * these is an export stub: a call says on stderr that it is not supported, naming itself
 * and the driver's call site, and fails the way its DDI page lets it fail. None fakes a
 * success; a read returns all ones, what a read from an absent device gives. */
#include "ndis.h"

static const char ndis_hw_why[] = "OpenNDIS emulates no hardware bus yet";

/* `site` is VF_CALLER taken in the export itself, so it names the driver's call. */
static void ndis_hw_unsupported(const char *fn, const void *site)
{
    (void)ke_unsupported(fn, ndis_hw_why, site);
}

/* ---- interrupts ---------------------------------------------------------------------------- */
NDISAPI NDIS_STATUS NdisMRegisterInterruptEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportInterruptContext,
                                             PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS MiniportInterruptCharacteristics,
                                             PNDIS_HANDLE NdisInterruptHandle)
{
    (void)MiniportAdapterHandle, (void)MiniportInterruptContext, (void)MiniportInterruptCharacteristics;
    ndis_hw_unsupported("NdisMRegisterInterruptEx", VF_CALLER);
    if (NdisInterruptHandle != NULL)
        *NdisInterruptHandle = NULL;
    return NDIS_STATUS_NOT_SUPPORTED;
}

NDISAPI VOID NdisMDeregisterInterruptEx(NDIS_HANDLE NdisInterruptHandle)
{
    (void)NdisInterruptHandle;
    ndis_hw_unsupported("NdisMDeregisterInterruptEx", VF_CALLER);
}

/* No interrupt is ever registered, so there is none to synchronize with: the function is
 * not run, and FALSE is what the driver gets. */
NDISAPI BOOLEAN NdisMSynchronizeWithInterruptEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                                                MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER SynchronizeFunction,
                                                PVOID SynchronizeContext)
{
    (void)NdisInterruptHandle, (void)MessageId, (void)SynchronizeFunction, (void)SynchronizeContext;
    ndis_hw_unsupported("NdisMSynchronizeWithInterruptEx", VF_CALLER);
    return FALSE;
}

/* Both return the processors a DPC was queued on: none. */
NDISAPI ULONG NdisMQueueDpc(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, ULONG TargetProcessors,
                            PVOID MiniportDpcContext)
{
    (void)NdisInterruptHandle, (void)MessageId, (void)TargetProcessors, (void)MiniportDpcContext;
    ndis_hw_unsupported("NdisMQueueDpc", VF_CALLER);
    return 0;
}

NDISAPI KAFFINITY NdisMQueueDpcEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, PGROUP_AFFINITY TargetProcessors,
                                  PVOID MiniportDpcContext)
{
    (void)NdisInterruptHandle, (void)MessageId, (void)TargetProcessors, (void)MiniportDpcContext;
    ndis_hw_unsupported("NdisMQueueDpcEx", VF_CALLER);
    return 0;
}

/* ---- scatter/gather DMA and shared memory ---------------------------------------------------- */
NDISAPI NDIS_STATUS NdisMRegisterScatterGatherDma(NDIS_HANDLE MiniportAdapterHandle,
                                                  PNDIS_SG_DMA_DESCRIPTION DmaDescription,
                                                  PNDIS_HANDLE NdisMiniportDmaHandle)
{
    (void)MiniportAdapterHandle, (void)DmaDescription;
    ndis_hw_unsupported("NdisMRegisterScatterGatherDma", VF_CALLER);
    if (NdisMiniportDmaHandle != NULL)
        *NdisMiniportDmaHandle = NULL;
    return NDIS_STATUS_NOT_SUPPORTED;
}

NDISAPI VOID NdisMDeregisterScatterGatherDma(NDIS_HANDLE NdisMiniportDmaHandle)
{
    (void)NdisMiniportDmaHandle;
    ndis_hw_unsupported("NdisMDeregisterScatterGatherDma", VF_CALLER);
}

/* The page lists one failure: NDIS_STATUS_RESOURCES. */
NDISAPI NDIS_STATUS NdisMAllocateNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, PNET_BUFFER NetBuffer,
                                                 PVOID Context, ULONG Flags, PVOID ScatterGatherListBuffer,
                                                 ULONG ScatterGatherListBufferSize)
{
    (void)NdisMiniportDmaHandle, (void)NetBuffer, (void)Context, (void)Flags, (void)ScatterGatherListBuffer,
        (void)ScatterGatherListBufferSize;
    ndis_hw_unsupported("NdisMAllocateNetBufferSGList", VF_CALLER);
    return NDIS_STATUS_RESOURCES;
}

NDISAPI VOID NdisMFreeNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, PSCATTER_GATHER_LIST pSGL,
                                      PNET_BUFFER NetBuffer)
{
    (void)NdisMiniportDmaHandle, (void)pSGL, (void)NetBuffer;
    ndis_hw_unsupported("NdisMFreeNetBufferSGList", VF_CALLER);
}

/* Failure is a NULL virtual address (and, here, a zero physical one). */
NDISAPI VOID NdisMAllocateSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                                       PVOID *VirtualAddress, PNDIS_PHYSICAL_ADDRESS PhysicalAddress)
{
    (void)MiniportAdapterHandle, (void)Length, (void)Cached;
    ndis_hw_unsupported("NdisMAllocateSharedMemory", VF_CALLER);
    if (VirtualAddress != NULL)
        *VirtualAddress = NULL;
    if (PhysicalAddress != NULL)
        PhysicalAddress->QuadPart = 0;
}

NDISAPI VOID NdisMFreeSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                                   PVOID VirtualAddress, NDIS_PHYSICAL_ADDRESS PhysicalAddress)
{
    (void)MiniportAdapterHandle, (void)Length, (void)Cached, (void)VirtualAddress, (void)PhysicalAddress;
    ndis_hw_unsupported("NdisMFreeSharedMemory", VF_CALLER);
}

/* The page's only failure: NDIS_STATUS_FAILURE (MiniportSharedMemoryAllocateComplete is
 * not called then). */
NDISAPI NDIS_STATUS NdisMAllocateSharedMemoryAsyncEx(NDIS_HANDLE MiniportDmaHandle, ULONG Length, BOOLEAN Cached,
                                                     PVOID Context)
{
    (void)MiniportDmaHandle, (void)Length, (void)Cached, (void)Context;
    ndis_hw_unsupported("NdisMAllocateSharedMemoryAsyncEx", VF_CALLER);
    return NDIS_STATUS_FAILURE;
}

/* ---- I/O ports and mapped device memory -------------------------------------------------------- */
NDISAPI NDIS_STATUS NdisMRegisterIoPortRange(PVOID *PortOffset, NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort,
                                             UINT NumberOfPorts)
{
    (void)MiniportAdapterHandle, (void)InitialPort, (void)NumberOfPorts;
    ndis_hw_unsupported("NdisMRegisterIoPortRange", VF_CALLER);
    if (PortOffset != NULL)
        *PortOffset = NULL;
    return NDIS_STATUS_NOT_SUPPORTED;
}

NDISAPI VOID NdisMDeregisterIoPortRange(NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort, UINT NumberOfPorts,
                                        PVOID PortOffset)
{
    (void)MiniportAdapterHandle, (void)InitialPort, (void)NumberOfPorts, (void)PortOffset;
    ndis_hw_unsupported("NdisMDeregisterIoPortRange", VF_CALLER);
}

NDISAPI NDIS_STATUS NdisMMapIoSpace(PVOID *VirtualAddress, NDIS_HANDLE MiniportAdapterHandle,
                                    NDIS_PHYSICAL_ADDRESS PhysicalAddress, UINT Length)
{
    (void)MiniportAdapterHandle, (void)PhysicalAddress, (void)Length;
    ndis_hw_unsupported("NdisMMapIoSpace", VF_CALLER);
    if (VirtualAddress != NULL)
        *VirtualAddress = NULL; /* as the page says of any failure */
    return NDIS_STATUS_NOT_SUPPORTED;
}

NDISAPI VOID NdisMUnmapIoSpace(NDIS_HANDLE MiniportAdapterHandle, PVOID VirtualAddress, UINT Length)
{
    (void)MiniportAdapterHandle, (void)VirtualAddress, (void)Length;
    ndis_hw_unsupported("NdisMUnmapIoSpace", VF_CALLER);
}

/* The macros of the same names (hardware.h) stand in front of these definitions. */
NDISAPI VOID(NdisRawReadPortUchar)(ULONG_PTR Port, PUCHAR Data)
{
    (void)Port;
    ndis_hw_unsupported("NdisRawReadPortUchar", VF_CALLER);
    if (Data != NULL)
        *Data = 0xFF;
}

NDISAPI VOID(NdisRawReadPortUshort)(ULONG_PTR Port, PUSHORT Data)
{
    (void)Port;
    ndis_hw_unsupported("NdisRawReadPortUshort", VF_CALLER);
    if (Data != NULL)
        *Data = 0xFFFF;
}

NDISAPI VOID(NdisRawReadPortUlong)(ULONG_PTR Port, PULONG Data)
{
    (void)Port;
    ndis_hw_unsupported("NdisRawReadPortUlong", VF_CALLER);
    if (Data != NULL)
        *Data = 0xFFFFFFFF;
}

NDISAPI VOID(NdisRawWritePortUchar)(ULONG_PTR Port, UCHAR Data)
{
    (void)Port, (void)Data;
    ndis_hw_unsupported("NdisRawWritePortUchar", VF_CALLER);
}

NDISAPI VOID(NdisRawWritePortUshort)(ULONG_PTR Port, USHORT Data)
{
    (void)Port, (void)Data;
    ndis_hw_unsupported("NdisRawWritePortUshort", VF_CALLER);
}

NDISAPI VOID(NdisRawWritePortUlong)(ULONG_PTR Port, ULONG Data)
{
    (void)Port, (void)Data;
    ndis_hw_unsupported("NdisRawWritePortUlong", VF_CALLER);
}

/* What NdisRead/WriteRegisterXxx expand to. */
NTKERNELAPI UCHAR READ_REGISTER_UCHAR(volatile UCHAR *Register)
{
    (void)Register;
    ndis_hw_unsupported("READ_REGISTER_UCHAR", VF_CALLER);
    return 0xFF;
}

NTKERNELAPI USHORT READ_REGISTER_USHORT(volatile USHORT *Register)
{
    (void)Register;
    ndis_hw_unsupported("READ_REGISTER_USHORT", VF_CALLER);
    return 0xFFFF;
}

NTKERNELAPI ULONG READ_REGISTER_ULONG(volatile ULONG *Register)
{
    (void)Register;
    ndis_hw_unsupported("READ_REGISTER_ULONG", VF_CALLER);
    return 0xFFFFFFFF;
}

NTKERNELAPI VOID WRITE_REGISTER_UCHAR(volatile UCHAR *Register, UCHAR Value)
{
    (void)Register, (void)Value;
    ndis_hw_unsupported("WRITE_REGISTER_UCHAR", VF_CALLER);
}

NTKERNELAPI VOID WRITE_REGISTER_USHORT(volatile USHORT *Register, USHORT Value)
{
    (void)Register, (void)Value;
    ndis_hw_unsupported("WRITE_REGISTER_USHORT", VF_CALLER);
}

NTKERNELAPI VOID WRITE_REGISTER_ULONG(volatile ULONG *Register, ULONG Value)
{
    (void)Register, (void)Value;
    ndis_hw_unsupported("WRITE_REGISTER_ULONG", VF_CALLER);
}

/* ---- bus configuration space: both return the bytes moved, none ------------------------------ */
NDISAPI ULONG NdisMGetBusData(NDIS_HANDLE NdisMiniportHandle, ULONG WhichSpace, ULONG Offset, PVOID Buffer,
                              ULONG Length)
{
    (void)NdisMiniportHandle, (void)WhichSpace, (void)Offset, (void)Buffer, (void)Length;
    ndis_hw_unsupported("NdisMGetBusData", VF_CALLER);
    return 0;
}

NDISAPI ULONG NdisMSetBusData(NDIS_HANDLE NdisMiniportHandle, ULONG WhichSpace, ULONG Offset, PVOID Buffer,
                              ULONG Length)
{
    (void)NdisMiniportHandle, (void)WhichSpace, (void)Offset, (void)Buffer, (void)Length;
    ndis_hw_unsupported("NdisMSetBusData", VF_CALLER);
    return 0;
}

