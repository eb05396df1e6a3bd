/* Task offloads between Linux's virtio-net header and NBL information (offload.h). */
#include <linux/if_tun.h>
#include <string.h>

#include "offload.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_TCP_ 6
#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_CWR 0x80
#define EDGE_SEGMENT_MAX 9216 /* one cut segment with its headers, on the stack */

void edge_offload_from_ndis(const NDIS_OFFLOAD *c, struct edge_offload *out)
{
    memset(out, 0, sizeof *out);
    const NDIS_TCP_IP_CHECKSUM_OFFLOAD *k = &c->Checksum;
    out->csum_v4_ip = k->IPv4Transmit.IpChecksum == NDIS_OFFLOAD_SUPPORTED;
    out->csum_v4_tcp = k->IPv4Transmit.TcpChecksum == NDIS_OFFLOAD_SUPPORTED;
    out->csum_v4_udp = k->IPv4Transmit.UdpChecksum == NDIS_OFFLOAD_SUPPORTED;
    out->csum_v6_tcp = k->IPv6Transmit.TcpChecksum == NDIS_OFFLOAD_SUPPORTED;
    out->csum_v6_udp = k->IPv6Transmit.UdpChecksum == NDIS_OFFLOAD_SUPPORTED;
    /* Linux's TCP always sends options (timestamps): an LSO that cannot carry them is no use */
    if (c->LsoV2.IPv4.MaxOffLoadSize != 0) {
        out->lso_v4_max = c->LsoV2.IPv4.MaxOffLoadSize;
        out->lso_v4_min = c->LsoV2.IPv4.MinSegmentCount;
    } else if (c->LsoV1.IPv4.MaxOffLoadSize != 0 && c->LsoV1.IPv4.TcpOptions == NDIS_OFFLOAD_SUPPORTED) {
        out->lso_v1 = true;
        out->lso_v4_max = c->LsoV1.IPv4.MaxOffLoadSize;
        out->lso_v4_min = c->LsoV1.IPv4.MinSegmentCount;
    }
    if (c->LsoV2.IPv6.MaxOffLoadSize != 0 && c->LsoV2.IPv6.TcpOptionsSupported == NDIS_OFFLOAD_SUPPORTED) {
        out->lso_v6_max = c->LsoV2.IPv6.MaxOffLoadSize;
        out->lso_v6_min = c->LsoV2.IPv6.MinSegmentCount;
    }
    out->rx_any = k->IPv4Receive.TcpChecksum || k->IPv4Receive.UdpChecksum || k->IPv6Receive.TcpChecksum ||
                  k->IPv6Receive.UdpChecksum || c->Rsc.IPv4.Enabled || c->Rsc.IPv6.Enabled;
}

unsigned edge_offload_tun_flags(const struct edge_offload *o)
{
    /* TUN_F_CSUM lets Linux hand over any checksum to finish; those the adapter cannot take
     * are finished here. Segments the adapter cannot take whole are cut here too, but the
     * point of TSO is the adapter's LSO, so it is asked for only when there is one. */
    bool csum = o->csum_v4_tcp || o->csum_v4_udp || o->csum_v6_tcp || o->csum_v6_udp;
    unsigned flags = 0;
    if (!csum)
        return 0;
    flags |= TUN_F_CSUM;
    if (o->lso_v4_max != 0 && o->csum_v4_tcp)
        flags |= TUN_F_TSO4;
    if (o->lso_v6_max != 0 && o->csum_v6_tcp)
        flags |= TUN_F_TSO6;
    return flags;
}

