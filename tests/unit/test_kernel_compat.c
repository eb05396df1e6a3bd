/* Kernel services that real NDIS 6 drivers outside the samples call (Wintun, tap-windows6):
 * executive resources, reader/writer spin locks, queued spin locks, multi-object waits, the
 * cancel-safe IRP queue, Io MDLs, Ex pool, OS version checks, ANSI strings, process
 * callbacks, and the stubs that must fail rather than pretend. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include <ntifs.h>

#include "loader/ld.h"
#include "ndis/ndis.h"

/* ---- ERESOURCE ---------------------------------------------------------------------------- */
static ERESOURCE shared_res;

static void *try_exclusive(void *arg)
{
    (void)arg;
    KeEnterCriticalRegion();
    BOOLEAN got = ExAcquireResourceExclusiveLite(&shared_res, FALSE);
    if (got)
        ExReleaseResourceLite(&shared_res);
    KeLeaveCriticalRegion();
    return (void *)(uintptr_t)got;
}

static void *try_shared(void *arg)
{
    (void)arg;
    KeEnterCriticalRegion();
    BOOLEAN got = ExAcquireResourceSharedLite(&shared_res, FALSE);
    if (got)
        ExReleaseResourceLite(&shared_res);
    KeLeaveCriticalRegion();
    return (void *)(uintptr_t)got;
}

static bool other_thread(void *(*fn)(void *))
{
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, fn, NULL);
    pthread_join(t, &r);
    return r != NULL;
}

static void test_resource_shared_and_exclusive(void **state)
{
    (void)state;
    vf_reset();
    assert_int_equal(ExInitializeResourceLite(&shared_res), STATUS_SUCCESS);
    KeEnterCriticalRegion();
    assert_true(KeAreApcsDisabled());

    /* shared: other readers get in, a writer does not */
    assert_true(ExAcquireResourceSharedLite(&shared_res, TRUE));
    assert_int_equal(ExIsResourceAcquiredSharedLite(&shared_res), 1);
    assert_true(other_thread(try_shared));
    assert_false(other_thread(try_exclusive));
    ExReleaseResourceLite(&shared_res);

    /* exclusive, taken again by its owner (shared and exclusive) and released as often */
    assert_true(ExAcquireResourceExclusiveLite(&shared_res, TRUE));
    assert_true(ExAcquireResourceExclusiveLite(&shared_res, TRUE));
    assert_true(ExAcquireResourceSharedLite(&shared_res, TRUE));
    assert_true(ExIsResourceAcquiredExclusiveLite(&shared_res));
    assert_false(other_thread(try_shared));
    ExReleaseResourceLite(&shared_res);
    ExReleaseResourceLite(&shared_res);
    assert_false(other_thread(try_shared));
    ExReleaseResourceLite(&shared_res);
    assert_false(ExIsResourceAcquiredExclusiveLite(&shared_res));
    assert_true(other_thread(try_exclusive));

    KeLeaveCriticalRegion();
    assert_false(KeAreApcsDisabled());
    assert_int_equal(ExDeleteResourceLite(&shared_res), STATUS_SUCCESS);
    assert_int_equal(vf_violation_count(), 0);
}

static void *wait_exclusive(void *arg)
{
    (void)arg;
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&shared_res, TRUE);
    ExReleaseResourceLite(&shared_res);
    KeLeaveCriticalRegion();
    return NULL;
}

static void *release_foreign(void *arg)
{
    (void)arg;
    ExReleaseResourceLite(&shared_res); /* held by the main thread, not this one */
    return NULL;
}

/* A waiting writer keeps new readers out, but not a thread that already reads (it would
 * deadlock on itself); only the holder's release counts. */
static void test_resource_waiting_writer(void **state)
{
    (void)state;
    vf_reset();
    ExInitializeResourceLite(&shared_res);
    KeEnterCriticalRegion();
    assert_true(ExAcquireResourceSharedLite(&shared_res, TRUE));
    pthread_t writer;
    pthread_create(&writer, NULL, wait_exclusive, NULL);
    /* until the writer queues, a new reader still gets in; then it must wait behind it */
    int tries = 0;
    while (other_thread(try_shared) && ++tries < 2000)
        usleep(1000);
    assert_true(tries < 2000);
    assert_true(ExAcquireResourceSharedLite(&shared_res, TRUE)); /* the holder does not */
    assert_int_equal(ExIsResourceAcquiredSharedLite(&shared_res), 2);
    assert_true(ExAcquireSharedStarveExclusive(&shared_res, FALSE));
    ExReleaseResourceLite(&shared_res);
    other_thread(release_foreign);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);
    assert_int_equal(shared_res.SharedCount, 2); /* the foreign release took nothing */
    ExReleaseResourceLite(&shared_res);
    ExReleaseResourceLite(&shared_res);
    pthread_join(writer, NULL);
    assert_int_equal(ExIsResourceAcquiredSharedLite(&shared_res), 0);
    KeLeaveCriticalRegion();
    ExDeleteResourceLite(&shared_res);
    assert_int_equal(vf_violation_count(), 1);
    vf_reset();
}

