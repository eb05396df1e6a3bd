/* The hardware assists an adapter advertises, driven as a protocol (or the virtual switch)
 * drives them once bound (design guide: Allocating a VM Queue, Setting a VMQ Filter, RSS
 * parameters, NDIS QoS): a VM queue with a filter for the adapter's own address, so its
 * unicast receives arrive on that queue; RSS with the hash types it supports; QoS with one
 * traffic class. edge_hw_assist_stop undoes the queue and filter before a pause or halt. */
#include <string.h>

#include "edge.h"

static NDIS_STATUS edge_hw_method(struct ndis_adapter *a, NDIS_OID oid, void *buf, ULONG len)
{
    ULONG done, needed;
    return ndis_adapter_oid(a, NdisRequestMethod, oid, buf, len, &done, &needed);
}

static NDIS_STATUS edge_hw_set(struct ndis_adapter *a, NDIS_OID oid, void *buf, ULONG len)
{
    ULONG done, needed;
    return ndis_adapter_oid(a, NdisRequestSetInformation, oid, buf, len, &done, &needed);
}

static void edge_hw_name(IF_COUNTED_STRING *s, const char *text)
{
    USHORT n = 0;
    for (; text[n] != '\0' && n < IF_MAX_STRING_SIZE; n++)
        s->String[n] = (WCHAR)text[n];
    s->Length = (USHORT)(n * sizeof(WCHAR));
}

static void edge_hw_header(NDIS_OBJECT_HEADER *h, UCHAR type, UCHAR revision, USHORT size)
{
    h->Type = type;
    h->Revision = revision;
    h->Size = size;
}

static void edge_hw_vmq(struct ndis_adapter *a, const struct ndis_hw_assist_info *info, const UCHAR mac[6],
                        struct edge_hw_assist *out)
{
    NDIS_RECEIVE_QUEUE_PARAMETERS q;
    memset(&q, 0, sizeof q);
    /* the newest revision the driver's NDIS version has: 6.30 added PortId, 6.50 QosSqId */
    static const USHORT queue_sizes[] = { 0, NDIS_SIZEOF_RECEIVE_QUEUE_PARAMETERS_REVISION_1,
                                          NDIS_SIZEOF_RECEIVE_QUEUE_PARAMETERS_REVISION_2,
                                          NDIS_SIZEOF_RECEIVE_QUEUE_PARAMETERS_REVISION_3 };
    UCHAR queue_rev = info->ndis_minor >= 50 ? 3 : info->ndis_minor >= 30 ? 2 : 1;
    edge_hw_header(&q.Header, NDIS_OBJECT_TYPE_DEFAULT, queue_rev, queue_sizes[queue_rev]);
    q.QueueType = NdisReceiveQueueTypeVMQueue;
    q.ProcessorAffinity.Mask = 1;
    q.NumSuggestedReceiveBuffers = 512;
    edge_hw_name(&q.VmName, "openndis");
    edge_hw_name(&q.QueueName, "openndis queue");
    out->queue_status = edge_hw_method(a, OID_RECEIVE_FILTER_ALLOCATE_QUEUE, &q, q.Header.Size);
    if (out->queue_status != NDIS_STATUS_SUCCESS)
        return;
    out->queue = q.QueueId;
    out->queue_allocated = true;

    /* one test: destination address equals the adapter's own */
    struct {
        NDIS_RECEIVE_FILTER_PARAMETERS p;
        NDIS_RECEIVE_FILTER_FIELD_PARAMETERS f;
    } filter;
    memset(&filter, 0, sizeof filter);
    bool rev2 = info->ndis_minor >= 30; /* 6.30 added MaxCoalescingDelay and VPortId */
    edge_hw_header(&filter.p.Header, NDIS_OBJECT_TYPE_DEFAULT,
                   rev2 ? NDIS_RECEIVE_FILTER_PARAMETERS_REVISION_2 : NDIS_RECEIVE_FILTER_PARAMETERS_REVISION_1,
                   rev2 ? NDIS_SIZEOF_RECEIVE_FILTER_PARAMETERS_REVISION_2
                        : NDIS_SIZEOF_RECEIVE_FILTER_PARAMETERS_REVISION_1);
    filter.p.FilterType = NdisReceiveFilterTypeVMQueue;
    filter.p.QueueId = q.QueueId;
    filter.p.FieldParametersArrayOffset = offsetof(__typeof__(filter), f);
    filter.p.FieldParametersArrayNumElements = 1;
    filter.p.FieldParametersArrayElementSize = sizeof filter.f;
    edge_hw_header(&filter.f.Header, NDIS_OBJECT_TYPE_DEFAULT,
                   NDIS_RECEIVE_FILTER_FIELD_PARAMETERS_REVISION_1,
                   NDIS_SIZEOF_RECEIVE_FILTER_FIELD_PARAMETERS_REVISION_1);
    filter.f.FrameHeader = NdisFrameHeaderMac;
    filter.f.ReceiveFilterTest = NdisReceiveFilterTestEqual;
    filter.f.HeaderField.MacHeaderField = NdisMacHeaderFieldDestinationAddress;
    filter.f.Flags = NDIS_RECEIVE_FILTER_FIELD_MAC_HEADER_VLAN_UNTAGGED_OR_ZERO; /* no VLAN filter: untagged */
    memcpy(filter.f.FieldValue.FieldByteArrayValue, mac, 6);
    out->filter_status = edge_hw_method(a, OID_RECEIVE_FILTER_SET_FILTER, &filter, sizeof filter);
    if (out->filter_status == NDIS_STATUS_SUCCESS) {
        out->filter = filter.p.FilterId;
        out->filter_set = true;
    }

