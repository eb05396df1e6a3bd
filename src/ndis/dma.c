/* Bus-master DMA of a hardware miniport: scatter/gather lists and shared memory, behind a map
 * like an IOMMU's.
 *
 * Every buffer a driver hands its device gets a bus address ("physical" in NDIS's words) from
 * the adapter's map: a shared memory block for its life, each piece of a NET_BUFFER's data
 * while its scatter/gather list lives. The device model reaches memory only through that map
 * (openndis_device_dma_read/write); an address no mapping covers is DmaOutsideMapping, as
 * Windows' DMA verification reports. Bus addresses are never reused, so a device that keeps
 * using a freed buffer's address is caught too. A device declares the ranges it keeps using on
 * its own (rings: openndis_device_dma_hold); the driver freeing memory under one is
 * SharedMemoryFreedInUse. */
#include <pthread.h>
#include <stdlib.h>

#include "ndis.h"

#include "../common/include/openndis/device.h"

#define NDIS_DMA_PAGE 4096u
#define NDIS_DMA_BASE 0x100000000ull /* bus addresses start above 4 GiB: 64-bit DMA */

/* SHARED: NdisMAllocateSharedMemory(AsyncEx)'s, freed here; BLOCK: NdisAllocateSharedMemory's,
 * whose memory shared_memory.c owns; SG: a piece of a scatter/gather list. */
enum ndis_dma_kind { NDIS_DMA_SHARED, NDIS_DMA_BLOCK, NDIS_DMA_SG };

struct ndis_dma_map {
    enum ndis_dma_kind kind;
    uint64_t bus;      /* the device's address of `va` */
    uint8_t *va;
    size_t length;
    const void *owner; /* the SCATTER_GATHER_LIST of an SG piece */
    const void *site;  /* who made it */
};

/* What NdisMRegisterScatterGatherDma registered. */
struct ndis_sg_dma {
    struct ndis_adapter *adapter;
    NDIS_SG_DMA_DESCRIPTION desc;
    const void *site;
};

struct ndis_sg_list {
    struct ndis_sg_list *next;
    PSCATTER_GATHER_LIST sgl;
    bool allocated; /* by NDIS: freed with it */
    PNET_BUFFER nb;
    const void *site;
};

/* A range the device said it keeps using (openndis_device_dma_hold). */
struct ndis_dma_hold {
    struct ndis_dma_hold *next;
    uint64_t bus;
    size_t length;
};

struct ndis_dma {
    struct quick_lock lock;
    /* Sorted by bus address, which is their order of making, since addresses only grow: a
     * device's access is a binary search, not a walk, on the data path. */
    struct ndis_dma_map *maps;
    size_t count, room;
    struct ndis_sg_list *lists;
    struct ndis_dma_hold *holds;
    uint64_t next_bus;
    struct ndis_sg_dma *sg; /* the registered one, or NULL */
    /* NdisMAllocateSharedMemoryAsyncEx completions not yet returned: halt waits for them;
     * the requests done, freed once their worker has let go of them */
    pthread_mutex_t async_lock;
    pthread_cond_t async_done;
    unsigned async_pending;
    struct ndis_dma_async *async_finished;
};

static struct ndis_dma *ndis_dma_of(struct ndis_adapter *a)
{
    return a->device != NULL ? ndis_bus_dma(a) : NULL;
}

/* Adds a mapping of [va, va + length) and returns its bus address (0: out of memory). The
 * address keeps va's offset in its page, as a real map of pages does. Lock held. */
static uint64_t ndis_dma_map_add(struct ndis_dma *d, enum ndis_dma_kind kind, void *va, size_t length,
                                 const void *owner, const void *site)
{
    if (d->count == d->room) {
        size_t room = d->room != 0 ? 2 * d->room : 64;
        struct ndis_dma_map *maps = realloc(d->maps, room * sizeof *maps);
        if (maps == NULL)
            return 0;
        d->maps = maps, d->room = room;
    }
    if (d->next_bus == 0)
        d->next_bus = NDIS_DMA_BASE;
    size_t in_page = (uintptr_t)va % NDIS_DMA_PAGE;
    struct ndis_dma_map *m = &d->maps[d->count++];
    *m = (struct ndis_dma_map){ .kind = kind, .bus = d->next_bus + in_page, .va = va, .length = length,
                                .owner = owner, .site = site };
    /* a guard page between mappings: an overrun lands in no mapping */
    d->next_bus += (in_page + length + NDIS_DMA_PAGE - 1) / NDIS_DMA_PAGE * NDIS_DMA_PAGE + NDIS_DMA_PAGE;
    return m->bus;
}