static void test_resource_misuse_is_reported(void **state)
{
    (void)state;
    vf_reset();
    ERESOURCE r;
    memset(&r, 0, sizeof r);
    assert_false(ExAcquireResourceExclusiveLite(&r, TRUE)); /* never initialized */
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);

    ExInitializeResourceLite(&r);
    ExReleaseResourceLite(&r); /* not held */
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 2);
    ExAcquireResourceExclusiveLite(&r, TRUE);
    ExDeleteResourceLite(&r); /* deleted while held */
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 3);
    KeLeaveCriticalRegion(); /* unbalanced */
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 4);
    ExInitializeResourceLite(&r);
    ExAcquireResourceSharedLite(&r, TRUE);
    assert_false(ExAcquireResourceExclusiveLite(&r, TRUE)); /* an upgrade would wait forever */
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 5);
    ExReleaseResourceLite(&r);
    ExDeleteResourceLite(&r);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 5);
    vf_reset();
}

/* ---- EX_SPIN_LOCK and queued spin locks --------------------------------------------------- */
static EX_SPIN_LOCK rw_lock;
static volatile LONG readers_inside, max_readers, writer_saw_reader;

static void *rw_reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        KIRQL old = ExAcquireSpinLockShared(&rw_lock);
        LONG n = InterlockedIncrement(&readers_inside);
        LONG m;
        while ((m = __atomic_load_n(&max_readers, __ATOMIC_RELAXED)) < n &&
               InterlockedCompareExchange(&max_readers, n, m) != m)
            ;
        InterlockedDecrement(&readers_inside);
        ExReleaseSpinLockShared(&rw_lock, old);
    }
    return NULL;
}

static void *rw_writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        KIRQL old = ExAcquireSpinLockExclusive(&rw_lock);
        if (readers_inside != 0)
            writer_saw_reader = 1;
        ExReleaseSpinLockExclusive(&rw_lock, old);
    }
    return NULL;
}

static void test_ex_spin_lock(void **state)
{
    (void)state;
    vf_reset();
    rw_lock = 0;
    KIRQL old = ExAcquireSpinLockShared(&rw_lock);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KIRQL old2 = ExAcquireSpinLockShared(&rw_lock); /* readers share */
    assert_int_equal(rw_lock, 2);
    ExReleaseSpinLockShared(&rw_lock, old2);
    ExReleaseSpinLockShared(&rw_lock, old);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_int_equal(rw_lock, 0);

    pthread_t t[4];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, rw_reader, NULL);
    pthread_create(&t[3], NULL, rw_writer, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(writer_saw_reader, 0);
    assert_int_equal(rw_lock, 0);

    ExReleaseSpinLockExclusive(&rw_lock, PASSIVE_LEVEL); /* not held */
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);
    vf_reset();
}

static void test_in_stack_queued_spin_lock(void **state)
{
    (void)state;
    vf_reset();
    KSPIN_LOCK lock;
    KeInitializeSpinLock(&lock);
    KLOCK_QUEUE_HANDLE h;
    KeAcquireInStackQueuedSpinLock(&lock, &h);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    assert_int_equal(h.OldIrql, PASSIVE_LEVEL);
    assert_ptr_equal(h.LockQueue.Lock, &lock);
    assert_false(KeTryToAcquireSpinLockAtDpcLevel(&lock)); /* it really is held */
    KeReleaseInStackQueuedSpinLock(&h);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);

    KIRQL old = KeRaiseIrqlToDpcLevel();
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &h);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&h);
    KeLowerIrql(old);
    assert_int_equal(vf_violation_count(), 0);
}

/* ---- waits --------------------------------------------------------------------------------- */
static KEVENT ev[3];

static void *set_second_later(void *arg)
{
    (void)arg;
    usleep(20000);
    KeSetEvent(&ev[1], 0, FALSE);
    return NULL;
}

