/* Task offloads between Linux's virtio-net header and NBL information (offload.h). */
#include <linux/if_tun.h>
#include <string.h>

#include "../common/inet.h"
#include "offload.h"

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

/* ---- frames from Linux ----------------------------------------------------------------------- */
enum edge_offload_verdict edge_offload_from_linux(const struct edge_offload *o, const struct virtio_net_hdr *hdr,
                                                  UCHAR *data, size_t len, size_t l3, PNET_BUFFER_LIST nbl)
{
    struct inet_ip ip = { 0 };
    bool parsed = inet_parse_ip(data, len, l3, &ip);
    unsigned gso = hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
    if (gso != VIRTIO_NET_HDR_GSO_NONE) {
        size_t l4 = l3 + (parsed ? ip.ihl : 0);
        if (!parsed || ip.proto != INET_PROTO_TCP || hdr->gso_size == 0 || len < l4 + 20 ||
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
    bool tcp = parsed && ip.proto == INET_PROTO_TCP && hdr->csum_offset == 16;
    bool udp = parsed && ip.proto == INET_PROTO_UDP && hdr->csum_offset == 6;
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
    inet_finish_checksum(data, len, start, hdr->csum_offset, udp); /* finished here */
    return EDGE_OFFLOAD_SEND;
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
    bool ip_invalid = csum.Value != NULL && csum.Receive.IpChecksumValueInvalid;
    if (!validated && !ip_invalid && segments == 0 && len <= l3 + mtu)
        return 0;
    struct inet_ip ip = { 0 };
    if (!inet_parse_ip(head, head_len, l3, &ip))
        return 0;
    size_t l4 = l3 + ip.ihl, patched = 0;
    bool tcp = ip.proto == INET_PROTO_TCP && head_len >= l4 + 20, udp = ip.proto == INET_PROTO_UDP && head_len >= l4 + 8;
    if (validated && (tcp || udp)) {
        /* Validated: Linux takes it as a packet whose checksum is still to be filled in
         * (tun has no "checksum good" flag), which its stack trusts; the field gets the
         * pseudo-header's sum, as for any partial checksum, in the edge's copy of the headers. */
        size_t field = l4 + (tcp ? 16 : 6);
        uint32_t sum = inet_pseudo_addresses(head, l3, ip.v4);
        inet_put16(head + field, inet_fold(sum + ip.proto + (uint32_t)(len - l4)));
        hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        hdr->csum_start = (uint16_t)l4;
        hdr->csum_offset = tcp ? 16 : 6;
        patched = field + 2;
    }
    if (ip.v4 && ip_invalid) {
        /* a coalesced segment's IP header sum need not be right (RSC), and Linux checks it */
        inet_ipv4_checksum(head, l3, ip.ihl);
        patched = patched > l3 + ip.ihl ? patched : l3 + ip.ihl;
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
