/* The loopback edge: frames sent down are NET_BUFFER_LISTs OpenNDIS owns (one NBL, one
 * NET_BUFFER, one MDL and the data in one block, recycled on send completion); frames
 * indicated up are copied into a bounded queue. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "edge.h"

#define EDGE_FRAME_DATA 2048

struct edge_frame {
    NET_BUFFER_LIST nbl;
    NET_BUFFER nb;
    MDL mdl;
    struct edge_frame *next_free;
    UCHAR data[EDGE_FRAME_DATA];
};

struct edge_rx {
    size_t len;
    UCHAR data[EDGE_FRAME_DATA];
};

struct edge_loopback {
    struct ndis_adapter *adapter;
    pthread_mutex_t lock;
    struct edge_frame *free_frames;
    struct edge_rx *queue;
    size_t queue_len, head, count;
    struct edge_loopback_stats stats;
};

static void edge_lb_receive(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls)
{
    struct edge_loopback *lb = ctx;
    (void)adapter;
    pthread_mutex_lock(&lb->lock);
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next)
        for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next) {
            if (lb->count == lb->queue_len || nb->DataLength > EDGE_FRAME_DATA) {
                lb->stats.dropped++;
                continue;
            }
            struct edge_rx *rx = &lb->queue[(lb->head + lb->count) % lb->queue_len];
            /* Copy across the MDL chain from the current MDL and offset. */
            ULONG left = nb->DataLength, offset = nb->CurrentMdlOffset, at = 0;
            for (PMDL mdl = nb->CurrentMdl; mdl && left; mdl = mdl->Next, offset = 0) {
                ULONG n = mdl->ByteCount - offset < left ? mdl->ByteCount - offset : left;
                memcpy(rx->data + at, (UCHAR *)MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) + offset, n);
                at += n;
                left -= n;
            }
            if (left != 0) {
                lb->stats.dropped++; /* the MDL chain is shorter than DataLength */
                continue;
            }
            rx->len = at;
            lb->count++;
            lb->stats.received++;
        }
    pthread_mutex_unlock(&lb->lock);
}

static void edge_lb_send_complete(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls)
{
    struct edge_loopback *lb = ctx;
    (void)adapter;
    pthread_mutex_lock(&lb->lock);
    for (PNET_BUFFER_LIST nbl = nbls, next; nbl; nbl = next) {
        next = nbl->Next;
        struct edge_frame *f = (struct edge_frame *)nbl;
        if (nbl->Status == NDIS_STATUS_SUCCESS)
            lb->stats.send_completed++;
        else
            lb->stats.send_failed++;
        f->next_free = lb->free_frames;
        lb->free_frames = f;
    }
    pthread_mutex_unlock(&lb->lock);
}

static void edge_lb_status(void *ctx, struct ndis_adapter *adapter, const NDIS_STATUS_INDICATION *ind)
{
    struct edge_loopback *lb = ctx;
    (void)adapter;
    if (ind->StatusCode == NDIS_STATUS_LINK_STATE) {
        pthread_mutex_lock(&lb->lock);
        lb->stats.link_changes++;
        pthread_mutex_unlock(&lb->lock);
    }
}

static void edge_lb_detached(void *ctx, struct ndis_adapter *adapter)
{
    struct edge_loopback *lb = ctx;
    (void)adapter;
    pthread_mutex_lock(&lb->lock);
    lb->adapter = NULL;
    pthread_mutex_unlock(&lb->lock);
}

static const struct ndis_upper_edge edge_lb_ops = {
    .receive = edge_lb_receive,
    .send_complete = edge_lb_send_complete,
    .status = edge_lb_status,
    .detached = edge_lb_detached,
};

struct edge_loopback *edge_loopback_open(struct ndis_adapter *adapter, size_t queue_len)
{
    struct edge_loopback *lb = calloc(1, sizeof *lb);
    if (lb == NULL || queue_len == 0 || (lb->queue = calloc(queue_len, sizeof *lb->queue)) == NULL) {
        free(lb);
        return NULL;
    }
    lb->adapter = adapter;
    lb->queue_len = queue_len;
    pthread_mutex_init(&lb->lock, NULL);
    ndis_adapter_attach(adapter, &edge_lb_ops, lb);
    return lb;
}

