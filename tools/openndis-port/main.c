/* openndis port FILE.c... [-- compiler flags]: NDIS 5.x -> NDIS 6.0 migration diagnostics and
 * fix-its, from a real C front end (libclang). */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "port.h"

struct options {
    bool json, fix, in_place;
    const char **cflags;
    int ncflags;
};

static void usage(FILE *out)
{
    fputs("usage: openndis port [options] FILE.c... [-- compiler flags]\n"
          "\n"
          "Reads an NDIS 5.x miniport's C source with libclang and reports what NDIS 6.0 changes,\n"
          "where, and why (the porting guide, rule by rule); mechanical rewrites come as fix-its.\n"
          "\n"
          "  --json        the report as JSON\n"
          "  --fix         print the mechanical rewrites as a unified diff\n"
          "  --in-place    with --fix: rewrite the files instead (through symlinks, keeping\n"
          "                owner, mode and hard links; refused if another process has one open)\n"
          "  -I DIR, -D NAME[=VALUE]\n"
          "                passed to the C front end, as are the flags after --\n"
          "\n"
          "With --fix --json the diff is each file's \"diff\" string in the JSON document.\n"
          "Sources must be regular text files of at most 16 MiB.\n"
          "\n"
          "exit status: 0 nothing to port, 1 findings, 2 usage error, a source refused or\n"
          "unreadable, or a file --in-place could not rewrite\n",
          out);
}

/* Installed: <prefix>/bin/openndis-port next to <prefix>/include/openndis; else the source tree. */
static const char *include_dir(void)
{
    static char dir[PATH_MAX];
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        snprintf(dir, sizeof dir, "%s/../include/openndis", dirname(exe));
        char probe[PATH_MAX + 16];
        snprintf(probe, sizeof probe, "%s/ndis.h", dir);
        if (access(probe, R_OK) == 0)
            return dir;
    }
    return OPENNDIS_PORT_SOURCE_INCLUDE;
}

static const char *severity_name(enum port_severity s)
{
    return s == PORT_ERROR ? "error" : s == PORT_WARNING ? "warning" : "note";
}

/* ---- text ---- */

static void print_excerpt(const struct port_source *src, const struct port_span *at)
{
    if (!at->file || strcmp(at->file, src->path) != 0 || at->begin > src->len)
        return;
    unsigned s = port_line_start(src, at->begin), e = at->begin;
    while (e < src->len && src->text[e] != '\n')
        e++;
    printf("  %.*s\n  ", (int)(e - s), src->text + s);
    for (unsigned i = s; i < at->begin; i++)
        putchar(src->text[i] == '\t' ? '\t' : ' ');
    unsigned stop = at->end_line == at->line && at->end > at->begin ? at->end : at->begin + 1;
    for (unsigned i = at->begin; i < stop && i < e; i++)
        putchar(i == at->begin ? '^' : '~');
    putchar('\n');
}

static void print_quoted(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '\n')
            fputs("\\n", stdout);
        else if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

static void print_text(const struct port_report *r, const struct port_source *src)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct port_diag *d = &r->diags[i];
        if (d->at.file)
            printf("%s:%u:%u: ", d->at.file, d->at.line, d->at.column);
        printf("%s: %s [%s]\n", severity_name(d->severity), d->message, d->id);
        print_excerpt(src, &d->at);
        for (size_t j = 0; j < d->n_notes; j++) {
            const struct port_note *n = &d->notes[j];
            if (n->at.file)
                printf("%s:%u:%u: ", n->at.file, n->at.line, n->at.column);
            printf("note: %s\n", n->message);
        }
        for (size_t j = 0; j < d->n_fixits; j++) {
            const struct port_fixit *f = &d->fixits[j];
            printf("  fix-it: %u:%u-%u:%u ", f->at.line, f->at.column, f->at.end_line, f->at.end_column);
            print_quoted(f->text);
            putchar('\n');
        }
        if (d->page)
            printf("  see: %s%s\n", strncmp(d->page, "ddi:", 4) ? "porting guide, " : "", d->page);
    }
}

/* ---- JSON ---- */

static json_object *span_json(const struct port_span *s)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "file", json_object_new_string(s->file));
    json_object_object_add(o, "line", json_object_new_int((int)s->line));
    json_object_object_add(o, "column", json_object_new_int((int)s->column));
    json_object_object_add(o, "end_line", json_object_new_int((int)s->end_line));
    json_object_object_add(o, "end_column", json_object_new_int((int)s->end_column));
    return o;
}

