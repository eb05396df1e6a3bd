/* Each adapter-level rule has a rogue build of tests/rogue/adapter_rogue.c that makes
 * exactly that mistake. Every rogue goes through the same life (initialize, restart, a
 * frame, an OID, pause, halt, unload) and must trigger its rule and nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "loader/ld.h"
#include "edge/edge.h"
#include "serialize.h"

/* Resets the findings, loads the rogue build `name` (rogue_adapter_none, ...) and runs its
 * DriverEntry. */
static struct ld_image *rogue_load(const char *name)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/%s.so", ROGUE_DIR, name);
    vf_reset();
    struct ld_image *image = ld_load(path, err, sizeof err);
    if (image == NULL)
        fail_msg("%s", err);
    assert_int_equal(ld_driver_entry(image), NDIS_STATUS_SUCCESS);
    return image;
}

/* rogue_load for a build of adapter_rogue.c */
static struct ld_image *adapter_rogue_load(const char *variant)
{
    char name[128];
    snprintf(name, sizeof name, "rogue_adapter_%s", variant);
    return rogue_load(name);
}

static void life(const char *variant)
{
    NDIS_STATUS st;
    struct ld_image *image = adapter_rogue_load(variant);
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    if (a != NULL) {
        struct edge_loopback *lb = edge_loopback_open(a, 16);
        ndis_adapter_restart(a);
        UCHAR frame[64] = { 0x02 };
        const void *frames[1] = { frame };
        size_t len[1] = { sizeof frame };
        edge_loopback_send(lb, frames, len, 1);
        ULONG filter = NDIS_PACKET_TYPE_DIRECTED, done, needed;
        ndis_adapter_oid(a, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, sizeof filter, &done,
                         &needed);
        ndis_adapter_pause(a);
        ndis_adapter_halt(a, NdisHaltDeviceDisabled);
        edge_loopback_close(lb);
    }
    ld_unload(image);
    ld_free(image);
}

static void expect(const char *variant, enum vf_rule_id rule)
{
    life(variant);
    size_t mine = vf_violation_count_of(rule), all = vf_violation_count();
    if (mine == 0 || mine != all) {
        struct json_object *v = violations_json();
        fail_msg("%s: expected only %s, got %zu of it among %zu: %s", variant, vf_rule(rule)->id, mine, all,
                 json_object_to_json_string(v));
    }
}

/* The hang timer runs MiniportCheckForHangEx on its own; the rogue reports one hang and
 * its reset completes (or, for the rogue, never does). */
static unsigned hang_life(const char *variant)
{
    NDIS_STATUS st;
    struct ld_image *image = adapter_rogue_load(variant);
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    assert_non_null(a);
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    NdisMSleep(300 * 1000); /* the scaled 2 s interval is 20 ms; the scaled reset limit 100 ms */
    ndis_adapter_lock(a);
    unsigned resets = a->resets;
    ndis_adapter_unlock(a);
    ndis_adapter_pause(a);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled);
    ld_unload(image);
    ld_free(image);
    return resets;
}

static void test_hang_and_reset(void **state)
{
    (void)state;
    assert_int_equal(hang_life("none"), 1);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_reset_never_completes(void **state)
{
    (void)state;
    assert_int_equal(hang_life("reset_never_completes"), 1);
    assert_int_equal(vf_violation_count_of(VF_RESET_TIMEOUT), 1);
    assert_int_equal(vf_violation_count(), 1);
}

static void oid_paths(const char *variant, NDIS_STATUS expect_sync)
{
    NDIS_STATUS st;
    ULONG done, needed, buf = 0;
    struct ld_image *image = adapter_rogue_load(variant);
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    assert_non_null(a);
    assert_int_equal(ndis_adapter_oid_path(a, NDIS_OID_DIRECT, NdisRequestQueryInformation, OID_GEN_STATISTICS, &buf,
                                           sizeof buf, &done, &needed), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_oid_path(a, NDIS_OID_SYNCHRONOUS, NdisRequestQueryInformation, OID_GEN_STATISTICS,
                                           &buf, sizeof buf, &done, &needed), expect_sync);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled);
    ld_unload(image);
    ld_free(image);
}