static void test_wait_for_multiple_objects(void **state)
{
    (void)state;
    vf_reset();
    KeInitializeEvent(&ev[0], NotificationEvent, FALSE);
    KeInitializeEvent(&ev[1], SynchronizationEvent, FALSE);
    KeInitializeEvent(&ev[2], NotificationEvent, FALSE);
    PVOID objs[3] = { &ev[0], &ev[1], &ev[2] };
    LARGE_INTEGER zero = { .QuadPart = 0 }, short_wait = { .QuadPart = -10 * 1000 * 10 }; /* 10 ms */

    assert_int_equal(KeWaitForMultipleObjects(3, objs, WaitAny, Executive, KernelMode, FALSE, &zero, NULL),
                     STATUS_TIMEOUT);
    pthread_t t;
    pthread_create(&t, NULL, set_second_later, NULL);
    assert_int_equal(KeWaitForMultipleObjects(3, objs, WaitAny, Executive, KernelMode, FALSE, NULL, NULL),
                     STATUS_WAIT_0 + 1);
    pthread_join(t, NULL);
    assert_int_equal(KeReadStateEvent(&ev[1]), 0); /* a synchronization event is consumed */

    KeSetEvent(&ev[2], 0, FALSE);
    assert_int_equal(KeWaitForMultipleObjects(3, objs, WaitAny, Executive, KernelMode, FALSE, &zero, NULL),
                     STATUS_WAIT_0 + 2);
    assert_int_equal(KeReadStateEvent(&ev[2]), 1); /* a notification event stays set */

    assert_int_equal(KeWaitForMultipleObjects(3, objs, WaitAll, Executive, KernelMode, FALSE, &short_wait, NULL),
                     STATUS_TIMEOUT);
    KeSetEvent(&ev[0], 0, FALSE);
    KeSetEvent(&ev[1], 0, FALSE);
    assert_int_equal(KeWaitForMultipleObjects(3, objs, WaitAll, Executive, KernelMode, FALSE, &zero, NULL),
                     STATUS_WAIT_0);
    assert_int_equal(KeReadStateEvent(&ev[1]), 0);
    assert_int_equal(vf_violation_count(), 0);

    PVOID four[4] = { &ev[0], &ev[1], &ev[2], &ev[0] };
    assert_int_equal(KeWaitForMultipleObjects(4, four, WaitAny, Executive, KernelMode, FALSE, &zero, NULL),
                     STATUS_INVALID_PARAMETER); /* more than THREAD_WAIT_OBJECTS needs wait blocks */
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);
    KWAIT_BLOCK blocks[4];
    assert_int_equal(KeWaitForMultipleObjects(4, four, WaitAny, Executive, KernelMode, FALSE, &zero, blocks),
                     STATUS_WAIT_0);
    vf_reset();
}

static void test_performance_counter_and_threads(void **state)
{
    (void)state;
    LARGE_INTEGER f;
    LARGE_INTEGER a = KeQueryPerformanceCounter(&f);
    usleep(10000);
    LARGE_INTEGER b = KeQueryPerformanceCounter(NULL);
    assert_int_equal(f.QuadPart, 10000000);
    assert_true(b.QuadPart - a.QuadPart >= 100000); /* >= 10 ms in 100 ns ticks */

    PKTHREAD self = KeGetCurrentThread();
    assert_non_null(self);
    assert_ptr_equal(KeGetCurrentThread(), self);
    KPRIORITY old = KeSetPriorityThread(self, LOW_REALTIME_PRIORITY);
    assert_int_equal(KeQueryPriorityThread(self), LOW_REALTIME_PRIORITY);
    assert_int_equal(KeSetPriorityThread(self, old), LOW_REALTIME_PRIORITY);
    assert_ptr_equal(PsGetCurrentProcessId(), (HANDLE)(ULONG_PTR)getpid());
    assert_int_equal(ZwYieldExecution(), STATUS_SUCCESS);
}

/* ---- process callbacks -------------------------------------------------------------------- */
static VOID notify_a(HANDLE p, HANDLE c, BOOLEAN create) { (void)p, (void)c, (void)create; }
static VOID notify_b(HANDLE p, HANDLE c, BOOLEAN create) { (void)p, (void)c, (void)create; }

static void test_process_notify_routines(void **state)
{
    (void)state;
    assert_int_equal(PsSetCreateProcessNotifyRoutine(notify_a, TRUE), STATUS_PROCEDURE_NOT_FOUND);
    assert_int_equal(PsSetCreateProcessNotifyRoutine(notify_a, FALSE), STATUS_SUCCESS);
    assert_int_equal(PsSetCreateProcessNotifyRoutine(notify_b, FALSE), STATUS_SUCCESS);
    assert_int_equal(PsSetCreateProcessNotifyRoutine(notify_a, TRUE), STATUS_SUCCESS);
    assert_int_equal(PsSetCreateProcessNotifyRoutine(notify_a, TRUE), STATUS_PROCEDURE_NOT_FOUND);
    assert_int_equal(PsSetCreateProcessNotifyRoutine(notify_b, TRUE), STATUS_SUCCESS);
    /* the table holds 64 */
    int n = 0;
    while (n < 100 && PsSetCreateProcessNotifyRoutine(notify_a, FALSE) == STATUS_SUCCESS)
        n++;
    assert_int_equal(n, 64);
    while (PsSetCreateProcessNotifyRoutine(notify_a, TRUE) == STATUS_SUCCESS)
        n--;
    assert_int_equal(n, 0);
}

