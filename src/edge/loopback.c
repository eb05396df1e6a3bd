/* The loopback edge: frames sent down are NET_BUFFER_LISTs OpenNDIS owns (one NBL, one
 * NET_BUFFER, one MDL and the data in one block, recycled on send completion); frames
 * indicated up are copied into a bounded queue. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/inet.h"
#include "edge.h"
#include "frame.h"

struct edge_rx {
    size_t len;
    UCHAR data[EDGE_FRAME_DATA];
};


struct edge_loopback {
    struct ndis_adapter *_Atomic adapter; /* NULL once detached; recv peeks without the lock */
    struct quick_lock lock;
    struct edge_frames frames;
    struct edge_rx *queue;
    size_t queue_len, head, count;
    struct edge_loopback_stats stats;
};

static void edge_lb_receive(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls)
{
    struct edge_loopback *lb = ctx;
    (void)adapter;
    quick_lock_acquire(&lb->lock);
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next)
        for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next) {
            size_t at = lb->head + lb->count; /* both < queue_len: no division needed */
            struct edge_rx *rx = &lb->queue[at >= lb->queue_len ? at - lb->queue_len : at];
            size_t len = lb->count == lb->queue_len ? 0 : edge_nb_copy(nb, rx->data, sizeof rx->data);
            if (len == 0) { /* queue full, frame too big or MDL chain too short */
                lb->stats.dropped++;
                continue;
            }
            rx->len = len;
            lb->count++;
            lb->stats.received++;
        }
    quick_lock_release(&lb->lock);
}

static void edge_lb_send_complete(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls)
{
    struct edge_loopback *lb = ctx;
    uint64_t ok = 0, failed = 0;
    (void)adapter;
    edge_frames_put_chain(&lb->frames, nbls, &ok, &failed);
    quick_lock_acquire(&lb->lock);
    lb->stats.send_completed += ok;
    lb->stats.send_failed += failed;
    quick_lock_release(&lb->lock);
}

static void edge_lb_status(void *ctx, struct ndis_adapter *adapter, const NDIS_STATUS_INDICATION *ind)
{
    struct edge_loopback *lb = ctx;
    (void)adapter;
    if (ind->StatusCode == NDIS_STATUS_LINK_STATE) {
        quick_lock_acquire(&lb->lock);
        lb->stats.link_changes++;
        quick_lock_release(&lb->lock);
    }
}

static void edge_lb_detached(void *ctx, struct ndis_adapter *adapter)
{
    struct edge_loopback *lb = ctx;
    (void)adapter;
    quick_lock_acquire(&lb->lock);
    atomic_store_explicit(&lb->adapter, NULL, memory_order_release);
    quick_lock_release(&lb->lock);
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
    /* The slots are not cleared: each is written before it is read, and untouched ones cost
     * no memory (a cleared 512 KiB queue is 128 pages written for nothing). */
    if (lb == NULL || queue_len == 0 || queue_len > SIZE_MAX / sizeof *lb->queue ||
        (lb->queue = malloc(queue_len * sizeof *lb->queue)) == NULL) {
        free(lb);
        return NULL;
    }
    lb->adapter = adapter;
    lb->queue_len = queue_len;
    quick_lock_init(&lb->lock);
    edge_frames_init(&lb->frames);
    ndis_adapter_attach(adapter, &edge_lb_ops, lb);
    return lb;
}

void edge_loopback_close(struct edge_loopback *lb)
{
    if (lb == NULL)
        return;
    if (lb->adapter != NULL) /* still up: detach; a halted adapter already let go */
        ndis_adapter_attach(lb->adapter, NULL, NULL);
    edge_frames_destroy(&lb->frames);
    free(lb->queue);
    free(lb);
}

size_t edge_loopback_send(struct edge_loopback *lb, const void *const *frames, const size_t *lengths, size_t count)
{
    PNET_BUFFER_LIST head;
    size_t n = edge_frames_get_chain(&lb->frames, frames, lengths, count, lb, &head);
    quick_lock_acquire(&lb->lock);
    struct ndis_adapter *adapter = lb->adapter;
    if (adapter == NULL) { /* halted: nothing to send to */
        for (PNET_BUFFER_LIST nbl = head, next; nbl; nbl = next) {
            next = nbl->Next;
            edge_frame_put(&lb->frames, nbl);
        }
        n = 0;
        head = NULL;
    }
    lb->stats.sent += n;
    quick_lock_release(&lb->lock);
    if (head != NULL)
        ndis_adapter_send(adapter, head);
    return n;
}

ssize_t edge_loopback_recv(struct edge_loopback *lb, void *buffer, size_t cap)
{
    /* Returning indicated NBLs is NDIS's part of receiving; do it whenever the host polls
     * (it costs one load when there is nothing to return). */
    struct ndis_adapter *adapter = atomic_load_explicit(&lb->adapter, memory_order_acquire);
    if (adapter != NULL)
        ndis_adapter_return_pending(adapter);
    quick_lock_acquire(&lb->lock);
    ssize_t len = -1;
    if (lb->count > 0 && lb->queue[lb->head].len <= cap) {
        struct edge_rx *rx = &lb->queue[lb->head];
        memcpy(buffer, rx->data, rx->len);
        len = (ssize_t)rx->len;
        /* An emptied queue starts again at its first slot: the same few pages stay in use
         * (and in cache) instead of the whole ring being walked through. */
        lb->head = lb->head + 1 == lb->queue_len || lb->count == 1 ? 0 : lb->head + 1;
        lb->count--;
    }
    quick_lock_release(&lb->lock);
    return len;
}

void edge_loopback_stats(struct edge_loopback *lb, struct edge_loopback_stats *out)
{
    quick_lock_acquire(&lb->lock);
    *out = lb->stats;
    quick_lock_release(&lb->lock);
}

void edge_loopback_udp_frame(UCHAR *f, size_t len, const UCHAR dst[6], const UCHAR src[6], unsigned flow)
{
    unsigned port = 1024u + flow;
    memset(f, 0, len);
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    f[14] = 0x45, f[16] = (UCHAR)((len - 14) >> 8), f[17] = (UCHAR)(len - 14), f[22] = 64, f[23] = 17;
    memcpy(f + 26, (const UCHAR[]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
    f[34] = (UCHAR)(port >> 8), f[35] = (UCHAR)port, f[36] = 0x12, f[37] = 0xb5;
    f[38] = (UCHAR)((len - 34) >> 8), f[39] = (UCHAR)(len - 34);
    inet_ipv4_checksum(f, 14, 20); /* a driver checking received headers takes it */
}
