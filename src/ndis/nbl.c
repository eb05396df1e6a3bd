/* The data path: NET_BUFFER_LIST and NET_BUFFER pools and objects, data access, and the
 * send and receive paths with ownership checked at every hand-over:
 *   sent NBL:      NDIS -> miniport (MiniportSendNetBufferLists) -> NDIS (send complete)
 *   indicated NBL: miniport -> NDIS (indicate) -> miniport (MiniportReturnNetBufferLists)
 * Ownership is recorded in NdisReserved, which belongs to NDIS. */
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ndis.h"

#define NDIS_POOL_MAGIC 0x4e44504cu /* "NDPL" */
#define NBL_OWNER(nbl) ((nbl)->NdisReserved[0])
#define NBL_STATE(nbl) ((nbl)->NdisReserved[1])
enum { NBL_IDLE = 0, NBL_AT_MINIPORT = 1, NBL_SEND_COMPLETED = 2, NBL_INDICATED = 3, NBL_RECYCLED = 4 };
#define NBL_STATE_IS(nbl, s) ((uintptr_t)NBL_STATE(nbl) == (s))
#define NBL_SET(nbl, owner, s) (NBL_OWNER(nbl) = (owner), NBL_STATE(nbl) = (PVOID)(uintptr_t)(s))

struct ndis_pool {
    uint32_t magic;
    enum ndis_handle_kind kind;
    struct ke_pool *owner;
    /* Recycling (ndis_nbl_set_recycling): NBLs the driver freed, kept for its next
     * allocation of the same size instead of going back to malloc. */
    struct quick_lock recycle_lock;
    PNET_BUFFER_LIST recycled; /* all of block_size: NBLs allocated without a context of their own */
    size_t block_size;
    unsigned nrecycled;
    struct ndis_pool *next_pool; /* every NBL pool, for draining before a leak scan */
    UCHAR protocol_id;
    BOOLEAN allocate_net_buffer;
    USHORT context_size;
    ULONG tag;
    ULONG data_size;
};

/* ---- NET_BUFFER_LIST recycling ----------------------------------------------------------------
 * Off by default and under `verify`: a recycled NBL is memory the driver may still touch after
 * freeing it, which ASan would otherwise catch. `openndis run` turns it on (not in sanitizer
 * builds) for the data path's sake: a freed NBL waits on its pool for the next allocation of
 * the same size. A recycled NBL freed again is still a double free; every recycled NBL is
 * given back to the tracked pool before a leak scan and when its pool is freed. */
#define NDIS_RECYCLE_MAX 1024
static atomic_bool ndis_recycling;
static struct quick_lock ndis_pools_lock = QUICK_LOCK_INIT;
static struct ndis_pool *ndis_nbl_pools;

bool ndis_nbl_set_recycling(bool on)
{
#if defined(__SANITIZE_ADDRESS__)
    on = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    on = false;
#endif
#endif
    atomic_store(&ndis_recycling, on);
    return on;
}

static void ndis_pool_drain(struct ndis_pool *pool)
{
    quick_lock_acquire(&pool->recycle_lock);
    PNET_BUFFER_LIST list = pool->recycled;
    pool->recycled = NULL;
    pool->nrecycled = 0;
    quick_lock_release(&pool->recycle_lock);
    for (PNET_BUFFER_LIST nbl = list, next; nbl; nbl = next) {
        next = nbl->Next;
        ke_pool_free(nbl);
    }
}

/* ke_pool_before_release: the NBL pools charged to `owner` give their recycled NBLs back,
 * and leave the list — the release frees whatever `owner` still holds, pools included. */
static void ndis_pools_drain_owned(struct ke_pool *owner)
{
    quick_lock_acquire(&ndis_pools_lock);
    for (struct ndis_pool **p = &ndis_nbl_pools; *p;) {
        if ((*p)->owner == owner) {
            ndis_pool_drain(*p);
            *p = (*p)->next_pool;
        } else {
            p = &(*p)->next_pool;
        }
    }
    quick_lock_release(&ndis_pools_lock);
}

/* The one block an NBL lives in: NBL, optional NET_BUFFER + MDL + data (pool DataSize), then
 * the context area. */