/* ---- version -------------------------------------------------------------------------------- */
static void test_os_version_follows_ndis_version(void **state)
{
    (void)state;
    unsigned major, minor;
    ndis_get_version(&major, &minor);

    RTL_OSVERSIONINFOEXW v = { .dwOSVersionInfoSize = sizeof v };
    ndis_set_version(6, 20);
    assert_int_equal(RtlGetVersion((PRTL_OSVERSIONINFOW)&v), STATUS_SUCCESS);
    assert_int_equal(v.dwMajorVersion, 6);
    assert_int_equal(v.dwMinorVersion, 1); /* NDIS 6.20: Windows 7 */
    ndis_set_version(6, 89);
    assert_int_equal(RtlGetVersion((PRTL_OSVERSIONINFOW)&v), STATUS_SUCCESS);
    assert_int_equal(v.dwMajorVersion, 10);
    assert_int_equal(v.dwBuildNumber, 26100); /* NDIS 6.89: Windows 11 24H2 */
    RTL_OSVERSIONINFOW small = { .dwOSVersionInfoSize = 3 };
    assert_int_equal(RtlGetVersion(&small), STATUS_INVALID_PARAMETER);

    /* tap-windows6's "Windows 8 or later?" check */
    ULONGLONG mask = 0;
    RTL_OSVERSIONINFOEXW want = { .dwOSVersionInfoSize = sizeof want, .dwMajorVersion = 6, .dwMinorVersion = 2 };
    VER_SET_CONDITION(mask, VER_MAJORVERSION, VER_GREATER_EQUAL);
    VER_SET_CONDITION(mask, VER_MINORVERSION, VER_GREATER_EQUAL);
    assert_int_equal(mask, (3ull << 3) | 3ull); /* 3 bits per type, in type-bit order */
    assert_int_equal(RtlVerifyVersionInfo(&want, VER_MAJORVERSION | VER_MINORVERSION, mask), STATUS_SUCCESS);
    ndis_set_version(6, 20);
    assert_int_equal(RtlVerifyVersionInfo(&want, VER_MAJORVERSION | VER_MINORVERSION, mask),
                     STATUS_REVISION_MISMATCH);
    /* 10.0 >= 6.2 though 0 < 2: major and minor compare as one version */
    ndis_set_version(6, 50);
    assert_int_equal(RtlVerifyVersionInfo(&want, VER_MAJORVERSION | VER_MINORVERSION, mask), STATUS_SUCCESS);
    ULONGLONG build_mask = VerSetConditionMask(0, VER_BUILDNUMBER, VER_LESS);
    want.dwBuildNumber = 10240;
    assert_int_equal(RtlVerifyVersionInfo(&want, VER_BUILDNUMBER, build_mask), STATUS_REVISION_MISMATCH);
    assert_int_equal(RtlVerifyVersionInfo(&want, VER_BUILDNUMBER, 0), STATUS_INVALID_PARAMETER);
    ndis_set_version(major, minor);
}

