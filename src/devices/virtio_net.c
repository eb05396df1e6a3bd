/* virtio-net, the transitional device of virtio 1.x (PCI device 0x1000): both the modern PCI
 * transport (section 4.1.4) and the legacy one (4.1.4.8, virtio 0.9.5) over the same queues.
 * What KVM guests' NICs are, and what NetKVM drives
 * (openndis run --device virtio-net[,mac=XX:XX:XX:XX:XX:XX][,msix=N][,queues=N][,rss][,hash]).
 *
 * Modern: vendor capabilities in configuration space point into BAR4 (16 KiB of memory):
 *   0x0000 the common configuration (features in 32-bit halves, MSI-X vectors, status,
 *          queue select, size, vector, enable, notify offset, the three ring addresses)
 *   0x1000 ISR status (a read clears it)   0x2000 the MAC, link status, queue pairs
 *   0x3000 + 4 q  queue q's notification
 * Features offered: VERSION_1, MAC, STATUS, MRG_RXBUF, the control queue (CTRL_VQ with CTRL_RX,
 * CTRL_RX_EXTRA, CTRL_VLAN, CTRL_MAC_ADDR, CTRL_GUEST_OFFLOADS and GUEST_ANNOUNCE), the
 * offloads (CSUM and HOST_TSO4/6: the driver may send partial checksums and TCP segments of up
 * to 64 KiB; GUEST_CSUM and GUEST_TSO4/6: it takes them), and of the rings (virtqueue.c)
 * EVENT_IDX, INDIRECT_DESC and RING_PACKED; when asked (rss, hash, as QEMU's rss=on and
 * hash=on), RSS and HASH_REPORT: the Toeplitz hash of each received frame under the driver's
 * types and key steers it by the driver's indirection table, and is reported in the net
 * header, then 20 bytes. With VERSION_1 or MRG_RXBUF the net header is 12 bytes. A segment
 * or partial checksum travels the wire with the frame, and each receiving device gives it to
 * its driver as that driver can take it: whole, or cut into MSS-sized frames, or with the
 * checksum finished (common/inet.h).
 *
 * Legacy: BAR0 is 64 I/O ports:
 *   0x00 host features (low half)   0x04 guest features   0x08 the selected queue's page
 *   0x0C its size (256; 0: no such queue)   0x0E queue select   0x10 queue notify
 *   0x12 device status (0 resets)   0x13 ISR status (a read clears it)
 *   then, when the driver took MSI-X, the configuration vector and the queue's vector (0x14,
 *   0x16); then the MAC address and the link status.
 *
 * Interrupts: the line with ISR bit 0 (bit 1 for a configuration change), or, when the driver
 * took MSI-X, the vector the driver gave the queue or the configuration (none for
 * VIRTIO_MSI_NO_VECTOR).
 *
 * Faults on demand (openndis verify shows each): link-down and link-up (the link status
 * changes, with a configuration interrupt; frames are lost while it is down), announce
 * (ANNOUNCE in the link status, with a configuration interrupt, until the driver acks with
 * the control queue's ANNOUNCE_ACK, as after a live migration; for a driver that took
 * GUEST_ANNOUNCE) and needs-reset (DEVICE_NEEDS_RESET in the status: the device stops using
 * its queues until reset).
 *
 * Queue 0 receives, queue 1 transmits, queue 2 takes control commands (receive modes, the MAC
 * table and address, VLANs: acknowledged, recorded, and the address used on the wire; the
 * number of queue pairs; the announce ack; the receive offloads in effect; RSS and hash
 * settings). With queues=N and MQ (or RSS) negotiated, queue 2k receives and 2k + 1 transmits
 * for pair k and the control queue is 2N; received frames are steered by a hash of their flow
 * over the pairs the driver turned on (VQ_PAIRS_SET), or by the driver's RSS table. Each is a
 * split ring, or a packed one when the driver took RING_PACKED: at the driver's three
 * addresses (modern), or at the page it wrote, laid out as the legacy interface lays it out
 * (descriptors, the available ring, the used ring on the next 4 KiB boundary). Rings are
 * reached only by DMA through the driver's mappings, and held (openndis_device_dma_hold) from
 * DRIVER_OK (or their enabling, if later) to the device's reset, so freeing one then is a
 * finding; before DRIVER_OK the device uses no ring, so a failed initialize may free them.
 * Frames a device transmits go to the other virtio-net devices of the process, as through one
 * switch: a unicast frame to the device with its destination address, others to all. A frame
 * that finds no receive buffer posted waits in the device until the driver posts one and
 * notifies the receive queue; a device with no running driver loses it. When a device has
 * 1024 frames waiting, the others stop taking frames off their transmit rings until it
 * drains, as flow control (IEEE 802.3x pause) would stop them: the wire loses nothing. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/inet.h"
#include "devices.h"
#include "virtqueue.h"

#define VNET_PORTS 64u /* room for the configuration after the MSI-X vectors */
#define VNET_MODERN 0x4000u /* BAR4 */
#define VNET_MODERN_BAR 4u
#define VNET_ISR_AT 0x1000u
#define VNET_CONFIG_AT 0x2000u
#define VNET_NOTIFY_AT 0x3000u
#define VNET_NOTIFY_MULTIPLIER 4u
#define VNET_QUEUE_SIZE 256u
#define VNET_PAGE 4096u
#define VNET_HEADER_MAX 20u /* with HASH_REPORT; 12 with num_buffers, 10 without (legacy, no MRG_RXBUF) */
#define VNET_MESSAGES 4u /* offered by default: as QEMU's vectors=4 for one queue pair */
#define VNET_FRAME_MAX 65550u
#define VNET_WAITING_MAX 1024u

#define VNET_F_CSUM (1u << 0)       /* the device finishes partial checksums */
#define VNET_F_GUEST_CSUM (1u << 1) /* the driver takes partial checksums */
#define VNET_F_CTRL_GUEST_OFFLOADS (1u << 2) /* and may turn that, and GUEST_TSO, off and on */
#define VNET_F_GUEST_ANNOUNCE (1u << 21)     /* the device may ask the driver to announce itself */
#define VNET_F_GUEST_TSO4 (1u << 7) /* the driver takes TCP segments whole */
#define VNET_F_GUEST_TSO6 (1u << 8)
#define VNET_F_HOST_TSO4 (1u << 11) /* the device cuts TCP segments */
#define VNET_F_HOST_TSO6 (1u << 12)
#define VNET_F_MAC (1u << 5)
#define VNET_F_STATUS (1u << 16)
#define VNET_F_VERSION_1 (1ull << 32)
#define VNET_F_CTRL_VQ (1u << 17)
#define VNET_F_CTRL_RX (1u << 18)
#define VNET_F_CTRL_VLAN (1u << 19)
#define VNET_F_CTRL_MAC_ADDR (1u << 23)
#define VNET_F_CTRL_RX_EXTRA (1u << 20)
#define VNET_F_MRG_RXBUF (1u << 15)
#define VNET_F_MQ (1u << 22)
#define VNET_F_HASH_REPORT (1ull << 57) /* the device hashes each received frame and says so */
#define VNET_F_RSS (1ull << 60)         /* and steers it by the hash (receive-side scaling) */
#define VNET_RSS_KEY_MAX 40u
#define VNET_RSS_TABLE_MAX 128u
#define VNET_HASH_TYPES 0x3Fu /* IPv4, TCPv4, UDPv4, IPv6, TCPv6, UDPv6: not the _EX types */
#define VNET_F_EVENT_IDX VQ_F_EVENT_IDX
#define VNET_FEATURES                                                                                        \
    (VNET_F_CSUM | VNET_F_GUEST_CSUM | VNET_F_GUEST_TSO4 | VNET_F_GUEST_TSO6 | VNET_F_HOST_TSO4 |              \
     VNET_F_HOST_TSO6 | VNET_F_MAC | VNET_F_MRG_RXBUF | VNET_F_STATUS | VNET_F_CTRL_VQ | VNET_F_CTRL_RX |      \
     VNET_F_CTRL_RX_EXTRA | VNET_F_CTRL_VLAN | VNET_F_CTRL_MAC_ADDR | VNET_F_CTRL_GUEST_OFFLOADS |             \
     VNET_F_GUEST_ANNOUNCE | VNET_F_EVENT_IDX | VNET_F_VERSION_1 | VQ_F_INDIRECT_DESC | VQ_F_RING_PACKED)
