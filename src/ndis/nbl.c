/* NET_BUFFER_LIST and NET_BUFFER pools and objects, their recycling, and data access. The
 * send and receive paths that hand them over are in datapath.c; who owns an NBL is marked
 * as nbl_owner.h says. */
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "nbl_owner.h"
#include "ndis.h"

#define NDIS_POOL_MAGIC 0x4e44504cu /* "NDPL" */

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
    /* NdisHandle is optional for both pool kinds (DDI: [in, optional]): without one, the pool
     * is the calling driver's, and a pool it never frees shows as a leak at its unload. */
    struct ke_pool *owner = handle == NULL ? ke_caller_pool(site) : ndis_owner_checked(handle, "NdisHandle", fn, site);
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
