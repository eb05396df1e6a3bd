/* The emulated processor's deferred work. One DPC thread runs queued DPCs and expired timers
 * at DISPATCH_LEVEL, as one processor would; a few worker threads run work items at
 * PASSIVE_LEVEL. They start on first use. */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "ke.h"

static pthread_mutex_t ke_dpc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ke_dpc_cond;   /* work arrived, or time to recheck timers */
static pthread_cond_t ke_dpc_idle;   /* a DPC or timer callback finished */
static pthread_once_t ke_dpc_once = PTHREAD_ONCE_INIT;
static PKDPC ke_dpc_head, ke_dpc_tail;
static struct ke_timer *ke_timers;   /* sorted by due time */
static const void *ke_dpc_running;   /* the KDPC or ke_timer being run */
static bool ke_running_dpc;          /* ke_dpc_running is a KDPC, not a timer */

static pthread_mutex_t ke_work_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ke_work_cond;
static pthread_cond_t ke_work_idle;
static pthread_once_t ke_work_once = PTHREAD_ONCE_INIT;
static struct ke_work *ke_work_head, *ke_work_tail;
static unsigned ke_work_busy; /* work items running now */

uint64_t ke_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void ke_cond_init(pthread_cond_t *c)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
}

/* ---- DPC thread ---------------------------------------------------------------------------- */
static void *ke_dpc_thread(void *unused)
{
    (void)unused;
    ke_irql_set(DISPATCH_LEVEL);
    pthread_mutex_lock(&ke_dpc_lock);
    for (;;) {
        if (ke_dpc_head != NULL) {
            PKDPC dpc = ke_dpc_head;
            ke_dpc_head = (PKDPC)dpc->DpcListEntry.Next;
            if (ke_dpc_head == NULL)
                ke_dpc_tail = NULL;
            dpc->DpcListEntry.Next = NULL;
            PVOID a1 = dpc->SystemArgument1, a2 = dpc->SystemArgument2;
            dpc->DpcData = NULL; /* may be queued again from its own routine */
            ke_dpc_running = dpc;
            ke_running_dpc = true;
            pthread_mutex_unlock(&ke_dpc_lock);
            KE_DRIVER_CALL(dpc->DeferredRoutine, dpc, dpc->DeferredContext, a1, a2);
            ke_irql_after_handler(DISPATCH_LEVEL, "DPC routine", (const void *)dpc->DeferredRoutine);
            pthread_mutex_lock(&ke_dpc_lock);
            ke_dpc_running = NULL;
            ke_running_dpc = false;
            pthread_cond_broadcast(&ke_dpc_idle);
            continue;
        }
        uint64_t now = ke_now_ns();
        if (ke_timers != NULL && ke_timers->due_ns <= now) {
            struct ke_timer *t = ke_timers;
            ke_timers = t->next;
            t->queued = false;
            if (t->period_ms != 0) { /* periodic: queue the next expiry before running */
                t->due_ns = now + (uint64_t)t->period_ms * 1000000u;
                struct ke_timer **p = &ke_timers;
                while (*p && (*p)->due_ns <= t->due_ns)
                    p = &(*p)->next;
                t->next = *p;
                *p = t;
                t->queued = true;
            }
            ke_dpc_running = t;
            pthread_mutex_unlock(&ke_dpc_lock);
            t->fire(t);
            pthread_mutex_lock(&ke_dpc_lock);
            ke_dpc_running = NULL;
            pthread_cond_broadcast(&ke_dpc_idle);
            continue;
        }
        if (ke_timers != NULL) {
            struct timespec until = { (time_t)(ke_timers->due_ns / 1000000000u),
                                      (long)(ke_timers->due_ns % 1000000000u) };
            pthread_cond_timedwait(&ke_dpc_cond, &ke_dpc_lock, &until);
        } else {
            pthread_cond_wait(&ke_dpc_cond, &ke_dpc_lock);
        }
    }
    return NULL;
}

static void ke_dpc_start(void)
{
    ke_cond_init(&ke_dpc_cond);
    ke_cond_init(&ke_dpc_idle);
    pthread_t tid;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&tid, &attr, ke_dpc_thread, NULL);
    pthread_attr_destroy(&attr);
}