struct ndis_nbl_layout {
    size_t context; /* NET_BUFFER_LIST_CONTEXT data bytes (requested + backfill + the pool's) */
    size_t nb_bytes, data_bytes, ctx_bytes, total;
};

static struct ndis_nbl_layout ndis_nbl_block_size(const struct ndis_pool *pool, size_t requested_context)
{
    struct ndis_nbl_layout l;
    l.context = requested_context + pool->context_size;
    l.nb_bytes = pool->allocate_net_buffer ? sizeof(NET_BUFFER) : 0;
    l.data_bytes = pool->allocate_net_buffer && pool->data_size ? sizeof(MDL) + pool->data_size : 0;
    l.ctx_bytes = l.context ? sizeof(NET_BUFFER_LIST_CONTEXT) + ((l.context + 15) & ~(size_t)15) : 0;
    l.total = sizeof(NET_BUFFER_LIST) + l.nb_bytes + l.data_bytes + l.ctx_bytes;
    return l;
}

/* ---- pools --------------------------------------------------------------------------------- */
static struct ndis_pool *ndis_pool_create(const char *fn, const void *site, NDIS_HANDLE handle,
                                          enum ndis_handle_kind kind, const NDIS_OBJECT_HEADER *h, USHORT min_size,
                                          size_t tag_offset)
{
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site))
        return NULL;
    struct ke_pool *owner = ndis_owner_checked(handle, "NdisHandle", fn, site);
    if (owner == NULL)
        return NULL;
    if (h == NULL || h->Type != NDIS_OBJECT_TYPE_DEFAULT || h->Revision < 1 || h->Size < min_size) {
        vf_violation(VF_DATA_PATH_INVALID, fn, site,
                     "pool parameters: header must be NDIS_OBJECT_TYPE_DEFAULT, revision 1, size >= %u", min_size);
        return NULL;
    }
    if (vf_fault_inject(fn, site))
        return NULL;
    /* the pool is charged to the driver's own tag, so a leaked pool is recognisable */
    ULONG tag;
    memcpy(&tag, (const char *)h + tag_offset, sizeof tag);
    struct ndis_pool *pool = ke_pool_alloc(owner, sizeof *pool, tag, site, fn);
    if (pool == NULL)
        return NULL;
    *pool = (struct ndis_pool){ .magic = NDIS_POOL_MAGIC, .kind = kind, .owner = owner };
    if (!ndis_handle_add(pool, kind)) {
        ke_pool_free(pool);
        return NULL;
    }
    return pool;
}

static void ndis_pool_destroy(const char *fn, const void *site, NDIS_HANDLE handle, enum ndis_handle_kind kind)
{
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (ndis_handle_kind(handle) != kind) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not a pool handle of the right kind (or was freed)", handle);
        return;
    }
    ndis_handle_remove(handle);
    struct ndis_pool *pool = handle;
    if (kind == NDIS_HANDLE_NBL_POOL) {
        quick_lock_acquire(&ndis_pools_lock);
        for (struct ndis_pool **p = &ndis_nbl_pools; *p; p = &(*p)->next_pool)
            if (*p == pool) {
                *p = pool->next_pool;
                break;
            }
        quick_lock_release(&ndis_pools_lock);
        ndis_pool_drain(pool);
    }
    pool->magic = 0;
    ke_pool_free(handle);
}

NDISAPI NDIS_HANDLE NdisAllocateNetBufferListPool(NDIS_HANDLE NdisHandle, PNET_BUFFER_LIST_POOL_PARAMETERS p)
{
    struct ndis_pool *pool = ndis_pool_create("NdisAllocateNetBufferListPool", VF_CALLER, NdisHandle,
                                              NDIS_HANDLE_NBL_POOL, p ? &p->Header : NULL,
                                              NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                                              offsetof(NET_BUFFER_LIST_POOL_PARAMETERS, PoolTag));
    if (pool != NULL) {
        pool->protocol_id = p->ProtocolId;
        pool->allocate_net_buffer = p->fAllocateNetBuffer;
        pool->context_size = p->ContextSize;
        pool->tag = p->PoolTag;
        pool->data_size = p->DataSize;
        pool->block_size = ndis_nbl_block_size(pool, 0).total;
        quick_lock_init(&pool->recycle_lock);
        quick_lock_acquire(&ndis_pools_lock);
        atomic_store(&ke_pool_before_release, ndis_pools_drain_owned);
        pool->next_pool = ndis_nbl_pools;
        ndis_nbl_pools = pool;
        quick_lock_release(&ndis_pools_lock);
    }
    return pool;
}

