/* The openndis command as a user runs it: exit codes, JSON and text reports, crash and hang
 * isolation, clear errors for files that are not drivers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "verifier/vf.h"

/* Runs `openndis ARGS`, returns its exit code and its stdout. */
static int cli(char **out, const char *fmt, ...)
{
    char args[1024], cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s 2>/dev/null", OPENNDIS_CLI, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap);
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (len + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    int status = pclose(p);
    *out = buf;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs `openndis COMMAND --json ARGS`, expects its exit code, returns its parsed report. */
static struct json_object *cli_report(int expect_exit, const char *command, const char *fmt, va_list ap)
{
    char args[1024], *out;
    vsnprintf(args, sizeof args, fmt, ap);
    int code = cli(&out, "%s --json %s", command, args);
    if (code != expect_exit)
        fail_msg("openndis %s --json %s: exit %d, expected %d\n%s", command, args, code, expect_exit, out);
    struct json_object *j = json_tokener_parse(out);
    if (j == NULL)
        fail_msg("not JSON: %s", out);
    free(out);
    return j;
}

static struct json_object *cli_json(int expect_exit, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct json_object *j = cli_report(expect_exit, "info", fmt, ap);
    va_end(ap);
    return j;
}

static const char *get(struct json_object *o, const char *path)
{
    /* "a.b.0.c": objects by key, arrays by index */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && o; tok = strtok(NULL, ".")) {
        if (json_object_is_type(o, json_type_array))
            o = json_object_array_get_idx(o, (size_t)atoi(tok));
        else if (!json_object_object_get_ex(o, tok, &o))
            return NULL;
    }
    return o ? json_object_get_string(o) : NULL;
}

static size_t count(struct json_object *o, const char *key)
{
    struct json_object *a;
    return json_object_object_get_ex(o, key, &a) ? json_object_array_length(a) : (size_t)-1;
}

static void test_sample_json(void **state)
{
    (void)state;
    struct json_object *j = cli_json(0, "%s", SAMPLE_DRIVER);
    assert_string_equal(get(j, "status"), "NDIS_STATUS_SUCCESS");
    assert_string_equal(get(j, "verdict"), "pass");
    assert_string_equal(get(j, "registry_path"), "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\sample");
    assert_string_equal(get(j, "registrations.0.ndis_version"), "6.30");
    assert_string_equal(get(j, "registrations.0.revision"), "2");
    assert_string_equal(get(j, "registrations.0.handlers.3"), "MiniportDriverUnload");
    assert_int_equal(count(j, "violations"), 0);
    json_object_put(j);
}

static void test_sample_text_and_no_fork(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(cli(&out, "info --no-fork %s", SAMPLE_DRIVER), 0);
    assert_non_null(strstr(out, "DriverEntry     NDIS_STATUS_SUCCESS (0x00000000)"));
    assert_non_null(strstr(out, "characteristics revision 2 (152 bytes)"));
    assert_non_null(strstr(out, "verdict         PASS"));
    free(out);
}

static void test_fault_injection_reported(void **state)
{
    (void)state;
    struct json_object *j = cli_json(1, "--fail-call 1 %s", SAMPLE_DRIVER);
    assert_string_equal(get(j, "status"), "NDIS_STATUS_RESOURCES");
    assert_int_equal(count(j, "violations"), 0);
    assert_string_equal(get(j, "faults.injected.0.function"), "NdisMRegisterMiniportDriver");
    assert_non_null(strstr(get(j, "faults.injected.0.location.file"), "miniport.c"));
    json_object_put(j);
}

static void test_older_ndis_refuses_newer_driver(void **state)
{
    (void)state;
    struct json_object *j = cli_json(1, "--ndis-version 6.20 %s", SAMPLE_DRIVER);
    assert_string_equal(get(j, "status"), "NDIS_STATUS_BAD_VERSION");
    assert_string_equal(get(j, "violations.0.rule"), "ND1009");
    json_object_put(j);
}

static void test_violation_located(void **state)
{
    (void)state;
    struct json_object *j = cli_json(1, "%s/rogue_no_deregister_on_failure.so", ROGUE_DIR);
    assert_string_equal(get(j, "status"), "NDIS_STATUS_FAILURE");
    assert_int_equal(count(j, "violations"), 1);
    assert_string_equal(get(j, "violations.0.rule"), "ND1001");
    assert_string_equal(get(j, "violations.0.name"), "DeregisterOnDriverEntryFailure");
    assert_non_null(strstr(get(j, "violations.0.location.file"), "no_deregister_on_failure.c"));
    assert_non_null(get(j, "violations.0.location.line"));
    assert_string_equal(get(j, "verdict"), "fail");
    json_object_put(j);

    char *out;
    assert_int_equal(cli(&out, "info %s/rogue_no_deregister_on_failure.so", ROGUE_DIR), 1);
    assert_non_null(strstr(out, "no_deregister_on_failure.c:"));
    assert_non_null(strstr(out, "[ND1001 DeregisterOnDriverEntryFailure]"));
    assert_non_null(strstr(out, "verdict         FAIL: 1 violation"));
    free(out);
}

static void test_crash_isolated(void **state)
{
    (void)state;
    struct json_object *j = cli_json(3, "%s/rogue_crash.so", ROGUE_DIR);
    assert_string_equal(get(j, "verdict"), "crash");
    assert_string_equal(get(j, "crash.name"), "SEGV");
    assert_string_equal(get(j, "crash.phase"), "DriverEntry");
    assert_non_null(strstr(get(j, "crash.backtrace.0.file"), "crash.c"));
    assert_string_equal(get(j, "crash.backtrace.0.function"), "DriverEntry");
    json_object_put(j);
}

static void test_fail_fast_reports_rule_and_crash(void **state)
{
    (void)state;
    struct json_object *j = cli_json(3, "%s/rogue_list_corruption.so", ROGUE_DIR);
    assert_string_equal(get(j, "crash.name"), "ABRT");
    assert_string_equal(get(j, "violations.0.rule"), "ND1301");
    assert_non_null(strstr(get(j, "violations.0.location.file"), "list_corruption.c"));
    json_object_put(j);
}

static void test_hang_stopped(void **state)
{
    (void)state;
    struct json_object *j = cli_json(3, "--timeout 1 %s/rogue_hang.so", ROGUE_DIR);
    assert_string_equal(get(j, "verdict"), "timeout");
    assert_string_equal(get(j, "timeout.phase"), "DriverEntry");
    json_object_put(j);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct json_object *j = cli_json(2, "%s/rogue_no_entry.so", ROGUE_DIR);
    assert_non_null(strstr(get(j, "error"), "no DriverEntry"));
    json_object_put(j);
    j = cli_json(2, "%s/README.md", SOURCE_DIR);
    assert_non_null(strstr(get(j, "error"), "neither an ELF shared object nor a PE image"));
    json_object_put(j);
    j = cli_json(2, "%s/rogue_missing_import.so", ROGUE_DIR);
    assert_non_null(strstr(get(j, "error"), "imports NdisOpenNdisXyzzyNotImplemented"));
    json_object_put(j);
    j = cli_json(2, "/nonexistent/driver.so");
    assert_non_null(strstr(get(j, "error"), "No such file"));
    json_object_put(j);
}

/* The import with this name in an `info --imports --json` report, or NULL. */
static struct json_object *import_named(struct json_object *j, const char *name)
{
    struct json_object *list, *o;
    if (!json_object_object_get_ex(j, "imports", &list))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(list); i++)
        if (strcmp(get(o = json_object_array_get_idx(list, i), "name"), name) == 0)
            return o;
    return NULL;
}

