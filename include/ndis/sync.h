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
/* a 64-bit counter updated atomically (the spin lock argument of old NDIS is gone) */
#define NdisInterlockedAddLargeStatistic(addend, increment) \
    ((void)InterlockedExchangeAdd64((LONG64 volatile *)(addend), (LONG64)(increment)))

/* NDIS mutexes are kernel mutexes (wdm.h's KMUTEX) */
typedef KMUTEX NDIS_MUTEX, *PNDIS_MUTEX;
#define NDIS_INIT_MUTEX(m) KeInitializeMutex((m), 0xFFFF)
#define NDIS_WAIT_FOR_MUTEX(m) KeWaitForSingleObject((m), Executive, KernelMode, FALSE, NULL)
#define NDIS_RELEASE_MUTEX(m) KeReleaseMutex((m), FALSE)
NDISAPI PLIST_ENTRY NdisInterlockedInsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PNDIS_SPIN_LOCK SpinLock);
NDISAPI PLIST_ENTRY NdisInterlockedInsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PNDIS_SPIN_LOCK SpinLock);
NDISAPI PLIST_ENTRY NdisInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PNDIS_SPIN_LOCK SpinLock);

/* ---- reader-writer locks (NDIS 6.20+) ------------------------------------------------------ */
typedef struct _NDIS_RW_LOCK_EX NDIS_RW_LOCK_EX, *PNDIS_RW_LOCK_EX;
typedef struct _LOCK_STATE_EX {
    KIRQL OldIrql;
    UCHAR LockState;
    UCHAR Flags;
} LOCK_STATE_EX, *PLOCK_STATE_EX;
#define NDIS_RWL_AT_DISPATCH_LEVEL 0x1
NDISAPI PNDIS_RW_LOCK_EX NdisAllocateRWLock(NDIS_HANDLE NdisHandle);
NDISAPI VOID NdisFreeRWLock(PNDIS_RW_LOCK_EX Lock);
NDISAPI VOID NdisAcquireRWLockRead(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags);
NDISAPI VOID NdisAcquireRWLockWrite(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags);
NDISAPI VOID NdisReleaseRWLock(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState);

/* NDIS 6.0's reader-writer lock lives in driver storage. */
typedef struct _NDIS_RW_LOCK {
    KSPIN_LOCK SpinLock;
    volatile LONG State; /* > 0 readers, -1 a writer */
    ULONG Reserved[61];
} NDIS_RW_LOCK, *PNDIS_RW_LOCK;
typedef struct _LOCK_STATE {
    USHORT LockState;
    KIRQL OldIrql;
} LOCK_STATE, *PLOCK_STATE;
NDISAPI VOID NdisInitializeReadWriteLock(PNDIS_RW_LOCK Lock);
NDISAPI VOID NdisAcquireReadWriteLock(PNDIS_RW_LOCK Lock, BOOLEAN fWrite, PLOCK_STATE LockState);
NDISAPI VOID NdisReleaseReadWriteLock(PNDIS_RW_LOCK Lock, PLOCK_STATE LockState);

/* ---- events --------------------------------------------------------------------------------- */
typedef struct _NDIS_EVENT {
    KEVENT Event;
} NDIS_EVENT, *PNDIS_EVENT;
NDISAPI VOID NdisInitializeEvent(PNDIS_EVENT Event);
NDISAPI VOID NdisSetEvent(PNDIS_EVENT Event);
NDISAPI VOID NdisResetEvent(PNDIS_EVENT Event);
/* MsToWait 0 waits forever; returns TRUE when the event was signalled. */
NDISAPI BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait);

/* ---- timers ----------------------------------------------------------------------------------- */
typedef VOID(NDIS_TIMER_FUNCTION)(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2,
                                  PVOID SystemSpecific3);
typedef NDIS_TIMER_FUNCTION *PNDIS_TIMER_FUNCTION;
#define NDIS_TIMER_CHARACTERISTICS_REVISION_1 1
typedef struct _NDIS_TIMER_CHARACTERISTICS {
    NDIS_OBJECT_HEADER Header;
    ULONG AllocationTag;
    PNDIS_TIMER_FUNCTION TimerFunction;
    PVOID FunctionContext;
} NDIS_TIMER_CHARACTERISTICS, *PNDIS_TIMER_CHARACTERISTICS;
#define NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_TIMER_CHARACTERISTICS, FunctionContext)
NDISAPI NDIS_STATUS NdisAllocateTimerObject(NDIS_HANDLE NdisHandle, PNDIS_TIMER_CHARACTERISTICS TimerCharacteristics,
                                            PNDIS_HANDLE pTimerObject);
/* DueTime: negative = relative, in 100 ns units; positive = absolute system time. */
NDISAPI BOOLEAN NdisSetTimerObject(NDIS_HANDLE TimerObject, LARGE_INTEGER DueTime, LONG MillisecondsPeriod,
                                   PVOID FunctionContext);
NDISAPI BOOLEAN NdisCancelTimerObject(NDIS_HANDLE TimerObject);
NDISAPI VOID NdisFreeTimerObject(NDIS_HANDLE TimerObject);

/* ---- work items (run at PASSIVE_LEVEL on OpenNDIS's worker thread) ------------------------------ */
typedef VOID(NDIS_IO_WORKITEM_FUNCTION)(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle);
typedef NDIS_IO_WORKITEM_FUNCTION *NDIS_IO_WORKITEM_ROUTINE;
NDISAPI NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle);
NDISAPI VOID NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItem, NDIS_IO_WORKITEM_ROUTINE Routine, PVOID WorkItemContext);
NDISAPI VOID NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItem);

/* ---- lookaside lists ------------------------------------------------------------------------------ */
NDISAPI VOID NdisInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
                                               PFREE_FUNCTION Free, ULONG Flags, ULONG Size, ULONG Tag, USHORT Depth);
NDISAPI VOID NdisDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside);
NDISAPI PVOID NdisAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside);
NDISAPI VOID NdisFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry);

/* ---- IRQL helpers ------------------------------------------------------------------------------------ */
#define NDIS_CURRENT_IRQL() KeGetCurrentIrql()
#define NDIS_RAISE_IRQL_TO_DISPATCH(old) KeRaiseIrql(DISPATCH_LEVEL, (old))
#define NDIS_LOWER_IRQL(old, cur) KeLowerIrql(old)

/* Time */
NDISAPI VOID NdisMSleep(ULONG MicrosecondsToSleep);
NDISAPI VOID NdisStallExecution(ULONG MicrosecondsToStall);
NDISAPI VOID NdisGetCurrentSystemTime(PLARGE_INTEGER SystemTime);
NDISAPI VOID NdisGetSystemUpTimeEx(PLARGE_INTEGER pSystemUpTime);

OPENNDIS_EXTERN_C_END

C_ASSERT(sizeof(NDIS_SPIN_LOCK) == 16);
C_ASSERT(sizeof(NDIS_TIMER_CHARACTERISTICS) == 0x18 && offsetof(NDIS_TIMER_CHARACTERISTICS, TimerFunction) == 0x08);

#endif /* OPENNDIS_NDIS_SYNC_H */