/* The index of the last mapping that starts at or below `bus` (count: none). Lock held. */
static size_t ndis_dma_find(const struct ndis_dma *d, uint64_t bus)
{
    size_t lo = 0, hi = d->count; /* the answer is the last index in [lo, hi) whose bus <= bus */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->maps[mid].bus <= bus)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? d->count : lo - 1;
}

/* The mapping that holds all of [bus, bus + length), or NULL. Lock held. */
static struct ndis_dma_map *ndis_dma_covering(struct ndis_dma *d, uint64_t bus, size_t length)
{
    size_t i = ndis_dma_find(d, bus);
    if (i == d->count)
        return NULL;
    struct ndis_dma_map *m = &d->maps[i];
    return bus - m->bus < m->length && length <= m->length - (bus - m->bus) ? m : NULL;
}

/* Takes mappings [i, i + n) out of the array. Lock held. */
static void ndis_dma_remove(struct ndis_dma *d, size_t i, size_t n)
{
    memmove(&d->maps[i], &d->maps[i + n], (d->count - i - n) * sizeof *d->maps);
    d->count -= n;
}

/* Drops the device's holds inside `m`, which is going, returning the first one in `*held`
 * (length 0: none). Lock held. */
static void ndis_dma_unhold(struct ndis_dma *d, const struct ndis_dma_map *m, struct ndis_dma_hold *held)
{
    held->length = 0;
    for (struct ndis_dma_hold **p = &d->holds; *p != NULL;) {
        struct ndis_dma_hold *h = *p;
        if (h->bus >= m->bus && h->bus - m->bus < m->length) {
            if (held->length == 0)
                *held = *h;
            *p = h->next;
            free(h);
        } else {
            p = &h->next;
        }
    }
}

/* The report for memory freed under a hold, after the lock is dropped. */
static void ndis_dma_report_held(const struct ndis_dma_hold *held, const char *what, const void *va, const char *fn,
                                 const void *site)
{
    if (held->length != 0)
        vf_violation(VF_DMA_FREED_IN_USE, fn, site,
                     "%s %p is freed while its device still uses %zu bytes of it at bus address %#llx (a ring or "
                     "buffer it was given); stop or reset the device before freeing what it reaches",
                     what, va, held->length, (unsigned long long)held->bus);
}

/* ---- the device's side ---------------------------------------------------------------------- */
static bool ndis_dma_transfer(struct ndis_adapter *a, uint64_t bus, void *buffer, size_t length, bool to_memory)
{
    struct ndis_dma *d = ndis_dma_of(a);
    bool done = false;
    if (d != NULL) {
        quick_lock_acquire(&d->lock);
        struct ndis_dma_map *m = ndis_dma_covering(d, bus, length);
        if (m != NULL) {
            uint8_t *at = m->va + (bus - m->bus);
            if (to_memory)
                memcpy(at, buffer, length);
            else
                memcpy(buffer, at, length);
            done = true;
        }
        quick_lock_release(&d->lock);
    }
    if (!done) {
        const char *fn;
        const void *site = ndis_bus_access_site(&fn);
        vf_violation(VF_DMA_OUTSIDE_MAPPING, fn != NULL ? fn : "device DMA", site,
                     "adapter %u's device %s %zu bytes at bus address %#llx, which no shared memory block or "
                     "live scatter/gather list of the driver maps%s",
                     a->index, to_memory ? "wrote" : "read", length, (unsigned long long)bus,
                     to_memory ? ": the write goes nowhere" : ": the read gives zeros");
        if (!to_memory)
            memset(buffer, 0, length);
    }
    return done;
}

OPENNDIS_API bool openndis_device_dma_read(struct openndis_device *bus, uint64_t address, void *to, size_t length)
{
    return ndis_dma_transfer(ndis_bus_adapter_of(bus), address, to, length, false);
}

OPENNDIS_API bool openndis_device_dma_write(struct openndis_device *bus, uint64_t address, const void *from,
                                            size_t length)
{
    return ndis_dma_transfer(ndis_bus_adapter_of(bus), address, (void *)from, length, true);
}