    /* the batch is complete: the queue may start indicating */
    struct {
        NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY array;
        NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS one;
    } complete;
    memset(&complete, 0, sizeof complete);
    edge_hw_header(&complete.array.Header, NDIS_OBJECT_TYPE_DEFAULT,
                   NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY_REVISION_1,
                   NDIS_SIZEOF_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY_REVISION_1);
    complete.array.FirstElementOffset = offsetof(__typeof__(complete), one);
    complete.array.NumElements = 1;
    complete.array.ElementSize = sizeof complete.one;
    edge_hw_header(&complete.one.Header, NDIS_OBJECT_TYPE_DEFAULT,
                   NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS_REVISION_1,
                   NDIS_SIZEOF_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS_REVISION_1);
    complete.one.QueueId = q.QueueId;
    out->complete_status = edge_hw_method(a, OID_RECEIVE_FILTER_QUEUE_ALLOCATION_COMPLETE, &complete, sizeof complete);
    if (out->complete_status == NDIS_STATUS_SUCCESS && complete.one.CompletionStatus != NDIS_STATUS_SUCCESS)
        out->complete_status = complete.one.CompletionStatus;
}

/* The hash types a set of RSS capability flags supports, as NDIS_HASH_* bits. */
static ULONG edge_hw_hash_types(ULONG caps)
{
    ULONG t = 0;
    if (caps & NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV4)
        t |= NDIS_HASH_TCP_IPV4 | NDIS_HASH_IPV4;
    if (caps & NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV6)
        t |= NDIS_HASH_TCP_IPV6 | NDIS_HASH_IPV6;
    if (caps & NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV6_EX)
        t |= NDIS_HASH_TCP_IPV6_EX | NDIS_HASH_IPV6_EX;
    if (caps & NDIS_RSS_CAPS_HASH_TYPE_UDP_IPV4)
        t |= NDIS_HASH_UDP_IPV4;
    if (caps & NDIS_RSS_CAPS_HASH_TYPE_UDP_IPV6)
        t |= NDIS_HASH_UDP_IPV6;
    if (caps & NDIS_RSS_CAPS_HASH_TYPE_UDP_IPV6_EX)
        t |= NDIS_HASH_UDP_IPV6_EX;
    return t;
}

/* The secret key the design guide gives for verifying a Toeplitz implementation ("Verifying
 * the RSS Hash Calculation"): with it, a driver's hashes can be checked against the guide's. */
static const UCHAR edge_hw_rss_key[40] = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* RSS v1 parameters: the indirection entries spread round-robin over as many processors as
 * the adapter has receive queues (at most all the modelled ones), the guide's key, the hash
 * types the adapter supports. NDIS 6.0/6.1 drivers get revision 1 (a table of CCHARs), later
 * ones revision 2 (PROCESSOR_NUMBERs). */
static void edge_hw_rss(struct ndis_adapter *a, const struct ndis_hw_assist_info *info, struct edge_hw_assist *out)
{
    enum { ENTRIES = 128 };
    struct {
        NDIS_RECEIVE_SCALE_PARAMETERS p;
        PROCESSOR_NUMBER table[ENTRIES]; /* or, in revision 1, ENTRIES CCHARs at its start */
        UCHAR key[sizeof edge_hw_rss_key];
    } rss;
    memset(&rss, 0, sizeof rss);
    bool v1 = info->ndis_minor < 20;
    edge_hw_header(&rss.p.Header, NDIS_OBJECT_TYPE_RSS_PARAMETERS,
                   v1 ? NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_1 : NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_2,
                   v1 ? NDIS_SIZEOF_RECEIVE_SCALE_PARAMETERS_REVISION_1
                      : NDIS_SIZEOF_RECEIVE_SCALE_PARAMETERS_REVISION_2);
    rss.p.HashInformation =
        NDIS_RSS_HASH_INFO_FROM_TYPE_AND_FUNC(edge_hw_hash_types(info->rss_caps.CapabilitiesFlags), NdisHashFunctionToeplitz);
    ULONG spread = NdisGroupActiveProcessorCount(0);
    if (info->rss_caps.NumberOfReceiveQueues != 0 && info->rss_caps.NumberOfReceiveQueues < spread)
        spread = info->rss_caps.NumberOfReceiveQueues;
    for (ULONG i = 0; i < ENTRIES; i++) {
        UCHAR k = (UCHAR)(i % spread);
        if (v1)
            ((CCHAR *)rss.table)[i] = (CCHAR)k;
        else
            rss.table[i].Number = k;
    }
    rss.p.IndirectionTableSize = v1 ? ENTRIES * sizeof(CCHAR) : sizeof rss.table;
    rss.p.IndirectionTableOffset = offsetof(__typeof__(rss), table);
    rss.p.HashSecretKeySize = sizeof rss.key;
    rss.p.HashSecretKeyOffset = offsetof(__typeof__(rss), key);
    memcpy(rss.key, edge_hw_rss_key, sizeof rss.key);
    out->rss_status = edge_hw_set(a, OID_GEN_RECEIVE_SCALE_PARAMETERS, &rss, sizeof rss);
}

