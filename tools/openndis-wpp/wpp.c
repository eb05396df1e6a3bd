/* openndis-wpp: the .tmh headers a WPP-tracing driver includes, generated from its WPP
 * configuration, so that its trace calls become OpenNDIS log records (docs/wpp.md).
 *
 *   openndis-wpp --out DIR [--func 'DEBUGP(LEVEL,MSG,...)']... [--scan trace.h]... SOURCE.c...
 *
 * Reads WPP_CONTROL_GUIDS (the control GUIDs and their WPP_DEFINE_BIT flags) and the
 * `begin_wpp config` ... `end_wpp` blocks (FUNC declarations) from the sources, the --scan
 * files and the local headers they include, and writes DIR/X.tmh for every
 * `#include "X.tmh"`. Each FUNC becomes a macro calling openndis_wpp_trace() with the call's
 * flag, level, function and line. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_ITEMS 256

struct func {
    char name[64];
    char params[16][32]; /* without the trailing "..." */
    int nparams;
    bool varargs;
    char fixed_level[64], fixed_flags[64]; /* {LEVEL=..., FLAGS=...} */
    char keys[4][32], key_values[4][64];   /* every {Key=Value}, in order: WPP_<keys>_<params>_ENABLED */
    int nkeys;
    char where[PATH_MAX + 16]; /* for messages */
};

/* USEPREFIX(FUNC, "format", args) and USESUFFIX: text WPP puts around each call's MSG. */
struct affix {
    char func[64];
    char format[256];
    char args[256]; /* ", A, B" or "" */
    bool suffix;
};

static struct func funcs[MAX_ITEMS];
static int nfuncs;
static char guids[MAX_ITEMS][64];
static int nguids;
static char bits[MAX_ITEMS][64]; /* WPP_DEFINE_BIT names, in order: WPP_BIT_<name> */
static int nbits;
static struct affix affixes[MAX_ITEMS];
static int naffixes;
static char enabled_macros[MAX_ITEMS][128]; /* the driver's own WPP_<...>_ENABLED */
static int nenabled;
static char *tmh[MAX_ITEMS];
static int ntmh;
static char *seen[MAX_ITEMS * 4];
static int nseen;
static bool custom_level_enabled; /* the driver defines WPP_LEVEL_ENABLED: LEVEL is a level */
static int errors;

