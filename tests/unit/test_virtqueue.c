/* The device side of virtqueues (src/devices/virtqueue.c) alone, over a flat guest memory:
 * split and packed rings, indirect tables, the interrupt decisions, and chains a hostile
 * driver builds (loops, indices out of the ring, tables nested or chained past). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/virtqueue.h"

#define MEMORY 0x10000u
#define DESC 0x1000u
#define DRIVER 0x2000u
#define DEVICE 0x3000u
#define TABLE 0x4000u

static uint8_t memory[MEMORY];
static struct openndis_device *const bus = (struct openndis_device *)memory; /* only compared */

/* The DMA map, as the device sees it: all of `memory`, nothing past it. */
bool openndis_device_dma_read(struct openndis_device *b, uint64_t address, void *to, size_t length)
{
    assert_ptr_equal(b, bus);
    if (address > MEMORY || length > MEMORY - address)
        return false;
    memcpy(to, memory + address, length);
    return true;
}

bool openndis_device_dma_write(struct openndis_device *b, uint64_t address, const void *from, size_t length)
{
    assert_ptr_equal(b, bus);
    if (address > MEMORY || length > MEMORY - address)
        return false;
    memcpy(memory + address, from, length);
    return true;
}

bool openndis_device_dma_hold(struct openndis_device *b, uint64_t address, size_t length)
{
    (void)b, (void)address, (void)length;
    return true;
}

void openndis_device_dma_release(struct openndis_device *b, uint64_t address)
{
    (void)b, (void)address;
}

static void put16(uint64_t at, uint16_t v) { memcpy(memory + at, &v, 2); }
static void put32(uint64_t at, uint32_t v) { memcpy(memory + at, &v, 4); }
static void put64(uint64_t at, uint64_t v) { memcpy(memory + at, &v, 8); }
static uint16_t get16(uint64_t at) { uint16_t v; memcpy(&v, memory + at, 2); return v; }
static uint32_t get32(uint64_t at) { uint32_t v; memcpy(&v, memory + at, 4); return v; }

/* A split descriptor at `at` (a table's base plus 16 i). */
static void split_desc(uint64_t at, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    put64(at, addr), put32(at + 8, len), put16(at + 12, flags), put16(at + 14, next);
}

static struct virtqueue queue(uint16_t size, uint64_t features)
{
    memset(memory, 0, sizeof memory);
    struct virtqueue q = { .desc = DESC, .driver = DRIVER, .device = DEVICE, .size = size };
    vq_enable(&q, bus, features);
    return q;
}

/* Split: the driver makes `head` available as entry `n` of the available ring. */
static void split_offer(const struct virtqueue *q, uint16_t n, uint16_t head)
{
    put16(DRIVER + 4 + 2u * (n % q->size), head);
    put16(DRIVER + 2, (uint16_t)(n + 1));
}

static void split_chain_and_used(void **state)
{
    (void)state;
    struct virtqueue q = queue(8, 0);
    split_desc(DESC + 16 * 2, 0x8000, 10, 1, 5);  /* readable, then */
    split_desc(DESC + 16 * 5, 0x8100, 20, 1, 7);  /* readable, then */
    split_desc(DESC + 16 * 7, 0x8200, 30, 2, 0);  /* writable, the end */
    struct vq_chain c;
    assert_false(vq_take(&q, &c)); /* nothing available yet */
    split_offer(&q, 0, 2);
    assert_true(vq_take(&q, &c));
    assert_int_equal(c.id, 2);
    struct vq_desc d;
    assert_int_equal(vq_next(&q, &c, &d), 1);
    assert_true(d.addr == 0x8000 && d.len == 10 && !d.write);
    assert_int_equal(vq_next(&q, &c, &d), 1);
    assert_true(d.addr == 0x8100 && d.len == 20 && !d.write);
    assert_int_equal(vq_next(&q, &c, &d), 1);
    assert_true(d.addr == 0x8200 && d.len == 30 && d.write);
    assert_int_equal(vq_next(&q, &c, &d), 0);
    assert_false(vq_take(&q, &c)); /* taken once only */
    assert_true(vq_put(&q, &c, 30)); /* no flags: an interrupt */
    assert_int_equal(get16(DEVICE + 2), 1);
    assert_int_equal(get32(DEVICE + 4), 2);
    assert_int_equal(get32(DEVICE + 8), 30);
    put16(DRIVER, 1); /* VRING_AVAIL_F_NO_INTERRUPT */
    split_offer(&q, 1, 2);
    assert_true(vq_take(&q, &c));
    assert_false(vq_put(&q, &c, 0));
}

