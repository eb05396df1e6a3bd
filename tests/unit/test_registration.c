/* The seed's registration life, driver by driver: each rogue driver makes exactly the
 * mistake its rule describes and OpenNDIS reports exactly that rule, with the driver's
 * source line; correct drivers pass with no violation. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <sys/time.h>

#include <json-c/json.h>

#include "loader/ld.h"
#include "ndis/ndis.h"
#include "serialize.h"

struct outcome {
    NTSTATUS status;
    bool unloaded;
    size_t violations;
    unsigned long fallible_calls;
};

static struct outcome run_path(const char *path, unsigned long fail_nth)
{
    struct outcome o = { 0 };
    char err[512];

    vf_reset();
    vf_faults_fail_nth(fail_nth);
    struct ld_image *image = ld_load(path, err, sizeof err);
    if (image == NULL)
        fail_msg("cannot load %s: %s", path, err);
    o.status = ld_driver_entry(image);
    o.unloaded = ld_unload(image);
    ld_free(image);
    o.violations = vf_violation_count();
    o.fallible_calls = vf_faults_calls();
    vf_faults_fail_nth(0);
    return o;
}

static struct outcome run(const char *rogue)
{
    char path[512];
    snprintf(path, sizeof path, "%s/rogue_%s.so", ROGUE_DIR, rogue);
    return run_path(path, 0);
}

/* Exactly one violation, of `rule`, located in the rogue's own source file. */
static void expect_only(enum vf_rule_id rule, const char *source)
{
    assert_int_equal(vf_violation_count(), 1);
    assert_int_equal(vf_violation_count_of(rule), 1);
    struct json_object *list = violations_json(), *loc, *file;
    struct json_object *v = json_object_array_get_idx(list, 0);
    assert_true(json_object_object_get_ex(v, "location", &loc));
    assert_true(json_object_object_get_ex(loc, "file", &file));
    assert_non_null(strstr(json_object_get_string(file), source));
    json_object_put(list);
}

static void test_sample_passes(void **state)
{
    (void)state;
    struct outcome o = run_path(SAMPLE_DRIVER, 0);
    assert_int_equal(o.status, NDIS_STATUS_SUCCESS);
    assert_true(o.unloaded);
    assert_int_equal(o.violations, 0);
    /* registration, one allocation, the control device and its symbolic link */
    assert_int_equal(o.fallible_calls, 4);
}

/* SQLite-style: fail each fallible call of the sample in turn; it must fail cleanly each
 * time (the seed's deregister-on-failure path) and leak nothing. */
static void test_sample_every_failure_clean(void **state)
{
    (void)state;
    for (unsigned long n = 1; n <= 2; n++) {
        struct outcome o = run_path(SAMPLE_DRIVER, n);
        assert_int_equal(o.status, NDIS_STATUS_RESOURCES);
        assert_int_equal(o.violations, 0);
    }
    /* the control device is optional: without it DriverEntry still succeeds */
    for (unsigned long n = 3; n <= 4; n++) {
        struct outcome o = run_path(SAMPLE_DRIVER, n);
        assert_int_equal(o.status, NDIS_STATUS_SUCCESS);
        assert_true(o.unloaded);
        assert_int_equal(o.violations, 0);
    }
}

static void test_intermediate_registers_twice(void **state)
{
    (void)state;
    struct outcome o = run("intermediate");
    assert_int_equal(o.status, NDIS_STATUS_SUCCESS);
    assert_int_equal(o.violations, 0);
}

static void test_no_deregister_on_failure(void **state)
{
    (void)state;
    struct outcome o = run("no_deregister_on_failure");
    assert_int_equal(o.status, NDIS_STATUS_FAILURE);
    /* Located at DriverEntry, which is in the rogue's file. */
    expect_only(VF_DEREGISTER_ON_ENTRY_FAILURE, "no_deregister_on_failure.c");
}

static void test_unload_no_deregister(void **state)
{
    (void)state;
    struct outcome o = run("unload_no_deregister");
    assert_int_equal(o.status, NDIS_STATUS_SUCCESS);
    assert_true(o.unloaded);
    expect_only(VF_UNLOAD_DEREGISTERS, "unload_no_deregister.c");
}

static void test_deregister_twice(void **state)
{
    (void)state;
    run("deregister_twice");
    expect_only(VF_DEREGISTER_TWICE, "deregister_twice.c");
}

static void test_deregister_null(void **state)
{
    (void)state;
    run("deregister_null");
    expect_only(VF_DEREGISTER_BAD_HANDLE, "deregister_null.c");
}

static void test_deregister_foreign(void **state)
{
    (void)state;
    run("deregister_foreign");
    expect_only(VF_DEREGISTER_BAD_HANDLE, "deregister_foreign.c");
}