bool ke_timer_set(struct ke_timer *t, uint64_t due_ns, uint32_t period_ms)
{
    pthread_once(&ke_dpc_once, ke_dpc_start);
    pthread_mutex_lock(&ke_dpc_lock);
    bool was_queued = t->queued;
    if (was_queued)
        for (struct ke_timer **p = &ke_timers; *p; p = &(*p)->next)
            if (*p == t) {
                *p = t->next;
                break;
            }
    t->due_ns = due_ns;
    t->period_ms = period_ms;
    struct ke_timer **p = &ke_timers;
    while (*p && (*p)->due_ns <= due_ns)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->queued = true;
    pthread_cond_signal(&ke_dpc_cond);
    pthread_mutex_unlock(&ke_dpc_lock);
    return was_queued;
}

bool ke_timer_cancel(struct ke_timer *t)
{
    pthread_mutex_lock(&ke_dpc_lock);
    bool was_queued = t->queued;
    if (was_queued) {
        for (struct ke_timer **p = &ke_timers; *p; p = &(*p)->next)
            if (*p == t) {
                *p = t->next;
                break;
            }
        t->queued = false;
    }
    t->period_ms = 0;
    pthread_mutex_unlock(&ke_dpc_lock);
    return was_queued;
}

void ke_timer_wait_idle(const void *object)
{
    if (ke_irql() == DISPATCH_LEVEL && ke_dpc_running == object)
        return; /* called from its own callback */
    pthread_mutex_lock(&ke_dpc_lock);
    while (ke_dpc_running == object)
        pthread_cond_wait(&ke_dpc_idle, &ke_dpc_lock);
    pthread_mutex_unlock(&ke_dpc_lock);
}

NTKERNELAPI VOID KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    memset(Dpc, 0, sizeof *Dpc);
    Dpc->Type = 0x13; /* DpcObject */
    Dpc->Importance = MediumImportance;
    Dpc->DeferredRoutine = DeferredRoutine;
    Dpc->DeferredContext = DeferredContext;
}

NTKERNELAPI BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    pthread_once(&ke_dpc_once, ke_dpc_start);
    pthread_mutex_lock(&ke_dpc_lock);
    if (Dpc->DpcData != NULL) {
        pthread_mutex_unlock(&ke_dpc_lock);
        return FALSE; /* already queued */
    }
    Dpc->DpcData = Dpc;
    Dpc->SystemArgument1 = SystemArgument1;
    Dpc->SystemArgument2 = SystemArgument2;
    Dpc->DpcListEntry.Next = NULL;
    if (Dpc->Importance == HighImportance && ke_dpc_head != NULL) {
        Dpc->DpcListEntry.Next = (PSINGLE_LIST_ENTRY)ke_dpc_head;
        ke_dpc_head = Dpc;
    } else {
        if (ke_dpc_tail != NULL)
            ke_dpc_tail->DpcListEntry.Next = (PSINGLE_LIST_ENTRY)Dpc;
        else
            ke_dpc_head = Dpc;
        ke_dpc_tail = Dpc;
    }
    pthread_cond_signal(&ke_dpc_cond);
    pthread_mutex_unlock(&ke_dpc_lock);
    return TRUE;
}

NTKERNELAPI BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc)
{
    pthread_mutex_lock(&ke_dpc_lock);
    bool queued = Dpc->DpcData != NULL;
    if (queued) {
        PKDPC prev = NULL;
        for (PKDPC d = ke_dpc_head; d; prev = d, d = (PKDPC)d->DpcListEntry.Next)
            if (d == Dpc) {
                if (prev)
                    prev->DpcListEntry.Next = d->DpcListEntry.Next;
                else
                    ke_dpc_head = (PKDPC)d->DpcListEntry.Next;
                if (ke_dpc_tail == d)
                    ke_dpc_tail = prev;
                break;
            }
        Dpc->DpcData = NULL;
    }
    pthread_mutex_unlock(&ke_dpc_lock);
    return queued;
}

