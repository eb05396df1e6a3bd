/* The virtio-net model (src/devices/virtio_net.c) alone, driven through its modern registers
 * by a few lines of driver in this file, over a fake bus: two devices on the model's wire,
 * and what arrives at one for what the other sends under each offload the two negotiated
 * (checksums finished or passed on, TCP segments cut or passed whole, mergeable buffers), and
 * the headers a device must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/inet.h"
#include "devices/devices.h"

#define MEMORY (1u << 20)
#define BAR 4
#define QSIZE 8u
#define F_CSUM (1ull << 0)
#define F_GUEST_CSUM (1ull << 1)
#define F_GUEST_TSO4 (1ull << 7)
#define F_HOST_TSO4 (1ull << 11)
#define F_MAC (1ull << 5)
#define F_MRG_RXBUF (1ull << 15)
#define F_CTRL_VQ (1ull << 17)
#define F_MQ (1ull << 22)
#define F_CTRL_RX (1ull << 18)
#define F_CTRL_VLAN (1ull << 19)
#define F_CTRL_RX_EXTRA (1ull << 20)
#define F_VERSION_1 (1ull << 32)
#define F_CTRL_GUEST_OFFLOADS (1ull << 2)
#define F_GUEST_ANNOUNCE (1ull << 21)
#define F_HASH_REPORT (1ull << 57)
#define F_RSS (1ull << 60)
#define HDR 12u
#define L3 14u
#define L4 34u
#define THL 20u

static uint8_t memory[MEMORY];
static char bus_a, bus_b; /* two fake buses: only their addresses matter */
static unsigned interrupts;

bool openndis_device_dma_read(struct openndis_device *bus, uint64_t address, void *to, size_t length)
{
    (void)bus;
    if (address > MEMORY || length > MEMORY - address)
        return false;
    memcpy(to, memory + address, length);
    return true;
}

bool openndis_device_dma_write(struct openndis_device *bus, uint64_t address, const void *from, size_t length)
{
    (void)bus;
    if (address > MEMORY || length > MEMORY - address)
        return false;
    memcpy(memory + address, from, length);
    return true;
}

bool openndis_device_dma_hold(struct openndis_device *bus, uint64_t address, size_t length)
{
    (void)bus, (void)address, (void)length;
    return true;
}

void openndis_device_dma_release(struct openndis_device *bus, uint64_t address)
{
    (void)bus, (void)address;
}

static unsigned messages_granted; /* 0: the line */

unsigned openndis_device_messages(struct openndis_device *bus)
{
    (void)bus;
    return messages_granted;
}

bool openndis_device_interrupt(struct openndis_device *bus, unsigned message)
{
    (void)bus, (void)message;
    interrupts++;
    return true;
}

/* ---- a driver of a dozen lines: split rings of 8 at `base`, queue q at base + q * 0x1000 */
struct drv {
    void *dev;
    uint32_t base;
    uint16_t avail[5], used[5];
};

static const struct openndis_device_model *model = &openndis_device_virtio_net;

static void reg(struct drv *d, uint32_t offset, unsigned width, uint32_t value)
{
    model->write(d->dev, BAR, offset, width, value);
}

static uint8_t status(struct drv *d)
{
    return (uint8_t)model->read(d->dev, BAR, 0x14, 1);
}

/* Negotiates `features` and sets up queues 0 to `queues` - 1; false when the device refused
 * the features (FEATURES_OK did not stay). */
static bool start_queues(struct drv *d, uint64_t features, uint16_t queues)
{
    memset(memory + d->base, 0, 0x5000);
    memset(d->avail, 0, sizeof d->avail);
    memset(d->used, 0, sizeof d->used);
    reg(d, 0x14, 1, 0);
    reg(d, 0x14, 1, 3); /* ACKNOWLEDGE, DRIVER */
    reg(d, 0x08, 4, 0), reg(d, 0x0C, 4, (uint32_t)features);
    reg(d, 0x08, 4, 1), reg(d, 0x0C, 4, (uint32_t)(features >> 32));
    reg(d, 0x14, 1, 3 | 8);
    if (!(status(d) & 8))
        return false;
    for (uint16_t q = 0; q < queues; q++) {
        uint32_t at = d->base + q * 0x1000u;
        reg(d, 0x16, 2, q);
        reg(d, 0x18, 2, QSIZE);
        reg(d, 0x20, 4, at), reg(d, 0x24, 4, 0);
        reg(d, 0x28, 4, at + 0x200), reg(d, 0x2C, 4, 0);
        reg(d, 0x30, 4, at + 0x400), reg(d, 0x34, 4, 0);
        reg(d, 0x1C, 2, 1);
    }
    reg(d, 0x14, 1, 3 | 8 | 4); /* DRIVER_OK */
    return true;
}

static bool start(struct drv *d, uint64_t features)
{
    return start_queues(d, features, 2);
}