static void test_deregister_then_succeed(void **state)
{
    (void)state;
    struct outcome o = run("deregister_then_succeed");
    assert_int_equal(o.status, NDIS_STATUS_SUCCESS);
    expect_only(VF_DEREGISTER_OUT_OF_CONTEXT, "deregister_then_succeed.c");
}

static void test_deregister_in_set_options(void **state)
{
    (void)state;
    struct outcome o = run("deregister_in_set_options");
    assert_int_equal(o.status, NDIS_STATUS_FAILURE);
    expect_only(VF_DEREGISTER_OUT_OF_CONTEXT, "deregister_in_set_options.c");
}

static void test_register_twice(void **state)
{
    (void)state;
    struct outcome o = run("register_twice");
    assert_int_equal(o.status, NDIS_STATUS_SUCCESS);
    expect_only(VF_REGISTER_TWICE, "register_twice.c");
}

static void test_register_in_unload(void **state)
{
    (void)state;
    run("register_in_unload");
    expect_only(VF_REGISTER_OUT_OF_CONTEXT, "register_in_unload.c");
}

static void test_register_null_handle(void **state)
{
    (void)state;
    struct outcome o = run("register_null_handle");
    assert_int_equal(o.status, NDIS_STATUS_FAILURE);
    expect_only(VF_REGISTER_BAD_ARGUMENT, "register_null_handle.c");
}

static void test_entry_succeeds_unregistered(void **state)
{
    (void)state;
    struct outcome o = run("entry_succeeds_unregistered");
    assert_int_equal(o.status, STATUS_SUCCESS);
    assert_false(o.unloaded); /* no unload routine: it stays loaded, as on Windows */
    expect_only(VF_ENTRY_SUCCESS_UNREGISTERED, "entry_succeeds_unregistered.c");
}

static void test_set_options_pending(void **state)
{
    (void)state;
    struct outcome o = run("set_options_pending");
    assert_int_equal(o.status, NDIS_STATUS_FAILURE);
    expect_only(VF_SET_OPTIONS_STATUS, "set_options_pending.c");
}

static void test_set_options_fails(void **state)
{
    (void)state;
    struct outcome o = run("set_options_fails");
    assert_int_equal(o.status, NDIS_STATUS_RESOURCES);
    assert_int_equal(o.violations, 0);
}

static void test_register_at_dispatch(void **state)
{
    (void)state;
    struct outcome o = run("register_at_dispatch");
    assert_int_equal(o.status, NDIS_STATUS_FAILURE);
    expect_only(VF_IRQL_TOO_HIGH, "register_at_dispatch.c");
}

static void test_irql_not_restored(void **state)
{
    (void)state;
    run("irql_not_restored");
    expect_only(VF_IRQL_NOT_RESTORED, "irql_not_restored.c");
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL); /* OpenNDIS put it back */
}

static void test_irql_bad_transition(void **state)
{
    (void)state;
    run("irql_bad_transition");
    expect_only(VF_IRQL_BAD_TRANSITION, "irql_bad_transition.c");
}

static void test_memory_leak(void **state)
{
    (void)state;
    run("memory_leak");
    expect_only(VF_MEMORY_LEAK, "memory_leak.c");
    struct json_object *list = violations_json(), *msg;
    json_object_object_get_ex(json_object_array_get_idx(list, 0), "message", &msg);
    assert_non_null(strstr(json_object_get_string(msg), "64 bytes from NdisAllocateMemoryWithTagPriority with tag 'Leak'"));
    json_object_put(list);
}

static void test_free_invalid(void **state)
{
    (void)state;
    run("free_invalid");
    assert_int_equal(vf_violation_count(), 2); /* the stack address and the double free */
    assert_int_equal(vf_violation_count_of(VF_FREE_INVALID), 2);
}

static void test_zero_tag(void **state)
{
    (void)state;
    run("zero_tag");
    expect_only(VF_ALLOCATE_ZERO_TAG, "zero_tag.c");
}

static void test_alloc_bad_handle(void **state)
{
    (void)state;
    run("alloc_bad_handle");
    expect_only(VF_INVALID_HANDLE, "alloc_bad_handle.c");
}