static void split_event_index(void **state)
{
    (void)state;
    struct virtqueue q = queue(8, VQ_F_EVENT_IDX);
    split_desc(DESC, 0x8000, 10, 0, 0);
    put16(DRIVER + 4 + 2 * 8, 1); /* used_event: interrupt when entry 1 is used */
    bool interrupts[3];
    for (uint16_t n = 0; n < 3; n++) {
        struct vq_chain c;
        split_offer(&q, n, 0);
        assert_true(vq_take(&q, &c));
        assert_int_equal(get16(DEVICE + 4 + 8 * 8), n + 1); /* avail_event follows the device */
        interrupts[n] = vq_put(&q, &c, 0);
    }
    assert_false(interrupts[0]);
    assert_true(interrupts[1]);
    assert_false(interrupts[2]);
}

static int walk(struct virtqueue *q, struct vq_chain *c, unsigned *count)
{
    struct vq_desc d;
    int r;
    *count = 0;
    while ((r = vq_next(q, c, &d)) > 0)
        ++*count;
    return r;
}

static void split_hostile_chains(void **state)
{
    (void)state;
    struct vq_chain c;
    unsigned n;
    struct virtqueue q = queue(8, VQ_F_INDIRECT_DESC);
    split_desc(DESC, 0x8000, 10, 1, 1); /* 0 -> 1 -> 0 -> ... */
    split_desc(DESC + 16, 0x8000, 10, 1, 0);
    split_offer(&q, 0, 0);
    assert_true(vq_take(&q, &c));
    assert_int_equal(walk(&q, &c, &n), -1);
    assert_true(n <= 8);

    q = queue(8, VQ_F_INDIRECT_DESC);
    split_offer(&q, 0, 8); /* a head past the table */
    assert_true(vq_take(&q, &c));
    assert_int_equal(walk(&q, &c, &n), -1);

    q = queue(8, VQ_F_INDIRECT_DESC);
    split_desc(DESC, 0x8000, 10, 1, 9); /* next past the table */
    split_offer(&q, 0, 0);
    assert_true(vq_take(&q, &c));
    assert_int_equal(walk(&q, &c, &n), -1);
    assert_int_equal(n, 1);

    q = queue(8, VQ_F_INDIRECT_DESC);
    split_desc(DESC, MEMORY - 8, 10, 0, 0); /* a buffer past the map: the walk still ends; */
    split_offer(&q, 0, 0);                  /* the device's copy is what fails */
    assert_true(vq_take(&q, &c));
    assert_int_equal(walk(&q, &c, &n), 0);

    q = queue(8, VQ_F_INDIRECT_DESC);
    q.desc = MEMORY - 8; /* the descriptor table itself unmapped */
    split_offer(&q, 0, 0);
    assert_true(vq_take(&q, &c));
    assert_int_equal(walk(&q, &c, &n), -1);
}