OPENNDIS_API bool openndis_device_dma_hold(struct openndis_device *bus, uint64_t address, size_t length)
{
    struct ndis_dma *d = ndis_dma_of(ndis_bus_adapter_of(bus));
    struct ndis_dma_hold *h = malloc(sizeof *h);
    if (d == NULL || h == NULL || length == 0) {
        free(h);
        return false;
    }
    quick_lock_acquire(&d->lock);
    bool mapped = ndis_dma_covering(d, address, length) != NULL;
    if (mapped) {
        *h = (struct ndis_dma_hold){ .bus = address, .length = length, .next = d->holds };
        d->holds = h;
    }
    quick_lock_release(&d->lock);
    if (!mapped)
        free(h);
    return mapped;
}

OPENNDIS_API void openndis_device_dma_release(struct openndis_device *bus, uint64_t address)
{
    struct ndis_dma *d = ndis_dma_of(ndis_bus_adapter_of(bus));
    if (d == NULL)
        return;
    quick_lock_acquire(&d->lock);
    for (struct ndis_dma_hold **p = &d->holds; *p != NULL;) {
        struct ndis_dma_hold *h = *p;
        if (address == 0 || h->bus == address) {
            *p = h->next;
            free(h);
        } else {
            p = &h->next;
        }
    }
    quick_lock_release(&d->lock);
}

/* ---- scatter/gather DMA --------------------------------------------------------------------- */
static struct ndis_sg_dma *ndis_sg_dma_from_handle(NDIS_HANDLE handle, const char *fn, const void *site)
{
    if (ndis_handle_kind(handle) != NDIS_HANDLE_SG_DMA) {
        vf_violation(VF_DMA_MISUSE, fn, site, "%p is not a handle from NdisMRegisterScatterGatherDma", (void *)handle);
        return NULL;
    }
    return handle;
}

NDISAPI NDIS_STATUS NdisMRegisterScatterGatherDma(NDIS_HANDLE MiniportAdapterHandle,
                                                  PNDIS_SG_DMA_DESCRIPTION DmaDescription,
                                                  PNDIS_HANDLE NdisMiniportDmaHandle)
{
    static const char fn[] = "NdisMRegisterScatterGatherDma";
    const void *site = VF_CALLER;
    if (NdisMiniportDmaHandle != NULL)
        *NdisMiniportDmaHandle = NULL;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    PNDIS_SG_DMA_DESCRIPTION dd = DmaDescription;
    if (a == NULL || dd == NULL || NdisMiniportDmaHandle == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    struct ndis_dma *d = ndis_dma_of(a);
    const char *why = d == NULL                                                   ? "the adapter has no device"
                      : !a->in_initialize                                         ? "called outside MiniportInitializeEx"
                      : dd->Header.Type != NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION ||
                              dd->Header.Revision < NDIS_SG_DMA_DESCRIPTION_REVISION_1 ||
                              dd->Header.Size < NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1
                          ? "the description's header is not NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION (0x83), revision 1"
                      : dd->ProcessSGListHandler == NULL ? "the description has no ProcessSGListHandler"
                      : d->sg != NULL                    ? "scatter/gather DMA is registered already"
                                                         : NULL;
    if (why != NULL) {
        vf_violation(VF_DMA_MISUSE, fn, site, "adapter %u: %s", a->index, why);
        return d == NULL ? NDIS_STATUS_NOT_SUPPORTED : NDIS_STATUS_INVALID_PARAMETER;
    }
    if (vf_fault_inject(fn, site))
        return NDIS_STATUS_RESOURCES;
    struct ndis_sg_dma *sg = calloc(1, sizeof *sg);
    if (sg == NULL || !ndis_handle_add(sg, NDIS_HANDLE_SG_DMA)) {
        free(sg);
        return NDIS_STATUS_RESOURCES;
    }
    sg->adapter = a;
    sg->site = site;
    /* a list for the largest mapping: a page per element, one more for a start mid-page */
    ULONG largest = dd->MaximumPhysicalMapping != 0 ? dd->MaximumPhysicalMapping : 65536;
    dd->ScatterGatherListSize =
        (ULONG)(sizeof(SCATTER_GATHER_LIST) + (largest / NDIS_DMA_PAGE + 2) * sizeof(SCATTER_GATHER_ELEMENT));
    sg->desc = *dd;
    quick_lock_acquire(&d->lock);
    d->sg = sg;
    quick_lock_release(&d->lock);
    *NdisMiniportDmaHandle = sg;
    return NDIS_STATUS_SUCCESS;
}

/* Takes `sg` out of its adapter. */
static void ndis_sg_dma_drop(struct ndis_sg_dma *sg)
{
    struct ndis_dma *d = ndis_dma_of(sg->adapter);
    quick_lock_acquire(&d->lock);
    if (d->sg == sg)
        d->sg = NULL;
    quick_lock_release(&d->lock);
    ndis_handle_remove(sg);
    free(sg);
}

NDISAPI VOID NdisMDeregisterScatterGatherDma(NDIS_HANDLE NdisMiniportDmaHandle)
{
    static const char fn[] = "NdisMDeregisterScatterGatherDma";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_sg_dma *sg = ndis_sg_dma_from_handle(NdisMiniportDmaHandle, fn, site);
    if (sg != NULL)
        ndis_sg_dma_drop(sg);
}

/* The pieces of a NET_BUFFER's data, split at page boundaries: calls `piece` on each and
 * returns how many there are (0 when an MDL is missing). */
static ULONG ndis_sg_pieces(PNET_BUFFER nb, void (*piece)(void *ctx, uint8_t *va, ULONG length), void *ctx)
{
    ULONG left = NET_BUFFER_DATA_LENGTH(nb), n = 0, offset = NET_BUFFER_CURRENT_MDL_OFFSET(nb);
    for (PMDL mdl = NET_BUFFER_CURRENT_MDL(nb); left > 0; mdl = mdl->Next, offset = 0) {
        if (mdl == NULL)
            return 0;
        uint8_t *va = (uint8_t *)MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) + offset;
        ULONG here = MmGetMdlByteCount(mdl) - offset;
        if (here > left)
            here = left;
        left -= here;
        while (here > 0) {
            ULONG room = NDIS_DMA_PAGE - (ULONG)((uintptr_t)va % NDIS_DMA_PAGE);
            ULONG take = here < room ? here : room;
            if (piece != NULL)
                piece(ctx, va, take);
            n++;
            va += take;
            here -= take;
        }
    }
    return n;
}