/* Offers buffer `id` (one descriptor) on queue q; notifies. */
static void offer(struct drv *d, uint16_t q, uint16_t id, uint32_t addr, uint32_t len, bool writable)
{
    uint32_t at = d->base + q * 0x1000u;
    uint64_t a64 = addr;
    uint16_t flags = writable ? 2 : 0, zero = 0;
    memcpy(memory + at + 16 * id, &a64, 8);
    memcpy(memory + at + 16 * id + 8, &len, 4);
    memcpy(memory + at + 16 * id + 12, &flags, 2);
    memcpy(memory + at + 16 * id + 14, &zero, 2);
    memcpy(memory + at + 0x200 + 4 + 2 * (d->avail[q] % QSIZE), &id, 2);
    d->avail[q]++;
    memcpy(memory + at + 0x200 + 2, &d->avail[q], 2);
    reg(d, 0x3000 + 4u * q, 2, q);
}

/* The next used element of queue q: its buffer ID and length. */
static bool used(struct drv *d, uint16_t q, uint32_t *id, uint32_t *len)
{
    uint32_t at = d->base + q * 0x1000u + 0x400;
    uint16_t idx;
    memcpy(&idx, memory + at + 2, 2);
    if (idx == d->used[q])
        return false;
    memcpy(id, memory + at + 4 + 8 * (d->used[q] % QSIZE), 4);
    memcpy(len, memory + at + 8 + 8 * (d->used[q] % QSIZE), 4);
    d->used[q]++;
    return true;
}

static struct drv a, b, c; /* c has two queue pairs (queues=2), and offers RSS and hash reports */
static uint8_t mac_b[6], mac_c[6];

