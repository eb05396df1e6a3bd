/* Virtqueues, from the device's side (virtio 1.x, 2.7 and 2.8).
 *
 * Split: a descriptor table (addr, len, flags, next), the driver's available ring (flags,
 * idx, ring[size], used_event) and the device's used ring (flags, idx, {id, len}[size],
 * avail_event). Packed: one ring of descriptors (addr, len, id, flags) that the driver marks
 * available and the device marks used by two flag bits against wrap counters, and two event
 * suppression structures (off_wrap, flags), the driver's and the device's.
 *
 * A descriptor with INDIRECT points to a table of descriptors in the same format (split:
 * chained by `next` inside the table; packed: all of them, in order); it is the chain's only
 * entry in the ring, and a table holds no further INDIRECT. */
#include <stdatomic.h>
#include <string.h>

#include "virtqueue.h"

#define VQ_DESC_F_NEXT 1u
#define VQ_DESC_F_WRITE 2u
#define VQ_DESC_F_INDIRECT 4u
#define VQ_PACKED_F_AVAIL (1u << 7)
#define VQ_PACKED_F_USED (1u << 15)
#define VQ_AVAIL_F_NO_INTERRUPT 1u
#define VQ_EVENT_ENABLE 0u /* packed event suppression flags */
#define VQ_EVENT_DISABLE 1u
#define VQ_EVENT_DESC 2u

void vq_enable(struct virtqueue *q, struct openndis_device *bus, uint64_t features)
{
    q->enabled = true;
    q->bus = bus;
    q->packed = (features & VQ_F_RING_PACKED) != 0;
    q->event_idx = (features & VQ_F_EVENT_IDX) != 0;
    q->indirect = (features & VQ_F_INDIRECT_DESC) != 0;
    /* both wrap counters start at 1 (2.8.1) */
    q->avail = q->used = (struct vq_cursor){ .at = 0, .wrap = true };
    q->used_idx = 0;
}

void vq_hold(struct virtqueue *q)
{
    if (q->bus == NULL || !q->enabled)
        return;
    if (q->packed) {
        openndis_device_dma_hold(q->bus, q->desc, 16u * q->size);
        openndis_device_dma_hold(q->bus, q->driver, 4);
        openndis_device_dma_hold(q->bus, q->device, 4);
        uint32_t wants_all = VQ_EVENT_ENABLE; /* the device's own suppression: notify it always */
        openndis_device_dma_write(q->bus, q->device, &wants_all, sizeof wants_all);
    } else if (q->pfn != 0) { /* legacy: one block, descriptors to the used ring's end */
        openndis_device_dma_hold(q->bus, q->desc, q->device + 6 + 8u * q->size - q->desc);
    } else {
        openndis_device_dma_hold(q->bus, q->desc, 16u * q->size);
        openndis_device_dma_hold(q->bus, q->driver, 6 + 2u * q->size);
        openndis_device_dma_hold(q->bus, q->device, 6 + 8u * q->size);
    }
}

/* Moves a packed ring position on by `n` slots, flipping the wrap counter past the end. */
static void vq_advance(const struct virtqueue *q, struct vq_cursor *c, unsigned n)
{
    unsigned at = c->at + n;
    if (at >= q->size) {
        at -= q->size;
        c->wrap = !c->wrap;
    }
    c->at = (uint16_t)at;
}

static uint16_t vq_packed_flags(const struct virtqueue *q, unsigned slot, bool *ok)
{
    uint16_t flags = 0;
    *ok = openndis_device_dma_read(q->bus, q->desc + 16u * slot + 14, &flags, sizeof flags);
    return flags;
}

void vq_first(const struct virtqueue *q, struct vq_cursor *at)
{
    *at = q->avail;
}

bool vq_peek(struct virtqueue *q, struct vq_cursor *at, struct vq_chain *c)
{
    if (!q->enabled || q->bus == NULL || q->size == 0)
        return false;
    struct vq_chain found = { 0 }; /* *c is left alone when nothing is available */
    if (!q->packed) {
        uint16_t idx, head;
        if (!openndis_device_dma_read(q->bus, q->driver + 2, &idx, sizeof idx) || idx == at->at ||
            !openndis_device_dma_read(q->bus, q->driver + 4 + 2u * (at->at % q->size), &head, sizeof head))
            return false;
        at->at++;
        found.id = found.start = head;
        found.slots = 1;
        *c = found;
        return true;
    }
    /* packed: available when its AVAIL bit matches the driver's wrap counter and USED does not */
    bool ok;
    uint16_t flags = vq_packed_flags(q, at->at, &ok);
    if (!ok || ((flags & VQ_PACKED_F_AVAIL) != 0) != at->wrap || ((flags & VQ_PACKED_F_USED) != 0) == at->wrap)
        return false;
    found.start = at->at;
    unsigned slot = at->at;
    for (found.slots = 1; (flags & VQ_DESC_F_NEXT) && found.slots < q->size; found.slots++) {
        slot = slot + 1 == q->size ? 0 : slot + 1;
        flags = vq_packed_flags(q, slot, &ok);
        if (!ok)
            break;
    }
    /* the buffer ID is the last descriptor's */
    openndis_device_dma_read(q->bus, q->desc + 16u * slot + 12, &found.id, sizeof found.id);
    vq_advance(q, at, found.slots);
    *c = found;
    return true;
}

