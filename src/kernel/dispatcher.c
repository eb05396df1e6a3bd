/* Deferred work. Each modelled processor has a DPC thread that runs the DPCs queued to it at
 * DISPATCH_LEVEL, holding its processor meanwhile; processor 0's also runs expired timers (a
 * timer's DPC runs where the clock interrupt is taken: here, always there). A few worker
 * threads run work items at PASSIVE_LEVEL. Threads start on first use. */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "ke.h"

/* KeSetTargetProcessorDpc stores processor k as KE_DPC_TARGETED + k in KDPC.Number, so that
 * processor 0 is told apart from "where it was queued". */
#define KE_DPC_TARGETED 0x100u

struct ke_dpc_processor {
    PKDPC head, tail;
    pthread_cond_t cond;        /* work arrived, or (processor 0) time to recheck timers */
    const void *running;        /* the KDPC or ke_timer being run */
    bool running_dpc;           /* running is a KDPC, not a timer */
    bool started;
};

static pthread_mutex_t ke_dpc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ke_dpc_idle;   /* a DPC or timer callback finished */
static pthread_once_t ke_dpc_once = PTHREAD_ONCE_INIT;
static struct ke_dpc_processor ke_dpc_cpu[KE_MAX_PROCESSORS];
static struct ke_timer *ke_timers;   /* sorted by due time */

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

/* ---- DPC threads ---------------------------------------------------------------------------- */
static bool ke_timer_due(unsigned k, uint64_t *now)
{
    if (k != 0 || ke_timers == NULL)
        return false;
    *now = ke_now_ns();
    return ke_timers->due_ns <= *now;
}

/* Runs the first expired timer; lock held on entry and exit. */
static void ke_timer_run(struct ke_dpc_processor *c, uint64_t now)
{
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
    c->running = t;
    pthread_mutex_unlock(&ke_dpc_lock);
    t->fire(t);
    pthread_mutex_lock(&ke_dpc_lock);
    c->running = NULL;
    pthread_cond_broadcast(&ke_dpc_idle);
}

/* Runs the first queued DPC; lock held on entry and exit. */
static void ke_dpc_run(struct ke_dpc_processor *c)
{
    PKDPC dpc = c->head;
    c->head = (PKDPC)dpc->DpcListEntry.Next;
    if (c->head == NULL)
        c->tail = NULL;
    dpc->DpcListEntry.Next = NULL;
    PVOID a1 = dpc->SystemArgument1, a2 = dpc->SystemArgument2;
    dpc->DpcData = NULL; /* may be queued again from its own routine */
    c->running = dpc;
    c->running_dpc = true;
    pthread_mutex_unlock(&ke_dpc_lock);
    KE_DRIVER_CALL(dpc->DeferredRoutine, dpc, dpc->DeferredContext, a1, a2);
    ke_irql_after_handler(DISPATCH_LEVEL, "DPC routine", (const void *)dpc->DeferredRoutine);
    pthread_mutex_lock(&ke_dpc_lock);
    c->running = NULL;
    c->running_dpc = false;
    pthread_cond_broadcast(&ke_dpc_idle);
}

static void *ke_dpc_thread(void *arg)
{
    unsigned k = (unsigned)(uintptr_t)arg;
    struct ke_dpc_processor *c = &ke_dpc_cpu[k];
    ke_processor_pin(k);
    pthread_mutex_lock(&ke_dpc_lock);
    for (;;) {
        uint64_t now = 0;
        bool timer = ke_timer_due(k, &now);
        bool work = c->head != NULL || timer;
        /* The processor is taken and given back without the lock: a thread holding it may
         * be queueing a DPC right now. */
        if (work != (ke_irql() >= DISPATCH_LEVEL)) {
            pthread_mutex_unlock(&ke_dpc_lock);
            ke_irql_set(work ? DISPATCH_LEVEL : PASSIVE_LEVEL);
            pthread_mutex_lock(&ke_dpc_lock);
            continue; /* look again: things changed while unlocked */
        }
        if (c->head != NULL) {
            ke_dpc_run(c);
        } else if (timer) {
            ke_timer_run(c, now);
        } else if (k == 0 && ke_timers != NULL) {
            struct timespec until = { (time_t)(ke_timers->due_ns / 1000000000u),
                                      (long)(ke_timers->due_ns % 1000000000u) };
            pthread_cond_timedwait(&c->cond, &ke_dpc_lock, &until);
        } else {
            pthread_cond_wait(&c->cond, &ke_dpc_lock);
        }
    }
    return NULL;
}

static void ke_dpc_init(void)
{
    ke_cond_init(&ke_dpc_idle);
    for (unsigned k = 0; k < KE_MAX_PROCESSORS; k++)
        ke_cond_init(&ke_dpc_cpu[k].cond);
}

