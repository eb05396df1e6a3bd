/* Every rule in the catalogue has a rogue driver, and `openndis verify` reports exactly that
 * rule at the right line of the rogue's source. The expectations live in the rogue sources
 * themselves, as comments on the line the report must name:
 *
 *     NdisFreeTimerObject(Timer); / * expect ND1803: rogue_timer_freed_while_set * /
 *
 * `expect RULE: NAME...` (NAME may be a glob such as rogue_bad_*), several clauses joined by
 * `;`; `expect-sweep` for findings only the fault sweep can reach; `expect clean` and
 * `expect load-error` for drivers that must pass or be refused. The test parses every
 * marker, runs verify on every built rogue, and compares the sets of (rule, file, line). */
#include <dirent.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "verifier/vf.h"

struct marker {
    char rule[16]; /* NDxxxx, "clean" or "load-error" */
    bool sweep;
    char file[64];
    int line;
    char name[96]; /* rogue name or glob */
};

static struct marker markers[512];
static size_t nmarkers;

static void parse_clause(const char *file, int line, const char *c)
{
    /* expect[-sweep] RULE: name name ... */
    struct marker m = { .line = line };
    snprintf(m.file, sizeof m.file, "%s", file);
    c += strlen("expect");
    if (strncmp(c, "-sweep", 6) == 0) {
        m.sweep = true;
        c += 6;
    }
    int n = 0;
    if (sscanf(c, " %15[A-Za-z0-9-]:%n", m.rule, &n) != 1 || n == 0)
        fail_msg("%s:%d: malformed expect marker", file, line);
    c += n;
    char name[96];
    while (sscanf(c, " %95[A-Za-z0-9_*]%n", name, &n) == 1) {
        snprintf(m.name, sizeof m.name, "%s", name);
        assert_true(nmarkers < sizeof markers / sizeof markers[0]);
        markers[nmarkers++] = m;
        c += n;
    }
}

static void parse_sources(void)
{
    DIR *d = opendir(ROGUE_SRC_DIR);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
            continue;
        char path[600], text[1024];
        snprintf(path, sizeof path, "%s/%s", ROGUE_SRC_DIR, e->d_name);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        for (int line = 1; fgets(text, sizeof text, f) != NULL; line++) {
            const char *open = strstr(text, "/* expect");
            if (open == NULL)
                continue;
            char clause[1024];
            snprintf(clause, sizeof clause, "%s", open + 3);
            char *end = strstr(clause, "*/");
            if (end)
                *end = '\0';
            for (char *save = NULL, *c = strtok_r(clause, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
                while (*c == ' ')
                    c++;
                parse_clause(e->d_name, line, c);
            }
        }
        fclose(f);
    }
    closedir(d);
}

/* A rogue that never completes a pause or an OID spends about 2.5 s in NDIS's timeouts (verify
 * scales them by 0.05); the hang limit leaves room for that on a loaded machine under a
 * sanitizer. */
static int verify(const char *so, bool sweep, struct json_object **out)
{
    char cmd[1024];
    /* hardware rogues drive a device */
    const char *device = strncmp(so, "rogue_hw_", 9) == 0 ? "--device scratch" : "";
    snprintf(cmd, sizeof cmd, "%s verify --json --timeout 5 %s %s %s/%s 2>/dev/null", OPENNDIS_CLI,
             sweep ? "--max-steps 200" : "--no-sweep", device, ROGUE_DIR, so);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf - 1, p);
    buf[len] = '\0';
    int status = pclose(p);
    *out = json_tokener_parse(buf);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char *base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Checks one rogue; returns how many markers it had. */
