/* NDIS poll mode (NDIS 6.85): a Poll object is an execution context a miniport uses in place
 * of its DPCs. The driver queues it (NdisRequestPoll, typically from its ISR); NDIS then calls
 * its NdisPoll handler with a budget, takes the receives and send completions the handler
 * links into the poll data and delivers them itself, and keeps polling while that makes
 * progress. When an iteration brings nothing, NDIS turns the object's interrupt back on
 * (NdisSetPollNotification) and polls once more: work that arrived before the interrupt was
 * armed raised none.
 *
 * Here each object runs on a DPC targeted at its affinity processor: iterations of one object
 * never overlap (the DDI's serialization guarantee), and the receives land on the processor
 * NdisSetPollAffinity names, where RSS wants them. NDIS may poll at PASSIVE_LEVEL or
 * DISPATCH_LEVEL; every other round here runs at PASSIVE_LEVEL, so a handler that assumes
 * one of them is caught by the IRQL checks of what it calls. */
#include <stdlib.h>

#include "ndis.h"
#include "../common/quick_lock.h"

#include <ndis/poll.h>

#define NDIS_POLL_BUDGET 64u      /* MaxNblsToIndicate and MaxNblsToComplete per iteration */
#define NDIS_POLL_ROUND 16u       /* iterations before the DPC makes way for the processor's others */
#define NDIS_POLL_CHAIN_MAX 65536u /* a longer chain is taken for a loop */

enum ndis_poll_state {
    NDIS_POLL_IDLE,    /* its interrupt is on: waits for NdisRequestPoll */
    NDIS_POLL_QUEUED,  /* its DPC is queued */
    NDIS_POLL_RUNNING, /* iterations under way on its DPC */
    NDIS_POLL_GONE,    /* deregistered: never queued again */
};

struct ndis_poll {
    KDPC dpc;
    struct ndis_adapter *adapter;
    struct ndis_poll *next; /* in adapter->hw.polls, under the adapter's lock */
    PVOID context;
    NDIS_POLL_HANDLER poll;
    NDIS_SET_POLL_NOTIFICATION_HANDLER notify;
    const void *site; /* NdisRegisterPoll's caller */
    struct quick_lock lock; /* state, again, processor: NdisRequestPoll may come at any IRQL */
    enum ndis_poll_state state;
    bool again;            /* NdisRequestPoll while running: poll again before going idle */
    unsigned processor;    /* where the next round runs (NdisSetPollAffinity) */
    bool notifications;    /* what NdisSetPollNotification last told the driver (on at first) */
    unsigned rounds;
};

/* The object whose handler this thread is in, if any: deregistering it from there would wait
 * for itself. */
static _Thread_local OPENNDIS_TLS struct ndis_poll *ndis_poll_current;

static struct ndis_poll *ndis_poll_from_handle(NDIS_POLL_HANDLE handle, const char *fn, const void *site)
{
    if (ndis_handle_kind(handle) != NDIS_HANDLE_POLL) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not a Poll object from NdisRegisterPoll", (void *)handle);
        return NULL;
    }
    return (struct ndis_poll *)handle;
}

/* Queues the object's DPC on its processor; its lock held. */
static void ndis_poll_queue(struct ndis_poll *p)
{
    p->state = NDIS_POLL_QUEUED;
    KeSetTargetProcessorDpc(&p->dpc, (CCHAR)p->processor);
    KeInsertQueueDpc(&p->dpc, NULL, NULL);
}

static void ndis_poll_notify(struct ndis_poll *p, bool on)
{
    NDIS_POLL_NOTIFICATION n = {
        .Header = { NDIS_OBJECT_TYPE_DEFAULT, NDIS_POLL_NOTIFICATION_REVISION_1,
                    NDIS_SIZEOF_NDIS_POLL_NOTIFICATION_REVISION_1 },
        .Enabled = on,
    };
    KE_DRIVER_CALL(p->notify, p->context, &n);
    ke_irql_after_handler(DISPATCH_LEVEL, "NdisSetPollNotification", (const void *)p->notify);
    p->notifications = on;
}

static bool ndis_poll_zero(const void *v, size_t n)
{
    const unsigned char *b = v;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return false;
    return true;
}

/* The length of a chain the driver handed back; `*looped` when it does not end. */
static ULONG ndis_poll_chain_length(PNET_BUFFER_LIST chain, bool *looped)
{
    ULONG n = 0;
    for (PNET_BUFFER_LIST nbl = chain; nbl != NULL; nbl = nbl->Next)
        if (++n > NDIS_POLL_CHAIN_MAX) {
            *looped = true;
            return n;
        }
    return n;
}

