/* NDIS 6.20 reader-writer locks (NdisAllocateRWLock): allocated against a driver or adapter
 * handle, so they live with NDIS; the spin locks and the NDIS 6.0 lock in driver storage
 * are the kernel's (kernel/spinlock.c).
 *
 * Every acquisition is recorded with the LOCK_STATE_EX the driver passed and the thread
 * that acquired (NDIS affinitizes an acquisition to its processor; here a thread plays a
 * processor), so that a release can be checked against what was really acquired. Reads and
 * writes are both recursive on one thread, as documented; promoting a read to a write is
 * the documented deadlock and is reported instead of waited on. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ndis.h"
#include "../common/array.h"
#include "../kernel/ke.h"

struct ndis_rw_holder {
    PLOCK_STATE_EX state;
    pthread_t thread;
    bool write;
};

struct ndis_rw_lock {
    pthread_mutex_t mutex; /* guards everything below */
    pthread_cond_t released;
    struct ndis_rw_holder *holders;
    size_t nholders, capacity;
};

static struct ndis_rw_lock *ndis_rw_checked(PNDIS_RW_LOCK_EX lock, const char *fn, const void *site)
{
    if (ndis_handle_kind(lock) == NDIS_HANDLE_RW_LOCK)
        return (struct ndis_rw_lock *)lock;
    vf_violation(VF_RW_LOCK_MISUSE, fn, site, "%p is not a lock NdisAllocateRWLock returned (or it was freed)",
                 (void *)lock);
    return NULL;
}

/* Counts this lock's acquisitions by the calling thread, for writing or for reading. */
static void ndis_rw_mine(const struct ndis_rw_lock *l, size_t *writes, size_t *reads)
{
    *writes = *reads = 0;
    pthread_t self = pthread_self();
    for (size_t i = 0; i < l->nholders; i++)
        if (pthread_equal(l->holders[i].thread, self))
            ++*(l->holders[i].write ? writes : reads);
}

static bool ndis_rw_others_write(const struct ndis_rw_lock *l)
{
    pthread_t self = pthread_self();
    for (size_t i = 0; i < l->nholders; i++)
        if (l->holders[i].write && !pthread_equal(l->holders[i].thread, self))
            return true;
    return false;
}

static bool ndis_rw_others_hold(const struct ndis_rw_lock *l)
{
    pthread_t self = pthread_self();
    for (size_t i = 0; i < l->nholders; i++)
        if (!pthread_equal(l->holders[i].thread, self))
            return true;
    return false;
}

NDISAPI PNDIS_RW_LOCK_EX NdisAllocateRWLock(NDIS_HANDLE NdisHandle)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, "NdisAllocateRWLock", site);
    struct ke_pool *owner = ndis_owner_checked(NdisHandle, "NdisHandle", "NdisAllocateRWLock", site);
    if (owner == NULL)
        return NULL;
    if (vf_fault_inject("NdisAllocateRWLock", site))
        return NULL;
    struct ndis_rw_lock *l = ke_pool_alloc(owner, sizeof *l, 0, site, "NdisAllocateRWLock");
    if (l == NULL)
        return NULL;
    *l = (struct ndis_rw_lock){ .holders = NULL };
    pthread_mutex_init(&l->mutex, NULL);
    pthread_cond_init(&l->released, NULL);
    if (!ndis_handle_add(l, NDIS_HANDLE_RW_LOCK)) {
        pthread_cond_destroy(&l->released);
        pthread_mutex_destroy(&l->mutex);
        ke_pool_free(l);
        return NULL;
    }
    return (PNDIS_RW_LOCK_EX)l;
}

NDISAPI VOID NdisFreeRWLock(PNDIS_RW_LOCK_EX Lock)
{
    static const char fn[] = "NdisFreeRWLock";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_rw_lock *l = ndis_rw_checked(Lock, fn, site);
    if (l == NULL)
        return;
    pthread_mutex_lock(&l->mutex);
    size_t held = l->nholders;
    pthread_mutex_unlock(&l->mutex);
    if (held != 0) {
        /* Freeing it would pull the lock from under its holders: it stays allocated (and so
         * shows as a leak too), the free is refused. */
        vf_violation(VF_RW_LOCK_MISUSE, fn, site, "freeing reader-writer lock %p while %zu acquisition%s still hold%s it",
                     (void *)Lock, held, held == 1 ? "" : "s", held == 1 ? "s" : "");
        return;
    }
    ndis_handle_remove(l);
    free(l->holders);
    pthread_cond_destroy(&l->released);
    pthread_mutex_destroy(&l->mutex);
    ke_pool_free(l);
}