void edge_loopback_close(struct edge_loopback *lb)
{
    if (lb == NULL)
        return;
    if (lb->adapter != NULL) /* still up: detach; a halted adapter already let go */
        ndis_adapter_attach(lb->adapter, NULL, NULL);
    while (lb->free_frames) {
        struct edge_frame *f = lb->free_frames;
        lb->free_frames = f->next_free;
        free(f);
    }
    pthread_mutex_destroy(&lb->lock);
    free(lb->queue);
    free(lb);
}

static struct edge_frame *edge_frame_get(struct edge_loopback *lb)
{
    pthread_mutex_lock(&lb->lock);
    struct edge_frame *f = lb->free_frames;
    if (f != NULL)
        lb->free_frames = f->next_free;
    pthread_mutex_unlock(&lb->lock);
    if (f == NULL)
        f = aligned_alloc(16, (sizeof *f + 15) & ~(size_t)15);
    return f;
}

size_t edge_loopback_send(struct edge_loopback *lb, const void *const *frames, const size_t *lengths, size_t count)
{
    PNET_BUFFER_LIST head = NULL, *tail = &head;
    size_t n = 0;
    for (; n < count; n++) {
        if (lengths[n] > EDGE_FRAME_DATA)
            break;
        struct edge_frame *f = edge_frame_get(lb);
        if (f == NULL)
            break;
        memset(&f->nbl, 0, sizeof f->nbl);
        memset(&f->nb, 0, sizeof f->nb);
        memcpy(f->data, frames[n], lengths[n]);
        f->mdl = (MDL){ .Size = sizeof(MDL), .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL, .MappedSystemVa = f->data,
                        .StartVa = PAGE_ALIGN(f->data), .ByteOffset = BYTE_OFFSET(f->data),
                        .ByteCount = (ULONG)lengths[n] };
        f->nb.MdlChain = f->nb.CurrentMdl = &f->mdl;
        f->nb.DataLength = (ULONG)lengths[n];
        f->nbl.FirstNetBuffer = &f->nb;
        f->nbl.SourceHandle = lb;
        *tail = &f->nbl;
        tail = &f->nbl.Next;
    }
    pthread_mutex_lock(&lb->lock);
    struct ndis_adapter *adapter = lb->adapter;
    if (adapter == NULL) { /* halted: nothing to send to */
        for (PNET_BUFFER_LIST nbl = head, next; nbl; nbl = next) {
            next = nbl->Next;
            free(nbl);
        }
        n = 0;
        head = NULL;
    }
    lb->stats.sent += n;
    pthread_mutex_unlock(&lb->lock);
    if (head != NULL)
        ndis_adapter_send(adapter, head);
    return n;
}

ssize_t edge_loopback_recv(struct edge_loopback *lb, void *buffer, size_t cap)
{
    /* Returning indicated NBLs is NDIS's part of receiving; do it whenever the host polls. */
    pthread_mutex_lock(&lb->lock);
    struct ndis_adapter *adapter = lb->adapter;
    pthread_mutex_unlock(&lb->lock);
    if (adapter != NULL)
        ndis_adapter_return_pending(adapter);
    pthread_mutex_lock(&lb->lock);
    ssize_t len = -1;
    if (lb->count > 0 && lb->queue[lb->head].len <= cap) {
        struct edge_rx *rx = &lb->queue[lb->head];
        memcpy(buffer, rx->data, rx->len);
        len = (ssize_t)rx->len;
        lb->head = (lb->head + 1) % lb->queue_len;
        lb->count--;
    }
    pthread_mutex_unlock(&lb->lock);
    return len;
}

void edge_loopback_stats(struct edge_loopback *lb, struct edge_loopback_stats *out)
{
    pthread_mutex_lock(&lb->lock);
    *out = lb->stats;
    pthread_mutex_unlock(&lb->lock);
}