NDISAPI VOID NdisFreeNetBufferListPool(NDIS_HANDLE PoolHandle)
{
    ndis_pool_destroy("NdisFreeNetBufferListPool", VF_CALLER, PoolHandle, NDIS_HANDLE_NBL_POOL);
}

NDISAPI NDIS_HANDLE NdisAllocateNetBufferPool(NDIS_HANDLE NdisHandle, PNET_BUFFER_POOL_PARAMETERS p)
{
    struct ndis_pool *pool = ndis_pool_create("NdisAllocateNetBufferPool", VF_CALLER, NdisHandle,
                                              NDIS_HANDLE_NB_POOL, p ? &p->Header : NULL,
                                              NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1,
                                              offsetof(NET_BUFFER_POOL_PARAMETERS, PoolTag));
    if (pool != NULL) {
        pool->tag = p->PoolTag;
        pool->data_size = p->DataSize;
    }
    return pool;
}

NDISAPI VOID NdisFreeNetBufferPool(NDIS_HANDLE PoolHandle)
{
    ndis_pool_destroy("NdisFreeNetBufferPool", VF_CALLER, PoolHandle, NDIS_HANDLE_NB_POOL);
}

/* ---- NET_BUFFER geometry -------------------------------------------------------------------- */
/* Recomputes CurrentMdl/CurrentMdlOffset from MdlChain and DataOffset. */
static void ndis_nb_locate(PNET_BUFFER nb)
{
    ULONG offset = nb->DataOffset;
    PMDL mdl = nb->MdlChain;
    while (mdl != NULL && offset >= mdl->ByteCount && mdl->Next != NULL) {
        offset -= mdl->ByteCount;
        mdl = mdl->Next;
    }
    nb->CurrentMdl = mdl;
    nb->CurrentMdlOffset = offset;
}

static void ndis_nb_init(PNET_BUFFER nb, struct ndis_pool *pool, PMDL chain, ULONG offset, SIZE_T length)
{
    nb->NdisPoolHandle = pool;
    nb->MdlChain = chain;
    nb->DataOffset = offset;
    nb->stDataLength = 0;
    nb->DataLength = (ULONG)length;
    ndis_nb_locate(nb);
}

static PMDL ndis_inline_mdl(PMDL mdl, void *data, ULONG length)
{
    mdl->Size = sizeof *mdl;
    mdl->MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL;
    mdl->MappedSystemVa = data;
    mdl->StartVa = PAGE_ALIGN(data);
    mdl->ByteOffset = BYTE_OFFSET(data);
    mdl->ByteCount = length;
    return mdl;
}