static void ndis_rw_acquire(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX State, UCHAR Flags, bool write, const char *fn,
                            const void *site)
{
    if (Flags & NDIS_RWL_AT_DISPATCH_LEVEL)
        ke_require_dispatch(fn, site);
    else
        ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_rw_lock *l = ndis_rw_checked(Lock, fn, site);
    if (l == NULL)
        return;
    pthread_mutex_lock(&l->mutex);
    size_t writes, reads;
    ndis_rw_mine(l, &writes, &reads);
    if (write && reads > writes) {
        /* Held for reading by this thread and not under a write of its own: on Windows the
         * write waits for this very reader forever. */
        pthread_mutex_unlock(&l->mutex);
        vf_violation(VF_RW_LOCK_MISUSE, fn, site,
                     "acquiring reader-writer lock %p for writing while this thread holds it for reading: "
                     "NDIS does not promote a read lock, this deadlocks on Windows",
                     (void *)Lock);
        return;
    }
    if (writes == 0 && reads == 0) /* a recursive acquisition never waits */
        while (write ? ndis_rw_others_hold(l) : ndis_rw_others_write(l))
            pthread_cond_wait(&l->released, &l->mutex);
    struct ndis_rw_holder *grown = array_reserve(l->holders, &l->capacity, l->nholders + 1, sizeof *grown);
    if (grown == NULL) {
        pthread_mutex_unlock(&l->mutex);
        vf_violation(VF_RW_LOCK_MISUSE, fn, site, "OpenNDIS is out of memory recording an acquisition of %p",
                     (void *)Lock);
        return;
    }
    l->holders = grown;
    l->holders[l->nholders++] = (struct ndis_rw_holder){ State, pthread_self(), write };
    pthread_mutex_unlock(&l->mutex);
    State->OldIrql = ke_irql_set(DISPATCH_LEVEL);
    State->LockState = write ? 2 : 1;
    State->Flags = Flags;
}

NDISAPI VOID NdisAcquireRWLockRead(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags)
{
    ndis_rw_acquire(Lock, LockState, Flags, false, "NdisAcquireRWLockRead", VF_CALLER);
}

NDISAPI VOID NdisAcquireRWLockWrite(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags)
{
    ndis_rw_acquire(Lock, LockState, Flags, true, "NdisAcquireRWLockWrite", VF_CALLER);
}

NDISAPI VOID NdisReleaseRWLock(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState)
{
    static const char fn[] = "NdisReleaseRWLock";
    const void *site = VF_CALLER;
    struct ndis_rw_lock *l = ndis_rw_checked(Lock, fn, site);
    if (l == NULL)
        return;
    pthread_mutex_lock(&l->mutex);
    size_t i = l->nholders;
    while (i > 0 && l->holders[i - 1].state != LockState) /* the newest first: recursion unwinds */
        i--;
    if (i == 0) {
        pthread_mutex_unlock(&l->mutex);
        vf_violation(VF_RW_LOCK_MISUSE, fn, site,
                     "releasing reader-writer lock %p with a LOCK_STATE_EX (%p) that holds no acquisition of it: "
                     "not acquired, already released, or the state of another acquisition",
                     (void *)Lock, (void *)LockState);
        return;
    }
    struct ndis_rw_holder h = l->holders[i - 1];
    if (!pthread_equal(h.thread, pthread_self())) {
        pthread_mutex_unlock(&l->mutex);
        vf_violation(VF_RW_LOCK_MISUSE, fn, site,
                     "releasing reader-writer lock %p on another thread than the one that acquired it "
                     "(NDIS releases on the acquiring processor)",
                     (void *)Lock);
        return;
    }
    memmove(&l->holders[i - 1], &l->holders[i], (l->nholders - i) * sizeof *l->holders);
    l->nholders--;
    pthread_cond_broadcast(&l->released);
    pthread_mutex_unlock(&l->mutex);
    LockState->LockState = 0;
    ke_irql_set(LockState->OldIrql);
}
