/* Task offloads at an edge that carries Linux's virtio-net header (a TAP opened with
 * IFF_VNET_HDR): what Linux asks of a frame it sends (a checksum to fill in, a TCP segment
 * to cut) becomes the NBL's checksum or LSO information when the adapter has that offload
 * turned on, and is done here in software when it has not; what the driver reports of a
 * frame it receives (checksums validated, segments coalesced) becomes the header Linux reads.
 * The virtio-net header is the OASIS virtio specification's (5.1.6). */
#ifndef OPENNDIS_EDGE_OFFLOAD_H
#define OPENNDIS_EDGE_OFFLOAD_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>

#include "../ndis/ndis.h"

/* What the adapter takes, from its current NDIS_OFFLOAD. */
struct edge_offload {
    bool csum_v4_ip, csum_v4_tcp, csum_v4_udp, csum_v6_tcp, csum_v6_udp; /* transmit checksums */
    bool lso_v1;                    /* LSO v1 only (IPv4) */
    ULONG lso_v4_max, lso_v6_max;   /* MaxOffLoadSize; 0: no LSO for that version */
    ULONG lso_v4_min, lso_v6_min;   /* MinSegmentCount */
    bool rx_any;                    /* some receive checksum or RSC: worth a header on writes */
};

/* Reads the offloads from `current` (the adapter's, ndis_adapter_offload). */
void edge_offload_from_ndis(const NDIS_OFFLOAD *current, struct edge_offload *out);
/* The TUNSETOFFLOAD flags asking Linux for what the adapter can take (TUN_F_*); 0: none. */
unsigned edge_offload_tun_flags(const struct edge_offload *o);

/* What to do with a frame Linux sent. */
enum edge_offload_verdict {
    EDGE_OFFLOAD_SEND,    /* send it: any offload information is set on the NBL */
    EDGE_OFFLOAD_SEGMENT, /* a TCP segment the adapter cannot take whole: cut it with inet_segment_tcp */
    EDGE_OFFLOAD_DROP,    /* malformed, or asks for what no offload does */
};
/* Decides for the frame `data`/`len` (its IP header `l3` bytes in) under `hdr`: fills
 * `nbl`'s TcpIpChecksumNetBufferListInfo or TcpLargeSendNetBufferListInfo, or finishes a
 * checksum in `data` itself. */
enum edge_offload_verdict edge_offload_from_linux(const struct edge_offload *o, const struct virtio_net_hdr *hdr,
                                                  UCHAR *data, size_t len, size_t l3, PNET_BUFFER_LIST nbl);

/* The header for a frame of `len` bytes the driver indicated. `head` is a copy of its first
 * `head_len` bytes (EDGE_OFFLOAD_HEAD, or all of a shorter frame), which this may change: it
 * returns how many of them must be written in place of the frame's own (0: none). */
#define EDGE_OFFLOAD_HEAD 192
size_t edge_offload_to_linux(PNET_BUFFER_LIST nbl, UCHAR *head, size_t head_len, size_t len, size_t l3, ULONG mtu,
                             struct virtio_net_hdr *hdr);

#endif /* OPENNDIS_EDGE_OFFLOAD_H */