/* One half of the poll data: its count against its chain, and its budget. Returns the NBLs
 * to deliver (0 when the chain is unusable). */
static ULONG ndis_poll_check_half(const struct ndis_poll *p, const char *half, PNET_BUFFER_LIST chain, ULONG said,
                                  ULONG budget, bool reserved_zero)
{
    const char *fn = "NdisPoll";
    bool looped = false;
    ULONG n = ndis_poll_chain_length(chain, &looped);
    if (looped) {
        vf_report(VF_POLL_DATA_INVALID, fn, (const void *)p->poll, true,
                     "the %s chain does not end within %u NET_BUFFER_LISTs (a loop); none delivered", half,
                     NDIS_POLL_CHAIN_MAX);
        return 0;
    }
    if (said != NDIS_ANY_NUMBER_OF_NBLS && said != n)
        vf_report(VF_POLL_DATA_INVALID, fn, (const void *)p->poll, true,
                     "the %s count is %lu but its chain has %lu NET_BUFFER_LISTs (NDIS_ANY_NUMBER_OF_NBLS lets NDIS count)",
                     half, (unsigned long)said, (unsigned long)n);
    if (n > budget)
        vf_report(VF_POLL_BUDGET_EXCEEDED, fn, (const void *)p->poll, true,
                     "the iteration handed back %lu %s NET_BUFFER_LISTs; its budget was %lu", (unsigned long)n, half,
                     (unsigned long)budget);
    if (!reserved_zero)
        vf_report(VF_POLL_DATA_INVALID, fn, (const void *)p->poll, true,
                     "the %s data's Reserved members were written; they must stay zero", half);
    return n;
}

#define NDIS_POLL_RECEIVE_FLAGS                                                                         \
    (NDIS_RECEIVE_FLAGS_SINGLE_ETHER_TYPE | NDIS_RECEIVE_FLAGS_SINGLE_VLAN | NDIS_RECEIVE_FLAGS_PERFECT_FILTERED | \
     NDIS_RECEIVE_FLAGS_SINGLE_QUEUE | NDIS_RECEIVE_FLAGS_SHARED_MEMORY_INFO_VALID)

/* One NdisPoll call, at `irql`, and the delivery of what it handed back (at DISPATCH_LEVEL,
 * on the object's processor). Returns whether it made progress. */
static bool ndis_poll_iterate(struct ndis_poll *p, KIRQL irql)
{
    struct ndis_adapter *a = p->adapter;
    NDIS_POLL_DATA d;
    memset(&d, 0, sizeof d);
    d.Header = (NDIS_OBJECT_HEADER){ NDIS_OBJECT_TYPE_DEFAULT, NDIS_POLL_DATA_REVISION_1,
                                     NDIS_SIZEOF_NDIS_POLL_DATA_REVISION_1 };
    d.Receive.MaxNblsToIndicate = NDIS_POLL_BUDGET;
    d.Transmit.MaxNblsToComplete = NDIS_POLL_BUDGET;
    atomic_fetch_add(&a->hw.polls_in_flight, 1);
    ke_irql_set(irql);
    KE_DRIVER_CALL(p->poll, p->context, &d);
    ke_irql_after_handler(irql, "NdisPoll", (const void *)p->poll);
    ke_irql_set(DISPATCH_LEVEL);

    const NDIS_POLL_RECEIVE_DATA *rx = &d.Receive;
    const NDIS_POLL_TRANSMIT_DATA *tx = &d.Transmit;
    bool rx_reserved = ndis_poll_zero(rx->Reserved1, sizeof rx->Reserved1) && rx->Reserved2 == 0 &&
                       ndis_poll_zero(rx->Reserved3, sizeof rx->Reserved3);
    bool tx_reserved = ndis_poll_zero(tx->Reserved1, sizeof tx->Reserved1) && tx->Reserved2 == 0 &&
                       ndis_poll_zero(tx->Reserved3, sizeof tx->Reserved3);
    ULONG received = ndis_poll_check_half(p, "receive", rx->IndicatedNblChain, rx->NumberOfIndicatedNbls,
                                          rx->MaxNblsToIndicate, rx_reserved);
    ULONG completed = ndis_poll_check_half(p, "send completion", tx->CompletedNblChain, tx->NumberOfCompletedNbls,
                                           tx->MaxNblsToComplete, tx_reserved);
    ULONG flags = rx->Flags;
    if (received != 0 && (flags & ~(ULONG)NDIS_POLL_RECEIVE_FLAGS) != 0) {
        vf_report(VF_POLL_DATA_INVALID, "NdisPoll", (const void *)p->poll, true,
                     "receive Flags 0x%lx: a poll indication may carry only single EtherType, single VLAN, perfect "
                     "filtered, single queue and shared memory valid (0x%x)",
                     (unsigned long)flags, (unsigned)NDIS_POLL_RECEIVE_FLAGS);
        flags &= NDIS_POLL_RECEIVE_FLAGS;
    }
    vf_entry_site_set((const void *)p->poll); /* what goes wrong in the delivery names the handler */
    if (received != 0)
        ndis_indicate_receives(a, rx->IndicatedNblChain, received, flags | NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL,
                               "NdisPoll (receive)", (const void *)p->poll);
    if (completed != 0)
        ndis_complete_sends(a, tx->CompletedNblChain, "NdisPoll (send completion)", (const void *)p->poll);
    vf_entry_site_set(NULL);
    atomic_fetch_add_explicit(&a->hw.poll_iterations, 1, memory_order_relaxed);
    if (irql == PASSIVE_LEVEL)
        atomic_fetch_add_explicit(&a->hw.poll_passive, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&a->hw.poll_indicated, received, memory_order_relaxed);
    atomic_fetch_add_explicit(&a->hw.poll_completed, completed, memory_order_relaxed);
    if (atomic_fetch_sub(&a->hw.polls_in_flight, 1) == 1 && atomic_load(&a->state) != NDIS_STATE_RUNNING) {
        ndis_adapter_lock(a); /* a pause may be waiting for this delivery */
        pthread_cond_broadcast(&a->changed);
        ndis_adapter_unlock(a);
    }
    return received + completed != 0;
}

