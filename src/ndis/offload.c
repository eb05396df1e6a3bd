/* Task offloads (ndis/offload.h): what an adapter advertised in its offload attributes, and
 * the checksum results its receive indications report, checked against it. A miniport sets
 * an Xxx ChecksumFailed or Xxx ChecksumSucceeded flag only for the checksums it validated
 * (design guide: Offloading Checksum Tasks), so a result is consistent only one way, and only
 * for a receive checksum offload it advertised. */
#include <string.h>

#include "ndis.h"
#include "nbl_owner.h"

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

/* The receive offloads (NDIS_RX_*) an NDIS_OFFLOAD turns on. */
static unsigned ndis_offload_rx_bits(const NDIS_OFFLOAD *d)
{
    const NDIS_TCP_IP_CHECKSUM_OFFLOAD *c = &d->Checksum;
    unsigned rx = 0;
    rx |= c->IPv4Receive.IpChecksum ? NDIS_RX_CHECKSUM_IP : 0;
    rx |= c->IPv4Receive.TcpChecksum || c->IPv6Receive.TcpChecksum ? NDIS_RX_CHECKSUM_TCP : 0;
    rx |= c->IPv4Receive.UdpChecksum || c->IPv6Receive.UdpChecksum ? NDIS_RX_CHECKSUM_UDP : 0;
    if (d->Header.Revision >= NDIS_OFFLOAD_REVISION_3 && d->Header.Size >= RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, Rsc))
        rx |= d->Rsc.IPv4.Enabled || d->Rsc.IPv6.Enabled ? NDIS_RX_COALESCING : 0;
    return rx;
}

/* A driver's NDIS_OFFLOAD of `size` bytes (an older revision is shorter), zero beyond. */
static void ndis_offload_copy(NDIS_OFFLOAD *out, const NDIS_OFFLOAD *in, size_t size)
{
    memset(out, 0, sizeof *out);
    memcpy(out, in, size < sizeof *out ? size : sizeof *out);
}

/* What is turned on now: for edges whole, for the receive checks as NDIS_RX_* bits. */
static void ndis_offload_set_current(struct ndis_adapter *a, const NDIS_OFFLOAD *current)
{
    ndis_adapter_lock(a);
    a->offload_current = *current;
    a->has_offload = true;
    ndis_adapter_unlock(a);
    atomic_store_explicit(&a->rx_enabled, ndis_offload_rx_bits(current), memory_order_relaxed);
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
    /* NDIS_OFFLOAD's revisions and the NDIS 6 minor versions that brought them */
    static const USHORT min_minor[] = { 0, 0, 1, 30, 50, 70, 83, 85, 89 };
    static const USHORT sizes[] = { 0, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2,
                                    NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_3, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_4,
                                    NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_5, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_6,
                                    NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_7, NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_8 };
    if (o->DefaultOffloadConfiguration != NULL)
        ndis_attributes_version_check(a, &o->DefaultOffloadConfiguration->Header, min_minor, sizes, 8,
                                   "DefaultOffloadConfiguration", site);
    if (o->HardwareOffloadCapabilities != NULL)
        ndis_attributes_version_check(a, &o->HardwareOffloadCapabilities->Header, min_minor, sizes, 8,
                                   "HardwareOffloadCapabilities", site);
    unsigned advertised = 0;
    const NDIS_OFFLOAD *d = o->DefaultOffloadConfiguration;
    NDIS_OFFLOAD current;
    memset(&current, 0, sizeof current);
    if (d != NULL) {
        if (d->Header.Size < RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, Checksum)) {
            vf_violation(VF_ATTRIBUTES_INVALID, fn, site,
                         "DefaultOffloadConfiguration's Size %u does not reach its Checksum member (%zu bytes)",
                         d->Header.Size, (size_t)RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, Checksum));
            return NDIS_STATUS_INVALID_PARAMETER;
        }
        const NDIS_OFFLOAD *h = o->HardwareOffloadCapabilities;
        bool hardware = h != NULL && h->Header.Size >= NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1;
        const char *beyond = hardware && d->Header.Size >= NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1
                                 ? ndis_offload_beyond(d, h)
                                 : NULL;
        if (beyond != NULL)
            vf_violation(VF_OFFLOAD_BEYOND_HARDWARE, fn, site,
                         "DefaultOffloadConfiguration turns on %s that HardwareOffloadCapabilities does not have",
                         beyond);
        ndis_offload_copy(&current, d, d->Header.Size);
        advertised = ndis_offload_rx_bits(&current);
        if (hardware) {
            NDIS_OFFLOAD caps;
            ndis_offload_copy(&caps, h, h->Header.Size);
            advertised |= ndis_offload_rx_bits(&caps);
        }
    }
    atomic_store_explicit(&a->rx_advertised, advertised, memory_order_relaxed);
    ndis_offload_set_current(a, &current);
    return NDIS_STATUS_SUCCESS;
}