static int setup(void **state)
{
    (void)state;
    char err[128];
    unsigned messages;
    a.dev = model->create("", &messages, err, sizeof err);
    b.dev = model->create("", &messages, err, sizeof err);
    c.dev = model->create("queues=2,rss,hash", &messages, err, sizeof err);
    assert_non_null(a.dev);
    assert_non_null(b.dev);
    assert_non_null(c.dev);
    assert_int_equal(messages, 6); /* a vector per queue, the configuration's, a spare */
    assert_null(model->create("queues=9", &messages, err, sizeof err));
    assert_non_null(strstr(err, "queues=N (1 to 8 queue pairs)"));
    model->attached(c.dev, (struct openndis_device *)&bus_b);
    model->attached(a.dev, (struct openndis_device *)&bus_a);
    model->attached(b.dev, (struct openndis_device *)&bus_b);
    a.base = 0x10000, b.base = 0x20000, c.base = 0x30000;
    for (int i = 0; i < 6; i++) {
        mac_b[i] = (uint8_t)model->read(b.dev, BAR, 0x2000 + (uint32_t)i, 1);
        mac_c[i] = (uint8_t)model->read(c.dev, BAR, 0x2000 + (uint32_t)i, 1);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    model->attached(a.dev, NULL);
    model->attached(b.dev, NULL);
    model->attached(c.dev, NULL);
    model->destroy(a.dev);
    model->destroy(b.dev);
    model->destroy(c.dev);
    return 0;
}

#define RX_AT 0x40000u /* B's receive buffers */
#define TX_AT 0x80000u /* A's packet: net header, then the frame */

/* A's packet to B: IPv4 TCP with `payload` bytes; the header asks for `flags` and `gso`
 * (MSS `mss`). The TCP checksum field holds the pseudo-header's sum, as NEEDS_CSUM wants. */
static uint32_t packet(uint8_t flags, uint8_t gso, uint16_t mss, uint32_t payload)
{
    uint8_t *h = memory + TX_AT, *f = h + HDR;
    memset(h, 0, HDR + L4 + THL + payload);
    uint16_t start = L4, offset = 16, hdr_len = L4 + THL;
    h[0] = flags, h[1] = gso;
    memcpy(h + 2, &hdr_len, 2), memcpy(h + 4, &mss, 2), memcpy(h + 6, &start, 2), memcpy(h + 8, &offset, 2);
    memcpy(f, mac_b, 6);
    f[6] = 0x02, f[11] = 0x01;
    inet_put16(f + 12, 0x0800);
    f[L3] = 0x45, f[L3 + 8] = 64, f[L3 + 9] = INET_PROTO_TCP;
    inet_put16(f + L3 + 2, (uint16_t)(20 + THL + payload));
    inet_put16(f + L3 + 4, 0x100);
    f[L3 + 12] = 10, f[L3 + 15] = 1, f[L3 + 16] = 10, f[L3 + 19] = 2;
    inet_ipv4_checksum(f, L3, 20);
    inet_put16(f + L4, 5000), inet_put16(f + L4 + 2, 5201);
    inet_put16(f + L4 + 4, 0x1234), inet_put16(f + L4 + 6, 0x5678);
    f[L4 + 12] = THL / 4 << 4, f[L4 + 13] = 0x18; /* PSH ACK */
    for (uint32_t i = 0; i < payload; i++)
        f[L4 + THL + i] = (uint8_t)(i * 7);
    inet_put16(f + L4 + 16, inet_fold(inet_pseudo_addresses(f, L3, true) + INET_PROTO_TCP + THL + payload));
    return HDR + L4 + THL + payload;
}

static void send_from_a(uint32_t length)
{
    offer(&a, 1, 0, TX_AT, length, false);
    uint32_t id, len;
    assert_true(used(&a, 1, &id, &len)); /* transmitted (or refused): either way given back */
}

/* Posts `n` receive buffers of `size` bytes on B. */
static void post(uint16_t n, uint32_t size)
{
    for (uint16_t i = 0; i < n; i++)
        offer(&b, 0, i, RX_AT + i * size, size, true);
}

static bool tcp_ok(const uint8_t *f, uint32_t len)
{
    uint32_t sum = inet_pseudo_addresses(f, L3, true) + INET_PROTO_TCP + (len - L4);
    return inet_fold(inet_sum(sum, f + L4, len - L4)) == 0xffff;
}

static void segments_for_a_plain_receiver(void **state)
{
    (void)state;
    assert_true(start(&a, F_VERSION_1 | F_MAC | F_CSUM | F_HOST_TSO4));
    assert_true(start(&b, F_VERSION_1 | F_MAC));
    post(8, 2048);
    unsigned before = interrupts;
    send_from_a(packet(1, 1, 1000, 3500)); /* NEEDS_CSUM, TCPv4 GSO */
    assert_true(interrupts >= before + 2); /* the sender's completion, the receiver's frames */
    uint32_t id, len, seq = 0x12345678;
    for (unsigned n = 0; n < 4; n++) {
        uint32_t size = n < 3 ? 1000 : 500;
        assert_true(used(&b, 0, &id, &len));
        const uint8_t *h = memory + RX_AT + id * 2048, *f = h + HDR;
        assert_int_equal(len, HDR + L4 + THL + size);
        assert_int_equal(h[0], 0); /* no GUEST_CSUM: nothing to say */
        assert_int_equal(h[1], 0);
        assert_int_equal(inet_get16(f + L3 + 2), 20 + THL + size);
        assert_int_equal(inet_fold(inet_sum(0, f + L3, 20)), 0xffff);
        assert_true(tcp_ok(f, len - HDR));
        assert_int_equal((uint32_t)inet_get16(f + L4 + 4) << 16 | inet_get16(f + L4 + 6), seq + 1000 * n);
        assert_int_equal(f[L4 + 13], n < 3 ? 0x10 : 0x18); /* PSH on the last only */
        assert_int_equal(f[L4 + THL + 5], (uint8_t)((1000 * n + 5) * 7));
    }
    assert_false(used(&b, 0, &id, &len));
}

static void segments_marked_valid(void **state)
{
    (void)state;
    assert_true(start(&a, F_VERSION_1 | F_MAC | F_CSUM | F_HOST_TSO4));
    assert_true(start(&b, F_VERSION_1 | F_MAC | F_GUEST_CSUM));
    post(8, 2048);
    send_from_a(packet(1, 1, 1400, 2000));
    uint32_t id, len;
    for (unsigned n = 0; n < 2; n++) {
        assert_true(used(&b, 0, &id, &len));
        assert_int_equal(memory[RX_AT + id * 2048], 2); /* DATA_VALID: the device computed it */
        assert_true(tcp_ok(memory + RX_AT + id * 2048 + HDR, len - HDR));
    }
    assert_false(used(&b, 0, &id, &len));
}

static void whole_to_a_tso_receiver_across_buffers(void **state)
{
    (void)state;
    assert_true(start(&a, F_VERSION_1 | F_MAC | F_CSUM | F_HOST_TSO4));
    assert_true(start(&b, F_VERSION_1 | F_MAC | F_MRG_RXBUF | F_GUEST_CSUM | F_GUEST_TSO4));
    post(8, 1024);
    uint32_t total = packet(1, 1, 1000, 3500); /* 3586 bytes: four 1 KiB buffers */
    send_from_a(total);
    uint32_t id, len, got = 0;
    uint8_t whole[4096];
    for (unsigned n = 0; n < 4; n++) {
        assert_true(used(&b, 0, &id, &len));
        assert_int_equal(id, n);
        memcpy(whole + got, memory + RX_AT + id * 1024, len);
        got += len;
    }
    assert_false(used(&b, 0, &id, &len));
    assert_int_equal(got, total);
    assert_int_equal(whole[0], 1); /* NEEDS_CSUM, passed on */
    assert_int_equal(whole[1], 1); /* TCPv4 */
    assert_int_equal(whole[4] | whole[5] << 8, 1000);  /* gso_size */
    assert_int_equal(whole[6] | whole[7] << 8, L4);    /* csum_start */
    assert_int_equal(whole[8] | whole[9] << 8, 16);    /* csum_offset */
    assert_int_equal(whole[10] | whole[11] << 8, 4);   /* num_buffers */
    assert_memory_equal(whole + HDR, memory + TX_AT + HDR, total - HDR);
}

static void checksums_finished_or_passed_on(void **state)
{
    (void)state;
    assert_true(start(&a, F_VERSION_1 | F_MAC | F_CSUM));
    assert_true(start(&b, F_VERSION_1 | F_MAC));
    post(2, 2048);
    uint32_t length = packet(1, 0, 0, 300), id, len;
    send_from_a(length);
    assert_true(used(&b, 0, &id, &len));
    assert_int_equal(len, length);
    assert_int_equal(memory[RX_AT + id * 2048], 0);
    assert_true(tcp_ok(memory + RX_AT + id * 2048 + HDR, len - HDR)); /* finished by the device */
    assert_false(tcp_ok(memory + TX_AT + HDR, length - HDR));         /* the sender's copy untouched */

    assert_true(start(&b, F_VERSION_1 | F_MAC | F_GUEST_CSUM));
    post(2, 2048);
    send_from_a(length);
    assert_true(used(&b, 0, &id, &len));
    assert_int_equal(memory[RX_AT + id * 2048], 1); /* NEEDS_CSUM, for the driver to finish */
    assert_memory_equal(memory + RX_AT + id * 2048 + HDR, memory + TX_AT + HDR, length - HDR);
}

static void refused_headers_and_features(void **state)
{
    (void)state;
    /* TSO needs CSUM, GUEST_TSO4 needs GUEST_CSUM (5.1.3.1) */
    assert_false(start(&a, F_VERSION_1 | F_MAC | F_HOST_TSO4));
    assert_false(start(&b, F_VERSION_1 | F_MAC | F_GUEST_TSO4));
    assert_true(start(&a, F_VERSION_1 | F_MAC | F_CSUM));
    assert_true(start(&b, F_VERSION_1 | F_MAC));
    post(8, 2048);
    uint32_t id, len;
    send_from_a(packet(1, 1, 1000, 3000)); /* GSO without HOST_TSO4 */
    assert_false(used(&b, 0, &id, &len));
    assert_true(start(&a, F_VERSION_1 | F_MAC | F_CSUM | F_HOST_TSO4));
    assert_true(start(&b, F_VERSION_1 | F_MAC));
    post(8, 2048);
    send_from_a(packet(0, 1, 1000, 3000)); /* GSO without NEEDS_CSUM */
    send_from_a(packet(1, 1, 0, 3000));    /* no MSS */
    send_from_a(packet(1, 3, 1000, 3000)); /* UDP fragmentation offload: not offered */
    send_from_a(packet(1, 0x81, 1000, 3000)); /* ECN: not offered */
    uint32_t length = packet(1, 0, 0, 100);
    uint16_t start_past = (uint16_t)(length - HDR - 1); /* a checksum field past the end */
    memcpy(memory + TX_AT + 6, &start_past, 2);
    send_from_a(length);
    assert_false(used(&b, 0, &id, &len));
    send_from_a(packet(0, 0, 0, 100)); /* a plain frame still goes */
    assert_true(used(&b, 0, &id, &len));
}

/* A control command (class, command, `n` bytes of data) on queue `q` of `d`; its ack. */
static uint8_t command_on(struct drv *d, uint16_t q, uint8_t class, uint8_t cmd, const void *data, uint32_t n)
{
    uint32_t at = d->base + q * 0x1000u, buf = 0xC0000;
    memory[buf] = class, memory[buf + 1] = cmd;
    if (n != 0) /* ANNOUNCE_ACK has no data, and passes NULL */
        memcpy(memory + buf + 2, data, n);
    memory[buf + 2 + n] = 0xEE;
    uint64_t cmd_at = buf, ack_at = buf + 2 + n;
    uint32_t cmd_len = 2 + n, ack_len = 1;
    uint16_t next = 1, f_next = 1, f_write = 2, zero = 0;
    memcpy(memory + at, &cmd_at, 8), memcpy(memory + at + 8, &cmd_len, 4);
    memcpy(memory + at + 12, &f_next, 2), memcpy(memory + at + 14, &next, 2);
    memcpy(memory + at + 16, &ack_at, 8), memcpy(memory + at + 24, &ack_len, 4);
    memcpy(memory + at + 28, &f_write, 2), memcpy(memory + at + 30, &zero, 2);
    memcpy(memory + at + 0x200 + 4 + 2 * (d->avail[q] % QSIZE), &zero, 2);
    d->avail[q]++;
    memcpy(memory + at + 0x200 + 2, &d->avail[q], 2);
    reg(d, 0x3000 + 4u * q, 2, q);
    uint32_t id, len;
    assert_true(used(d, q, &id, &len));
    return memory[ack_at];
}

static uint8_t command(uint16_t q, uint8_t class, uint8_t cmd, const void *data, uint32_t n)
{
    return command_on(&c, q, class, cmd, data, n);
}

/* A's frame to C from source port `port`: which of C's receive queues did it land on? */
static int landed_on(uint16_t port)
{
    uint32_t length = packet(0, 0, 0, 64);
    memcpy(memory + TX_AT + HDR, mac_c, 6);
    inet_put16(memory + TX_AT + HDR + L4, port);
    send_from_a(length);
    uint32_t id, len;
    for (uint16_t q = 0; q <= 2; q += 2)
        if (used(&c, q, &id, &len)) {
            offer(&c, q, (uint16_t)id, RX_AT + 0x10000u * q + id * 2048, 2048, true); /* back */
            return q;
        }
    return -1;
}

static void multiqueue(void **state)
{
    (void)state;
    assert_true(start(&a, F_VERSION_1 | F_MAC));
    /* without MQ: one pair, the control queue at 2, and it refuses VQ_PAIRS_SET */
    assert_true(start_queues(&c, F_VERSION_1 | F_MAC | F_CTRL_VQ, 3));
    uint16_t pairs = 2;
    assert_int_equal(command(2, 4, 0, &pairs, 2), 1);
    /* with MQ: five queues, the control queue at 4 */
    assert_int_equal(model->read(c.dev, BAR, 0x2008, 2), 2); /* max_virtqueue_pairs */
    assert_true(start_queues(&c, F_VERSION_1 | F_MAC | F_CTRL_VQ | F_MQ, 5));
    assert_int_equal(model->read(c.dev, BAR, 0x12, 2), 5); /* num_queues */
    for (uint16_t q = 0; q <= 2; q += 2)
        for (uint16_t i = 0; i < 4; i++)
            offer(&c, q, i, RX_AT + 0x10000u * q + i * 2048, 2048, true);
    /* one pair until the driver says otherwise */
    for (uint16_t port = 1000; port < 1016; port++)
        assert_int_equal(landed_on(port), 0);
    pairs = 3;
    assert_int_equal(command(4, 4, 0, &pairs, 2), 1); /* more than the device has */
    pairs = 2;
    assert_int_equal(command(4, 4, 0, &pairs, 2), 0);
    unsigned on[3] = { 0 };
    for (uint16_t port = 1000; port < 1064; port++) {
        int q = landed_on(port);
        assert_true(q == 0 || q == 2);
        assert_int_equal(landed_on(port), q); /* a flow stays on its queue */
        on[q]++;
    }
    assert_true(on[0] > 8 && on[2] > 8); /* both queues take flows */
    /* the second pair's transmit queue sends too */
    uint32_t length = packet(0, 0, 0, 64), id, len;
    assert_true(start(&b, F_VERSION_1 | F_MAC));
    post(1, 2048);
    memcpy(memory + 0xD0000, memory + TX_AT, length);
    uint32_t at = c.base + 3 * 0x1000u;
    uint64_t a64 = 0xD0000;
    uint16_t zero = 0;
    memcpy(memory + at, &a64, 8), memcpy(memory + at + 8, &length, 4), memcpy(memory + at + 12, &zero, 2);
    memcpy(memory + at + 0x200 + 4, &zero, 2);
    c.avail[3] = 1;
    memcpy(memory + at + 0x200 + 2, &c.avail[3], 2);
    reg(&c, 0x3000 + 4u * 3, 2, 3);
    assert_true(used(&c, 3, &id, &len));
    assert_true(used(&b, 0, &id, &len));
    assert_int_equal(len, length);
}

/* Does a frame from A to `dst` (tagged with VLAN `vid` unless 0) reach B? */
static bool reaches_b(const uint8_t dst[6], uint16_t vid)
{
    uint8_t *f = memory + TX_AT + HDR;
    uint32_t length = HDR + 60;
    memset(memory + TX_AT, 0, length);
    memcpy(f, dst, 6);
    f[6] = 0x02, f[11] = 0x01;
    inet_put16(f + 12, vid ? 0x8100 : 0x0800);
    inet_put16(f + 14, vid);
    send_from_a(length);
    uint32_t id, len;
    if (!used(&b, 0, &id, &len))
        return false;
    offer(&b, 0, (uint16_t)id, RX_AT + id * 2048, 2048, true);
    return true;
}

static uint8_t mode(uint8_t cmd, uint8_t on)
{
    return command_on(&b, 2, 0, cmd, &on, 1);
}

static void receive_filter(void **state)
{
    (void)state;
    static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x99 }, group[6] = { 0x01, 0, 0x5E, 0, 0, 1 },
                         group2[6] = { 0x01, 0, 0x5E, 0, 0, 2 }, all[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
    assert_true(start(&a, F_VERSION_1 | F_MAC));
    /* without CTRL_RX everything gets in */
    assert_true(start_queues(&b, F_VERSION_1 | F_MAC | F_CTRL_VQ, 3));
    post(8, 2048);
    assert_true(reaches_b(other, 0));
    assert_int_equal(mode(0, 0), 1); /* and the modes are refused */
    assert_true(start_queues(&b, F_VERSION_1 | F_MAC | F_CTRL_VQ | F_CTRL_RX | F_CTRL_RX_EXTRA | F_CTRL_VLAN, 3));
    post(8, 2048);
    assert_true(reaches_b(other, 0)); /* promiscuous from reset, as QEMU */
    assert_true(reaches_b(group, 0));
    assert_int_equal(mode(0, 0), 0); /* promiscuous off */
    assert_false(reaches_b(other, 0));
    assert_true(reaches_b(mac_b, 0));
    assert_true(reaches_b(all, 0));
    assert_false(reaches_b(group, 0));
    /* the tables: one unicast, one multicast address */
    uint8_t tables[4 + 6 + 4 + 6];
    uint32_t one = 1;
    memcpy(tables, &one, 4), memcpy(tables + 4, other, 6);
    memcpy(tables + 10, &one, 4), memcpy(tables + 14, group, 6);
    assert_int_equal(command_on(&b, 2, 1, 0, tables, sizeof tables), 0);
    assert_true(reaches_b(other, 0));
    assert_true(reaches_b(group, 0));
    assert_false(reaches_b(group2, 0));
    assert_int_equal(command_on(&b, 2, 1, 0, tables, sizeof tables - 1), 1); /* malformed: unchanged */
    assert_true(reaches_b(group, 0));
    assert_int_equal(mode(1, 1), 0); /* ALLMULTI */
    assert_true(reaches_b(group2, 0));
    assert_int_equal(mode(3, 1), 0); /* NOMULTI wins */
    assert_false(reaches_b(group, 0));
    assert_int_equal(mode(5, 1), 0); /* NOBCAST */
    assert_false(reaches_b(all, 0));
    assert_int_equal(mode(4, 1), 0); /* NOUNI: not even its own address */
    assert_false(reaches_b(mac_b, 0));
    assert_int_equal(mode(4, 0), 0);
    assert_int_equal(mode(2, 1), 0); /* ALLUNI */
    assert_true(reaches_b(other, 0));
    /* VLANs: a tagged frame needs its ID added */
    assert_false(reaches_b(mac_b, 5));
    uint16_t vid = 5;
    assert_int_equal(command_on(&b, 2, 2, 0, &vid, 2), 0);
    assert_true(reaches_b(mac_b, 5));
    assert_false(reaches_b(mac_b, 6));
    assert_int_equal(command_on(&b, 2, 2, 1, &vid, 2), 0); /* deleted */
    assert_false(reaches_b(mac_b, 5));
    /* the extra modes need CTRL_RX_EXTRA */
    assert_true(start_queues(&b, F_VERSION_1 | F_MAC | F_CTRL_VQ | F_CTRL_RX, 3));
    assert_int_equal(mode(1, 1), 0);
    assert_int_equal(mode(2, 1), 1);
}

/* Legacy: with MSI-X the two vectors come first and the configuration moves to 0x18. */
static void legacy_config_after_the_vectors(void **state)
{
    (void)state;
    for (unsigned granted = 0; granted <= 4; granted += 4) {
        messages_granted = granted;
        uint32_t config = granted ? 0x18 : 0x14;
        for (uint32_t i = 0; i < 6; i++)
            assert_int_equal(model->read(b.dev, 0, config + i, 1), mac_b[i]);
        assert_int_equal(model->read(b.dev, 0, config + 6, 2), 1); /* LINK_UP */
        assert_int_equal(model->read(b.dev, 0, config + 8, 2), 1); /* max_virtqueue_pairs */
    }
    messages_granted = 0;
}

/* ---- RSS and hash reports: the design guide's Toeplitz verification key and first two rows */
static const uint8_t rss_key[40] = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};
static const struct {
    uint8_t src[4], dst[4];
    uint16_t sport, dport;
    uint32_t ip, tcp;
} rss_rows[2] = {
    { { 66, 9, 149, 187 }, { 161, 142, 100, 80 }, 2794, 1766, 0x323e8fc2, 0x51ccc178 },
    { { 199, 92, 111, 2 }, { 65, 69, 140, 83 }, 14230, 4739, 0xd718262a, 0xc626b0ea },
};

