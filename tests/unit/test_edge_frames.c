/* The edges' frame pools (src/edge/frame.c), compiled into this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "edge/frame.h"

/* An edge takes back only the frames it sent: an NBL sent while another upper edge was
 * attached (verify's shaped NBL) and completed late must not land in its free list. */
static void test_edge_takes_back_only_its_frames(void **state)
{
    (void)state;
    struct edge_frames a, b;
    edge_frames_init(&a);
    edge_frames_init(&b);
    UCHAR data[60] = { 0 };
    struct edge_frame *f = edge_frame_get(&a, data, sizeof data, NULL);
    assert_non_null(f);
    NET_BUFFER_LIST foreign = { 0 };
    assert_false(edge_frame_put(&a, &foreign));
    assert_false(edge_frame_put(&b, &f->nbl));
    assert_true(edge_frame_put(&a, &f->nbl));
    edge_frames_destroy(&a); /* frees f once; a foreign NBL in the list would be a bad free */
    edge_frames_destroy(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_takes_back_only_its_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
