/* virtio-net, the legacy PCI transport (virtio 0.9.5; the "transitional" device of virtio
 * 1.x, section 4.1.4.8): what KVM guests' NICs are, and what NetKVM drives
 * (openndis run --device virtio-net[,mac=XX:XX:XX:XX:XX:XX]).
 *
 * BAR0 is 32 I/O ports:
 *   0x00 host features (MAC, STATUS)   0x04 guest features   0x08 the selected queue's page
 *   0x0C its size (256; 0: no such queue)   0x0E queue select   0x10 queue notify
 *   0x12 device status (0 resets)   0x13 ISR status (a read clears it)
 *   0x14 the MAC address, 0x1A the link status (VIRTIO_NET_S_LINK_UP)
 * The interrupt is the line: MSI-X is not offered, so the device configuration stays at 0x14.
 *
 * Queue 0 receives, queue 1 transmits. Each is a split ring at the page the driver wrote,
 * laid out as the legacy interface lays it out (descriptors, the available ring, the used
 * ring on the next 4 KiB boundary), reached only by DMA through the driver's mappings.
 * Frames a device transmits go to the other virtio-net devices of the process, as through one
 * switch: a unicast frame to the device with its destination address, others to all. A frame that finds no receive buffer posted waits
 * in the device until the driver posts one and notifies the receive queue. When a device has
 * 1024 frames waiting, the others stop taking frames off their transmit rings until it
 * drains, as flow control (IEEE 802.3x pause) would stop them: the wire loses nothing. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"

#define VNET_PORTS 32u
#define VNET_QUEUE_SIZE 256u
#define VNET_PAGE 4096u
#define VNET_HEADER 10u /* struct virtio_net_hdr without num_buffers: no MRG_RXBUF */
#define VNET_FRAME_MAX 65550u
#define VNET_WAITING_MAX 1024u

#define VNET_F_MAC (1u << 5)
#define VNET_F_STATUS (1u << 16)
#define VNET_S_LINK_UP 1u
#define VRING_DESC_F_NEXT 1u
#define VRING_DESC_F_WRITE 2u
#define VRING_AVAIL_F_NO_INTERRUPT 1u

enum { VNET_RX, VNET_TX, VNET_QUEUES };

struct vnet_queue {
    uint32_t pfn;        /* 0: not set up */
    uint16_t last_avail; /* the next available entry the device takes */
    uint16_t used_idx;
};

struct vnet_frame {
    struct vnet_frame *next;
    uint32_t length;
    uint8_t data[];
};

struct vnet {
    pthread_mutex_t lock; /* the registers and queues */
    struct vnet_frame *waiting, **waiting_tail; /* frames for which no buffer was posted yet */
    unsigned waiting_count;
    struct openndis_device *bus;
    struct vnet *next;    /* on the wire */
    uint8_t mac[6];
    uint32_t guest_features;
    uint16_t select;
    uint8_t status;
    _Atomic uint8_t isr;
    struct vnet_queue q[VNET_QUEUES];
    _Atomic uint64_t tx_frames, rx_frames, rx_dropped, bad_chains;
    _Atomic bool tx_stalled; /* chains left on the ring while the wire was congested */
    unsigned resuming;       /* threads transmitting for it after congestion (the wire's lock) */
};

/* Every device on the wire, and the lock that keeps one from going while a frame is on its way. */
static pthread_mutex_t vnet_wire_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t vnet_wire_idle = PTHREAD_COND_INITIALIZER; /* a `resuming` went to 0 */
static struct vnet *vnet_wire;
static unsigned vnet_count;
static _Atomic unsigned vnet_congested; /* devices with VNET_WAITING_MAX frames waiting */

/* ---- the rings -------------------------------------------------------------------------------- */
static uint64_t vnet_desc(const struct vnet_queue *q, unsigned i)
{
    return (uint64_t)q->pfn * VNET_PAGE + 16u * i;
}

static uint64_t vnet_avail(const struct vnet_queue *q)
{
    return (uint64_t)q->pfn * VNET_PAGE + 16u * VNET_QUEUE_SIZE;
}

