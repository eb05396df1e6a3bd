/* The C header a driver includes for its WMI classes, made from its .mof as the WDK's
 * `mofcomp -B` + `wmimofck -h -u` make it: for each class, <Class>Guid (a GUID initializer,
 * what NDIS_GUID tables use), DEFINE_GUID(<Class>_GUID, ...), and a structure <Class> of the
 * properties that have a WmiDataId, in WmiDataId order, with <Class>_<prop>_SIZE,
 * <Class>_<prop>_ID and <Class>_SIZE. Properties without WmiDataId (InstanceName, Active)
 * are WMI's, not the driver's data. A variable-length property (a string, an array sized by
 * WmiSizeIs) ends the fixed part: later ones get no member, only their ID. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build.h"

#define MOF_MAX_BYTES (4u << 20)

struct mof_prop {
    char name[128], type[128];
    int id;           /* WmiDataId, 0 when none */
    char array[32];   /* "6" for [6], "" when not an array */
    bool variable;    /* a string, or an array without a fixed size */
};

struct mof_class {
    char name[128];
    unsigned guid[11]; /* l, w1, w2, b1..b8 */
    bool has_guid;
    struct mof_prop props[128];
    int nprops;
};

struct mof {
    const char *path;
    const char *s;
    size_t i;
    int line;
    bool failed;
};

static void skip(struct mof *m)
{
    for (;;) {
        char c = m->s[m->i];
        if (c == '\n') {
            m->line++;
            m->i++;
        } else if (isspace((unsigned char)c)) {
            m->i++;
        } else if (c == '/' && m->s[m->i + 1] == '/') {
            while (m->s[m->i] && m->s[m->i] != '\n')
                m->i++;
        } else if (c == '/' && m->s[m->i + 1] == '*') {
            m->i += 2;
            while (m->s[m->i] && !(m->s[m->i] == '*' && m->s[m->i + 1] == '/'))
                m->line += m->s[m->i++] == '\n';
            m->i += m->s[m->i] ? 2 : 0;
        } else if (c == '#') { /* #pragma namespace(...), classflags, autorecover */
            while (m->s[m->i] && m->s[m->i] != '\n')
                m->i++;
        } else {
            return;
        }
    }
}

static bool word(struct mof *m, char *out, size_t cap)
{
    skip(m);
    size_t n = 0;
    while ((isalnum((unsigned char)m->s[m->i]) || m->s[m->i] == '_') && n + 1 < cap)
        out[n++] = m->s[m->i++];
    out[n] = '\0';
    return n > 0;
}

static void mof_error(struct mof *m, const char *what)
{
    if (!m->failed)
        build_error(m->path, m->line, "%s", what);
    m->failed = true;
}

/* {234E1FBF-37DC-4882-B01E-18F47CC0A40E} */
static bool parse_guid(const char *text, unsigned g[11])
{
    unsigned b[8];
    int n = sscanf(text, " {%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}", &g[0], &g[1], &g[2], &b[0], &b[1], &b[2], &b[3],
                   &b[4], &b[5], &b[6], &b[7]);
    if (n != 11)
        return false;
    for (int i = 0; i < 8; i++)
        g[3 + i] = b[i];
    return true;
}

/* A qualifier list [a, b("x"), WmiDataId(3)]: the GUID, the data id, WmiSizeIs. */
static void qualifiers(struct mof *m, struct mof_class *c, struct mof_prop *p)
{
    skip(m);
    if (m->s[m->i] != '[')
        return;
    int depth = 0;
    size_t start = m->i;
    while (m->s[m->i]) {
        char ch = m->s[m->i];
        if (ch == '"') { /* strings may hold ']' */
            m->i++;
            while (m->s[m->i] && m->s[m->i] != '"')
                m->i++;
        } else if (ch == '[') {
            depth++;
        } else if (ch == ']' && --depth == 0) {
            break;
        } else if (ch == '\n') {
            m->line++;
        }
        m->i++;
    }
    if (!m->s[m->i]) {
        mof_error(m, "a qualifier list '[' without its ']'");
        return;
    }
    char *q = xstrndup(m->s + start, m->i - start + 1);
    m->i++;
    const char *g = strcasestr(q, "guid(");
    if (c && g) {
        const char *open = strchr(g, '"');
        if (!open || !parse_guid(open + 1, c->guid))
            mof_error(m, "guid(\"{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}\") is not a GUID");
        else
            c->has_guid = true;
    }
    const char *id = strcasestr(q, "WmiDataId(");
    if (p && id)
        p->id = atoi(id + strlen("WmiDataId("));
    if (p && strcasestr(q, "WmiSizeIs("))
        p->variable = true;
    free(q);
}