static void split_indirect(void **state)
{
    (void)state;
    struct vq_chain c;
    unsigned n;
    struct virtqueue q = queue(8, VQ_F_INDIRECT_DESC);
    split_desc(DESC + 16 * 3, TABLE, 48, 4, 0); /* INDIRECT: a table of 3 */
    split_desc(TABLE, 0x8000, 1, 1, 2);
    split_desc(TABLE + 32, 0x8100, 2, 1, 1);
    split_desc(TABLE + 16, 0x8200, 3, 2, 0);
    split_offer(&q, 0, 3);
    assert_true(vq_take(&q, &c));
    struct vq_desc d;
    uint32_t lengths = 0;
    while (vq_next(&q, &c, &d) > 0)
        lengths = lengths * 10 + d.len;
    assert_int_equal(lengths, 123); /* in the table's `next` order */
    assert_int_equal(c.id, 3);

    struct { uint16_t flags; uint32_t len; uint64_t features; } bad[] = {
        { 4, 48, 0 },                      /* not negotiated */
        { 4 | 1, 48, VQ_F_INDIRECT_DESC }, /* INDIRECT with NEXT */
        { 4, 40, VQ_F_INDIRECT_DESC },     /* not whole descriptors */
        { 4, 0, VQ_F_INDIRECT_DESC },      /* empty */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        q = queue(8, bad[i].features);
        split_desc(DESC, TABLE, bad[i].len, bad[i].flags, 1);
        split_desc(TABLE, 0x8000, 1, 0, 0);
        split_offer(&q, 0, 0);
        assert_true(vq_take(&q, &c));
        assert_int_equal(walk(&q, &c, &n), -1);
    }
    q = queue(8, VQ_F_INDIRECT_DESC); /* a table inside a table */
    split_desc(DESC, TABLE, 32, 4, 0);
    split_desc(TABLE, TABLE + 0x100, 16, 4 | 1, 1);
    split_desc(TABLE + 0x100, 0x8000, 1, 0, 0);
    split_offer(&q, 0, 0);
    assert_true(vq_take(&q, &c));
    assert_int_equal(walk(&q, &c, &n), -1);
    q = queue(8, VQ_F_INDIRECT_DESC); /* a loop inside a table */
    split_desc(DESC, TABLE, 32, 4, 0);
    split_desc(TABLE, 0x8000, 1, 1, 1);
    split_desc(TABLE + 16, 0x8000, 1, 1, 0);
    split_offer(&q, 0, 0);
    assert_true(vq_take(&q, &c));
    assert_int_equal(walk(&q, &c, &n), -1);
    assert_true(n <= 2);
}

/* ---- packed ---- */
#define AVAIL (1u << 7)
#define USED (1u << 15)

/* The driver's offer of buffer `id` in `count` slots from `*slot`, with its wrap counter. */
static void packed_offer(const struct virtqueue *q, uint16_t *slot, bool *wrap, uint16_t id, unsigned count,
                         uint16_t extra)
{
    for (unsigned i = 0; i < count; i++) {
        uint64_t at = DESC + 16u * *slot;
        put64(at, 0x8000 + 0x100 * id + i);
        put32(at + 8, 100 + i);
        put16(at + 12, id);
        put16(at + 14, (uint16_t)((i + 1 < count ? 1 : 0) | extra | (*wrap ? AVAIL : USED)));
        if (++*slot == q->size)
            *slot = 0, *wrap = !*wrap;
    }
}

static void packed_ring_wraps(void **state)
{
    (void)state;
    struct virtqueue q = queue(4, VQ_F_RING_PACKED);
    uint16_t slot = 0;
    bool wrap = true;
    struct vq_chain c;
    unsigned n;
    assert_false(vq_take(&q, &c)); /* zeroed: nothing available */
    /* three rounds of buffers of 1, 2 and 2 slots: the ring wraps twice */
    for (int round = 0; round < 3; round++) {
        const unsigned counts[] = { 1, 2, 2 };
        for (uint16_t b = 0; b < 3; b++) {
            uint16_t start = slot;
            bool used_wrap = q.used.wrap;
            uint16_t used_at = q.used.at;
            packed_offer(&q, &slot, &wrap, (uint16_t)(10 + b), counts[b], 0);
            struct vq_cursor peek;
            vq_first(&q, &peek);
            assert_true(vq_peek(&q, &peek, &c)); /* seen, not taken */
            assert_true(vq_take(&q, &c));
            assert_int_equal(c.id, 10 + b);
            assert_int_equal(c.slots, counts[b]);
            assert_int_equal(c.start, start);
            assert_int_equal(walk(&q, &c, &n), 0);
            assert_int_equal(n, counts[b]);
            assert_false(vq_take(&q, &c));
            assert_true(vq_put(&q, &c, 7)); /* flags 0: enabled */
            uint64_t at = DESC + 16u * used_at;
            assert_int_equal(get32(at + 8), 7);
            assert_int_equal(get16(at + 12), 10 + b);
            assert_int_equal(get16(at + 14) & (AVAIL | USED), used_wrap ? AVAIL | USED : 0);
        }
    }
    /* a chain that never ends is walked no further than the ring */
    q = queue(4, VQ_F_RING_PACKED);
    slot = 0, wrap = true;
    for (uint16_t i = 0; i < 4; i++)
        packed_offer(&q, &slot, &wrap, 1, 1, 1); /* NEXT on every one */
    assert_true(vq_take(&q, &c));
    assert_int_equal(walk(&q, &c, &n), -1);
    assert_true(n <= 4);
}

