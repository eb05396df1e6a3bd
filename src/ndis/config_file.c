/* The parameter file's value syntax, both ways, and writing back what the driver set
 * (`openndis run --config FILE --write-config`, docs/configuration.md). A plain value is a
 * REG_SZ; a prefix names another registry type, so that a value the driver set with
 * ZwSetValueKey reads back as what it was:
 *
 *   Speed = dword:1000         REG_DWORD (decimal, or 0x hex)
 *   Big = qword:0x100000000    REG_QWORD
 *   Blob = hex:00a1ff          REG_BINARY (pairs of hex digits; ',' or ' ' between pairs)
 *   Path = expand_sz:%x%\y     REG_EXPAND_SZ
 *   Names = multi_sz:a\0b      REG_MULTI_SZ, the strings separated by \0
 *   Text = sz:dword:1          REG_SZ, said explicitly (a text that starts with a prefix)
 *
 * Writing back edits the file in place of the lines that set a changed key, appends new keys
 * at the end of their section (or a new section at the end), removes deleted ones, and keeps
 * every other line, comment and blank as it was. The new file is written beside the old one
 * and renamed over it (a link is followed: its target is what changes). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ndis.h"

static const struct {
    const char *prefix;
    ULONG type;
} ndis_value_prefixes[] = { { "dword:", REG_DWORD },         { "qword:", REG_QWORD },
                            { "hex:", REG_BINARY },          { "expand_sz:", REG_EXPAND_SZ },
                            { "multi_sz:", REG_MULTI_SZ },   { "sz:", REG_SZ } };

static bool ndis_parse_number(const char *s, unsigned long long max, unsigned long long *v)
{
    if (*s == '\0' || *s == '-' || *s == '+' || isspace((unsigned char)*s))
        return false;
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 0);
    return errno == 0 && *end == '\0' && *v <= max;
}

bool ndis_config_parse_value(const char *text, ULONG *type, char *out, size_t len, const char **why)
{
    *type = REG_SZ;
    for (size_t i = 0; i < sizeof ndis_value_prefixes / sizeof ndis_value_prefixes[0]; i++) {
        size_t n = strlen(ndis_value_prefixes[i].prefix);
        if (strncasecmp(text, ndis_value_prefixes[i].prefix, n) != 0)
            continue;
        const char *v = text + n;
        *type = ndis_value_prefixes[i].type;
        unsigned long long number;
        switch (*type) {
        case REG_DWORD:
        case REG_QWORD:
            if (!ndis_parse_number(v, *type == REG_DWORD ? 0xFFFFFFFFull : ~0ull, &number)) {
                *why = *type == REG_DWORD ? "dword: takes a number up to 0xFFFFFFFF" : "qword: takes a 64-bit number";
                return false;
            }
            snprintf(out, len, "%llu", number);
            return true;
        case REG_BINARY: {
            size_t o = 0;
            for (const char *p = v; *p;) {
                if (*p == ',' || *p == ' ') {
                    p++;
                    continue;
                }
                if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) || o + 3 > len) {
                    *why = "hex: takes pairs of hex digits";
                    return false;
                }
                out[o++] = (char)tolower((unsigned char)p[0]);
                out[o++] = (char)tolower((unsigned char)p[1]);
                p += 2;
            }
            out[o] = '\0';
            return true;
        }
        case REG_MULTI_SZ: {
            size_t o = 0;
            for (const char *p = v; *p && o + 1 < len; p++) {
                if (p[0] == '\\' && p[1] == '0') {
                    out[o++] = NDIS_REG_MULTI_SEP;
                    p++;
                } else {
                    out[o++] = *p;
                }
            }
            out[o] = '\0';
            return true;
        }
        default:
            snprintf(out, len, "%s", v);
            return true;
        }
    }
    snprintf(out, len, "%s", text);
    return true;
}

bool ndis_config_format_value(ULONG type, const char *stored, char *out, size_t len, const char **why)
{
    const char *prefix = NULL;
    for (size_t i = 0; i < sizeof ndis_value_prefixes / sizeof ndis_value_prefixes[0]; i++)
        if (ndis_value_prefixes[i].type == type)
            prefix = ndis_value_prefixes[i].prefix;
    if (prefix == NULL) {
        *why = "its registry type has no spelling in a parameter file";
        return false;
    }
    /* a REG_SZ is written plain unless it could read back as something else */
    bool plain = type == REG_SZ;
    for (size_t i = 0; plain && i < sizeof ndis_value_prefixes / sizeof ndis_value_prefixes[0]; i++)
        plain = strncasecmp(stored, ndis_value_prefixes[i].prefix, strlen(ndis_value_prefixes[i].prefix)) != 0;
    size_t o = (size_t)snprintf(out, len, "%s", plain ? "" : prefix);
    for (const char *p = stored; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *why = "it holds a line break";
            return false;
        }
        if (o + 3 > len) {
            *why = "it is longer than a parameter file's value";
            return false;
        }
        if (*p == NDIS_REG_MULTI_SEP && type == REG_MULTI_SZ) {
            out[o++] = '\\';
            out[o++] = '0';
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
    const char *v = out + strlen(plain ? "" : prefix);
    if (plain && (*v == '"' || *v == '\'')) {
        *why = "it starts with a quote, which a parameter file refuses";
        return false;
    }
    if (o > 0 && (isspace((unsigned char)out[0]) || isspace((unsigned char)out[o - 1]))) {
        *why = "it starts or ends with white space, which a parameter file drops";
        return false;
    }
    for (const char *p = out; *p; p++)
        if (*p == ';' && (p == out || isspace((unsigned char)p[-1]))) {
            *why = "it holds ' ;', where a parameter file's comment starts";
            return false;
        }
    if (o > NDIS_CONFIG_MAX_VALUE) {
        *why = "it is longer than a parameter file's value";
        return false;
    }
    return true;
}

