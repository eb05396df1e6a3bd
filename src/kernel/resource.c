/* Executive resources (ERESOURCE), reader/writer spin locks (EX_SPIN_LOCK) and critical
 * regions. An ERESOURCE lives in driver memory; as with events, all
 * of them share one mutex and condition, and the state sits in the ERESOURCE itself. */
#include <sched.h>

#include "ke.h"

#define KE_RESOURCE_MAGIC 0x45524553u /* 'ERES' */

static pthread_mutex_t ke_resource_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ke_resource_cond = PTHREAD_COND_INITIALIZER;
static _Thread_local OPENNDIS_TLS LONG ke_critical_region;

/* What this thread holds shared, so that a release, a nested shared acquire and an attempt to
 * upgrade are judged per thread. A thread holding more than KE_SHARED_SLOTS resources at once
 * is not followed past that (its extra holds are counted, not attributed). */
#define KE_SHARED_SLOTS 16
static _Thread_local struct {
    PERESOURCE resource;
    LONG count;
} ke_shared_held[KE_SHARED_SLOTS];

static _Thread_local LONG ke_shared_overflow; /* holds this thread could not record */

static bool ke_shared_untracked(PERESOURCE r)
{
    (void)r;
    if (ke_shared_overflow == 0)
        return false;
    ke_shared_overflow--;
    return true;
}

static LONG *ke_shared_slot(PERESOURCE r, bool create)
{
    for (int i = 0; i < KE_SHARED_SLOTS; i++)
        if (ke_shared_held[i].resource == r && ke_shared_held[i].count > 0)
            return &ke_shared_held[i].count;
    if (create)
        for (int i = 0; i < KE_SHARED_SLOTS; i++)
            if (ke_shared_held[i].count == 0) {
                ke_shared_held[i].resource = r;
                return &ke_shared_held[i].count;
            }
    return NULL;
}

/* A thread's identity as an ERESOURCE owner: its KTHREAD. */
static ULONG_PTR ke_resource_self(void)
{
    return (ULONG_PTR)KeGetCurrentThread();
}

NTKERNELAPI VOID KeEnterCriticalRegion(VOID)
{
    ke_irql_at_most(APC_LEVEL, "KeEnterCriticalRegion", VF_CALLER);
    ke_critical_region++;
}

NTKERNELAPI VOID KeLeaveCriticalRegion(VOID)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(APC_LEVEL, "KeLeaveCriticalRegion", site);
    if (ke_critical_region == 0) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "KeLeaveCriticalRegion", site,
                     "KeLeaveCriticalRegion without a matching KeEnterCriticalRegion");
        return;
    }
    ke_critical_region--;
}

NTKERNELAPI BOOLEAN KeAreApcsDisabled(VOID)
{
    return ke_critical_region != 0 || ke_irql() >= APC_LEVEL;
}

/* The documentation also asks for normal kernel APCs disabled around an acquire. That is not
 * checked: Windows calls MiniportInitializeEx and MiniportHaltEx from PnP with a critical
 * region already entered (Wintun relies on it), and OpenNDIS does not model which of its own
 * calls carry one, so the check would blame correct drivers. */
static bool ke_resource_checked(PERESOURCE r, const char *fn, const void *site)
{
    ke_irql_at_most(APC_LEVEL, fn, site);
    if (r == NULL || r->Magic != KE_RESOURCE_MAGIC) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "ERESOURCE %p was not initialized with ExInitializeResourceLite",
                     (void *)r);
        return false;
    }
    return true;
}

NTKERNELAPI NTSTATUS ExInitializeResourceLite(PERESOURCE Resource)
{
    ke_irql_at_most(DISPATCH_LEVEL, "ExInitializeResourceLite", VF_CALLER);
    RtlZeroMemory(Resource, sizeof *Resource);
    Resource->Magic = KE_RESOURCE_MAGIC;
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS ExDeleteResourceLite(PERESOURCE Resource)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(APC_LEVEL, "ExDeleteResourceLite", site);
    pthread_mutex_lock(&ke_resource_lock);
    if (Resource->Magic == KE_RESOURCE_MAGIC && (Resource->ExclusiveCount != 0 || Resource->SharedCount != 0))
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "ExDeleteResourceLite", site, "ERESOURCE %p is deleted while held",
                     (void *)Resource);
    Resource->Magic = 0;
    pthread_mutex_unlock(&ke_resource_lock);
    return STATUS_SUCCESS;
}