static void test_info_imports(void **state)
{
    (void)state;
    struct json_object *j = cli_json(0, "--imports %s", SAMPLE_DRIVER), *o;
    assert_string_equal(get(j, "verdict"), "pass");
    assert_string_equal(get(j, "counts.missing"), "0");
    assert_non_null(o = import_named(j, "NdisMRegisterMiniportDriver"));
    assert_string_equal(get(o, "kind"), "implemented");
    assert_string_equal(get(o, "module"), "NDIS");
    assert_non_null(o = import_named(j, "KfRaiseIrql"));
    assert_string_equal(get(o, "module"), "HAL");
    assert_non_null(o = import_named(j, "memcpy")); /* from libc (libasan under ASan): fine */
    assert_string_equal(get(o, "kind"), "library");
    assert_non_null(strstr(get(o, "library"), ".so"));
    assert_null(import_named(j, "DriverEntry")); /* defined, not imported */
    json_object_put(j);

    j = cli_json(1, "--imports %s/rogue_missing_import.so", ROGUE_DIR);
    assert_string_equal(get(j, "verdict"), "fail");
    assert_string_equal(get(j, "counts.missing"), "1");
    assert_non_null(o = import_named(j, "NdisOpenNdisXyzzyNotImplemented"));
    assert_string_equal(get(o, "kind"), "missing");
    assert_string_equal(get(o, "module"), "NDIS");
    assert_string_equal(get(o, "module_guessed"), "true");
    json_object_put(j);

    j = cli_json(0, "--imports %s/rogue_unsupported_import.so", ROGUE_DIR);
    assert_string_equal(get(j, "counts.unsupported"), "1");
    assert_non_null(o = import_named(j, "ZwQuerySystemInformation"));
    assert_string_equal(get(o, "kind"), "unsupported");
    assert_string_equal(get(o, "module"), "NTOSKRNL");
    json_object_put(j);

    j = cli_json(2, "--imports %s/README.md", SOURCE_DIR);
    assert_non_null(strstr(get(j, "error"), "neither an ELF shared object nor a PE image"));
    json_object_put(j);
    j = cli_json(2, "--imports /nonexistent/driver.so");
    assert_non_null(strstr(get(j, "error"), "No such file"));
    json_object_put(j);

    char *out;
    assert_int_equal(cli(&out, "info --imports %s/rogue_missing_import.so", ROGUE_DIR), 1);
    assert_non_null(strstr(out, "MISSING NDIS?"));
    assert_non_null(strstr(out, "NdisOpenNdisXyzzyNotImplemented"));
    assert_non_null(strstr(out, "WOULD NOT LOAD"));
    free(out);
    assert_int_equal(cli(&out, "info --imports %s", SAMPLE_DRIVER), 0);
    assert_non_null(strstr(out, "LOADS"));
    assert_non_null(strstr(out, "memcpy"));
    free(out);
    assert_int_equal(cli(&out, "info --imports --fail-call 1 %s", SAMPLE_DRIVER), 2); /* runs nothing */
    free(out);
}

