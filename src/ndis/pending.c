/* Pended operations and the timeouts NDIS gives them. Restart, pause, reset and OID requests share one shape: NDIS arms the
 * operation, calls the handler, and the handler either finishes it by returning a status or
 * returns NDIS_STATUS_PENDING and finishes it later with the matching Ndis*Complete. NDIS
 * then waits, within the documented (scaled) time, and a completion that comes on top of a
 * returned status is the operation completed twice. Everything here is under the adapter's
 * lock; the reports are made without it (the symbolizer must not run under a lock the
 * driver's threads take). */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "ndis.h"

/* Every timeout NDIS applies, scaled together (tests and verify shrink them). */
static double ndis_time_scale = 1.0;

void ndis_set_time_scale(double scale)
{
    ndis_time_scale = scale > 0 ? scale : 1.0;
}

double ndis_timeout_seconds(double documented)
{
    return documented * ndis_time_scale;
}

void ndis_pending_arm(struct ndis_pending *p)
{
    *p = (struct ndis_pending){ .armed = true };
}

bool ndis_pending_complete(struct ndis_adapter *a, struct ndis_pending *p, NDIS_STATUS status)
{
    ndis_assert_locked(a);
    if (!p->armed || p->completed)
        return false;
    p->completed = true;
    p->status = status;
    pthread_cond_broadcast(&a->changed);
    return true;
}

void ndis_pending_disarm(struct ndis_adapter *a, struct ndis_pending *p)
{
    ndis_adapter_lock(a);
    p->armed = false;
    pthread_cond_broadcast(&a->changed);
    ndis_adapter_unlock(a);
}

bool ndis_pending_await(struct ndis_adapter *a, struct ndis_pending *p, double seconds,
                        void (*meanwhile)(struct ndis_adapter *))
{
    /* Without `meanwhile` one wait; with it, slices of 10 ms with `meanwhile` (unlocked)
     * between them, for a handler that waits on something NDIS must keep doing. */
    const double slice = meanwhile ? 0.01 : seconds;
    bool done = false;
    for (double left = seconds; !done && left > 0; left -= slice) {
        if (meanwhile)
            meanwhile(a);
        double wait = left < slice ? left : slice;
        struct timespec until = ndis_deadline(wait);
        ndis_adapter_lock(a);
        while (!p->completed && ndis_adapter_wait_until(a, &until) != ETIMEDOUT)
            ;
        done = p->completed;
        ndis_adapter_unlock(a);
    }
    return done;
}

enum ndis_pending_end ndis_pending_finish(struct ndis_adapter *a, struct ndis_pending *p,
                                          const struct ndis_pending_kind *k, const void *handler,
                                          NDIS_STATUS returned, const char *what,
                                          void (*meanwhile)(struct ndis_adapter *), NDIS_STATUS *status)
{
    if (returned == NDIS_STATUS_PENDING) {
        double limit = ndis_timeout_seconds(k->timeout);
        if (!ndis_pending_await(a, p, limit, meanwhile)) {
            vf_report(k->timeout_rule, k->handler, handler, true,
                      "%s%s%s returned NDIS_STATUS_PENDING and %s was not called within %.3g s", what ? what : "",
                      what ? ": " : "", k->handler, k->complete, limit);
            *status = NDIS_STATUS_FAILURE;
            return NDIS_PENDING_TIMED_OUT; /* still armed: the caller decides */
        }
        ndis_adapter_lock(a);
        *status = p->status;
        p->armed = false;
        ndis_adapter_unlock(a);
        return NDIS_PENDING_COMPLETED;
    }
    ndis_adapter_lock(a);
    bool twice = p->completed;
    p->armed = false;
    ndis_adapter_unlock(a);
    if (twice) {
        char hex[16];
        const char *name = ndis_status_name(returned);
        if (name == NULL)
            snprintf(hex, sizeof hex, "0x%08X", (unsigned)returned), name = hex;
        vf_report(k->twice_rule, k->complete, handler, true,
                  "%s%s%s called %s and also returned %s instead of NDIS_STATUS_PENDING: completed twice",
                  what ? what : "", what ? ": " : "", k->handler, k->complete, name);
    }
    *status = returned;
    return NDIS_PENDING_RETURNED;
}
