/* Spin locks. A KSPIN_LOCK holds the owning thread's id while held, so the verifier can
 * see a release by a non-owner, a recursive acquire (a deadlock on Windows) and a lock still
 * held when a handler returns. Acquiring raises to DISPATCH_LEVEL as on Windows. */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "ke.h"

static _Thread_local char ke_thread_tag; /* its address identifies this thread */
#define KE_SELF ((ULONG_PTR)&ke_thread_tag)

static void ke_spin_acquire(PKSPIN_LOCK lock, const char *fn, const void *site)
{
    if (__atomic_load_n(lock, __ATOMIC_RELAXED) == KE_SELF) {
        vf_violation(VF_SPINLOCK_MISUSE, fn, site,
                     "acquiring spin lock %p that this thread already holds: on Windows this deadlocks", (void *)lock);
        return;
    }
    for (unsigned spins = 0;; spins++) {
        ULONG_PTR expected = 0;
        if (__atomic_compare_exchange_n(lock, &expected, KE_SELF, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
        if (spins > 64)
            sched_yield(); /* our "processors" are threads that can be descheduled */
    }
}

static void ke_spin_release(PKSPIN_LOCK lock, const char *fn, const void *site)
{
    ULONG_PTR owner = __atomic_load_n(lock, __ATOMIC_RELAXED);
    if (owner != KE_SELF) {
        vf_violation(VF_SPINLOCK_MISUSE, fn, site, "releasing spin lock %p that %s", (void *)lock,
                     owner == 0 ? "is not held" : "another thread holds");
        return;
    }
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

NTHALAPI KIRQL KfAcquireSpinLock(PKSPIN_LOCK SpinLock)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, "KeAcquireSpinLock", site);
    KIRQL old = ke_irql_set(DISPATCH_LEVEL);
    ke_spin_acquire(SpinLock, "KeAcquireSpinLock", site);
    return old;
}

NTHALAPI VOID KfReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    ke_spin_release(SpinLock, "KeReleaseSpinLock", VF_CALLER);
    ke_irql_set(NewIrql);
}

static void ke_require_dispatch(const char *fn, const void *site)
{
    if (ke_irql() != DISPATCH_LEVEL)
        vf_violation(VF_IRQL_TOO_HIGH, fn, site, "%s requires DISPATCH_LEVEL but runs at %s", fn, ke_irql_name(ke_irql()));
}

NTKERNELAPI VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    const void *site = VF_CALLER;
    ke_require_dispatch("KeAcquireSpinLockAtDpcLevel", site);
    ke_spin_acquire(SpinLock, "KeAcquireSpinLockAtDpcLevel", site);
}

NTKERNELAPI VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    ke_spin_release(SpinLock, "KeReleaseSpinLockFromDpcLevel", VF_CALLER);
}

NDISAPI VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    SpinLock->SpinLock = 0;
    SpinLock->OldIrql = PASSIVE_LEVEL;
}

NDISAPI VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    if (__atomic_load_n(&SpinLock->SpinLock, __ATOMIC_RELAXED) != 0)
        vf_violation(VF_SPINLOCK_MISUSE, "NdisFreeSpinLock", VF_CALLER, "freeing spin lock %p while it is held",
                     (void *)SpinLock);
}

NDISAPI VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, "NdisAcquireSpinLock", site);
    KIRQL old = ke_irql_set(DISPATCH_LEVEL);
    ke_spin_acquire(&SpinLock->SpinLock, "NdisAcquireSpinLock", site);
    SpinLock->OldIrql = old;
}

NDISAPI VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    KIRQL old = SpinLock->OldIrql;
    ke_spin_release(&SpinLock->SpinLock, "NdisReleaseSpinLock", VF_CALLER);
    ke_irql_set(old);
}

NDISAPI VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    const void *site = VF_CALLER;
    ke_require_dispatch("NdisDprAcquireSpinLock", site);
    ke_spin_acquire(&SpinLock->SpinLock, "NdisDprAcquireSpinLock", site);
}

NDISAPI VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    ke_spin_release(&SpinLock->SpinLock, "NdisDprReleaseSpinLock", VF_CALLER);
}

NDISAPI VOID NdisMSleep(ULONG MicrosecondsToSleep)
{
    ke_irql_at_most(PASSIVE_LEVEL, "NdisMSleep", VF_CALLER);
    struct timespec ts = { MicrosecondsToSleep / 1000000, (long)(MicrosecondsToSleep % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

NDISAPI VOID NdisStallExecution(ULONG MicrosecondsToStall)
{
    if (MicrosecondsToStall > 50)
        vf_violation(VF_STALL_TOO_LONG, "NdisStallExecution", VF_CALLER,
                     "stalling %u us; NdisStallExecution is for delays of at most 50 us", MicrosecondsToStall);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do /* busy-wait, as the real one does */
        clock_gettime(CLOCK_MONOTONIC, &now);
    while ((now.tv_sec - start.tv_sec) * 1000000L + (now.tv_nsec - start.tv_nsec) / 1000 < (long)MicrosecondsToStall);
}

NDISAPI VOID NdisGetCurrentSystemTime(PLARGE_INTEGER SystemTime)
{
    /* 100 ns units since 1601-01-01, like KeQuerySystemTime. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    SystemTime->QuadPart = ((LONGLONG)ts.tv_sec + 11644473600LL) * 10000000LL + ts.tv_nsec / 100;
}
