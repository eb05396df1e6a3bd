/* Task offloads (ndis/offload.h): what an adapter advertised in its offload attributes, and
 * the checksum results its receive indications report, checked against it. A miniport sets
 * an Xxx ChecksumFailed or Xxx ChecksumSucceeded flag only for the checksums it validated
 * (design guide: Offloading Checksum Tasks), so a result is consistent only one way, and only
 * for a receive checksum offload it advertised. */
#include "ndis.h"

enum { NDIS_RX_CHECKSUM_IP = 1, NDIS_RX_CHECKSUM_TCP = 2, NDIS_RX_CHECKSUM_UDP = 4, NDIS_RX_COALESCING = 8 };

/* The first task the default configuration turns on beyond the hardware's, or NULL. */
static const char *ndis_offload_beyond(const NDIS_OFFLOAD *d, const NDIS_OFFLOAD *h)
{
    const NDIS_TCP_IP_CHECKSUM_OFFLOAD *dc = &d->Checksum, *hc = &h->Checksum;
#define BEYOND(field) (dc->field == NDIS_OFFLOAD_SUPPORTED && hc->field != NDIS_OFFLOAD_SUPPORTED)
    if (BEYOND(IPv4Transmit.IpChecksum) || BEYOND(IPv4Transmit.TcpChecksum) || BEYOND(IPv4Transmit.UdpChecksum))
        return "an IPv4 transmit checksum";
    if (BEYOND(IPv4Receive.IpChecksum) || BEYOND(IPv4Receive.TcpChecksum) || BEYOND(IPv4Receive.UdpChecksum))
        return "an IPv4 receive checksum";
    if (BEYOND(IPv6Transmit.TcpChecksum) || BEYOND(IPv6Transmit.UdpChecksum))
        return "an IPv6 transmit checksum";
    if (BEYOND(IPv6Receive.TcpChecksum) || BEYOND(IPv6Receive.UdpChecksum))
        return "an IPv6 receive checksum";
#undef BEYOND
    if (d->LsoV1.IPv4.MaxOffLoadSize > h->LsoV1.IPv4.MaxOffLoadSize)
        return "large send offload v1 (a larger MaxOffLoadSize)";
    if (d->LsoV2.IPv4.MaxOffLoadSize > h->LsoV2.IPv4.MaxOffLoadSize ||
        d->LsoV2.IPv6.MaxOffLoadSize > h->LsoV2.IPv6.MaxOffLoadSize)
        return "large send offload v2 (a larger MaxOffLoadSize)";
    size_t rsc = RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, Rsc);
    if (d->Header.Revision >= NDIS_OFFLOAD_REVISION_3 && d->Header.Size >= rsc &&
        h->Header.Revision >= NDIS_OFFLOAD_REVISION_3 && h->Header.Size >= rsc &&
        ((d->Rsc.IPv4.Enabled && !h->Rsc.IPv4.Enabled) || (d->Rsc.IPv6.Enabled && !h->Rsc.IPv6.Enabled)))
        return "receive segment coalescing";
    return NULL;
}

NDIS_STATUS ndis_offload_attributes(struct ndis_adapter *a, const NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES *o,
                                    const void *site)
{
    static const char fn[] = "NdisMSetMiniportAttributes";
    if (o->Header.Revision < NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1 ||
        o->Header.Size < NDIS_SIZEOF_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1) {
        vf_violation(VF_ATTRIBUTES_INVALID, fn, site, "offload attributes with Revision %u and Size %u; revision 1 is %zu bytes",
                     o->Header.Revision, o->Header.Size, (size_t)NDIS_SIZEOF_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    unsigned rx = 0;
    const NDIS_OFFLOAD *d = o->DefaultOffloadConfiguration;
    if (d != NULL) {
        if (d->Header.Size < RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, Checksum)) {
            vf_violation(VF_ATTRIBUTES_INVALID, fn, site,
                         "DefaultOffloadConfiguration's Size %u does not reach its Checksum member (%zu bytes)",
                         d->Header.Size, (size_t)RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, Checksum));
            return NDIS_STATUS_INVALID_PARAMETER;
        }
        const NDIS_OFFLOAD *h = o->HardwareOffloadCapabilities;
        const char *beyond = h != NULL && h->Header.Size >= NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1 &&
                                     d->Header.Size >= NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1
                                 ? ndis_offload_beyond(d, h)
                                 : NULL;
        if (beyond != NULL)
            vf_violation(VF_OFFLOAD_BEYOND_HARDWARE, fn, site,
                         "DefaultOffloadConfiguration turns on %s that HardwareOffloadCapabilities does not have",
                         beyond);
        const NDIS_TCP_IP_CHECKSUM_OFFLOAD *c = &d->Checksum;
        rx |= c->IPv4Receive.IpChecksum ? NDIS_RX_CHECKSUM_IP : 0;
        rx |= c->IPv4Receive.TcpChecksum || c->IPv6Receive.TcpChecksum ? NDIS_RX_CHECKSUM_TCP : 0;
        rx |= c->IPv4Receive.UdpChecksum || c->IPv6Receive.UdpChecksum ? NDIS_RX_CHECKSUM_UDP : 0;
        if (d->Header.Revision >= NDIS_OFFLOAD_REVISION_3 && d->Header.Size >= RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, Rsc))
            rx |= d->Rsc.IPv4.Enabled || d->Rsc.IPv6.Enabled ? NDIS_RX_COALESCING : 0;
    }
    atomic_store_explicit(&a->rx_checksum, rx, memory_order_relaxed);
    return NDIS_STATUS_SUCCESS;
}

