/* array_reserve, the one way OpenNDIS grows its arrays: room for what is asked, contents kept
 * across a move, and on overflow (or no memory) NULL with the array and its capacity left as
 * they were, so every caller can report and go on instead of losing the array. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/array.h"

static void test_grows_and_keeps(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    for (int i = 0; i < 1000; i++) {
        int *grown = array_reserve(v, &cap, (size_t)i + 1, sizeof *v);
        assert_non_null(grown);
        v = grown;
        assert_true(cap >= (size_t)i + 1);
        v[i] = i;
    }
    for (int i = 0; i < 1000; i++)
        assert_int_equal(v[i], i);
    assert_true(cap < 2048); /* doubling, not one element at a time or wildly more */
    size_t before = cap;
    assert_ptr_equal(array_reserve(v, &cap, 10, sizeof *v), v); /* enough room: unchanged */
    assert_int_equal(cap, before);
    free(v);
}

static void test_overflow_leaves_array(void **state)
{
    (void)state;
    long *v = NULL;
    size_t cap = 0;
    v = array_reserve(v, &cap, 4, sizeof *v);
    assert_non_null(v);
    v[0] = 42;
    size_t before = cap;
    assert_null(array_reserve(v, &cap, SIZE_MAX / 4, sizeof *v)); /* bytes overflow */
    assert_null(array_reserve(v, &cap, SIZE_MAX, sizeof *v));     /* count overflow */
    assert_int_equal(cap, before);
    assert_int_equal(v[0], 42); /* still the caller's, still valid */
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grows_and_keeps),
        cmocka_unit_test(test_overflow_leaves_array),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
