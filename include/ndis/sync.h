/* OpenNDIS: NDIS spin locks and time services. */
#ifndef OPENNDIS_NDIS_SYNC_H
#define OPENNDIS_NDIS_SYNC_H

#include <ndis/miniport.h>

OPENNDIS_EXTERN_C_BEGIN

typedef struct _NDIS_SPIN_LOCK {
    KSPIN_LOCK SpinLock;
    KIRQL OldIrql;
} NDIS_SPIN_LOCK, *PNDIS_SPIN_LOCK;

NDISAPI VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock);
NDISAPI VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock);
NDISAPI VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock);
NDISAPI VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock);
NDISAPI VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock);
NDISAPI VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock);

#define NdisInterlockedIncrement(p) InterlockedIncrement(p)
#define NdisInterlockedDecrement(p) InterlockedDecrement(p)
#define NdisInterlockedAddUlong(p, v, lock) ((void)(lock), InterlockedExchangeAdd((p), (v)))
#define NdisInitializeListHead(h) InitializeListHead(h)
#define NdisInterlockedInsertTailList(h, e, lock) \
    do { NdisAcquireSpinLock(lock); InsertTailList((h), (e)); NdisReleaseSpinLock(lock); } while (0)

/* Time */
NDISAPI VOID NdisMSleep(ULONG MicrosecondsToSleep);
NDISAPI VOID NdisStallExecution(ULONG MicrosecondsToStall);
NDISAPI VOID NdisGetCurrentSystemTime(PLARGE_INTEGER SystemTime);

OPENNDIS_EXTERN_C_END

C_ASSERT(sizeof(NDIS_SPIN_LOCK) == 16);

#endif /* OPENNDIS_NDIS_SYNC_H */
