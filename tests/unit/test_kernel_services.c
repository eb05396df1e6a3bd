/* Kernel services a driver calls: timers and DPCs at DISPATCH_LEVEL on the DPC thread, work
 * items at PASSIVE_LEVEL on the worker, events, lookaside lists, reader-writer locks and
 * configuration. The sample driver provides a real driver handle to allocate with. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "loader/ld.h"
#include "ndis/ndis.h"

static struct ld_image *image;
static NDIS_HANDLE driver;

static int setup(void **state)
{
    (void)state;
    char err[512];
    vf_reset();
    image = ld_load(SAMPLE_DRIVER, err, sizeof err);
    if (image == NULL || ld_driver_entry(image) != NDIS_STATUS_SUCCESS)
        return -1;
    driver = ndis_registration_of(&image->object);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ld_unload(image);
    ld_free(image);
    return 0;
}

struct probe {
    volatile LONG calls;
    KIRQL irql;
    bool worker_thread;
    PVOID context;
    NDIS_EVENT done;
    pthread_t thread;
};

static VOID timer_fn(PVOID s1, PVOID context, PVOID s2, PVOID s3)
{
    (void)s1; (void)s2; (void)s3;
    struct probe *p = context;
    p->irql = KeGetCurrentIrql();
    p->context = context;
    InterlockedIncrement(&p->calls);
    NdisSetEvent(&p->done);
}

static NDIS_HANDLE timer(struct probe *p)
{
    NDIS_TIMER_CHARACTERISTICS tc = {
        .Header = { NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS, NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                    NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1 },
        .AllocationTag = 0x5472694d, .TimerFunction = timer_fn, .FunctionContext = p,
    };
    NDIS_HANDLE t = NULL;
    assert_int_equal(NdisAllocateTimerObject(driver, &tc, &t), NDIS_STATUS_SUCCESS);
    return t;
}

static void test_one_shot_timer(void **state)
{
    (void)state;
    struct probe p = { 0 };
    NdisInitializeEvent(&p.done);
    NDIS_HANDLE t = timer(&p);
    LARGE_INTEGER due = { .QuadPart = -10 * 10000 }; /* 10 ms */
    assert_false(NdisSetTimerObject(t, due, 0, NULL));
    assert_true(NdisWaitEvent(&p.done, 2000));
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.irql, DISPATCH_LEVEL);
    assert_ptr_equal(p.context, &p);
    assert_false(NdisCancelTimerObject(t)); /* already fired */
    NdisFreeTimerObject(t);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_periodic_timer(void **state)
{
    (void)state;
    struct probe p = { 0 };
    NdisInitializeEvent(&p.done);
    NDIS_HANDLE t = timer(&p);
    LARGE_INTEGER due = { .QuadPart = -1 * 10000 };
    NdisSetTimerObject(t, due, 2, NULL);
    while (__atomic_load_n(&p.calls, __ATOMIC_ACQUIRE) < 3)
        NdisMSleep(1000);
    assert_true(NdisCancelTimerObject(t));
    NdisFreeTimerObject(t);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_free_set_timer_is_a_violation(void **state)
{
    (void)state;
    struct probe p = { 0 };
    NdisInitializeEvent(&p.done);
    NDIS_HANDLE t = timer(&p);
    LARGE_INTEGER due = { .QuadPart = -10 * 1000 * 10000LL }; /* 10 s: never fires here */
    NdisSetTimerObject(t, due, 0, NULL);
    NdisFreeTimerObject(t);
    assert_int_equal(vf_violation_count_of(VF_TIMER_FREED_WHILE_SET), 1);
    vf_reset();
}

static VOID dpc_fn(PKDPC dpc, PVOID context, PVOID a1, PVOID a2)
{
    (void)dpc;
    struct probe *p = context;
    p->irql = KeGetCurrentIrql();
    p->context = (PVOID)((uintptr_t)a1 + (uintptr_t)a2);
    InterlockedIncrement(&p->calls);
}

static void test_dpc(void **state)
{
    (void)state;
    struct probe p = { 0 };
    KDPC dpc;
    KeInitializeDpc(&dpc, dpc_fn, &p);
    assert_true(KeInsertQueueDpc(&dpc, (PVOID)1, (PVOID)2));
    KeFlushQueuedDpcs();
    assert_int_equal(p.calls, 1);
    assert_int_equal(p.irql, DISPATCH_LEVEL);
    assert_ptr_equal(p.context, (PVOID)3);
    assert_false(KeRemoveQueueDpc(&dpc));
}

static struct probe blocker;
static VOID work_fn(PVOID context, NDIS_HANDLE item)
{
    (void)item;
    struct probe *p = context;
    if (p == &blocker) {
        NdisWaitEvent(&p->done, 0); /* hold a worker until the test releases it */
        return;
    }
    p->irql = KeGetCurrentIrql();
    p->thread = pthread_self();
    InterlockedIncrement(&p->calls);
    NdisSetEvent(&p->done);
}

static void test_work_items(void **state)
{
    (void)state;
    struct probe p = { 0 };
    NdisInitializeEvent(&p.done);
    NDIS_HANDLE w = NdisAllocateIoWorkItem(driver);
    assert_non_null(w);
    NdisQueueIoWorkItem(w, work_fn, &p);
    assert_true(NdisWaitEvent(&p.done, 2000));
    assert_int_equal(p.irql, PASSIVE_LEVEL);
    assert_false(pthread_equal(p.thread, pthread_self()));
    NdisFreeIoWorkItem(w);
    assert_int_equal(vf_violation_count(), 0);

    /* Queued twice while every worker is busy: a violation, and it runs once. */
    memset(&blocker, 0, sizeof blocker);
    NdisInitializeEvent(&blocker.done);
    NDIS_HANDLE hold[16], twice = NdisAllocateIoWorkItem(driver);
    for (int i = 0; i < 16; i++) { /* more than there are workers */
        hold[i] = NdisAllocateIoWorkItem(driver);
        NdisQueueIoWorkItem(hold[i], work_fn, &blocker);
    }
    struct probe q = { 0 };
    NdisInitializeEvent(&q.done);
    NdisQueueIoWorkItem(twice, work_fn, &q);
    NdisQueueIoWorkItem(twice, work_fn, &q);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);
    NdisSetEvent(&blocker.done);
    assert_true(NdisWaitEvent(&q.done, 2000));
    ke_work_flush();
    assert_int_equal(q.calls, 1);
    for (int i = 0; i < 16; i++)
        NdisFreeIoWorkItem(hold[i]);
    NdisFreeIoWorkItem(twice);
    vf_reset();
}

