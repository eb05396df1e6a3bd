/* Frame blocks for the edges (see frame.h). */
#include <stdlib.h>
#include <string.h>

#include "frame.h"

void edge_frames_init(struct edge_frames *pool)
{
    ke_lock_init(&pool->lock);
    pool->free = NULL;
}

void edge_frames_destroy(struct edge_frames *pool)
{
    while (pool->free) {
        struct edge_frame *f = pool->free;
        pool->free = f->next_free;
        free(f);
    }
}

struct edge_frame *edge_frame_get(struct edge_frames *pool, const void *data, size_t len, void *source)
{
    if (len > EDGE_FRAME_DATA)
        return NULL;
    ke_lock(&pool->lock);
    struct edge_frame *f = pool->free;
    if (f != NULL)
        pool->free = f->next_free;
    ke_unlock(&pool->lock);
    if (f == NULL && (f = aligned_alloc(16, (sizeof *f + 15) & ~(size_t)15)) == NULL)
        return NULL;
    memset(&f->nbl, 0, sizeof f->nbl);
    memset(&f->nb, 0, sizeof f->nb);
    memcpy(f->data, data, len);
    f->mdl = (MDL){ .Size = sizeof(MDL), .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL, .MappedSystemVa = f->data,
                    .StartVa = PAGE_ALIGN(f->data), .ByteOffset = BYTE_OFFSET(f->data), .ByteCount = (ULONG)len };
    f->nb.MdlChain = f->nb.CurrentMdl = &f->mdl;
    f->nb.DataLength = (ULONG)len;
    f->nbl.FirstNetBuffer = &f->nb;
    f->nbl.SourceHandle = source;
    f->nbl.ProtocolReserved[0] = pool;
    return f;
}

bool edge_frame_put(struct edge_frames *pool, PNET_BUFFER_LIST nbl)
{
    if (nbl->ProtocolReserved[0] != pool)
        return false;
    struct edge_frame *f = (struct edge_frame *)nbl;
    ke_lock(&pool->lock);
    f->next_free = pool->free;
    pool->free = f;
    ke_unlock(&pool->lock);
    return true;
}

size_t edge_nb_copy(PNET_BUFFER nb, void *out, size_t cap)
{
    ULONG left = nb->DataLength, offset = nb->CurrentMdlOffset;
    size_t at = 0;
    if (left > cap)
        return 0;
    for (PMDL mdl = nb->CurrentMdl; mdl && left; mdl = mdl->Next, offset = 0) {
        ULONG n = mdl->ByteCount - offset < left ? mdl->ByteCount - offset : left;
        memcpy((UCHAR *)out + at, (UCHAR *)MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) + offset, n);
        at += n;
        left -= n;
    }
    return left == 0 ? at : 0;
}
