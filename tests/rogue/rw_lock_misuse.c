/* ND1806 RWLockMisuse: NDIS 6.20 reader-writer locks used against their DDI pages, one
 * mistake per build (BREAK_...), all in DriverEntry after a successful registration. */
#include <pthread.h>

#include "rogue.h"

#if defined(BREAK_OTHER_THREAD)
static PNDIS_RW_LOCK_EX SharedLock;
static LOCK_STATE_EX SharedState;
static void *RogueReleaser(void *Unused)
{
    (void)Unused;
    NdisReleaseRWLock(SharedLock, &SharedState); /* expect ND1806: rogue_rw_lock_other_thread */
    return NULL;
}
#endif

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    PNDIS_RW_LOCK_EX Lock = NdisAllocateRWLock(RogueHandle);
    if (Lock == NULL) {
        NdisMDeregisterMiniportDriver(RogueHandle);
        return NDIS_STATUS_RESOURCES;
    }
    LOCK_STATE_EX State, Other;
    NdisZeroMemory(&State, sizeof(State));
    NdisZeroMemory(&Other, sizeof(Other));
#if defined(BREAK_RELEASE_UNHELD)
    NdisReleaseRWLock(Lock, &State); /* expect ND1806: rogue_rw_lock_release_unheld */
#elif defined(BREAK_OTHER_STATE)
    NdisAcquireRWLockRead(Lock, &State, 0);
    NdisReleaseRWLock(Lock, &Other); /* expect ND1806: rogue_rw_lock_other_state */
    NdisReleaseRWLock(Lock, &State);
#elif defined(BREAK_PROMOTE)
    NdisAcquireRWLockRead(Lock, &State, 0);
    NdisAcquireRWLockWrite(Lock, &Other, NDIS_RWL_AT_DISPATCH_LEVEL); /* expect ND1806: rogue_rw_lock_promote */
    NdisReleaseRWLock(Lock, &State);
#elif defined(BREAK_FREE_HELD)
    NdisAcquireRWLockWrite(Lock, &State, 0);
    NdisFreeRWLock(Lock); /* expect ND1806: rogue_rw_lock_free_held */
    NdisReleaseRWLock(Lock, &State);
#elif defined(BREAK_FOREIGN_HANDLE)
    static ULONG NotALock[16];
    NdisAcquireRWLockRead((PNDIS_RW_LOCK_EX)NotALock, &State, 0); /* expect ND1806: rogue_rw_lock_foreign_handle */
#elif defined(BREAK_OTHER_THREAD)
    pthread_t Thread;
    SharedLock = Lock;
    NdisAcquireRWLockWrite(Lock, &SharedState, 0);
    pthread_create(&Thread, NULL, RogueReleaser, NULL);
    pthread_join(Thread, NULL);
    NdisReleaseRWLock(Lock, &SharedState);
#else
    /* Recursive reads and recursive writes are allowed: this build must pass clean. */
    NdisAcquireRWLockWrite(Lock, &State, 0);
    NdisAcquireRWLockWrite(Lock, &Other, NDIS_RWL_AT_DISPATCH_LEVEL);
    NdisReleaseRWLock(Lock, &Other);
    NdisReleaseRWLock(Lock, &State);
    NdisAcquireRWLockRead(Lock, &State, 0);
    NdisAcquireRWLockRead(Lock, &Other, NDIS_RWL_AT_DISPATCH_LEVEL);
    NdisReleaseRWLock(Lock, &Other);
    NdisReleaseRWLock(Lock, &State);
#endif
    NdisFreeRWLock(Lock);
    return NDIS_STATUS_SUCCESS;
}
/* expect clean: rogue_rw_lock_none */
