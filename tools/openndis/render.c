/* Turning reports into what people read: compiler-style violations, crash summaries, the
 * verdict and its exit code. */
#include <string.h>

#include "openndis.h"

const char *json_str_field(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static void render_location(FILE *out, struct json_object *loc)
{
    const char *file = json_str_field(loc, "file"), *fn = json_str_field(loc, "function"), *mod = json_str_field(loc, "module");
    struct json_object *line;
    if (file && json_object_object_get_ex(loc, "line", &line))
        fprintf(out, "%s:%d", file, json_object_get_int(line));
    else if (fn)
        fprintf(out, "%s (%s)", fn, mod ? mod : "?");
    else if (mod && json_str_field(loc, "rva"))
        fprintf(out, "%s+%s", mod, json_str_field(loc, "rva"));
    else if (mod)
        fprintf(out, "%s@%s", mod, json_str_field(loc, "address") ? json_str_field(loc, "address") : "?");
    else
        fputs("openndis", out);
}

void render_violations(FILE *out, struct json_object *violations)
{
    size_t n = violations ? json_object_array_length(violations) : 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(violations, i), *loc;
        if (json_object_object_get_ex(v, "location", &loc))
            render_location(out, loc);
        else
            fputs("openndis", out);
        fprintf(out, ": %s: %s: %s [%s %s]\n", json_str_field(v, "severity"), json_str_field(v, "function"), json_str_field(v, "message"),
                json_str_field(v, "rule"), json_str_field(v, "name"));
    }
}

void render_crash(FILE *out, struct json_object *report)
{
    struct json_object *c, *frames;
    if (json_object_object_get_ex(report, "interrupted", &c) && json_object_is_type(c, json_type_object)) {
        fprintf(out, "OpenNDIS was stopped by SIG%s during %s, before the driver's run ended; no verdict on the "
                     "driver (run it again to the end for one)\n",
                json_str_field(c, "name"), json_str_field(c, "phase"));
        return;
    }
    if (json_object_object_get_ex(report, "timeout", &c)) {
        fprintf(out, "the driver did not finish %s within %s s; OpenNDIS stopped it%s\n", json_str_field(c, "phase"),
                json_str_field(c, "seconds"), json_object_object_get_ex(c, "backtrace", NULL) ? " here:" : "");
    } else {
        if (!json_object_object_get_ex(report, "crash", &c))
            return;
        if (json_str_field(c, "exit_status")) {
            fprintf(out, "the driver's process exited with status %s during %s: %s\n", json_str_field(c, "exit_status"),
                    json_str_field(c, "phase"), json_str_field(c, "description"));
            return;
        }
        fprintf(out, "the driver crashed during %s: SIG%s (%s)", json_str_field(c, "phase"), json_str_field(c, "name"),
                json_str_field(c, "description"));
        if (json_str_field(c, "address"))
            fprintf(out, " at address %s", json_str_field(c, "address"));
        fputc('\n', out);
    }
    if (json_object_object_get_ex(c, "backtrace", &frames))
        for (size_t i = 0; i < json_object_array_length(frames); i++) {
            struct json_object *f = json_object_array_get_idx(frames, i);
            fprintf(out, "  #%zu %s ", i, json_str_field(f, "function") ? json_str_field(f, "function") : "??");
            render_location(out, f);
            fputc('\n', out);
        }
}

int render_exit_code(struct json_object *report)
{
    const char *verdict = report ? json_str_field(report, "verdict") : NULL;
    if (verdict == NULL || strcmp(verdict, "error") == 0)
        return EXIT_USAGE;
    if (strcmp(verdict, "pass") == 0)
        return EXIT_PASS;
    if (strcmp(verdict, "crash") == 0 || strcmp(verdict, "timeout") == 0)
        return EXIT_CRASH;
    if (strcmp(verdict, "interrupted") == 0)
        return EXIT_INTERRUPTED;
    return EXIT_VERDICT;
}

void render_json(FILE *out, struct json_object *report)
{
    fprintf(out, "%s\n", json_object_to_json_string_ext(report, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

int render_report(struct json_object *report, bool json, void (*body)(FILE *out, struct json_object *report))
{
    int code = render_exit_code(report);
    if (json) {
        render_json(stdout, report);
    } else {
        struct json_object *v;
        body(stdout, report);
        size_t nv = json_object_object_get_ex(report, "violations", &v) ? json_object_array_length(v) : 0;
        if (nv)
            render_violations(stdout, v);
        render_crash(stdout, report);
        if (code == EXIT_PASS)
            printf("verdict         PASS: no rule violated\n");
        else if (code == EXIT_USAGE)
            fprintf(stderr, "openndis: %s\n", json_str_field(report, "error") ? json_str_field(report, "error") : "failed");
        else if (code == EXIT_INTERRUPTED)
            printf("verdict         INTERRUPTED: %zu violation%s before the stop\n", nv, nv == 1 ? "" : "s");
        else if (code == EXIT_CRASH && json_object_object_get_ex(report, "timeout", NULL))
            printf("verdict         HUNG: the driver did not finish in time (--timeout raises the limit for a "
                   "driver that is only slow); %zu violation%s before\n", nv, nv == 1 ? "" : "s");
        else if (code == EXIT_CRASH && json_str_field(json_object_object_get(report, "crash"), "exit_status") != NULL)
            printf("verdict         CRASH: the driver's process exited on its own; %zu violation%s before\n", nv,
                   nv == 1 ? "" : "s");
        else if (nv == 0 && code != EXIT_CRASH && json_str_field(report, "failure") != NULL)
            printf("verdict         FAIL: %s\n", json_str_field(report, "failure"));
        else
            printf("verdict         %s: %zu violation%s\n", code == EXIT_CRASH ? "CRASH" : "FAIL", nv, nv == 1 ? "" : "s");
    }
    json_object_put(report);
    return code;
}