struct ndis_sg_build {
    struct ndis_dma *dma;
    PSCATTER_GATHER_LIST sgl;
    const void *site;
    bool failed;
};

static void ndis_sg_map_piece(void *ctx, uint8_t *va, ULONG length)
{
    struct ndis_sg_build *b = ctx;
    uint64_t bus = ndis_dma_map_add(b->dma, NDIS_DMA_SG, va, length, b->sgl, b->site);
    b->failed |= bus == 0;
    PSCATTER_GATHER_ELEMENT e = &b->sgl->Elements[b->sgl->NumberOfElements++];
    e->Address.QuadPart = (LONGLONG)bus;
    e->Length = length;
    e->Reserved = 0;
}

/* Takes the pieces of scatter/gather list `owner` out of the map; `*held` is a hold the device
 * had in them. They were made one after another, so they are neighbours, from the one at
 * `first` (its first element's bus address; searched for if the driver changed it). Lock held. */
static void ndis_dma_unmap_owner(struct ndis_dma *d, const void *owner, uint64_t first, struct ndis_dma_hold *held)
{
    held->length = 0;
    size_t i = ndis_dma_find(d, first);
    if (i == d->count || d->maps[i].kind != NDIS_DMA_SG || d->maps[i].owner != owner)
        for (i = 0; i < d->count && !(d->maps[i].kind == NDIS_DMA_SG && d->maps[i].owner == owner); i++)
            ;
    size_t n = 0;
    for (; i + n < d->count && d->maps[i + n].kind == NDIS_DMA_SG && d->maps[i + n].owner == owner; n++) {
        struct ndis_dma_hold here;
        ndis_dma_unhold(d, &d->maps[i + n], &here);
        if (held->length == 0)
            *held = here;
    }
    if (n != 0)
        ndis_dma_remove(d, i, n);
}

