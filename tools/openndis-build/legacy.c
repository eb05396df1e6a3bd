/* WDK 7 `sources` files, the `build` utility's makefile fragment: TARGETNAME, SOURCES,
 * INCLUDES, C_DEFINES and RUN_WPP become the same project a .vcxproj gives. Backslash
 * continuations and $(NAME) references are read; !if blocks are not evaluated (both arms
 * are read, with a warning naming the line), since their conditions test the build
 * environment (_BUILDARCH, DDK versions) that only the WDK 7 `build` utility sets. */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build.h"

#define SOURCES_MAX_BYTES (1u << 20)

struct var {
    char *name, *value;
};

static char *lookup(struct var *vars, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(vars[i].name, name) == 0)
            return vars[i].value;
    return NULL;
}

/* $(NAME) from earlier assignments; unknown ones (the WDK's own) expand to nothing. */
static char *expand_vars(struct var *vars, size_t n, const char *s)
{
    char *out = xstrdup("");
    while (*s) {
        const char *ref = strstr(s, "$(");
        const char *end = ref ? strchr(ref, ')') : NULL;
        if (!ref || !end) {
            char *t = xasprintf("%s%s", out, s);
            free(out);
            return t;
        }
        char *name = xstrndup(ref + 2, (size_t)(end - ref - 2));
        const char *v = lookup(vars, n, name);
        char *t = xasprintf("%s%.*s%s", out, (int)(ref - s), s, v ? v : "");
        free(out), free(name);
        out = t;
        s = end + 1;
    }
    return out;
}

/* Whitespace-separated words. */
static void words(struct strv *out, const char *s)
{
    while (*s) {
        while (isspace((unsigned char)*s))
            s++;
        const char *b = s;
        while (*s && !isspace((unsigned char)*s))
            s++;
        if (s > b)
            strv_push_own(out, xstrndup(b, (size_t)(s - b)));
    }
}

bool legacy_sources_load(struct project *p, const char *path, const struct build_options *o)
{
    (void)o;
    char *text = read_small_file(path, SOURCES_MAX_BYTES, NULL, NULL, 0);
    if (!text)
        return false;
    char *abs = realpath(path, NULL);
    p->path = xstrdup(path);
    p->dir = xstrdup(abs ? dirname(abs) : ".");
    free(abs);
    p->name = xstrdup("sources");
    strv_push(&p->imports, path);

    struct var vars[128];
    size_t nvars = 0;
    int lines = 0;
    char buf[4096];
    char *logical = NULL;
    int start_line = 0;
    for (const char *at = text; *at;) { /* one line at a time, at most sizeof buf - 1 bytes */
        size_t len = strcspn(at, "\n");
        size_t keep = len < sizeof buf - 1 ? len : sizeof buf - 1;
        memcpy(buf, at, keep);
        buf[keep] = '\0';
        at += len + (at[len] == '\n');
        lines++;
        len = keep;
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = '\0';
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0', len = strlen(buf);
        bool more = len && buf[len - 1] == '\\';
        if (more)
            buf[--len] = ' ';
        char *joined = xasprintf("%s%s", logical ? logical : "", buf);
        if (!logical)
            start_line = lines;
        free(logical);
        logical = joined;
        if (more)
            continue;
        char *line = logical;
        logical = NULL;
        char *c = line;
        while (isspace((unsigned char)*c))
            c++;
        if (*c == '!') {
            build_warning(path, start_line, "'%s' is not evaluated: both of its arms are read", c);
        } else if (*c) {
            char *eq = strchr(c, '=');
            if (!eq) {
                build_warning(path, start_line, "not an assignment, not read: %s", c);
            } else if (nvars < sizeof vars / sizeof *vars) {
                char *e = eq;
                while (e > c && isspace((unsigned char)e[-1]))
                    e--;
                char *name = xstrndup(c, (size_t)(e - c));
                char *value = expand_vars(vars, nvars, eq + 1);
                size_t i;
                for (i = 0; i < nvars && strcasecmp(vars[i].name, name) != 0; i++)
                    ;
                if (i < nvars) {
                    free(vars[i].value), free(name);
                    vars[i].value = value;
                } else {
                    vars[nvars++] = (struct var){name, value};
                }
            }
        }
        free(line);
    }
    free(logical);
    free(text);

    const char *target = lookup(vars, nvars, "TARGETNAME");
    project_set_prop(p, "TargetName", target ? target : "driver", false);
    project_set_prop(p, "Configuration", "Release", true);
    project_set_prop(p, "Platform", "x64", true);

    struct metav meta = {0};
    struct strv list = {0};
    char *defines = xstrdup("");
    words(&list, lookup(vars, nvars, "C_DEFINES") ? lookup(vars, nvars, "C_DEFINES") : "");
    for (size_t i = 0; i < list.n; i++)
        if (strncmp(list.v[i], "-D", 2) == 0 || strncmp(list.v[i], "/D", 2) == 0) {
            char *t = xasprintf("%s%s%s", defines, *defines ? ";" : "", list.v[i] + 2);
            free(defines);
            defines = t;
        }
    strv_free(&list);
    meta_set(&meta, "PreprocessorDefinitions", defines);
    free(defines);
    const char *includes = lookup(vars, nvars, "INCLUDES");
    meta_set(&meta, "AdditionalIncludeDirectories", includes ? includes : "");
    const char *wpp = lookup(vars, nvars, "RUN_WPP");
    if (wpp) {
        words(&list, wpp);
        char *funcs = xstrdup("");
        for (size_t i = 0; i < list.n; i++)
            if (strncmp(list.v[i], "-func:", 6) == 0) {
                char *t = xasprintf("%s%s%s", funcs, *funcs ? ";" : "", list.v[i] + 6);
                free(funcs);
                funcs = t;
            }
        strv_free(&list);
        meta_set(&meta, "WppEnabled", "true");
        meta_set(&meta, "WppTraceFunction", funcs);
        free(funcs);
    }
    const char *sources = lookup(vars, nvars, "SOURCES");
    words(&list, sources ? sources : "");
    for (size_t i = 0; i < list.n; i++) {
        const char *dot = strrchr(list.v[i], '.');
        bool code = dot && (!strcasecmp(dot, ".c") || !strcasecmp(dot, ".cpp") || !strcasecmp(dot, ".cxx"));
        project_add_item(p, code ? "ClCompile" : dot && !strcasecmp(dot, ".rc") ? "ResourceCompile" : "None",
                         list.v[i], code ? &meta : NULL, path, 0);
    }
    strv_free(&list);
    meta_free(&meta);
    for (size_t i = 0; i < nvars; i++)
        free(vars[i].name), free(vars[i].value);
    if (!sources)
        build_error(path, 0, "no SOURCES= line: is this a WDK 7 sources file?");
    return sources != NULL;
}
