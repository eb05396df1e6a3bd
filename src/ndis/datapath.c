/* The data path: sends down to the miniport and their completions, receive indications and
 * their return, with ownership checked at every hand-over (nbl_owner.h). */
#include <stdatomic.h>
#include <stddef.h>

#include "nbl_owner.h"
#include "ndis.h"

/* ---- send ----------------------------------------------------------------------------------- */
/* The data path does not take the adapter's mutex: the state is read atomically, the counts
 * and counters are atomics, and the return queue has its own short lock. The mutex (and its
 * condition) is only for a pause or halt waiting on the counts; the data path wakes it only
 * when the adapter is not running, i.e. when someone may be waiting. */
#define DP_LOAD(x) atomic_load(&(x))
#define DP_ADD(x, n) ndis_dp_add(&(x), (n))
static inline long ndis_dp_add(_Atomic long *count, long n)
{
    return atomic_fetch_add(count, n) + n; /* the new value */
}
#define DP_COUNT(x, n) atomic_fetch_add_explicit(&(x), (n), memory_order_relaxed)

static void ndis_dp_wake(struct ndis_adapter *a)
{
    if (DP_LOAD(a->state) == NDIS_STATE_RUNNING)
        return; /* nobody waits on a running adapter's data path */
    ndis_adapter_lock(a);
    pthread_cond_broadcast(&a->changed);
    ndis_adapter_unlock(a);
}

/* The frame observer and its context, read as a pair (NULL when there is none). */
static ndis_frame_observer *ndis_observer(struct ndis_adapter *a, void **context)
{
    if (atomic_load_explicit(&a->observer, memory_order_acquire) == NULL)
        return NULL;
    ndis_adapter_lock(a);
    ndis_frame_observer *observer = a->observer;
    *context = a->observer_context;
    ndis_adapter_unlock(a);
    return observer;
}

static void ndis_deliver_send_complete(struct ndis_adapter *a, PNET_BUFFER_LIST nbls)
{
    if (nbls != NULL && a->edge != NULL && a->edge->send_complete != NULL)
        a->edge->send_complete(a->edge_context, a, nbls);
}

static void ndis_send_call_done(struct ndis_adapter *a)
{
    if (DP_ADD(a->sends_in_call, -1) == 0)
        ndis_dp_wake(a);
}

void ndis_adapter_send(struct ndis_adapter *a, PNET_BUFFER_LIST nbls)
{
    /* Counted in before the state is read, and a pause sets the state before it waits for
     * the count to drain (both sequentially consistent): either this call sees the pause and
     * does not send, or the pause sees this call and waits for it. */
    DP_ADD(a->sends_in_call, 1);
    bool running = DP_LOAD(a->state) == NDIS_STATE_RUNNING;
    long n = 0;
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next, n++) {
        if (running)
            NBL_SET(nbl, a, NBL_AT_MINIPORT | ndis_offload_sent_lso(nbl));
        else
            nbl->Status = NDIS_STATUS_PAUSED;
    }
    if (running) {
        DP_ADD(a->sends_outstanding, n);
    } else {
        DP_COUNT(a->counters.send_failed, (uint64_t)n);
        ndis_send_call_done(a);
    }
    void *observer_context;
    ndis_frame_observer *observer = ndis_observer(a, &observer_context);
    if (observer != NULL)
        observer(observer_context, a, nbls, true);
    if (!running) {
        /* NDIS does not send to an adapter that is not running: it completes at once. */
        ndis_deliver_send_complete(a, nbls);
        return;
    }
    KIRQL old = ke_irql_set(DISPATCH_LEVEL);
    MINIPORT_SEND_NET_BUFFER_LISTS_HANDLER send = a->driver->chars.SendNetBufferListsHandler;
    KE_DRIVER_CALL(send, a->context, nbls, NDIS_DEFAULT_PORT_NUMBER, NDIS_SEND_FLAGS_DISPATCH_LEVEL);
    ke_irql_after_handler(DISPATCH_LEVEL, "MiniportSendNetBufferLists", (const void *)send);
    ke_irql_set(old);
    ndis_send_call_done(a);
    /* A virtual miniport often indicates on its other adapters while sending. */
    ndis_driver_return_pending(a->driver);
}