NDISAPI NDIS_STATUS NdisMAllocateNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, PNET_BUFFER NetBuffer,
                                                 PVOID Context, ULONG Flags, PVOID ScatterGatherListBuffer,
                                                 ULONG ScatterGatherListBufferSize)
{
    static const char fn[] = "NdisMAllocateNetBufferSGList";
    const void *site = VF_CALLER;
    (void)Flags; /* the direction: the map lets the device read and write alike */
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_sg_dma *sg = ndis_sg_dma_from_handle(NdisMiniportDmaHandle, fn, site);
    if (sg == NULL || NetBuffer == NULL)
        return NDIS_STATUS_RESOURCES; /* the page's only failure */
    ULONG n = ndis_sg_pieces(NetBuffer, NULL, NULL);
    if (n == 0 && NET_BUFFER_DATA_LENGTH(NetBuffer) != 0) {
        vf_violation(VF_DMA_MISUSE, fn, site, "NET_BUFFER %p has fewer MDL bytes than its DataLength",
                     (void *)NetBuffer);
        return NDIS_STATUS_RESOURCES;
    }
    if (vf_fault_inject(fn, site))
        return NDIS_STATUS_RESOURCES;
    size_t need = sizeof(SCATTER_GATHER_LIST) + n * sizeof(SCATTER_GATHER_ELEMENT);
    struct ndis_sg_list *rec = malloc(sizeof *rec);
    bool ours = ScatterGatherListBuffer == NULL || ScatterGatherListBufferSize < need;
    PSCATTER_GATHER_LIST sgl = ours ? malloc(need) : ScatterGatherListBuffer;
    if (rec == NULL || sgl == NULL) {
        free(rec);
        if (ours)
            free(sgl);
        return NDIS_STATUS_RESOURCES;
    }
    sgl->NumberOfElements = 0;
    sgl->Reserved = 0;
    struct ndis_dma *d = ndis_dma_of(sg->adapter);
    struct ndis_sg_build b = { .dma = d, .sgl = sgl, .site = site };
    quick_lock_acquire(&d->lock);
    ndis_sg_pieces(NetBuffer, ndis_sg_map_piece, &b);
    if (!b.failed) {
        *rec = (struct ndis_sg_list){ .sgl = sgl, .allocated = ours, .nb = NetBuffer, .site = site, .next = d->lists };
        d->lists = rec;
    } else {
        struct ndis_dma_hold none;
        ndis_dma_unmap_owner(d, sgl, 0, &none); /* no device saw it yet */
    }
    quick_lock_release(&d->lock);
    if (b.failed) {
        free(rec);
        if (ours)
            free(sgl);
        return NDIS_STATUS_RESOURCES;
    }
    /* the HAL calls MiniportProcessSGList at DISPATCH_LEVEL; here before the call returns */
    KIRQL old = ke_irql_set(ke_irql() < DISPATCH_LEVEL ? DISPATCH_LEVEL : ke_irql());
    PDEVICE_OBJECT pdo = &sg->adapter->pdo;
    KE_DRIVER_CALL(sg->desc.ProcessSGListHandler, pdo, NULL, sgl, Context);
    ke_irql_after_handler(ke_irql(), "MiniportProcessSGList", (const void *)sg->desc.ProcessSGListHandler);
    ke_irql_set(old);
    return NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisMFreeNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, PSCATTER_GATHER_LIST pSGL,
                                      PNET_BUFFER NetBuffer)
{
    static const char fn[] = "NdisMFreeNetBufferSGList";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_sg_dma *sg = ndis_sg_dma_from_handle(NdisMiniportDmaHandle, fn, site);
    if (sg == NULL)
        return;
    struct ndis_dma *d = ndis_dma_of(sg->adapter);
    struct ndis_sg_list *found = NULL;
    struct ndis_dma_hold held = { .length = 0 };
    quick_lock_acquire(&d->lock);
    for (struct ndis_sg_list **p = &d->lists; *p != NULL; p = &(*p)->next)
        if ((*p)->sgl == pSGL) {
            found = *p;
            *p = found->next;
            ndis_dma_unmap_owner(d, pSGL,
                                 pSGL->NumberOfElements != 0 ? (uint64_t)pSGL->Elements[0].Address.QuadPart : 0, &held);
            break;
        }
    quick_lock_release(&d->lock);
    ndis_dma_report_held(&held, "The scatter/gather list", pSGL, fn, site);
    if (found == NULL) {
        vf_violation(VF_DMA_MISUSE, fn, site, "%p is not a live scatter/gather list of adapter %u (freed twice?)",
                     (void *)pSGL, sg->adapter->index);
        return;
    }
    if (found->nb != NetBuffer)
        vf_violation(VF_DMA_MISUSE, fn, site, "the list was built for NET_BUFFER %p, not %p", (void *)found->nb,
                     (void *)NetBuffer);
    if (found->allocated)
        free(found->sgl);
    free(found);
}