static bool ndis_poll_none_in_flight(struct ndis_adapter *a)
{
    return atomic_load(&a->hw.polls_in_flight) == 0;
}

void ndis_poll_settle(struct ndis_adapter *a)
{
    /* as long as a send call may take: the driver's handler is running */
    ndis_wait(a, ndis_poll_none_in_flight, 1e9);
}

/* A round of iterations on the object's processor: until one brings nothing with the
 * interrupt armed, or NDIS_POLL_ROUND, after which the DPC queues itself again. */
static void ndis_poll_dpc(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2)
{
    struct ndis_poll *p = context;
    (void)dpc, (void)arg1, (void)arg2;
    quick_lock_acquire(&p->lock);
    if (p->state == NDIS_POLL_GONE) {
        quick_lock_release(&p->lock);
        return;
    }
    p->state = NDIS_POLL_RUNNING;
    p->again = false;
    quick_lock_release(&p->lock);
    KIRQL irql = (p->rounds++ & 1) ? PASSIVE_LEVEL : DISPATCH_LEVEL;
    ndis_poll_current = p;
    for (unsigned i = 0; i < NDIS_POLL_ROUND; i++) {
        if (p->notifications)
            ndis_poll_notify(p, false);
        if (ndis_poll_iterate(p, irql))
            continue;
        ndis_poll_notify(p, true);
        if (ndis_poll_iterate(p, irql))
            continue;
        quick_lock_acquire(&p->lock);
        if (!p->again) {
            if (p->state != NDIS_POLL_GONE)
                p->state = NDIS_POLL_IDLE;
            quick_lock_release(&p->lock);
            ndis_poll_current = NULL;
            return;
        }
        p->again = false;
        quick_lock_release(&p->lock);
    }
    ndis_poll_current = NULL;
    quick_lock_acquire(&p->lock);
    if (p->state != NDIS_POLL_GONE)
        ndis_poll_queue(p);
    quick_lock_release(&p->lock);
}

NDISAPI NDIS_STATUS NdisRegisterPoll(NDIS_HANDLE NdisHandle, PVOID Context,
                                     NDIS_POLL_CHARACTERISTICS const *Characteristics,
                                     NDIS_POLL_HANDLE *PollHandle)
{
    static const char fn[] = "NdisRegisterPoll";
    const void *site = VF_CALLER;
    if (PollHandle != NULL)
        *PollHandle = NULL;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    struct ndis_adapter *a = ndis_adapter_checked(NdisHandle, fn, site);
    if (a == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    const NDIS_POLL_CHARACTERISTICS *c = Characteristics;
    if (c == NULL || PollHandle == NULL || c->Header.Type != NDIS_OBJECT_TYPE_DEFAULT ||
        c->Header.Revision < NDIS_POLL_CHARACTERISTICS_REVISION_1 ||
        c->Header.Size < NDIS_SIZEOF_NDIS_POLL_CHARACTERISTICS_REVISION_1 || c->PollHandler == NULL ||
        c->SetPollNotificationHandler == NULL) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "NdisRegisterPoll needs a PollHandle to fill and characteristics with NDIS_OBJECT_TYPE_DEFAULT, "
                     "revision 1, their size, a PollHandler and a SetPollNotificationHandler");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (vf_fault_inject(fn, site))
        return NDIS_STATUS_RESOURCES;
    struct ndis_poll *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NDIS_STATUS_RESOURCES;
    *p = (struct ndis_poll){ .adapter = a, .context = Context, .poll = c->PollHandler,
                             .notify = c->SetPollNotificationHandler, .site = site, .notifications = true };
    quick_lock_init(&p->lock);
    KeInitializeDpc(&p->dpc, ndis_poll_dpc, p);
    if (!ndis_handle_add(p, NDIS_HANDLE_POLL)) {
        free(p);
        return NDIS_STATUS_RESOURCES;
    }
    ndis_adapter_lock(a);
    /* until NdisSetPollAffinity says otherwise, the adapter's objects take turns over the processors */
    p->processor = a->hw.polls_registered++ % KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
    p->next = a->hw.polls;
    a->hw.polls = p;
    ndis_adapter_unlock(a);
    *PollHandle = (NDIS_POLL_HANDLE)p;
    return NDIS_STATUS_SUCCESS;
}

