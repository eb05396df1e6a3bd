/* `openndis port` on NDIS 5.x-style sources written for the tests (tests/port/). Each source
 * carries its expected diagnostics as comments on the line the report must name:
 *
 *     NdisTerminateWrapper(Handle, NULL); / * expect port-terminate-wrapper * /
 *
 * The test runs the tool with --json on every source and compares the sets of (id, line) both
 * ways: nothing expected may be missing and nothing unexpected may appear. Then the command
 * line itself: exit statuses, the `openndis port` entry point, and no findings on OpenNDIS's
 * own NDIS 6 sample driver. */
#include <dirent.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <json-c/json.h>

struct finding {
    char id[48];
    int line;
};

static size_t parse_markers(const char *path, struct finding *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    size_t n = 0;
    for (int no = 1; fgets(line, sizeof line, f); no++) {
        const char *m = strstr(line, "/* expect ");
        if (!m)
            continue;
        m += strlen("/* expect ");
        char id[48];
        int used;
        while (sscanf(m, " %47[a-z0-9-]%n", id, &used) == 1) {
            assert_true(n < cap);
            snprintf(out[n].id, sizeof out[n].id, "%s", id);
            out[n++].line = no;
            m += used;
        }
    }
    fclose(f);
    return n;
}

/* Run a shell command; its stdout in *out (malloc'd), its exit status returned. */
static int run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (size_t r; (r = fread(buf + n, 1, cap - n - 1, p)) > 0;) {
        n += r;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    int st = pclose(p);
    if (out)
        *out = buf;
    else
        free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool contains(const struct finding *set, size_t n, const struct finding *f)
{
    for (size_t i = 0; i < n; i++)
        if (set[i].line == f->line && !strcmp(set[i].id, f->id))
            return true;
    return false;
}

static void check_source(const char *name)
{
    char path[512], cmd[1400];
    snprintf(path, sizeof path, "%s/%s", PORT_SRC_DIR, name);
    struct finding want[256], got[256];
    size_t nwant = parse_markers(path, want, 256), ngot = 0;
    assert_true(nwant > 0);

    char *json;
    snprintf(cmd, sizeof cmd, "%s --json %s", OPENNDIS_PORT, path);
    int rc = run(cmd, &json);
    assert_int_equal(rc, 1); /* findings */
    json_object *root = json_tokener_parse(json);
    assert_non_null(root);
    json_object *files = json_object_object_get(root, "files");
    assert_int_equal(json_object_array_length(files), 1);
    json_object *file = json_object_array_get_idx(files, 0);
    assert_int_equal(json_object_get_int(json_object_object_get(file, "parse_errors")), 0);
    json_object *diags = json_object_object_get(file, "diagnostics");
    for (size_t i = 0; i < json_object_array_length(diags); i++) {
        json_object *d = json_object_array_get_idx(diags, i);
        json_object *loc = json_object_object_get(d, "location");
        assert_non_null(loc);
        struct finding f;
        snprintf(f.id, sizeof f.id, "%s", json_object_get_string(json_object_object_get(d, "id")));
        f.line = json_object_get_int(json_object_object_get(loc, "line"));
        if (!contains(got, ngot, &f)) {
            assert_true(ngot < 256);
            got[ngot++] = f;
        }
    }
    int bad = 0;
    for (size_t i = 0; i < nwant; i++)
        if (!contains(got, ngot, &want[i])) {
            print_error("%s:%d: expected %s, not reported\n", name, want[i].line, want[i].id);
            bad++;
        }
    for (size_t i = 0; i < ngot; i++)
        if (!contains(want, nwant, &got[i])) {
            print_error("%s:%d: reported %s, not expected\n", name, got[i].line, got[i].id);
            bad++;
        }
    json_object_put(root);
    free(json);
    assert_int_equal(bad, 0);
}

static void test_ndis5_basic(void **state)
{
    (void)state;
    check_source("ndis5_basic.c");
}

static void test_ndis5_goto_cleanup(void **state)
{
    (void)state;
    check_source("ndis5_goto.c");
}

static void test_ndis5_nested_failures(void **state)
{
    (void)state;
    check_source("ndis5_nested.c");
}

static void test_ndis5_half_ported(void **state)
{
    (void)state;
    check_source("ndis5_ported.c");
}

static void test_registration_in_a_helper(void **state)
{
    (void)state;
    check_source("ndis5_helper.c");
}

/* The status tested inside the condition: the terminate call sits on the failure branch only,
 * so the rewrite drops it rather than deregistering. */
static void test_registration_tested_in_condition(void **state)
{
    (void)state;
    check_source("ndis5_direct.c");
    char cmd[1024], *diff;
    snprintf(cmd, sizeof cmd, "%s --fix %s/ndis5_direct.c", OPENNDIS_PORT, PORT_SRC_DIR);
    assert_int_equal(run(cmd, &diff), 1);
    assert_non_null(strstr(diff, "-        NdisTerminateWrapper(Wrapper, NULL); /* expect port-terminate-wrapper */\n"));
    assert_non_null(strstr(diff, "\n+        /* expect port-terminate-wrapper */\n"));
    assert_null(strstr(diff, "+        NdisMDeregisterMiniportDriver"));
    free(diff);
}

/* Failures after an NDIS 5 registration behind conditions that are not status tests: a flag
 * set through its address, `== TRUE`, a counter changed with ++ (issue 14 #4). Each return
 * gets the finding and the deregistering fix-it. */
static void test_ndis5_late_failure(void **state)
{
    (void)state;
    check_source("ndis5_late_failure.c");
    char cmd[1024], *out;
    snprintf(cmd, sizeof cmd, "%s %s/ndis5_late_failure.c 2>&1", OPENNDIS_PORT, PORT_SRC_DIR);
    assert_int_equal(run(cmd, &out), 1);
    for (int line = 42; line <= 47; line += line == 44 ? 3 : 2) {
        char want[160];
        snprintf(want, sizeof want, "fix-it: %d:9-%d:36 \"{ NdisMDeregisterMiniportDriver(NdisWrapperHandle); return NDIS_STATUS_FAILURE; }\"",
                 line, line);
        if (!strstr(out, want))
            print_error("missing: %s\n", want);
        assert_non_null(strstr(out, want));
    }
    free(out);
}

/* port-required-handler names exactly the required handlers of the table
 * NdisMRegisterMiniportDriver checks (include/ndis/miniport_handlers.def), less the two this
 * driver maps from NDIS 5 members and the unload handler, which has a rule of its own. */
static void test_required_handlers_are_the_runtime_table(void **state)
{
    (void)state;
    static const struct { const char *routine; bool required; } table[] = {
#define NDIS_HANDLER(field, routine, type, rev, req) { #routine, req },
#include <ndis/miniport_handlers.def>
#undef NDIS_HANDLER
    };
    char cmd[1024], *out;
    snprintf(cmd, sizeof cmd, "%s --json %s/ndis5_late_failure.c", OPENNDIS_PORT, PORT_SRC_DIR);
    assert_int_equal(run(cmd, &out), 1);
    json_object *root = json_tokener_parse(out);
    assert_non_null(root);
    json_object *diags = json_object_object_get(json_object_array_get_idx(json_object_object_get(root, "files"), 0),
                                                "diagnostics");
    size_t reported = 0, want = 0;
    for (size_t i = 0; i < json_object_array_length(diags); i++)
        reported += !strcmp(json_object_get_string(json_object_object_get(json_object_array_get_idx(diags, i), "id")),
                            "port-required-handler");
    for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
        if (!table[t].required || !strcmp(table[t].routine, "MiniportInitializeEx") ||
            !strcmp(table[t].routine, "MiniportHaltEx") || !strcmp(table[t].routine, "MiniportDriverUnload"))
            continue;
        want++;
        char needle[96];
        snprintf(needle, sizeof needle, "NDIS 6.0 requires %s (", table[t].routine);
        if (!strstr(out, needle))
            print_error("not reported: %s\n", table[t].routine);
        assert_non_null(strstr(out, needle));
    }
    assert_int_equal(reported, want);
    json_object_put(root);
    free(out);
}