/* Hands back what the upper edges returned on every adapter of the driver. The read lock keeps
 * a halt on another thread from freeing the one being visited. */
void ndis_driver_return_pending(struct ndis_driver *d)
{
    pthread_rwlock_rdlock(&d->adapters_lock);
    for (struct ndis_adapter *other = d->adapters; other; other = other->next)
        ndis_adapter_return_pending(other);
    pthread_rwlock_unlock(&d->adapters_lock);
}

/* Send completions, from NdisMSendNetBufferListsComplete or a poll iteration (poll.c). */
void ndis_complete_sends(struct ndis_adapter *a, PNET_BUFFER_LIST NetBufferLists, const char *fn, const void *site)
{
    /* Keep the NBLs this adapter really lent out; report and drop the others. */
    PNET_BUFFER_LIST good = NULL, *tail = &good;
    long n = 0;
    uint64_t frames = 0, bytes = 0;
    for (PNET_BUFFER_LIST nbl = NetBufferLists, next; nbl; nbl = next) {
        next = nbl->Next;
        if (NBL_OWNER(nbl) != a || !NBL_STATE_IS(nbl, NBL_AT_MINIPORT)) {
            vf_violation(VF_NBL_NOT_OWNED, fn, site, "NET_BUFFER_LIST %p %s", nbl,
                         NBL_OWNER(nbl) == a && NBL_STATE_IS(nbl, NBL_SEND_COMPLETED)
                             ? "was already completed (double completion)"
                             : "was not sent to this adapter by NDIS");
            continue;
        }
        if (NBL_STATE_FLAGS(nbl) != 0 && nbl->Status == NDIS_STATUS_SUCCESS)
            ndis_offload_check_lso_complete(a, nbl, NBL_STATE_FLAGS(nbl) == NBL_SENT_LSO_V1, fn, site);
        NBL_SET(nbl, a, NBL_SEND_COMPLETED); /* the owner stays: a second completion names itself */
        nbl->Next = NULL;
        *tail = nbl;
        tail = &nbl->Next;
        n++;
        if (nbl->Status == NDIS_STATUS_SUCCESS)
            for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next, frames++)
                bytes += nb->DataLength;
    }
    DP_COUNT(a->counters.sent_frames, frames);
    DP_COUNT(a->counters.sent_bytes, bytes);
    if (n != 0 && DP_ADD(a->sends_outstanding, -n) == 0)
        ndis_dp_wake(a);
    ndis_deliver_send_complete(a, good);
}

NDISAPI VOID NdisMSendNetBufferListsComplete(NDIS_HANDLE MiniportAdapterHandle, PNET_BUFFER_LIST NetBufferLists,
                                             ULONG SendCompleteFlags)
{
    static const char fn[] = "NdisMSendNetBufferListsComplete";
    const void *site = VF_CALLER;
    (void)SendCompleteFlags;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    if (a != NULL)
        ndis_complete_sends(a, NetBufferLists, fn, site);
}

void ndis_adapter_cancel_send(struct ndis_adapter *a, PVOID cancel_id)
{
    KIRQL old = ke_irql_set(DISPATCH_LEVEL);
    MINIPORT_CANCEL_SEND_HANDLER cancel = a->driver->chars.CancelSendHandler;
    KE_DRIVER_CALL(cancel, a->context, cancel_id);
    ke_irql_after_handler(DISPATCH_LEVEL, "MiniportCancelSend", (const void *)cancel);
    ke_irql_set(old);
}