/* Stops the object (no round runs after this returns) and frees it. */
static void ndis_poll_destroy(struct ndis_poll *p)
{
    struct ndis_adapter *a = p->adapter;
    ndis_handle_remove(p);
    ndis_adapter_lock(a);
    for (struct ndis_poll **at = &a->hw.polls; *at != NULL; at = &(*at)->next)
        if (*at == p) {
            *at = p->next;
            break;
        }
    ndis_adapter_unlock(a);
    quick_lock_acquire(&p->lock);
    p->state = NDIS_POLL_GONE; /* a running round no longer queues itself */
    quick_lock_release(&p->lock);
    KeRemoveQueueDpc(&p->dpc);
    ke_timer_wait_idle(&p->dpc);
    free(p);
}

NDISAPI VOID NdisDeregisterPoll(NDIS_POLL_HANDLE PollHandle)
{
    static const char fn[] = "NdisDeregisterPoll";
    const void *site = VF_CALLER;
    struct ndis_poll *p = ndis_poll_from_handle(PollHandle, fn, site);
    if (p == NULL)
        return;
    if (p == ndis_poll_current) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "Poll object %p deregistered from its own NdisPoll or NdisSetPollNotification, which "
                     "NdisDeregisterPoll would wait for; it stays registered",
                     (void *)p);
        return;
    }
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return; /* it waits for a round in progress: not from DISPATCH_LEVEL */
    ndis_poll_destroy(p);
}

NDISAPI VOID NdisRequestPoll(NDIS_POLL_HANDLE PollHandle, PVOID Reserved)
{
    static const char fn[] = "NdisRequestPoll";
    const void *site = VF_CALLER;
    struct ndis_poll *p = ndis_poll_from_handle(PollHandle, fn, site);
    if (p == NULL)
        return;
    if (Reserved != NULL)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "Reserved is %p; it must be NULL", Reserved);
    quick_lock_acquire(&p->lock);
    if (p->state == NDIS_POLL_IDLE)
        ndis_poll_queue(p);
    else if (p->state == NDIS_POLL_RUNNING)
        p->again = true;
    quick_lock_release(&p->lock);
}

NDISAPI VOID NdisSetPollAffinity(NDIS_POLL_HANDLE PollHandle, PROCESSOR_NUMBER const *PollAffinity)
{
    static const char fn[] = "NdisSetPollAffinity";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_poll *p = ndis_poll_from_handle(PollHandle, fn, site);
    if (p == NULL)
        return;
    ULONG count = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
    if (PollAffinity == NULL || PollAffinity->Group != 0 || PollAffinity->Number >= count ||
        PollAffinity->Reserved != 0) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "PollAffinity names no processor: group 0 has processors 0..%lu", (unsigned long)count - 1);
        return;
    }
    /* A round already queued still runs where it was queued (the DDI allows one more there). */
    quick_lock_acquire(&p->lock);
    p->processor = PollAffinity->Number;
    quick_lock_release(&p->lock);
}

void ndis_poll_halted(struct ndis_adapter *a, const char *handler)
{
    for (;;) {
        ndis_adapter_lock(a);
        struct ndis_poll *p = a->hw.polls;
        ndis_adapter_unlock(a);
        if (p == NULL)
            return;
        vf_violation(VF_POLL_NOT_DEREGISTERED, handler, p->site,
                     "Poll object %p of adapter %u (registered here) is still registered when %s returned; "
                     "deregister it with NdisDeregisterPoll before then",
                     (void *)p, a->index, handler);
        ndis_poll_destroy(p);
    }
}