/* Coalesced segments only from an adapter that advertised RSC; 802.1Q tags only from one whose
 * MAC options say it handles them. */
static void ndis_offload_check_coalescing_and_tags(struct ndis_adapter *a, PNET_BUFFER_LIST nbl, const char *fn,
                                                   const void *site)
{
    unsigned segments = NET_BUFFER_LIST_COALESCED_SEG_COUNT(nbl);
    if (segments != 0 && !(atomic_load_explicit(&a->rx_checksum, memory_order_relaxed) & NDIS_RX_COALESCING))
        vf_violation(VF_RECEIVE_COALESCING_NOT_ADVERTISED, fn, site,
                     "NET_BUFFER_LIST %p carries %u coalesced segments, but adapter %u's offload attributes advertise "
                     "no receive segment coalescing (DefaultOffloadConfiguration->Rsc)",
                     (void *)nbl, segments, a->index);
    NDIS_NET_BUFFER_LIST_8021Q_INFO tag;
    tag.Value = NET_BUFFER_LIST_INFO(nbl, Ieee8021QNetBufferListInfo);
    ULONG options = a->general.MacOptions;
    if (tag.TagHeader.VlanId != 0 && !(options & NDIS_MAC_OPTION_8021Q_VLAN))
        vf_violation(VF_RECEIVE_TAG_NOT_ADVERTISED, fn, site,
                     "NET_BUFFER_LIST %p carries VLAN ID %u, but adapter %u's MacOptions lack NDIS_MAC_OPTION_8021Q_VLAN",
                     (void *)nbl, (unsigned)tag.TagHeader.VlanId, a->index);
    else if (tag.TagHeader.UserPriority != 0 && !(options & NDIS_MAC_OPTION_8021P_PRIORITY))
        vf_violation(VF_RECEIVE_TAG_NOT_ADVERTISED, fn, site,
                     "NET_BUFFER_LIST %p carries 802.1p priority %u, but adapter %u's MacOptions lack "
                     "NDIS_MAC_OPTION_8021P_PRIORITY",
                     (void *)nbl, (unsigned)tag.TagHeader.UserPriority, a->index);
}

void ndis_offload_check_receive(struct ndis_adapter *a, PNET_BUFFER_LIST nbl, const char *fn, const void *site)
{
    ndis_offload_check_coalescing_and_tags(a, nbl, fn, site);
    NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO info;
    info.Value = NET_BUFFER_LIST_INFO(nbl, TcpIpChecksumNetBufferListInfo);
    if (info.Value == NULL)
        return;
    bool ip = info.Receive.IpChecksumFailed || info.Receive.IpChecksumSucceeded;
    bool tcp = info.Receive.TcpChecksumFailed || info.Receive.TcpChecksumSucceeded;
    bool udp = info.Receive.UdpChecksumFailed || info.Receive.UdpChecksumSucceeded;
    const char *both = info.Receive.IpChecksumFailed && info.Receive.IpChecksumSucceeded     ? "IP"
                       : info.Receive.TcpChecksumFailed && info.Receive.TcpChecksumSucceeded ? "TCP"
                       : info.Receive.UdpChecksumFailed && info.Receive.UdpChecksumSucceeded ? "UDP"
                                                                                              : NULL;
    if (both != NULL) {
        vf_violation(VF_RECEIVE_CHECKSUM_INCONSISTENT, fn, site,
                     "NET_BUFFER_LIST %p reports its %s checksum both failed and succeeded", (void *)nbl, both);
        return;
    }
    if (tcp && udp) {
        vf_violation(VF_RECEIVE_CHECKSUM_INCONSISTENT, fn, site,
                     "NET_BUFFER_LIST %p reports both a TCP and a UDP checksum result; a packet carries one or the other",
                     (void *)nbl);
        return;
    }
    unsigned rx = atomic_load_explicit(&a->rx_checksum, memory_order_relaxed);
    const char *which = ip && !(rx & NDIS_RX_CHECKSUM_IP)     ? "an IPv4 header"
                        : tcp && !(rx & NDIS_RX_CHECKSUM_TCP) ? "a TCP"
                        : udp && !(rx & NDIS_RX_CHECKSUM_UDP) ? "a UDP"
                                                              : NULL;
    if (which != NULL)
        vf_violation(VF_RECEIVE_CHECKSUM_NOT_ADVERTISED, fn, site,
                     "NET_BUFFER_LIST %p reports %s checksum result, but adapter %u's offload attributes advertise no "
                     "such receive checksum offload (DefaultOffloadConfiguration)",
                     (void *)nbl, which, a->index);
}