/* One traffic class with all the bandwidth, every priority on it. */
static void edge_hw_qos(struct ndis_adapter *a, struct edge_hw_assist *out)
{
    NDIS_QOS_PARAMETERS q;
    memset(&q, 0, sizeof q);
    edge_hw_header(&q.Header, NDIS_OBJECT_TYPE_QOS_PARAMETERS,
                   NDIS_QOS_PARAMETERS_REVISION_1,
                   NDIS_SIZEOF_QOS_PARAMETERS_REVISION_1);
    q.Flags = NDIS_QOS_PARAMETERS_ETS_CHANGED | NDIS_QOS_PARAMETERS_ETS_CONFIGURED | NDIS_QOS_PARAMETERS_PFC_CHANGED |
              NDIS_QOS_PARAMETERS_PFC_CONFIGURED; /* PfcEnable 0: no priority paused */
    q.NumTrafficClasses = 1;
    q.TcBandwidthAssignmentTable[0] = 100;
    q.TsaAssignmentTable[0] = NDIS_QOS_TSA_ETS;
    q.FirstClassificationElementOffset = sizeof q;
    q.ClassificationElementSize = sizeof(NDIS_QOS_CLASSIFICATION_ELEMENT);
    out->qos_status = edge_hw_method(a, OID_QOS_PARAMETERS, &q, sizeof q);
}

void edge_hw_assist_start(struct ndis_adapter *adapter, const UCHAR mac[6], struct edge_hw_assist *out)
{
    struct ndis_hw_assist_info info;
    ndis_adapter_hw_assist(adapter, &info);
    memset(out, 0, sizeof *out);
    out->vmq = info.vmq;
    out->rss = info.rss;
    out->qos = info.qos;
    if (info.vmq)
        edge_hw_vmq(adapter, &info, mac, out);
    if (info.rss)
        edge_hw_rss(adapter, &info, out);
    if (info.qos)
        edge_hw_qos(adapter, out);
}

void edge_hw_assist_stop(struct ndis_adapter *adapter, struct edge_hw_assist *st)
{
    /* a protocol gives back what it holds first: a miniport may finish freeing a queue only
     * when every NBL indicated on it has come back */
    ndis_adapter_return_pending(adapter);
    if (st->filter_set) {
        NDIS_RECEIVE_FILTER_CLEAR_PARAMETERS c;
        memset(&c, 0, sizeof c);
        edge_hw_header(&c.Header, NDIS_OBJECT_TYPE_DEFAULT,
                       NDIS_RECEIVE_FILTER_CLEAR_PARAMETERS_REVISION_1,
                       NDIS_SIZEOF_RECEIVE_FILTER_CLEAR_PARAMETERS_REVISION_1);
        c.QueueId = st->queue;
        c.FilterId = st->filter;
        st->clear_status = edge_hw_set(adapter, OID_RECEIVE_FILTER_CLEAR_FILTER, &c, sizeof c);
        st->cleared = true;
        st->filter_set = false;
    }
    if (st->queue_allocated) {
        NDIS_RECEIVE_QUEUE_FREE_PARAMETERS f;
        memset(&f, 0, sizeof f);
        edge_hw_header(&f.Header, NDIS_OBJECT_TYPE_DEFAULT,
                       NDIS_RECEIVE_QUEUE_FREE_PARAMETERS_REVISION_1,
                       NDIS_SIZEOF_RECEIVE_QUEUE_FREE_PARAMETERS_REVISION_1);
        f.QueueId = st->queue;
        st->free_status = edge_hw_set(adapter, OID_RECEIVE_FILTER_FREE_QUEUE, &f, sizeof f);
        st->freed = true;
        st->queue_allocated = false;
    }
}