#define NDIS_DMA_ALIGNMENT 64u /* an x64 cache line */

NDISAPI ULONG NdisMGetDmaAlignment(NDIS_HANDLE MiniportAdapterHandle)
{
    static const char fn[] = "NdisMGetDmaAlignment";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    struct ndis_dma *d = a != NULL ? ndis_dma_of(a) : NULL;
    if (a != NULL && (d == NULL || d->sg == NULL))
        vf_violation(VF_DMA_MISUSE, fn, site, "adapter %u: %s", a->index,
                     d == NULL ? "the adapter has no device"
                               : "called before NdisMRegisterScatterGatherDma, which the page requires first");
    return NDIS_DMA_ALIGNMENT; /* the system's, whatever the driver got wrong */
}

/* ---- shared memory -------------------------------------------------------------------------- */
/* Why `a` may not have shared memory from NdisMAllocateSharedMemory(AsyncEx), or NULL. */
static const char *ndis_dma_shared_refused(struct ndis_dma *d, ULONG length)
{
    return d == NULL     ? "the adapter has no device"
           : length == 0 ? "Length is 0"
           : d->sg == NULL ? "called before NdisMRegisterScatterGatherDma, which the page requires first"
                           : NULL;
}

/* A zeroed, page-aligned block of `length` bytes mapped for the device: its address, with the
 * bus address in `*bus`; NULL when memory is short. */
static void *ndis_dma_shared_new(struct ndis_dma *d, ULONG length, const void *site, uint64_t *bus)
{
    size_t rounded = ((size_t)length + NDIS_DMA_PAGE - 1) / NDIS_DMA_PAGE * NDIS_DMA_PAGE;
    void *va = aligned_alloc(NDIS_DMA_PAGE, rounded);
    if (va == NULL)
        return NULL;
    memset(va, 0, rounded);
    quick_lock_acquire(&d->lock);
    *bus = ndis_dma_map_add(d, NDIS_DMA_SHARED, va, length, NULL, site);
    quick_lock_release(&d->lock);
    if (*bus == 0) {
        free(va);
        return NULL;
    }
    return va;
}

NDISAPI VOID NdisMAllocateSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                                       PVOID *VirtualAddress, PNDIS_PHYSICAL_ADDRESS PhysicalAddress)
{
    static const char fn[] = "NdisMAllocateSharedMemory";
    const void *site = VF_CALLER;
    (void)Cached;
    if (VirtualAddress != NULL)
        *VirtualAddress = NULL;
    if (PhysicalAddress != NULL)
        PhysicalAddress->QuadPart = 0;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    if (a == NULL || VirtualAddress == NULL || PhysicalAddress == NULL)
        return;
    struct ndis_dma *d = ndis_dma_of(a);
    const char *why = ndis_dma_shared_refused(d, Length);
    if (why != NULL) {
        vf_violation(VF_DMA_MISUSE, fn, site, "adapter %u: %s", a->index, why);
        return;
    }
    if (vf_fault_inject(fn, site))
        return;
    uint64_t bus;
    *VirtualAddress = ndis_dma_shared_new(d, Length, site, &bus);
    if (*VirtualAddress != NULL)
        PhysicalAddress->QuadPart = (LONGLONG)bus;
}

/* One NdisMAllocateSharedMemoryAsyncEx: its block is made in the call (so a sweep's fault
 * numbering does not depend on a worker's timing) and handed over at PASSIVE_LEVEL by the
 * worker, as NDIS does. */
struct ndis_dma_async {
    struct ke_work work;
    struct ndis_dma_async *next; /* on async_finished */
    struct ndis_sg_dma *sg;
    void *va;
    NDIS_PHYSICAL_ADDRESS pa;
    ULONG length;
    PVOID context;
};

static void ndis_dma_async_complete(struct ke_work *work)
{
    struct ndis_dma_async *r = (struct ndis_dma_async *)work;
    struct ndis_adapter *a = r->sg->adapter;
    MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER done = r->sg->desc.SharedMemAllocateCompleteHandler;
    KE_DRIVER_CALL(done, a->context, r->va, &r->pa, r->length, r->context);
    ke_irql_after_handler(PASSIVE_LEVEL, "MiniportSharedMemoryAllocateComplete", (const void *)done);
    struct ndis_dma *d = ndis_dma_of(a);
    pthread_mutex_lock(&d->async_lock); /* not freed here: the worker still holds `work` */
    r->next = d->async_finished;
    d->async_finished = r;
    if (--d->async_pending == 0)
        pthread_cond_broadcast(&d->async_done);
    pthread_mutex_unlock(&d->async_lock);
}