NTKERNELAPI VOID KeFlushQueuedDpcs(VOID)
{
    if (!ke_irql_at_most(PASSIVE_LEVEL, "KeFlushQueuedDpcs", VF_CALLER))
        return; /* from a DPC it would wait for itself */
    pthread_once(&ke_dpc_once, ke_dpc_start);
    pthread_mutex_lock(&ke_dpc_lock);
    while (ke_dpc_head != NULL || ke_running_dpc)
        pthread_cond_wait(&ke_dpc_idle, &ke_dpc_lock);
    pthread_mutex_unlock(&ke_dpc_lock);
}

NTKERNELAPI NTSTATUS KeQueryDpcWatchdogInformation(PKDPC_WATCHDOG_INFORMATION WatchdogInformation)
{
    memset(WatchdogInformation, 0, sizeof *WatchdogInformation); /* no watchdog: no limits */
    return STATUS_SUCCESS;
}

NTKERNELAPI VOID KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance)
{
    Dpc->Importance = (UCHAR)Importance;
}

NTKERNELAPI VOID KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number)
{
    Dpc->Number = (USHORT)Number;
}

/* ---- worker threads ---------------------------------------------------------------------- */
/* Several, like Windows' system worker threads: a work item that blocks (waiting for another
 * work item, say) does not stall the rest. */
#define KE_WORKERS 4

static _Thread_local OPENNDIS_TLS bool ke_is_worker;

bool ke_work_self(void)
{
    return ke_is_worker;
}

static void *ke_work_thread(void *unused)
{
    (void)unused;
    ke_is_worker = true;
    pthread_mutex_lock(&ke_work_lock);
    for (;;) {
        while (ke_work_head == NULL)
            pthread_cond_wait(&ke_work_cond, &ke_work_lock);
        struct ke_work *w = ke_work_head;
        ke_work_head = w->next;
        if (ke_work_head == NULL)
            ke_work_tail = NULL;
        w->queued = false;
        w->running++;
        ke_work_busy++;
        pthread_mutex_unlock(&ke_work_lock);
        w->run(w);
        pthread_mutex_lock(&ke_work_lock);
        w->running--;
        ke_work_busy--;
        pthread_cond_broadcast(&ke_work_idle);
    }
    return NULL;
}

static void ke_work_start(void)
{
    ke_cond_init(&ke_work_cond);
    ke_cond_init(&ke_work_idle);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < KE_WORKERS; i++) {
        pthread_t tid;
        pthread_create(&tid, &attr, ke_work_thread, NULL);
    }
    pthread_attr_destroy(&attr);
}

bool ke_work_queue(struct ke_work *w, void *arg1, void *arg2)
{
    pthread_once(&ke_work_once, ke_work_start);
    pthread_mutex_lock(&ke_work_lock);
    bool was_queued = w->queued;
    if (!was_queued) {
        w->arg1 = arg1;
        w->arg2 = arg2;
        w->queued = true;
        w->next = NULL;
        if (ke_work_tail)
            ke_work_tail->next = w;
        else
            ke_work_head = w;
        ke_work_tail = w;
        pthread_cond_signal(&ke_work_cond);
    }
    pthread_mutex_unlock(&ke_work_lock);
    return !was_queued;
}

/* Waits until `w` is neither queued nor running, except for its own run when called from a
 * worker (a routine may free its own work item). */
bool ke_work_wait_idle(struct ke_work *w, bool *was_queued)
{
    pthread_once(&ke_work_once, ke_work_start);
    pthread_mutex_lock(&ke_work_lock);
    *was_queued = w->queued;
    unsigned self = ke_work_self() && w->running > 0 ? 1 : 0;
    while (w->queued || w->running > self)
        pthread_cond_wait(&ke_work_idle, &ke_work_lock);
    pthread_mutex_unlock(&ke_work_lock);
    return self == 0;
}

/* Waits until the workers have nothing queued or running. */
void ke_work_flush(void)
{
    pthread_once(&ke_work_once, ke_work_start);
    pthread_mutex_lock(&ke_work_lock);
    while (ke_work_head != NULL || ke_work_busy > (ke_work_self() ? 1u : 0u))
        pthread_cond_wait(&ke_work_idle, &ke_work_lock);
    pthread_mutex_unlock(&ke_work_lock);
}
