/* Spin locks. A KSPIN_LOCK holds the owning thread's id while held, so the verifier can
 * see a release by a non-owner, a recursive acquire (a deadlock on Windows) and a lock still
 * held when a handler returns. Acquiring raises to DISPATCH_LEVEL as on Windows. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "ke.h"

static _Thread_local OPENNDIS_TLS char ke_thread_tag; /* its address identifies this thread */
#define KE_SELF ((ULONG_PTR)&ke_thread_tag)

/* Contended, or already ours (a recursive acquire). Out of line: the uncontended acquire is
 * the data path's most frequent call and must stay a handful of instructions. */
static __attribute__((noinline)) void ke_spin_acquire_slow(PKSPIN_LOCK lock, const char *fn, const void *site)
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

static inline void ke_spin_acquire(PKSPIN_LOCK lock, const char *fn, const void *site)
{
    ULONG_PTR expected = 0;
    if (!__builtin_expect(__atomic_compare_exchange_n(lock, &expected, KE_SELF, 0, __ATOMIC_ACQUIRE,
                                                      __ATOMIC_RELAXED), 1))
        ke_spin_acquire_slow(lock, fn, site);
}

static __attribute__((noinline)) void ke_spin_release_bad(PKSPIN_LOCK lock, ULONG_PTR owner, const char *fn,
                                                          const void *site)
{
    vf_violation(VF_SPINLOCK_MISUSE, fn, site, "releasing spin lock %p that %s", (void *)lock,
                 owner == 0 ? "is not held" : "another thread holds");
}

static inline void ke_spin_release(PKSPIN_LOCK lock, const char *fn, const void *site)
{
    ULONG_PTR owner = __atomic_load_n(lock, __ATOMIC_RELAXED);
    if (__builtin_expect(owner != KE_SELF, 0)) {
        ke_spin_release_bad(lock, owner, fn, site);
        return;
    }
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* Raise to DISPATCH_LEVEL, then take the lock; the old IRQL goes back to the caller. */
static inline KIRQL ke_spin_acquire_raise(PKSPIN_LOCK lock, const char *fn, const void *site)
{
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    KIRQL old = ke_irql_set(DISPATCH_LEVEL);
    ke_spin_acquire(lock, fn, site);
    return old;
}

NTHALAPI KIRQL KfAcquireSpinLock(PKSPIN_LOCK SpinLock)
{
    return ke_spin_acquire_raise(SpinLock, "KeAcquireSpinLock", VF_CALLER);
}

/* The same on x64, exported under this name too (MSVC builds import it). */
NTKERNELAPI KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    return ke_spin_acquire_raise(SpinLock, "KeAcquireSpinLockRaiseToDpc", VF_CALLER);
}

NTHALAPI VOID KfReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    ke_spin_release(SpinLock, "KeReleaseSpinLock", VF_CALLER);
    ke_irql_set(NewIrql);
}

/* x64 Windows exports KeReleaseSpinLock as a function (PE images import it); the headers have
 * it as a macro for KfReleaseSpinLock. */
#undef KeReleaseSpinLock
NTKERNELAPI VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql);
NTKERNELAPI VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    ke_spin_release(SpinLock, "KeReleaseSpinLock", VF_CALLER);
    ke_irql_set(NewIrql);
}

__attribute__((noinline)) void ke_not_dispatch(const char *fn, const void *site)
{
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

NTKERNELAPI BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    ke_require_dispatch("KeTryToAcquireSpinLockAtDpcLevel", VF_CALLER);
    ULONG_PTR expected = 0;
    return __atomic_compare_exchange_n(SpinLock, &expected, KE_SELF, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* ---- NDIS 6.0 reader-writer lock in driver storage: State counts readers, -1 is a writer -- */
NDISAPI VOID NdisInitializeReadWriteLock(PNDIS_RW_LOCK Lock)
{
    memset(Lock, 0, sizeof *Lock);
}

NDISAPI VOID NdisAcquireReadWriteLock(PNDIS_RW_LOCK Lock, BOOLEAN fWrite, PLOCK_STATE LockState)
{
    ke_irql_at_most(DISPATCH_LEVEL, "NdisAcquireReadWriteLock", VF_CALLER);
    LockState->OldIrql = ke_irql_set(DISPATCH_LEVEL);
    LockState->LockState = fWrite ? 2 : 1;
    for (;;) {
        LONG state = __atomic_load_n(&Lock->State, __ATOMIC_RELAXED);
        LONG want = fWrite ? -1 : state + 1;
        if ((fWrite ? state == 0 : state >= 0) &&
            __atomic_compare_exchange_n(&Lock->State, &state, want, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
        sched_yield();
    }
}

NDISAPI VOID NdisReleaseReadWriteLock(PNDIS_RW_LOCK Lock, PLOCK_STATE LockState)
{
    if (LockState->LockState == 2)
        __atomic_store_n(&Lock->State, 0, __ATOMIC_RELEASE);
    else if (LockState->LockState == 1)
        __atomic_sub_fetch(&Lock->State, 1, __ATOMIC_RELEASE);
    else
        vf_violation(VF_SPINLOCK_MISUSE, "NdisReleaseReadWriteLock", VF_CALLER, "releasing a lock not acquired");
    LockState->LockState = 0;
    ke_irql_set(LockState->OldIrql);
}

/* In-stack queued spin locks: the same lock; the handle keeps the lock and the old IRQL. */
NTKERNELAPI VOID KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    static const char fn[] = "KeAcquireInStackQueuedSpinLock";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = ke_irql_set(DISPATCH_LEVEL);
    ke_spin_acquire(SpinLock, fn, site);
}

NTKERNELAPI VOID KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    ke_spin_release(LockHandle->LockQueue.Lock, "KeReleaseInStackQueuedSpinLock", VF_CALLER);
    ke_irql_set(LockHandle->OldIrql);
}

NTKERNELAPI VOID KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    static const char fn[] = "KeAcquireInStackQueuedSpinLockAtDpcLevel";
    const void *site = VF_CALLER;
    ke_require_dispatch(fn, site);
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = DISPATCH_LEVEL;
    ke_spin_acquire(SpinLock, fn, site);
}

NTKERNELAPI VOID KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
    ke_spin_release(LockHandle->LockQueue.Lock, "KeReleaseInStackQueuedSpinLockFromDpcLevel", VF_CALLER);
}