NDISAPI NDIS_STATUS NdisMAllocateSharedMemoryAsyncEx(NDIS_HANDLE MiniportDmaHandle, ULONG Length, BOOLEAN Cached,
                                                     PVOID Context)
{
    static const char fn[] = "NdisMAllocateSharedMemoryAsyncEx";
    const void *site = VF_CALLER;
    (void)Cached;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_sg_dma *sg = ndis_sg_dma_from_handle(MiniportDmaHandle, fn, site);
    if (sg == NULL)
        return NDIS_STATUS_FAILURE;
    struct ndis_dma *d = ndis_dma_of(sg->adapter);
    const char *why = sg->desc.SharedMemAllocateCompleteHandler == NULL
                          ? "the DMA description registered no SharedMemAllocateCompleteHandler to complete it"
                          : ndis_dma_shared_refused(d, Length);
    if (why != NULL) {
        vf_violation(VF_DMA_MISUSE, fn, site, "adapter %u: %s", sg->adapter->index, why);
        return NDIS_STATUS_FAILURE;
    }
    struct ndis_dma_async *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NDIS_STATUS_FAILURE; /* "could not be allocated at this time" */
    *r = (struct ndis_dma_async){ .work.run = ndis_dma_async_complete, .sg = sg, .length = Length, .context = Context };
    uint64_t bus = 0;
    if (!vf_fault_inject(fn, site)) /* a failed allocation completes with NULL pointers */
        r->va = ndis_dma_shared_new(d, Length, site, &bus);
    r->pa.QuadPart = (LONGLONG)bus;
    pthread_mutex_lock(&d->async_lock);
    d->async_pending++;
    pthread_mutex_unlock(&d->async_lock);
    ke_work_queue(&r->work, NULL, NULL);
    return NDIS_STATUS_PENDING;
}

/* Takes out the mapping of kind `kind` at `va` into `*out`, with a hold the device had in it
 * in `*held`; false when there is none. */
static bool ndis_dma_unmap_va(struct ndis_dma *d, enum ndis_dma_kind kind, const void *va, struct ndis_dma_map *out,
                              struct ndis_dma_hold *held)
{
    bool found = false;
    held->length = 0;
    quick_lock_acquire(&d->lock);
    for (size_t i = 0; i < d->count && !found; i++) /* blocks are few, and freed rarely */
        if (d->maps[i].kind == kind && d->maps[i].va == va) {
            *out = d->maps[i];
            ndis_dma_unhold(d, out, held);
            ndis_dma_remove(d, i, 1);
            found = true;
        }
    quick_lock_release(&d->lock);
    return found;
}

NDISAPI VOID NdisMFreeSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                                   PVOID VirtualAddress, NDIS_PHYSICAL_ADDRESS PhysicalAddress)
{
    static const char fn[] = "NdisMFreeSharedMemory";
    const void *site = VF_CALLER;
    (void)Cached;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site); /* unlike its allocation, which is PASSIVE_LEVEL only */
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    struct ndis_dma *d = a != NULL ? ndis_dma_of(a) : NULL;
    if (d == NULL)
        return;
    struct ndis_dma_hold held;
    struct ndis_dma_map block;
    if (!ndis_dma_unmap_va(d, NDIS_DMA_SHARED, VirtualAddress, &block, &held)) {
        vf_violation(VF_DMA_MISUSE, fn, site, "%p is not shared memory of adapter %u (freed twice?)", VirtualAddress,
                     a->index);
        return;
    }
    ndis_dma_report_held(&held, "The shared memory block", VirtualAddress, fn, site);
    if (block.length != Length || block.bus != (uint64_t)PhysicalAddress.QuadPart)
        vf_violation(VF_DMA_MISUSE, fn, site,
                     "the block was %zu bytes at %#llx; freed as %lu bytes at %#llx", block.length,
                     (unsigned long long)block.bus, (unsigned long)Length,
                     (unsigned long long)PhysicalAddress.QuadPart);
    free(block.va);
}