/* ---- strings -------------------------------------------------------------------------------- */
static void test_ansi_strings(void **state)
{
    (void)state;
    vf_reset();
    WCHAR text[] = { 'T', 'a', 'p', 0xe9, 0 };
    UNICODE_STRING u = { .Length = 8, .MaximumLength = 10, .Buffer = text };
    ANSI_STRING a;
    assert_int_equal(RtlUnicodeStringToAnsiString(&a, &u, TRUE), STATUS_SUCCESS);
    assert_int_equal(a.Length, 4);
    assert_string_equal(a.Buffer, "Tap?");
    RtlFreeAnsiString(&a);
    assert_null(a.Buffer);

    char small[3];
    ANSI_STRING s = { .Length = 0, .MaximumLength = sizeof small, .Buffer = small };
    assert_int_equal(RtlUnicodeStringToAnsiString(&s, &u, FALSE), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(s.Length, 3);
    assert_memory_equal(small, "Tap", 3);

    ANSI_STRING init;
    RtlInitAnsiString(&init, "abc");
    assert_int_equal(init.Length, 3);
    assert_int_equal(init.MaximumLength, 4);

    WCHAR buf[8];
    UNICODE_STRING d = { .Length = 0, .MaximumLength = sizeof buf, .Buffer = buf };
    UNICODE_STRING two = { .Length = 4, .MaximumLength = 4, .Buffer = text };
    assert_int_equal(RtlAppendUnicodeStringToString(&d, &two), STATUS_SUCCESS);
    assert_int_equal(RtlAppendUnicodeToString(&d, (PCWSTR)(const WCHAR[]){ 'x', 'y', 0 }), STATUS_SUCCESS);
    assert_int_equal(d.Length, 8);
    assert_int_equal(buf[3], 'y');
    assert_int_equal(buf[4], 0); /* terminated when there is room */
    assert_int_equal(RtlAppendUnicodeStringToString(&d, &u), STATUS_SUCCESS); /* exactly full */
    assert_int_equal(d.Length, 16);
    assert_int_equal(RtlAppendUnicodeStringToString(&d, &two), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(d.Length, 16);
    assert_int_equal(vf_violation_count(), 0);
}

/* ---- pool and MDLs -------------------------------------------------------------------------- */
static void test_ex_pool_and_ndis_memory(void **state)
{
    (void)state;
    vf_reset();
    unsigned char *p = ExAllocatePoolZero(NonPagedPoolNx, 64, 0x6e757477);
    assert_non_null(p);
    for (int i = 0; i < 64; i++)
        assert_int_equal(p[i], 0);
    ExFreePoolWithTag(p, 0x6e757477);
    ExFreePool(p); /* twice */
    assert_int_equal(vf_violation_count_of(VF_FREE_INVALID), 1);
    PVOID untagged = ExAllocatePoolWithTag(NonPagedPool, 8, 0);
    assert_int_equal(vf_violation_count_of(VF_ALLOCATE_ZERO_TAG), 1);
    assert_non_null(untagged); /* reported, still allocated */
    ExFreePool(untagged);

    PVOID m = NULL;
    assert_int_equal(NdisAllocateMemoryWithTag(&m, 32, 0x70617420), NDIS_STATUS_SUCCESS);
    assert_non_null(m);
    NdisFreeMemory(m, 32, 0);
    assert_int_equal(vf_violation_count_of(VF_FREE_INVALID), 1);
    vf_reset();
}

static void test_io_mdls(void **state)
{
    (void)state;
    vf_reset();
    static unsigned char buffer[3 * 4096];
    unsigned char *va = buffer + 100;
    PMDL mdl = IoAllocateMdl(va, 5000, FALSE, FALSE, NULL);
    assert_non_null(mdl);
    assert_ptr_equal(MmGetMdlVirtualAddress(mdl), va);
    assert_int_equal(MmGetMdlByteCount(mdl), 5000);
    MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);

    MDL part;
    memset(&part, 0, sizeof part);
    IoBuildPartialMdl(mdl, &part, va + 4000, 500);
    assert_ptr_equal(MmGetMdlVirtualAddress(&part), va + 4000);
    assert_int_equal(MmGetMdlByteCount(&part), 500);
    assert_true(part.MdlFlags & MDL_PARTIAL);
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(&part, NormalPagePriority), va + 4000);
    IoBuildPartialMdl(mdl, &part, va + 4000, 0); /* 0: to the end */
    assert_int_equal(MmGetMdlByteCount(&part), 1000);
    assert_int_equal(vf_violation_count(), 0);
    IoBuildPartialMdl(mdl, &part, va + 4000, 1001);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);

    MmUnlockPages(mdl);
    IoFreeMdl(mdl);
    IoFreeMdl(mdl);
    assert_int_equal(vf_violation_count_of(VF_FREE_INVALID), 1);
    vf_reset();
}

/* ---- cancel-safe queue ---------------------------------------------------------------------- */
struct queue {
    IO_CSQ csq;
    LIST_ENTRY irps;
    KSPIN_LOCK lock;
    int completed_cancelled;
};
#define QUEUE(c) CONTAINING_RECORD(c, struct queue, csq)

static VOID q_insert(PIO_CSQ c, PIRP irp) { InsertTailList(&QUEUE(c)->irps, &irp->Tail.Overlay.ListEntry); }
static VOID q_remove(PIO_CSQ c, PIRP irp) { (void)c; RemoveEntryList(&irp->Tail.Overlay.ListEntry); }
static PIRP q_peek(PIO_CSQ c, PIRP irp, PVOID peek)
{
    (void)peek;
    PLIST_ENTRY head = &QUEUE(c)->irps, next = irp ? irp->Tail.Overlay.ListEntry.Flink : head->Flink;
    return next == head ? NULL : CONTAINING_RECORD(next, IRP, Tail.Overlay.ListEntry);
}
static VOID q_lock(PIO_CSQ c, PKIRQL irql) { KeAcquireSpinLock(&QUEUE(c)->lock, irql); }
static VOID q_unlock(PIO_CSQ c, KIRQL irql) { KeReleaseSpinLock(&QUEUE(c)->lock, irql); }
static VOID q_cancelled(PIO_CSQ c, PIRP irp)
{
    QUEUE(c)->completed_cancelled++;
    irp->IoStatus.Status = STATUS_CANCELLED;
}

