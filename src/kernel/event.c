/* Events. A KEVENT lives in driver memory and is too small for a pthread condition, so all
 * events share one: setting any event wakes every waiter, which rechecks its own. */
#include <errno.h>
#include <time.h>

#include "ke.h"

#define KE_EVENT_NOTIFICATION 0
#define KE_EVENT_SYNCHRONIZATION 1

static pthread_mutex_t ke_event_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ke_event_cond;
static pthread_once_t ke_event_once = PTHREAD_ONCE_INIT;

static void ke_event_init(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&ke_event_cond, &attr);
    pthread_condattr_destroy(&attr);
}

NTKERNELAPI VOID KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    pthread_once(&ke_event_once, ke_event_init);
    pthread_mutex_lock(&ke_event_lock);
    Event->Header.Type = Type == SynchronizationEvent ? KE_EVENT_SYNCHRONIZATION : KE_EVENT_NOTIFICATION;
    Event->Header.Size = sizeof(KEVENT) / sizeof(LONG);
    Event->Header.SignalState = State ? 1 : 0;
    InitializeListHead(&Event->Header.WaitListHead);
    pthread_mutex_unlock(&ke_event_lock);
}

NTKERNELAPI LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    (void)Increment;
    (void)Wait;
    ke_irql_at_most(DISPATCH_LEVEL, "KeSetEvent", VF_CALLER);
    pthread_once(&ke_event_once, ke_event_init);
    pthread_mutex_lock(&ke_event_lock);
    LONG old = Event->Header.SignalState;
    Event->Header.SignalState = 1;
    pthread_cond_broadcast(&ke_event_cond);
    pthread_mutex_unlock(&ke_event_lock);
    return old;
}

NTKERNELAPI LONG KeResetEvent(PRKEVENT Event)
{
    pthread_mutex_lock(&ke_event_lock);
    LONG old = Event->Header.SignalState;
    Event->Header.SignalState = 0;
    pthread_mutex_unlock(&ke_event_lock);
    return old;
}

NTKERNELAPI VOID KeClearEvent(PRKEVENT Event)
{
    KeResetEvent(Event);
}

NTKERNELAPI LONG KeReadStateEvent(PRKEVENT Event)
{
    pthread_mutex_lock(&ke_event_lock);
    LONG state = Event->Header.SignalState;
    pthread_mutex_unlock(&ke_event_lock);
    return state;
}

/* Waits up to `timeout_ns` (UINT64_MAX: forever); a synchronization event resets when a
 * waiter takes it. */
static bool ke_event_wait(PRKEVENT event, uint64_t timeout_ns)
{
    pthread_once(&ke_event_once, ke_event_init);
    struct timespec until;
    uint64_t deadline = timeout_ns == UINT64_MAX ? 0 : ke_now_ns() + timeout_ns;
    until.tv_sec = (time_t)(deadline / 1000000000u);
    until.tv_nsec = (long)(deadline % 1000000000u);
    pthread_mutex_lock(&ke_event_lock);
    while (event->Header.SignalState == 0) {
        int rc = timeout_ns == UINT64_MAX ? pthread_cond_wait(&ke_event_cond, &ke_event_lock)
                                          : pthread_cond_timedwait(&ke_event_cond, &ke_event_lock, &until);
        if (rc == ETIMEDOUT)
            break;
    }
    bool signalled = event->Header.SignalState != 0;
    if (signalled && event->Header.Type == KE_EVENT_SYNCHRONIZATION)
        event->Header.SignalState = 0;
    pthread_mutex_unlock(&ke_event_lock);
    return signalled;
}

NTKERNELAPI NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                                           BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    (void)WaitReason;
    (void)WaitMode;
    (void)Alertable;
    const void *site = VF_CALLER;
    /* Waiting with a non-zero timeout needs PASSIVE_LEVEL (or APC); a zero timeout polls. */
    bool poll = Timeout != NULL && Timeout->QuadPart == 0;
    ke_irql_at_most(poll ? DISPATCH_LEVEL : APC_LEVEL, "KeWaitForSingleObject", site);
    uint64_t ns = UINT64_MAX;
    if (Timeout != NULL)
        ns = Timeout->QuadPart < 0 ? (uint64_t)(-Timeout->QuadPart) * 100u : 0;
    return ke_event_wait(Object, ns) ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