static void test_ndis6_entry(void **state)
{
    (void)state;
    check_source("ndis6_entry.c");
}

/* The rewrite of the goto shape: the cleanup label is reached with and without a
 * registration, so it deregisters only when there is a handle; the local wrapper handle
 * becomes a global the generated unload routine can reach. */
static void test_fix_goto_shape(void **state)
{
    (void)state;
    char cmd[1024], *diff;
    snprintf(cmd, sizeof cmd, "%s --fix %s/ndis5_goto.c", OPENNDIS_PORT, PORT_SRC_DIR);
    assert_int_equal(run(cmd, &diff), 1);
    assert_non_null(strstr(diff, "+static NDIS_HANDLE NdisMiniportDriverHandle;"));
    assert_non_null(strstr(diff, "+        if (NdisMiniportDriverHandle != NULL) NdisMDeregisterMiniportDriver(NdisMiniportDriverHandle);"));
    assert_non_null(strstr(diff, "+    NdisMDeregisterMiniportDriver(NdisMiniportDriverHandle);\n+}"));
    assert_non_null(strstr(diff, "+    Chars.UnloadHandler = DriverUnload;"));
    assert_non_null(strstr(diff, "NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &NdisMiniportDriverHandle)"));
    /* The NDIS 5 ISR member has no mechanical rewrite: it stays, and so fails to compile. */
    assert_null(strstr(diff, "-    Chars.ISRHandler"));
    free(diff);
}

/* The whole of stdout is one JSON document (whitespace around it aside); NULL if not. */
static json_object *one_json_document(const char *out)
{
    json_tokener *tok = json_tokener_new();
    json_object *root = json_tokener_parse_ex(tok, out, (int)strlen(out));
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    while (root && (out[used] == '\n' || out[used] == ' '))
        used++;
    if (root && out[used] != '\0') {
        json_object_put(root);
        return NULL;
    }
    return root;
}

/* --fix --json: the diff is a field of the one JSON document, not text before it (issue 15
 * #19); with --in-place the document says the file was rewritten. */