/* Processor k's queue, its thread started; lock held. */
static struct ke_dpc_processor *ke_dpc_processor(unsigned k)
{
    struct ke_dpc_processor *c = &ke_dpc_cpu[k];
    if (!c->started) {
        pthread_t tid;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        c->started = pthread_create(&tid, &attr, ke_dpc_thread, (void *)(uintptr_t)k) == 0;
        pthread_attr_destroy(&attr);
    }
    return c;
}

bool ke_timer_set(struct ke_timer *t, uint64_t due_ns, uint32_t period_ms)
{
    pthread_once(&ke_dpc_once, ke_dpc_init);
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
    pthread_cond_signal(&ke_dpc_processor(0)->cond);
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

/* Is `object` running on some processor's DPC thread? Lock held. */
static bool ke_dpc_is_running(const void *object)
{
    for (unsigned k = 0; k < ke_processor_count(); k++)
        if (ke_dpc_cpu[k].running == object)
            return true;
    return false;
}

void ke_timer_wait_idle(const void *object)
{
    pthread_once(&ke_dpc_once, ke_dpc_init);
    pthread_mutex_lock(&ke_dpc_lock);
    /* from its own callback it would wait for itself */
    bool self = ke_irql() >= DISPATCH_LEVEL && ke_dpc_cpu[ke_processor_current()].running == object;
    while (!self && ke_dpc_is_running(object))
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
    /* targeted: there; else the processor the caller runs on, as Windows does */
    unsigned target = Dpc->Number >= KE_DPC_TARGETED ? Dpc->Number - KE_DPC_TARGETED : ke_processor_current();
    pthread_once(&ke_dpc_once, ke_dpc_init);
    pthread_mutex_lock(&ke_dpc_lock);
    if (Dpc->DpcData != NULL) {
        pthread_mutex_unlock(&ke_dpc_lock);
        return FALSE; /* already queued */
    }
    struct ke_dpc_processor *c = ke_dpc_processor(target);
    Dpc->DpcData = c;
    Dpc->SystemArgument1 = SystemArgument1;
    Dpc->SystemArgument2 = SystemArgument2;
    Dpc->DpcListEntry.Next = NULL;
    if (Dpc->Importance == HighImportance && c->head != NULL) {
        Dpc->DpcListEntry.Next = (PSINGLE_LIST_ENTRY)c->head;
        c->head = Dpc;
    } else {
        if (c->tail != NULL)
            c->tail->DpcListEntry.Next = (PSINGLE_LIST_ENTRY)Dpc;
        else
            c->head = Dpc;
        c->tail = Dpc;
    }
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&ke_dpc_lock);
    return TRUE;
}

NTKERNELAPI BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc)
{
    pthread_once(&ke_dpc_once, ke_dpc_init);
    pthread_mutex_lock(&ke_dpc_lock);
    struct ke_dpc_processor *c = Dpc->DpcData;
    bool queued = c != NULL;
    if (queued) {
        PKDPC prev = NULL;
        for (PKDPC d = c->head; d; prev = d, d = (PKDPC)d->DpcListEntry.Next)
            if (d == Dpc) {
                if (prev)
                    prev->DpcListEntry.Next = d->DpcListEntry.Next;
                else
                    c->head = (PKDPC)d->DpcListEntry.Next;
                if (c->tail == d)
                    c->tail = prev;
                break;
            }
        Dpc->DpcData = NULL;
    }
    pthread_mutex_unlock(&ke_dpc_lock);
    return queued;
}

/* Anything queued or running on any processor? Lock held. */
static bool ke_dpc_busy(void)
{
    for (unsigned k = 0; k < ke_processor_count(); k++)
        if (ke_dpc_cpu[k].head != NULL || ke_dpc_cpu[k].running_dpc)
            return true;
    return false;
}

NTKERNELAPI VOID KeFlushQueuedDpcs(VOID)
{
    if (!ke_irql_at_most(PASSIVE_LEVEL, "KeFlushQueuedDpcs", VF_CALLER))
        return; /* from a DPC it would wait for itself */
    pthread_once(&ke_dpc_once, ke_dpc_init);
    pthread_mutex_lock(&ke_dpc_lock);
    while (ke_dpc_busy())
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
    if (Number < 0 || (ULONG)Number >= ke_processor_count()) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "KeSetTargetProcessorDpc", VF_CALLER,
                     "DPC %p targeted at processor %d; processors are 0..%lu", (void *)Dpc, Number,
                     (unsigned long)ke_processor_count() - 1);
        return;
    }
    Dpc->Number = (USHORT)(KE_DPC_TARGETED + (unsigned)Number);
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