static size_t check_rogue(const char *so)
{
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(strrchr(so, '.') - so), so); /* rogue_x.so and rogue_x.sys alike */
    const struct marker *mine[32];
    size_t n = 0;
    bool sweep = false;
    for (size_t i = 0; i < nmarkers; i++)
        if (fnmatch(markers[i].name, name, 0) == 0) {
            assert_true(n < 32);
            mine[n++] = &markers[i];
            sweep |= markers[i].sweep;
        }
    if (n == 0)
        fail_msg("%s has no expect marker in tests/rogue/*.c", name);

    struct json_object *r = NULL, *findings = NULL;
    int code = verify(so, sweep, &r);
    if (strcmp(mine[0]->rule, "load-error") == 0) {
        if (code != 2)
            fail_msg("%s: verify exit %d, expected 2 (refused)", name, code);
        json_object_put(r);
        return n;
    }
    if (r == NULL || !json_object_object_get_ex(r, "findings", &findings))
        fail_msg("%s: verify gave no JSON report (exit %d)", name, code);
    size_t nf = json_object_array_length(findings);
    if (strcmp(mine[0]->rule, "clean") == 0) {
        if (code != 0 || nf != 0)
            fail_msg("%s: expected clean, exit %d: %s", name, code, json_object_to_json_string(findings));
        json_object_put(r);
        return n;
    }
    assert_int_equal(code, 1);
    /* every finding expected, every expectation found */
    bool seen[32] = { false };
    for (size_t k = 0; k < nf; k++) {
        struct json_object *f = json_object_array_get_idx(findings, k), *loc, *v;
        const char *rule = json_object_get_string(json_object_object_get(f, "rule"));
        const char *file = "?";
        int line = 0;
        bool entry = false;
        if (json_object_object_get_ex(f, "location", &loc)) {
            if (json_object_object_get_ex(loc, "file", &v))
                file = base(json_object_get_string(v));
            if (json_object_object_get_ex(loc, "line", &v))
                line = json_object_get_int(v);
            entry = json_object_object_get_ex(loc, "entry", &v) && json_object_get_boolean(v);
        }
        bool expected = false;
        for (size_t i = 0; i < n; i++)
            /* A PDB has no declaration lines: a handler named by its entry point in a PE image is
             * at its first line of code, the `{` under the marked signature. */
            if (strcmp(mine[i]->rule, rule) == 0 && strcmp(mine[i]->file, file) == 0 &&
                (mine[i]->line == line || (entry && mine[i]->line + 1 == line)))
                expected = seen[i] = true;
        if (!expected)
            fail_msg("%s: unexpected %s at %s:%d: %s", name, rule, file, line,
                     json_object_get_string(json_object_object_get(f, "message")));
    }
    for (size_t i = 0; i < n; i++)
        if (!seen[i])
            fail_msg("%s: expected %s at %s:%d, not reported", name, mine[i]->rule, mine[i]->file, mine[i]->line);
    json_object_put(r);
    return n;
}

static void test_every_rogue_reports_its_rule_at_its_line(void **state)
{
    (void)state;
    DIR *d = opendir(ROGUE_DIR);
    assert_non_null(d);
    struct dirent *e;
    size_t rogues = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        /* a .sys is the same rogue built as a PE image: same findings, same lines (via its PDB) */
        if ((len > 3 && strcmp(e->d_name + len - 3, ".so") == 0) || (len > 4 && strcmp(e->d_name + len - 4, ".sys") == 0)) {
            check_rogue(e->d_name);
            rogues++;
        }
    }
    closedir(d);
    assert_true(rogues >= VF_RULE_COUNT);
}

static void test_every_rule_has_a_rogue(void **state)
{
    (void)state;
    for (int id = 0; id < VF_RULE_COUNT; id++) {
        const char *rule = vf_rule((enum vf_rule_id)id)->id;
        const char *limits = vf_rule((enum vf_rule_id)id)->limits;
        if (limits == NULL || strlen(limits) < 10)
            fail_msg("rule %s does not say what it cannot see (the limits column of rules.def)", rule);
        bool found = false;
        for (size_t i = 0; i < nmarkers && !found; i++)
            found = strcmp(markers[i].rule, rule) == 0;
        if (!found)
            fail_msg("rule %s (%s) has no rogue driver marked `expect %s:` in tests/rogue", rule,
                     vf_rule((enum vf_rule_id)id)->name, rule);
    }
}

static int setup(void **state)
{
    (void)state;
    parse_sources();
    return nmarkers > 0 ? 0 : -1;
}

int main(void)
{
    /* Two processors whatever the machine has, so that a rule about which processor a driver
     * runs on (ND2216) can fire on a one-processor machine too. */
    setenv("OPENNDIS_PROCESSORS", "2", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rule_has_a_rogue),
        cmocka_unit_test(test_every_rogue_reports_its_rule_at_its_line),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
