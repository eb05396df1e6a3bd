/* Strings, lists, paths and messages for openndis-build. Out of memory ends the program: a
 * build tool has nothing to save when malloc fails. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "../../src/common/array.h"

int build_errors;

static void *check(void *p)
{
    if (!p) {
        fputs("openndis build: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

char *xstrdup(const char *s)
{
    return check(strdup(s ? s : ""));
}

char *xstrndup(const char *s, size_t n)
{
    return check(strndup(s, n));
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return check(n < 0 ? NULL : s);
}

void strv_push_own(struct strv *sv, char *s)
{
    sv->v = check(array_reserve(sv->v, &sv->cap, sv->n + 2, sizeof *sv->v));
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
}

void strv_push(struct strv *sv, const char *s)
{
    strv_push_own(sv, xstrdup(s));
}

bool strv_has(const struct strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return true;
    return false;
}

void strv_free(struct strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    *sv = (struct strv){0};
}

void strv_split_list(struct strv *sv, const char *list)
{
    const char *s = list;
    while (s && *s) {
        const char *end = strchr(s, ';');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        const char *a = s, *b = s + n;
        while (a < b && (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\n'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r' || b[-1] == '\n'))
            b--;
        if (b > a)
            strv_push_own(sv, xstrndup(a, (size_t)(b - a)));
        s = end ? end + 1 : NULL;
    }
}

char *path_from_msbuild(const char *p)
{
    char *s = xstrdup(p);
    for (char *c = s; *c; c++)
        if (*c == '\\')
            *c = '/';
    /* "a//b" from "$(Dir)\b" with Dir ending in '\' */
    char *w = s;
    for (char *r = s; *r; r++)
        if (!(*r == '/' && w > s && w[-1] == '/'))
            *w++ = *r;
    *w = '\0';
    return s;
}

char *path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/')
        return xstrdup(rel);
    size_t n = strlen(dir);
    return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", rel);
}

bool path_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

char *read_small_file(const char *path, size_t max, size_t *len, const char *from_file, int from_line)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        build_error(from_file, from_line, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        build_error(from_file, from_line, "%s is not a regular file", path);
        return NULL;
    }
    if ((unsigned long long)st.st_size > max) {
        build_error(from_file, from_line, "%s is larger than %zu KiB: not what it should be", path, max >> 10);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        build_error(from_file, from_line, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = check(malloc((size_t)st.st_size + 1));
    size_t n = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    if (n != (size_t)st.st_size) {
        build_error(from_file, from_line, "cannot read %s whole", path);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* ---- metadata ---- */

const char *meta_get(const struct metav *m, const char *name)
{
    for (size_t i = 0; m && i < m->n; i++)
        if (strcasecmp(m->v[i].name, name) == 0)
            return m->v[i].value;
    return NULL;
}

void meta_set(struct metav *m, const char *name, const char *value)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcasecmp(m->v[i].name, name) == 0) {
            free(m->v[i].value);
            m->v[i].value = xstrdup(value);
            return;
        }
    m->v = check(array_reserve(m->v, &m->cap, m->n + 1, sizeof *m->v));
    m->v[m->n++] = (struct meta){xstrdup(name), xstrdup(value)};
}

void meta_copy(struct metav *dst, const struct metav *src)
{
    for (size_t i = 0; src && i < src->n; i++)
        meta_set(dst, src->v[i].name, src->v[i].value);
}

void meta_free(struct metav *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].name), free(m->v[i].value);
    free(m->v);
    *m = (struct metav){0};
}

/* ---- messages ---- */

static void say(const char *kind, const char *file, int line, const char *fmt, va_list ap)
{
    if (file && line > 0)
        fprintf(stderr, "%s:%d: %s: ", file, line, kind);
    else if (file)
        fprintf(stderr, "%s: %s: ", file, kind);
    else
        fprintf(stderr, "openndis build: %s: ", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void build_error(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say("error", file, line, fmt, ap);
    va_end(ap);
    build_errors++;
}

void build_warning(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say("warning", file, line, fmt, ap);
    va_end(ap);
}

/* ---- @NAME@ templates (a tree's configure step: tap-windows6's .vcxproj.in) ---- */

static const char *define_value(const struct strv *defines, const char *name, size_t n)
{
    for (size_t i = 0; i < defines->n; i++) {
        const char *d = defines->v[i], *eq = strchr(d, '=');
        size_t len = eq ? (size_t)(eq - d) : strlen(d);
        if (len == n && strncmp(d, name, n) == 0)
            return eq ? eq + 1 : "1";
    }
    return NULL;
}

char *template_fill(const char *text, const struct strv *defines, const char *file, struct strv *used)
{
    char *out = xstrdup("");
    int line = 1;
    const char *s = text;
    for (;;) {
        const char *at = strchr(s, '@');
        const char *end = at ? at + 1 + strspn(at + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") : NULL;
        if (!at) {
            char *t = xasprintf("%s%s", out, s);
            free(out);
            return t;
        }
        for (const char *c = s; c < at; c++)
            line += *c == '\n';
        bool named = end && *end == '@' && end > at + 1;
        char *name = named ? xstrndup(at + 1, (size_t)(end - at - 1)) : NULL;
        const char *value = named ? define_value(defines, name, strlen(name)) : NULL;
        if (value && !strv_has(used, name))
            strv_push(used, name);
        char *missing = named && !value ? xasprintf("?%s", name) : NULL; /* each reported once */
        if (missing && !strv_has(used, missing)) {
            build_error(file, line, "@%s@ is filled in by the tree's configure step: give it with -D %s=VALUE", name,
                        name);
            strv_push(used, missing);
        }
        free(name), free(missing);
        char *t = value ? xasprintf("%s%.*s%s", out, (int)(at - s), s, value) : xasprintf("%s%.*s@", out, (int)(at - s), s);
        free(out);
        out = t;
        s = value ? end + 1 : at + 1;
    }
}

/* Whether `s` ends with `suffix`, letter case aside (Windows file names). */
bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}
