/* Task offloads (ndis/offload.h): what an adapter advertised in its offload attributes, and
 * the checksum results its receive indications report, checked against it. A miniport sets
 * an Xxx ChecksumFailed or Xxx ChecksumSucceeded flag only for the checksums it validated
 * (design guide: Offloading Checksum Tasks), so a result is consistent only one way, and only
 * for a receive checksum offload it advertised. */
#include "ndis.h"

enum { NDIS_RX_CHECKSUM_IP = 1, NDIS_RX_CHECKSUM_TCP = 2, NDIS_RX_CHECKSUM_UDP = 4 };

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
        const NDIS_TCP_IP_CHECKSUM_OFFLOAD *c = &d->Checksum;
        rx |= c->IPv4Receive.IpChecksum ? NDIS_RX_CHECKSUM_IP : 0;
        rx |= c->IPv4Receive.TcpChecksum || c->IPv6Receive.TcpChecksum ? NDIS_RX_CHECKSUM_TCP : 0;
        rx |= c->IPv4Receive.UdpChecksum || c->IPv6Receive.UdpChecksum ? NDIS_RX_CHECKSUM_UDP : 0;
    }
    atomic_store_explicit(&a->rx_checksum, rx, memory_order_relaxed);
    return NDIS_STATUS_SUCCESS;
}

void ndis_offload_check_receive(struct ndis_adapter *a, PNET_BUFFER_LIST nbl, const char *fn, const void *site)
{
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