static json_object *report_json(const struct port_report *r)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < r->n; i++) {
        const struct port_diag *d = &r->diags[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(d->id));
        json_object_object_add(o, "severity", json_object_new_string(severity_name(d->severity)));
        json_object_object_add(o, "message", json_object_new_string(d->message));
        if (d->at.file)
            json_object_object_add(o, "location", span_json(&d->at));
        if (d->page)
            json_object_object_add(o, "page", json_object_new_string(d->page));
        json_object *notes = json_object_new_array();
        for (size_t j = 0; j < d->n_notes; j++) {
            json_object *n = json_object_new_object();
            json_object_object_add(n, "message", json_object_new_string(d->notes[j].message));
            if (d->notes[j].at.file)
                json_object_object_add(n, "location", span_json(&d->notes[j].at));
            json_object_array_add(notes, n);
        }
        json_object_object_add(o, "notes", notes);
        json_object *fixits = json_object_new_array();
        for (size_t j = 0; j < d->n_fixits; j++) {
            json_object *f = span_json(&d->fixits[j].at);
            json_object_object_add(f, "replacement", json_object_new_string(d->fixits[j].text));
            json_object_array_add(fixits, f);
        }
        json_object_object_add(o, "fixits", fixits);
        json_object_array_add(arr, o);
    }
    return arr;
}

/* ---- applying fix-its ---- */

struct edit {
    unsigned begin, end, seq;
    const char *text;
};

static int by_offset(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static char *apply_fixits(const struct port_report *r, const struct port_source *src, size_t *out_len,
                          unsigned *skipped)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += r->diags[i].n_fixits;
    struct edit *ed = calloc(n + 1, sizeof *ed);
    n = 0;
    for (size_t i = 0; i < r->n; i++)
        for (size_t j = 0; j < r->diags[i].n_fixits; j++) {
            const struct port_fixit *f = &r->diags[i].fixits[j];
            if (!f->at.file || strcmp(f->at.file, src->path) != 0)
                continue;
            ed[n++] = (struct edit){ f->at.begin, f->at.end, f->seq, f->text };
        }
    qsort(ed, n, sizeof *ed, by_offset);
    size_t cap = src->len + 1;
    for (size_t i = 0; i < n; i++)
        cap += strlen(ed[i].text);
    char *out = malloc(cap);
    size_t o = 0;
    unsigned pos = 0;
    *skipped = 0;
    for (size_t i = 0; i < n; i++) {
        if (ed[i].begin < pos || ed[i].end > src->len) { /* overlaps an earlier rewrite */
            (*skipped)++;
            continue;
        }
        memcpy(out + o, src->text + pos, ed[i].begin - pos);
        o += ed[i].begin - pos;
        size_t tl = strlen(ed[i].text);
        memcpy(out + o, ed[i].text, tl);
        o += tl;
        pos = ed[i].end;
    }
    memcpy(out + o, src->text + pos, src->len - pos);
    o += src->len - pos;
    out[o] = '\0';
    free(ed);
    *out_len = o;
    return out;
}

/* ---- one file ---- */