bool vq_take(struct virtqueue *q, struct vq_chain *c)
{
    struct vq_cursor at = q->avail;
    if (!vq_peek(q, &at, c))
        return false;
    q->avail = at;
    if (!q->packed && q->event_idx) /* avail_event: notify me again past this one */
        openndis_device_dma_write(q->bus, q->device + 4 + 8u * q->size, &q->avail.at, sizeof q->avail.at);
    return true;
}

int vq_next(struct virtqueue *q, struct vq_chain *c, struct vq_desc *d)
{
    if (!c->started) {
        c->started = true;
        c->next = c->start;
    }
    if (c->ended)
        return 0;
    const bool in_table = c->table_n != 0;
    if (c->hops++ >= (in_table ? c->table_n : q->size) || c->next >= (in_table ? c->table_n : q->size))
        return -1; /* a loop, or an index out of the table */
    uint8_t raw[16];
    uint64_t at = (in_table ? c->table : q->desc) + 16u * c->next;
    if (!openndis_device_dma_read(q->bus, at, raw, sizeof raw))
        return -1;
    uint16_t flags, next;
    memcpy(&d->addr, raw, 8);
    memcpy(&d->len, raw + 8, 4);
    memcpy(&flags, raw + (q->packed ? 14 : 12), 2);
    memcpy(&next, raw + 14, 2); /* split only */
    if (flags & VQ_DESC_F_INDIRECT) {
        if (!q->indirect || in_table || (!q->packed && (flags & VQ_DESC_F_NEXT)) || d->len == 0 ||
            d->len % 16 != 0 || d->len / 16 > 0xFFFFu)
            return -1;
        c->table = d->addr;
        c->table_n = (uint16_t)(d->len / 16);
        c->next = 0;
        c->hops = 0;
        return vq_next(q, c, d);
    }
    d->write = (flags & VQ_DESC_F_WRITE) != 0;
    if (q->packed && in_table) { /* a packed table is read in order, to its end */
        c->next++;
        c->ended = c->next == c->table_n;
    } else if (!(flags & VQ_DESC_F_NEXT)) {
        c->ended = true;
    } else {
        c->next = q->packed ? (uint16_t)(c->next + 1 == q->size ? 0 : c->next + 1) : next;
    }
    return 1;
}

/* Is the driver's event in [old, old + n) used entries? Packed positions are made linear over
 * two laps of the ring, the wrap counter saying which lap. */
static bool vq_packed_event(const struct virtqueue *q, struct vq_cursor old, unsigned n, uint16_t off_wrap)
{
    const unsigned lap = 2u * q->size;
    unsigned from = old.at + (old.wrap ? 0 : q->size);
    unsigned event = (off_wrap & 0x7FFFu) + ((off_wrap >> 15) ? 0 : q->size);
    return (event + lap - from) % lap < n;
}

bool vq_put(struct virtqueue *q, const struct vq_chain *c, uint32_t written)
{
    if (!q->packed) {
        uint32_t elem[2] = { c->id, written };
        openndis_device_dma_write(q->bus, q->device + 4 + 8u * (q->used_idx % q->size), elem, sizeof elem);
        q->used_idx++;
        openndis_device_dma_write(q->bus, q->device + 2, &q->used_idx, sizeof q->used_idx);
        atomic_thread_fence(memory_order_seq_cst); /* the index out before the driver's event is read */
        uint16_t word = 0;
        if (q->event_idx) {
            openndis_device_dma_read(q->bus, q->driver + 4 + 2u * q->size, &word, sizeof word); /* used_event */
            return (uint16_t)(q->used_idx - word - 1) < 1; /* vring_need_event for one new entry */
        }
        openndis_device_dma_read(q->bus, q->driver, &word, sizeof word); /* the flags */
        return (word & VQ_AVAIL_F_NO_INTERRUPT) == 0;
    }
    /* packed: length and ID, then the flags that hand the slot back: both bits as the used
     * wrap counter */
    uint8_t elem[6];
    memcpy(elem, &written, 4);
    memcpy(elem + 4, &c->id, 2);
    uint64_t at = q->desc + 16u * q->used.at;
    openndis_device_dma_write(q->bus, at + 8, elem, sizeof elem);
    uint16_t flags = q->used.wrap ? (uint16_t)(VQ_PACKED_F_AVAIL | VQ_PACKED_F_USED) : 0;
    openndis_device_dma_write(q->bus, at + 14, &flags, sizeof flags);
    struct vq_cursor old = q->used;
    vq_advance(q, &q->used, c->slots);
    atomic_thread_fence(memory_order_seq_cst); /* the flags out before the driver's event is read */
    uint16_t event[2] = { 0, VQ_EVENT_ENABLE }; /* off_wrap, flags */
    openndis_device_dma_read(q->bus, q->driver, event, sizeof event);
    if (event[1] == VQ_EVENT_DISABLE)
        return false;
    if (event[1] == VQ_EVENT_DESC && q->event_idx)
        return vq_packed_event(q, old, c->slots, event[0]);
    return true;
}
