/* Internet packet arithmetic shared by the TAP edge's offloads and the virtio-net model:
 * one's complement sums, the IPv4 header checksum, TCP checksums over their pseudo-header,
 * finishing a partial checksum, cutting a TCP segment into MSS-sized frames (what an LSO
 * engine or a host's GSO does), and RSS's Toeplitz hash. Frames are Ethernet with the IP
 * header `l3` bytes in; multi-byte fields are big-endian. Header-only, for every layer. */
#ifndef OPENNDIS_COMMON_INET_H
#define OPENNDIS_COMMON_INET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define INET_PROTO_TCP 6
#define INET_PROTO_UDP 17
#define INET_TCP_FIN 0x01
#define INET_TCP_PSH 0x08
#define INET_TCP_CWR 0x80
#define INET_SEGMENT_MAX 9216 /* one cut segment with its headers, on the stack */

static inline uint32_t inet_sum(uint32_t sum, const uint8_t *p, size_t len)
{
    for (; len >= 2; p += 2, len -= 2)
        sum += (uint32_t)p[0] << 8 | p[1];
    if (len)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static inline uint16_t inet_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static inline void inet_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline uint16_t inet_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The sum of the pseudo-header's addresses (IPv4 or IPv6, from the IP header at `l3`). */
static inline uint32_t inet_pseudo_addresses(const uint8_t *frame, size_t l3, bool v4)
{
    return v4 ? inet_sum(0, frame + l3 + 12, 8) : inet_sum(0, frame + l3 + 8, 32);
}

/* The TCP checksum of the segment at `l4` (`len` bytes from there), over its pseudo-header. */
static inline void inet_tcp_checksum(uint8_t *frame, size_t l3, size_t l4, size_t len, bool v4)
{
    uint32_t sum = inet_pseudo_addresses(frame, l3, v4) + INET_PROTO_TCP + (uint32_t)len;
    frame[l4 + 16] = frame[l4 + 17] = 0;
    inet_put16(frame + l4 + 16, (uint16_t)~inet_fold(inet_sum(sum, frame + l4, len)));
}

static inline void inet_ipv4_checksum(uint8_t *frame, size_t l3, size_t ihl)
{
    frame[l3 + 10] = frame[l3 + 11] = 0;
    inet_put16(frame + l3 + 10, (uint16_t)~inet_fold(inet_sum(0, frame + l3, ihl)));
}

/* Finishes a partial checksum as a virtio-net header's NEEDS_CSUM asks: the sum of the bytes
 * from `start` to the end (the field at `start + offset` holding the pseudo-header's sum)
 * goes into that field. The caller checked that both lie inside the frame. */
static inline void inet_finish_checksum(uint8_t *data, size_t len, size_t start, size_t offset, bool udp)
{
    uint16_t c = (uint16_t)~inet_fold(inet_sum(0, data + start, len - start));
    if (udp && c == 0)
        c = 0xffff; /* a UDP checksum of 0 means "none" */
    inet_put16(data + start + offset, c);
}

struct inet_ip {
    bool v4;
    size_t ihl; /* IP header bytes: the TCP or UDP header follows */
    uint8_t proto;
};

/* The IP header at `l3`: IPv4 (with options) or IPv6 without extension headers. */
static inline bool inet_parse_ip(const uint8_t *data, size_t len, size_t l3, struct inet_ip *out)
{
    if (len < l3 + 20)
        return false;
    unsigned version = data[l3] >> 4;
    if (version == 4) {
        out->v4 = true;
        out->ihl = (size_t)(data[l3] & 0x0f) * 4;
        out->proto = data[l3 + 9];
        return out->ihl >= 20 && len >= l3 + out->ihl;
    }
    if (version == 6 && len >= l3 + 40) {
        out->v4 = false;
        out->ihl = 40;
        out->proto = data[l3 + 6];
        return true;
    }
    return false;
}

/* The Toeplitz hash of RSS over the `n` bytes of `in` under `key`: each set input bit, taken
 * from the most significant, XORs in the 32 key bits that start at its position (key bits past
 * `key_len` bytes are 0). */
static inline uint32_t inet_toeplitz(const uint8_t *key, size_t key_len, const uint8_t *in, size_t n)
{
    uint32_t hash = 0, window = 0;
    for (size_t i = 0; i < 4; i++)
        window = window << 8 | (i < key_len ? key[i] : 0);
    for (size_t i = 0; i < n; i++) {
        uint8_t next = i + 4 < key_len ? key[i + 4] : 0; /* the key byte that shifts in */
        for (int bit = 7; bit >= 0; bit--) {
            if (in[i] >> bit & 1)
                hash ^= window;
            window = window << 1 | (uint32_t)(next >> bit & 1);
        }
    }
    return hash;
}

/* Cuts the TCP segment `data`/`len` (IP header at `l3`, TCP header at `l4`) into frames of
 * at most `mss` payload bytes with their checksums computed, calling `emit` for each; their
 * IPv4 IDs count up from the original's, FIN and PSH stay on the last and CWR on the first.
 * False when the headers do not add up (nothing emitted) or `emit` refused one. */
static inline bool inet_segment_tcp(const uint8_t *data, size_t len, size_t l3, size_t l4, size_t mss,
                                    bool (*emit)(void *ctx, const uint8_t *frame, size_t len), void *ctx)
{
    struct inet_ip ip = { 0 };
    if (!inet_parse_ip(data, len, l3, &ip) || l4 != l3 + ip.ihl || len < l4 + 20 || mss == 0)
        return false;
    size_t thl = (size_t)(data[l4 + 12] >> 4) * 4, hdrs = l4 + thl;
    if (thl < 20 || len < hdrs || hdrs + mss > INET_SEGMENT_MAX)
        return false;
    uint8_t seg[INET_SEGMENT_MAX];
    uint32_t seq = (uint32_t)inet_get16(data + l4 + 4) << 16 | inet_get16(data + l4 + 6);
    uint16_t id = inet_get16(data + l3 + 4);
    uint8_t flags = data[l4 + 13];
    size_t payload = len - hdrs;
    for (size_t off = 0, n = 0; off < payload || (payload == 0 && n == 0); off += mss, n++) {
        size_t chunk = payload - off < mss ? payload - off : mss;
        bool last = off + chunk >= payload;
        memcpy(seg, data, hdrs);
        memcpy(seg + hdrs, data + hdrs + off, chunk);
        if (ip.v4) {
            inet_put16(seg + l3 + 2, (uint16_t)(ip.ihl + thl + chunk));
            inet_put16(seg + l3 + 4, (uint16_t)(id + n));
            inet_ipv4_checksum(seg, l3, ip.ihl);
        } else {
            inet_put16(seg + l3 + 4, (uint16_t)(thl + chunk));
        }
        uint32_t s = seq + (uint32_t)off;
        inet_put16(seg + l4 + 4, (uint16_t)(s >> 16));
        inet_put16(seg + l4 + 6, (uint16_t)s);
        seg[l4 + 13] = (uint8_t)(flags & ~(last ? 0 : INET_TCP_FIN | INET_TCP_PSH) & ~(n == 0 ? 0 : INET_TCP_CWR));
        inet_tcp_checksum(seg, l3, l4, thl + chunk, ip.v4);
        if (!emit(ctx, seg, hdrs + chunk))
            return false;
        if (payload == 0)
            break;
    }
    return true;
}

#endif /* OPENNDIS_COMMON_INET_H */