static void error_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void error_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: error: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    errors++;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    for (size_t r; buf && (r = fread(buf + n, 1, cap - n, f)) > 0;)
        if ((n += r) == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static int line_of(const char *text, const char *at)
{
    int line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

static const char *skip_space(const char *p)
{
    while (*p && isspace((unsigned char)*p))
        p++;
    return p;
}

static const char *ident(const char *p, char *out, size_t cap)
{
    size_t n = 0;
    while ((isalnum((unsigned char)*p) || *p == '_') && n + 1 < cap)
        out[n++] = *p++;
    out[n] = '\0';
    return p;
}

/* ---- FUNC Name{LEVEL=x,FLAGS=y}(A,B,MSG,...) ---- */

static bool parse_func(const char *spec, const char *file, int line)
{
    struct func f = { 0 };
    snprintf(f.where, sizeof f.where, "%s:%d", file, line);
    const char *p = ident(skip_space(spec), f.name, sizeof f.name);
    if (!f.name[0]) {
        error_at(file, line, "FUNC needs a macro name: '%s'", spec);
        return false;
    }
    p = skip_space(p);
    if (*p == '{') {
        for (p++; *p && *p != '}';) {
            char key[32], value[64];
            p = ident(skip_space(p), key, sizeof key);
            p = skip_space(p);
            if (*p != '=') {
                error_at(file, line, "FUNC %s: expected KEY=VALUE in {...}", f.name);
                return false;
            }
            p = ident(skip_space(p + 1), value, sizeof value);
            if (!strcasecmp(key, "LEVEL"))
                snprintf(f.fixed_level, sizeof f.fixed_level, "%s", value);
            else if (!strcasecmp(key, "FLAGS") || !strcasecmp(key, "FLAG"))
                snprintf(f.fixed_flags, sizeof f.fixed_flags, "%s", value);
            if (f.nkeys < 4) {
                snprintf(f.keys[f.nkeys], sizeof f.keys[0], "%s", key);
                snprintf(f.key_values[f.nkeys++], sizeof f.key_values[0], "%s", value);
            }
            p = skip_space(p);
            if (*p == ',')
                p++;
        }
        if (*p != '}') {
            error_at(file, line, "FUNC %s: '{' without '}'", f.name);
            return false;
        }
        p = skip_space(p + 1);
    }
    if (*p != '(') {
        error_at(file, line, "FUNC %s: expected its parameters, as in %s(LEVEL,MSG,...)", f.name, f.name);
        return false;
    }
    bool msg = false;
    for (p++;;) {
        p = skip_space(p);
        if (!strncmp(p, "...", 3)) {
            f.varargs = true;
            p = skip_space(p + 3);
        } else {
            char param[32];
            p = skip_space(ident(p, param, sizeof param));
            if (!param[0] || f.nparams == 16) {
                error_at(file, line, "FUNC %s: bad parameter list", f.name);
                return false;
            }
            msg |= !strcmp(param, "MSG");
            memcpy(f.params[f.nparams++], param, sizeof param);
        }
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == ')')
            break;
        error_at(file, line, "FUNC %s: expected ',' or ')' in its parameters", f.name);
        return false;
    }
    (void)msg; /* without MSG the format is USEPREFIX's: checked when written */
    for (int i = 0; i < nfuncs; i++)
        if (!strcmp(funcs[i].name, f.name)) {
            funcs[i] = f; /* a later declaration wins, as with WPP's -func */
            return true;
        }
    if (nfuncs < MAX_ITEMS)
        funcs[nfuncs++] = f;
    return true;
}

/* ---- the configuration in one file ---- */

/* Where `#define NAME` starts its body in text, or NULL. */
static const char *find_define(const char *text, const char *name, const char **line_start)
{
    for (const char *ls = text; ls && *ls; ls = strchr(ls, '\n'), ls = ls ? ls + 1 : NULL) {
        const char *p = skip_space(ls);
        if (*p != '#' || p > strchr(ls, '\n'))
            continue;
        p = skip_space(p + 1);
        if (strncmp(p, "define", 6) || !isspace((unsigned char)p[6]))
            continue;
        p = skip_space(p + 6);
        size_t n = strlen(name);
        if (!strncmp(p, name, n) && !isalnum((unsigned char)p[n]) && p[n] != '_') {
            *line_start = ls;
            return p + n;
        }
    }
    return NULL;
}

/* A macro body as the preprocessor sees it: continuations joined, comments gone (trees put
 * comments inside WPP_DEFINE_CONTROL_GUID, NetKVM one per bit). */
static void strip_continuations_and_comments(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '\\' && (r[1] == '\n' || (r[1] == '\r' && r[2] == '\n'))) {
            r += r[1] == '\n' ? 2 : 3;
            *w++ = ' ';
        } else if (r[0] == '/' && r[1] == '*') {
            char *e = strstr(r + 2, "*/");
            r = e ? e + 2 : r + strlen(r);
            *w++ = ' ';
        } else if (r[0] == '/' && r[1] == '/') {
            while (*r && *r != '\n')
                r++;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* USEPREFIX (FUNC, "format", args...) / USESUFFIX: kept for the FUNC's macro. */
static void parse_affix(const char *s, bool suffix, const char *file, int line)
{
    struct affix a = {.suffix = suffix};
    const char *p = skip_space(s + 9);
    const char *q = p + (*p == '(');
    q = ident(skip_space(q), a.func, sizeof a.func);
    q = skip_space(q);
    const char *open = *q == ',' ? strchr(q, '"') : NULL;
    const char *close = open ? strchr(open + 1, '"') : NULL;
    while (close && close[-1] == '\\')
        close = strchr(close + 1, '"');
    if (*p != '(' || !a.func[0] || !close) {
        error_at(file, line, "%s needs (FUNC, \"format\"[, arguments])", suffix ? "USESUFFIX" : "USEPREFIX");
        return;
    }
    snprintf(a.format, sizeof a.format, "%.*s", (int)(close - open - 1), open + 1);
    const char *rest = skip_space(close + 1);
    const char *end = strrchr(rest, ')');
    if (*rest == ',' && end)
        snprintf(a.args, sizeof a.args, "%.*s", (int)(end - rest), rest);
    /* %!STDPREFIX! is WPP's "[cpu]pid.tid::time [module]": the record has its own */
    for (char *t; (t = strstr(a.format, "%!STDPREFIX!")) != NULL;)
        memmove(t, t + 12, strlen(t + 12) + 1);
    for (int i = 0; i < naffixes; i++)
        if (!strcmp(affixes[i].func, a.func) && affixes[i].suffix == suffix) {
            affixes[i] = a;
            return;
        }
    if (naffixes < MAX_ITEMS)
        affixes[naffixes++] = a;
}

static const struct affix *affix_of(const char *func, bool suffix)
{
    for (int i = 0; i < naffixes; i++)
        if (!strcmp(affixes[i].func, func) && affixes[i].suffix == suffix)
            return &affixes[i];
    return NULL;
}

/* The driver's own WPP_<...>_ENABLED macros (NetKVM's WPP_Flags_LEVEL_ENABLED(Flags, level)). */
static void find_enabled_macros(const char *text)
{
    for (const char *p = text; (p = strstr(p, "#")) != NULL; p++) {
        const char *q = skip_space(p + 1);
        if (strncmp(q, "define", 6) || !isspace((unsigned char)q[6]))
            continue;
        char name[128];
        ident(skip_space(q + 6), name, sizeof name);
        size_t n = strlen(name);
        if (n > 12 && !strncmp(name, "WPP_", 4) && !strcmp(name + n - 8, "_ENABLED") && nenabled < MAX_ITEMS) {
            bool dup = false;
            for (int i = 0; i < nenabled; i++)
                dup |= !strcmp(enabled_macros[i], name);
            if (!dup)
                snprintf(enabled_macros[nenabled++], sizeof enabled_macros[0], "%s", name);
        }
    }
}

static void parse_control_guids(const char *text, const char *file)
{
    const char *ls, *d = find_define(text, "WPP_CONTROL_GUIDS", &ls);
    if (!d)
        return;
    /* the definition runs over backslash-continued lines */
    const char *end = d;
    while (*end && !(*end == '\n' && end[-1] != '\\' && !(end[-1] == '\r' && end[-2] == '\\')))
        end++;
    size_t len = (size_t)(end - d);
    char *body = strndup(d, len);
    strip_continuations_and_comments(body);
    int found = 0;
    for (const char *g = body; (g = strstr(g, "WPP_DEFINE_CONTROL_GUID")) != NULL;) {
        g = skip_space(g + strlen("WPP_DEFINE_CONTROL_GUID"));
        char name[64] = "";
        if (*g == '(')
            ident(skip_space(g + 1), name, sizeof name);
        if (!name[0]) {
            error_at(file, line_of(text, d), "WPP_DEFINE_CONTROL_GUID needs (Name, (GUID), WPP_DEFINE_BIT(...)...)");
            break;
        }
        found++;
        bool dup = false;
        for (int i = 0; i < nguids; i++)
            dup |= !strcmp(guids[i], name);
        if (!dup && nguids < MAX_ITEMS)
            snprintf(guids[nguids++], sizeof guids[0], "%s", name);
    }
    for (const char *b = body; (b = strstr(b, "WPP_DEFINE_BIT")) != NULL;) {
        b = skip_space(b + strlen("WPP_DEFINE_BIT"));
        char name[64] = "";
        if (*b == '(')
            ident(skip_space(b + 1), name, sizeof name);
        bool dup = !name[0];
        for (int i = 0; i < nbits; i++)
            dup |= !strcmp(bits[i], name);
        if (!dup && nbits < MAX_ITEMS)
            snprintf(bits[nbits++], sizeof bits[0], "%s", name);
    }
    if (!found)
        error_at(file, line_of(text, ls), "WPP_CONTROL_GUIDS has no WPP_DEFINE_CONTROL_GUID");
    else if (!strstr(body, "WPP_DEFINE_BIT"))
        error_at(file, line_of(text, ls), "WPP_CONTROL_GUIDS defines no WPP_DEFINE_BIT flag");
    free(body);
}

static void parse_config_blocks(const char *text, const char *file)
{
    const char *b = text;
    while ((b = strstr(b, "begin_wpp")) != NULL) {
        int begin_line = line_of(text, b);
        const char *e = strstr(b, "end_wpp");
        if (!e) {
            error_at(file, begin_line, "begin_wpp without end_wpp");
            return;
        }
        const char *p = strchr(b, '\n');
        while (p && p < e) {
            p++;
            const char *nl = strchr(p, '\n');
            if (!nl || nl > e)
                nl = e;
            char line[1024];
            size_t n = (size_t)(nl - p) < sizeof line - 1 ? (size_t)(nl - p) : sizeof line - 1;
            memcpy(line, p, n);
            line[n] = '\0';
            /* strip comment leaders: // and * */
            char *s = line;
            while (*s == ' ' || *s == '\t' || *s == '/' || *s == '*')
                s++;
            char *t = s + strlen(s);
            while (t > s && (isspace((unsigned char)t[-1]) || t[-1] == ';' || t[-1] == '/' || t[-1] == '*'))
                *--t = '\0';
            int ln = line_of(text, p);
            if (!*s || !strncmp(s, "end_wpp", 7)) {
            } else if (!strncmp(s, "FUNC", 4) && isspace((unsigned char)s[4])) {
                parse_func(s + 5, file, ln);
            } else if (!strncmp(s, "USEPREFIX", 9) || !strncmp(s, "USESUFFIX", 9)) {
                parse_affix(s, s[3] == 'S', file, ln);
            } else if (!strncmp(s, "CUSTOM_TYPE", 11) || !strncmp(s, "DEFINE_CPLX_TYPE", 16) ||
                       !strncmp(s, "WPP_FLAGS", 9)) {
                /* accepted and not used: custom types are rendered as their base type */
            } else {
                error_at(file, ln, "unknown statement in a WPP configuration block: '%s'", s);
            }
            p = nl < e ? nl : NULL;
        }
        b = e + 7;
    }
}

static bool already(const char *path)
{
    for (int i = 0; i < nseen; i++)
        if (!strcmp(seen[i], path))
            return true;
    if (nseen < MAX_ITEMS * 4)
        seen[nseen++] = strdup(path);
    return false;
}

/* One file and, through `#include "x.h"`, the local headers it includes. */
static void scan(const char *path, bool is_source, int depth)
{
    char real[PATH_MAX];
    if (!realpath(path, real) || already(real))
        return;
    char *text = read_all(real);
    if (!text) {
        if (depth == 0)
            error_at(path, 0, "cannot read: %s", strerror(errno));
        return;
    }
    parse_control_guids(text, path);
    parse_config_blocks(text, path);
    const char *ls;
    if (find_define(text, "WPP_LEVEL_ENABLED", &ls))
        custom_level_enabled = true;
    find_enabled_macros(text);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", real);
    char *d = dirname(dir);
    for (const char *p = text; (p = strstr(p, "#")) != NULL; p++) {
        const char *q = skip_space(p + 1);
        if (strncmp(q, "include", 7))
            continue;
        q = skip_space(q + 7);
        char open = *q, close = open == '"' ? '"' : open == '<' ? '>' : 0;
        const char *endq = close ? strchr(q + 1, close) : NULL;
        if (!endq || memchr(q, '\n', (size_t)(endq - q)))
            continue;
        char name[PATH_MAX];
        snprintf(name, sizeof name, "%.*s", (int)(endq - q - 1), q + 1);
        size_t len = strlen(name);
        if (len > 4 && !strcmp(name + len - 4, ".tmh")) {
            if (is_source) {
                bool dup = false;
                for (int i = 0; i < ntmh; i++)
                    dup |= !strcmp(tmh[i], name);
                if (!dup && ntmh < MAX_ITEMS)
                    tmh[ntmh++] = strdup(name);
            }
        } else if (open == '"' && depth < 8) {
            char sub[PATH_MAX * 2];
            snprintf(sub, sizeof sub, "%s/%s", d, name);
            scan(sub, false, depth + 1);
        }
    }
    free(text);
}

/* ---- output ---- */

static bool has_param(const struct func *f, const char *name)
{
    for (int i = 0; i < f->nparams; i++)
        if (!strcmp(f->params[i], name))
            return true;
    return false;
}

/* The driver's WPP_<keys>_<params>_ENABLED for this FUNC, if it defines one: WPP builds the
 * name from the {Key=...} names and then the parameters other than MSG, in order. */
static bool custom_enabled(const struct func *f, char *call, size_t cap)
{
    char name[256] = "WPP";
    char args[512] = "";
    for (int i = 0; i < f->nkeys; i++) {
        snprintf(name + strlen(name), sizeof name - strlen(name), "_%s", f->keys[i]);
        snprintf(args + strlen(args), sizeof args - strlen(args), "%s%s", args[0] ? ", " : "", f->key_values[i]);
    }
    for (int i = 0; i < f->nparams; i++) {
        if (!strcmp(f->params[i], "MSG"))
            continue;
        snprintf(name + strlen(name), sizeof name - strlen(name), "_%s", f->params[i]);
        snprintf(args + strlen(args), sizeof args - strlen(args), "%s%s", args[0] ? ", " : "", f->params[i]);
    }
    strncat(name, "_ENABLED", sizeof name - strlen(name) - 1);
    for (int i = 0; i < nenabled; i++)
        if (!strcmp(enabled_macros[i], name)) {
            snprintf(call, cap, "%s(%s)", name, args);
            return true;
        }
    return false;
}

static void write_func(FILE *o, const struct func *f)
{
    const struct affix *pre = affix_of(f->name, false), *suf = affix_of(f->name, true);
    bool msg = has_param(f, "MSG");
    fprintf(o, "#undef %s\n#define %s(", f->name, f->name);
    for (int i = 0; i < f->nparams; i++)
        fprintf(o, "%s%s", i ? ", " : "", f->params[i]);
    fprintf(o, "%s) \\\n", f->varargs ? (f->nparams ? ", ..." : "...") : "");
    /* The flag: FLAGS (or FLAG), else LEVEL when it names a flag bit, as in WPP's default
     * WPP_LEVEL_ENABLED. The level: LEVEL when it is one, else information. */
    const char *flags = f->fixed_flags[0] ? NULL : has_param(f, "FLAGS") ? "FLAGS" : has_param(f, "FLAG") ? "FLAG" : NULL;
    bool level_is_flag = !flags && !f->fixed_flags[0] && has_param(f, "LEVEL") && !custom_level_enabled;
    char flag_expr[96], level_expr[96], condition[768];
    if (f->fixed_flags[0])
        snprintf(flag_expr, sizeof flag_expr, "\"%s\"", f->fixed_flags);
    else if (flags)
        snprintf(flag_expr, sizeof flag_expr, "#%s", flags);
    else if (level_is_flag)
        snprintf(flag_expr, sizeof flag_expr, "#LEVEL");
    else
        snprintf(flag_expr, sizeof flag_expr, "NULL");
    if (f->fixed_level[0])
        snprintf(level_expr, sizeof level_expr, "(%s)", f->fixed_level);
    else if (has_param(f, "LEVEL") && !level_is_flag)
        snprintf(level_expr, sizeof level_expr, "(LEVEL)");
    else
        snprintf(level_expr, sizeof level_expr, "TRACE_LEVEL_INFORMATION");
    /* the driver's own condition where it defines one; its LEVEL is then on the driver's own
     * scale (NetKVM's 0 means information), so the record is an information one */
    if (custom_enabled(f, condition, sizeof condition)) {
        if (!f->fixed_level[0])
            snprintf(level_expr, sizeof level_expr, "TRACE_LEVEL_INFORMATION");
    } else {
        snprintf(condition, sizeof condition, "openndis_wpp_enabled(%s)", level_expr);
    }
    /* the format: USEPREFIX's, MSG, USESUFFIX's; their arguments in the same order. As with
     * WPP, the arguments are evaluated only when the record will be shown. */
    fprintf(o, "    ((%s) ? openndis_wpp_trace(\"%s\", %s, %s, __func__, __FILE__, __LINE__, ", condition, f->name, flag_expr,
            level_expr);
    if (pre)
        fprintf(o, "\"%s\" ", pre->format);
    if (msg)
        fprintf(o, "MSG ");
    if (suf)
        fprintf(o, "\"%s\"", suf->format);
    fprintf(o, "%s%s%s) : (void)0)\n\n", pre ? pre->args : "", msg && f->varargs ? ", ##__VA_ARGS__" : "",
            suf ? suf->args : "");
}

static int write_tmh(const char *dir, const char *name)
{
    char path[PATH_MAX * 2], tmp[PATH_MAX * 2 + 8];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *o = fopen(tmp, "w");
    if (!o) {
        fprintf(stderr, "openndis-wpp: cannot write %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    char guard[128] = "OPENNDIS_TMH_";
    for (size_t i = 0, g = strlen(guard); name[i] && g + 1 < sizeof guard; i++)
        guard[g++] = isalnum((unsigned char)name[i]) ? (char)toupper((unsigned char)name[i]) : '_';
    fprintf(o, "/* %s: generated by openndis-wpp from the driver's WPP configuration. Do not edit. */\n", name);
    fprintf(o, "#ifndef %s\n#define %s\n#include <openndis_wpp.h>\n\n", guard, guard);
    fprintf(o, "#undef WPP_INIT_TRACING\n#define WPP_INIT_TRACING(...) openndis_wpp_init(\"");
    for (int i = 0; i < nguids; i++)
        fprintf(o, "%s%s", i ? ", " : "", guids[i]);
    fprintf(o, "\", ##__VA_ARGS__)\n#undef WPP_CLEANUP\n#define WPP_CLEANUP(...) openndis_wpp_cleanup(0, ##__VA_ARGS__)\n\n");
    /* the flag bits, for the driver's own WPP_..._ENABLED macros (WPP_CONTROL(WPP_BIT_X).Level) */
    if (nbits) {
        fprintf(o, "#ifndef OPENNDIS_WPP_BITS\n#define OPENNDIS_WPP_BITS\nenum {");
        for (int i = 0; i < nbits; i++)
            fprintf(o, "%s WPP_BIT_%s = %d", i ? "," : "", bits[i], i);
        fprintf(o, " };\n#endif\n\n");
    }
    for (int i = 0; i < nfuncs; i++)
        write_func(o, &funcs[i]);
    fprintf(o, "#endif\n");
    if (fclose(o) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "openndis-wpp: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

static void usage(FILE *out)
{
    fputs("usage: openndis-wpp --out DIR [--func 'NAME(LEVEL,MSG,...)']... [--scan FILE]... SOURCE.c...\n"
          "Writes DIR/X.tmh for every `#include \"X.tmh\"` in the sources, from WPP_CONTROL_GUIDS and\n"
          "the `begin_wpp config` blocks in the sources, the scanned files and the local headers\n"
          "they include. DoTraceMessage(FLAG,MSG,...) is always there.\n",
          out);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' },
        { "func", required_argument, NULL, 'f' },
        { "scan", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL, *scans[MAX_ITEMS];
    int nscans = 0, c;
    parse_func("DoTraceMessage(FLAG,MSG,...)", "(built in)", 0);
    while ((c = getopt_long(argc, argv, "o:f:s:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f': parse_func(optarg, "--func", 0); break;
        case 's':
            if (nscans < MAX_ITEMS)
                scans[nscans++] = optarg;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!out || optind == argc) {
        usage(stderr);
        return 2;
    }
    for (int i = 0; i < nscans; i++)
        scan(scans[i], false, 0);
    for (int i = optind; i < argc; i++)
        scan(argv[i], true, 0);
    if (nguids == 0)
        fprintf(stderr, "openndis-wpp: no WPP_CONTROL_GUIDS definition in the sources or the headers they include%s\n",
                nscans ? " or the scanned files" : "; name the header that has it with --scan"), errors++;
    for (int i = 0; i < nfuncs; i++) /* the format is MSG, or USEPREFIX's (NetKVM's DEBUG_ENTRY) */
        if (!has_param(&funcs[i], "MSG") && !affix_of(funcs[i].name, false)) {
            fprintf(stderr, "%s: error: FUNC %s: has no MSG parameter (the format string) and no USEPREFIX gives one\n",
                    funcs[i].where, funcs[i].name);
            errors++;
        }
    if (errors)
        return 1;
    if (mkdir(out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "openndis-wpp: cannot create %s: %s\n", out, strerror(errno));
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < ntmh; i++)
        rc |= write_tmh(out, tmh[i]);
    return rc;
}
