/* Code MSVC accepts and clang refuses, found in the messages of a failed compile and
 * accepted on a second one (docs/build.md, "What MSVC lets through"). Each is narrow: it is
 * taken only on the compiler message that names it, and each is named in a warning, so a
 * driver author sees what would not build with a stricter compiler. The driver's tree is
 * never written: a rewritten source is a copy in the build's work directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build.h"

#define LOG_MAX (1u << 20)
#define SOURCE_MAX (16u << 20)

/* MSVC keeps a driver's own `typedef signed char CHAR;` and calls OpenNDIS's later one a
 * benign redefinition (C4142); clang refuses it. The source is compiled again with
 * OpenNDIS's typedef stepping aside (ntdef.h). Windows ABI only: in LP64 the types differ. */
static bool benign_typedefs(const char *text, struct unit *u)
{
    static const struct {
        const char *name, *ours, *define;
    } names[] = { { "CHAR", "typedef char CHAR;", "OPENNDIS_DRIVER_DEFINES_CHAR" },
                  { "BOOL", "typedef int BOOL;", "OPENNDIS_DRIVER_DEFINES_BOOL" } };
    bool found = false;
    if (!strstr(text, "typedef redefinition with different types"))
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strstr(text, names[i].ours) && !strv_has(&u->defines, names[i].define)) {
            strv_push(&u->defines, names[i].define);
            build_warning(u->source, 0, "keeps its own typedef of %s, as MSVC does (a benign redefinition, C4142)",
                          names[i].name);
            found = true;
        }
    return found;
}

/* A class whose operator delete is private (NetKVM's CNdisAllocatableBase, so that objects
 * are freed only through the driver's pool) and a derived class with a virtual destructor:
 * the deleting destructor the compiler emits calls that operator delete. MSVC emits it
 * without an access check; clang and g++ refuse the class. The unit is compiled again
 * without C++ access checks, which changes no meaning of code that compiles. */
static bool private_delete(const char *text, struct unit *u)
{
    if (u->lang != LANG_CXX || u->no_access_control)
        return false;
    bool clang = strstr(text, "'operator delete' is a private member") != NULL ||
                 strstr(text, "'operator delete' is a protected member") != NULL;
    bool gcc = strstr(text, "operator delete(void*)") != NULL && strstr(text, "within this context") != NULL;
    if (!clang && !gcc)
        return false;
    u->no_access_control = true;
    build_warning(u->source, 0,
                  "a virtual destructor reaches a private operator delete, as MSVC allows: compiled without C++ "
                  "access checks");
    return true;
}

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The byte offset of LINE:COL (1-based, as compilers count) in text, or -1. */
static long offset_of(const char *text, size_t len, long line, long col)
{
    size_t i = 0;
    for (long l = 1; l < line; l++) {
        const char *nl = memchr(text + i, '\n', len - i);
        if (!nl)
            return -1;
        i = (size_t)(nl - text) + 1;
    }
    if (col < 1 || i + (size_t)col - 1 >= len)
        return -1;
    return (long)(i + (size_t)col - 1);
}

/* Where an identifier starting at `at` ends, when it is followed (after blanks) by '('; else 0. */
static size_t call_like(const char *text, size_t len, size_t at)
{
    if (at > 0 && ident_char(text[at - 1]))
        return 0;
    size_t e = at;
    while (e < len && ident_char(text[e]))
        e++;
    if (e == at || (text[at] >= '0' && text[at] <= '9'))
        return 0;
    size_t p = e;
    while (p < len && (text[p] == ' ' || text[p] == '\t'))
        p++;
    return p < len && text[p] == '(' ? e : 0;
}

/* The positions (LINE:COL) in `text` of the messages clang gives for a functional cast whose
 * type is a macro of several words: NetKVM's `u16(x)` with `#define u16 unsigned short`. */