static void irp_init(PIRP irp, PIO_STACK_LOCATION sl)
{
    memset(irp, 0, sizeof *irp);
    memset(sl, 0, sizeof *sl);
    irp->Tail.Overlay.CurrentStackLocation = sl;
}

static void test_cancel_safe_queue(void **state)
{
    (void)state;
    vf_reset();
    struct queue q;
    InitializeListHead(&q.irps);
    KeInitializeSpinLock(&q.lock);
    q.completed_cancelled = 0;
    assert_int_equal(IoCsqInitialize(&q.csq, q_insert, q_remove, q_peek, q_lock, q_unlock, q_cancelled),
                     STATUS_SUCCESS);
    IRP a, b, c;
    IO_STACK_LOCATION sa, sb, sc;
    irp_init(&a, &sa), irp_init(&b, &sb), irp_init(&c, &sc);
    IO_CSQ_IRP_CONTEXT ctx_b;
    IoCsqInsertIrp(&q.csq, &a, NULL);
    IoCsqInsertIrp(&q.csq, &b, &ctx_b);
    IoCsqInsertIrp(&q.csq, &c, NULL);
    assert_true(sa.Control & 0x01); /* marked pending */
    assert_non_null(a.CancelRoutine);

    /* cancelling a queued IRP runs the queue's cancel path */
    KIRQL irql;
    IoAcquireCancelSpinLock(&irql); /* as IoCancelIrp calls it: the routine releases the lock */
    c.Cancel = TRUE;
    c.CancelIrql = irql;
    PDRIVER_CANCEL cancel = IoSetCancelRoutine(&c, NULL);
    cancel(NULL, &c);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_int_equal(q.completed_cancelled, 1);
    assert_int_equal(c.IoStatus.Status, STATUS_CANCELLED);

    assert_ptr_equal(IoCsqRemoveIrp(&q.csq, &ctx_b), &b);
    assert_null(IoCsqRemoveIrp(&q.csq, &ctx_b)); /* already out */
    assert_ptr_equal(IoCsqRemoveNextIrp(&q.csq, NULL), &a);
    assert_null(a.CancelRoutine);
    assert_null(IoCsqRemoveNextIrp(&q.csq, NULL));
    assert_true(IsListEmpty(&q.irps));

    /* an IRP cancelled before it is queued is completed as cancelled at once */
    irp_init(&a, &sa);
    a.Cancel = TRUE;
    IoCsqInsertIrp(&q.csq, &a, NULL);
    assert_int_equal(q.completed_cancelled, 2);
    assert_true(IsListEmpty(&q.irps));
    assert_int_equal(vf_violation_count(), 0);
}

/* ---- what is answered without being implemented -------------------------------------------- */
static void test_stubs_fail_and_fixed_answers(void **state)
{
    (void)state;
    HANDLE h = (HANDLE)1;
    PVOID obj = (PVOID)1;
    /* no start routine, no handle value: the calls now exist and refuse bad arguments */
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, NULL, NULL),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(ObReferenceObjectByHandle(NULL, SYNCHRONIZE, *ExEventObjectType, UserMode, &obj, NULL),
                     STATUS_INVALID_HANDLE);
    assert_null(obj);
    PEPROCESS p = (PEPROCESS)1;
    assert_int_equal(PsLookupProcessByProcessId((HANDLE)4, &p), STATUS_INVALID_PARAMETER); /* no such client */
    assert_null(p);
    h = (HANDLE)1;
    assert_int_equal(ZwOpenKey(&h, KEY_READ, NULL), STATUS_INVALID_PARAMETER);
    assert_null(h);
    NTSTATUS access = STATUS_SUCCESS;
    ACCESS_MASK granted = 1;
    assert_false(SeAccessCheck(NULL, NULL, FALSE, FILE_READ_DATA, 0, NULL, IoGetFileObjectGenericMapping(), UserMode,
                               &granted, &access));
    assert_int_equal(access, STATUS_INVALID_PARAMETER); /* no descriptor */
    assert_int_equal(granted, 0);
    PDEVICE_OBJECT dev = (PDEVICE_OBJECT)1;
    NDIS_HANDLE dh = (NDIS_HANDLE)1;
    NDIS_DEVICE_OBJECT_ATTRIBUTES attrs = { .Header = { NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES,
                                                        NDIS_DEVICE_OBJECT_ATTRIBUTES_REVISION_1,
                                                        NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1 } };
    assert_int_equal(NdisRegisterDeviceEx(NULL, &attrs, &dev, &dh), NDIS_STATUS_INVALID_PARAMETER);
    assert_null(dev);
    assert_null(dh);

    PGENERIC_MAPPING m = IoGetFileObjectGenericMapping();
    assert_true(m->GenericRead & FILE_READ_DATA);
    assert_true(m->GenericWrite & FILE_WRITE_DATA);
    assert_int_equal(m->GenericAll, FILE_ALL_ACCESS);
    ULONG flags = 0;
    assert_int_equal(MmIsVerifierEnabled(&flags), STATUS_SUCCESS);
    assert_true(flags & DRIVER_VERIFIER_FORCE_IRQL_CHECKING);
}

