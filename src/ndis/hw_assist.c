/* Hardware assists (NDIS 6.20+), NDIS's side: what an adapter advertises (RSS capabilities
 * in its general attributes, receive-filter and QoS capabilities in its hardware-assist
 * attributes), what the upper layer has set up through OIDs (VM queues NDIS numbers, filters,
 * RSS parameters, QoS parameters), and the checks of each receive indication against that:
 * a queue must be allocated, a hash type enabled. */
#include "ndis.h"

/* The newest hardware-assist attributes revision a driver of this NDIS version may use. */
static UCHAR ndis_hw_revision_max(USHORT minor)
{
    return minor >= 60 ? 4 : minor >= 30 ? 3 : minor >= 20 ? 2 : 1;
}

static bool ndis_hw_header_ok(const NDIS_OBJECT_HEADER *h, UCHAR type, UCHAR max_revision, USHORT min_size,
                              const char *what, const void *site)
{
    if (h->Type != type || h->Revision < 1 || h->Revision > max_revision || h->Size < min_size) {
        vf_violation(VF_HARDWARE_ASSIST_REVISION, "NdisMSetMiniportAttributes", site,
                     "%s: header Type 0x%02X Revision %u Size %u; expected Type 0x%02X, revision 1..%u for the "
                     "driver's NDIS version, size >= %u",
                     what, h->Type, h->Revision, h->Size, type, max_revision, min_size);
        return false;
    }
    return true;
}

/* Copies as much of `src` as its header says exists, no more than `size`. */
static void ndis_hw_copy(void *dst, const void *src, size_t size)
{
    const NDIS_OBJECT_HEADER *h = src;
    memset(dst, 0, size);
    memcpy(dst, src, h->Size < size ? h->Size : size);
}

