/* The virtqueues of a virtio device model (virtio 1.x, 2.7 split and 2.8 packed), as the
 * device sees them: chains taken from the driver, their descriptors walked (indirect tables
 * included), and buffers given back with the interrupt decision the driver asked for. Every
 * access goes through the bus's DMA map. The caller serializes calls on one queue. */
#ifndef DEVICES_VIRTQUEUE_H
#define DEVICES_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/include/openndis/device.h"

#define VQ_NO_VECTOR 0xFFFFu
#define VQ_F_INDIRECT_DESC (1ull << 28) /* VIRTIO_RING_F_INDIRECT_DESC */
#define VQ_F_EVENT_IDX (1ull << 29)     /* VIRTIO_RING_F_EVENT_IDX */
#define VQ_F_RING_PACKED (1ull << 34)   /* VIRTIO_F_RING_PACKED */

/* Where the device is in a ring: split, a free-running index into the available ring;
 * packed, a slot of the descriptor ring and the wrap counter that goes with it. */
struct vq_cursor {
    uint16_t at;
    bool wrap;
};

struct virtqueue {
    /* bus addresses: split, the descriptor table, available and used rings; packed, the
     * descriptor ring and the driver's and device's event suppression structures */
    uint64_t desc, driver, device;
    uint32_t pfn;    /* legacy: the page written, else 0 */
    uint16_t size;
    uint16_t vector; /* MSI-X, or VQ_NO_VECTOR */
    bool enabled;
    /* set by vq_enable from the features negotiated */
    struct openndis_device *bus;
    bool packed, event_idx, indirect;
    struct vq_cursor avail; /* the next chain the device takes */
    struct vq_cursor used;  /* where the next used buffer goes */
    uint16_t used_idx;      /* split: the used ring's index */
};

/* A chain the driver made available, and the device's walk along it. */
struct vq_chain {
    uint16_t id;    /* split: its head's index; packed: the buffer ID */
    uint16_t slots; /* packed: ring slots it takes */
    uint16_t start; /* where its first descriptor is (split: table index; packed: ring slot) */
    /* the walk */
    uint16_t next;
    uint16_t hops;
    uint16_t table_n; /* descriptors in the indirect table, when in one */
    uint64_t table;
    bool started, ended;
};

struct vq_desc {
    uint64_t addr;
    uint32_t len;
    bool write; /* device-writable */
};

/* The queue is set up: starts at the ring's beginning with these features. */
void vq_enable(struct virtqueue *q, struct openndis_device *bus, uint64_t features);
/* Declares the rings the device's (openndis_device_dma_hold) while it runs. */
void vq_hold(struct virtqueue *q);
/* The next available chain, taken (true), or none yet (then *c is unchanged). */
bool vq_take(struct virtqueue *q, struct vq_chain *c);
/* The chain at `*at`, without taking it; `*at` moves past it. Start from vq_first. */
void vq_first(const struct virtqueue *q, struct vq_cursor *at);
bool vq_peek(struct virtqueue *q, struct vq_cursor *at, struct vq_chain *c);
/* The chain's next descriptor: 1, or 0 at its end, or -1 when the chain is malformed (an
 * index out of the ring, a loop, a nested or misplaced indirect table, unmapped memory). */
int vq_next(struct virtqueue *q, struct vq_chain *c, struct vq_desc *d);
/* Gives a taken chain back with `written` bytes in it; true when the driver wants an
 * interrupt for it (its flags, or with EVENT_IDX its event index). */
bool vq_put(struct virtqueue *q, const struct vq_chain *c, uint32_t written);

#endif