static int port_file(CXIndex index, const char *path, const struct options *o, json_object *json_files,
                     size_t *findings)
{
    struct port_source src;
    char why[PATH_MAX + 256];
    if (port_read_source(path, &src, why, sizeof why) != 0) {
        fprintf(stderr, "openndis port: %s\n", why);
        return 2;
    }
    int nargs = 0;
    const char **args = calloc((size_t)o->ncflags + 16, sizeof *args);
    char inc[PATH_MAX + 4];
    snprintf(inc, sizeof inc, "-I%s", include_dir());
    args[nargs++] = "-xc";
    args[nargs++] = "-std=gnu11";
    args[nargs++] = "-fshort-wchar";
    args[nargs++] = "-ferror-limit=0";
    args[nargs++] = "-DOPENNDIS_PORT_ANALYSIS=1";
    args[nargs++] = "-Wno-implicit-function-declaration";
    args[nargs++] = inc;
    for (int i = 0; i < o->ncflags; i++)
        args[nargs++] = o->cflags[i];
    /* libclang parses the bytes read and checked above, never the path again. */
    struct CXUnsavedFile unsaved = { path, src.text, (unsigned long)src.len };
    CXTranslationUnit tu;
    enum CXErrorCode err = clang_parseTranslationUnit2(
        index, path, args, nargs, &unsaved, 1,
        CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing, &tu);
    free(args);
    if (err != CXError_Success) {
        fprintf(stderr, "openndis port: libclang could not read %s (error %d)\n", path, (int)err);
        free(src.text);
        return 2;
    }
    unsigned errors = 0;
    for (unsigned i = 0, n = clang_getNumDiagnostics(tu); i < n; i++) {
        CXDiagnostic dg = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(dg) >= CXDiagnostic_Error) {
            if (errors++ < 5) {
                CXString s = clang_formatDiagnostic(dg, clang_defaultDiagnosticDisplayOptions());
                fprintf(stderr, "openndis port: %s\n", clang_getCString(s));
                clang_disposeString(s);
            }
        }
        clang_disposeDiagnostic(dg);
    }
    if (errors)
        fprintf(stderr, "openndis port: %s: the C front end reports %u error%s (include paths and defines go after --); the findings below may be incomplete\n",
                path, errors, errors == 1 ? "" : "s");

    struct port_report report = { 0 };
    struct port_tu t = { tu, src, &report, errors };
    port_check_driver_entry(&t);
    port_check_guide(&t);

    int rc = 0;
    char *diff = NULL;
    bool rewritten = false;
    if (o->fix) {
        unsigned skipped;
        size_t len;
        char *fixed = apply_fixits(&report, &src, &len, &skipped);
        if (skipped)
            fprintf(stderr, "openndis port: %s: %u overlapping fix-its left out\n", path, skipped);
        if (len != src.len || memcmp(fixed, src.text, len) != 0) {
            if (o->in_place) {
                rc = port_rewrite_in_place(path, &src, fixed, len) ? 2 : 0;
                rewritten = rc == 0;
            } else if (!(diff = port_diff(path, &src, fixed, len))) {
                rc = 2;
            } else if (!json_files) {
                fputs(diff, stdout);
            }
        }
        free(fixed);
    }
    port_report_sort(&report);
    if (json_files) {
        json_object *f = json_object_new_object();
        json_object_object_add(f, "file", json_object_new_string(path));
        json_object_object_add(f, "parse_errors", json_object_new_int((int)errors));
        json_object_object_add(f, "diagnostics", report_json(&report));
        /* --fix --json: the rewrite rides in the one JSON document (stdout carries nothing else). */
        if (o->fix && !o->in_place)
            json_object_object_add(f, "diff", json_object_new_string(diff ? diff : ""));
        if (o->in_place)
            json_object_object_add(f, "rewritten", json_object_new_boolean(rewritten));
        json_object_array_add(json_files, f);
    } else if (!o->fix) {
        print_text(&report, &src);
    }
    free(diff);
    *findings += report.n;
    port_report_free(&report);
    clang_disposeTranslationUnit(tu);
    free(src.text);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o = { 0 };
    o.cflags = calloc((size_t)argc + 1, sizeof *o.cflags);
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "fix", no_argument, NULL, 'x' },
        { "in-place", no_argument, NULL, 'i' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    /* Files and options before "--", compiler flags after it. */
    int nopts = argc;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--")) {
            nopts = i;
            for (int j = i + 1; j < argc; j++)
                o.cflags[o.ncflags++] = argv[j];
            break;
        }
    int c;
    char *dup;
    while ((c = getopt_long(nopts, argv, "hI:D:", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': o.json = true; break;
        case 'x': o.fix = true; break;
        case 'i': o.in_place = true; break;
        case 'I':
        case 'D':
            if (asprintf(&dup, "-%c%s", c, optarg) < 0)
                return 2;
            o.cflags[o.ncflags++] = dup;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    int first_file = optind, nfiles = nopts - optind;
    if (nfiles <= 0) {
        fputs("openndis port: name the driver's C source files\n", stderr);
        usage(stderr);
        return 2;
    }
    if (o.in_place && !o.fix) {
        fputs("openndis port: --in-place goes with --fix\n", stderr);
        return 2;
    }
    for (int i = 0; i < o.ncflags; i++)
        if (strstr(o.cflags[i], "NDIS50_MINIPORT") || strstr(o.cflags[i], "NDIS51_MINIPORT"))
            fprintf(stderr, "openndis port: warning: %s selects NDIS 5.x; an NDIS 6.0 build defines NDIS60_MINIPORT [port-build-define]\n",
                    o.cflags[i]);

    CXIndex index = clang_createIndex(0, 0);
    json_object *files = o.json ? json_object_new_array() : NULL;
    size_t findings = 0;
    int rc = 0;
    for (int i = first_file; i < first_file + nfiles; i++) {
        int r = port_file(index, argv[i], &o, files, &findings);
        if (r > rc)
            rc = r;
    }
    if (files) {
        json_object *root = json_object_new_object();
        json_object_object_add(root, "headers", json_object_new_string(include_dir()));
        json_object_object_add(root, "files", files);
        json_object_object_add(root, "findings", json_object_new_int((int)findings));
        puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
    } else if (!o.fix) {
        fprintf(stderr, "openndis port: %zu finding%s%s\n", findings, findings == 1 ? "" : "s",
                findings ? "; --fix shows the mechanical rewrites" : "");
    }
    clang_disposeIndex(index);
    if (rc)
        return rc;
    return findings ? 1 : 0;
}