/* ---- writing back ----------------------------------------------------------------------------- */

struct ndis_file_line {
    char *text; /* without its line break */
    char section[32]; /* the section it is in ("" before any) */
    char key[NDIS_CONFIG_MAX_KEY + 1]; /* "" for a line that sets nothing */
};

static void ndis_line_key(struct ndis_file_line *l, const char *section)
{
    snprintf(l->section, sizeof l->section, "%s", section);
    l->key[0] = '\0';
    const char *s = l->text;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '\0' || *s == ';' || *s == '#' || *s == '[')
        return;
    const char *eq = strpbrk(s, "=:");
    if (eq == NULL)
        return;
    const char *end = eq;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    size_t n = (size_t)(end - s);
    if (n > 0 && n <= NDIS_CONFIG_MAX_KEY) {
        memcpy(l->key, s, n);
        l->key[n] = '\0';
    }
}

static bool ndis_file_section(const char *text, char *out, size_t len)
{
    const char *s = text;
    while (isspace((unsigned char)*s))
        s++;
    if (*s != '[')
        return false;
    const char *close = strchr(s, ']');
    if (close == NULL || (size_t)(close - s - 1) >= 32)
        return false;
    char name[32];
    memcpy(name, s + 1, (size_t)(close - s - 1));
    name[close - s - 1] = '\0';
    char *n = name;
    while (isspace((unsigned char)*n))
        n++;
    for (char *e = n + strlen(n); e > n && isspace((unsigned char)e[-1]);)
        *--e = '\0';
    return ndis_config_canonical_section(n, out, len);
}

static bool ndis_blank(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

/* The key line for a change, keeping the indentation and a comment of the line it replaces. */
static char *ndis_change_line(const struct ndis_config_change *c, const char *old)
{
    const char *indent_end = old ? old : "";
    while (old && isspace((unsigned char)*indent_end))
        indent_end++;
    const char *comment = NULL;
    for (const char *p = old ? strpbrk(old, "=:") : NULL; p && *p; p++)
        if (*p == ';' && isspace((unsigned char)p[-1])) {
            comment = p;
            break;
        }
    char *line = NULL;
    if (asprintf(&line, "%.*s%s = %s%s%s", old ? (int)(indent_end - old) : 0, old ? old : "", c->key, c->value,
                 comment ? " " : "", comment ? comment : "") < 0)
        return NULL;
    return line;
}

static bool ndis_write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w, n -= (size_t)w;
    }
    return true;
}

