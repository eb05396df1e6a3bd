/* Hardware access for the miniport of a physical NIC that OpenNDIS does not model yet:
 * bus-master DMA and shared memory (include/ndis/hardware.h; registers, ports and
 * configuration space are bus.c's, interrupts interrupt.c's). Each of these is an export stub: a call says on stderr
 * that it is not supported, naming itself and the driver's call site, and fails the way its
 * DDI page lets it fail. None fakes a success. */
#include "ndis.h"

static const char ndis_hw_why[] = "OpenNDIS models no DMA yet";

/* `site` is VF_CALLER taken in the export itself, so it names the driver's call. */
static void ndis_hw_unsupported(const char *fn, const void *site)
{
    (void)ke_unsupported(fn, ndis_hw_why, site);
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