static size_t cast_positions(const char *log, const char *source, struct strv *out)
{
    static const char what[] = ": error: expected '(' for function-style cast or type construction";
    size_t found = 0, slen = strlen(source);
    for (const char *l = log; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        const char *end = strchr(l, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l);
        const char *hit = memmem(l, n, what, sizeof what - 1);
        long line, col;
        if (!hit || (size_t)(hit - l) <= slen + 1 || strncmp(l, source, slen) != 0 || l[slen] != ':' ||
            sscanf(l + slen, ":%ld:%ld:", &line, &col) != 2)
            continue;
        char *pos = xasprintf("%ld:%ld", line, col);
        if (!strv_has(out, pos)) {
            strv_push(out, pos);
            found++;
        }
        free(pos);
    }
    return found;
}

/* `#line` spelling of a path: backslashes and quotes escaped. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* Writes the shadow copy: `#line 1 "source"` (so messages, __FILE__ and debug information
 * name the driver's file and lines), then the source with `T(` made `(T)(` at each recorded
 * position. Edits only add characters inside a line, so line numbers stay the source's. */
static bool write_shadow(struct unit *u, const char *shadow_dir)
{
    size_t len;
    char *text = read_small_file(u->source, SOURCE_MAX, &len, NULL, 0);
    if (!text)
        return false;
    size_t n = u->rewrites.n, used = 0;
    size_t *at = calloc(n ? n : 1, sizeof *at), *end = calloc(n ? n : 1, sizeof *end);
    for (size_t i = 0; at && end && i < n; i++) {
        long line, col, off;
        if (sscanf(u->rewrites.v[i], "%ld:%ld", &line, &col) != 2 || (off = offset_of(text, len, line, col)) < 0)
            continue;
        size_t e = call_like(text, len, (size_t)off);
        if (!e)
            continue;
        size_t k = used++; /* kept in order of offset */
        while (k > 0 && at[k - 1] > (size_t)off) {
            at[k] = at[k - 1], end[k] = end[k - 1];
            k--;
        }
        at[k] = (size_t)off, end[k] = e;
    }
    if (!at || !end || used == 0) {
        free(at), free(end), free(text);
        return false;
    }
    const char *base = strrchr(u->source, '/') ? strrchr(u->source, '/') + 1 : u->source;
    char *path = xasprintf("%s/%s", shadow_dir, base);
    FILE *f = (mkdir(shadow_dir, 0755) == 0 || path_exists(shadow_dir)) ? fopen(path, "w") : NULL;
    if (!f) {
        build_error(path, 0, "cannot write the rewritten copy of %s", u->source);
        free(path), free(at), free(end), free(text);
        return false;
    }
    fputs("#line 1 ", f);
    put_quoted(f, u->source);
    fputc('\n', f);
    size_t from = 0;
    for (size_t k = 0; k < used; k++) {
        fwrite(text + from, 1, at[k] - from, f);
        fputc('(', f);
        fwrite(text + at[k], 1, end[k] - at[k], f);
        fputc(')', f);
        from = end[k];
    }
    fwrite(text + from, 1, len - from, f);
    bool ok = fclose(f) == 0;
    if (ok) {
        free(u->shadow);
        u->shadow = path;
        build_warning(u->source, 0,
                      "%zu functional cast%s to a type of several words (MSVC's `unsigned short(x)`) compiled as "
                      "C casts, from a copy in the build's work directory",
                      used, used == 1 ? "" : "s");
    } else {
        build_error(path, 0, "cannot write the rewritten copy of %s", u->source);
        free(path);
    }
    free(at), free(end), free(text);
    return ok;
}

static bool multiword_casts(const char *text, struct unit *u, const char *shadow_dir)
{
    if (u->lang != LANG_CXX || cast_positions(text, u->source, &u->rewrites) == 0)
        return false;
    return write_shadow(u, shadow_dir);
}

bool leniency_apply(const char *log, struct unit *u, bool windows, const char *shadow_dir)
{
    char *text = read_small_file(log, LOG_MAX, NULL, NULL, 0);
    if (!text)
        return false;
    bool changed = false;
    if (windows)
        changed |= benign_typedefs(text, u);
    changed |= private_delete(text, u);
    changed |= multiword_casts(text, u, shadow_dir);
    free(text);
    return changed;
}