/* ---- NET_BUFFER_LIST allocation ----------------------------------------------------------- */
/* One block: NBL, optional NET_BUFFER + MDL + data (pool DataSize), then the context area. */
static PNET_BUFFER_LIST ndis_nbl_alloc(const char *fn, const void *site, NDIS_HANDLE handle, USHORT ctx_size,
                                       USHORT backfill, bool with_nb)
{
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site))
        return NULL;
    if (ndis_handle_kind(handle) != NDIS_HANDLE_NBL_POOL) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not a NET_BUFFER_LIST pool handle", handle);
        return NULL;
    }
    struct ndis_pool *pool = handle;
    if (with_nb && !pool->allocate_net_buffer) {
        vf_violation(VF_DATA_PATH_INVALID, fn, site,
                     "the pool was not allocated with fAllocateNetBuffer = TRUE");
        return NULL;
    }
    if (vf_fault_inject(fn, site))
        return NULL;
    const struct ndis_nbl_layout l = ndis_nbl_block_size(pool, (size_t)ctx_size + backfill);
    const size_t context = l.context, nb_bytes = l.nb_bytes, data_bytes = l.data_bytes, ctx_bytes = l.ctx_bytes;
    char *block = NULL;
    if (l.total == pool->block_size && atomic_load_explicit(&ndis_recycling, memory_order_relaxed)) {
        quick_lock_acquire(&pool->recycle_lock);
        PNET_BUFFER_LIST nbl = pool->recycled;
        if (nbl != NULL) {
            pool->recycled = nbl->Next;
            pool->nrecycled--;
        }
        quick_lock_release(&pool->recycle_lock);
        if (nbl != NULL) {
            /* A recycled block keeps its old frame data, as a reused NBL's buffer does on
             * Windows (undefined until the driver writes it); only the structures and the
             * context are cleared. The size is hidden from the optimizer, which would inline
             * each of its few values as a rep stos (one counted instruction per 8 bytes). */
            block = (char *)nbl;
            size_t header = sizeof(NET_BUFFER_LIST) + nb_bytes + (data_bytes ? sizeof(MDL) : 0);
            __asm__("" : "+r"(header));
            memset(block, 0, header);
            if (ctx_bytes)
                memset(block + sizeof(NET_BUFFER_LIST) + nb_bytes + data_bytes, 0, ctx_bytes);
        }
    }
    if (block == NULL) {
        if ((block = ke_pool_alloc(pool->owner, l.total, pool->tag, site, fn)) == NULL)
            return NULL;
        memset(block, 0, l.total);
    }
    PNET_BUFFER_LIST nbl = (PNET_BUFFER_LIST)block;
    char *next = block + sizeof *nbl;
    nbl->NdisPoolHandle = pool;
    if (nb_bytes) {
        PNET_BUFFER nb = (PNET_BUFFER)next;
        next += nb_bytes;
        PMDL mdl = NULL;
        if (data_bytes) {
            mdl = ndis_inline_mdl((PMDL)next, next + sizeof(MDL), pool->data_size);
            next += data_bytes;
        }
        ndis_nb_init(nb, pool, mdl, 0, mdl ? pool->data_size : 0);
        nbl->FirstNetBuffer = nb;
    }
    if (ctx_bytes) {
        nbl->Context = (PNET_BUFFER_LIST_CONTEXT)next;
        nbl->Context->Size = (USHORT)context;
        nbl->Context->Offset = (USHORT)(context - ctx_size);
    }
    return nbl;
}

NDISAPI PNET_BUFFER_LIST NdisAllocateNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize,
                                                   USHORT ContextBackFill)
{
    return ndis_nbl_alloc("NdisAllocateNetBufferList", VF_CALLER, PoolHandle, ContextSize, ContextBackFill, false);
}

NDISAPI PNET_BUFFER_LIST NdisAllocateNetBufferAndNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize,
                                                               USHORT ContextBackFill, PMDL MdlChain,
                                                               ULONG DataOffset, SIZE_T DataLength)
{
    PNET_BUFFER_LIST nbl = ndis_nbl_alloc("NdisAllocateNetBufferAndNetBufferList", VF_CALLER, PoolHandle,
                                          ContextSize, ContextBackFill, true);
    if (nbl != NULL && MdlChain != NULL)
        ndis_nb_init(nbl->FirstNetBuffer, PoolHandle, MdlChain, DataOffset, DataLength);
    return nbl;
}

NDISAPI VOID NdisFreeNetBufferList(PNET_BUFFER_LIST NetBufferList)
{
    static const char fn[] = "NdisFreeNetBufferList";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (NetBufferList == NULL || ndis_handle_kind(NetBufferList->NdisPoolHandle) != NDIS_HANDLE_NBL_POOL) {
        vf_violation(VF_FREE_INVALID, fn, site, "%p is not a NET_BUFFER_LIST allocated from an NDIS pool", NetBufferList);
        return;
    }
    if (NBL_STATE_IS(NetBufferList, NBL_INDICATED) || NBL_STATE_IS(NetBufferList, NBL_AT_MINIPORT)) {
        vf_violation(VF_NBL_NOT_OWNED, fn, site,
                     "freeing NET_BUFFER_LIST %p while %s", NetBufferList,
                     NBL_STATE_IS(NetBufferList, NBL_INDICATED) ? "NDIS still holds it (indicated, not returned)"
                                                                : "it is being sent");
        return;
    }
    if (NBL_STATE_IS(NetBufferList, NBL_RECYCLED)) {
        vf_violation(VF_FREE_INVALID, fn, site, "NET_BUFFER_LIST %p was already freed", NetBufferList);
        return;
    }
    struct ndis_pool *pool = NetBufferList->NdisPoolHandle;
    if (atomic_load_explicit(&ndis_recycling, memory_order_relaxed)) {
        quick_lock_acquire(&pool->recycle_lock);
        bool keep = pool->nrecycled < NDIS_RECYCLE_MAX && ke_pool_size(NetBufferList) == pool->block_size;
        if (keep) {
            NBL_SET(NetBufferList, NULL, NBL_RECYCLED);
            NetBufferList->Next = pool->recycled;
            pool->recycled = NetBufferList;
            pool->nrecycled++;
        }
        quick_lock_release(&pool->recycle_lock);
        if (keep)
            return;
    }
    if (!ke_pool_free(NetBufferList))
        vf_violation(VF_FREE_INVALID, fn, site, "NET_BUFFER_LIST %p was already freed", NetBufferList);
}