static void test_events(void **state)
{
    (void)state;
    KEVENT e;
    LARGE_INTEGER short_wait = { .QuadPart = -1 * 10000 };
    KeInitializeEvent(&e, SynchronizationEvent, FALSE);
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &short_wait), STATUS_TIMEOUT);
    KeSetEvent(&e, 0, FALSE);
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &short_wait), STATUS_SUCCESS);
    /* A synchronization event resets when a waiter takes it. */
    assert_int_equal(KeReadStateEvent(&e), 0);
    KeInitializeEvent(&e, NotificationEvent, TRUE);
    assert_int_equal(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    assert_int_equal(KeReadStateEvent(&e), 1);
}

/* A kernel mutex: its owner may take it again (each acquisition released once); another
 * thread waits until the last release; a release by a thread that does not own it is
 * Windows' MUTEX_NOT_OWNED, a finding that leaves the mutex as it was. */
static KMUTEX test_mutex;
static volatile int mutex_taken;

static void *mutex_taker(void *arg)
{
    (void)arg;
    LARGE_INTEGER short_wait = { .QuadPart = -1 * 10000 };
    NTSTATUS early = KeWaitForSingleObject(&test_mutex, Executive, KernelMode, FALSE, &short_wait);
    if (early == STATUS_SUCCESS)
        return (void *)1; /* it was not held */
    KeReleaseMutex(&test_mutex, FALSE); /* not the owner: a finding, nothing changes */
    KeWaitForSingleObject(&test_mutex, Executive, KernelMode, FALSE, NULL);
    mutex_taken = 1;
    KeReleaseMutex(&test_mutex, FALSE);
    return NULL;
}