/* Shared access. `starve_exclusive`: granted even while exclusive waiters queue. A thread
 * that already holds the resource (shared or exclusive) gets it again at once. */
static BOOLEAN ke_resource_shared(PERESOURCE r, BOOLEAN wait, bool starve_exclusive, const char *fn,
                                  const void *site)
{
    if (!ke_resource_checked(r, fn, site))
        return FALSE;
    ULONG_PTR self = ke_resource_self();
    pthread_mutex_lock(&ke_resource_lock);
    for (;;) {
        if (r->ExclusiveCount != 0 && r->OwnerThread == self) {
            r->ExclusiveCount++; /* nested inside the exclusive hold: released the same way */
            break;
        }
        LONG *mine = ke_shared_slot(r, false);
        if (r->ExclusiveCount == 0 && (starve_exclusive || r->ExclusiveWaiters == 0 || mine != NULL)) {
            r->SharedCount++;
            if (mine == NULL)
                mine = ke_shared_slot(r, true);
            if (mine != NULL)
                (*mine)++;
            else
                ke_shared_overflow++;
            break;
        }
        if (!wait) {
            pthread_mutex_unlock(&ke_resource_lock);
            return FALSE;
        }
        pthread_cond_wait(&ke_resource_cond, &ke_resource_lock);
    }
    pthread_mutex_unlock(&ke_resource_lock);
    return TRUE;
}

NTKERNELAPI BOOLEAN ExAcquireResourceSharedLite(PERESOURCE Resource, BOOLEAN Wait)
{
    return ke_resource_shared(Resource, Wait, false, "ExAcquireResourceSharedLite", VF_CALLER);
}

NTKERNELAPI BOOLEAN ExAcquireSharedStarveExclusive(PERESOURCE Resource, BOOLEAN Wait)
{
    return ke_resource_shared(Resource, Wait, true, "ExAcquireSharedStarveExclusive", VF_CALLER);
}

NTKERNELAPI BOOLEAN ExAcquireResourceExclusiveLite(PERESOURCE Resource, BOOLEAN Wait)
{
    static const char fn[] = "ExAcquireResourceExclusiveLite";
    const void *site = VF_CALLER;
    if (!ke_resource_checked(Resource, fn, site))
        return FALSE;
    ULONG_PTR self = ke_resource_self();
    pthread_mutex_lock(&ke_resource_lock);
    if (Resource->ExclusiveCount != 0 && Resource->OwnerThread == self) {
        Resource->ExclusiveCount++;
        pthread_mutex_unlock(&ke_resource_lock);
        return TRUE;
    }
    if (ke_shared_slot(Resource, false) != NULL) {
        /* waiting for every shared holder to leave, itself included, never ends */
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "this thread holds ERESOURCE %p shared: it cannot be acquired exclusively until released "
                     "(the wait would never end)",
                     (void *)Resource);
        pthread_mutex_unlock(&ke_resource_lock);
        return FALSE;
    }
    Resource->ExclusiveWaiters++;
    while (Resource->ExclusiveCount != 0 || Resource->SharedCount != 0) {
        if (!Wait) {
            Resource->ExclusiveWaiters--;
            pthread_mutex_unlock(&ke_resource_lock);
            return FALSE;
        }
        pthread_cond_wait(&ke_resource_cond, &ke_resource_lock);
    }
    Resource->ExclusiveWaiters--;
    Resource->ExclusiveCount = 1;
    Resource->OwnerThread = self;
    pthread_mutex_unlock(&ke_resource_lock);
    return TRUE;
}