bool ndis_config_rewrite(const char *path, const struct ndis_config_change *changes, size_t n, char *err, size_t len)
{
    char *target = realpath(path, NULL); /* a link's target is what changes */
    struct stat st;
    if (target == NULL || stat(target, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, len, "%s: %s", path, target == NULL ? strerror(errno) : "not a regular file any more");
        free(target);
        return false;
    }
    FILE *f = fopen(target, "r");
    size_t nlines = 0, cap = 0;
    struct ndis_file_line *lines = NULL;
    char section[32] = "", *buf = NULL;
    size_t bufcap = 0;
    bool ok = f != NULL;
    for (ssize_t got; ok && (got = getline(&buf, &bufcap, f)) >= 0;) {
        while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
            buf[--got] = '\0';
        if (nlines == cap) {
            cap = cap ? 2 * cap : 64;
            struct ndis_file_line *more = realloc(lines, cap * sizeof *lines);
            if (more == NULL) {
                ok = false;
                break;
            }
            lines = more;
        }
        struct ndis_file_line *l = &lines[nlines];
        if ((l->text = strdup(buf)) == NULL) {
            ok = false;
            break;
        }
        nlines++;
        ndis_file_section(l->text, section, sizeof section);
        ndis_line_key(l, section);
    }
    free(buf);
    if (f)
        fclose(f);
    if (!ok) {
        snprintf(err, len, "%s: cannot read it back: %s", path, strerror(errno ? errno : ENOMEM));
        goto out;
    }

    /* the new text: every line kept, replaced or dropped; keys not found appended */
    char *text = NULL;
    size_t text_len = 0;
    FILE *m = open_memstream(&text, &text_len);
    bool *done = calloc(n ? n : 1, sizeof *done);
    ok = m != NULL && done != NULL;
    for (size_t i = 0; ok && i < nlines; i++) {
        const struct ndis_file_line *l = &lines[i];
        const char *emit = l->text;
        char *made = NULL;
        for (size_t c = 0; c < n && l->key[0]; c++)
            if (strcasecmp(changes[c].section, l->section) == 0 && strcasecmp(changes[c].key, l->key) == 0) {
                done[c] = true;
                emit = changes[c].value ? (made = ndis_change_line(&changes[c], l->text)) : NULL;
                ok = changes[c].value == NULL || made != NULL;
                break;
            }
        if (emit != NULL)
            fprintf(m, "%s\n", emit);
        free(made);
        /* the section's last line that is not blank: the keys it gains go after it */
        bool last = !ndis_blank(l->text);
        for (size_t j = i + 1; last && j < nlines && strcmp(lines[j].section, l->section) == 0; j++)
            last = ndis_blank(lines[j].text) && !ndis_file_section(lines[j].text, (char[32]){ 0 }, 32);
        for (size_t c = 0; last && l->section[0] && c < n; c++)
            if (!done[c] && changes[c].value && strcasecmp(changes[c].section, l->section) == 0) {
                done[c] = true;
                fprintf(m, "%s = %s\n", changes[c].key, changes[c].value);
            }
    }
    for (size_t c = 0; ok && c < n; c++) {
        if (done[c] || changes[c].value == NULL)
            continue;
        fprintf(m, "\n[%s]\n", changes[c].section);
        for (size_t d = c; d < n; d++)
            if (!done[d] && changes[d].value && strcasecmp(changes[d].section, changes[c].section) == 0) {
                done[d] = true;
                fprintf(m, "%s = %s\n", changes[d].key, changes[d].value);
            }
    }
    if (m != NULL && fclose(m) != 0)
        ok = false;
    free(done);
    if (!ok) {
        snprintf(err, len, "%s: out of memory", path);
        free(text);
        goto out;
    }

    /* beside the old file, then over it */
    char *temp = NULL;
    int fd = -1;
    if (asprintf(&temp, "%s.openndis-XXXXXX", target) < 0 || (fd = mkstemp(temp)) < 0) {
        snprintf(err, len, "%s: cannot write beside it: %s", path, strerror(errno));
        ok = false;
    } else if (fchmod(fd, st.st_mode & 07777) != 0 || !ndis_write_all(fd, text, text_len) || fsync(fd) != 0) {
        snprintf(err, len, "%s: cannot write the new file: %s", path, strerror(errno));
        ok = false;
    }
    if (fd >= 0 && close(fd) != 0 && ok) {
        snprintf(err, len, "%s: cannot write the new file: %s", path, strerror(errno));
        ok = false;
    }
    if (ok && rename(temp, target) != 0) {
        snprintf(err, len, "%s: cannot replace it: %s", path, strerror(errno));
        ok = false;
    }
    if (!ok && fd >= 0)
        unlink(temp);
    free(temp);
    free(text);
out:
    for (size_t i = 0; i < nlines; i++)
        free(lines[i].text);
    free(lines);
    free(target);
    return ok;
}