void ndis_offload_status(struct ndis_adapter *a, const NDIS_STATUS_INDICATION *ind, const char *fn, const void *site)
{
    const NDIS_OFFLOAD *o = ind->StatusBuffer;
    if (o == NULL || ind->StatusBufferSize < NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1 ||
        o->Header.Type != NDIS_OBJECT_TYPE_OFFLOAD || o->Header.Size < NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1) {
        vf_violation(VF_STATUS_INDICATION_INVALID, fn, site,
                     "NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG needs an NDIS_OFFLOAD (Type NDIS_OBJECT_TYPE_OFFLOAD) of "
                     "at least %zu bytes",
                     (size_t)NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1);
        return;
    }
    NDIS_OFFLOAD current;
    ndis_offload_copy(&current, o, o->Header.Size < ind->StatusBufferSize ? o->Header.Size : ind->StatusBufferSize);
    ndis_offload_set_current(a, &current);
}

bool ndis_adapter_offload(struct ndis_adapter *a, NDIS_OFFLOAD *current)
{
    ndis_adapter_lock(a);
    bool known = a->has_offload;
    *current = a->offload_current;
    ndis_adapter_unlock(a);
    return known;
}

bool ndis_adapter_offload_encapsulated(struct ndis_adapter *a)
{
    ndis_adapter_lock(a);
    bool on = a->has_offload && a->offload_encapsulated;
    ndis_adapter_unlock(a);
    return on;
}

void ndis_offload_after_oid(struct ndis_adapter *a, NDIS_REQUEST_TYPE type, NDIS_OID oid, const void *buffer,
                            ULONG length, NDIS_STATUS status)
{
    if (type != NdisRequestSetInformation || oid != OID_OFFLOAD_ENCAPSULATION || status != NDIS_STATUS_SUCCESS ||
        buffer == NULL || length < NDIS_SIZEOF_OFFLOAD_ENCAPSULATION_REVISION_1)
        return;
    const NDIS_OFFLOAD_ENCAPSULATION *e = buffer;
    ndis_adapter_lock(a);
    a->offload_encapsulated = e->IPv4.Enabled == NDIS_OFFLOAD_SET_ON || e->IPv6.Enabled == NDIS_OFFLOAD_SET_ON;
    ndis_adapter_unlock(a);
}

/* The first bytes of the NET_BUFFER's data if its current MDL holds `need` of them. */
static const UCHAR *ndis_offload_peek(PNET_BUFFER nb, ULONG need)
{
    PMDL mdl = nb->CurrentMdl;
    if (mdl == NULL || nb->DataLength < need || mdl->ByteCount < nb->CurrentMdlOffset + need)
        return NULL;
    return (const UCHAR *)MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) + nb->CurrentMdlOffset;
}

/* Is the packet IPv4 (its IP header `l3` bytes in)? */
static bool ndis_offload_is_ipv4(PNET_BUFFER nb, ULONG l3)
{
    const UCHAR *p = ndis_offload_peek(nb, l3 + 1);
    return p != NULL && (p[l3] >> 4) == 4;
}

/* A frame no longer than the MTU allows, unless it is a coalesced segment: a miniport that
 * segments (LSO) or receives beyond its MTU would hand the stack what no wire carries. */