static bool parse_class(struct mof *m, struct mof_class *c)
{
    if (!word(m, c->name, sizeof c->name)) {
        mof_error(m, "a class without a name");
        return false;
    }
    skip(m);
    if (m->s[m->i] == ':') { /* the base class (MSNdis): nothing of it is the driver's data */
        char base[128];
        m->i++;
        word(m, base, sizeof base);
        skip(m);
    }
    if (m->s[m->i] != '{') {
        mof_error(m, "expected '{' after the class name");
        return false;
    }
    m->i++;
    for (;;) {
        skip(m);
        if (m->s[m->i] == '}') {
            m->i++;
            skip(m);
            if (m->s[m->i] == ';')
                m->i++;
            return true;
        }
        if (!m->s[m->i]) {
            mof_error(m, "the class does not end ('}' missing)");
            return false;
        }
        struct mof_prop p = {0};
        qualifiers(m, NULL, &p);
        if (!word(m, p.type, sizeof p.type) || !word(m, p.name, sizeof p.name)) {
            mof_error(m, "expected a property: [qualifiers] type name;");
            return false;
        }
        skip(m);
        if (m->s[m->i] == '(') { /* a method: its parameters are not data */
            while (m->s[m->i] && m->s[m->i] != ';')
                m->line += m->s[m->i++] == '\n';
        } else if (m->s[m->i] == '[') {
            const char *close = strchr(m->s + m->i, ']');
            if (!close) {
                mof_error(m, "an array property without ']'");
                return false;
            }
            snprintf(p.array, sizeof p.array, "%.*s", (int)(close - m->s - m->i - 1), m->s + m->i + 1);
            p.variable |= !p.array[0];
            m->i = (size_t)(close - m->s) + 1;
        }
        skip(m);
        if (m->s[m->i] != ';') {
            mof_error(m, "expected ';' after a property");
            return false;
        }
        m->i++;
        p.variable |= !strcasecmp(p.type, "string");
        if (p.id > 0 && c->nprops < (int)(sizeof c->props / sizeof *c->props))
            c->props[c->nprops++] = p;
    }
}