NTKERNELAPI VOID ExReleaseResourceLite(PERESOURCE Resource)
{
    static const char fn[] = "ExReleaseResourceLite";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (Resource == NULL || Resource->Magic != KE_RESOURCE_MAGIC) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "ERESOURCE %p was not initialized", (void *)Resource);
        return;
    }
    pthread_mutex_lock(&ke_resource_lock);
    if (Resource->ExclusiveCount != 0 && Resource->OwnerThread == ke_resource_self()) {
        if (--Resource->ExclusiveCount == 0)
            Resource->OwnerThread = 0;
    } else if (Resource->SharedCount != 0 && ke_shared_slot(Resource, false) != NULL) {
        (*ke_shared_slot(Resource, false))--;
        Resource->SharedCount--;
    } else if (Resource->SharedCount != 0 && ke_shared_untracked(Resource)) {
        Resource->SharedCount--;
    } else {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "ERESOURCE %p is not held by this thread", (void *)Resource);
    }
    pthread_cond_broadcast(&ke_resource_cond);
    pthread_mutex_unlock(&ke_resource_lock);
}

NTKERNELAPI BOOLEAN ExIsResourceAcquiredExclusiveLite(PERESOURCE Resource)
{
    pthread_mutex_lock(&ke_resource_lock);
    BOOLEAN mine = Resource->ExclusiveCount != 0 && Resource->OwnerThread == ke_resource_self();
    pthread_mutex_unlock(&ke_resource_lock);
    return mine;
}

/* How often the caller holds the resource, shared or exclusive (0: not at all). */
NTKERNELAPI ULONG ExIsResourceAcquiredSharedLite(PERESOURCE Resource)
{
    pthread_mutex_lock(&ke_resource_lock);
    LONG *mine = ke_shared_slot(Resource, false);
    ULONG n = Resource->ExclusiveCount != 0 && Resource->OwnerThread == ke_resource_self()
                  ? (ULONG)Resource->ExclusiveCount
                  : mine != NULL ? (ULONG)*mine : 0;
    pthread_mutex_unlock(&ke_resource_lock);
    return n;
}

/* ---- EX_SPIN_LOCK: bit 31 is the writer, the low bits count readers ----------------------- */
#define KE_EX_WRITER 0x80000000u

NTKERNELAPI KIRQL ExAcquireSpinLockShared(PEX_SPIN_LOCK SpinLock)
{
    KIRQL old = KfRaiseIrql(DISPATCH_LEVEL);
    for (;;) {
        LONG v = __atomic_load_n(SpinLock, __ATOMIC_RELAXED);
        if (!((ULONG)v & KE_EX_WRITER) &&
            __atomic_compare_exchange_n(SpinLock, &v, v + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return old;
        sched_yield();
    }
}

NTKERNELAPI VOID ExReleaseSpinLockShared(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql)
{
    const void *site = VF_CALLER;
    LONG v = __atomic_load_n(SpinLock, __ATOMIC_RELAXED);
    if (((ULONG)v & ~KE_EX_WRITER) == 0)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "ExReleaseSpinLockShared", site, "EX_SPIN_LOCK %p is not held shared",
                     (void *)SpinLock);
    else
        __atomic_sub_fetch(SpinLock, 1, __ATOMIC_RELEASE);
    KeLowerIrql(OldIrql);
}

NTKERNELAPI KIRQL ExAcquireSpinLockExclusive(PEX_SPIN_LOCK SpinLock)
{
    KIRQL old = KfRaiseIrql(DISPATCH_LEVEL);
    /* Claim the writer bit first so new readers stop, then wait for the readers to drain. */
    for (;;) {
        LONG v = __atomic_load_n(SpinLock, __ATOMIC_RELAXED);
        if (!((ULONG)v & KE_EX_WRITER) &&
            __atomic_compare_exchange_n(SpinLock, &v, (LONG)((ULONG)v | KE_EX_WRITER), false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            break;
        sched_yield();
    }
    while (((ULONG)__atomic_load_n(SpinLock, __ATOMIC_ACQUIRE) & ~KE_EX_WRITER) != 0)
        sched_yield();
    return old;
}

NTKERNELAPI VOID ExReleaseSpinLockExclusive(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql)
{
    const void *site = VF_CALLER;
    if (!((ULONG)__atomic_load_n(SpinLock, __ATOMIC_RELAXED) & KE_EX_WRITER))
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "ExReleaseSpinLockExclusive", site,
                     "EX_SPIN_LOCK %p is not held exclusively", (void *)SpinLock);
    else
        __atomic_store_n(SpinLock, 0, __ATOMIC_RELEASE);
    KeLowerIrql(OldIrql);
}