NDISAPI PNET_BUFFER NdisAllocateNetBuffer(NDIS_HANDLE PoolHandle, PMDL MdlChain, ULONG DataOffset,
                                          SIZE_T DataLength)
{
    static const char fn[] = "NdisAllocateNetBuffer";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site))
        return NULL;
    if (ndis_handle_kind(PoolHandle) != NDIS_HANDLE_NB_POOL) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not a NET_BUFFER pool handle", PoolHandle);
        return NULL;
    }
    struct ndis_pool *pool = PoolHandle;
    if (vf_fault_inject(fn, site))
        return NULL;
    PNET_BUFFER nb = ke_pool_alloc(pool->owner, sizeof *nb, pool->tag, site, fn);
    if (nb == NULL)
        return NULL;
    memset(nb, 0, sizeof *nb);
    ndis_nb_init(nb, pool, MdlChain, DataOffset, DataLength);
    return nb;
}

NDISAPI VOID NdisFreeNetBuffer(PNET_BUFFER NetBuffer)
{
    static const char fn[] = "NdisFreeNetBuffer";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (NetBuffer == NULL || ndis_handle_kind(NetBuffer->NdisPoolHandle) != NDIS_HANDLE_NB_POOL ||
        !ke_pool_free(NetBuffer))
        vf_violation(VF_FREE_INVALID, fn, site, "%p is not a live NET_BUFFER from NdisAllocateNetBuffer", NetBuffer);
}

/* ---- data access ---------------------------------------------------------------------------- */
NDISAPI PVOID NdisGetDataBuffer(PNET_BUFFER nb, ULONG BytesNeeded, PVOID Storage, UINT AlignMultiple,
                                UINT AlignOffset)
{
    if (nb == NULL || BytesNeeded == 0 || BytesNeeded > nb->DataLength || nb->CurrentMdl == NULL)
        return NULL;
    PMDL mdl = nb->CurrentMdl;
    UCHAR *va = (UCHAR *)MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) + nb->CurrentMdlOffset;
    if (nb->CurrentMdlOffset + BytesNeeded <= mdl->ByteCount &&
        (AlignMultiple <= 1 || ((ULONG_PTR)va % AlignMultiple) == AlignOffset))
        return va;
    if (Storage == NULL)
        return NULL;
    /* Not contiguous (or misaligned): gather into the caller's storage. */
    UCHAR *out = Storage;
    ULONG offset = nb->CurrentMdlOffset, left = BytesNeeded;
    for (; mdl != NULL && left > 0; mdl = mdl->Next, offset = 0) {
        ULONG n = mdl->ByteCount - offset;
        if (n > left)
            n = left;
        memcpy(out, (UCHAR *)MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) + offset, n);
        out += n;
        left -= n;
    }
    return left == 0 ? Storage : NULL;
}