static const char *c_type(const char *mof_type, bool *known)
{
    static const struct {
        const char *mof, *c;
    } map[] = {{"boolean", "BOOLEAN"}, {"uint8", "UCHAR"},     {"sint8", "CHAR"},      {"uint16", "USHORT"},
               {"sint16", "SHORT"},    {"uint32", "ULONG"},    {"sint32", "LONG"},     {"uint64", "ULONGLONG"},
               {"sint64", "LONGLONG"}, {"real32", "FLOAT"},    {"real64", "DOUBLE"},   {"char16", "WCHAR"},
               {"string", "USHORT"}, /* a counted string: its length; the characters follow */
               {"datetime", "WCHAR"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcasecmp(mof_type, map[i].mof)) {
            *known = true;
            return map[i].c;
        }
    *known = false;
    return mof_type; /* an embedded class: its own structure */
}

static int by_id(const void *a, const void *b)
{
    return ((const struct mof_prop *)a)->id - ((const struct mof_prop *)b)->id;
}

static void write_class(FILE *o, const struct mof_class *c)
{
    const unsigned *g = c->guid;
    fprintf(o, "/* %s */\n", c->name);
    if (c->has_guid) {
        fprintf(o, "#define %sGuid \\\n    { 0x%08x, 0x%04x, 0x%04x, { 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x } }\n",
                c->name, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10]);
        fprintf(o, "DEFINE_GUID(%s_GUID, 0x%08x, 0x%04x, 0x%04x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x);\n",
                c->name, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10]);
    }
    if (c->nprops == 0) {
        fputc('\n', o);
        return;
    }
    struct mof_prop props[128];
    memcpy(props, c->props, sizeof props);
    qsort(props, (size_t)c->nprops, sizeof *props, by_id);
    fprintf(o, "typedef struct _%s {\n", c->name);
    const char *last = NULL;
    bool fixed = true;
    for (int i = 0; i < c->nprops; i++) {
        const struct mof_prop *p = &props[i];
        bool known;
        const char *t = c_type(p->type, &known);
        if (fixed) {
            bool datetime = !strcasecmp(p->type, "datetime");
            if (p->array[0] && !p->variable)
                fprintf(o, "    %s %s[%s];\n", t, p->name, p->array);
            else if (datetime)
                fprintf(o, "    WCHAR %s[25];\n", p->name);
            else
                fprintf(o, "    %s %s%s;\n", t, p->name, p->variable && p->array[0] ? "[1]" : "");
            fprintf(o, "#define %s_%s_SIZE sizeof(((%s *)0)->%s)\n", c->name, p->name, c->name, p->name);
            last = p->name;
        } else {
            fprintf(o, "    /* %s: after a variable-length property, no fixed offset */\n", p->name);
        }
        fprintf(o, "#define %s_%s_ID %d\n", c->name, p->name, p->id);
        if (p->variable)
            fixed = false;
    }
    fprintf(o, "} %s, *P%s;\n", c->name, c->name);
    fprintf(o, "#define %s_SIZE (FIELD_OFFSET(%s, %s) + sizeof(((%s *)0)->%s))\n\n", c->name, c->name, last, c->name,
            last);
}

int mof_header(const char *mof_path, const char *header_path)
{
    char *text = read_small_file(mof_path, MOF_MAX_BYTES, NULL, NULL, 0);
    if (!text)
        return -1;
    struct mof m = {mof_path, text, 0, 1, false};
    struct mof_class *classes = calloc(64, sizeof *classes);
    int nclasses = 0;
    while (classes && !m.failed) {
        struct mof_class c = {0};
        qualifiers(&m, &c, NULL);
        char kw[64];
        if (!word(&m, kw, sizeof kw))
            break;
        if (!strcasecmp(kw, "class")) {
            if (parse_class(&m, &c) && nclasses < 64)
                classes[nclasses++] = c;
        } else if (!strcasecmp(kw, "instance")) { /* instance of X { ... }; not data layout */
            while (m.s[m.i] && m.s[m.i] != '}')
                m.line += m.s[m.i++] == '\n';
            m.i += m.s[m.i] ? 1 : 0;
            skip(&m);
            m.i += m.s[m.i] == ';';
        } else {
            mof_error(&m, "expected a class declaration");
        }
    }
    skip(&m);
    if (!m.failed && m.s[m.i])
        mof_error(&m, "unexpected text");
    free(text);
    if (m.failed || !classes) {
        free(classes);
        return -1;
    }
    char *temp = xasprintf("%s.tmp", header_path);
    FILE *o = fopen(temp, "w");
    if (!o) {
        build_error(header_path, 0, "cannot write it: %s", strerror(errno));
        free(temp), free(classes);
        return -1;
    }
    fprintf(o, "/* Generated by openndis-build from %s, as wmimofck -h makes it. Do not edit. */\n", mof_path);
    char guard[96] = "OPENNDIS_MOF_";
    const char *base = strrchr(header_path, '/') ? strrchr(header_path, '/') + 1 : header_path;
    for (size_t i = 0, g = strlen(guard); base[i] && g + 1 < sizeof guard; i++)
        guard[g++] = isalnum((unsigned char)base[i]) ? (char)toupper((unsigned char)base[i]) : '_';
    fprintf(o, "#ifndef %s\n#define %s\n\n", guard, guard);
    for (int i = 0; i < nclasses; i++)
        write_class(o, &classes[i]);
    fprintf(o, "#endif\n");
    free(classes);
    bool ok = fclose(o) == 0 && rename(temp, header_path) == 0;
    if (!ok)
        build_error(header_path, 0, "cannot write it: %s", strerror(errno));
    free(temp);
    return ok ? nclasses : -1;
}