/* ---- debug output with a va_list (tap-windows6's debug builds print through it) ------------ */
static ULONG print_v(const char *prefix, ULONG level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ULONG r = prefix ? vDbgPrintExWithPrefix(prefix, DPFLTR_IHVDRIVER_ID, level, fmt, ap)
                     : vDbgPrintEx(DPFLTR_IHVNETWORK_ID, level, fmt, ap);
    va_end(ap);
    return r;
}

static void test_va_list_debug_print(void **state)
{
    (void)state;
    char path[] = "/tmp/openndis-dbg-XXXXXX";
    int fd = mkstemp(path);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"tap0");
    assert_int_equal(print_v("[TAP] ", DPFLTR_ERROR_LEVEL, "%wZ is %lu\n", &name, (ULONG)7), STATUS_SUCCESS);
    print_v(NULL, DPFLTR_INFO_LEVEL, "shown %s", "too");
    print_v(NULL, 9, "severity 9 is filtered"); /* above INFO */
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    char out[256] = { 0 };
    ssize_t n = pread(fd, out, sizeof out - 1, 0);
    close(fd);
    unlink(path);
    assert_true(n > 0);
    assert_non_null(strstr(out, "[TAP] tap0 is 7\n"));
    assert_non_null(strstr(out, "shown too\n"));
    assert_null(strstr(out, "filtered"));
}

/* ---- the tunnel-style driver: its FDO context and its hooked dispatch table -------------- */
static void test_tun_style_driver_keeps_context_in_fdo(void **state)
{
    (void)state;
    vf_reset();
    char err[512];
    struct ld_image *image = ld_load(TUN_STYLE_DRIVER, err, sizeof err);
    assert_non_null(image);
    assert_int_equal(ld_driver_entry(image), STATUS_SUCCESS);
    /* it hooked IRP_MJ_DEVICE_CONTROL and IRP_MJ_PNP after registering */
    assert_non_null(image->object.MajorFunction[IRP_MJ_DEVICE_CONTROL]);
    assert_non_null(image->object.MajorFunction[IRP_MJ_PNP]);
    NDIS_STATUS st;
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    PDEVICE_OBJECT pdo = NULL, fdo = NULL;
    NdisMGetDeviceProperty((NDIS_HANDLE)a, &pdo, &fdo, NULL, NULL, NULL);
    assert_non_null(fdo);
    assert_int_equal((ULONG_PTR)fdo % 16, 0); /* DEVICE_OBJECT is 16-byte aligned */
    assert_int_equal(fdo->Type, IO_TYPE_DEVICE);
    assert_int_equal(fdo->Size, sizeof(DEVICE_OBJECT));
    assert_ptr_equal(fdo->DriverObject, &image->object);
    assert_ptr_equal(pdo->AttachedDevice, fdo);
    assert_non_null(fdo->Reserved); /* the driver's context, as Wintun keeps it */
    assert_int_equal(ndis_adapter_halt(a, NdisHaltDeviceDisabled), NDIS_STATUS_SUCCESS);
    assert_true(ld_unload(image));
    ld_free(image);
    assert_int_equal(vf_violation_count(), 0);
}