/* A's TCP frame to C for row `r` (or, with `r` < 0, a frame that is not IP). Which receive
 * queue of C took it, and the hash and report its 20-byte header carries. */
static int rss_landed(int r, uint32_t *hash, uint16_t *report)
{
    uint32_t length = packet(0, 0, 0, 64), id, len;
    uint8_t *f = memory + TX_AT + HDR;
    memcpy(f, mac_c, 6);
    if (r < 0)
        inet_put16(f + 12, 0x88B5);
    else {
        memcpy(f + L3 + 12, rss_rows[r].src, 4), memcpy(f + L3 + 16, rss_rows[r].dst, 4);
        inet_put16(f + L4, rss_rows[r].sport), inet_put16(f + L4 + 2, rss_rows[r].dport);
    }
    send_from_a(length);
    for (uint16_t q = 0; q <= 2; q += 2)
        if (used(&c, q, &id, &len)) {
            const uint8_t *h = memory + RX_AT + 0x10000u * q + id * 2048;
            memcpy(hash, h + 12, 4), memcpy(report, h + 16, 2);
            assert_int_equal(len, 20 + length - HDR);
            offer(&c, q, (uint16_t)id, RX_AT + 0x10000u * q + id * 2048, 2048, true); /* back */
            return q;
        }
    return -1;
}