static void test_mutex_ownership(void **state)
{
    (void)state;
    vf_reset();
    KeInitializeMutex(&test_mutex, 0);
    assert_int_equal(KeReadStateMutex(&test_mutex), 1);
    assert_int_equal(KeWaitForSingleObject(&test_mutex, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    assert_int_equal(KeWaitForSingleObject(&test_mutex, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    assert_int_equal(KeReadStateMutex(&test_mutex), -1);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, mutex_taker, NULL), 0);
    usleep(50000);
    assert_int_equal(KeReleaseMutex(&test_mutex, FALSE), -1); /* still held once */
    usleep(20000);
    assert_int_equal(mutex_taken, 0);
    assert_int_equal(KeReleaseMutex(&test_mutex, FALSE), 0);
    void *early;
    assert_int_equal(pthread_join(t, &early), 0);
    assert_null(early);
    assert_int_equal(mutex_taken, 1);
    assert_int_equal(KeReadStateMutex(&test_mutex), 1);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);
    KeReleaseMutex(&test_mutex, FALSE); /* free already: a finding */
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 2);
    vf_reset();
}

/* The sample's code is the "caller" the lookaside list is accounted to; from the test it is
 * accounted nowhere, so it uses the driver's own allocate and free routines. */
static PVOID la_alloc(POOL_TYPE type, SIZE_T size, ULONG tag)
{
    (void)type; (void)tag;
    return malloc(size);
}
static VOID la_free(PVOID p)
{
    free(p);
}

static void test_lookaside(void **state)
{
    (void)state;
    NPAGED_LOOKASIDE_LIST l;
    NdisInitializeNPagedLookasideList(&l, la_alloc, la_free, 0, 64, 0x4c6f6f6b, 2);
    PVOID a = NdisAllocateFromNPagedLookasideList(&l), b = NdisAllocateFromNPagedLookasideList(&l),
          c = NdisAllocateFromNPagedLookasideList(&l);
    assert_non_null(a);
    NdisFreeToNPagedLookasideList(&l, a);
    NdisFreeToNPagedLookasideList(&l, b);
    NdisFreeToNPagedLookasideList(&l, c); /* beyond depth 2: released */
    assert_int_equal(l.Depth, 2);
    assert_ptr_equal(NdisAllocateFromNPagedLookasideList(&l), b); /* recycled, LIFO */
    la_free(b);
    NdisDeleteNPagedLookasideList(&l);
    assert_int_equal(l.Depth, 0);
}

