/* The pointer map behind the live-block and handle tables: every key put is found until it
 * is removed, removed keys are gone, duplicates and NULL are refused, and growth and
 * tombstone reuse keep all of that true over many rounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kernel/ke.h"

enum { N = 20000 };

static void test_put_get_remove(void **state)
{
    (void)state;
    struct ke_ptrmap m = { 0 };
    static char objects[N];
    uintptr_t v;
    assert_false(ke_ptrmap_put(&m, NULL, 1));
    for (size_t round = 0; round < 3; round++) {
        for (size_t i = 0; i < N; i++)
            assert_true(ke_ptrmap_put(&m, &objects[i], i + round));
        assert_false(ke_ptrmap_put(&m, &objects[7], 0)); /* already there */
        assert_int_equal(m.used, N);
        for (size_t i = 0; i < N; i++) {
            assert_true(ke_ptrmap_get(&m, &objects[i], &v));
            assert_int_equal(v, i + round);
        }
        /* remove the even ones, check, then the odd ones */
        for (size_t i = 0; i < N; i += 2)
            assert_true(ke_ptrmap_remove(&m, &objects[i]));
        for (size_t i = 0; i < N; i++)
            assert_int_equal(ke_ptrmap_get(&m, &objects[i], NULL), i % 2 == 1);
        assert_false(ke_ptrmap_remove(&m, &objects[0])); /* twice */
        for (size_t i = 1; i < N; i += 2)
            assert_true(ke_ptrmap_remove(&m, &objects[i]));
        assert_int_equal(m.used, 0);
    }
    assert_false(ke_ptrmap_get(&m, &objects[1], &v));
    assert_true(m.cap < 4 * N); /* tombstones were reclaimed, not grown past */
    free(m.slots);
}

/* Churn: a small working set that turns over many times must not grow the table. */
static void test_churn_stays_small(void **state)
{
    (void)state;
    struct ke_ptrmap m = { 0 };
    static char objects[64];
    for (size_t i = 0; i < 100000; i++) {
        assert_true(ke_ptrmap_put(&m, &objects[i % 64], i));
        if (i >= 32)
            assert_true(ke_ptrmap_remove(&m, &objects[(i - 32) % 64]));
    }
    assert_int_equal(m.used, 32);
    assert_true(m.cap <= 128);
    free(m.slots);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_remove),
        cmocka_unit_test(test_churn_stays_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