/* NdisAllocateSharedMemory's block (shared_memory.c keeps the memory): its bus address, or 0
 * when the adapter has no device (the block is then only the driver's) or memory is short. */
uint64_t ndis_dma_map_block(struct ndis_adapter *a, void *va, size_t length, const void *site)
{
    struct ndis_dma *d = ndis_dma_of(a);
    if (d == NULL)
        return 0;
    quick_lock_acquire(&d->lock);
    uint64_t bus = ndis_dma_map_add(d, NDIS_DMA_BLOCK, va, length, NULL, site);
    quick_lock_release(&d->lock);
    return bus;
}

void ndis_dma_unmap_block(struct ndis_adapter *a, void *va, const char *fn, const void *site)
{
    struct ndis_dma *d = ndis_dma_of(a);
    if (d == NULL)
        return;
    struct ndis_dma_hold held;
    struct ndis_dma_map block;
    ndis_dma_unmap_va(d, NDIS_DMA_BLOCK, va, &block, &held);
    ndis_dma_report_held(&held, "The shared memory block", va, fn, site);
}

/* ---- the adapter's end ---------------------------------------------------------------------- */
struct ndis_dma *ndis_dma_new(void)
{
    struct ndis_dma *d = calloc(1, sizeof *d);
    if (d != NULL) {
        quick_lock_init(&d->lock);
        pthread_mutex_init(&d->async_lock, NULL);
        pthread_cond_init(&d->async_done, NULL);
    }
    return d;
}

void ndis_dma_settle(struct ndis_adapter *a)
{
    struct ndis_dma *d = ndis_dma_of(a);
    if (d == NULL)
        return;
    pthread_mutex_lock(&d->async_lock);
    while (d->async_pending > 0)
        pthread_cond_wait(&d->async_done, &d->async_lock);
    struct ndis_dma_async *finished = d->async_finished;
    d->async_finished = NULL;
    pthread_mutex_unlock(&d->async_lock);
    for (struct ndis_dma_async *r = finished, *next; r != NULL; r = next) {
        next = r->next;
        bool queued;
        ke_work_wait_idle(&r->work, &queued);
        free(r);
    }
}

void ndis_dma_halted(struct ndis_adapter *a, const char *handler)
{
    struct ndis_dma *d = ndis_dma_of(a);
    if (d == NULL)
        return;
    /* after a failed initialize, an asynchronous allocation still owes the driver its
     * completion: it gets it first, so what it allocated is counted below */
    ndis_dma_settle(a);
    quick_lock_acquire(&d->lock);
    struct ndis_sg_list *lists = d->lists;
    struct ndis_dma_map *maps = d->maps;
    size_t count = d->count;
    struct ndis_dma_hold *holds = d->holds;
    struct ndis_sg_dma *sg = d->sg;
    d->lists = NULL, d->maps = NULL, d->holds = NULL;
    d->count = d->room = 0;
    quick_lock_release(&d->lock);
    for (struct ndis_dma_hold *h = holds, *next; h != NULL; h = next) {
        next = h->next;
        free(h);
    }
    for (struct ndis_sg_list *l = lists, *next; l != NULL; l = next) {
        next = l->next;
        vf_violation(VF_DMA_NOT_RELEASED, handler, l->site,
                     "the scatter/gather list %p built here is still live when %s returned; free it with "
                     "NdisMFreeNetBufferSGList", (void *)l->sgl, handler);
        if (l->allocated)
            free(l->sgl);
        free(l);
    }
    for (size_t i = 0; i < count; i++) {
        struct ndis_dma_map *m = &maps[i];
        if (m->kind == NDIS_DMA_SHARED) {
            vf_violation(VF_DMA_NOT_RELEASED, handler, m->site,
                         "%zu bytes of shared memory allocated here are not freed when %s returned", m->length,
                         handler);
            free(m->va);
        }
    }
    free(maps);
    if (sg != NULL) {
        vf_violation(VF_DMA_NOT_RELEASED, handler, sg->site,
                     "scatter/gather DMA registered here is still registered when %s returned; deregister it "
                     "with NdisMDeregisterScatterGatherDma", handler);
        ndis_sg_dma_drop(sg);
    }
}

void ndis_dma_free(struct ndis_dma *d)
{
    if (d == NULL)
        return;
    pthread_mutex_destroy(&d->async_lock);
    pthread_cond_destroy(&d->async_done);
    free(d); /* emptied by ndis_dma_halted */
}