NDISAPI NDIS_STATUS NdisRetreatNetBufferDataStart(PNET_BUFFER nb, ULONG DataOffsetDelta, ULONG DataBackFill,
                                                  NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler)
{
    (void)DataBackFill;
    (void)AllocateMdlHandler;
    if (DataOffsetDelta > nb->DataOffset) {
        /* Growing in front of the first MDL needs a new MDL; OpenNDIS does not allocate
         * one yet, which the DDI allows to fail with NDIS_STATUS_RESOURCES. */
        return NDIS_STATUS_RESOURCES;
    }
    nb->DataOffset -= DataOffsetDelta;
    nb->DataLength += DataOffsetDelta;
    ndis_nb_locate(nb);
    return NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisAdvanceNetBufferDataStart(PNET_BUFFER nb, ULONG DataOffsetDelta, BOOLEAN FreeMdl,
                                           NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler)
{
    static const char fn[] = "NdisAdvanceNetBufferDataStart";
    (void)FreeMdl;
    (void)FreeMdlHandler;
    if (DataOffsetDelta > nb->DataLength) {
        vf_violation(VF_DATA_PATH_INVALID, fn, VF_CALLER, "advancing %u bytes past a %u-byte NET_BUFFER",
                     DataOffsetDelta, nb->DataLength);
        DataOffsetDelta = nb->DataLength;
    }
    nb->DataOffset += DataOffsetDelta;
    nb->DataLength -= DataOffsetDelta;
    ndis_nb_locate(nb);
}

NDISAPI NDIS_STATUS NdisRetreatNetBufferListDataStart(PNET_BUFFER_LIST nbl, ULONG DataOffsetDelta,
                                                      ULONG DataBackFill,
                                                      NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler,
                                                      NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler)
{
    for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next) {
        NDIS_STATUS st = NdisRetreatNetBufferDataStart(nb, DataOffsetDelta, DataBackFill, AllocateMdlHandler);
        if (st != NDIS_STATUS_SUCCESS) {
            /* Undo the ones already retreated, as the DDI requires. */
            for (PNET_BUFFER done = nbl->FirstNetBuffer; done != nb; done = done->Next)
                NdisAdvanceNetBufferDataStart(done, DataOffsetDelta, FALSE, FreeMdlHandler);
            return st;
        }
    }
    return NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisAdvanceNetBufferListDataStart(PNET_BUFFER_LIST nbl, ULONG DataOffsetDelta, BOOLEAN FreeMdl,
                                               NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler)
{
    for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
        NdisAdvanceNetBufferDataStart(nb, DataOffsetDelta, FreeMdl, FreeMdlHandler);
}

/* ---- send ----------------------------------------------------------------------------------- */
/* The data path does not take the adapter's mutex: the state is read atomically, the counts
 * and counters are atomics, and the return queue has its own short lock. The mutex (and its
 * condition) is only for a pause or halt waiting on the counts; the data path wakes it only
 * when the adapter is not running, i.e. when someone may be waiting. */
#define DP_LOAD(x) atomic_load(&(x))
#define DP_ADD(x, n) ndis_dp_add(&(x), (n))
static inline long ndis_dp_add(_Atomic long *count, long n)
{
    return atomic_fetch_add(count, n) + n; /* the new value */
}
#define DP_COUNT(x, n) atomic_fetch_add_explicit(&(x), (n), memory_order_relaxed)

static void ndis_dp_wake(struct ndis_adapter *a)
{
    if (DP_LOAD(a->state) == NDIS_STATE_RUNNING)
        return; /* nobody waits on a running adapter's data path */
    ndis_adapter_lock(a);
    pthread_cond_broadcast(&a->changed);
    ndis_adapter_unlock(a);
}

/* The frame observer and its context, read as a pair (NULL when there is none). */
static ndis_frame_observer *ndis_observer(struct ndis_adapter *a, void **context)
{
    if (atomic_load_explicit(&a->observer, memory_order_acquire) == NULL)
        return NULL;
    ndis_adapter_lock(a);
    ndis_frame_observer *observer = a->observer;
    *context = a->observer_context;
    ndis_adapter_unlock(a);
    return observer;
}

static void ndis_deliver_send_complete(struct ndis_adapter *a, PNET_BUFFER_LIST nbls)
{
    if (nbls != NULL && a->edge != NULL && a->edge->send_complete != NULL)
        a->edge->send_complete(a->edge_context, a, nbls);
}

static void ndis_send_call_done(struct ndis_adapter *a)
{
    if (DP_ADD(a->sends_in_call, -1) == 0)
        ndis_dp_wake(a);
}

void ndis_adapter_send(struct ndis_adapter *a, PNET_BUFFER_LIST nbls)
{
    /* Counted in before the state is read, and a pause sets the state before it waits for
     * the count to drain (both sequentially consistent): either this call sees the pause and
     * does not send, or the pause sees this call and waits for it. */
    DP_ADD(a->sends_in_call, 1);
    bool running = DP_LOAD(a->state) == NDIS_STATE_RUNNING;
    long n = 0;
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next, n++) {
        if (running)
            NBL_SET(nbl, a, NBL_AT_MINIPORT);
        else
            nbl->Status = NDIS_STATUS_PAUSED;
    }
    if (running) {
        DP_ADD(a->sends_outstanding, n);
    } else {
        DP_COUNT(a->counters.send_failed, (uint64_t)n);
        ndis_send_call_done(a);
    }
    void *observer_context;
    ndis_frame_observer *observer = ndis_observer(a, &observer_context);
    if (observer != NULL)
        observer(observer_context, a, nbls, true);
    if (!running) {
        /* NDIS does not send to an adapter that is not running: it completes at once. */
        ndis_deliver_send_complete(a, nbls);
        return;
    }
    KIRQL old = ke_irql_set(DISPATCH_LEVEL);
    MINIPORT_SEND_NET_BUFFER_LISTS_HANDLER send = a->driver->chars.SendNetBufferListsHandler;
    send(a->context, nbls, NDIS_DEFAULT_PORT_NUMBER, NDIS_SEND_FLAGS_DISPATCH_LEVEL);
    ke_irql_after_handler(DISPATCH_LEVEL, "MiniportSendNetBufferLists", (const void *)send);
    ke_irql_set(old);
    ndis_send_call_done(a);
    /* A virtual miniport often indicates on its other adapters while sending. The read lock
     * keeps a halt on another thread from freeing the one being visited. */
    struct ndis_driver *d = a->driver;
    pthread_rwlock_rdlock(&d->adapters_lock);
    for (struct ndis_adapter *other = d->adapters; other; other = other->next)
        ndis_adapter_return_pending(other);
    pthread_rwlock_unlock(&d->adapters_lock);
}

