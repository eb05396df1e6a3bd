/* Diagnostics, notes and fix-its as they are found. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port.h"
#include "../../src/common/array.h"

void *port_reserve(void *items, size_t *cap, size_t need, size_t size)
{
    void *grown = array_reserve(items, cap, need, size);
    if (grown == NULL) {
        fprintf(stderr, "openndis port: out of memory\n");
        exit(2);
    }
    return grown;
}

static char *vformat(const char *fmt, va_list ap)
{
    char *s;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    return s;
}

char *port_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

static bool location_of(CXSourceLocation loc, char **file, unsigned *line, unsigned *col,
                        unsigned *offset, bool *in_macro)
{
    CXFile f, ef;
    unsigned eoff;
    clang_getSpellingLocation(loc, &f, line, col, offset);
    clang_getExpansionLocation(loc, &ef, NULL, NULL, &eoff);
    if (!f)
        return false;
    if (in_macro)
        *in_macro = !clang_File_isEqual(f, ef) || eoff != *offset;
    CXString name = clang_getFileName(f);
    *file = strdup(clang_getCString(name));
    clang_disposeString(name);
    return true;
}

bool port_span_of(CXSourceRange range, struct port_span *out)
{
    memset(out, 0, sizeof *out);
    /* Report where the user wrote it: for a macro use, the expansion site. */
    CXFile f;
    clang_getExpansionLocation(clang_getRangeStart(range), &f, &out->line, &out->column, &out->begin);
    if (!f)
        return false;
    CXString name = clang_getFileName(f);
    out->file = strdup(clang_getCString(name));
    clang_disposeString(name);
    clang_getExpansionLocation(clang_getRangeEnd(range), NULL, &out->end_line, &out->end_column, &out->end);
    return true;
}

struct port_diag *port_diag(struct port_report *r, enum port_severity sev, const char *id,
                            const char *page, CXCursor at, const char *fmt, ...)
{
    r->diags = port_reserve(r->diags, &r->cap, r->n + 1, sizeof *r->diags);
    struct port_diag *d = &r->diags[r->n++];
    memset(d, 0, sizeof *d);
    d->severity = sev;
    d->id = id;
    d->page = page;
    if (!clang_Cursor_isNull(at))
        port_span_of(clang_getCursorExtent(at), &d->at);
    va_list ap;
    va_start(ap, fmt);
    d->message = vformat(fmt, ap);
    va_end(ap);
    return d;
}

void port_note(struct port_diag *d, CXCursor at, const char *fmt, ...)
{
    d->notes = port_reserve(d->notes, &d->cap_notes, d->n_notes + 1, sizeof *d->notes);
    struct port_note *n = &d->notes[d->n_notes++];
    memset(n, 0, sizeof *n);
    if (!clang_Cursor_isNull(at))
        port_span_of(clang_getCursorExtent(at), &n->at);
    va_list ap;
    va_start(ap, fmt);
    n->message = vformat(fmt, ap);
    va_end(ap);
}

static bool add_fixit(struct port_diag *d, CXSourceLocation b, CXSourceLocation e, const char *text)
{
    struct port_span s = { 0 };
    char *fe = NULL;
    bool mb, me;
    if (!clang_Location_isFromMainFile(b) || !clang_Location_isFromMainFile(e))
        return false;
    if (!location_of(b, &s.file, &s.line, &s.column, &s.begin, &mb))
        return false;
    if (!location_of(e, &fe, &s.end_line, &s.end_column, &s.end, &me) || mb || me ||
        strcmp(fe, s.file) != 0 || s.end < s.begin) {
        free(fe);
        free(s.file);
        return false; /* inside a macro expansion: not a mechanical rewrite */
    }
    free(fe);
    d->fixits = port_reserve(d->fixits, &d->cap_fixits, d->n_fixits + 1, sizeof *d->fixits);
    d->fixits[d->n_fixits].at = s;
    d->fixits[d->n_fixits].text = strdup(text);
    static unsigned seq;
    d->fixits[d->n_fixits].seq = seq++;
    d->n_fixits++;
    return true;
}

bool port_fix_replace(struct port_diag *d, CXSourceRange range, const char *text)
{
    return add_fixit(d, clang_getRangeStart(range), clang_getRangeEnd(range), text);
}

bool port_fix_insert(struct port_diag *d, CXSourceLocation at, const char *text)
{
    return add_fixit(d, at, at, text);
}

static void span_free(struct port_span *s)
{
    free(s->file);
}

void port_report_free(struct port_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        struct port_diag *d = &r->diags[i];
        span_free(&d->at);
        free(d->message);
        for (size_t j = 0; j < d->n_notes; j++) {
            span_free(&d->notes[j].at);
            free(d->notes[j].message);
        }
        for (size_t j = 0; j < d->n_fixits; j++) {
            span_free(&d->fixits[j].at);
            free(d->fixits[j].text);
        }
        free(d->notes);
        free(d->fixits);
    }
    free(r->diags);
    memset(r, 0, sizeof *r);
}

static int by_place(const void *a, const void *b)
{
    const struct port_diag *x = a, *y = b;
    int c = strcmp(x->at.file ? x->at.file : "", y->at.file ? y->at.file : "");
    if (c)
        return c;
    if (x->at.line != y->at.line)
        return x->at.line < y->at.line ? -1 : 1;
    if (x->at.column != y->at.column)
        return x->at.column < y->at.column ? -1 : 1;
    return 0;
}

void port_report_sort(struct port_report *r)
{
    /* qsort is not stable; diagnostics at one spot keep their order through the index. */
    for (size_t i = 1; i < r->n; i++) {
        struct port_diag d = r->diags[i];
        size_t j = i;
        while (j > 0 && by_place(&r->diags[j - 1], &d) > 0) {
            r->diags[j] = r->diags[j - 1];
            j--;
        }
        r->diags[j] = d;
    }
}