static void test_usage(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(cli(&out, "info --help"), 0);
    assert_non_null(strstr(out, "usage: openndis info"));
    free(out);
    assert_int_equal(cli(&out, "rules --help"), 0);
    free(out);
    assert_int_equal(cli(&out, "exports --help"), 0);
    free(out);
    assert_int_equal(cli(&out, "--help"), 0);
    assert_non_null(strstr(out, "commands:"));
    free(out);
    assert_int_equal(cli(&out, "info"), 2);
    free(out);
    assert_int_equal(cli(&out, "info --fail-call x %s", SAMPLE_DRIVER), 2);
    free(out);
    assert_int_equal(cli(&out, "info --ndis-version 5.1 %s", SAMPLE_DRIVER), 2);
    free(out);
    assert_int_equal(cli(&out, "frobnicate"), 2);
    free(out);
}

static void test_run_sample(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(cli(&out, "run --json --adapters 3 --frames 500 --size 1514 %s", SAMPLE_DRIVER), 0);
    struct json_object *j = json_tokener_parse(out);
    assert_non_null(j);
    assert_string_equal(get(j, "verdict"), "pass");
    assert_string_equal(get(j, "frames_expected"), "1500");
    assert_string_equal(get(j, "frames_delivered"), "1500");
    assert_string_equal(get(j, "adapters.2.state"), "Running");
    assert_string_equal(get(j, "adapters.0.link"), "up");
    assert_string_equal(get(j, "life.0.step"), "DriverEntry");
    json_object_put(j);
    free(out);
    assert_int_equal(cli(&out, "run %s", SAMPLE_DRIVER), 0);
    assert_non_null(strstr(out, "frames delivered through the driver: 2000 of 2000"));
    free(out);
    assert_int_equal(cli(&out, "run --size 9000 %s", SAMPLE_DRIVER), 2);
    free(out);
    assert_int_equal(cli(&out, "run --config /nonexistent.ini %s", SAMPLE_DRIVER), 2);
    free(out);
}

