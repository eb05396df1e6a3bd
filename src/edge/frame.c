/* Frame blocks for the edges (see frame.h). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

void edge_frames_init(struct edge_frames *pool)
{
    quick_lock_init(&pool->lock);
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

/* Makes `f` a one-buffer NBL holding a copy of `data`. */
static void edge_frame_fill(struct edge_frames *pool, struct edge_frame *f, const void *data, size_t len, void *source)
{
    /* The NBL and NET_BUFFER are cleared whole (a driver may have written any field while it
     * owned them); their size is hidden from the optimizer so this is the C library's vector
     * memset rather than an inlined rep stos. */
    size_t structures = offsetof(struct edge_frame, mdl);
    __asm__("" : "+r"(structures));
    memset(f, 0, structures);
    memcpy(f->data, data, len);
    f->mdl = (MDL){ .Size = sizeof(MDL), .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL, .MappedSystemVa = f->data,
                    .StartVa = PAGE_ALIGN(f->data), .ByteOffset = BYTE_OFFSET(f->data), .ByteCount = (ULONG)len };
    f->nb.MdlChain = f->nb.CurrentMdl = &f->mdl;
    f->nb.DataLength = (ULONG)len;
    f->nbl.FirstNetBuffer = &f->nb;
    f->nbl.SourceHandle = source;
    f->nbl.ProtocolReserved[0] = pool;
}

static struct edge_frame *edge_frame_new(void)
{
    return aligned_alloc(16, (sizeof(struct edge_frame) + 15) & ~(size_t)15);
}

struct edge_frame *edge_frame_get(struct edge_frames *pool, const void *data, size_t len, void *source)
{
    if (len > EDGE_FRAME_MAX)
        return NULL;
    if (len > EDGE_FRAME_DATA) {
        size_t size = (offsetof(struct edge_frame, data) + len + 15) & ~(size_t)15;
        struct edge_frame *f = aligned_alloc(16, size);
        if (f == NULL)
            return NULL;
        edge_frame_fill(pool, f, data, len, source);
        f->big = true;
        return f;
    }
    quick_lock_acquire(&pool->lock);
    struct edge_frame *f = pool->free;
    if (f != NULL)
        pool->free = f->next_free;
    quick_lock_release(&pool->lock);
    if (f == NULL && (f = edge_frame_new()) == NULL)
        return NULL;
    edge_frame_fill(pool, f, data, len, source);
    f->big = false;
    return f;
}

size_t edge_frames_get_chain(struct edge_frames *pool, const void *const *data, const size_t *len, size_t count,
                             void *source, PNET_BUFFER_LIST *chain)
{
    PNET_BUFFER_LIST *tail = chain;
    size_t made = 0;
    *chain = NULL;
    while (made < count && len[made] <= EDGE_FRAME_DATA) {
        /* up to a batch of free frames under one lock */
        struct edge_frame *batch[64];
        size_t want = count - made < 64 ? count - made : 64, got = 0;
        quick_lock_acquire(&pool->lock);
        for (; got < want && pool->free != NULL; got++) {
            batch[got] = pool->free;
            pool->free = batch[got]->next_free;
        }
        quick_lock_release(&pool->lock);
        for (; got < want && (batch[got] = edge_frame_new()) != NULL; got++)
            ;
        size_t used = 0;
        for (; used < got && len[made] <= EDGE_FRAME_DATA; used++, made++) {
            edge_frame_fill(pool, batch[used], data[made], len[made], source);
            batch[used]->big = false;
            *tail = &batch[used]->nbl;
            tail = &batch[used]->nbl.Next;
        }
        if (used < got) { /* a payload too big, or out of memory: give the rest back */
            quick_lock_acquire(&pool->lock);
            for (size_t i = used; i < got; i++) {
                batch[i]->next_free = pool->free;
                pool->free = batch[i];
            }
            quick_lock_release(&pool->lock);
        }
        if (got < want)
            break;
    }
    return made;
}

bool edge_frame_put(struct edge_frames *pool, PNET_BUFFER_LIST nbl)
{
    if (nbl->ProtocolReserved[0] != pool)
        return false;
    struct edge_frame *f = (struct edge_frame *)nbl;
    if (f->big) {
        free(f);
        return true;
    }
    quick_lock_acquire(&pool->lock);
    f->next_free = pool->free;
    pool->free = f;
    quick_lock_release(&pool->lock);
    return true;
}

void edge_frames_put_chain(struct edge_frames *pool, PNET_BUFFER_LIST nbls, uint64_t *ok, uint64_t *failed)
{
    struct edge_frame *head = NULL, **tail = &head;
    for (PNET_BUFFER_LIST nbl = nbls, next; nbl; nbl = next) {
        next = nbl->Next;
        if (nbl->ProtocolReserved[0] != pool)
            continue; /* not sent by this edge */
        if (nbl->Status == NDIS_STATUS_SUCCESS)
            ++*ok;
        else
            ++*failed;
        struct edge_frame *f = (struct edge_frame *)nbl;
        if (f->big) {
            free(f);
            continue;
        }
        *tail = f;
        tail = &f->next_free;
    }
    if (head == NULL)
        return;
    quick_lock_acquire(&pool->lock);
    *tail = pool->free;
    pool->free = head;
    quick_lock_release(&pool->lock);
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