static void ndis_offload_check_length(struct ndis_adapter *a, PNET_BUFFER_LIST nbl, const char *fn, const void *site)
{
    ULONG mtu = a->general.MtuSize, l2 = a->general.MediaType == NdisMedium802_3 ? 14
                                         : a->general.MediaType == NdisMediumIP  ? 0
                                                                                 : ~0u;
    if (mtu == 0 || l2 == ~0u)
        return;
    for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next) {
        ULONG max = mtu + l2;
        if (nb->DataLength <= max)
            continue;
        const UCHAR *p = l2 != 0 ? ndis_offload_peek(nb, 14) : NULL;
        if (p != NULL && p[12] == 0x81 && p[13] == 0x00 && nb->DataLength <= max + 4)
            continue; /* an 802.1Q tag in the frame */
        vf_violation(VF_RECEIVE_LONGER_THAN_MTU, fn, site,
                     "NET_BUFFER_LIST %p holds a %u-byte frame, but adapter %u's MTU is %u (at most %u bytes with its "
                     "header) and the NBL is not a coalesced segment",
                     (void *)nbl, nb->DataLength, a->index, mtu, max);
        return;
    }
}

/* Coalesced segments only from an adapter that advertised RSC and has it turned on, with
 * their checksums reported validated; 802.1Q tags only from one whose MAC options say it
 * handles them. */