/* One rogue per failing check of the characteristics, each with its documented status. */
static void test_bad_characteristics(void **state)
{
    (void)state;
    static const struct { const char *name; NDIS_STATUS status; } cases[] = {
        { "bad_type", NDIS_STATUS_BAD_CHARACTERISTICS },
        { "bad_revision", NDIS_STATUS_BAD_CHARACTERISTICS },
        { "bad_size", NDIS_STATUS_BAD_CHARACTERISTICS },
        { "bad_major", NDIS_STATUS_BAD_VERSION },
        { "bad_minor", NDIS_STATUS_BAD_VERSION },
        { "bad_revision_too_new", NDIS_STATUS_BAD_CHARACTERISTICS },
        { "bad_no_unload", NDIS_STATUS_BAD_CHARACTERISTICS },
        { "bad_no_pause", NDIS_STATUS_BAD_CHARACTERISTICS },
        { "bad_hang_without_reset", NDIS_STATUS_BAD_CHARACTERISTICS },
        { "bad_direct_oid_unpaired", NDIS_STATUS_BAD_CHARACTERISTICS },
        { "bad_reserved_flags", NDIS_STATUS_BAD_CHARACTERISTICS },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct outcome o = run(cases[i].name);
        if (o.status != cases[i].status)
            fail_msg("%s: DriverEntry returned 0x%08X, expected 0x%08X", cases[i].name,
                     (unsigned)o.status, (unsigned)cases[i].status);
        expect_only(VF_CHARACTERISTICS_INVALID, "bad_characteristics.c");
    }
}

/* NDIS copies the characteristics: later changes to the driver's structure do not count. */
static void test_characteristics_copied(void **state)
{
    (void)state;
    struct outcome o = run("chars_reused");
    assert_int_equal(o.status, NDIS_STATUS_SUCCESS);
    assert_true(o.unloaded);
    assert_int_equal(o.violations, 0);
}

static void test_loader_rejects(void **state)
{
    (void)state;
    char err[512];
    assert_null(ld_load(ROGUE_DIR "/rogue_no_entry.so", err, sizeof err));
    assert_non_null(strstr(err, "no DriverEntry"));
    assert_null(ld_load(ROGUE_DIR "/rogue_missing_import.so", err, sizeof err));
    assert_non_null(strstr(err, "NdisOpenNdisXyzzyNotImplemented"));
    assert_null(ld_load(SOURCE_DIR "/README.md", err, sizeof err));
    assert_non_null(strstr(err, "neither an ELF shared object nor a PE image"));
    assert_null(ld_load(ROGUE_DIR "/does-not-exist.so", err, sizeof err));
    assert_non_null(strstr(err, "No such file"));
    assert_null(ld_load(ROGUE_DIR, err, sizeof err));
    assert_non_null(strstr(err, "not a regular file"));
}

/* A crash handler symbolizes its stack; the signal may land on a thread that is inside the
 * symbolizer already. It must answer (from a session of its own), not wait for itself. The
 * main thread spends nearly all its time inside, so most of the signals land there. */
static volatile sig_atomic_t located_in_handler;
static void locate_in_handler(int sig)
{
    (void)sig;
    struct vf_location loc;
    vf_locate((const void *)run_path, false, &loc);
    if (strcmp(loc.function, "run_path") == 0)
        located_in_handler++;
}

static void test_symbolize_from_signal_handler(void **state)
{
    (void)state;
    struct vf_location loc;
    /* Both answers cached first: from then on the main thread's calls allocate nothing, so a
     * handler that does (with a session of its own) cannot meet it inside malloc. */
    vf_locate((const void *)expect_only, false, &loc);
    vf_locate((const void *)run_path, false, &loc);
    struct sigaction sa = { .sa_handler = locate_in_handler }, old;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, &old);
    /* far apart: a handler that symbolizes on its own takes milliseconds */
    struct itimerval every = { { 0, 20000 }, { 0, 20000 } }, off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &every, NULL);
    while (located_in_handler < 20) {
        vf_locate((const void *)expect_only, false, &loc);
        assert_string_equal(loc.function, "expect_only");
    }
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, &old, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_passes),
        cmocka_unit_test(test_symbolize_from_signal_handler),
        cmocka_unit_test(test_sample_every_failure_clean),
        cmocka_unit_test(test_intermediate_registers_twice),
        cmocka_unit_test(test_no_deregister_on_failure),
        cmocka_unit_test(test_unload_no_deregister),
        cmocka_unit_test(test_deregister_twice),
        cmocka_unit_test(test_deregister_null),
        cmocka_unit_test(test_deregister_foreign),
        cmocka_unit_test(test_deregister_then_succeed),
        cmocka_unit_test(test_deregister_in_set_options),
        cmocka_unit_test(test_register_twice),
        cmocka_unit_test(test_register_in_unload),
        cmocka_unit_test(test_register_null_handle),
        cmocka_unit_test(test_entry_succeeds_unregistered),
        cmocka_unit_test(test_set_options_pending),
        cmocka_unit_test(test_set_options_fails),
        cmocka_unit_test(test_register_at_dispatch),
        cmocka_unit_test(test_irql_not_restored),
        cmocka_unit_test(test_irql_bad_transition),
        cmocka_unit_test(test_memory_leak),
        cmocka_unit_test(test_free_invalid),
        cmocka_unit_test(test_zero_tag),
        cmocka_unit_test(test_alloc_bad_handle),
        cmocka_unit_test(test_bad_characteristics),
        cmocka_unit_test(test_characteristics_copied),
        cmocka_unit_test(test_loader_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