static void test_rw_lock(void **state)
{
    (void)state;
    PNDIS_RW_LOCK_EX l = NdisAllocateRWLock(driver);
    LOCK_STATE_EX s1, s2;
    NdisAcquireRWLockRead(l, &s1, 0);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    NdisAcquireRWLockRead(l, &s2, NDIS_RWL_AT_DISPATCH_LEVEL);
    NdisReleaseRWLock(l, &s2);
    NdisReleaseRWLock(l, &s1);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    NdisAcquireRWLockWrite(l, &s1, 0);
    NdisReleaseRWLock(l, &s1);
    NdisFreeRWLock(l);

    NDIS_RW_LOCK old;
    LOCK_STATE ls;
    NdisInitializeReadWriteLock(&old);
    NdisAcquireReadWriteLock(&old, TRUE, &ls);
    assert_int_equal(old.State, -1);
    NdisReleaseReadWriteLock(&old, &ls);
    assert_int_equal(old.State, 0);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_configuration(void **state)
{
    (void)state;
    char path[] = "/tmp/openndis-config-XXXXXX", err[256];
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("[driver]\nSpeed = 100\nMask = ff\nName = hub\nNetworkAddress = 02:11:22:33:44:55\n", f);
    fclose(f);
    assert_true(ndis_config_load(path, err, sizeof err));
    unlink(path);

    NDIS_CONFIGURATION_OBJECT o = { .Header = { NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT,
                                                NDIS_CONFIGURATION_OBJECT_REVISION_1,
                                                NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1 },
                                    .NdisHandle = driver };
    NDIS_HANDLE c;
    NDIS_STATUS st;
    PNDIS_CONFIGURATION_PARAMETER v;
    assert_int_equal(NdisOpenConfigurationEx(&o, &c), NDIS_STATUS_SUCCESS);
    NDIS_STRING speed = RTL_CONSTANT_STRING(u"speed"), mask = RTL_CONSTANT_STRING(u"Mask"),
                name = RTL_CONSTANT_STRING(u"Name"), none = RTL_CONSTANT_STRING(u"Absent");
    NdisReadConfiguration(&st, &v, c, &speed, NdisParameterInteger);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    assert_int_equal(v->ParameterData.IntegerData, 100);
    NdisReadConfiguration(&st, &v, c, &mask, NdisParameterHexInteger);
    assert_int_equal(v->ParameterData.IntegerData, 0xff);
    NdisReadConfiguration(&st, &v, c, &name, NdisParameterString);
    assert_int_equal(v->ParameterData.StringData.Length, 6);
    assert_memory_equal(v->ParameterData.StringData.Buffer, u"hub", 6);
    NdisReadConfiguration(&st, &v, c, &none, NdisParameterInteger);
    assert_int_equal(st, NDIS_STATUS_FAILURE);
    NDIS_CONFIGURATION_PARAMETER w = { .ParameterType = NdisParameterInteger, .ParameterData.IntegerData = 7 };
    NdisWriteConfiguration(&st, c, &none, &w);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    NdisReadConfiguration(&st, &v, c, &none, NdisParameterInteger);
    assert_int_equal(v->ParameterData.IntegerData, 7);
    PUCHAR mac;
    UINT len;
    NdisReadNetworkAddress(&st, (PVOID *)&mac, &len, c);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    assert_int_equal(len, 6);
    assert_int_equal(mac[5], 0x55);
    NdisCloseConfiguration(c);
    ndis_config_clear();
    assert_int_equal(vf_violation_count(), 0);
}

/* Every key of a big file is found (hash table, case-insensitive), and a value up to the
 * documented limit (NDIS_CONFIG_MAX_VALUE) reads whole: it was cut at 511 bytes. */
static void test_configuration_many_keys_long_value(void **state)
{
    (void)state;
    char path[] = "/tmp/openndis-config-XXXXXX", err[256];
    FILE *f = fdopen(mkstemp(path), "w");
    fputs("[driver]\n", f);
    for (int i = 0; i < 20000; i++)
        fprintf(f, "Key%d = %d\n", i, i);
    fputs("Long = ", f);
    for (unsigned i = 0; i < NDIS_CONFIG_MAX_VALUE; i++)
        fputc('a' + i % 26, f);
    fputc('\n', f);
    fclose(f);
    assert_true(ndis_config_load(path, err, sizeof err));
    unlink(path);
    NDIS_CONFIGURATION_OBJECT o = { .Header = { NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT,
                                                NDIS_CONFIGURATION_OBJECT_REVISION_1,
                                                NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1 },
                                    .NdisHandle = driver };
    NDIS_HANDLE c;
    NDIS_STATUS st;
    PNDIS_CONFIGURATION_PARAMETER v;
    assert_int_equal(NdisOpenConfigurationEx(&o, &c), NDIS_STATUS_SUCCESS);
    for (int i = 0; i < 20000; i += 997) {
        WCHAR name[16];
        char text[16];
        int n = snprintf(text, sizeof text, "kEY%d", i);
        for (int k = 0; k <= n; k++)
            name[k] = (WCHAR)text[k];
        NDIS_STRING key = { (USHORT)(n * sizeof(WCHAR)), (USHORT)(n * sizeof(WCHAR)), name };
        NdisReadConfiguration(&st, &v, c, &key, NdisParameterInteger);
        assert_int_equal(st, NDIS_STATUS_SUCCESS);
        assert_int_equal(v->ParameterData.IntegerData, i);
    }
    NDIS_STRING lng = RTL_CONSTANT_STRING(u"long");
    NdisReadConfiguration(&st, &v, c, &lng, NdisParameterString);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    assert_int_equal(v->ParameterData.StringData.Length, NDIS_CONFIG_MAX_VALUE * sizeof(WCHAR));
    assert_int_equal(v->ParameterData.StringData.Buffer[NDIS_CONFIG_MAX_VALUE - 1], 'a' + (NDIS_CONFIG_MAX_VALUE - 1) % 26);
    NdisCloseConfiguration(c);
    ndis_config_clear();
    assert_int_equal(vf_violation_count(), 0);
}

/* An INF's Ndi\params defaults apply to every adapter unless the parameter file says otherwise. */
static void test_inf_defaults(void **state)
{
    (void)state;
    char ini[] = "/tmp/openndis-ini-XXXXXX", inf[] = "/tmp/openndis-inf-XXXXXX", err[256], value[64];
    FILE *f = fdopen(mkstemp(ini), "w");
    fputs("[adapter]\nSpeed = 5\n", f);
    fclose(f);
    f = fdopen(mkstemp(inf), "w");
    fputs("[x.ndi.AddReg]\n"
          "HKR, Ndi\\params\\Speed,   default, 0, \"10\"  ; overridden by the parameter file\n"
          "HKR, Ndi\\params\\Duplex,  default, 0, \"full\"\n"
          "HKR, Ndi\\params\\Duplex,  ParamDesc, 0, \"Duplex mode\"\n"
          "HKR, Ndi\\params\\Duplex\\enum, \"full\", 0, \"Full\"\n", f);
    fclose(f);
    assert_true(ndis_config_load(ini, err, sizeof err));
    assert_true(ndis_config_load_inf(inf, err, sizeof err));
    unlink(ini);
    unlink(inf);
    NDIS_STATUS st;
    char path[512];
    snprintf(path, sizeof path, "%s", SAMPLE_DRIVER);
    (void)path;
    NDIS_CONFIGURATION_OBJECT o = { .Header = { NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT,
                                                NDIS_CONFIGURATION_OBJECT_REVISION_1,
                                                NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1 } };
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    assert_non_null(a);
    o.NdisHandle = a;
    NDIS_HANDLE c;
    PNDIS_CONFIGURATION_PARAMETER v;
    NDIS_STRING speed = RTL_CONSTANT_STRING(u"Speed"), duplex = RTL_CONSTANT_STRING(u"Duplex");
    assert_int_equal(NdisOpenConfigurationEx(&o, &c), NDIS_STATUS_SUCCESS);
    NdisReadConfiguration(&st, &v, c, &speed, NdisParameterInteger);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    assert_int_equal(v->ParameterData.IntegerData, 5);
    NdisReadConfiguration(&st, &v, c, &duplex, NdisParameterString);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    assert_memory_equal(v->ParameterData.StringData.Buffer, u"full", 8);
    /* every adapter has an instance GUID, as Windows' class installer gives it */
    NDIS_STRING id = RTL_CONSTANT_STRING(u"NetCfgInstanceId");
    NdisReadConfiguration(&st, &v, c, &id, NdisParameterString);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    assert_int_equal(v->ParameterData.StringData.Length, 38 * sizeof(WCHAR));
    char guid[39], want[39];
    for (int i = 0; i < 38; i++)
        guid[i] = (char)v->ParameterData.StringData.Buffer[i];
    guid[38] = '\0';
    snprintf(want, sizeof want, "{4F70656E-4E44-4953-0000-%012X}", a->index + 1);
    assert_string_equal(guid, want);
    NdisCloseConfiguration(c);
    o.NdisHandle = driver; /* the driver's key has none */
    assert_int_equal(NdisOpenConfigurationEx(&o, &c), NDIS_STATUS_SUCCESS);
    NdisReadConfiguration(&st, &v, c, &id, NdisParameterString);
    assert_int_equal(st, NDIS_STATUS_FAILURE);
    NdisCloseConfiguration(c);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled);
    ndis_config_clear();
    (void)value;
    assert_false(ndis_config_load_inf("/nonexistent.inf", err, sizeof err));
    assert_int_equal(vf_violation_count(), 0);
}