/* VIRTIO_NET_CTRL_MQ_RSS_CONFIG: `types`, a table of `entries` sending everything to queue
 * ordinal 0 but entry `to1` to 1, unclassified to `unclassified`, and the key; its ack. */
static uint8_t rss_config(uint32_t types, uint16_t entries, uint16_t to1, uint16_t unclassified, uint8_t key_length,
                          int32_t extra)
{
    uint8_t data[8 + 2 * 256 + 3 + 41] = { 0 };
    uint16_t mask = (uint16_t)(entries - 1), one = 1, max_tx = 2;
    memcpy(data, &types, 4), memcpy(data + 4, &mask, 2), memcpy(data + 6, &unclassified, 2);
    if (to1 < entries)
        memcpy(data + 8 + 2 * to1, &one, 2);
    uint32_t at = 8u + 2u * entries;
    memcpy(data + at, &max_tx, 2);
    data[at + 2] = key_length;
    memcpy(data + at + 3, rss_key, key_length < 40 ? key_length : 40);
    return command(4, 4, 1, data, (uint32_t)((int32_t)(at + 3 + key_length) + extra));
}

static void rss_steering_and_hash_reports(void **state)
{
    (void)state;
    uint32_t hash;
    uint16_t report;
    assert_true(start(&a, F_VERSION_1 | F_MAC));
    assert_int_equal(model->read(c.dev, BAR, 0x2000 + 17, 1), 40);            /* rss_max_key_size */
    assert_int_equal(model->read(c.dev, BAR, 0x2000 + 18, 2), 128);           /* its largest table */
    assert_int_equal(model->read(c.dev, BAR, 0x2000 + 20, 4), 0x3F);          /* the hash types */
    assert_false(start_queues(&c, F_VERSION_1 | F_MAC | F_RSS, 5));           /* RSS needs CTRL_VQ */
    /* RSS without MQ: both pairs, the control queue at 4, a 20-byte header with the hash */
    assert_true(start_queues(&c, F_VERSION_1 | F_MAC | F_CTRL_VQ | F_RSS | F_HASH_REPORT, 5));
    for (uint16_t q = 0; q <= 2; q += 2)
        for (uint16_t i = 0; i < 4; i++)
            offer(&c, q, i, RX_AT + 0x10000u * q + i * 2048, 2048, true);
    assert_int_equal(rss_landed(0, &hash, &report), 0); /* nothing set: no hash, queue 0 */
    assert_int_equal(report, 0);
    uint16_t entry0 = rss_rows[0].tcp & 127;
    assert_int_equal(rss_config(0x3, 128, entry0, 1, 40, 0), 0); /* IPv4 and TCPv4 */
    assert_int_equal(rss_landed(0, &hash, &report), 2);           /* by its entry */
    assert_int_equal(hash, rss_rows[0].tcp);
    assert_int_equal(report, 2);                                  /* VIRTIO_NET_HASH_REPORT_TCPv4 */
    assert_int_equal(rss_landed(1, &hash, &report), (rss_rows[1].tcp & 127) == entry0 ? 2 : 0);
    assert_int_equal(hash, rss_rows[1].tcp);
    assert_int_equal(rss_landed(-1, &hash, &report), 2); /* not IP: the unclassified queue */
    assert_int_equal(report, 0);
    assert_int_equal(rss_config(0x1, 128, rss_rows[1].ip & 127, 0, 40, 0), 0); /* IPv4 only */
    assert_int_equal(rss_landed(1, &hash, &report), 2);
    assert_int_equal(hash, rss_rows[1].ip);
    assert_int_equal(report, 1);
    assert_int_equal(rss_landed(-1, &hash, &report), 0);
    /* refused, and the setting stays: a table not a power of two, or longer than 128, an entry
     * or unclassified queue past the pairs, an unsupported type (IP_EX), a key over 40 bytes,
     * a key cut short (bytes past the key are ignored: NetKVM sends its structure's padding) */
    assert_int_equal(rss_config(0x3, 96, 0, 0, 40, 0), 1);
    assert_int_equal(rss_config(0x3, 256, 0, 0, 40, 0), 1);
    assert_int_equal(rss_config(0x3, 128, 200, 2, 40, 0), 1);
    assert_int_equal(rss_config(0x43, 128, 0, 0, 40, 0), 1);
    assert_int_equal(rss_config(0x3, 128, 0, 0, 41, 0), 1);
    assert_int_equal(rss_config(0x3, 128, 0, 0, 40, -1), 1);
    assert_int_equal(rss_landed(1, &hash, &report), 2);
    assert_int_equal(report, 1);
    assert_int_equal(rss_config(0x3, 128, 0, 0, 40, 3), 0);
    assert_int_equal(rss_landed(1, &hash, &report), 0); /* every entry 0 now */
    /* hash reports alone: HASH_CONFIG sets what is reported; RSS_CONFIG is refused */
    assert_true(start_queues(&c, F_VERSION_1 | F_MAC | F_CTRL_VQ | F_HASH_REPORT, 3));
    for (uint16_t i = 0; i < 4; i++)
        offer(&c, 0, i, RX_AT + i * 2048, 2048, true);
    uint8_t config[8 + 2 + 1 + 40] = { 0x3 }; /* types, reserved, key */
    config[10] = 40;
    memcpy(config + 11, rss_key, 40);
    assert_int_equal(command(2, 4, 2, config, sizeof config), 0);
    assert_int_equal(rss_landed(0, &hash, &report), 0);
    assert_int_equal(hash, rss_rows[0].tcp);
    assert_int_equal(report, 2);
    assert_int_equal(command(2, 4, 1, config, sizeof config), 1);
}

