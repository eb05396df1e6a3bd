/* The processor model: N processors (4 here, whatever the machine has), a DPC targeted at
 * processor k runs on k and says so, an untargeted one runs where it was queued, and no two
 * threads hold one processor at DISPATCH_LEVEL at once. Runs under TSan: the per-processor
 * counters below are plain variables, as a driver's per-CPU statistics are. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kernel/ke.h"

#define MODELLED 4u

static void test_count_asked_for(void **state)
{
    (void)state;
    assert_int_equal(ke_processor_wanted("3", 2), 3);
    assert_int_equal(ke_processor_wanted("64", 2), 64);
    assert_int_equal(ke_processor_wanted(NULL, 2), 2);
    assert_int_equal(ke_processor_wanted("0", 2), 2);    /* invalid: the machine's */
    assert_int_equal(ke_processor_wanted("65", 2), 2);
    assert_int_equal(ke_processor_wanted("4x", 2), 2);
    assert_int_equal(ke_processor_wanted(NULL, 200), 64); /* one group at most */
    assert_int_equal(KeQueryActiveProcessorCountEx(0), MODELLED);
    KAFFINITY mask = 0;
    assert_int_equal(KeQueryActiveProcessorCount(&mask), MODELLED);
    assert_int_equal(mask, 0xf);
    PROCESSOR_NUMBER p;
    assert_int_equal(KeGetProcessorNumberFromIndex(MODELLED, &p), STATUS_INVALID_PARAMETER);
    assert_int_equal(KeGetProcessorNumberFromIndex(3, &p), STATUS_SUCCESS);
    assert_int_equal(KeGetProcessorIndexFromNumber(&p), 3);
}

struct dpc_probe {
    KDPC dpc;
    ULONG processor;
    KIRQL irql;
    pthread_t thread;
    NDIS_EVENT done;
};

static VOID record(PKDPC dpc, PVOID context, PVOID a1, PVOID a2)
{
    (void)dpc; (void)a1; (void)a2;
    struct dpc_probe *p = context;
    PROCESSOR_NUMBER n;
    p->processor = KeGetCurrentProcessorNumberEx(&n);
    assert_int_equal(n.Number, p->processor);
    p->irql = KeGetCurrentIrql();
    p->thread = pthread_self();
    NdisSetEvent(&p->done);
}

static void test_targeted_dpcs_run_there(void **state)
{
    (void)state;
    struct dpc_probe p[MODELLED];
    for (ULONG k = 0; k < MODELLED; k++) {
        NdisInitializeEvent(&p[k].done);
        KeInitializeDpc(&p[k].dpc, record, &p[k]);
        PROCESSOR_NUMBER n = { 0, (UCHAR)k, 0 };
        assert_int_equal(KeSetTargetProcessorDpcEx(&p[k].dpc, &n), STATUS_SUCCESS);
        assert_true(KeInsertQueueDpc(&p[k].dpc, NULL, NULL));
    }
    for (ULONG k = 0; k < MODELLED; k++) {
        assert_true(NdisWaitEvent(&p[k].done, 5000));
        assert_int_equal(p[k].processor, k);
        assert_int_equal(p[k].irql, DISPATCH_LEVEL);
        for (ULONG j = 0; j < k; j++) /* each processor has its own DPC thread */
            assert_false(pthread_equal(p[j].thread, p[k].thread));
    }
    KeFlushQueuedDpcs();
    PROCESSOR_NUMBER bad = { 0, MODELLED, 0 };
    assert_int_equal(KeSetTargetProcessorDpcEx(&p[0].dpc, &bad), STATUS_INVALID_PARAMETER);
    assert_int_equal(vf_violation_count(), 0);
    KeSetTargetProcessorDpc(&p[0].dpc, (CCHAR)MODELLED);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);
    vf_reset();
}

static void test_untargeted_dpc_runs_where_queued(void **state)
{
    (void)state;
    struct dpc_probe p;
    NdisInitializeEvent(&p.done);
    KeInitializeDpc(&p.dpc, record, &p);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ULONG here = KeGetCurrentProcessorNumberEx(NULL);
    assert_true(KeInsertQueueDpc(&p.dpc, NULL, NULL));
    KeLowerIrql(old); /* the DPC runs once this processor drops below DISPATCH_LEVEL */
    assert_true(NdisWaitEvent(&p.done, 5000));
    assert_int_equal(p.processor, here);
    KeFlushQueuedDpcs();
}

/* Per-processor data touched at DISPATCH_LEVEL without a lock, as drivers do. */
static struct {
    volatile int inside; /* atomically: a second holder would see 1 */
    unsigned long count; /* plainly: TSan reports a race if holders overlap */
} per_cpu[MODELLED];
static atomic_ulong overlaps;

#define ROUNDS 3000

static void *raise_and_count(void *unused)
{
    (void)unused;
    for (int i = 0; i < ROUNDS; i++) {
        KIRQL old;
        KeRaiseIrql(DISPATCH_LEVEL, &old);
        ULONG k = KeGetCurrentProcessorNumberEx(NULL);
        if (__atomic_exchange_n(&per_cpu[k].inside, 1, __ATOMIC_RELAXED) != 0)
            atomic_fetch_add(&overlaps, 1);
        per_cpu[k].count++;
        __atomic_store_n(&per_cpu[k].inside, 0, __ATOMIC_RELAXED);
        KeLowerIrql(old);
    }
    return NULL;
}

static void test_dispatch_level_holds_the_processor(void **state)
{
    (void)state;
    enum { THREADS = 3 * MODELLED };
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, raise_and_count, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&overlaps), 0);
    unsigned long total = 0, used = 0;
    for (unsigned k = 0; k < MODELLED; k++) {
        total += per_cpu[k].count;
        used += per_cpu[k].count != 0;
    }
    assert_int_equal(total, (unsigned long)THREADS * ROUNDS);
    assert_true(used >= 2); /* threads spread over the processors */
}

int main(void)
{
    setenv("OPENNDIS_PROCESSORS", "4", 1); /* before the model first counts */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_asked_for),
        cmocka_unit_test(test_targeted_dpcs_run_there),
        cmocka_unit_test(test_untargeted_dpc_runs_where_queued),
        cmocka_unit_test(test_dispatch_level_holds_the_processor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