/* What SoftEther's shipped Neo6_x64.sys imports beyond the rest (issue 19). */
NTKERNELAPI VOID KeReleaseSpinLock_x64(PKSPIN_LOCK SpinLock, KIRQL NewIrql) __asm__("KeReleaseSpinLock");
int __C_specific_handler(void *, void *, void *, void *);
static void test_shipped_sys_imports(void **state)
{
    (void)state;
    vf_reset();
    /* a named notification event: created signalled, opened again by name */
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\BaseNamedObjects\\NEO_EVENT_TEST");
    UNICODE_STRING other = RTL_CONSTANT_STRING(u"\\BaseNamedObjects\\NEO_EVENT_OTHER");
    HANDLE h1, h2, h3;
    PKEVENT e1 = IoCreateNotificationEvent(&name, &h1);
    assert_non_null(e1);
    assert_int_equal(KeReadStateEvent(e1), 1);
    KeClearEvent(e1);
    PKEVENT e2 = IoCreateNotificationEvent(&name, &h2);
    assert_ptr_equal(e2, e1);
    assert_int_equal(KeReadStateEvent(e2), 0); /* opened, not created again */
    PKEVENT e3 = IoCreateNotificationEvent(&other, &h3);
    assert_ptr_not_equal(e3, e1);
    assert_null(IoCreateNotificationEvent(NULL, &h3));
    assert_int_equal(ZwClose(h1), STATUS_SUCCESS);
    assert_int_equal(ZwClose(h2), STATUS_SUCCESS);
    assert_int_equal(ZwClose(h3), STATUS_SUCCESS);
    /* the x64 spin lock functions */
    KSPIN_LOCK lock;
    KeInitializeSpinLock(&lock);
    KIRQL old = KeAcquireSpinLockRaiseToDpc(&lock);
    assert_int_equal(old, PASSIVE_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeReleaseSpinLock_x64(&lock, old);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    /* PsGetVersion agrees with RtlGetVersion */
    ULONG major = 0, minor = 0, build = 0;
    RTL_OSVERSIONINFOW v = { .dwOSVersionInfoSize = sizeof v };
    assert_false(PsGetVersion(&major, &minor, &build, NULL));
    assert_int_equal(RtlGetVersion(&v), STATUS_SUCCESS);
    assert_int_equal(major, v.dwMajorVersion);
    assert_int_equal(build, v.dwBuildNumber);
    char text[] = "neoadapter_vpn";
    assert_string_equal(_strupr(text), "NEOADAPTER_VPN");
    NDIS_STRING s;
    NdisInitializeString(&s, (PUCHAR) "VPN");
    assert_int_equal(s.Length, 3 * sizeof(WCHAR));
    assert_memory_equal(s.Buffer, u"VPN", 4 * sizeof(WCHAR));
    NdisFreeString(s);
    assert_int_equal(vf_violation_count(), 0);
    /* ANSI and Unicode strings both ways, into the caller's buffers (NDIS's macros) */
    WCHAR wide[8];
    CHAR narrow[8];
    UNICODE_STRING us = { 0, sizeof wide, wide };
    ANSI_STRING as = RTL_CONSTANT_STRING("VPN");
    assert_int_equal(NdisAnsiStringToUnicodeString(&us, &as), STATUS_SUCCESS);
    assert_int_equal(us.Length, 3 * sizeof(WCHAR));
    assert_memory_equal(us.Buffer, u"VPN", 4 * sizeof(WCHAR));
    ANSI_STRING back = { 0, sizeof narrow, narrow };
    assert_int_equal(NdisUnicodeStringToAnsiString(&back, &us), STATUS_SUCCESS);
    assert_string_equal(back.Buffer, "VPN");
    UNICODE_STRING tiny = { 0, 2 * sizeof(WCHAR), wide };
    assert_int_equal(RtlAnsiStringToUnicodeString(&tiny, &as, FALSE), STATUS_BUFFER_OVERFLOW);
    UNICODE_STRING owned;
    assert_int_equal(RtlAnsiStringToUnicodeString(&owned, &as, TRUE), STATUS_SUCCESS);
    assert_memory_equal(owned.Buffer, u"VPN", 4 * sizeof(WCHAR));
    RtlFreeUnicodeString(&owned);
    assert_null(owned.Buffer);
    assert_int_equal(vf_violation_count(), 0);
    /* the SEH language handler, called outside any dispatch, lets the search go on */
    assert_int_equal(__C_specific_handler(NULL, NULL, NULL, NULL), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resource_shared_and_exclusive),
        cmocka_unit_test(test_resource_waiting_writer),
        cmocka_unit_test(test_resource_misuse_is_reported),
        cmocka_unit_test(test_ex_spin_lock),
        cmocka_unit_test(test_in_stack_queued_spin_lock),
        cmocka_unit_test(test_wait_for_multiple_objects),
        cmocka_unit_test(test_performance_counter_and_threads),
        cmocka_unit_test(test_process_notify_routines),
        cmocka_unit_test(test_os_version_follows_ndis_version),
        cmocka_unit_test(test_ansi_strings),
        cmocka_unit_test(test_ex_pool_and_ndis_memory),
        cmocka_unit_test(test_io_mdls),
        cmocka_unit_test(test_cancel_safe_queue),
        cmocka_unit_test(test_stubs_fail_and_fixed_answers),
        cmocka_unit_test(test_va_list_debug_print),
        cmocka_unit_test(test_tun_style_driver_keeps_context_in_fdo),
        cmocka_unit_test(test_shipped_sys_imports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