static void test_fix_json_is_one_document(void **state)
{
    (void)state;
    char cmd[1400], *out;
    snprintf(cmd, sizeof cmd, "%s --fix --json %s/ndis5_basic.c", OPENNDIS_PORT, PORT_SRC_DIR);
    assert_int_equal(run(cmd, &out), 1);
    json_object *root = one_json_document(out);
    if (!root)
        print_error("not one JSON document:\n%.300s\n", out);
    assert_non_null(root);
    json_object *file = json_object_array_get_idx(json_object_object_get(root, "files"), 0);
    const char *diff = json_object_get_string(json_object_object_get(file, "diff"));
    assert_non_null(diff);
    assert_non_null(strstr(diff, "+++ b/"));
    assert_non_null(strstr(diff, "NdisMRegisterMiniportDriver"));
    assert_true(json_object_array_length(json_object_object_get(file, "diagnostics")) > 0);
    json_object_put(root);
    free(out);

    char dir[] = "/tmp/test_port.XXXXXX";
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cp %s/ndis5_basic.c %s/d.c && %s --fix --in-place --json %s/d.c; st=$?; rm -r %s; exit $st",
             PORT_SRC_DIR, dir, OPENNDIS_PORT, dir, dir);
    assert_int_equal(run(cmd, &out), 1);
    root = one_json_document(out);
    assert_non_null(root);
    file = json_object_array_get_idx(json_object_object_get(root, "files"), 0);
    assert_true(json_object_get_boolean(json_object_object_get(file, "rewritten")));
    assert_null(json_object_object_get(file, "diff"));
    json_object_put(root);
    free(out);
}

static void test_no_findings_on_ndis6_sample(void **state)
{
    (void)state;
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd, "%s --json %s/drivers/sample/miniport.c %s/drivers/sample/adapter.c -- -DNDIS630_MINIPORT=1 2>&1",
             OPENNDIS_PORT, SOURCE_DIR, SOURCE_DIR);
    int rc = run(cmd, &out);
    json_object *root = json_tokener_parse(out);
    assert_non_null(root);
    assert_int_equal(json_object_get_int(json_object_object_get(root, "findings")), 0);
    json_object *files = json_object_object_get(root, "files");
    for (size_t i = 0; i < json_object_array_length(files); i++)
        assert_int_equal(json_object_get_int(json_object_object_get(json_object_array_get_idx(files, i), "parse_errors")), 0);
    assert_int_equal(rc, 0);
    json_object_put(root);
    free(out);
}

/* Wintun's and tap-windows6's shapes: designated initializer, cleanup through the unload
 * routine, a deregistration guarded by its handle. A correct driver gets no finding. */
static void test_no_findings_on_correct_shapes(void **state)
{
    (void)state;
    char cmd[1024], *out;
    snprintf(cmd, sizeof cmd, "%s %s/ndis6_designated.c 2>&1", OPENNDIS_PORT, PORT_SRC_DIR);
    int rc = run(cmd, &out);
    if (rc != 0)
        print_error("%s", out);
    assert_int_equal(rc, 0);
    free(out);
}

static void test_command_line(void **state)
{
    (void)state;
    char cmd[1024], *out;
    snprintf(cmd, sizeof cmd, "%s /nonexistent/driver.c 2>&1", OPENNDIS_PORT);
    assert_int_equal(run(cmd, &out), 2);
    assert_non_null(strstr(out, "cannot read /nonexistent/driver.c"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s --in-place %s/ndis5_basic.c 2>&1", OPENNDIS_PORT, PORT_SRC_DIR);
    assert_int_equal(run(cmd, &out), 2);
    assert_non_null(strstr(out, "--in-place goes with --fix"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s 2>&1", OPENNDIS_PORT);
    assert_int_equal(run(cmd, NULL), 2);
    /* The main command hands `port` to openndis-port. */
    snprintf(cmd, sizeof cmd, "%s port %s/ndis6_entry.c 2>&1", OPENNDIS_CLI, PORT_SRC_DIR);
    assert_int_equal(run(cmd, &out), 1);
    assert_non_null(strstr(out, "ndis6_entry.c:58:9: warning: DriverEntry fails here after a successful registration"));
    assert_non_null(strstr(out, "fix-it: 58:9-58:23 \"{ NdisMDeregisterMiniportDriver(DriverHandle); return Status; }\""));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ndis5_basic),
        cmocka_unit_test(test_ndis5_goto_cleanup),
        cmocka_unit_test(test_ndis5_nested_failures),
        cmocka_unit_test(test_ndis5_half_ported),
        cmocka_unit_test(test_registration_in_a_helper),
        cmocka_unit_test(test_registration_tested_in_condition),
        cmocka_unit_test(test_ndis5_late_failure),
        cmocka_unit_test(test_required_handlers_are_the_runtime_table),
        cmocka_unit_test(test_ndis6_entry),
        cmocka_unit_test(test_fix_goto_shape),
        cmocka_unit_test(test_fix_json_is_one_document),
        cmocka_unit_test(test_no_findings_on_ndis6_sample),
        cmocka_unit_test(test_no_findings_on_correct_shapes),
        cmocka_unit_test(test_command_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