/* The offloads of received frames the driver may turn off and on (CTRL_GUEST_OFFLOADS) */
#define VNET_GUEST_OFFLOADS (VNET_F_GUEST_CSUM | VNET_F_GUEST_TSO4 | VNET_F_GUEST_TSO6)
#define VNET_CTRL_MAX 4096u /* a command's readable bytes: a MAC table of some 680 addresses */
#define VNET_STATUS_DRIVER_OK 4u
#define VNET_STATUS_FEATURES_OK 8u
#define VNET_STATUS_NEEDS_RESET 0x40u
#define VNET_S_LINK_UP 1u
#define VNET_S_ANNOUNCE 2u
#define VNET_HDR_F_NEEDS_CSUM 1u
#define VNET_HDR_F_DATA_VALID 2u
#define VNET_GSO_NONE 0u
#define VNET_GSO_TCPV4 1u
#define VNET_GSO_TCPV6 4u
#define VNET_ETH_HEADER 14u
#define VNET_ETH_VLAN 0x8100u

/* Queue 2k receives and 2k + 1 transmits for pair k; the control queue follows the last pair. */
#define VNET_PAIRS_MAX 8u
#define VNET_QUEUES_MAX (2u * VNET_PAIRS_MAX + 1u)

/* The control queue's classes and commands (virtio 1.x, 5.1.6.5) */
enum { VNET_CTRL_RX, VNET_CTRL_MAC, VNET_CTRL_VLAN, VNET_CTRL_ANNOUNCE, VNET_CTRL_MQ, VNET_CTRL_GUEST_OFFLOADS };
enum { VNET_CTRL_OK, VNET_CTRL_ERR };
enum { VNET_MQ_VQ_PAIRS_SET, VNET_MQ_RSS_CONFIG, VNET_MQ_HASH_CONFIG };


/* What the net header says of a frame (virtio 1.x, 5.1.6): a checksum still to be filled in
 * from csum_start, and a TCP segment of gso_size pieces; it travels with the frame. */
struct vnet_offload {
    uint8_t flags, gso_type;
    uint16_t hdr_len, gso_size, csum_start, csum_offset;
    uint16_t hash_report; /* and on receipt, the receiving device's hash of it (RSS, HASH_REPORT) */
    uint32_t hash_value;
};

/* A MAC filter table; past VNET_MACS_MAX entries it lets every address of its kind in. */
#define VNET_MACS_MAX 64u
struct vnet_macs {
    unsigned n;
    bool overflow;
    uint8_t mac[VNET_MACS_MAX][6];
};

/* The receive modes' bits, by VIRTIO_NET_CTRL_RX command */
enum { VNET_RX_PROMISC, VNET_RX_ALLMULTI, VNET_RX_ALLUNI, VNET_RX_NOMULTI, VNET_RX_NOUNI, VNET_RX_NOBCAST };

struct vnet_frame {
    struct vnet_frame *next;
    unsigned rxq; /* the receive queue it was steered to */
    struct vnet_offload offload;
    uint32_t length;
    uint8_t data[];
};