static uint8_t set_offloads(uint64_t on, uint32_t n)
{
    return command_on(&b, 2, 5, 0, &on, n); /* VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET */
}

/* CTRL_GUEST_OFFLOADS: what the driver turns off is done for it, from the next frame on. */
static void guest_offloads_set(void **state)
{
    (void)state;
    uint32_t id, len;
    assert_true(start(&a, F_VERSION_1 | F_MAC | F_CSUM | F_HOST_TSO4));
    assert_true(start_queues(&b, F_VERSION_1 | F_MAC | F_MRG_RXBUF | F_GUEST_CSUM | F_GUEST_TSO4 | F_CTRL_VQ |
                                     F_CTRL_GUEST_OFFLOADS, 3));
    post(8, 2048);
    assert_int_equal(set_offloads(F_GUEST_CSUM, 8), 0); /* TSO off: segments come cut */
    send_from_a(packet(1, 1, 1000, 3500));
    for (unsigned n = 0; n < 4; n++) {
        assert_true(used(&b, 0, &id, &len));
        assert_int_equal(len, HDR + L4 + THL + (n < 3 ? 1000 : 500));
        assert_int_equal(memory[RX_AT + id * 2048], 2); /* DATA_VALID: checksums still on */
    }
    assert_false(used(&b, 0, &id, &len));
    assert_int_equal(set_offloads(F_GUEST_CSUM | F_GUEST_TSO4, 8), 0); /* and on again: whole */
    send_from_a(packet(1, 1, 1000, 3500));
    assert_true(used(&b, 0, &id, &len));
    assert_int_equal(memory[RX_AT + id * 2048 + 1], 1); /* GSO_TCPV4 */
    assert_int_equal(memory[RX_AT + id * 2048 + 10], 2); /* in two buffers */
    /* refused: an offload not negotiated, TSO without checksums, a short value */
    assert_int_equal(set_offloads(F_GUEST_CSUM | (1ull << 8), 8), 1);
    assert_int_equal(set_offloads(F_GUEST_TSO4, 8), 1);
    assert_int_equal(set_offloads(F_GUEST_CSUM, 4), 1);
    assert_true(start_queues(&a, F_VERSION_1 | F_MAC | F_CTRL_VQ, 3)); /* without the feature: refused */
    uint64_t on = 0;
    assert_int_equal(command_on(&a, 2, 5, 0, &on, 8), 1);
}