/* Several events at once, under the shared event lock. WaitAny takes the first signalled one
 * (and resets it if it is a synchronization event); WaitAll waits until all are signalled. */
NTKERNELAPI NTSTATUS KeWaitForMultipleObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType,
                                              KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                                              BOOLEAN Alertable, PLARGE_INTEGER Timeout,
                                              PKWAIT_BLOCK WaitBlockArray)
{
    static const char fn[] = "KeWaitForMultipleObjects";
    const void *site = VF_CALLER;
    (void)WaitReason, (void)WaitMode, (void)Alertable;
    bool poll = Timeout != NULL && Timeout->QuadPart == 0;
    ke_irql_at_most(poll ? DISPATCH_LEVEL : APC_LEVEL, fn, site);
    if (Count == 0 || Count > MAXIMUM_WAIT_OBJECTS || (Count > THREAD_WAIT_OBJECTS && WaitBlockArray == NULL) ||
        (WaitType != WaitAny && WaitType != WaitAll)) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "Count %lu needs 1..%d objects (more than %d only with a WaitBlockArray) and WaitAny or WaitAll",
                     (unsigned long)Count, MAXIMUM_WAIT_OBJECTS, THREAD_WAIT_OBJECTS);
        return STATUS_INVALID_PARAMETER;
    }
    uint64_t timeout_ns = UINT64_MAX;
    if (Timeout != NULL)
        timeout_ns = Timeout->QuadPart < 0 ? (uint64_t)(-Timeout->QuadPart) * 100u : 0;
    pthread_once(&ke_event_once, ke_event_init);
    uint64_t deadline = timeout_ns == UINT64_MAX ? 0 : ke_now_ns() + timeout_ns;
    struct timespec until = { .tv_sec = (time_t)(deadline / 1000000000u), .tv_nsec = (long)(deadline % 1000000000u) };
    NTSTATUS status = STATUS_TIMEOUT;
    pthread_mutex_lock(&ke_event_lock);
    for (;;) {
        ULONG signalled = 0, first = Count;
        for (ULONG i = 0; i < Count; i++) {
            if (((PRKEVENT)Object[i])->Header.SignalState != 0) {
                signalled++;
                if (first == Count)
                    first = i;
            }
        }
        if (WaitType == WaitAny && first < Count) {
            PRKEVENT e = Object[first];
            if (e->Header.Type == KE_EVENT_SYNCHRONIZATION)
                e->Header.SignalState = 0;
            status = STATUS_WAIT_0 + (NTSTATUS)first;
            break;
        }
        if (WaitType == WaitAll && signalled == Count) {
            for (ULONG i = 0; i < Count; i++) {
                PRKEVENT e = Object[i];
                if (e->Header.Type == KE_EVENT_SYNCHRONIZATION)
                    e->Header.SignalState = 0;
            }
            status = STATUS_WAIT_0;
            break;
        }
        int rc = timeout_ns == UINT64_MAX ? pthread_cond_wait(&ke_event_cond, &ke_event_lock)
                                          : pthread_cond_timedwait(&ke_event_cond, &ke_event_lock, &until);
        if (rc == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&ke_event_lock);
    return status;
}

NDISAPI VOID NdisInitializeEvent(PNDIS_EVENT Event)
{
    KeInitializeEvent(&Event->Event, NotificationEvent, FALSE);
}

NDISAPI VOID NdisSetEvent(PNDIS_EVENT Event)
{
    KeSetEvent(&Event->Event, 0, FALSE);
}

NDISAPI VOID NdisResetEvent(PNDIS_EVENT Event)
{
    KeResetEvent(&Event->Event);
}

NDISAPI BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait)
{
    ke_irql_at_most(PASSIVE_LEVEL, "NdisWaitEvent", VF_CALLER);
    return ke_event_wait(&Event->Event, MsToWait == 0 ? UINT64_MAX : (uint64_t)MsToWait * 1000000u);
}
