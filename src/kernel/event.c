/* Events. A KEVENT lives in driver memory and is too small for a pthread condition, so all
 * events share one: setting any event wakes every waiter, which rechecks its own. The same
 * waits take threads and processes (signalled when they end) and events a client passed as
 * eventfds: their state is the eventfd's counter, and a watcher thread wakes the waiters
 * when the client writes to one. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "ke.h"
#include "ob.h"

#define KE_EVENT_NOTIFICATION 0
#define KE_EVENT_SYNCHRONIZATION 1
#define KE_MUTEX 2

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

static bool ke_is_user_event(const DISPATCHER_HEADER *h)
{
    return h->Type == KE_EVENT_USER_NOTIFICATION || h->Type == KE_EVENT_USER_SYNCHRONIZATION;
}

static int ke_user_fd(const DISPATCHER_HEADER *h)
{
    return CONTAINING_RECORD(h, struct ke_user_event, event.Header)->fd;
}

static bool ke_mutex_mine(const DISPATCHER_HEADER *h)
{
    return CONTAINING_RECORD(h, KMUTEX, Header)->OwnerThread == KeGetCurrentThread();
}

/* Whether a dispatcher object is signalled (for a mutex: free, or owned by this thread);
 * the caller holds ke_event_lock. */
static bool ke_signalled(const DISPATCHER_HEADER *h)
{
    if (h->Type == KE_MUTEX)
        return h->SignalState > 0 || ke_mutex_mine(h);
    if (!ke_is_user_event(h))
        return h->SignalState != 0;
    struct pollfd pfd = { .fd = ke_user_fd(h), .events = POLLIN };
    return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/* A wait on it was satisfied: an auto-reset event goes back to non-signalled. */
static void ke_consume(DISPATCHER_HEADER *h)
{
    uint64_t count;
    if (h->Type == KE_MUTEX) {
        CONTAINING_RECORD(h, KMUTEX, Header)->OwnerThread = KeGetCurrentThread();
        h->SignalState--;
    } else if (h->Type == KE_EVENT_SYNCHRONIZATION)
        h->SignalState = 0;
    else if (h->Type == KE_EVENT_USER_SYNCHRONIZATION)
        (void)!read(ke_user_fd(h), &count, sizeof count);
}

void ke_dispatcher_signal(DISPATCHER_HEADER *header)
{
    pthread_once(&ke_event_once, ke_event_init);
    pthread_mutex_lock(&ke_event_lock);
    header->SignalState = 1;
    pthread_cond_broadcast(&ke_event_cond);
    pthread_mutex_unlock(&ke_event_lock);
}

/* ---- the eventfd watcher: one thread, edge-triggered, wakes every waiter on each write ---- */
static int ke_watch_fd = -1;
static pthread_once_t ke_watch_once = PTHREAD_ONCE_INIT;

static void *ke_watch_thread(void *unused)
{
    (void)unused;
    struct epoll_event ev[16];
    for (;;) {
        int n = epoll_wait(ke_watch_fd, ev, 16, -1);
        if (n < 0 && errno != EINTR)
            return NULL;
        if (n <= 0)
            continue;
        pthread_mutex_lock(&ke_event_lock);
        pthread_cond_broadcast(&ke_event_cond);
        pthread_mutex_unlock(&ke_event_lock);
    }
}

static void ke_watch_start(void)
{
    pthread_once(&ke_event_once, ke_event_init);
    ke_watch_fd = epoll_create1(EPOLL_CLOEXEC);
    if (ke_watch_fd < 0)
        return;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t tid;
    if (pthread_create(&tid, &attr, ke_watch_thread, NULL) != 0) {
        close(ke_watch_fd);
        ke_watch_fd = -1;
    }
    pthread_attr_destroy(&attr);
}

bool ke_user_event_init(struct ke_user_event *e, int fd, bool synchronization)
{
    pthread_once(&ke_watch_once, ke_watch_start);
    /* only an eventfd behaves like an event: 8-byte counter reads and writes */
    char link[64], target[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (ke_watch_fd < 0 || n <= 0 || (target[n] = 0, strcmp(target, "anon_inode:[eventfd]") != 0))
        return false;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return false;
    KeInitializeEvent(&e->event, synchronization ? SynchronizationEvent : NotificationEvent, FALSE);
    e->event.Header.Type = synchronization ? KE_EVENT_USER_SYNCHRONIZATION : KE_EVENT_USER_NOTIFICATION;
    e->fd = fd;
    struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.ptr = e };
    return epoll_ctl(ke_watch_fd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

void ke_user_event_close(struct ke_user_event *e)
{
    if (e->fd < 0)
        return;
    epoll_ctl(ke_watch_fd, EPOLL_CTL_DEL, e->fd, NULL);
    close(e->fd);
    e->fd = -1;
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
    LONG old = ke_signalled(&Event->Header) ? 1 : 0;
    if (ke_is_user_event(&Event->Header)) {
        uint64_t one = 1;
        (void)!write(ke_user_fd(&Event->Header), &one, sizeof one);
    }
    Event->Header.SignalState = 1;
    pthread_cond_broadcast(&ke_event_cond);
    pthread_mutex_unlock(&ke_event_lock);
    return old;
}

NTKERNELAPI LONG KeResetEvent(PRKEVENT Event)
{
    pthread_mutex_lock(&ke_event_lock);
    LONG old = ke_signalled(&Event->Header) ? 1 : 0;
    if (ke_is_user_event(&Event->Header)) {
        uint64_t count;
        (void)!read(ke_user_fd(&Event->Header), &count, sizeof count);
    }
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
    LONG state = ke_signalled(&Event->Header) ? 1 : 0;
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
    while (!ke_signalled(&event->Header)) {
        int rc = timeout_ns == UINT64_MAX ? pthread_cond_wait(&ke_event_cond, &ke_event_lock)
                                          : pthread_cond_timedwait(&ke_event_cond, &ke_event_lock, &until);
        if (rc == ETIMEDOUT)
            break;
    }
    bool signalled = ke_signalled(&event->Header);
    if (signalled)
        ke_consume(&event->Header);
    pthread_mutex_unlock(&ke_event_lock);
    return signalled;
}

NTKERNELAPI VOID KeInitializeMutex(PRKMUTEX Mutex, ULONG Level)
{
    (void)Level;
    memset(Mutex, 0, sizeof *Mutex);
    Mutex->Header.Type = KE_MUTEX;
    Mutex->Header.SignalState = 1;
    InitializeListHead(&Mutex->Header.WaitListHead);
    InitializeListHead(&Mutex->MutantListEntry);
}

NTKERNELAPI LONG KeReadStateMutex(PRKMUTEX Mutex)
{
    return Mutex->Header.SignalState;
}

/* Returns the state before the release. Releasing a mutex this thread does not own is
 * Windows' MUTEX_NOT_OWNED bug check: a finding here, and the mutex is left as it was. */
NTKERNELAPI LONG KeReleaseMutex(PRKMUTEX Mutex, BOOLEAN Wait)
{
    static const char fn[] = "KeReleaseMutex";
    const void *site = VF_CALLER;
    (void)Wait;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    pthread_once(&ke_event_once, ke_event_init);
    pthread_mutex_lock(&ke_event_lock);
    LONG before = Mutex->Header.SignalState;
    if (Mutex->Header.Type != KE_MUTEX || before > 0 || !ke_mutex_mine(&Mutex->Header)) {
        pthread_mutex_unlock(&ke_event_lock);
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "mutex %p is released by a thread that does not own it%s",
                     (void *)Mutex, Mutex->Header.Type != KE_MUTEX ? " (it is not an initialized mutex)" : "");
        return before;
    }
    if (++Mutex->Header.SignalState == 1) {
        Mutex->OwnerThread = NULL;
        pthread_cond_broadcast(&ke_event_cond);
    }
    pthread_mutex_unlock(&ke_event_lock);
    return before;
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
            if (ke_signalled(&((PRKEVENT)Object[i])->Header)) {
                signalled++;
                if (first == Count)
                    first = i;
            }
        }
        if (WaitType == WaitAny && first < Count) {
            ke_consume(&((PRKEVENT)Object[first])->Header);
            status = STATUS_WAIT_0 + (NTSTATUS)first;
            break;
        }
        if (WaitType == WaitAll && signalled == Count) {
            for (ULONG i = 0; i < Count; i++)
                ke_consume(&((PRKEVENT)Object[i])->Header);
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