struct vnet {
    pthread_mutex_t lock; /* the registers and queues */
    pthread_mutex_t tx_lock; /* one thread at a time takes chains off the transmit ring, into: */
    uint8_t *tx_frame;       /* a frame's bytes, header included */
    struct vnet_frame *waiting, **waiting_tail; /* frames for which no buffer was posted yet */
    unsigned waiting_count;
    struct openndis_device *bus;
    struct vnet *next;    /* on the wire */
    uint8_t mac[6];
    uint64_t guest_features;
    uint32_t feature_select, guest_feature_select; /* modern: which 32-bit half */
    uint16_t config_vector;
    uint16_t select;
    uint8_t status;
    bool link_down;
    bool announce;              /* asked the driver to announce itself; until it acks */
    uint64_t offloads_off;      /* control queue: negotiated GUEST_* offloads turned off */
    uint64_t offered;           /* options: RSS and HASH_REPORT, as QEMU's rss=on, hash=on */
    /* control queue: RSS_CONFIG (steering by the table) or HASH_CONFIG (the hash reported) */
    bool rss;
    uint32_t hash_types;
    uint16_t rss_mask, rss_unclassified, rss_table[VNET_RSS_TABLE_MAX];
    uint8_t key[VNET_RSS_KEY_MAX], key_length;
    uint8_t rx_mode;            /* control queue: promiscuous, all-multicast, ... bits by command */
    struct vnet_macs uni, multi; /* control queue: the MAC tables last set */
    uint8_t vlans[4096 / 8];    /* control queue: VLAN IDs added */
    _Atomic uint64_t commands, commands_failed;
    _Atomic uint8_t isr;
    struct virtqueue q[VNET_QUEUES_MAX];
    unsigned pairs;        /* queue pairs the device has (queues=N); MQ is offered when above 1 */
    unsigned active_pairs; /* control queue: VQ_PAIRS_SET; 1 until then */
    unsigned tx_next;      /* the pair whose transmit queue goes first next time */
    _Atomic uint64_t tx_frames, rx_frames, rx_dropped, rx_filtered, bad_chains;
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
/* The driver said DRIVER_OK, and the device has not failed since. Lock held. */
static bool vnet_working(const struct vnet *v)
{
    return (v->status & (VNET_STATUS_DRIVER_OK | VNET_STATUS_NEEDS_RESET)) == VNET_STATUS_DRIVER_OK;
}

/* The net header's length: num_buffers is in it from virtio 1.0 on, and with MRG_RXBUF. Lock held. */
static uint32_t vnet_header(const struct vnet *v)
{
    if (v->guest_features & VNET_F_HASH_REPORT)
        return 20u; /* hash_value, hash_report and padding follow */
    return (v->guest_features & (VNET_F_VERSION_1 | VNET_F_MRG_RXBUF)) ? 12u : 10u;
}

static unsigned vnet_queues(const struct vnet *v)
{
    return 2 * v->pairs + 1;
}

/* The pairs the driver can use: all with MQ or RSS negotiated, else the first (5.1.2). Lock
 * held. */
static unsigned vnet_pairs(const struct vnet *v)
{
    return v->guest_features & (VNET_F_MQ | VNET_F_RSS) ? v->pairs : 1;
}

/* The control queue follows the pairs the driver can use. Lock held. */
static unsigned vnet_ctrl(const struct vnet *v)
{
    return 2 * vnet_pairs(v);
}

/* What this device offers: MQ only with more than one pair, RSS and HASH_REPORT when asked. */
static uint64_t vnet_features(const struct vnet *v)
{
    return VNET_FEATURES | (v->pairs > 1 ? VNET_F_MQ : 0) | v->offered;
}

/* The distinct vectors of the queues in `mask`, to raise once the lock is let go. Lock held. */
static unsigned vnet_vectors(const struct vnet *v, uint32_t mask, uint16_t out[VNET_QUEUES_MAX])
{
    unsigned n = 0;
    for (unsigned i = 0; i < VNET_QUEUES_MAX; i++) {
        if (!(mask >> i & 1))
            continue;
        unsigned k = 0;
        while (k < n && out[k] != v->q[i].vector)
            k++;
        if (k == n)
            out[n++] = v->q[i].vector;
    }
    return n;
}

/* The device may use an enabled queue's ring from DRIVER_OK until reset, and not before
 * (virtio 1.x, 3.1.1): that is when it holds it. Lock held. */
static void vnet_hold(struct vnet *v, struct virtqueue *q)
{
    if (v->status & VNET_STATUS_DRIVER_OK)
        vq_hold(q);
}

/* The queue is set up: the device takes from its start. Lock held. */
static void vnet_enable(struct vnet *v, struct virtqueue *q)
{
    vq_enable(q, v->bus, v->guest_features);
    vnet_hold(v, q);
}

/* Raises the interrupt for a queue (or the configuration when `vector` is the config's):
 * its MSI-X vector when the driver took them, else the line. Not under the device's lock. */
static void vnet_raise(struct openndis_device *bus, uint16_t vector)
{
    if (bus == NULL)
        return;
    if (openndis_device_messages(bus) == 0)
        openndis_device_interrupt(bus, 0);
    else if (vector != VQ_NO_VECTOR)
        openndis_device_interrupt(bus, vector);
}

static void vnet_raise_all(struct openndis_device *bus, const uint16_t *vectors, unsigned n)
{
    if (n > 0 && bus != NULL && openndis_device_messages(bus) == 0)
        n = 1; /* the line: once, whichever queues it was for */
    for (unsigned i = 0; i < n; i++)
        vnet_raise(bus, vectors[i]);
}

/* ---- the control queue ---------------------------------------------------------------------- */
/* VIRTIO_NET_CTRL_MQ_RSS_CONFIG (`rss`) or HASH_CONFIG (5.1.6.5.6.4, 5.1.6.5.7.1): hash types,
 * then for RSS the indirection table (receive queue ordinals: vq index / 2) and the transmit
 * queues, then the key. Taken whole or not at all. Lock held. */
static uint8_t vnet_hash_config(struct vnet *v, bool rss, const uint8_t *data, uint32_t n)
{
    uint32_t types;
    uint16_t mask = 0, unclassified = 0, table[VNET_RSS_TABLE_MAX], max_tx = 0, entries = 1;
    if (!(v->guest_features & (rss ? VNET_F_RSS : VNET_F_HASH_REPORT)) || n < 11)
        return VNET_CTRL_ERR;
    memcpy(&types, data, 4);
    memcpy(&mask, data + 4, 2);
    memcpy(&unclassified, data + 6, 2);
    if (rss) {
        entries = (uint16_t)(mask + 1u);
        if (mask >= VNET_RSS_TABLE_MAX || (entries & mask) != 0 || n < 8u + 2u * entries + 3u)
            return VNET_CTRL_ERR; /* the table: a power of two, within what the device reads */
        memcpy(table, data + 8, 2u * entries);
        memcpy(&max_tx, data + 8 + 2 * entries, 2);
    } else if (mask != 0 || unclassified != 0 || memcmp(data + 8, "\0\0", 2) != 0) {
        return VNET_CTRL_ERR; /* reserved: zeroes */
    }
    uint32_t at = rss ? 8u + 2u * entries + 2u : 10u;
    uint8_t key_length = data[at];
    if ((types & ~VNET_HASH_TYPES) != 0 || key_length > VNET_RSS_KEY_MAX || n < at + 1u + key_length)
        return VNET_CTRL_ERR; /* bytes past the key are ignored, as QEMU does: NetKVM pads */
    for (uint16_t i = 0; rss && i <= entries; i++) { /* each entry, then the unclassified queue */
        uint16_t q = i < entries ? table[i] : unclassified;
        if (q >= vnet_pairs(v))
            return VNET_CTRL_ERR; /* not a receive queue of this device (or bit 15 set) */
    }
    if (rss && (max_tx < 1 || max_tx > vnet_pairs(v)))
        return VNET_CTRL_ERR;
    v->rss = rss;
    v->hash_types = types;
    v->rss_mask = mask;
    v->rss_unclassified = unclassified;
    memcpy(v->rss_table, table, rss ? 2u * entries : 0);
    v->key_length = key_length;
    memcpy(v->key, data + at + 1, key_length);
    return VNET_CTRL_OK;
}

/* Carries out one command (class, command, data) and returns its ack. Lock held. */
static uint8_t vnet_command(struct vnet *v, const uint8_t *in, uint32_t length)
{
    if (length < 2 || !(v->guest_features & VNET_F_CTRL_VQ))
        return VNET_CTRL_ERR;
    const uint8_t class = in[0], command = in[1], *data = in + 2;
    const uint32_t n = length - 2;
    switch (class) {
    case VNET_CTRL_RX: /* promiscuous, all-multicast, all-unicast, no-multicast, no-unicast, no-broadcast */
        if (!(v->guest_features & VNET_F_CTRL_RX) || command > VNET_RX_NOBCAST || n != 1 ||
            (command > VNET_RX_ALLMULTI && !(v->guest_features & VNET_F_CTRL_RX_EXTRA)))
            return VNET_CTRL_ERR;
        v->rx_mode = (uint8_t)((v->rx_mode & ~(1u << command)) | (data[0] != 0) << command);
        return VNET_CTRL_OK;
    case VNET_CTRL_MAC:
        if (command == 1) { /* ADDR_SET */
            if (!(v->guest_features & VNET_F_CTRL_MAC_ADDR) || n != 6 || (data[0] & 1))
                return VNET_CTRL_ERR;
            memcpy(v->mac, data, 6);
            return VNET_CTRL_OK;
        }
        if (command == 0 && (v->guest_features & VNET_F_CTRL_RX)) { /* TABLE_SET: unicast, then multicast */
            uint32_t at = 0, entries[2];
            for (int table = 0; table < 2; table++) {
                if (n - at < 4)
                    return VNET_CTRL_ERR;
                memcpy(&entries[table], data + at, 4);
                if (entries[table] > (n - at - 4) / 6)
                    return VNET_CTRL_ERR;
                at += 4 + 6 * entries[table];
            }
            if (at != n)
                return VNET_CTRL_ERR;
            at = 0;
            for (int table = 0; table < 2; table++) { /* taken only once both parsed */
                struct vnet_macs *t = table == 0 ? &v->uni : &v->multi;
                t->overflow = entries[table] > VNET_MACS_MAX;
                t->n = t->overflow ? 0 : entries[table];
                memcpy(t->mac, data + at + 4, 6 * t->n);
                at += 4 + 6 * entries[table];
            }
            return VNET_CTRL_OK;
        }
        return VNET_CTRL_ERR;
    case VNET_CTRL_VLAN: { /* ADD, DEL */
        uint16_t vid;
        if (!(v->guest_features & VNET_F_CTRL_VLAN) || command > 1 || n != 2)
            return VNET_CTRL_ERR;
        memcpy(&vid, data, 2);
        if (vid >= 4096)
            return VNET_CTRL_ERR;
        if (command == 0)
            v->vlans[vid / 8] |= (uint8_t)(1u << (vid % 8));
        else
            v->vlans[vid / 8] &= (uint8_t)~(1u << (vid % 8));
        return VNET_CTRL_OK;
    }
    case VNET_CTRL_MQ:
        if (command == VNET_MQ_RSS_CONFIG || command == VNET_MQ_HASH_CONFIG)
            return vnet_hash_config(v, command == VNET_MQ_RSS_CONFIG, data, n);
        if (command == VNET_MQ_VQ_PAIRS_SET) { /* receive on this many pairs from now on */
            uint16_t pairs;
            if (!(v->guest_features & VNET_F_MQ) || n != 2)
                return VNET_CTRL_ERR;
            memcpy(&pairs, data, 2);
            if (pairs < 1 || pairs > v->pairs)
                return VNET_CTRL_ERR;
            v->active_pairs = pairs;
            v->rss = false; /* as QEMU: automatic steering again */
            return VNET_CTRL_OK;
        }
        return VNET_CTRL_ERR;
    case VNET_CTRL_ANNOUNCE: /* ACK: the driver has announced itself */
        if (!(v->guest_features & VNET_F_GUEST_ANNOUNCE) || command != 0 || n != 0)
            return VNET_CTRL_ERR;
        v->announce = false;
        return VNET_CTRL_OK;
    case VNET_CTRL_GUEST_OFFLOADS: { /* SET: the offloads of received frames, from those negotiated */
        uint64_t on, negotiated = v->guest_features & VNET_GUEST_OFFLOADS;
        if (!(v->guest_features & VNET_F_CTRL_GUEST_OFFLOADS) || command != 0 || n != 8)
            return VNET_CTRL_ERR;
        memcpy(&on, data, 8);
        if ((on & ~negotiated) != 0 || ((on & (VNET_F_GUEST_TSO4 | VNET_F_GUEST_TSO6)) && !(on & VNET_F_GUEST_CSUM)))
            return VNET_CTRL_ERR; /* one not negotiated, or TSO without the checksum it needs */
        v->offloads_off = negotiated & ~on;
        return VNET_CTRL_OK;
    }
    default: return VNET_CTRL_ERR;
    }
}

/* The driver notified the control queue: each command's readable bytes, carried out, and the
 * ack written into its first writable byte. Not under the lock. */
static void vnet_control(struct vnet *v)
{
    uint8_t *in = malloc(VNET_CTRL_MAX);
    if (in == NULL)
        return;
    bool any = false, interrupt = false;
    pthread_mutex_lock(&v->lock);
    struct virtqueue *q = &v->q[vnet_ctrl(v)];
    struct vq_chain c;
    while (vnet_working(v) && vq_take(q, &c)) {
        uint32_t got = 0;
        uint64_t ack_at = 0;
        bool ok = true;
        struct vq_desc d;
        int more;
        while (ok && (more = vq_next(q, &c, &d)) != 0) {
            if (more < 0) {
                ok = false;
            } else if (d.write) {
                if (ack_at == 0 && d.len >= 1)
                    ack_at = d.addr;
            } else if (ack_at != 0 || d.len > VNET_CTRL_MAX - got ||
                       !openndis_device_dma_read(v->bus, d.addr, in + got, d.len)) {
                ok = false; /* readable after writable, too long, or unmapped */
            } else {
                got += d.len;
            }
        }
        uint8_t ack = ok && ack_at != 0 ? vnet_command(v, in, got) : VNET_CTRL_ERR;
        atomic_fetch_add(&v->commands, 1);
        if (ack != VNET_CTRL_OK)
            atomic_fetch_add(&v->commands_failed, 1);
        if (ack_at != 0)
            openndis_device_dma_write(v->bus, ack_at, &ack, 1);
        interrupt |= vq_put(q, &c, ack_at != 0 ? 1 : 0);
        any = true;
    }
    if (any)
        atomic_fetch_or(&v->isr, 1);
    struct openndis_device *bus = v->bus;
    uint16_t vector = q->vector;
    pthread_mutex_unlock(&v->lock);
    free(in);
    if (any && interrupt)
        vnet_raise(bus, vector);
}

/* ---- the wire ---------------------------------------------------------------------------------- */
/* A received packet (the net header, then the frame) as the device writes it into buffers. */
struct vnet_packet {
    const uint8_t *header, *frame;
    uint32_t hlen, total;
};

/* Writes the packet's bytes from `from` on into the writable descriptors of chain `c`;
 * returns how many went in. With `room` set, only counts the chain's writable bytes. Lock held. */
static uint32_t vnet_chain_write(struct vnet *v, struct virtqueue *q, struct vq_chain c,
                                 const struct vnet_packet *p, uint32_t from, bool room)
{
    uint32_t done = 0;
    struct vq_desc d;
    while ((room || from + done < p->total) && vq_next(q, &c, &d) > 0 && d.write) {
        uint32_t n = room ? d.len : d.len < p->total - from - done ? d.len : p->total - from - done;
        for (uint32_t k = 0; !room && k < n;) { /* the header, then the frame, across descriptors */
            uint32_t at = from + done + k;
            const uint8_t *src = at < p->hlen ? p->header + at : p->frame + (at - p->hlen);
            uint32_t run = at < p->hlen ? p->hlen - at : p->total - at;
            if (run > n - k)
                run = n - k;
            openndis_device_dma_write(v->bus, d.addr + k, src, run);
            k += run;
        }
        done += n;
    }
    return done;
}

/* How many of the posted buffers, in order, a packet of `total` bytes needs (0: they are too
 * few yet). Reads the ring without taking anything. Lock held. */
static uint16_t vnet_buffers_for(struct vnet *v, struct virtqueue *q, const struct vnet_packet *p)
{
    struct vq_cursor at;
    struct vq_chain c;
    uint32_t room = 0;
    uint16_t n = 0;
    vq_first(q, &at);
    while (n < q->size && room < p->total && vq_peek(q, &at, &c)) {
        room += vnet_chain_write(v, q, c, p, 0, true);
        n++;
    }
    return room >= p->total ? n : 0;
}

/* The receive queue for a frame: with RSS, the one the driver's indirection table names for its
 * hash; with MQ and more than one pair active, the pair a hash of its IPv4 or IPv6 addresses
 * and TCP or UDP ports picks (one flow, one queue: in order); else pair 0. Lock held. */
static uint32_t vnet_fnv(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* The hash of a received frame (5.1.6.4.3) under the types and key the driver set: its report
 * type, with the value in *value, or 0 (VIRTIO_NET_HASH_REPORT_NONE) when none applies. One
 * VLAN tag is skipped; TCP or UDP ports count only in an unfragmented packet; IPv6 extension
 * headers are not walked. Lock held. */
static unsigned vnet_hash(const struct vnet *v, const uint8_t *frame, uint32_t length, uint32_t *value)
{
    struct inet_ip ip = { 0 };
    if (v->hash_types == 0 || length < VNET_ETH_HEADER + 4)
        return 0;
    const bool tagged = inet_get16(frame + 12) == VNET_ETH_VLAN; /* one 802.1Q tag, as NetKVM adds */
    const size_t l3 = VNET_ETH_HEADER + (tagged ? 4 : 0);
    if (!inet_parse_ip(frame, length, l3, &ip) || inet_get16(frame + l3 - 2) != (ip.v4 ? 0x0800 : 0x86DD))
        return 0;
    const size_t l4 = l3 + ip.ihl, addresses = ip.v4 ? 8 : 32;
    bool ports = length >= l4 + 4 && !(ip.v4 && (inet_get16(frame + l3 + 6) & 0x3FFF) != 0);
    unsigned type = ip.v4 ? 0 : 3; /* the IPv4 or IPv6 bit; TCP and UDP follow it */
    if (ports && ip.proto == INET_PROTO_TCP && (v->hash_types >> (type + 1) & 1))
        type += 1;
    else if (ports && ip.proto == INET_PROTO_UDP && (v->hash_types >> (type + 2) & 1))
        type += 2;
    else if (!(v->hash_types >> type & 1))
        return 0;
    uint8_t in[36]; /* source and destination addresses, then ports */
    memcpy(in, frame + l3 + (ip.v4 ? 12 : 8), addresses);
    bool with_ports = type % 3 != 0;
    if (with_ports)
        memcpy(in + addresses, frame + l4, 4);
    *value = inet_toeplitz(v->key, v->key_length, in, addresses + (with_ports ? 4 : 0));
    return type + 1; /* VIRTIO_NET_HASH_TYPE_x is 1 << (VIRTIO_NET_HASH_REPORT_x - 1) */
}

static unsigned vnet_steer(const struct vnet *v, const struct vnet_offload *o, const uint8_t *frame, uint32_t length)
{
    struct inet_ip ip = { 0 };
    if (v->rss) /* the driver's table, or its queue for what has no hash */
        return 2u * (o->hash_report != 0 ? v->rss_table[o->hash_value & v->rss_mask] : v->rss_unclassified);
    if (!(v->guest_features & VNET_F_MQ) || v->active_pairs < 2 || !inet_parse_ip(frame, length, VNET_ETH_HEADER, &ip))
        return 0;
    const size_t l3 = VNET_ETH_HEADER, l4 = l3 + ip.ihl;
    uint32_t h = vnet_fnv(2166136261u, frame + l3 + (ip.v4 ? 12 : 8), ip.v4 ? 8 : 32); /* the addresses */
    if ((ip.proto == INET_PROTO_TCP || ip.proto == INET_PROTO_UDP) && length >= l4 + 4)
        h = vnet_fnv(h, frame + l4, 4); /* the ports */
    return 2 * (h % v->active_pairs);
}

/* Puts a frame into the next receive buffer, or with MRG_RXBUF into as many as it takes
 * (num_buffers in the first one's header says how many); false when too few are posted.
 * Lock held; *interrupt says whether the driver wants one. */
static bool vnet_fill(struct vnet *v, unsigned rxq, const struct vnet_offload *o, const uint8_t *frame,
                      uint32_t length, uint32_t *interrupt)
{
    struct virtqueue *q = &v->q[rxq];
    uint8_t header[VNET_HEADER_MAX] = { o->flags, o->gso_type, [10] = 1 }; /* num_buffers 1 */
    memcpy(header + 2, &o->hdr_len, 2);
    memcpy(header + 4, &o->gso_size, 2);
    memcpy(header + 6, &o->csum_start, 2);
    memcpy(header + 8, &o->csum_offset, 2);
    if (v->guest_features & VNET_F_HASH_REPORT) {
        memcpy(header + 12, &o->hash_value, 4);
        memcpy(header + 16, &o->hash_report, 2);
    }
    const struct vnet_packet p = { header, frame, vnet_header(v), vnet_header(v) + length };
    if (!vnet_working(v))
        return false;
    uint16_t buffers = 1;
    struct vq_chain c;
    if (v->guest_features & VNET_F_MRG_RXBUF) {
        if ((buffers = vnet_buffers_for(v, q, &p)) == 0)
            return false;
        memcpy(header + 10, &buffers, 2);
    }
    uint32_t done = 0;
    for (uint16_t b = 0; b < buffers; b++) {
        if (!vq_take(q, &c))
            return b != 0; /* only when the driver took buffers back meanwhile: the frame is cut */
        uint32_t n = vnet_chain_write(v, q, c, &p, done, false);
        done += n;
        /* without MRG_RXBUF a short buffer loses the frame and is returned empty */
        *interrupt |= (uint32_t)vq_put(q, &c, buffers == 1 && done < p.total ? 0 : n) << rxq;
    }
    if (done < p.total)
        atomic_fetch_add(&v->rx_dropped, 1);
    else
        atomic_fetch_add(&v->rx_frames, 1);
    atomic_fetch_or(&v->isr, 1);
    return true;
}

/* Fills posted buffers with waiting frames, in order. Lock held; true if any went in. */
static bool vnet_drain(struct vnet *v, uint32_t *interrupt)
{
    bool any = false;
    while (v->waiting != NULL &&
           vnet_fill(v, v->waiting->rxq, &v->waiting->offload, v->waiting->data, v->waiting->length, interrupt)) {
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

/* One frame into the device's receive queue, or to wait for a buffer; hashed once, on receipt,
 * for the steering and the header both. */
static void vnet_deliver(struct vnet *v, const struct vnet_offload *received, const uint8_t *frame, uint32_t length)
{
    uint32_t interrupt = 0;
    struct vnet_offload with_hash = *received, *o = &with_hash;
    pthread_mutex_lock(&v->lock);
    with_hash.hash_value = 0;
    with_hash.hash_report = (uint16_t)vnet_hash(v, frame, length, &with_hash.hash_value);
    unsigned rxq = vnet_steer(v, o, frame, length);
    if (v->link_down || !vnet_working(v)) { /* no carrier, or no driver: the frame is lost on the wire */
        atomic_fetch_add(&v->rx_dropped, 1);
        pthread_mutex_unlock(&v->lock);
        return;
    }
    bool filled = v->waiting == NULL && vnet_fill(v, rxq, o, frame, length, &interrupt);
    if (!filled) {
        struct vnet_frame *f = malloc(sizeof *f + length);
        if (f != NULL) {
            f->next = NULL;
            f->rxq = rxq;
            f->offload = *o;
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
    uint16_t vectors[VNET_QUEUES_MAX];
    unsigned n = filled ? vnet_vectors(v, interrupt, vectors) : 0;
    pthread_mutex_unlock(&v->lock);
    vnet_raise_all(bus, vectors, n);
}

struct vnet_segments {
    struct vnet *to;
    struct vnet_offload offload;
};

static bool vnet_deliver_segment(void *context, const uint8_t *frame, size_t length)
{
    struct vnet_segments *s = context;
    vnet_deliver(s->to, &s->offload, frame, (uint32_t)length);
    return true;
}

static bool vnet_listed(const struct vnet_macs *t, const uint8_t *mac)
{
    if (t->overflow)
        return true;
    for (unsigned i = 0; i < t->n; i++)
        if (memcmp(t->mac[i], mac, 6) == 0)
            return true;
    return false;
}

/* Does the driver's receive filter let the frame in (5.1.6.5.1)? Promiscuous takes all; then
 * a tagged frame needs its VLAN ID added (with CTRL_VLAN); broadcast unless NOBCAST;
 * multicast unless NOMULTI, with ALLMULTI or listed; unicast unless NOUNI, with ALLUNI, to
 * the device's address or listed. Without CTRL_RX everything gets in. Lock held. */
static bool vnet_accepts(const struct vnet *v, const uint8_t *frame, uint32_t length)
{
    const uint8_t mode = v->rx_mode, *dst = frame;
    if (!(v->guest_features & VNET_F_CTRL_RX) || (mode & 1u << VNET_RX_PROMISC))
        return true;
    if (length < VNET_ETH_HEADER)
        return false;
    if ((v->guest_features & VNET_F_CTRL_VLAN) && inet_get16(frame + 12) == VNET_ETH_VLAN) {
        unsigned vid = inet_get16(frame + 14) & 0xFFFu;
        if (length < VNET_ETH_HEADER + 4 || !(v->vlans[vid / 8] & 1u << (vid % 8)))
            return false;
    }
    static const uint8_t broadcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
    if (memcmp(dst, broadcast, 6) == 0)
        return !(mode & 1u << VNET_RX_NOBCAST);
    if (dst[0] & 1)
        return !(mode & 1u << VNET_RX_NOMULTI) && ((mode & 1u << VNET_RX_ALLMULTI) || vnet_listed(&v->multi, dst));
    return !(mode & 1u << VNET_RX_NOUNI) &&
           ((mode & 1u << VNET_RX_ALLUNI) || memcmp(dst, v->mac, 6) == 0 || vnet_listed(&v->uni, dst));
}

/* A frame for `v` as its driver can take it, as a host's virtio backend does: a TCP segment
 * the driver does not take whole (GUEST_TSO4/6) is cut here, and a partial checksum it does
 * not take (GUEST_CSUM) is finished here; what the device computed is marked DATA_VALID for a
 * driver that took GUEST_CSUM. */
static void vnet_receive(struct vnet *v, const struct vnet_offload *o, const uint8_t *frame, uint32_t length)
{
    pthread_mutex_lock(&v->lock);
    uint64_t features = v->guest_features & ~v->offloads_off;
    bool accepted = vnet_accepts(v, frame, length);
    pthread_mutex_unlock(&v->lock);
    if (!accepted) {
        atomic_fetch_add(&v->rx_filtered, 1);
        return;
    }
    const struct vnet_offload computed = { .flags = features & VNET_F_GUEST_CSUM ? VNET_HDR_F_DATA_VALID : 0 };
    uint64_t whole = o->gso_type == VNET_GSO_TCPV4 ? VNET_F_GUEST_TSO4 : VNET_F_GUEST_TSO6;
    if (o->gso_type != VNET_GSO_NONE && !(features & whole)) {
        struct vnet_segments s = { v, computed };
        size_t l3 = length >= VNET_ETH_HEADER && inet_get16(frame + 12) == VNET_ETH_VLAN ? VNET_ETH_HEADER + 4
                                                                                      : VNET_ETH_HEADER;
        if (!inet_segment_tcp(frame, length, l3, o->csum_start, o->gso_size, vnet_deliver_segment, &s))
            atomic_fetch_add(&v->rx_dropped, 1); /* checked at transmit: only headers that lie */
        return;
    }
    if ((o->flags & VNET_HDR_F_NEEDS_CSUM) && !(features & VNET_F_GUEST_CSUM)) {
        uint8_t *copy = malloc(length); /* other receivers may take the frame as it is */
        if (copy == NULL) {
            atomic_fetch_add(&v->rx_dropped, 1);
            return;
        }
        memcpy(copy, frame, length);
        inet_finish_checksum(copy, length, o->csum_start, o->csum_offset, o->csum_offset == 6);
        vnet_deliver(v, &computed, copy, length);
        free(copy);
        return;
    }
    vnet_deliver(v, o, frame, length);
}

/* As a switch forwards: a unicast frame to the device with that address when there is one,
 * anything else to every other device. */
static void vnet_wire_send(struct vnet *from, const struct vnet_offload *o, const uint8_t *frame, uint32_t length)
{
    pthread_mutex_lock(&vnet_wire_lock);
    struct vnet *only = NULL;
    for (struct vnet *to = vnet_wire; length >= 6 && !(frame[0] & 1) && to != NULL; to = to->next)
        if (to != from && to->bus != NULL && memcmp(to->mac, frame, 6) == 0)
            only = to;
    for (struct vnet *to = vnet_wire; to != NULL; to = to->next)
        if (to != from && to->bus != NULL && (only == NULL || to == only))
            vnet_receive(to, o, frame, length);
    pthread_mutex_unlock(&vnet_wire_lock);
}

/* The net header in front of a transmitted frame (`length` bytes after it), checked
 * against what the driver negotiated: a partial checksum needs CSUM and must lie inside the
 * frame; a TCP segment needs HOST_TSO4 or HOST_TSO6, a partial checksum and an MSS, and is
 * cut or passed on whole at the receiver. */
static bool vnet_offload_taken(uint64_t features, const uint8_t *header, uint32_t length, struct vnet_offload *o)
{
    o->flags = header[0] & VNET_HDR_F_NEEDS_CSUM;
    o->gso_type = header[1];
    memcpy(&o->hdr_len, header + 2, 2);
    memcpy(&o->gso_size, header + 4, 2);
    memcpy(&o->csum_start, header + 6, 2);
    memcpy(&o->csum_offset, header + 8, 2);
    if (o->flags & VNET_HDR_F_NEEDS_CSUM) {
        if (!(features & VNET_F_CSUM) || o->csum_start >= length || (uint32_t)o->csum_start + o->csum_offset + 2 > length)
            return false;
    } else {
        o->csum_start = o->csum_offset = 0;
    }
    if (o->gso_type == VNET_GSO_NONE) {
        o->hdr_len = o->gso_size = 0;
        return true;
    }
    uint64_t needs = o->gso_type == VNET_GSO_TCPV4 ? VNET_F_HOST_TSO4 : o->gso_type == VNET_GSO_TCPV6 ? VNET_F_HOST_TSO6 : 0;
    return needs != 0 && (features & needs) && (o->flags & VNET_HDR_F_NEEDS_CSUM) && o->gso_size != 0 &&
           o->csum_offset == 16;
}

/* The driver notified a transmit queue: every chain it made available on any of them goes on
 * the wire, the queues taking turns. */
static void vnet_transmit(struct vnet *v)
{
    pthread_mutex_lock(&v->tx_lock);
    uint8_t *frame = v->tx_frame;
    for (;;) {
        pthread_mutex_lock(&v->lock);
        struct virtqueue *q = NULL;
        struct vq_chain c;
        bool interrupt = false;
        if (atomic_load(&vnet_congested) != 0) { /* paused by the wire: resumed when it drains */
            atomic_store(&v->tx_stalled, true);
            pthread_mutex_unlock(&v->lock);
            pthread_mutex_unlock(&v->tx_lock);
            return;
        }
        bool took = false;
        for (unsigned k = 0; vnet_working(v) && !took && k < vnet_pairs(v); k++) {
            q = &v->q[2 * ((v->tx_next + k) % vnet_pairs(v)) + 1];
            took = vq_take(q, &c);
        }
        if (!took) {
            pthread_mutex_unlock(&v->lock);
            pthread_mutex_unlock(&v->tx_lock);
            return;
        }
        v->tx_next = (unsigned)(q - v->q) / 2 + 1;
        uint32_t got = 0, hlen = vnet_header(v);
        uint64_t features = v->guest_features;
        bool ok = true;
        struct vq_desc d;
        int more;
        while (ok && (more = vq_next(q, &c, &d)) != 0) {
            if (more < 0 || d.write || d.len > VNET_HEADER_MAX + VNET_FRAME_MAX - got ||
                !openndis_device_dma_read(v->bus, d.addr, frame + got, d.len))
                ok = false;
            else
                got += d.len;
        }
        interrupt = vq_put(q, &c, 0);
        atomic_fetch_or(&v->isr, 1);
        struct openndis_device *bus = v->bus;
        uint16_t vector = q->vector;
        ok &= !v->link_down; /* sent into a dead link: used, and lost */
        pthread_mutex_unlock(&v->lock);
        struct vnet_offload offload;
        if (ok && got > hlen && vnet_offload_taken(features, frame, got - hlen, &offload)) {
            atomic_fetch_add(&v->tx_frames, 1);
            vnet_wire_send(v, &offload, frame + hlen, got - hlen);
        } else {
            atomic_fetch_add(&v->bad_chains, 1);
        }
        if (interrupt)
            vnet_raise(bus, vector);
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
        vnet_transmit(stalled);
        pthread_mutex_lock(&vnet_wire_lock);
        if (--stalled->resuming == 0)
            pthread_cond_broadcast(&vnet_wire_idle);
        pthread_mutex_unlock(&vnet_wire_lock);
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
    v->offloads_off = 0; /* negotiation turns each offload on (5.1.6.5.6.1) */
    v->rss = false; /* and no hash is calculated until the driver sets the types */
    v->hash_types = 0;
    v->key_length = 0;
    v->announce = false;
    v->feature_select = v->guest_feature_select = 0;
    v->config_vector = VQ_NO_VECTOR;
    v->select = 0;
    v->status = 0;
    v->rx_mode = 1u << VNET_RX_PROMISC; /* as QEMU: everything, until the driver says otherwise */
    v->uni.n = v->multi.n = 0;
    v->uni.overflow = v->multi.overflow = false;
    memset(v->vlans, 0, sizeof v->vlans);
    atomic_store(&v->isr, 0);
    for (unsigned i = 0; i < VNET_QUEUES_MAX; i++)
        v->q[i] = (struct virtqueue){ .size = VNET_QUEUE_SIZE, .vector = VQ_NO_VECTOR };
    v->active_pairs = 1;
    v->tx_next = 0;
    if (v->bus != NULL)
        openndis_device_dma_release(v->bus, 0); /* the rings are the driver's again */
}

/* `width` bytes at `offset` of a register image of `size` bytes. */
static uint32_t vnet_bytes(const uint8_t *regs, size_t size, uint32_t offset, unsigned width)
{
    uint32_t value = 0;
    for (unsigned i = 0; i < width && offset + i < size; i++)
        value |= (uint32_t)regs[offset + i] << (8 * i);
    return value;
}

/* The device configuration: MAC, status, max_virtqueue_pairs; then (modern) mtu, speed and
 * duplex, none given, and with RSS or HASH_REPORT offered the largest key, the largest table
 * and the hash types. The legacy interface has room for the first 10 bytes. */
#define VNET_CONFIG_SIZE 24u
static void vnet_config(const struct vnet *v, uint8_t out[VNET_CONFIG_SIZE])
{
    memset(out, 0, VNET_CONFIG_SIZE);
    if (v->offered != 0) {
        uint16_t table = v->offered & VNET_F_RSS ? VNET_RSS_TABLE_MAX : 0;
        uint32_t types = VNET_HASH_TYPES;
        out[17] = VNET_RSS_KEY_MAX;
        memcpy(out + 18, &table, 2);
        memcpy(out + 20, &types, 4);
    }
    memcpy(out, v->mac, 6);
    out[6] = (uint8_t)((v->link_down ? 0 : VNET_S_LINK_UP) | (v->announce ? VNET_S_ANNOUNCE : 0)), out[7] = 0;
    out[8] = (uint8_t)v->pairs, out[9] = 0; /* max_virtqueue_pairs */
}

/* The driver wrote the status: 0 resets; FEATURES_OK stays only if the device accepts the
 * features (a subset of those offered). Lock held. */
static void vnet_set_status(struct vnet *v, uint8_t status)
{
    if (status == 0) {
        vnet_reset(v);
        return;
    }
    if ((status & VNET_STATUS_FEATURES_OK) &&
        ((v->guest_features & ~vnet_features(v)) != 0 ||
         (v->guest_features & (VQ_F_RING_PACKED | VNET_F_VERSION_1)) == VQ_F_RING_PACKED ||
         ((v->guest_features & (VNET_F_HOST_TSO4 | VNET_F_HOST_TSO6)) && !(v->guest_features & VNET_F_CSUM)) ||
         ((v->guest_features & (VNET_F_GUEST_TSO4 | VNET_F_GUEST_TSO6)) && !(v->guest_features & VNET_F_GUEST_CSUM)) ||
         ((v->guest_features & (VNET_F_RSS | VNET_F_HASH_REPORT)) && !(v->guest_features & VNET_F_CTRL_VQ))))
        status &= (uint8_t)~VNET_STATUS_FEATURES_OK; /* unoffered, or without what they need (5.1.3.1) */
    bool live = (status & VNET_STATUS_DRIVER_OK) && !(v->status & VNET_STATUS_DRIVER_OK);
    v->status = status;
    for (unsigned i = 0; live && i < vnet_queues(v); i++) /* from now on the rings are the device's */
        vnet_hold(v, &v->q[i]);
}

/* The driver notified queue `index`: outside the lock, since the wire takes other devices'. */
static void vnet_notify(struct vnet *v, uint32_t index)
{
    pthread_mutex_lock(&v->lock);
    unsigned ctrl = vnet_ctrl(v);
    pthread_mutex_unlock(&v->lock);
    if (index == ctrl)
        vnet_control(v);
    else if (index < ctrl && index % 2 == 1)
        vnet_transmit(v);
    else if (index < ctrl) { /* buffers posted: frames that waited go in */
        uint32_t interrupt = 0;
        pthread_mutex_lock(&v->lock);
        bool filled = vnet_drain(v, &interrupt);
        struct openndis_device *bus = v->bus;
        uint16_t vectors[VNET_QUEUES_MAX];
        unsigned n = filled ? vnet_vectors(v, interrupt, vectors) : 0;
        pthread_mutex_unlock(&v->lock);
        vnet_raise_all(bus, vectors, n);
        vnet_resume_senders();
    }
}

/* Legacy: where the device configuration starts, after the two MSI-X vectors if the driver
 * took MSI-X. */
static uint32_t vnet_legacy_config(const struct vnet *v)
{
    return v->bus != NULL && openndis_device_messages(v->bus) > 0 ? 0x18u : 0x14u;
}

static uint32_t vnet_legacy_read(struct vnet *v, uint32_t offset, unsigned width)
{
    if (offset == 0x13)
        return atomic_exchange(&v->isr, 0);
    pthread_mutex_lock(&v->lock);
    uint8_t regs[VNET_PORTS] = { 0 };
    uint32_t features = (uint32_t)vnet_features(v), guest = (uint32_t)v->guest_features;
    memcpy(regs + 0x00, &features, 4);
    memcpy(regs + 0x04, &guest, 4);
    if (v->select < vnet_queues(v)) {
        memcpy(regs + 0x08, &v->q[v->select].pfn, 4);
        memcpy(regs + 0x0C, &v->q[v->select].size, 2);
        memcpy(regs + 0x16, &v->q[v->select].vector, 2);
    }
    memcpy(regs + 0x0E, &v->select, 2);
    regs[0x12] = v->status;
    uint32_t config = vnet_legacy_config(v);
    if (config == 0x18)
        memcpy(regs + 0x14, &v->config_vector, 2);
    uint8_t device[VNET_CONFIG_SIZE];
    vnet_config(v, device);
    memcpy(regs + config, device, 10);
    pthread_mutex_unlock(&v->lock);
    return vnet_bytes(regs, sizeof regs, offset, width);
}

static void vnet_legacy_write(struct vnet *v, uint32_t offset, unsigned width, uint32_t value)
{
    if (offset == 0x10) {
        vnet_notify(v, value);
        return;
    }
    pthread_mutex_lock(&v->lock);
    uint32_t config = vnet_legacy_config(v);
    struct virtqueue *q = v->select < vnet_queues(v) ? &v->q[v->select] : NULL;
    switch (offset) {
    case 0x04: v->guest_features = value & (uint32_t)vnet_features(v); break;
    case 0x08:
        if (q != NULL) {
            q->pfn = value;
            q->size = VNET_QUEUE_SIZE;
            q->desc = (uint64_t)value * VNET_PAGE;
            q->driver = q->desc + 16u * q->size;
            q->device = (q->driver + 6 + 2u * q->size + VNET_PAGE - 1) / VNET_PAGE * VNET_PAGE;
            if (value != 0)
                vnet_enable(v, q);
            else
                q->enabled = false;
        }
        break;
    case 0x0E: v->select = (uint16_t)value; break;
    case 0x12: vnet_set_status(v, (uint8_t)value); break;
    case 0x14:
        if (config == 0x18)
            v->config_vector = (uint16_t)value;
        break;
    case 0x16:
        if (config == 0x18 && q != NULL)
            q->vector = (uint16_t)value;
        break;
    default:
        if (offset >= config && offset < config + 6) /* the MAC is writable, as the legacy device lets it be */
            for (unsigned i = 0; i < width && offset + i < config + 6; i++)
                v->mac[offset - config + i] = (uint8_t)(value >> (8 * i));
        break;
    }
    pthread_mutex_unlock(&v->lock);
}

/* Modern: the common configuration structure (virtio 1.x, 4.1.4.3). */
static uint32_t vnet_modern_read(struct vnet *v, uint32_t offset, unsigned width)
{
    if (offset >= VNET_ISR_AT && offset < VNET_CONFIG_AT)
        return offset == VNET_ISR_AT ? atomic_exchange(&v->isr, 0) : 0;
    pthread_mutex_lock(&v->lock);
    uint8_t regs[0x38] = { 0 };
    uint32_t value = 0;
    if (offset < sizeof regs) {
        uint32_t features = v->feature_select < 2 ? (uint32_t)(vnet_features(v) >> (32 * v->feature_select)) : 0;
        uint32_t guest = v->guest_feature_select < 2 ? (uint32_t)(v->guest_features >> (32 * v->guest_feature_select)) : 0;
        uint16_t queues = (uint16_t)vnet_queues(v);
        memcpy(regs + 0x00, &v->feature_select, 4);
        memcpy(regs + 0x04, &features, 4);
        memcpy(regs + 0x08, &v->guest_feature_select, 4);
        memcpy(regs + 0x0C, &guest, 4);
        memcpy(regs + 0x10, &v->config_vector, 2);
        memcpy(regs + 0x12, &queues, 2);
        regs[0x14] = v->status;
        memcpy(regs + 0x16, &v->select, 2);
        if (v->select < vnet_queues(v)) {
            const struct virtqueue *q = &v->q[v->select];
            uint16_t enabled = q->enabled, notify_off = v->select;
            memcpy(regs + 0x18, &q->size, 2);
            memcpy(regs + 0x1A, &q->vector, 2);
            memcpy(regs + 0x1C, &enabled, 2);
            memcpy(regs + 0x1E, &notify_off, 2);
            memcpy(regs + 0x20, &q->desc, 8);
            memcpy(regs + 0x28, &q->driver, 8);
            memcpy(regs + 0x30, &q->device, 8);
        }
        value = vnet_bytes(regs, sizeof regs, offset, width);
    } else if (offset >= VNET_CONFIG_AT && offset < VNET_NOTIFY_AT) {
        uint8_t config[VNET_CONFIG_SIZE];
        vnet_config(v, config);
        value = vnet_bytes(config, sizeof config, offset - VNET_CONFIG_AT, width);
    }
    pthread_mutex_unlock(&v->lock);
    return value;
}

/* Half `high` of a 64-bit ring address. */
static void vnet_set_half(uint64_t *address, bool high, uint32_t value)
{
    *address = high ? (*address & 0xFFFFFFFFull) | (uint64_t)value << 32 : (*address & ~0xFFFFFFFFull) | value;
}

static void vnet_modern_write(struct vnet *v, uint32_t offset, unsigned width, uint32_t value)
{
    if (offset >= VNET_NOTIFY_AT) {
        vnet_notify(v, (offset - VNET_NOTIFY_AT) / VNET_NOTIFY_MULTIPLIER);
        return;
    }
    pthread_mutex_lock(&v->lock);
    struct virtqueue *q = v->select < vnet_queues(v) ? &v->q[v->select] : NULL;
    switch (offset) {
    case 0x00: v->feature_select = value; break;
    case 0x08: v->guest_feature_select = value; break;
    case 0x0C:
        if (v->guest_feature_select < 2) {
            unsigned shift = 32 * v->guest_feature_select;
            v->guest_features = (v->guest_features & ~(0xFFFFFFFFull << shift)) | (uint64_t)value << shift;
        }
        break;
    case 0x10: v->config_vector = (uint16_t)value; break;
    case 0x14: vnet_set_status(v, (uint8_t)value); break;
    case 0x16: v->select = (uint16_t)value; break;
    case 0x18: /* a smaller ring, set before the queue is enabled: split rings are a power of 2 */
        if (q != NULL && !q->enabled && value != 0 && value <= VNET_QUEUE_SIZE &&
            ((v->guest_features & VQ_F_RING_PACKED) || (value & (value - 1)) == 0))
            q->size = (uint16_t)value;
        break;
    case 0x1A:
        if (q != NULL)
            q->vector = (uint16_t)value;
        break;
    case 0x1C:
        if (q != NULL && value == 1 && !q->enabled)
            vnet_enable(v, q);
        break;
    case 0x20: case 0x24: if (q != NULL && !q->enabled) vnet_set_half(&q->desc, offset == 0x24, value); break;
    case 0x28: case 0x2C: if (q != NULL && !q->enabled) vnet_set_half(&q->driver, offset == 0x2C, value); break;
    case 0x30: case 0x34: if (q != NULL && !q->enabled) vnet_set_half(&q->device, offset == 0x34, value); break;
    default: break; /* read-only, or the device configuration, which has nothing writable */
    }
    (void)width;
    pthread_mutex_unlock(&v->lock);
}

static uint32_t vnet_read(void *device, unsigned bar, uint32_t offset, unsigned width)
{
    return bar == VNET_MODERN_BAR ? vnet_modern_read(device, offset, width) : vnet_legacy_read(device, offset, width);
}

static void vnet_write(void *device, unsigned bar, uint32_t offset, unsigned width, uint32_t value)
{
    if (bar == VNET_MODERN_BAR)
        vnet_modern_write(device, offset, width, value);
    else
        vnet_legacy_write(device, offset, width, value);
}

static const char *const vnet_faults[] = { "link-down", "link-up", "announce", "needs-reset", NULL };

static bool vnet_fault(void *device, const char *name)
{
    struct vnet *v = device;
    pthread_mutex_lock(&v->lock);
    bool known = true;
    if (strcmp(name, "link-down") == 0 || strcmp(name, "link-up") == 0)
        v->link_down = name[5] == 'd';
    else if (strcmp(name, "announce") == 0) /* as after a live migration, to a driver that can */
        v->announce = (v->guest_features & VNET_F_GUEST_ANNOUNCE) && vnet_working(v);
    else if (strcmp(name, "needs-reset") == 0 && v->status != 0)
        v->status |= VNET_STATUS_NEEDS_RESET;
    else
        known = false;
    struct openndis_device *bus = v->bus;
    uint16_t vector = v->config_vector;
    if (known)
        atomic_fetch_or(&v->isr, 2); /* a configuration change */
    pthread_mutex_unlock(&v->lock);
    if (known)
        vnet_raise(bus, vector);
    return known;
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

struct vnet_options {
    unsigned mac[6];
    bool mac_given, messages_given;
    unsigned messages, pairs;
    uint64_t offered;
};

/* One option of "mac=XX:XX:XX:XX:XX:XX", "msix=N", "queues=N", "rss" and "hash",
 * comma-separated. */
static bool vnet_option(const char *o, size_t length, struct vnet_options *out)
{
    char one[64];
    if (length >= sizeof one)
        return false;
    memcpy(one, o, length);
    one[length] = '\0';
    int end = 0;
    unsigned *mac = out->mac, n;
    if (sscanf(one, "mac=%2x:%2x:%2x:%2x:%2x:%2x%n", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5], &end) == 6 &&
        one[end] == '\0' && !(mac[0] & 1)) {
        out->mac_given = true;
        return true;
    }
    if (sscanf(one, "msix=%u%n", &n, &end) == 1 && one[end] == '\0' && n <= OPENNDIS_DEVICE_MAX_MESSAGES) {
        out->messages = n;
        out->messages_given = true;
        return true;
    }
    if (sscanf(one, "queues=%u%n", &n, &end) == 1 && one[end] == '\0' && n >= 1 && n <= VNET_PAIRS_MAX) {
        out->pairs = n;
        return true;
    }
    if (strcmp(one, "rss") == 0 || strcmp(one, "hash") == 0) {
        out->offered |= one[0] == 'r' ? VNET_F_RSS : VNET_F_HASH_REPORT;
        return true;
    }
    return false;
}

static void *vnet_create(const char *options, unsigned *messages, char *error, size_t cap)
{
    struct vnet_options opt = { .messages = VNET_MESSAGES, .pairs = 1 };
    for (const char *o = options; *o != '\0';) {
        size_t length = strcspn(o, ",");
        if (!vnet_option(o, length, &opt)) {
            snprintf(error, cap,
                     "virtio-net takes mac=XX:XX:XX:XX:XX:XX (a unicast address), msix=N (0 to %u MSI-X "
                     "messages), queues=N (1 to %u queue pairs), rss and hash, not '%.*s'",
                     OPENNDIS_DEVICE_MAX_MESSAGES, VNET_PAIRS_MAX, (int)length, o);
            return NULL;
        }
        o += length + (o[length] == ',');
    }
    /* as QEMU's vectors=2N+2: a vector per queue, the configuration's, one spare */
    *messages = opt.messages_given || opt.pairs == 1 ? opt.messages : 2 * opt.pairs + 2;
    struct vnet *v = calloc(1, sizeof *v);
    if (v == NULL) {
        snprintf(error, cap, "out of memory");
        return NULL;
    }
    v->tx_frame = malloc(VNET_HEADER_MAX + VNET_FRAME_MAX);
    if (v->tx_frame == NULL) {
        free(v);
        snprintf(error, cap, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&v->lock, NULL);
    pthread_mutex_init(&v->tx_lock, NULL);
    v->waiting_tail = &v->waiting;
    v->pairs = opt.pairs;
    v->offered = opt.offered;
    vnet_reset(v);
    pthread_mutex_lock(&vnet_wire_lock);
    unsigned n = vnet_count++;
    v->next = vnet_wire;
    vnet_wire = v;
    pthread_mutex_unlock(&vnet_wire_lock);
    /* QEMU's prefix, then the instance: each NIC on the wire has its own address */
    uint8_t fallback[6] = { 0x52, 0x54, 0x00, 0x12, (uint8_t)(n >> 8), (uint8_t)(0x34 + n) };
    for (int i = 0; i < 6; i++)
        v->mac[i] = opt.mac_given ? (uint8_t)(opt.mac[i] + (i == 5 ? n : 0)) : fallback[i];
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
    pthread_mutex_destroy(&v->tx_lock);
    free(v->tx_frame);
    free(v);
}

/* The modern transport's vendor capabilities (virtio 1.x, 4.1.4): common, ISR and device
 * configuration, then notifications, all in BAR4; each `next` is a configuration space offset. */
static const uint8_t vnet_capabilities[] = {
    /* at 0x40: cap_vndr, next, cap_len, cfg_type, bar, id, padding[2], offset, length */
    0x09, 0x50, 16, 1, VNET_MODERN_BAR, 0, 0, 0, 0x00, 0x00, 0, 0, 0x38, 0, 0, 0,
    0x09, 0x60, 16, 3, VNET_MODERN_BAR, 0, 0, 0, 0x00, 0x10, 0, 0, 0x01, 0, 0, 0,
    0x09, 0x70, 16, 4, VNET_MODERN_BAR, 0, 0, 0, 0x00, 0x20, 0, 0, VNET_CONFIG_SIZE, 0, 0, 0,
    /* at 0x70: notifications, 4 bytes per queue (notify_off_multiplier) */
    0x09, 0x00, 20, 2, VNET_MODERN_BAR, 0, 0, 0, 0x00, 0x30, 0, 0, 0x00, 0x10, 0, 0, VNET_NOTIFY_MULTIPLIER, 0, 0, 0,
};

/* Red Hat's virtio vendor ID; 0x1000 is the transitional network device, subsystem 1 net. */
const struct openndis_device_model openndis_device_virtio_net = {
    .name = "virtio-net",
    .vendor_id = 0x1AF4,
    .device_id = 0x1000,
    .subsystem_vendor_id = 0x1AF4,
    .subsystem_id = 0x0001,
    .revision_id = 0,
    .class_code = 0x020000,
    .bars = { [0] = { .size = VNET_PORTS, .io = true }, [VNET_MODERN_BAR] = { .size = VNET_MODERN } },
    .messages = VNET_MESSAGES,
    .capabilities = vnet_capabilities,
    .capabilities_length = sizeof vnet_capabilities,
    .read = vnet_read,
    .write = vnet_write,
    .attached = vnet_attached,
    .create = vnet_create,
    .destroy = vnet_destroy,
    .faults = vnet_faults,
    .fault = vnet_fault,
    .summary = "virtio-net, transitional (modern and legacy PCI transport): MAC and link status, queue "
               "pairs, MSI-X, split and packed rings, checksum and TSO offloads, RSS and hash reports, frames "
               "to the other virtio-net devices (options: mac=XX:XX:XX:XX:XX:XX, msix=N, queues=N, rss, hash)",
};