static uint64_t vnet_used(const struct vnet_queue *q)
{
    uint64_t avail_end = vnet_avail(q) + 4 + 2 * VNET_QUEUE_SIZE + 2;
    return (avail_end + VNET_PAGE - 1) / VNET_PAGE * VNET_PAGE;
}

struct vnet_descriptor {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static bool vnet_read_desc(struct vnet *v, const struct vnet_queue *q, unsigned i, struct vnet_descriptor *d)
{
    uint8_t raw[16];
    if (i >= VNET_QUEUE_SIZE || !openndis_device_dma_read(v->bus, vnet_desc(q, i), raw, sizeof raw))
        return false;
    memcpy(&d->addr, raw, 8);
    memcpy(&d->len, raw + 8, 4);
    memcpy(&d->flags, raw + 12, 2);
    memcpy(&d->next, raw + 14, 2);
    return true;
}

/* The head of the next chain the driver made available, if any. Lock held. */
static bool vnet_take(struct vnet *v, struct vnet_queue *q, uint16_t *head, bool *interrupt)
{
    uint16_t avail[2]; /* flags, idx */
    if (q->pfn == 0 || !openndis_device_dma_read(v->bus, vnet_avail(q), avail, sizeof avail))
        return false;
    *interrupt = (avail[0] & VRING_AVAIL_F_NO_INTERRUPT) == 0;
    if (avail[1] == q->last_avail)
        return false;
    uint64_t at = vnet_avail(q) + 4 + 2u * (q->last_avail % VNET_QUEUE_SIZE);
    if (!openndis_device_dma_read(v->bus, at, head, sizeof *head))
        return false;
    q->last_avail++;
    return true;
}

/* Returns a chain to the driver with `written` bytes in it. Lock held. */
static void vnet_put(struct vnet *v, struct vnet_queue *q, uint16_t head, uint32_t written)
{
    uint32_t elem[2] = { head, written };
    openndis_device_dma_write(v->bus, vnet_used(q) + 4 + 8u * (q->used_idx % VNET_QUEUE_SIZE), elem, sizeof elem);
    q->used_idx++;
    openndis_device_dma_write(v->bus, vnet_used(q) + 2, &q->used_idx, sizeof q->used_idx);
}

/* ---- the wire ---------------------------------------------------------------------------------- */
/* Puts a frame into the next receive buffer, after a header of zeros; false when no buffer
 * is posted. Lock held; *interrupt says whether the driver wants one. */
static bool vnet_fill(struct vnet *v, const uint8_t *frame, uint32_t length, bool *interrupt)
{
    struct vnet_queue *q = &v->q[VNET_RX];
    uint16_t head;
    if ((v->status & 4) == 0 || !vnet_take(v, q, &head, interrupt))
        return false;
    uint8_t header[VNET_HEADER] = { 0 };
    uint32_t done = 0, total = VNET_HEADER + length;
    struct vnet_descriptor d;
    unsigned i = head, hops = 0;
    while (done < total && hops++ < VNET_QUEUE_SIZE && vnet_read_desc(v, q, i, &d) && (d.flags & VRING_DESC_F_WRITE)) {
        uint32_t n = d.len < total - done ? d.len : total - done;
        for (uint32_t k = 0; k < n;) { /* the header, then the frame, across descriptors */
            uint32_t at = done + k;
            const uint8_t *from = at < VNET_HEADER ? header + at : frame + (at - VNET_HEADER);
            uint32_t run = at < VNET_HEADER ? VNET_HEADER - at : total - at;
            if (run > n - k)
                run = n - k;
            openndis_device_dma_write(v->bus, d.addr + k, from, run);
            k += run;
        }
        done += n;
        if (!(d.flags & VRING_DESC_F_NEXT))
            break;
        i = d.next;
    }
    if (done < total)
        atomic_fetch_add(&v->rx_dropped, 1); /* the buffer was short: the frame is lost, the buffer used */
    else
        atomic_fetch_add(&v->rx_frames, 1);
    vnet_put(v, q, head, done < total ? 0 : done);
    atomic_fetch_or(&v->isr, 1);
    return true;
}

/* Fills posted buffers with waiting frames. Lock held; true if any went in. */
static bool vnet_drain(struct vnet *v, bool *interrupt)
{
    bool any = false;
    while (v->waiting != NULL && vnet_fill(v, v->waiting->data, v->waiting->length, interrupt)) {
        struct vnet_frame *f = v->waiting;
        v->waiting = f->next;
        if (v->waiting == NULL)
            v->waiting_tail = &v->waiting;
        if (v->waiting_count-- == VNET_WAITING_MAX)
            atomic_fetch_sub(&vnet_congested, 1);
        free(f);
        any = true;
    }
    return any;
}

static void vnet_receive(struct vnet *v, const uint8_t *frame, uint32_t length)
{
    bool interrupt = false;
    pthread_mutex_lock(&v->lock);
    bool filled = v->waiting == NULL && vnet_fill(v, frame, length, &interrupt);
    if (!filled) {
        struct vnet_frame *f = malloc(sizeof *f + length);
        if (f != NULL) {
            f->next = NULL;
            f->length = length;
            memcpy(f->data, frame, length);
            *v->waiting_tail = f;
            v->waiting_tail = &f->next;
            if (++v->waiting_count == VNET_WAITING_MAX)
                atomic_fetch_add(&vnet_congested, 1);
        } else {
            atomic_fetch_add(&v->rx_dropped, 1);
        }
        filled = vnet_drain(v, &interrupt);
    }
    struct openndis_device *bus = v->bus;
    pthread_mutex_unlock(&v->lock);
    if (filled && interrupt)
        openndis_device_interrupt(bus, 0);
}

/* As a switch forwards: a unicast frame to the device with that address when there is one,
 * anything else to every other device. */
static void vnet_wire_send(struct vnet *from, const uint8_t *frame, uint32_t length)
{
    pthread_mutex_lock(&vnet_wire_lock);
    struct vnet *only = NULL;
    for (struct vnet *to = vnet_wire; length >= 6 && !(frame[0] & 1) && to != NULL; to = to->next)
        if (to != from && to->bus != NULL && memcmp(to->mac, frame, 6) == 0)
            only = to;
    for (struct vnet *to = vnet_wire; to != NULL; to = to->next)
        if (to != from && to->bus != NULL && (only == NULL || to == only))
            vnet_receive(to, frame, length);
    pthread_mutex_unlock(&vnet_wire_lock);
}

/* The driver notified the transmit queue: every chain it made available goes on the wire. */
static void vnet_transmit(struct vnet *v, uint8_t *frame)
{
    for (;;) {
        pthread_mutex_lock(&v->lock);
        struct vnet_queue *q = &v->q[VNET_TX];
        uint16_t head;
        bool interrupt = false;
        if (atomic_load(&vnet_congested) != 0) { /* paused by the wire: resumed when it drains */
            atomic_store(&v->tx_stalled, true);
            pthread_mutex_unlock(&v->lock);
            return;
        }
        if ((v->status & 4) == 0 || !vnet_take(v, q, &head, &interrupt)) {
            pthread_mutex_unlock(&v->lock);
            return;
        }
        uint32_t got = 0;
        bool ok = true;
        struct vnet_descriptor d;
        unsigned i = head, hops = 0;
        for (;;) {
            if (hops++ >= VNET_QUEUE_SIZE || !vnet_read_desc(v, q, i, &d) || (d.flags & VRING_DESC_F_WRITE) ||
                d.len > VNET_HEADER + VNET_FRAME_MAX - got ||
                !openndis_device_dma_read(v->bus, d.addr, frame + got, d.len)) {
                ok = false;
                break;
            }
            got += d.len;
            if (!(d.flags & VRING_DESC_F_NEXT))
                break;
            i = d.next;
        }
        vnet_put(v, q, head, 0);
        atomic_fetch_or(&v->isr, 1);
        struct openndis_device *bus = v->bus;
        pthread_mutex_unlock(&v->lock);
        if (ok && got > VNET_HEADER) {
            atomic_fetch_add(&v->tx_frames, 1);
            vnet_wire_send(v, frame + VNET_HEADER, got - VNET_HEADER);
        } else {
            atomic_fetch_add(&v->bad_chains, 1);
        }
        if (interrupt)
            openndis_device_interrupt(bus, 0);
    }
}

/* The wire drained: devices that stopped transmitting carry on, on this thread. */
static void vnet_resume_senders(void)
{
    while (atomic_load(&vnet_congested) == 0) {
        struct vnet *stalled = NULL;
        pthread_mutex_lock(&vnet_wire_lock);
        for (struct vnet *v = vnet_wire; v != NULL && stalled == NULL; v = v->next)
            if (v->bus != NULL && atomic_exchange(&v->tx_stalled, false))
                stalled = v;
        if (stalled != NULL)
            stalled->resuming++; /* it stays attached until this is done */
        pthread_mutex_unlock(&vnet_wire_lock);
        if (stalled == NULL)
            return;
        uint8_t *frame = malloc(VNET_HEADER + VNET_FRAME_MAX);
        if (frame != NULL)
            vnet_transmit(stalled, frame);
        free(frame);
        pthread_mutex_lock(&vnet_wire_lock);
        if (--stalled->resuming == 0)
            pthread_cond_broadcast(&vnet_wire_idle);
        pthread_mutex_unlock(&vnet_wire_lock);
        if (frame == NULL)
            return;
    }
}

/* ---- registers --------------------------------------------------------------------------------- */
static void vnet_reset(struct vnet *v)
{
    while (v->waiting != NULL) {
        struct vnet_frame *f = v->waiting;
        v->waiting = f->next;
        free(f);
    }
    v->waiting_tail = &v->waiting;
    if (v->waiting_count >= VNET_WAITING_MAX)
        atomic_fetch_sub(&vnet_congested, 1);
    v->waiting_count = 0;
    v->guest_features = 0;
    v->select = 0;
    v->status = 0;
    atomic_store(&v->isr, 0);
    memset(v->q, 0, sizeof v->q);
}

static uint32_t vnet_read(void *device, unsigned bar, uint32_t offset, unsigned width)
{
    struct vnet *v = device;
    (void)bar;
    if (offset == 0x13)
        return atomic_exchange(&v->isr, 0);
    pthread_mutex_lock(&v->lock);
    uint8_t regs[VNET_PORTS] = { 0 };
    uint32_t features = VNET_F_MAC | VNET_F_STATUS;
    memcpy(regs + 0x00, &features, 4);
    memcpy(regs + 0x04, &v->guest_features, 4);
    if (v->select < VNET_QUEUES) {
        memcpy(regs + 0x08, &v->q[v->select].pfn, 4);
        uint16_t size = VNET_QUEUE_SIZE;
        memcpy(regs + 0x0C, &size, 2);
    }
    memcpy(regs + 0x0E, &v->select, 2);
    regs[0x12] = v->status;
    memcpy(regs + 0x14, v->mac, 6);
    regs[0x1A] = VNET_S_LINK_UP;
    pthread_mutex_unlock(&v->lock);
    uint32_t value = 0;
    for (unsigned i = 0; i < width && offset + i < VNET_PORTS; i++)
        value |= (uint32_t)regs[offset + i] << (8 * i);
    return value;
}

static void vnet_write(void *device, unsigned bar, uint32_t offset, unsigned width, uint32_t value)
{
    struct vnet *v = device;
    (void)bar, (void)width;
    if (offset == 0x10) { /* notify: outside the lock, the wire takes others' */
        uint8_t *frame = value == VNET_TX ? malloc(VNET_HEADER + VNET_FRAME_MAX) : NULL;
        if (frame != NULL)
            vnet_transmit(v, frame);
        free(frame);
        if (value == VNET_RX) { /* buffers posted: frames that waited go in */
            bool interrupt = false;
            pthread_mutex_lock(&v->lock);
            bool filled = vnet_drain(v, &interrupt);
            struct openndis_device *bus = v->bus;
            pthread_mutex_unlock(&v->lock);
            if (filled && interrupt)
                openndis_device_interrupt(bus, 0);
            vnet_resume_senders();
        }
        return;
    }
    pthread_mutex_lock(&v->lock);
    switch (offset) {
    case 0x04: v->guest_features = value & (VNET_F_MAC | VNET_F_STATUS); break;
    case 0x08:
        if (v->select < VNET_QUEUES) {
            v->q[v->select].pfn = value;
            v->q[v->select].last_avail = v->q[v->select].used_idx = 0;
        }
        break;
    case 0x0E: v->select = (uint16_t)value; break;
    case 0x12:
        if ((uint8_t)value == 0)
            vnet_reset(v);
        else
            v->status = (uint8_t)value;
        break;
    default:
        if (offset >= 0x14 && offset < 0x1A) /* the MAC is writable, as the legacy device lets it be */
            for (unsigned i = 0; i < width && offset + i < 0x1A; i++)
                v->mac[offset - 0x14 + i] = (uint8_t)(value >> (8 * i));
        break;
    }
    pthread_mutex_unlock(&v->lock);
}

static void vnet_attached(void *device, struct openndis_device *bus)
{
    struct vnet *v = device;
    pthread_mutex_lock(&vnet_wire_lock); /* no frame is on its way to it once this returns */
    while (bus == NULL && v->resuming != 0)
        pthread_cond_wait(&vnet_wire_idle, &vnet_wire_lock);
    pthread_mutex_lock(&v->lock);
    v->bus = bus;
    if (bus == NULL)
        vnet_reset(v);
    pthread_mutex_unlock(&v->lock);
    pthread_mutex_unlock(&vnet_wire_lock);
}

static void *vnet_create(const char *options, unsigned *messages, char *error, size_t cap)
{
    unsigned mac[6];
    bool mac_given = false;
    *messages = 0;
    if (*options != '\0') {
        int end = 0;
        if (sscanf(options, "mac=%2x:%2x:%2x:%2x:%2x:%2x%n", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5],
                   &end) != 6 || options[end] != '\0' || (mac[0] & 1)) {
            snprintf(error, cap, "virtio-net takes mac=XX:XX:XX:XX:XX:XX (a unicast address), not '%s'", options);
            return NULL;
        }
        mac_given = true;
    }
    struct vnet *v = calloc(1, sizeof *v);
    if (v == NULL) {
        snprintf(error, cap, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&v->lock, NULL);
    v->waiting_tail = &v->waiting;
    pthread_mutex_lock(&vnet_wire_lock);
    unsigned n = vnet_count++;
    v->next = vnet_wire;
    vnet_wire = v;
    pthread_mutex_unlock(&vnet_wire_lock);
    /* QEMU's prefix, then the instance: each NIC on the wire has its own address */
    uint8_t fallback[6] = { 0x52, 0x54, 0x00, 0x12, (uint8_t)(n >> 8), (uint8_t)(0x34 + n) };
    for (int i = 0; i < 6; i++)
        v->mac[i] = mac_given ? (uint8_t)(mac[i] + (i == 5 ? n : 0)) : fallback[i];
    return v;
}

static void vnet_destroy(void *device)
{
    struct vnet *v = device;
    pthread_mutex_lock(&vnet_wire_lock);
    for (struct vnet **p = &vnet_wire; *p != NULL; p = &(*p)->next)
        if (*p == v) {
            *p = v->next;
            break;
        }
    pthread_mutex_unlock(&vnet_wire_lock);
    vnet_reset(v);
    pthread_mutex_destroy(&v->lock);
    free(v);
}

/* Red Hat's virtio vendor ID; 0x1000 is the transitional network device, subsystem 1 net. */
const struct openndis_device_model openndis_device_virtio_net = {
    .name = "virtio-net",
    .vendor_id = 0x1AF4,
    .device_id = 0x1000,
    .subsystem_vendor_id = 0x1AF4,
    .subsystem_id = 0x0001,
    .revision_id = 0,
    .class_code = 0x020000,
    .bars = { [0] = { .size = VNET_PORTS, .io = true } },
    .read = vnet_read,
    .write = vnet_write,
    .attached = vnet_attached,
    .create = vnet_create,
    .destroy = vnet_destroy,
    .summary = "virtio-net, legacy PCI transport: MAC and link status, one queue pair, frames to the other "
               "virtio-net devices (options: mac=XX:XX:XX:XX:XX:XX)",
};
