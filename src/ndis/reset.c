/* Hang detection and reset: every CheckForHangTimeInSeconds NDIS asks the miniport
 * (MiniportCheckForHangEx, PASSIVE_LEVEL) and on TRUE resets it (MiniportResetEx), which
 * completes at once or later with NdisMResetComplete. A reset does not change the state. */
#include "ndis.h"

static const struct ndis_pending_kind ndis_reset_kind = {
    "MiniportResetEx", "NdisMResetComplete", VF_RESET_TIMEOUT, VF_COMPLETION_UNEXPECTED, NDIS_RESET_TIMEOUT_SECONDS,
};

NDIS_STATUS ndis_adapter_reset(struct ndis_adapter *a)
{
    MINIPORT_RESET_HANDLER reset = a->driver->chars.ResetHandlerEx;
    if (reset == NULL)
        return NDIS_STATUS_NOT_RESETTABLE;
    ndis_adapter_lock(a);
    if (a->reset.armed || a->state == NDIS_STATE_HALTED || a->state == NDIS_STATE_INITIALIZING) {
        ndis_adapter_unlock(a);
        return NDIS_STATUS_RESET_IN_PROGRESS;
    }
    ndis_pending_arm(&a->reset);
    a->resets++;
    ndis_adapter_unlock(a);

    BOOLEAN addressing = FALSE;
    NDIS_STATUS st = KE_DRIVER_CALL(reset, a->context, &addressing);
    ke_irql_after_handler(PASSIVE_LEVEL, "MiniportResetEx", (const void *)reset);
    if (ndis_pending_finish(a, &a->reset, &ndis_reset_kind, (const void *)reset, st, NULL, NULL, &st) ==
        NDIS_PENDING_TIMED_OUT)
        ndis_pending_disarm(a, &a->reset);
    return st;
}

NDISAPI VOID NdisMResetComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status, BOOLEAN AddressingReset)
{
    static const char fn[] = "NdisMResetComplete";
    const void *site = VF_CALLER;
    (void)AddressingReset; /* no protocol above to re-send its filter and multicast list */
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    if (a == NULL)
        return;
    ndis_adapter_lock(a);
    bool expected = ndis_pending_complete(a, &a->reset, Status);
    ndis_adapter_unlock(a);
    if (!expected)
        vf_violation(VF_COMPLETION_UNEXPECTED, fn, site, "no reset is pending on adapter %u", a->index);
}

bool ndis_adapter_check_for_hang(struct ndis_adapter *a)
{
    MINIPORT_CHECK_FOR_HANG_HANDLER check = a->driver->chars.CheckForHangHandlerEx;
    if (check == NULL)
        return false;
    BOOLEAN hung = KE_DRIVER_CALL(check, a->context);
    ke_irql_after_handler(PASSIVE_LEVEL, "MiniportCheckForHangEx", (const void *)check);
    if (!hung)
        return false;
    ndis_adapter_reset(a);
    return true;
}

static void ndis_hang_work(struct ke_work *w)
{
    struct ndis_adapter *a = CONTAINING_RECORD(w, struct ndis_adapter, hang_work);
    ndis_adapter_check_for_hang(a);
}

static void ndis_hang_tick(struct ke_timer *t)
{
    struct ndis_adapter *a = CONTAINING_RECORD(t, struct ndis_adapter, hang_timer);
    ke_work_queue(&a->hang_work, NULL, NULL); /* a check still queued just stays queued */
}

void ndis_adapter_start_hang_checks(struct ndis_adapter *a)
{
    if (a->driver->chars.CheckForHangHandlerEx == NULL)
        return;
    a->hang_work.run = ndis_hang_work;
    a->hang_timer.fire = ndis_hang_tick;
    uint32_t ms = (uint32_t)(ndis_timeout_seconds(a->registration.CheckForHangTimeInSeconds) * 1000.0);
    if (ms == 0)
        ms = 1;
    ke_timer_set(&a->hang_timer, ke_now_ns() + (uint64_t)ms * 1000000u, ms);
}

void ndis_adapter_stop_hang_checks(struct ndis_adapter *a)
{
    if (a->driver->chars.CheckForHangHandlerEx == NULL)
        return;
    bool queued;
    ke_timer_cancel(&a->hang_timer);
    ke_timer_wait_idle(&a->hang_timer);
    ke_work_wait_idle(&a->hang_work, &queued);
}
