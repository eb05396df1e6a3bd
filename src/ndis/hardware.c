/* Hardware access OpenNDIS does not model yet: shared memory allocated asynchronously
 * (include/ndis/hardware.h; registers, ports and configuration space are bus.c's,
 * interrupts interrupt.c's, DMA and shared memory dma.c's). Each of these is an export stub: a call says on stderr
 * that it is not supported, naming itself and the driver's call site, and fails the way its
 * DDI page lets it fail. None fakes a success. */
#include "ndis.h"

static const char ndis_hw_why[] = "OpenNDIS allocates shared memory only synchronously yet";

/* `site` is VF_CALLER taken in the export itself, so it names the driver's call. */
static void ndis_hw_unsupported(const char *fn, const void *site)
{
    (void)ke_unsupported(fn, ndis_hw_why, site);
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