NDISAPI VOID NdisMSendNetBufferListsComplete(NDIS_HANDLE MiniportAdapterHandle, PNET_BUFFER_LIST NetBufferLists,
                                             ULONG SendCompleteFlags)
{
    static const char fn[] = "NdisMSendNetBufferListsComplete";
    const void *site = VF_CALLER;
    (void)SendCompleteFlags;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    if (a == NULL)
        return;
    /* Keep the NBLs this adapter really lent out; report and drop the others. */
    PNET_BUFFER_LIST good = NULL, *tail = &good;
    long n = 0;
    uint64_t frames = 0, bytes = 0;
    for (PNET_BUFFER_LIST nbl = NetBufferLists, next; nbl; nbl = next) {
        next = nbl->Next;
        if (NBL_OWNER(nbl) != a || !NBL_STATE_IS(nbl, NBL_AT_MINIPORT)) {
            vf_violation(VF_NBL_NOT_OWNED, fn, site, "NET_BUFFER_LIST %p %s", nbl,
                         NBL_OWNER(nbl) == a && NBL_STATE_IS(nbl, NBL_SEND_COMPLETED)
                             ? "was already completed (double completion)"
                             : "was not sent to this adapter by NDIS");
            continue;
        }
        NBL_SET(nbl, a, NBL_SEND_COMPLETED); /* the owner stays: a second completion names itself */
        nbl->Next = NULL;
        *tail = nbl;
        tail = &nbl->Next;
        n++;
        if (nbl->Status == NDIS_STATUS_SUCCESS)
            for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next, frames++)
                bytes += nb->DataLength;
    }
    DP_COUNT(a->counters.sent_frames, frames);
    DP_COUNT(a->counters.sent_bytes, bytes);
    if (n != 0 && DP_ADD(a->sends_outstanding, -n) == 0)
        ndis_dp_wake(a);
    ndis_deliver_send_complete(a, good);
}

void ndis_adapter_cancel_send(struct ndis_adapter *a, PVOID cancel_id)
{
    KIRQL old = ke_irql_set(DISPATCH_LEVEL);
    MINIPORT_CANCEL_SEND_HANDLER cancel = a->driver->chars.CancelSendHandler;
    cancel(a->context, cancel_id);
    ke_irql_after_handler(DISPATCH_LEVEL, "MiniportCancelSend", (const void *)cancel);
    ke_irql_set(old);
}

