/* NDIS timer objects: callbacks run at DISPATCH_LEVEL on the DPC thread. A timer must be
 * cancelled before it is freed (SDV CancelTimerObject); one still allocated at halt or
 * unload is a leak like any other allocation. */
#include <stdlib.h>

#include "ndis.h"

#define NDIS_TIMER_MAGIC 0x4e44544du /* "NDTM" */

struct ndis_timer {
    struct ke_timer timer; /* first: the dispatcher hands this back */
    uint32_t magic;
    PNDIS_TIMER_FUNCTION function;
    PVOID context;      /* from NdisAllocateTimerObject */
    PVOID set_context;  /* from NdisSetTimerObject, when given */
    const void *site;
};

static void ndis_timer_fire(struct ke_timer *t)
{
    struct ndis_timer *nt = (struct ndis_timer *)t;
    PVOID context = nt->set_context ? nt->set_context : nt->context;
    KE_DRIVER_CALL(nt->function, NULL, context, NULL, NULL);
    ke_irql_after_handler(DISPATCH_LEVEL, "NDIS timer function", (const void *)nt->function);
}

static struct ndis_timer *ndis_timer_from_handle(NDIS_HANDLE handle, const char *fn, const void *site)
{
    if (ndis_handle_kind(handle) != NDIS_HANDLE_TIMER) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not a timer object from NdisAllocateTimerObject", handle);
        return NULL;
    }
    return handle;
}

NDISAPI NDIS_STATUS NdisAllocateTimerObject(NDIS_HANDLE NdisHandle, PNDIS_TIMER_CHARACTERISTICS tc,
                                            PNDIS_HANDLE pTimerObject)
{
    static const char fn[] = "NdisAllocateTimerObject";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    struct ke_pool *owner = ndis_owner_checked(NdisHandle, "NdisHandle", fn, site);
    if (owner == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    if (tc == NULL || pTimerObject == NULL || tc->Header.Type != NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS ||
        tc->Header.Revision < NDIS_TIMER_CHARACTERISTICS_REVISION_1 ||
        tc->Header.Size < NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1 || tc->TimerFunction == NULL) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "the timer characteristics need NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS, revision 1, its size and a TimerFunction");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (vf_fault_inject(fn, site))
        return NDIS_STATUS_RESOURCES;
    struct ndis_timer *t = ke_pool_alloc(owner, sizeof *t, tc->AllocationTag, site, fn);
    if (t == NULL)
        return NDIS_STATUS_RESOURCES;
    *t = (struct ndis_timer){ .magic = NDIS_TIMER_MAGIC, .function = tc->TimerFunction,
                              .context = tc->FunctionContext, .site = site };
    t->timer.fire = ndis_timer_fire;
    if (!ndis_handle_add(t, NDIS_HANDLE_TIMER)) {
        ke_pool_free(t);
        return NDIS_STATUS_RESOURCES;
    }
    *pTimerObject = t;
    return NDIS_STATUS_SUCCESS;
}

NDISAPI BOOLEAN NdisSetTimerObject(NDIS_HANDLE TimerObject, LARGE_INTEGER DueTime, LONG MillisecondsPeriod,
                                   PVOID FunctionContext)
{
    static const char fn[] = "NdisSetTimerObject";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_timer *t = ndis_timer_from_handle(TimerObject, fn, site);
    if (t == NULL)
        return FALSE;
    uint64_t now = ke_now_ns(), delay_ns = 0;
    if (DueTime.QuadPart < 0) {
        delay_ns = (uint64_t)(-DueTime.QuadPart) * 100u;
    } else if (DueTime.QuadPart > 0) {
        LARGE_INTEGER system;
        NdisGetCurrentSystemTime(&system);
        if (DueTime.QuadPart > system.QuadPart)
            delay_ns = (uint64_t)(DueTime.QuadPart - system.QuadPart) * 100u;
    }
    t->set_context = FunctionContext;
    return ke_timer_set(&t->timer, now + delay_ns, MillisecondsPeriod > 0 ? (uint32_t)MillisecondsPeriod : 0);
}

NDISAPI BOOLEAN NdisCancelTimerObject(NDIS_HANDLE TimerObject)
{
    static const char fn[] = "NdisCancelTimerObject";
    const void *site = VF_CALLER;
    struct ndis_timer *t = ndis_timer_from_handle(TimerObject, fn, site);
    if (t == NULL)
        return FALSE;
    /* SDV PeriodicTimer: a periodic timer is cancelled at PASSIVE_LEVEL. */
    ke_irql_at_most(t->timer.period_ms ? PASSIVE_LEVEL : DISPATCH_LEVEL, fn, site);
    return ke_timer_cancel(&t->timer);
}

NDISAPI VOID NdisFreeTimerObject(NDIS_HANDLE TimerObject)
{
    static const char fn[] = "NdisFreeTimerObject";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_timer *t = ndis_timer_from_handle(TimerObject, fn, site);
    if (t == NULL)
        return;
    if (ke_timer_cancel(&t->timer))
        vf_violation(VF_TIMER_FREED_WHILE_SET, fn, site,
                     "freeing a timer that is still set; cancel it with NdisCancelTimerObject first (OpenNDIS cancelled it)");
    ke_timer_wait_idle(t); /* a callback in flight must not see freed memory */
    ndis_handle_remove(t);
    t->magic = 0;
    ke_pool_free(t);
}