static uint16_t link_status(struct drv *d)
{
    return (uint16_t)model->read(d->dev, BAR, 0x2006, 2);
}

/* GUEST_ANNOUNCE: the fault sets ANNOUNCE with a configuration interrupt; the ack clears it. */
static void announce(void **state)
{
    (void)state;
    assert_true(start_queues(&b, F_VERSION_1 | F_MAC | F_CTRL_VQ | F_GUEST_ANNOUNCE, 3));
    unsigned before = interrupts;
    assert_true(model->fault(b.dev, "announce"));
    assert_int_equal(interrupts, before + 1);
    assert_int_equal(link_status(&b), 3); /* LINK_UP | ANNOUNCE */
    assert_int_equal(command_on(&b, 2, 3, 0, NULL, 0), 0); /* VIRTIO_NET_CTRL_ANNOUNCE_ACK */
    assert_int_equal(link_status(&b), 1);
    assert_int_equal(command_on(&b, 2, 3, 1, NULL, 0), 1); /* no such command */
    /* a driver that did not take GUEST_ANNOUNCE is never asked, and cannot ack */
    assert_true(start_queues(&b, F_VERSION_1 | F_MAC | F_CTRL_VQ, 3));
    assert_true(model->fault(b.dev, "announce"));
    assert_int_equal(link_status(&b), 1);
    assert_int_equal(command_on(&b, 2, 3, 0, NULL, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(segments_for_a_plain_receiver),
        cmocka_unit_test(segments_marked_valid),
        cmocka_unit_test(whole_to_a_tso_receiver_across_buffers),
        cmocka_unit_test(checksums_finished_or_passed_on),
        cmocka_unit_test(refused_headers_and_features),
        cmocka_unit_test(multiqueue),
        cmocka_unit_test(receive_filter),
        cmocka_unit_test(guest_offloads_set),
        cmocka_unit_test(announce),
        cmocka_unit_test(legacy_config_after_the_vectors),
        cmocka_unit_test(rss_steering_and_hash_reports),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