/* ---- checksums ------------------------------------------------------------------------------- */
static uint32_t edge_sum(uint32_t sum, const UCHAR *p, size_t len)
{
    for (; len >= 2; p += 2, len -= 2)
        sum += (uint32_t)p[0] << 8 | p[1];
    if (len)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static uint16_t edge_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static void edge_put16(UCHAR *p, uint16_t v)
{
    p[0] = (UCHAR)(v >> 8);
    p[1] = (UCHAR)v;
}

static uint16_t edge_get16(const UCHAR *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The TCP checksum of the segment at `l4` (`len` bytes from there), over its pseudo-header. */
static void edge_tcp_checksum(UCHAR *frame, size_t l3, size_t l4, size_t len, bool v4)
{
    uint32_t sum = v4 ? edge_sum(0, frame + l3 + 12, 8) : edge_sum(0, frame + l3 + 8, 32);
    sum += IPPROTO_TCP_ + (uint32_t)len;
    frame[l4 + 16] = frame[l4 + 17] = 0;
    sum = edge_sum(sum, frame + l4, len);
    uint16_t c = (uint16_t)~edge_fold(sum);
    edge_put16(frame + l4 + 16, c);
}

static void edge_ipv4_checksum(UCHAR *frame, size_t l3, size_t ihl)
{
    frame[l3 + 10] = frame[l3 + 11] = 0;
    edge_put16(frame + l3 + 10, (uint16_t)~edge_fold(edge_sum(0, frame + l3, ihl)));
}

/* ---- frames from Linux ----------------------------------------------------------------------- */
struct edge_l3 {
    bool v4;
    size_t ihl;   /* IP header bytes: the TCP or UDP header follows */
    UCHAR proto;
};

/* The IP header at `l3`: IPv4 (with options) or IPv6 without extension headers. */
static bool edge_parse_ip(const UCHAR *data, size_t len, size_t l3, struct edge_l3 *out)
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

enum edge_offload_verdict edge_offload_from_linux(const struct edge_offload *o, const struct virtio_net_hdr *hdr,
                                                  UCHAR *data, size_t len, size_t l3, PNET_BUFFER_LIST nbl)
{
    struct edge_l3 ip;
    bool parsed = edge_parse_ip(data, len, l3, &ip);
    unsigned gso = hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
    if (gso != VIRTIO_NET_HDR_GSO_NONE) {
        size_t l4 = l3 + (parsed ? ip.ihl : 0);
        if (!parsed || ip.proto != IPPROTO_TCP_ || hdr->gso_size == 0 || len < l4 + 20 ||
            (gso != VIRTIO_NET_HDR_GSO_TCPV4 && gso != VIRTIO_NET_HDR_GSO_TCPV6) ||
            (gso == VIRTIO_NET_HDR_GSO_TCPV4) != ip.v4)
            return EDGE_OFFLOAD_DROP;
        size_t thl = (size_t)(data[l4 + 12] >> 4) * 4;
        if (thl < 20 || len < l4 + thl)
            return EDGE_OFFLOAD_DROP;
        size_t payload = len - l4 - thl, segments = (payload + hdr->gso_size - 1) / hdr->gso_size;
        ULONG max = ip.v4 ? o->lso_v4_max : o->lso_v6_max, min = ip.v4 ? o->lso_v4_min : o->lso_v6_min;
        /* ECN's CWR belongs on the first segment only: not every LSO knows that */
        if (max == 0 || payload > max || segments < min || segments < 2 || (hdr->gso_type & VIRTIO_NET_HDR_GSO_ECN) ||
            l4 >= 1024)
            return EDGE_OFFLOAD_SEGMENT;
        NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO lso;
        lso.Value = NULL;
        if (o->lso_v1 && ip.v4) {
            lso.LsoV1Transmit.Type = NDIS_TCP_LARGE_SEND_OFFLOAD_V1_TYPE;
            lso.LsoV1Transmit.MSS = hdr->gso_size;
            lso.LsoV1Transmit.TcpHeaderOffset = (ULONG)l4;
        } else {
            lso.LsoV2Transmit.Type = NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE;
            lso.LsoV2Transmit.IPVersion = ip.v4 ? NDIS_TCP_LARGE_SEND_OFFLOAD_IPv4 : NDIS_TCP_LARGE_SEND_OFFLOAD_IPv6;
            lso.LsoV2Transmit.MSS = hdr->gso_size;
            lso.LsoV2Transmit.TcpHeaderOffset = (ULONG)l4;
        }
        NET_BUFFER_LIST_INFO(nbl, TcpLargeSendNetBufferListInfo) = lso.Value;
        return EDGE_OFFLOAD_SEND;
    }
    if (!(hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
        return EDGE_OFFLOAD_SEND;
    size_t start = hdr->csum_start, at = (size_t)hdr->csum_start + hdr->csum_offset;
    if (start >= len || at + 2 > len)
        return EDGE_OFFLOAD_DROP;
    bool tcp = parsed && ip.proto == IPPROTO_TCP_ && hdr->csum_offset == 16;
    bool udp = parsed && ip.proto == 17 && hdr->csum_offset == 6;
    bool offload = parsed && start == l3 + ip.ihl && start < 1024 &&
                   (ip.v4 ? (tcp && o->csum_v4_tcp) || (udp && o->csum_v4_udp)
                          : (tcp && o->csum_v6_tcp) || (udp && o->csum_v6_udp));
    if (offload) {
        NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO csum;
        csum.Value = NULL;
        csum.Transmit.IsIPv4 = ip.v4;
        csum.Transmit.IsIPv6 = !ip.v4;
        csum.Transmit.TcpChecksum = tcp;
        csum.Transmit.UdpChecksum = udp;
        csum.Transmit.TcpHeaderOffset = (ULONG)start;
        NET_BUFFER_LIST_INFO(nbl, TcpIpChecksumNetBufferListInfo) = csum.Value;
        return EDGE_OFFLOAD_SEND;
    }
    /* finished here, as the virtio header says: the sum from csum_start on, the field
     * holding the pseudo-header's sum Linux put there */
    uint16_t c = (uint16_t)~edge_fold(edge_sum(0, data + start, len - start));
    if (udp && c == 0)
        c = 0xffff; /* a UDP checksum of 0 means "none" */
    edge_put16(data + at, c);
    return EDGE_OFFLOAD_SEND;
}

bool edge_segment_tcp(const UCHAR *data, size_t len, size_t l3, size_t l4, size_t mss,
                      bool (*emit)(void *ctx, const UCHAR *frame, size_t len), void *ctx)
{
    struct edge_l3 ip;
    if (!edge_parse_ip(data, len, l3, &ip) || l4 != l3 + ip.ihl || len < l4 + 20 || mss == 0)
        return false;
    size_t thl = (size_t)(data[l4 + 12] >> 4) * 4, hdrs = l4 + thl;
    if (thl < 20 || len < hdrs || hdrs + mss > EDGE_SEGMENT_MAX)
        return false;
    UCHAR seg[EDGE_SEGMENT_MAX];
    uint32_t seq = (uint32_t)edge_get16(data + l4 + 4) << 16 | edge_get16(data + l4 + 6);
    uint16_t id = edge_get16(data + l3 + 4);
    UCHAR flags = data[l4 + 13];
    size_t payload = len - hdrs;
    for (size_t off = 0, n = 0; off < payload || (payload == 0 && n == 0); off += mss, n++) {
        size_t chunk = payload - off < mss ? payload - off : mss;
        bool last = off + chunk >= payload;
        memcpy(seg, data, hdrs);
        memcpy(seg + hdrs, data + hdrs + off, chunk);
        if (ip.v4) {
            edge_put16(seg + l3 + 2, (uint16_t)(ip.ihl + thl + chunk));
            edge_put16(seg + l3 + 4, (uint16_t)(id + n));
            edge_ipv4_checksum(seg, l3, ip.ihl);
        } else {
            edge_put16(seg + l3 + 4, (uint16_t)(thl + chunk));
        }
        uint32_t s = seq + (uint32_t)off;
        edge_put16(seg + l4 + 4, (uint16_t)(s >> 16));
        edge_put16(seg + l4 + 6, (uint16_t)s);
        seg[l4 + 13] = (UCHAR)(flags & ~(last ? 0 : TCP_FLAG_FIN | TCP_FLAG_PSH) & ~(n == 0 ? 0 : TCP_FLAG_CWR));
        edge_tcp_checksum(seg, l3, l4, thl + chunk, ip.v4);
        if (!emit(ctx, seg, hdrs + chunk))
            return false;
        if (payload == 0)
            break;
    }
    return true;
}

/* ---- frames to Linux ----------------------------------------------------------------------- */
size_t edge_offload_to_linux(PNET_BUFFER_LIST nbl, UCHAR *head, size_t head_len, size_t len, size_t l3, ULONG mtu,
                             struct virtio_net_hdr *hdr)
{
    memset(hdr, 0, sizeof *hdr);
    NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO csum;
    csum.Value = NET_BUFFER_LIST_INFO(nbl, TcpIpChecksumNetBufferListInfo);
    unsigned segments = NET_BUFFER_LIST_COALESCED_SEG_COUNT(nbl);
    bool validated = csum.Value != NULL && (csum.Receive.TcpChecksumSucceeded || csum.Receive.UdpChecksumSucceeded);
    if (!validated && segments == 0 && len <= l3 + mtu)
        return 0;
    struct edge_l3 ip;
    if (!edge_parse_ip(head, head_len, l3, &ip))
        return 0;
    size_t l4 = l3 + ip.ihl, patched = 0;
    bool tcp = ip.proto == IPPROTO_TCP_ && head_len >= l4 + 20, udp = ip.proto == 17 && head_len >= l4 + 8;
    if (validated && (tcp || udp)) {
        /* Validated: Linux takes it as a packet whose checksum is still to be filled in
         * (tun has no "checksum good" flag), which its stack trusts; the field gets the
         * pseudo-header's sum, as for any partial checksum, in the edge's copy of the headers. */
        size_t field = l4 + (tcp ? 16 : 6);
        uint32_t sum = ip.v4 ? edge_sum(0, head + l3 + 12, 8) : edge_sum(0, head + l3 + 8, 32);
        edge_put16(head + field, edge_fold(sum + ip.proto + (uint32_t)(len - l4)));
        hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        hdr->csum_start = (uint16_t)l4;
        hdr->csum_offset = tcp ? 16 : 6;
        patched = field + 2;
    }
    if (!tcp || (segments == 0 && len <= l3 + mtu))
        return patched;
    /* a coalesced segment, or one longer than the MTU: Linux takes it as the GSO packet it is,
     * with the MSS the coalesced segments had (as near as their count tells) */
    size_t thl = (size_t)(head[l4 + 12] >> 4) * 4;
    if (thl < 20 || len <= l4 + thl)
        return patched;
    size_t payload = len - l4 - thl, mss = mtu > ip.ihl + thl ? mtu - ip.ihl - thl : 0;
    if (segments > 1)
        mss = (payload + segments - 1) / segments;
    if (mss == 0 || mss >= payload)
        return patched;
    hdr->gso_type = ip.v4 ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_TCPV6;
    hdr->gso_size = (uint16_t)mss;
    hdr->hdr_len = (uint16_t)(l4 + thl);
    return patched;
}