/* NDIS answers the cached general OIDs itself: the rogue base answers no query at all. */
static void test_ndis_answers_cached_oids(void **state)
{
    (void)state;
    NDIS_STATUS st;
    ULONG done, needed, value = 99;
    USHORT version;
    NDIS_OID list[8];
    struct ld_image *image = adapter_rogue_load("none");
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    assert_non_null(a);
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_MEDIA_IN_USE, &value, 4, &done, &needed),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(value, NdisMedium802_3);
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_MAXIMUM_FRAME_SIZE, &value, 4, &done,
                                      &needed), NDIS_STATUS_SUCCESS);
    assert_int_equal(value, 1500);
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_DRIVER_VERSION, &version, 2, &done,
                                      &needed), NDIS_STATUS_SUCCESS);
    assert_int_equal(version, 0x0650); /* the rogue registers as NDIS 6.80 */
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_SUPPORTED_LIST, list, 4, &done, &needed),
                     NDIS_STATUS_BUFFER_TOO_SHORT);
    assert_int_equal(needed, 2 * sizeof(NDIS_OID));
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_SUPPORTED_LIST, list, sizeof list, &done,
                                      &needed), NDIS_STATUS_SUCCESS);
    assert_int_equal(list[1], OID_802_3_CURRENT_ADDRESS);
    /* Passed down: the rogue answers no query. */
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_XMIT_OK, &value, 4, &done, &needed),
                     NDIS_STATUS_NOT_SUPPORTED);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled);
    ld_unload(image);
    ld_free(image);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_direct_and_synchronous_oids(void **state)
{
    (void)state;
    oid_paths("none", NDIS_STATUS_SUCCESS);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_synchronous_oid_pends(void **state)
{
    (void)state;
    oid_paths("synchronous_oid_pends", NDIS_STATUS_FAILURE);
    assert_int_equal(vf_violation_count_of(VF_OID_DOUBLE_COMPLETE), 1);
    assert_int_equal(vf_violation_count(), 1);
}

static void test_clean_rogue_base(void **state)
{
    (void)state;
    life("none");
    assert_int_equal(vf_violation_count(), 0);
}

#define RULE_TEST(name, variant, rule) \
    static void name(void **state) { (void)state; expect(variant, rule); }
RULE_TEST(test_general_missing, "no_general_attributes", VF_ATTRIBUTES_MISSING)
RULE_TEST(test_general_first, "general_first", VF_ATTRIBUTES_ORDER)
RULE_TEST(test_attributes_in_restart, "attributes_in_restart", VF_ATTRIBUTES_OUTSIDE_INITIALIZE)
RULE_TEST(test_bad_attributes_revision, "bad_attributes_revision", VF_ATTRIBUTES_INVALID)
RULE_TEST(test_initialize_pending, "initialize_pending", VF_INITIALIZE_STATUS)
RULE_TEST(test_pause_failure, "pause_failure", VF_PAUSE_STATUS)
RULE_TEST(test_pause_complete_twice, "pause_complete_twice", VF_COMPLETION_UNEXPECTED)
RULE_TEST(test_pause_never_completes, "pause_never_completes", VF_PAUSE_RESTART_TIMEOUT)
RULE_TEST(test_pause_with_sends, "pause_with_sends", VF_PAUSE_WITH_SENDS)
RULE_TEST(test_receive_while_paused, "receive_while_paused", VF_RECEIVE_NOT_RUNNING)

/* A second completion of the same NBLs is reported as what it is, not as a foreign NBL. */
static void test_send_complete_twice(void **state)
{
    (void)state;
    expect("send_complete_twice", VF_NBL_NOT_OWNED);
    struct json_object *list = violations_json(), *msg;
    assert_true(json_object_object_get_ex(json_object_array_get_idx(list, 0), "message", &msg));
    assert_non_null(strstr(json_object_get_string(msg), "already completed (double completion)"));
    json_object_put(list);
}
RULE_TEST(test_indicate_count, "indicate_count", VF_DATA_PATH_INVALID)
RULE_TEST(test_oid_complete_twice, "oid_complete_twice", VF_OID_DOUBLE_COMPLETE)
RULE_TEST(test_oid_never_completes, "oid_never_completes", VF_OID_TIMEOUT)
RULE_TEST(test_oid_overflow, "oid_overflow", VF_OID_RESULT_INCONSISTENT)
RULE_TEST(test_bad_status_indication, "bad_status_indication", VF_STATUS_INDICATION_INVALID)
RULE_TEST(test_spinlock_release_unheld, "spinlock_release_unheld", VF_SPINLOCK_MISUSE)
RULE_TEST(test_long_stall, "long_stall", VF_STALL_TOO_LONG)
RULE_TEST(test_halt_leaks_pool, "halt_leaks_pool", VF_MEMORY_LEAK)

/* The VMQ rogue's unbroken build, set up as a protocol does (edge_hw_assist_start): a queue
 * NDIS numbered, a filter for the adapter's own address, and frames to that address arrive
 * on the queue; frames to another address on the default queue. Stop frees both. */
static void test_vmq_queue_receives(void **state)
{
    (void)state;
    NDIS_STATUS st;
    struct ld_image *image = rogue_load("rogue_vmq_none");
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    if (a == NULL)
        fail_msg("initialize: 0x%08x %s", (unsigned)st, json_object_to_json_string(violations_json()));
    struct edge_loopback *lb = edge_loopback_open(a, 64);
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    struct edge_bring_up up;
    edge_bring_up(a, NDIS_PACKET_TYPE_DIRECTED, &up);
    assert_int_equal(up.mac_status, NDIS_STATUS_SUCCESS);
    struct edge_hw_assist hw;
    edge_hw_assist_start(a, up.mac, &hw);
    assert_true(hw.vmq);
    assert_int_equal(hw.queue_status, NDIS_STATUS_SUCCESS);
    assert_int_equal(hw.queue, 1); /* NDIS's first queue ID */
    assert_int_equal(hw.filter_status, NDIS_STATUS_SUCCESS);
    assert_int_equal(hw.filter, 1);
    assert_int_equal(hw.complete_status, NDIS_STATUS_SUCCESS);
    UCHAR mine[60] = { 0 }, other[60] = { 0x02, 0, 0, 0, 0, 0x77 };
    memcpy(mine, up.mac, 6);
    const void *frames[3] = { mine, mine, other };
    size_t len[3] = { sizeof mine, sizeof mine, sizeof other };
    edge_loopback_send(lb, frames, len, 3);
    UCHAR rx[128];
    int received = 0;
    while (edge_loopback_recv(lb, rx, sizeof rx) >= 0)
        received++;
    assert_int_equal(received, 3);
    struct ndis_hw_assist_info info;
    ndis_adapter_hw_assist(a, &info);
    assert_true(info.vmq);
    assert_int_equal(info.queues_allocated, 1);
    assert_int_equal(info.filters_set, 1);
    assert_int_equal(info.queue_frames, 2);
    edge_hw_assist_stop(a, &hw);
    assert_true(hw.cleared && hw.freed);
    assert_int_equal(hw.clear_status, NDIS_STATUS_SUCCESS);
    assert_int_equal(hw.free_status, NDIS_STATUS_SUCCESS);
    ndis_adapter_pause(a);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled);
    edge_loopback_close(lb);
    ld_unload(image);
    ld_free(image);
    assert_int_equal(vf_violation_count(), 0);
}

