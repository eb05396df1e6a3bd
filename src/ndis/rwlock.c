/* NDIS 6.20 reader-writer locks (NdisAllocateRWLock): allocated against a driver or adapter
 * handle, so they live with NDIS; the spin locks and the NDIS 6.0 lock in driver storage
 * are the kernel's (kernel/spinlock.c). */
#include <errno.h>
#include <pthread.h>

#include "ndis.h"
#include "../kernel/ke.h"

/* ---- NDIS 6.20 reader-writer locks: a pthread rwlock behind the handle ---------------------- */
struct ndis_rw_lock {
    pthread_rwlock_t lock;
};

NDISAPI PNDIS_RW_LOCK_EX NdisAllocateRWLock(NDIS_HANDLE NdisHandle)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, "NdisAllocateRWLock", site);
    struct ke_pool *owner = ndis_pool_of_handle(NdisHandle);
    if (owner == NULL) {
        vf_violation(VF_INVALID_HANDLE, "NdisAllocateRWLock", site,
                     "NdisHandle %p is neither a driver nor a miniport adapter handle", NdisHandle);
        return NULL;
    }
    if (vf_fault_inject("NdisAllocateRWLock", site))
        return NULL;
    struct ndis_rw_lock *l = ke_pool_alloc(owner, sizeof *l, 0, site, "NdisAllocateRWLock");
    if (l == NULL)
        return NULL;
    pthread_rwlock_init(&l->lock, NULL);
    return (PNDIS_RW_LOCK_EX)l;
}

NDISAPI VOID NdisFreeRWLock(PNDIS_RW_LOCK_EX Lock)
{
    struct ndis_rw_lock *l = (struct ndis_rw_lock *)Lock;
    pthread_rwlock_destroy(&l->lock);
    if (!ke_pool_free(l))
        vf_violation(VF_FREE_INVALID, "NdisFreeRWLock", VF_CALLER, "%p is not a lock from NdisAllocateRWLock", Lock);
}

static void ke_rw_acquire(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX State, UCHAR Flags, bool write, const char *fn,
                          const void *site)
{
    if (Flags & NDIS_RWL_AT_DISPATCH_LEVEL)
        ke_require_dispatch(fn, site);
    else
        ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    State->OldIrql = ke_irql_set(DISPATCH_LEVEL);
    State->LockState = write ? 2 : 1;
    State->Flags = Flags;
    struct ndis_rw_lock *l = (struct ndis_rw_lock *)Lock;
    int rc = write ? pthread_rwlock_wrlock(&l->lock) : pthread_rwlock_rdlock(&l->lock);
    if (rc != 0)
        vf_violation(VF_SPINLOCK_MISUSE, fn, site, "acquiring the lock failed (%s): already held by this thread?",
                     rc == EDEADLK ? "deadlock" : "error");
}

NDISAPI VOID NdisAcquireRWLockRead(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags)
{
    ke_rw_acquire(Lock, LockState, Flags, false, "NdisAcquireRWLockRead", VF_CALLER);
}

NDISAPI VOID NdisAcquireRWLockWrite(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags)
{
    ke_rw_acquire(Lock, LockState, Flags, true, "NdisAcquireRWLockWrite", VF_CALLER);
}

NDISAPI VOID NdisReleaseRWLock(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState)
{
    struct ndis_rw_lock *l = (struct ndis_rw_lock *)Lock;
    if (LockState->LockState == 0 || pthread_rwlock_unlock(&l->lock) != 0)
        vf_violation(VF_SPINLOCK_MISUSE, "NdisReleaseRWLock", VF_CALLER, "releasing a reader-writer lock not held");
    LockState->LockState = 0;
    ke_irql_set(LockState->OldIrql);
}