/* NET_BUFFER_LIST recycling (run's fast path): a freed NBL comes back, zeroed, for the next
 * allocation of its size; freeing it twice is still a double free; freeing the pool gives
 * every recycled NBL back, so nothing shows as a leak. Sanitizer builds never recycle. */
/* NdisHandle is optional for both pool kinds (DDI: [in, optional]); SoftEther's Neo6 passes
 * NULL. The pool works and belongs to the caller. */
static void test_pools_without_handle(void **state)
{
    (void)state;
    vf_reset();
    NET_BUFFER_LIST_POOL_PARAMETERS lp = { .Header = { NDIS_OBJECT_TYPE_DEFAULT, NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                                                       NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1 },
                                           .fAllocateNetBuffer = TRUE, .PoolTag = 0x6c6f6f50u, .DataSize = 128 };
    NDIS_HANDLE pool = NdisAllocateNetBufferListPool(NULL, &lp);
    assert_non_null(pool);
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferList(pool, 0, 0);
    assert_non_null(nbl);
    assert_int_equal(NET_BUFFER_DATA_LENGTH(NET_BUFFER_LIST_FIRST_NB(nbl)), 128);
    NdisFreeNetBufferList(nbl);
    NdisFreeNetBufferListPool(pool);
    NET_BUFFER_POOL_PARAMETERS bp = { .Header = { NDIS_OBJECT_TYPE_DEFAULT, NET_BUFFER_POOL_PARAMETERS_REVISION_1,
                                                  NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1 },
                                      .PoolTag = 0x6c6f6f50u };
    NDIS_HANDLE nb_pool = NdisAllocateNetBufferPool(NULL, &bp);
    assert_non_null(nb_pool);
    NdisFreeNetBufferPool(nb_pool);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_nbl_recycling(void **state)
{
    (void)state;
    if (!ndis_nbl_set_recycling(true))
        skip(); /* an ASan build: recycling would hide use-after-free */
    NET_BUFFER_LIST_POOL_PARAMETERS pp = {
        .Header = { NDIS_OBJECT_TYPE_DEFAULT, NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                    NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1 },
        .fAllocateNetBuffer = TRUE, .PoolTag = 0x6c63794e,
    };
    NDIS_HANDLE pool = NdisAllocateNetBufferListPool(driver, &pp);
    assert_non_null(pool);
    PNET_BUFFER_LIST a = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0);
    assert_non_null(a);
    a->Status = NDIS_STATUS_FAILURE;
    a->MiniportReserved[0] = a;
    NdisFreeNetBufferList(a);
    PNET_BUFFER_LIST b = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0);
    assert_ptr_equal(b, a);                   /* recycled */
    assert_int_equal(b->Status, 0);           /* and zeroed */
    assert_null(b->MiniportReserved[0]);
    assert_non_null(b->FirstNetBuffer);
    PNET_BUFFER_LIST c = NdisAllocateNetBufferList(pool, 16, 0); /* another size: not b's block */
    assert_non_null(c);
    assert_ptr_not_equal(c, b);
    NdisFreeNetBufferList(b);
    NdisFreeNetBufferList(b);
    assert_int_equal(vf_violation_count_of(VF_FREE_INVALID), 1);
    NdisFreeNetBufferList(c);
    NdisFreeNetBufferListPool(pool);

    /* A pool with data buffers and a context of its own: a recycled NBL has its NET_BUFFER,
     * MDL and context as new, whatever the driver did to them; the buffer may keep old bytes. */
    pp.DataSize = 128;
    pp.ContextSize = 32;
    pool = NdisAllocateNetBufferListPool(driver, &pp);
    assert_non_null(pool);
    a = NdisAllocateNetBufferList(pool, 0, 0);
    assert_non_null(a);
    PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(a);
    PMDL mdl = NET_BUFFER_FIRST_MDL(nb);
    PUCHAR data = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
    /* the pool's context is reserved space ahead of the (here empty) used part */
    assert_int_equal(a->Context->Size, 32);
    assert_int_equal(a->Context->Offset, 32);
    memset(a->Context->ContextData, 0xAB, a->Context->Size);
    NET_BUFFER_DATA_LENGTH(nb) = 10;
    NET_BUFFER_DATA_OFFSET(nb) = 4;
    mdl->ByteCount = 1;
    mdl->Next = mdl;
    NdisFreeNetBufferList(a);
    b = NdisAllocateNetBufferList(pool, 0, 0);
    assert_ptr_equal(b, a);
    nb = NET_BUFFER_LIST_FIRST_NB(b);
    assert_int_equal(NET_BUFFER_DATA_LENGTH(nb), 128);
    assert_int_equal(NET_BUFFER_DATA_OFFSET(nb), 0);
    assert_ptr_equal(NET_BUFFER_FIRST_MDL(nb), mdl);
    assert_int_equal(mdl->ByteCount, 128);
    assert_null(mdl->Next);
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority), data);
    assert_int_equal(b->Context->Size, 32);
    assert_int_equal(b->Context->Offset, 32);
    for (int i = 0; i < 32; i++)
        assert_int_equal(b->Context->ContextData[i], 0);
    NdisFreeNetBufferList(b);
    NdisFreeNetBufferListPool(pool);
    ndis_nbl_set_recycling(false);
    assert_int_equal(vf_violation_count_of(VF_MEMORY_LEAK), 0);
    vf_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_shot_timer),
        cmocka_unit_test(test_periodic_timer),
        cmocka_unit_test(test_free_set_timer_is_a_violation),
        cmocka_unit_test(test_dpc),
        cmocka_unit_test(test_mutex_ownership),
        cmocka_unit_test(test_work_items),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_lookaside),
        cmocka_unit_test(test_rw_lock),
        cmocka_unit_test(test_configuration),
        cmocka_unit_test(test_inf_defaults),
        cmocka_unit_test(test_configuration_many_keys_long_value),
        cmocka_unit_test(test_nbl_recycling),
        cmocka_unit_test(test_pools_without_handle),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