/* ---- receive ---------------------------------------------------------------------------------- */
/* A receive indication, from NdisMIndicateReceiveNetBufferLists or a poll iteration (poll.c). */
void ndis_indicate_receives(struct ndis_adapter *a, PNET_BUFFER_LIST NetBufferLists, ULONG NumberOfNetBufferLists,
                            ULONG ReceiveFlags, const char *fn, const void *site)
{
    const bool resources = (ReceiveFlags & NDIS_RECEIVE_FLAGS_RESOURCES) != 0;
    ULONG count = 0;
    for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = nbl->Next, count++)
        if (NBL_STATE_IS(nbl, NBL_INDICATED)) {
            vf_violation(VF_NBL_NOT_OWNED, fn, site,
                         "NET_BUFFER_LIST %p is indicated again before NDIS returned it", nbl);
            return;
        }
    if (count != NumberOfNetBufferLists)
        vf_violation(VF_DATA_PATH_INVALID, fn, site, "NumberOfNetBufferLists is %u but the chain has %u",
                     NumberOfNetBufferLists, count);
    if (NetBufferLists == NULL)
        return;

    uint64_t frames = 0, bytes = 0;
    for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = nbl->Next) {
        if (!resources)
            NBL_SET(nbl, a, NBL_INDICATED);
        ndis_hw_assist_check_receive(a, nbl, fn, site);
        ndis_offload_check_receive(a, nbl, fn, site);
        for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next, frames++)
            bytes += nb->DataLength;
    }
    enum ndis_state state = DP_LOAD(a->state);
    bool allowed = state == NDIS_STATE_RUNNING || state == NDIS_STATE_RESTARTING || state == NDIS_STATE_PAUSING;
    DP_COUNT(a->counters.received_frames, frames);
    DP_COUNT(a->counters.received_bytes, bytes);
    if (!allowed)
        vf_violation(VF_RECEIVE_NOT_RUNNING, fn, site,
                     "receive indication while adapter %u is %s; only Restarting, Running and Pausing may indicate",
                     a->index, ndis_state_name(state));
    void *observer_context;
    ndis_frame_observer *observer = allowed ? ndis_observer(a, &observer_context) : NULL;
    if (observer != NULL)
        observer(observer_context, a, NetBufferLists, false);
    if (allowed && a->edge != NULL && a->edge->receive != NULL)
        a->edge->receive(a->edge_context, a, NetBufferLists);
    if (resources)
        return; /* the miniport owns them again as soon as this call returns */

    /* Queue for MiniportReturnNetBufferLists, outside this call. */
    PNET_BUFFER_LIST last = NetBufferLists;
    while (last->Next)
        last = last->Next;
    quick_lock_acquire(&a->returns_lock);
    PNET_BUFFER_LIST *tail = a->returns_tail != NULL ? a->returns_tail : &a->returns;
    *tail = NetBufferLists;
    a->returns_tail = &last->Next;
    DP_ADD(a->receives_outstanding, (long)count);
    atomic_store_explicit(&a->returns_waiting, true, memory_order_release);
    quick_lock_release(&a->returns_lock);
}

NDISAPI VOID NdisMIndicateReceiveNetBufferLists(NDIS_HANDLE MiniportAdapterHandle, PNET_BUFFER_LIST NetBufferLists,
                                                NDIS_PORT_NUMBER PortNumber, ULONG NumberOfNetBufferLists,
                                                ULONG ReceiveFlags)
{
    static const char fn[] = "NdisMIndicateReceiveNetBufferLists";
    const void *site = VF_CALLER;
    (void)PortNumber;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    if (a != NULL)
        ndis_indicate_receives(a, NetBufferLists, NumberOfNetBufferLists, ReceiveFlags, fn, site);
}

void ndis_adapter_return_pending(struct ndis_adapter *a)
{
    /* Called on every host poll: nothing to do is the common case, and costs one load. */
    if (!atomic_load_explicit(&a->returns_waiting, memory_order_acquire))
        return;
    quick_lock_acquire(&a->returns_lock);
    PNET_BUFFER_LIST nbls = a->returns;
    a->returns = NULL;
    a->returns_tail = NULL;
    atomic_store_explicit(&a->returns_waiting, false, memory_order_relaxed);
    long n = 0;
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next, n++)
        NBL_SET(nbl, NULL, NBL_IDLE);
    quick_lock_release(&a->returns_lock);
    if (nbls == NULL)
        return;
    if (DP_ADD(a->receives_outstanding, -n) == 0)
        ndis_dp_wake(a);
    KIRQL old = ke_irql_set(DISPATCH_LEVEL);
    MINIPORT_RETURN_NET_BUFFER_LISTS_HANDLER ret = a->driver->chars.ReturnNetBufferListsHandler;
    KE_DRIVER_CALL(ret, a->context, nbls, NDIS_RETURN_FLAGS_DISPATCH_LEVEL);
    ke_irql_after_handler(DISPATCH_LEVEL, "MiniportReturnNetBufferLists", (const void *)ret);
    ke_irql_set(old);
}