static void ndis_offload_check_coalescing_and_tags(struct ndis_adapter *a, PNET_BUFFER_LIST nbl, const char *fn,
                                                   const void *site)
{
    unsigned segments = NET_BUFFER_LIST_COALESCED_SEG_COUNT(nbl);
    if (segments == 0) {
        ndis_offload_check_length(a, nbl, fn, site);
    } else if (!(atomic_load_explicit(&a->rx_advertised, memory_order_relaxed) & NDIS_RX_COALESCING)) {
        vf_violation(VF_RECEIVE_COALESCING_NOT_ADVERTISED, fn, site,
                     "NET_BUFFER_LIST %p carries %u coalesced segments, but adapter %u's offload attributes advertise "
                     "no receive segment coalescing (DefaultOffloadConfiguration->Rsc)",
                     (void *)nbl, segments, a->index);
    } else if (!(atomic_load_explicit(&a->rx_enabled, memory_order_relaxed) & NDIS_RX_COALESCING)) {
        vf_violation(VF_RECEIVE_COALESCING_NOT_ENABLED, fn, site,
                     "NET_BUFFER_LIST %p carries %u coalesced segments, but receive segment coalescing is off on "
                     "adapter %u (its current offload configuration)",
                     (void *)nbl, segments, a->index);
    } else {
        NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO info;
        info.Value = NET_BUFFER_LIST_INFO(nbl, TcpIpChecksumNetBufferListInfo);
        ULONG l3 = a->general.MediaType == NdisMediumIP ? 0 : 14;
        const char *missing = !info.Receive.TcpChecksumSucceeded ? "TcpChecksumSucceeded"
                              : !info.Receive.IpChecksumSucceeded && nbl->FirstNetBuffer != NULL &&
                                        ndis_offload_is_ipv4(nbl->FirstNetBuffer, l3)
                                  ? "IpChecksumSucceeded"
                                  : NULL;
        if (missing != NULL)
            vf_violation(VF_RECEIVE_COALESCED_CHECKSUM, fn, site,
                         "NET_BUFFER_LIST %p is a coalesced segment (%u segments) without %s in its checksum "
                         "information; the checksums of an SCU are always reported validated",
                         (void *)nbl, segments, missing);
    }
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

/* Which checksum result (IP, TCP, UDP) has no receive offload among `rx`, or NULL. */
static const char *ndis_offload_rx_missing(unsigned rx, bool ip, bool tcp, bool udp)
{
    return ip && !(rx & NDIS_RX_CHECKSUM_IP)     ? "an IPv4 header"
           : tcp && !(rx & NDIS_RX_CHECKSUM_TCP) ? "a TCP"
           : udp && !(rx & NDIS_RX_CHECKSUM_UDP) ? "a UDP"
                                                 : NULL;
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
    const char *which = ndis_offload_rx_missing(atomic_load_explicit(&a->rx_advertised, memory_order_relaxed), ip, tcp, udp);
    if (which != NULL) {
        vf_violation(VF_RECEIVE_CHECKSUM_NOT_ADVERTISED, fn, site,
                     "NET_BUFFER_LIST %p reports %s checksum result, but adapter %u's offload attributes advertise no "
                     "such receive checksum offload",
                     (void *)nbl, which, a->index);
        return;
    }
    which = ndis_offload_rx_missing(atomic_load_explicit(&a->rx_enabled, memory_order_relaxed), ip, tcp, udp);
    if (which != NULL)
        vf_violation(VF_RECEIVE_CHECKSUM_NOT_ENABLED, fn, site,
                     "NET_BUFFER_LIST %p reports %s checksum result, but that receive checksum offload is off on adapter "
                     "%u (its current offload configuration)",
                     (void *)nbl, which, a->index);
}

/* ---- large sends --------------------------------------------------------------------------- */
unsigned ndis_offload_sent_lso(PNET_BUFFER_LIST nbl)
{
    NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO lso;
    lso.Value = NET_BUFFER_LIST_INFO(nbl, TcpLargeSendNetBufferListInfo);
    if (lso.Value == NULL)
        return 0;
    return lso.Transmit.Type == NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE ? NBL_SENT_LSO_V2 : NBL_SENT_LSO_V1;
}

/* The TCP payload bytes of a NET_BUFFER, read from its headers (IPv4 or IPv6 behind the
 * medium's header); false when they are not in its first MDL or do not add up. */
static bool ndis_offload_tcp_payload(struct ndis_adapter *a, PNET_BUFFER nb, ULONG *payload)
{
    ULONG l3 = a->general.MediaType == NdisMediumIP ? 0 : 14;
    const UCHAR *p = ndis_offload_peek(nb, l3 + 40);
    if (p == NULL)
        return false;
    if (l3 != 0 && p[12] == 0x81 && p[13] == 0x00 && (p = ndis_offload_peek(nb, (l3 += 4) + 40)) == NULL)
        return false;
    ULONG ihl = (p[l3] >> 4) == 4 ? (ULONG)(p[l3] & 0x0f) * 4 : (p[l3] >> 4) == 6 ? 40 : 0;
    if (ihl < 20 || (p = ndis_offload_peek(nb, l3 + ihl + 20)) == NULL)
        return false;
    ULONG headers = l3 + ihl + (ULONG)(p[l3 + ihl + 12] >> 4) * 4;
    if (headers > nb->DataLength)
        return false;
    *payload += nb->DataLength - headers;
    return true;
}

void ndis_offload_check_lso_complete(struct ndis_adapter *a, PNET_BUFFER_LIST nbl, bool v1, const char *fn,
                                     const void *site)
{
    NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO lso;
    lso.Value = NET_BUFFER_LIST_INFO(nbl, TcpLargeSendNetBufferListInfo);
    if (!v1) {
        /* Reserved is not checked: NetKVM, a certified driver, writes the payload there too */
        if (lso.LsoV2TransmitComplete.Type != NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE)
            vf_violation(VF_LSO_COMPLETION, fn, site,
                         "NET_BUFFER_LIST %p was sent with LSO v2, but its completion information says type %u "
                         "(LsoV2TransmitComplete.Type must stay NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE)",
                         (void *)nbl, (unsigned)lso.LsoV2TransmitComplete.Type);
        return;
    }
    ULONG payload = 0;
    for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
        if (!ndis_offload_tcp_payload(a, nb, &payload))
            return;
    if (lso.LsoV1TransmitComplete.TcpPayload != payload)
        vf_violation(VF_LSO_COMPLETION, fn, site,
                     "NET_BUFFER_LIST %p was sent with LSO v1 carrying %u TCP payload bytes, but its completion "
                     "says LsoV1TransmitComplete.TcpPayload = %u",
                     (void *)nbl, payload, (unsigned)lso.LsoV1TransmitComplete.TcpPayload);
}
