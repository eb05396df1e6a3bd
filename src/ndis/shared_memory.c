/* NDIS shared memory (6.20+): NdisAllocateSharedMemory / NdisFreeSharedMemory, the buffers a
 * VMQ miniport hangs its receive queues on. NDIS's own provider is played here: the block
 * comes from the adapter's tracked pool (an unfreed block is a leak at halt), and its
 * scatter/gather list is one element: the block's bus address in the DMA map (dma.c) when the
 * adapter has a device model, else the virtual address, since no device reads it. */
#include "ndis.h"

struct ndis_shared_memory {
    void *buffer;
    ULONG length;
};

static bool ndis_shared_params_ok(PNDIS_SHARED_MEMORY_PARAMETERS p, const char *fn, const void *site)
{
    if (p == NULL) {
        vf_violation(VF_DATA_PATH_INVALID, fn, site, "SharedMemoryParameters is NULL");
        return false;
    }
    if (p->Header.Type != NDIS_OBJECT_TYPE_DEFAULT || p->Header.Revision < NDIS_SHARED_MEMORY_PARAMETERS_REVISION_1 ||
        p->Header.Size < NDIS_SIZEOF_SHARED_MEMORY_PARAMETERS_REVISION_1) {
        vf_violation(VF_DATA_PATH_INVALID, fn, site,
                     "SharedMemoryParameters header is Type 0x%02X Revision %u Size %u; expected "
                     "NDIS_OBJECT_TYPE_DEFAULT, revision >= 1, size >= %zu",
                     p->Header.Type, p->Header.Revision, p->Header.Size,
                     (size_t)NDIS_SIZEOF_SHARED_MEMORY_PARAMETERS_REVISION_1);
        return false;
    }
    if (p->Length == 0 || p->Usage <= NdisSharedMemoryUsageUndefined || p->Usage >= NdisSharedMemoryUsageMax) {
        vf_violation(VF_DATA_PATH_INVALID, fn, site, "SharedMemoryParameters asks for %u bytes of usage %d",
                     p->Length, (int)p->Usage);
        return false;
    }
    return true;
}

NDISAPI NDIS_STATUS NdisAllocateSharedMemory(NDIS_HANDLE NdisHandle, PNDIS_SHARED_MEMORY_PARAMETERS SharedMemoryParameters,
                                             PNDIS_HANDLE pAllocationHandle)
{
    static const char fn[] = "NdisAllocateSharedMemory";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    struct ndis_adapter *a = ndis_adapter_checked(NdisHandle, fn, site);
    if (a == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    PNDIS_SHARED_MEMORY_PARAMETERS p = SharedMemoryParameters;
    if (!ndis_shared_params_ok(p, fn, site) || pAllocationHandle == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    size_t sg_needed = sizeof(SCATTER_GATHER_LIST) + sizeof(SCATTER_GATHER_ELEMENT);
    if (p->SGListBuffer != NULL && p->SGListBufferLength < sg_needed)
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    if (vf_fault_inject(fn, site))
        return NDIS_STATUS_RESOURCES;
    struct ndis_shared_memory *m = ke_pool_alloc(&a->pool, sizeof *m, 0, site, fn);
    void *buffer = m != NULL ? ke_pool_alloc(&a->pool, p->Length, 0, site, fn) : NULL;
    if (buffer == NULL || !ndis_handle_add(m, NDIS_HANDLE_SHARED_MEMORY)) {
        ke_pool_free(buffer);
        ke_pool_free(m);
        return NDIS_STATUS_RESOURCES;
    }
    memset(buffer, 0, p->Length);
    m->buffer = buffer;
    m->length = p->Length;
    p->SharedMemoryHandle = m;
    p->VirtualAddress = buffer;
    uint64_t bus = ndis_dma_map_block(a, buffer, p->Length, site);
    if (bus == 0 && a->device != NULL) {
        ndis_handle_remove(m);
        ke_pool_free(buffer);
        ke_pool_free(m);
        return NDIS_STATUS_RESOURCES;
    }
    if (p->SGListBuffer != NULL) {
        p->SGListBuffer->NumberOfElements = 1;
        p->SGListBuffer->Elements[0].Address.QuadPart = bus != 0 ? (LONGLONG)bus : (LONGLONG)(uintptr_t)buffer;
        p->SGListBuffer->Elements[0].Length = p->Length;
    }
    *pAllocationHandle = m;
    return NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisFreeSharedMemory(NDIS_HANDLE NdisHandle, NDIS_HANDLE AllocationHandle)
{
    static const char fn[] = "NdisFreeSharedMemory";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(NdisHandle, fn, site);
    if (a == NULL)
        return;
    if (ndis_handle_kind(AllocationHandle) != NDIS_HANDLE_SHARED_MEMORY) {
        vf_violation(VF_FREE_INVALID, fn, site,
                     "AllocationHandle %p was not returned by NdisAllocateSharedMemory or was already freed",
                     AllocationHandle);
        return;
    }
    struct ndis_shared_memory *m = AllocationHandle;
    ndis_handle_remove(m);
    ndis_dma_unmap_block(a, m->buffer, fn, site);
    ke_pool_free(m->buffer);
    ke_pool_free(m);
}