static void test_run_rogue(void **state)
{
    (void)state;
    char *out;
    /* pause fails -> rule; the run's verdict fails */
    assert_int_equal(cli(&out, "run --json %s/rogue_adapter_pause_failure.so", ROGUE_DIR), 1);
    struct json_object *j = json_tokener_parse(out);
    assert_string_equal(get(j, "violations.0.rule"), "ND1406");
    json_object_put(j);
    free(out);
    assert_int_equal(cli(&out, "run %s/rogue_crash.so", ROGUE_DIR), 3);
    free(out);
    /* no rule broken, but the rogue base has no MAC address to send to: the verdict says so */
    assert_int_equal(cli(&out, "run %s/rogue_adapter_none.so", ROGUE_DIR), 1);
    assert_non_null(strstr(out, "verdict         FAIL: query OID_802_3_CURRENT_ADDRESS on adapter 0 returned "
                                "NDIS_STATUS_NOT_SUPPORTED\n"));
    free(out);
}

static void test_rules_and_exports(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(cli(&out, "rules --json"), 0);
    struct json_object *j = json_tokener_parse(out);
    assert_non_null(j);
    assert_int_equal(json_object_array_length(j), VF_RULE_COUNT);
    json_object_put(j);
    free(out);
    assert_int_equal(cli(&out, "exports"), 0);
    assert_non_null(strstr(out, "NdisMRegisterMiniportDriver"));
    free(out);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("%s was not written", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static struct json_object *verify_json(int expect_exit, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct json_object *j = cli_report(expect_exit, "verify", fmt, ap);
    va_end(ap);
    return j;
}

static void test_verify_sample_clean(void **state)
{
    (void)state;
    char junit[] = "/tmp/openndis-junit-XXXXXX", sarif[] = "/tmp/openndis-sarif-XXXXXX";
    close(mkstemp(junit));
    close(mkstemp(sarif));
    struct json_object *j = verify_json(0, "--junit %s --sarif %s %s", junit, sarif, SAMPLE_DRIVER);
    assert_string_equal(get(j, "verdict"), "pass");
    assert_int_equal(count(j, "findings"), 0);
    /* the sweep failed every fallible call of the clean run in turn */
    unsigned long calls = strtoul(get(j, "fallible_calls"), NULL, 10);
    assert_true(calls > 50);
    assert_true(strtoul(get(j, "fault_steps"), NULL, 10) >= calls);
    json_object_put(j);

    const char *x = slurp(junit);
    assert_non_null(strstr(x, "<testsuite name=\"openndis verify\""));
    assert_non_null(strstr(x, "failures=\"0\""));
    assert_non_null(strstr(x, "<testcase classname="));
    assert_null(strstr(x, "<failure"));
    struct json_object *s = json_tokener_parse(slurp(sarif));
    assert_non_null(s);
    assert_string_equal(get(s, "version"), "2.1.0");
    assert_string_equal(get(s, "runs.0.tool.driver.name"), "openndis verify");
    assert_string_equal(get(s, "runs.0.tool.driver.rules.0.id"), vf_rule((enum vf_rule_id)0)->id);
    assert_null(get(s, "runs.0.results.0"));
    json_object_put(s);
    unlink(junit);
    unlink(sarif);
}

/* The rogue leaks its NBL pool only when the allocation after it fails: the clean run is
 * clean, the sweep finds it, names the injected failure, and --fail-call reproduces it. */
static void test_verify_sweep_finds_error_path_leak(void **state)
{
    (void)state;
    char sarif[] = "/tmp/openndis-sarif-XXXXXX", junit[] = "/tmp/openndis-junit-XXXXXX";
    close(mkstemp(sarif));
    close(mkstemp(junit));
    struct json_object *j = verify_json(0, "--no-sweep %s/rogue_adapter_error_path_leak.so", ROGUE_DIR);
    assert_int_equal(count(j, "findings"), 0);
    json_object_put(j);

    j = verify_json(1, "--sarif %s --junit %s %s/rogue_adapter_error_path_leak.so", sarif, junit, ROGUE_DIR);
    assert_int_equal(count(j, "findings"), 1);
    assert_string_equal(get(j, "findings.0.rule"), "ND1201");
    assert_string_equal(get(j, "findings.0.injected_fault.function"), "NdisAllocateIoWorkItem");
    assert_non_null(strstr(get(j, "findings.0.location.file"), "adapter_rogue.c"));
    char call[32];
    snprintf(call, sizeof call, "%s", get(j, "findings.0.injected_fault.call"));
    json_object_put(j);

    struct json_object *s = json_tokener_parse(slurp(sarif));
    assert_string_equal(get(s, "runs.0.results.0.ruleId"), "ND1201");
    assert_non_null(strstr(get(s, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri"),
                           "adapter_rogue.c"));
    assert_true(atoi(get(s, "runs.0.results.0.locations.0.physicalLocation.region.startLine")) > 0);
    json_object_put(s);
    const char *x = slurp(junit);
    assert_non_null(strstr(x, "failures=\"1\""));
    assert_non_null(strstr(x, "type=\"ND1201 MemoryLeak\""));
    unlink(sarif);
    unlink(junit);

    j = verify_json(1, "--fail-call %s %s/rogue_adapter_error_path_leak.so", call, ROGUE_DIR);
    assert_string_equal(get(j, "findings.0.rule"), "ND1201");
    assert_string_equal(get(j, "step_count"), "2");
    json_object_put(j);
}

/* Several steps at a time give the report one step at a time gives: the same steps in the
 * same order, the same finding from the same step. */
static void test_verify_jobs_same_report(void **state)
{
    (void)state;
    struct json_object *one = verify_json(1, "--jobs 1 %s/rogue_adapter_error_path_leak.so", ROGUE_DIR);
    struct json_object *three = verify_json(1, "--jobs 3 %s/rogue_adapter_error_path_leak.so", ROGUE_DIR);
    struct json_object *steps1, *steps3;
    assert_true(json_object_object_get_ex(one, "steps", &steps1));
    assert_true(json_object_object_get_ex(three, "steps", &steps3));
    assert_true(json_object_array_length(steps1) > 10);
    assert_int_equal(json_object_array_length(steps1), json_object_array_length(steps3));
    for (size_t i = 0; i < json_object_array_length(steps1); i++) {
        char path[64];
        snprintf(path, sizeof path, "steps.%zu.name", i);
        assert_string_equal(get(one, path), get(three, path));
        snprintf(path, sizeof path, "steps.%zu.new_findings", i);
        assert_string_equal(get(one, path), get(three, path));
    }
    assert_int_equal(count(three, "findings"), 1);
    assert_string_equal(get(one, "findings.0.step"), get(three, "findings.0.step"));
    json_object_put(one);
    json_object_put(three);
    char *out;
    assert_int_equal(cli(&out, "verify --jobs 33 %s", SAMPLE_DRIVER), 2);
    free(out);
}

/* One failure per distinct call stack: the same finding, in fewer steps than the sweep. */
static void test_verify_unique_stacks(void **state)
{
    (void)state;
    struct json_object *sweep = verify_json(0, "%s", SAMPLE_DRIVER);
    struct json_object *j = verify_json(0, "--unique-stacks %s", SAMPLE_DRIVER);
    unsigned long unique_steps = strtoul(get(j, "step_count"), NULL, 10);
    assert_true(unique_steps > 2);
    assert_true(unique_steps < strtoul(get(sweep, "step_count"), NULL, 10));
    assert_non_null(get(j, "steps.1.injected_fault.stack"));
    json_object_put(j);
    json_object_put(sweep);

    j = verify_json(1, "--unique-stacks %s/rogue_adapter_error_path_leak.so", ROGUE_DIR);
    assert_string_equal(get(j, "findings.0.rule"), "ND1201");
    assert_string_equal(get(j, "findings.0.injected_fault.function"), "NdisAllocateIoWorkItem");
    json_object_put(j);
}

static void test_verify_random_is_reproducible(void **state)
{
    (void)state;
    const char *args = "--random 5 --runs 6 --rate 0.3 %s/rogue_adapter_halt_leaks_pool.so";
    struct json_object *a = verify_json(1, args, ROGUE_DIR), *b = verify_json(1, args, ROGUE_DIR), *sa, *sb;
    assert_string_equal(get(a, "steps.1.name"), "random seed 5");
    json_object_object_get_ex(a, "steps", &sa);
    json_object_object_get_ex(b, "steps", &sb);
    assert_int_equal(json_object_array_length(sa), json_object_array_length(sb));
    /* the same seed fails the same calls (addresses differ between processes) */
    size_t injected = 0;
    for (size_t i = 0; i < json_object_array_length(sa); i++) {
        char ka[64], kb[64];
        snprintf(ka, sizeof ka, "steps.%zu.injected_fault.call", i);
        snprintf(kb, sizeof kb, "steps.%zu.injected_fault.function", i);
        const char *ca = get(a, ka), *cb = get(b, ka), *fa = get(a, kb), *fb = get(b, kb);
        assert_true((ca == NULL) == (cb == NULL));
        if (ca != NULL) {
            assert_string_equal(ca, cb);
            assert_string_equal(fa, fb);
            injected++;
        }
    }
    assert_true(injected > 0);
    json_object_put(a);
    json_object_put(b);
}

static void test_verify_crash_and_bad_input(void **state)
{
    (void)state;
    struct json_object *j = verify_json(1, "%s/rogue_crash.so", ROGUE_DIR);
    assert_string_equal(get(j, "findings.0.rule"), "ND1901");
    assert_string_equal(get(j, "step_count"), "1"); /* no sweep over a run that already dies */
    json_object_put(j);
    char *out;
    assert_int_equal(cli(&out, "verify /etc/hostname"), 2);
    free(out);
    assert_int_equal(cli(&out, "verify --rate 2 %s", SAMPLE_DRIVER), 2);
    free(out);
    assert_int_equal(cli(&out, "verify --fail-call 0 %s", SAMPLE_DRIVER), 2);
    free(out);
}

/* Ctrl-C stops a sweep (here 100,000 random runs): the steps that ended are reported, the
 * interrupted step is not taken for a crash of the driver, and no finding is not a pass. */
static void test_verify_interrupted(void **state)
{
    (void)state;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "sh -c 'timeout -s KILL 60 %s verify --json --random 1 --runs 100000 %s 2>/dev/null & p=$!; sleep 1; "
             "kill -INT $p; "
             "wait $p; echo \"exit $?\"'",
             OPENNDIS_CLI, SAMPLE_DRIVER);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf - 1, p);
    buf[len] = '\0';
    pclose(p);
    char *tail = strstr(buf, "exit ");
    assert_non_null(tail);
    assert_string_equal(tail, "exit 130\n");
    *tail = '\0';
    struct json_object *j = json_tokener_parse(buf);
    assert_non_null(j);
    assert_string_equal(get(j, "interrupted"), "true");
    assert_string_equal(get(j, "verdict"), "interrupted");
    assert_int_equal(count(j, "findings"), 0);
    json_object_put(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_json),
        cmocka_unit_test(test_sample_text_and_no_fork),
        cmocka_unit_test(test_fault_injection_reported),
        cmocka_unit_test(test_older_ndis_refuses_newer_driver),
        cmocka_unit_test(test_violation_located),
        cmocka_unit_test(test_crash_isolated),
        cmocka_unit_test(test_fail_fast_reports_rule_and_crash),
        cmocka_unit_test(test_hang_stopped),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_info_imports),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_run_sample),
        cmocka_unit_test(test_run_rogue),
        cmocka_unit_test(test_rules_and_exports),
        cmocka_unit_test(test_verify_sample_clean),
        cmocka_unit_test(test_verify_sweep_finds_error_path_leak),
        cmocka_unit_test(test_verify_jobs_same_report),
        cmocka_unit_test(test_verify_unique_stacks),
        cmocka_unit_test(test_verify_random_is_reproducible),
        cmocka_unit_test(test_verify_crash_and_bad_input),
        cmocka_unit_test(test_verify_interrupted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