/* ---- receive ---------------------------------------------------------------------------------- */
NDISAPI VOID NdisMIndicateReceiveNetBufferLists(NDIS_HANDLE MiniportAdapterHandle, PNET_BUFFER_LIST NetBufferLists,
                                                NDIS_PORT_NUMBER PortNumber, ULONG NumberOfNetBufferLists,
                                                ULONG ReceiveFlags)
{
    static const char fn[] = "NdisMIndicateReceiveNetBufferLists";
    const void *site = VF_CALLER;
    (void)PortNumber;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    if (a == NULL)
        return;
    const bool resources = (ReceiveFlags & NDIS_RECEIVE_FLAGS_RESOURCES) != 0;
    ULONG count = 0;
    for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = nbl->Next, count++)
        if (NBL_STATE_IS(nbl, NBL_INDICATED)) {
            vf_violation(VF_NBL_NOT_OWNED, fn, site,
                         "NET_BUFFER_LIST %p is indicated again before NDIS returned it", nbl);
            return;
        }
    if (count != NumberOfNetBufferLists)
        vf_violation(VF_DATA_PATH_INVALID, fn, site, "NumberOfNetBufferLists is %u but the chain has %u",
                     NumberOfNetBufferLists, count);

    uint64_t frames = 0, bytes = 0;
    for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = nbl->Next) {
        if (!resources)
            NBL_SET(nbl, a, NBL_INDICATED);
        for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next, frames++)
            bytes += nb->DataLength;
    }
    enum ndis_state state = DP_LOAD(a->state);
    bool allowed = state == NDIS_STATE_RUNNING || state == NDIS_STATE_RESTARTING || state == NDIS_STATE_PAUSING;
    DP_COUNT(a->counters.received_frames, frames);
    DP_COUNT(a->counters.received_bytes, bytes);
    if (!allowed)
        vf_violation(VF_RECEIVE_NOT_RUNNING, fn, site,
                     "receive indication while adapter %u is %s; only Restarting, Running and Pausing may indicate",
                     a->index, ndis_state_name(state));
    void *observer_context;
    ndis_frame_observer *observer = allowed ? ndis_observer(a, &observer_context) : NULL;
    if (observer != NULL)
        observer(observer_context, a, NetBufferLists, false);
    if (allowed && a->edge != NULL && a->edge->receive != NULL)
        a->edge->receive(a->edge_context, a, NetBufferLists);
    if (resources)
        return; /* the miniport owns them again as soon as this call returns */

    /* Queue for MiniportReturnNetBufferLists, outside this call. */
    PNET_BUFFER_LIST last = NetBufferLists;
    while (last->Next)
        last = last->Next;
    quick_lock_acquire(&a->returns_lock);
    PNET_BUFFER_LIST *tail = a->returns_tail != NULL ? a->returns_tail : &a->returns;
    *tail = NetBufferLists;
    a->returns_tail = &last->Next;
    DP_ADD(a->receives_outstanding, (long)count);
    atomic_store_explicit(&a->returns_waiting, true, memory_order_release);
    quick_lock_release(&a->returns_lock);
}

void ndis_adapter_return_pending(struct ndis_adapter *a)
{
    /* Called on every host poll: nothing to do is the common case, and costs one load. */
    if (!atomic_load_explicit(&a->returns_waiting, memory_order_acquire))
        return;
    quick_lock_acquire(&a->returns_lock);
    PNET_BUFFER_LIST nbls = a->returns;
    a->returns = NULL;
    a->returns_tail = NULL;
    atomic_store_explicit(&a->returns_waiting, false, memory_order_relaxed);
    long n = 0;
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next, n++)
        NBL_SET(nbl, NULL, NBL_IDLE);
    quick_lock_release(&a->returns_lock);
    if (nbls == NULL)
        return;
    if (DP_ADD(a->receives_outstanding, -n) == 0)
        ndis_dp_wake(a);
    KIRQL old = ke_irql_set(DISPATCH_LEVEL);
    MINIPORT_RETURN_NET_BUFFER_LISTS_HANDLER ret = a->driver->chars.ReturnNetBufferListsHandler;
    ret(a->context, nbls, NDIS_RETURN_FLAGS_DISPATCH_LEVEL);
    ke_irql_after_handler(DISPATCH_LEVEL, "MiniportReturnNetBufferLists", (const void *)ret);
    ke_irql_set(old);
}