int main(void)
{
    ndis_set_time_scale(0.01); /* 12 s OID and 10 s pause limits become 0.12 s and 0.1 s */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_rogue_base),
        cmocka_unit_test(test_hang_and_reset),
        cmocka_unit_test(test_reset_never_completes),
        cmocka_unit_test(test_ndis_answers_cached_oids),
        cmocka_unit_test(test_direct_and_synchronous_oids),
        cmocka_unit_test(test_synchronous_oid_pends),
        cmocka_unit_test(test_general_missing),
        cmocka_unit_test(test_general_first),
        cmocka_unit_test(test_attributes_in_restart),
        cmocka_unit_test(test_bad_attributes_revision),
        cmocka_unit_test(test_initialize_pending),
        cmocka_unit_test(test_pause_failure),
        cmocka_unit_test(test_pause_complete_twice),
        cmocka_unit_test(test_pause_never_completes),
        cmocka_unit_test(test_pause_with_sends),
        cmocka_unit_test(test_receive_while_paused),
        cmocka_unit_test(test_send_complete_twice),
        cmocka_unit_test(test_indicate_count),
        cmocka_unit_test(test_oid_complete_twice),
        cmocka_unit_test(test_oid_never_completes),
        cmocka_unit_test(test_oid_overflow),
        cmocka_unit_test(test_bad_status_indication),
        cmocka_unit_test(test_spinlock_release_unheld),
        cmocka_unit_test(test_long_stall),
        cmocka_unit_test(test_halt_leaks_pool),
        cmocka_unit_test(test_vmq_queue_receives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
