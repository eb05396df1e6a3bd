/* The edges' task offloads (src/edge/offload.c): Linux's virtio-net header turned into NBL
 * information, checksums finished and TCP segments cut in software, and the header made for
 * what a driver indicates. Every segment is checked as a receiver would check it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/inet.h"
#include "edge/offload.h"

#define L3 14
#define L4 (L3 + 20)
#define THL 32 /* with a timestamp option, as Linux sends */
#define PAYLOAD 5000

static uint32_t sum16(uint32_t sum, const UCHAR *p, size_t len)
{
    for (; len >= 2; p += 2, len -= 2)
        sum += (uint32_t)p[0] << 8 | p[1];
    if (len)
        sum += (uint32_t)p[0] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

/* Does the segment's TCP checksum (over the IPv4 pseudo-header) verify? */
static bool tcp_checksum_ok(const UCHAR *f, size_t len)
{
    uint32_t sum = sum16(0, f + L3 + 12, 8) + 6 + (uint32_t)(len - L4);
    return sum16(sum, f + L4, len - L4) == 0xffff;
}

static size_t make_segment(UCHAR *f, size_t payload, UCHAR flags)
{
    memset(f, 0, L4 + THL);
    f[12] = 0x08; /* IPv4 */
    f[L3] = 0x45;
    f[L3 + 2] = (UCHAR)((20 + THL + payload) >> 8);
    f[L3 + 3] = (UCHAR)(20 + THL + payload);
    f[L3 + 4] = 0x12, f[L3 + 5] = 0x34; /* ID */
    f[L3 + 8] = 64, f[L3 + 9] = 6;
    memcpy(f + L3 + 12, (UCHAR[]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
    f[L4 + 0] = 0x9c, f[L4 + 1] = 0x40, f[L4 + 2] = 0x13, f[L4 + 3] = 0x89;
    memcpy(f + L4 + 4, (UCHAR[]){ 0xff, 0xff, 0xf0, 0x00 }, 4); /* sequence wraps inside */
    f[L4 + 12] = (THL / 4) << 4;
    f[L4 + 13] = flags;
    for (size_t i = 0; i < payload; i++)
        f[L4 + THL + i] = (UCHAR)(i * 7 + 3);
    return L4 + THL + payload;
}

struct cut {
    UCHAR frames[8][2048];
    size_t len[8];
    unsigned n;
};

static bool collect(void *ctx, const UCHAR *frame, size_t len)
{
    struct cut *c = ctx;
    assert_true(c->n < 8 && len <= sizeof c->frames[0]);
    memcpy(c->frames[c->n], frame, len);
    c->len[c->n++] = len;
    return true;
}

static void test_segments_are_right(void **state)
{
    (void)state;
    static UCHAR big[L4 + THL + PAYLOAD];
    size_t len = make_segment(big, PAYLOAD, 0x18 | 0x01 | 0x80); /* PSH ACK FIN CWR */
    static struct cut c;
    memset(&c, 0, sizeof c);
    assert_true(inet_segment_tcp(big, len, L3, L4, 1448, collect, &c));
    assert_int_equal(c.n, 4);
    size_t at = 0;
    for (unsigned i = 0; i < c.n; i++) {
        const UCHAR *f = c.frames[i];
        size_t payload = i < 3 ? 1448 : PAYLOAD - 3 * 1448;
        assert_int_equal(c.len[i], L4 + THL + payload);
        assert_int_equal((f[L3 + 2] << 8 | f[L3 + 3]), 20 + THL + payload); /* IP total length */
        assert_int_equal((f[L3 + 4] << 8 | f[L3 + 5]), 0x1234 + i);       /* IDs count up */
        assert_int_equal(sum16(0, f + L3, 20), 0xffff);                    /* IP header checksum */
        assert_true(tcp_checksum_ok(f, c.len[i]));
        uint32_t seq = (uint32_t)f[L4 + 4] << 24 | f[L4 + 5] << 16 | f[L4 + 6] << 8 | f[L4 + 7];
        assert_int_equal(seq, (uint32_t)(0xfffff000u + at));
        assert_int_equal(f[L4 + 13] & 0x01, i == 3 ? 0x01 : 0); /* FIN and PSH on the last only */
        assert_int_equal(f[L4 + 13] & 0x08, i == 3 ? 0x08 : 0);
        assert_int_equal(f[L4 + 13] & 0x80, i == 0 ? 0x80 : 0); /* CWR on the first only */
        assert_memory_equal(f + L4 + THL, big + L4 + THL + at, payload);
        at += payload;
    }
    /* headers that do not add up are refused, not cut */
    assert_false(inet_segment_tcp(big, len, L3, L4 + 4, 1448, collect, &c));
    assert_false(inet_segment_tcp(big, 40, L3, L4, 1448, collect, &c));
}

static struct edge_offload lso_and_checksums(void)
{
    struct edge_offload o = { .csum_v4_tcp = true, .csum_v4_udp = true, .lso_v4_max = 65535, .lso_v4_min = 2 };
    return o;
}

static void test_from_linux(void **state)
{
    (void)state;
    static UCHAR f[L4 + THL + PAYLOAD];
    size_t len = make_segment(f, PAYLOAD, 0x10);
    struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
                                .gso_size = 1448, .csum_start = L4, .csum_offset = 16 };
    struct edge_offload o = lso_and_checksums();
    NET_BUFFER_LIST nbl;
    memset(&nbl, 0, sizeof nbl);
    /* a TCP segment the adapter's LSO takes: LSO v2 information */
    assert_int_equal(edge_offload_from_linux(&o, &h, f, len, L3, &nbl), EDGE_OFFLOAD_SEND);
    NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO lso;
    lso.Value = NET_BUFFER_LIST_INFO(&nbl, TcpLargeSendNetBufferListInfo);
    assert_int_equal(lso.LsoV2Transmit.Type, NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE);
    assert_int_equal(lso.LsoV2Transmit.MSS, 1448);
    assert_int_equal(lso.LsoV2Transmit.TcpHeaderOffset, L4);
    assert_int_equal(lso.LsoV2Transmit.IPVersion, NDIS_TCP_LARGE_SEND_OFFLOAD_IPv4);
    /* ... and one it cannot (beyond MaxOffLoadSize, or no LSO): cut here */
    o.lso_v4_max = 4000;
    assert_int_equal(edge_offload_from_linux(&o, &h, f, len, L3, &nbl), EDGE_OFFLOAD_SEGMENT);
    o.lso_v4_max = 0;
    assert_int_equal(edge_offload_from_linux(&o, &h, f, len, L3, &nbl), EDGE_OFFLOAD_SEGMENT);
    /* a GSO type nobody asked for is dropped */
    h.gso_type = VIRTIO_NET_HDR_GSO_UDP;
    assert_int_equal(edge_offload_from_linux(&o, &h, f, len, L3, &nbl), EDGE_OFFLOAD_DROP);

    /* a checksum to finish, on a segment of MTU size: the adapter's when it has TCP checksums */
    len = make_segment(f, 1000, 0x18);
    struct virtio_net_hdr c = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = L4, .csum_offset = 16 };
    memset(&nbl, 0, sizeof nbl);
    o = lso_and_checksums();
    assert_int_equal(edge_offload_from_linux(&o, &c, f, len, L3, &nbl), EDGE_OFFLOAD_SEND);
    NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO csum;
    csum.Value = NET_BUFFER_LIST_INFO(&nbl, TcpIpChecksumNetBufferListInfo);
    assert_true(csum.Transmit.IsIPv4 && csum.Transmit.TcpChecksum && !csum.Transmit.UdpChecksum);
    assert_int_equal(csum.Transmit.TcpHeaderOffset, L4);
    /* ... else finished here: Linux left the pseudo-header's sum in the field */
    o.csum_v4_tcp = false;
    memset(&nbl, 0, sizeof nbl);
    uint16_t pseudo = (uint16_t)sum16(sum16(0, f + L3 + 12, 8) + 6 + (uint32_t)(len - L4), NULL, 0);
    f[L4 + 16] = (UCHAR)(pseudo >> 8), f[L4 + 17] = (UCHAR)pseudo;
    assert_int_equal(edge_offload_from_linux(&o, &c, f, len, L3, &nbl), EDGE_OFFLOAD_SEND);
    assert_null(NET_BUFFER_LIST_INFO(&nbl, TcpIpChecksumNetBufferListInfo));
    assert_true(tcp_checksum_ok(f, len));
    /* a checksum position outside the frame is dropped */
    c.csum_start = (uint16_t)(len - 4);
    assert_int_equal(edge_offload_from_linux(&o, &c, f, len, L3, &nbl), EDGE_OFFLOAD_DROP);
}

static void test_to_linux(void **state)
{
    (void)state;
    static UCHAR f[L4 + THL + PAYLOAD];
    size_t len = make_segment(f, PAYLOAD, 0x10);
    NET_BUFFER_LIST nbl;
    memset(&nbl, 0, sizeof nbl);
    NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO csum;
    csum.Value = NULL;
    csum.Receive.TcpChecksumSucceeded = 1;
    csum.Receive.IpChecksumSucceeded = 1;
    NET_BUFFER_LIST_INFO(&nbl, TcpIpChecksumNetBufferListInfo) = csum.Value;
    NET_BUFFER_LIST_COALESCED_SEG_COUNT(&nbl) = 4;
    UCHAR head[EDGE_OFFLOAD_HEAD];
    memcpy(head, f, sizeof head);
    struct virtio_net_hdr h;
    size_t patched = edge_offload_to_linux(&nbl, head, sizeof head, len, L3, 1500, &h);
    /* a coalesced segment: GSO with the MSS its count gives, its checksum left partial */
    assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
    assert_int_equal(h.gso_size, (PAYLOAD + 3) / 4);
    assert_int_equal(h.hdr_len, L4 + THL);
    assert_int_equal(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    assert_int_equal(h.csum_start, L4);
    assert_int_equal(h.csum_offset, 16);
    assert_int_equal(patched, L4 + 18);
    /* the field now holds the pseudo-header's sum, which Linux completes over the payload */
    memcpy(f, head, patched);
    uint16_t field = (uint16_t)(f[L4 + 16] << 8 | f[L4 + 17]);
    assert_int_equal(field, sum16(sum16(0, f + L3 + 12, 8) + 6 + (uint32_t)(len - L4), NULL, 0));

    /* RSC may leave the IP header's sum wrong (IpChecksumValueInvalid, as NetKVM marks a
     * host's coalesced segment): the edge puts the right one in, since Linux checks it */
    len = make_segment(f, PAYLOAD, 0x10);
    f[L3 + 10] = f[L3 + 11] = 0;
    csum.Value = NULL;
    csum.Receive.TcpChecksumSucceeded = 1;
    csum.Receive.IpChecksumValueInvalid = 1;
    NET_BUFFER_LIST_INFO(&nbl, TcpIpChecksumNetBufferListInfo) = csum.Value;
    memcpy(head, f, sizeof head);
    patched = edge_offload_to_linux(&nbl, head, sizeof head, len, L3, 1500, &h);
    assert_true(patched >= L4);
    assert_int_equal(sum16(0, head + L3, L4 - L3), 0xffff); /* a header that sums to all ones */
    csum.Receive.TcpChecksumSucceeded = 0; /* only the IP header wrong, within the MTU */
    NET_BUFFER_LIST_INFO(&nbl, TcpIpChecksumNetBufferListInfo) = csum.Value;
    NET_BUFFER_LIST_COALESCED_SEG_COUNT(&nbl) = 0;
    len = make_segment(f, 1000, 0x10);
    f[L3 + 10] = f[L3 + 11] = 0;
    memcpy(head, f, sizeof head);
    assert_int_equal(edge_offload_to_linux(&nbl, head, sizeof head, len, L3, 1500, &h), L4);
    assert_int_equal(sum16(0, head + L3, L4 - L3), 0xffff);
    assert_int_equal(h.flags, 0);

    /* nothing validated, nothing coalesced, within the MTU: no header to speak of */
    memset(&nbl, 0, sizeof nbl);
    len = make_segment(f, 1000, 0x10);
    memcpy(head, f, sizeof head);
    assert_int_equal(edge_offload_to_linux(&nbl, head, sizeof head, len, L3, 1500, &h), 0);
    assert_int_equal(h.flags, 0);
    assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segments_are_right),
        cmocka_unit_test(test_from_linux),
        cmocka_unit_test(test_to_linux),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