NDIS_STATUS ndis_hw_assist_rss(struct ndis_adapter *a, const NDIS_RECEIVE_SCALE_CAPABILITIES *caps, const void *site)
{
    if (caps == NULL)
        return NDIS_STATUS_SUCCESS;
    UCHAR max = a->driver->chars.MinorNdisVersion >= 60 ? 3 : a->driver->chars.MinorNdisVersion >= 30 ? 2 : 1;
    if (!ndis_hw_header_ok(&caps->Header, NDIS_OBJECT_TYPE_RSS_CAPABILITIES, max,
                           NDIS_SIZEOF_RECEIVE_SCALE_CAPABILITIES_REVISION_1, "RSS capabilities", site))
        return NDIS_STATUS_INVALID_PARAMETER;
    ndis_adapter_lock(a);
    ndis_hw_copy(&a->hw.rss_caps, caps, sizeof a->hw.rss_caps);
    ndis_adapter_unlock(a);
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS ndis_hw_assist_attributes(struct ndis_adapter *a, const NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES *h,
                                      const void *site)
{
    static const USHORT sizes[] = { 0, NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_1,
                                    NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_2,
                                    NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_3,
                                    NDIS_SIZEOF_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES_REVISION_4 };
    UCHAR max = ndis_hw_revision_max(a->driver->chars.MinorNdisVersion);
    UCHAR rev = h->Header.Revision;
    if (!ndis_hw_header_ok(&h->Header, NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES, max,
                           sizes[rev >= 1 && rev <= 4 ? rev : 1], "hardware-assist attributes", site))
        return rev > max ? NDIS_STATUS_BAD_VERSION : NDIS_STATUS_INVALID_PARAMETER;
    const NDIS_RECEIVE_FILTER_CAPABILITIES *rf = rev >= 2 ? h->CurrentReceiveFilterCapabilities : NULL;
    if (rf != NULL &&
        !ndis_hw_header_ok(&rf->Header, NDIS_OBJECT_TYPE_DEFAULT, a->driver->chars.MinorNdisVersion >= 30 ? 2 : 1,
                           NDIS_SIZEOF_RECEIVE_FILTER_CAPABILITIES_REVISION_1, "current receive-filter capabilities", site))
        return NDIS_STATUS_INVALID_PARAMETER;
    const NDIS_QOS_CAPABILITIES *qos = rev >= 3 ? h->CurrentQosCapabilities : NULL;
    if (qos != NULL && !ndis_hw_header_ok(&qos->Header, NDIS_OBJECT_TYPE_QOS_CAPABILITIES, 1,
                                          NDIS_SIZEOF_QOS_CAPABILITIES_REVISION_1, "current QoS capabilities", site))
        return NDIS_STATUS_INVALID_PARAMETER;
    /* Drivers set these attributes once per feature (netvmini: one call for VMQ, one for QoS):
     * a NULL pointer leaves what an earlier call said. */
    ndis_adapter_lock(a);
    if (rf != NULL)
        ndis_hw_copy(&a->hw.vmq_caps, rf, sizeof a->hw.vmq_caps);
    if (qos != NULL)
        ndis_hw_copy(&a->hw.qos_caps, qos, sizeof a->hw.qos_caps);
    ndis_adapter_unlock(a);
    return NDIS_STATUS_SUCCESS;
}

/* Under `lock`, before the request reaches the miniport: NDIS numbers a new queue or filter. */
void ndis_hw_assist_before_oid(struct ndis_adapter *a, NDIS_REQUEST_TYPE type, NDIS_OID oid, PVOID buffer, ULONG length)
{
    if (type == NdisRequestMethod && oid == OID_RECEIVE_FILTER_SET_FILTER &&
        length >= NDIS_SIZEOF_RECEIVE_FILTER_PARAMETERS_REVISION_1) {
        ((PNDIS_RECEIVE_FILTER_PARAMETERS)buffer)->FilterId = ++a->hw.last_filter_id;
        return;
    }
    if (type != NdisRequestMethod || oid != OID_RECEIVE_FILTER_ALLOCATE_QUEUE ||
        length < NDIS_SIZEOF_RECEIVE_QUEUE_PARAMETERS_REVISION_1)
        return;
    PNDIS_RECEIVE_QUEUE_PARAMETERS q = buffer;
    q->QueueId = 0;
    for (ULONG id = 1; id < NDIS_HW_MAX_QUEUES; id++)
        if (!(a->hw.queues & (1ull << id))) {
            q->QueueId = id;
            break;
        }
}

/* The indirection table of RSS v1 parameters the miniport accepted: revision 1 lists
 * processors as CCHARs, later revisions as PROCESSOR_NUMBERs. One that cannot be followed
 * (not a power of two, too long, outside the buffer) turns the check off. Under `lock`. */
static void ndis_hw_rss_table(struct ndis_adapter *a, const NDIS_RECEIVE_SCALE_PARAMETERS *p, ULONG length)
{
    size_t entry = p->Header.Revision == NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_1 ? sizeof(CCHAR)
                                                                                  : sizeof(PROCESSOR_NUMBER);
    size_t n = p->IndirectionTableSize / entry;
    a->hw.rss_table_entries = 0;
    if (n == 0 || n > sizeof a->hw.rss_table || (n & (n - 1)) != 0 || p->IndirectionTableOffset > length ||
        p->IndirectionTableSize > length - p->IndirectionTableOffset)
        return;
    const UCHAR *table = (const UCHAR *)p + p->IndirectionTableOffset;
    for (size_t i = 0; i < n; i++) {
        PROCESSOR_NUMBER proc = { 0, 0, 0 };
        if (entry == sizeof(CCHAR))
            proc.Number = table[i];
        else
            memcpy(&proc, table + i * entry, sizeof proc);
        a->hw.rss_table[i] = proc.Group == 0 ? proc.Number : 0xff;
    }
    a->hw.rss_table_entries = (unsigned)n;
}

/* After a request completed: what the upper layer now has set up. */
void ndis_hw_assist_after_oid(struct ndis_adapter *a, NDIS_REQUEST_TYPE type, NDIS_OID oid, PVOID buffer, ULONG length,
                              NDIS_STATUS status)
{
    if (status != NDIS_STATUS_SUCCESS)
        return;
    ndis_adapter_lock(a);
    switch (oid) {
    case OID_RECEIVE_FILTER_ALLOCATE_QUEUE:
        if (type == NdisRequestMethod && length >= NDIS_SIZEOF_RECEIVE_QUEUE_PARAMETERS_REVISION_1) {
            ULONG id = ((PNDIS_RECEIVE_QUEUE_PARAMETERS)buffer)->QueueId;
            if (id != 0 && id < NDIS_HW_MAX_QUEUES) {
                a->hw.queues |= 1ull << id;
                a->hw.queues_allocated++;
            }
        }
        break;
    case OID_RECEIVE_FILTER_QUEUE_ALLOCATION_COMPLETE:
        if (type == NdisRequestMethod && length >= NDIS_SIZEOF_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY_REVISION_1) {
            const NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_ARRAY *arr = buffer;
            for (ULONG i = 0; i < arr->NumElements; i++) {
                uint64_t at = arr->FirstElementOffset + (uint64_t)i * arr->ElementSize;
                if (at + sizeof(NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS) > length)
                    break;
                const NDIS_RECEIVE_QUEUE_ALLOCATION_COMPLETE_PARAMETERS *e =
                    (const void *)((const UCHAR *)buffer + at);
                if (e->CompletionStatus == NDIS_STATUS_SUCCESS && e->QueueId < NDIS_HW_MAX_QUEUES)
                    a->hw.queues_complete |= a->hw.queues & (1ull << e->QueueId);
            }
        }
        break;
    case OID_RECEIVE_FILTER_FREE_QUEUE:
        if (length >= NDIS_SIZEOF_RECEIVE_QUEUE_FREE_PARAMETERS_REVISION_1) {
            ULONG id = ((PNDIS_RECEIVE_QUEUE_FREE_PARAMETERS)buffer)->QueueId;
            if (id != 0 && id < NDIS_HW_MAX_QUEUES) {
                a->hw.queues &= ~(1ull << id);
                a->hw.queues_complete &= ~(1ull << id);
                a->hw.queues_filtered &= ~(1ull << id);
                a->hw.queue_filters[id] = 0;
                for (unsigned f = 1; f < NDIS_HW_MAX_FILTERS; f++)
                    if (a->hw.filter_queue[f] == id + 1)
                        a->hw.filter_queue[f] = 0;
            }
        }
        break;
    case OID_RECEIVE_FILTER_SET_FILTER:
        if (type == NdisRequestMethod && length >= NDIS_SIZEOF_RECEIVE_FILTER_PARAMETERS_REVISION_1) {
            const NDIS_RECEIVE_FILTER_PARAMETERS *p = buffer;
            if (p->QueueId < NDIS_HW_MAX_QUEUES) {
                if (p->FilterId < NDIS_HW_MAX_FILTERS)
                    a->hw.filter_queue[p->FilterId] = (unsigned char)(p->QueueId + 1);
                if (a->hw.queue_filters[p->QueueId]++ == 0)
                    a->hw.queues_filtered |= 1ull << p->QueueId;
            }
        }
        a->hw.filters_set++;
        break;
    case OID_RECEIVE_FILTER_CLEAR_FILTER:
        if (length >= NDIS_SIZEOF_RECEIVE_FILTER_CLEAR_PARAMETERS_REVISION_1) {
            const NDIS_RECEIVE_FILTER_CLEAR_PARAMETERS *c = buffer;
            ULONG q = c->FilterId < NDIS_HW_MAX_FILTERS && a->hw.filter_queue[c->FilterId] != 0
                          ? a->hw.filter_queue[c->FilterId] - 1u
                          : c->QueueId;
            if (c->FilterId < NDIS_HW_MAX_FILTERS)
                a->hw.filter_queue[c->FilterId] = 0;
            if (q < NDIS_HW_MAX_QUEUES && a->hw.queue_filters[q] != 0 && --a->hw.queue_filters[q] == 0)
                a->hw.queues_filtered &= ~(1ull << q);
        }
        break;
    case OID_GEN_RECEIVE_SCALE_PARAMETERS:
        if (type == NdisRequestSetInformation && length >= NDIS_SIZEOF_RECEIVE_SCALE_PARAMETERS_REVISION_1) {
            const NDIS_RECEIVE_SCALE_PARAMETERS *p = buffer;
            a->hw.rss_enabled = !(p->Flags & NDIS_RSS_PARAM_FLAG_DISABLE_RSS);
            if (!(p->Flags & NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED))
                a->hw.rss_hash_types = NDIS_RSS_HASH_TYPE_FROM_HASH_INFO(p->HashInformation);
            if (!(p->Flags & (NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED | NDIS_RSS_PARAM_FLAG_DISABLE_RSS)))
                ndis_hw_rss_table(a, p, length);
            a->hw.rss_set++;
        }
        break;
    case OID_GEN_RECEIVE_SCALE_PARAMETERS_V2:
        a->hw.rss_table_entries = 0; /* RSS v2 moves entries one by one: not followed */
        if (length >= NDIS_SIZEOF_RECEIVE_SCALE_PARAMETERS_V2_REVISION_1) {
            const NDIS_RECEIVE_SCALE_PARAMETERS_V2 *p = buffer;
            a->hw.rss_enabled = (p->Flags & NDIS_RECEIVE_SCALE_PARAM_ENABLE_RSS) != 0;
            if (p->Flags & NDIS_RECEIVE_SCALE_PARAM_HASH_INFO_CHANGED)
                a->hw.rss_hash_types = NDIS_RSS_HASH_TYPE_FROM_HASH_INFO(p->HashInformation);
            a->hw.rss_set++;
        }
        break;
    case OID_QOS_PARAMETERS:
        a->hw.qos_set++;
        break;
    default:
        break;
    }
    ndis_adapter_unlock(a);
}

/* A hashed NBL must be indicated on the processor its indirection entry names. */
static void ndis_hw_check_processor(struct ndis_adapter *a, PNET_BUFFER_LIST nbl, ULONG type, const char *fn,
                                    const void *site)
{
    atomic_fetch_add_explicit(&a->hw.hashed_frames, 1, memory_order_relaxed);
    unsigned entries = atomic_load_explicit(&a->hw.rss_table_entries, memory_order_relaxed);
    if (entries == 0)
        return;
    ULONG hash = NET_BUFFER_LIST_GET_HASH_VALUE(nbl);
    unsigned want = atomic_load_explicit(&a->hw.rss_table[hash & (entries - 1)], memory_order_relaxed);
    ULONG here = KeGetCurrentProcessorNumberEx(NULL);
    if (want != here)
        vf_violation(VF_RECEIVE_WRONG_PROCESSOR, fn, site,
                     "NET_BUFFER_LIST %p (hash 0x%08x, type 0x%x) is indicated on processor %lu, but indirection entry "
                     "%lu of adapter %u sends it to processor %u",
                     (void *)nbl, (unsigned)hash, (unsigned)type, (unsigned long)here,
                     (unsigned long)(hash & (entries - 1)), a->index, want);
    else
        atomic_fetch_add_explicit(&a->hw.steered_frames, 1, memory_order_relaxed);
}

/* Each NBL of a receive indication: its queue must exist, its hash type be enabled. The data
 * path reads the setup atomically, without the lock; it changes only when an OID completes. */
void ndis_hw_assist_check_receive(struct ndis_adapter *a, PNET_BUFFER_LIST nbl, const char *fn, const void *site)
{
    USHORT queue = NET_BUFFER_LIST_RECEIVE_QUEUE_ID(nbl);
    USHORT filter = NET_BUFFER_LIST_RECEIVE_FILTER_ID(nbl);
    if (queue != NDIS_DEFAULT_RECEIVE_QUEUE_ID) {
        uint64_t bit = queue < NDIS_HW_MAX_QUEUES ? 1ull << queue : 0;
        if (!(atomic_load_explicit(&a->hw.queues, memory_order_relaxed) & bit))
            vf_violation(VF_RECEIVE_QUEUE_NOT_ALLOCATED, fn, site,
                         "NET_BUFFER_LIST %p is indicated on receive queue %u, which NDIS has not allocated on adapter "
                         "%u (or has freed)",
                         (void *)nbl, queue, a->index);
        else if (!(atomic_load_explicit(&a->hw.queues_complete, memory_order_relaxed) & bit))
            vf_violation(VF_RECEIVE_QUEUE_NOT_RUNNING, fn, site,
                         "NET_BUFFER_LIST %p is indicated on receive queue %u of adapter %u before "
                         "OID_RECEIVE_FILTER_QUEUE_ALLOCATION_COMPLETE completed its allocation",
                         (void *)nbl, queue, a->index);
        else if (!(atomic_load_explicit(&a->hw.queues_filtered, memory_order_relaxed) & bit))
            vf_violation(VF_RECEIVE_QUEUE_NOT_RUNNING, fn, site,
                         "NET_BUFFER_LIST %p is indicated on receive queue %u of adapter %u, which has no filter set "
                         "(a queue without filters must discard what it holds)",
                         (void *)nbl, queue, a->index);
        else
            atomic_fetch_add_explicit(&a->hw.queue_frames, 1, memory_order_relaxed);
    }
    if (filter != 0 && filter < NDIS_HW_MAX_FILTERS) {
        unsigned owner = atomic_load_explicit(&a->hw.filter_queue[filter], memory_order_relaxed);
        if (owner != (unsigned)queue + 1)
            vf_violation(VF_RECEIVE_FILTER_WRONG_QUEUE, fn, site,
                         "NET_BUFFER_LIST %p names receive filter %u but is indicated on queue %u; %s", (void *)nbl,
                         filter, queue, owner == 0 ? "no such filter is set on this adapter" : "the filter is set on another queue");
    }
    ULONG type = NET_BUFFER_LIST_GET_HASH_TYPE(nbl);
    if (type != 0) {
        bool enabled = atomic_load_explicit(&a->hw.rss_enabled, memory_order_relaxed);
        ULONG types = atomic_load_explicit(&a->hw.rss_hash_types, memory_order_relaxed);
        if (!enabled || (type & ~types) != 0)
            vf_violation(VF_RSS_HASH_NOT_ENABLED, fn, site,
                         "NET_BUFFER_LIST %p carries RSS hash type 0x%x, but %s on adapter %u", (void *)nbl,
                         (unsigned)type, enabled ? "the protocol enabled only other types" : "RSS is not enabled",
                         a->index);
        else
            ndis_hw_check_processor(a, nbl, type, fn, site);
    }
}

void ndis_hw_assist_check_queue_state(struct ndis_adapter *a, const NDIS_STATUS_INDICATION *ind, const char *fn,
                                      const void *site)
{
    const NDIS_RECEIVE_QUEUE_STATE *q = ind->StatusBuffer;
    if (q == NULL || ind->StatusBufferSize < NDIS_SIZEOF_NDIS_RECEIVE_QUEUE_STATE_REVISION_1) {
        vf_violation(VF_STATUS_INDICATION_INVALID, fn, site,
                     "NDIS_STATUS_RECEIVE_QUEUE_STATE needs an NDIS_RECEIVE_QUEUE_STATE buffer of at least %zu bytes",
                     (size_t)NDIS_SIZEOF_NDIS_RECEIVE_QUEUE_STATE_REVISION_1);
        return;
    }
    uint64_t bit = q->QueueId < NDIS_HW_MAX_QUEUES ? 1ull << q->QueueId : 0;
    if (q->QueueId != NDIS_DEFAULT_RECEIVE_QUEUE_ID && !(atomic_load(&a->hw.queues) & bit))
        vf_violation(VF_RECEIVE_QUEUE_NOT_ALLOCATED, fn, site,
                     "NDIS_STATUS_RECEIVE_QUEUE_STATE for queue %u, which NDIS has not allocated on adapter %u (or has freed)",
                     (unsigned)q->QueueId, a->index);
}

/* How many processors the indirection table spreads over. Under `lock`. */
static unsigned ndis_hw_rss_processors(struct ndis_adapter *a)
{
    uint64_t seen[4] = { 0 };
    unsigned n = 0;
    for (unsigned i = 0; i < a->hw.rss_table_entries; i++) {
        unsigned k = a->hw.rss_table[i];
        if (!(seen[k / 64] & (1ull << (k % 64)))) {
            seen[k / 64] |= 1ull << (k % 64);
            n++;
        }
    }
    return n;
}

void ndis_adapter_hw_assist(struct ndis_adapter *a, struct ndis_hw_assist_info *out)
{
    ndis_adapter_lock(a);
    *out = (struct ndis_hw_assist_info){
        .ndis_minor = a->driver->chars.MinorNdisVersion,
        /* advertised: what the copied capabilities say (zeroed when never set) */
        .rss = a->hw.rss_caps.Header.Type == NDIS_OBJECT_TYPE_RSS_CAPABILITIES,
        .rss_caps = a->hw.rss_caps,
        .vmq = (a->hw.vmq_caps.EnabledQueueTypes & NDIS_RECEIVE_FILTER_VM_QUEUES_ENABLED) &&
               a->hw.vmq_caps.NumQueues != 0 &&
               (a->hw.vmq_caps.SupportedQueueProperties & NDIS_RECEIVE_FILTER_VM_QUEUE_SUPPORTED),
        .vmq_caps = a->hw.vmq_caps,
        .qos = a->hw.qos_caps.MaxNumTrafficClasses != 0,
        .qos_caps = a->hw.qos_caps,
        .queues_allocated = a->hw.queues_allocated,
        .filters_set = a->hw.filters_set,
        .rss_set = a->hw.rss_set,
        .qos_set = a->hw.qos_set,
        .queue_frames = atomic_load(&a->hw.queue_frames),
        .hashed_frames = atomic_load(&a->hw.hashed_frames),
        .steered_frames = atomic_load(&a->hw.steered_frames),
        .rss_processors = ndis_hw_rss_processors(a),
        .polls_registered = a->hw.polls_registered,
        .poll_iterations = atomic_load(&a->hw.poll_iterations),
        .poll_passive = atomic_load(&a->hw.poll_passive),
        .poll_indicated = atomic_load(&a->hw.poll_indicated),
        .poll_completed = atomic_load(&a->hw.poll_completed),
        .interrupts_raised = atomic_load(&a->hw.interrupts_raised),
        .interrupts_serviced = atomic_load(&a->hw.interrupts_serviced),
        .interrupts_claimed = atomic_load(&a->hw.interrupts_claimed),
        .interrupt_registered = atomic_load(&a->hw.interrupt_kind) != 0,
        .interrupt_messages = atomic_load(&a->hw.interrupt_kind) > 1 ? atomic_load(&a->hw.interrupt_kind) - 1 : 0,
    };
    ndis_adapter_unlock(a);
}