static void packed_events(void **state)
{
    (void)state;
    struct virtqueue q = queue(4, VQ_F_RING_PACKED | VQ_F_EVENT_IDX);
    uint16_t slot = 0;
    bool wrap = true;
    struct vq_chain c;
    put16(DRIVER + 2, 1); /* DISABLE */
    packed_offer(&q, &slot, &wrap, 1, 1, 0);
    assert_true(vq_take(&q, &c));
    assert_false(vq_put(&q, &c, 0));
    /* DESC: at slot 1 of the second lap (wrap counter 0) */
    put16(DRIVER, 1), put16(DRIVER + 2, 2);
    bool interrupts[8];
    for (int i = 0; i < 8; i++) { /* buffers used at slots 1, 2, 3, 0', 1', 2', 3', 0'' */
        packed_offer(&q, &slot, &wrap, 1, 1, 0);
        assert_true(vq_take(&q, &c));
        interrupts[i] = vq_put(&q, &c, 0);
    }
    for (int i = 0; i < 8; i++)
        assert_int_equal(interrupts[i], i == 4);
    /* a two-slot chain that covers the event's slot interrupts too */
    q = queue(4, VQ_F_RING_PACKED | VQ_F_EVENT_IDX);
    slot = 0, wrap = true;
    put16(DRIVER, 0x8000 | 1), put16(DRIVER + 2, 2); /* slot 1 of the first lap */
    packed_offer(&q, &slot, &wrap, 1, 2, 0);
    assert_true(vq_take(&q, &c));
    assert_true(vq_put(&q, &c, 0));
    /* the device's own suppression structure says: always notify */
    put32(DEVICE, 0xFFFFFFFFu);
    vq_hold(&q);
    assert_int_equal(get32(DEVICE), 0);
}

static void packed_indirect(void **state)
{
    (void)state;
    struct virtqueue q = queue(4, VQ_F_RING_PACKED | VQ_F_INDIRECT_DESC);
    uint16_t slot = 0;
    bool wrap = true;
    struct vq_chain c;
    unsigned n;
    for (unsigned i = 0; i < 3; i++) { /* a packed table: in order, no NEXT */
        put64(TABLE + 16 * i, 0x9000 + i);
        put32(TABLE + 16 * i + 8, i + 1);
        put16(TABLE + 16 * i + 14, i == 2 ? 2 : 0);
    }
    packed_offer(&q, &slot, &wrap, 5, 1, 4);
    put64(DESC, TABLE), put32(DESC + 8, 48);
    assert_true(vq_take(&q, &c));
    struct vq_desc d;
    uint32_t lengths = 0;
    bool last_write = false;
    while (vq_next(&q, &c, &d) > 0)
        lengths = lengths * 10 + d.len, last_write = d.write;
    assert_int_equal(lengths, 123);
    assert_true(last_write);
    assert_int_equal(c.slots, 1);
    put16(TABLE + 16 + 14, 4); /* nested */
    packed_offer(&q, &slot, &wrap, 6, 1, 4);
    put64(DESC + 16, TABLE), put32(DESC + 16 + 8, 48);
    assert_true(vq_take(&q, &c));
    assert_int_equal(walk(&q, &c, &n), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_chain_and_used), cmocka_unit_test(split_event_index),
        cmocka_unit_test(split_hostile_chains), cmocka_unit_test(split_indirect),
        cmocka_unit_test(packed_ring_wraps),    cmocka_unit_test(packed_events),
        cmocka_unit_test(packed_indirect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
