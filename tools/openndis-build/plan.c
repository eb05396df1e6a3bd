/* From the evaluated project to what is compiled: the ClCompile items of the configuration,
 * each with its own defines, include path, language and WPP settings. MSVC-only settings
 * (warning levels, /volatile:iso, precompiled headers, code analysis) have no meaning here;
 * options that would change the code are listed as notes so that nothing is dropped unseen. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build.h"
#include "../../src/common/array.h"

static bool is_true(const char *v)
{
    return v && strcasecmp(v, "true") == 0;
}

static bool leftover(const char *entry)
{
    return strncmp(entry, "%(", 2) == 0; /* %(X) of an item type nothing defined */
}

/* NAME of NAME=VALUE (or NAME(args)=VALUE), for overriding. */
static size_t define_name_len(const char *d)
{
    size_t n = strcspn(d, "=(");
    return n;
}

static void put_define(struct strv *defs, const char *d)
{
    size_t n = define_name_len(d);
    for (size_t i = 0; i < defs->n; i++)
        if (define_name_len(defs->v[i]) == n && strncmp(defs->v[i], d, n) == 0) {
            free(defs->v[i]);
            defs->v[i] = xstrdup(d);
            return;
        }
    strv_push(defs, d);
}

static void note(struct plan *pl, char *text)
{
    if (strv_has(&pl->notes, text))
        free(text);
    else
        strv_push_own(&pl->notes, text);
}

static const char *std_flag(const char *standard, enum lang lang)
{
    static const struct {
        const char *msvc, *gnu;
    } map[] = {{"stdcpp14", "gnu++14"}, {"stdcpp17", "gnu++17"},  {"stdcpp20", "gnu++20"},
               {"stdcpplatest", "gnu++2b"}, {"stdc11", "gnu11"}, {"stdc17", "gnu17"}};
    for (size_t i = 0; standard && i < sizeof map / sizeof *map; i++)
        if (strcasecmp(standard, map[i].msvc) == 0)
            return map[i].gnu;
    return lang == LANG_CXX ? "gnu++14" : NULL; /* MSVC's default is C++14 */
}

static bool make_unit(struct plan *pl, struct project *p, const struct item *it, const struct strv *define_overrides,
                      struct unit *u)
{
    char *found = path_fold(p->dir, it->include);
    char *real = found ? realpath(found, NULL) : NULL; /* "60/../miniport.c" read as miniport.c */
    free(found);
    if (!real) {
        char *rel = path_from_msbuild(it->include);
        char *where = path_join(p->dir, rel);
        build_error(it->file, it->line, "the source %s is not there (%s)", it->include, where);
        free(rel), free(where);
        return false;
    }
    u->source = real;
    const char *compile_as = meta_get(&it->meta, "CompileAs");
    if (compile_as && strcasecmp(compile_as, "CompileAsCpp") == 0)
        u->lang = LANG_CXX;
    else if (compile_as && strcasecmp(compile_as, "CompileAsC") == 0)
        u->lang = LANG_C;
    else
        u->lang = ends_with(u->source, ".cpp") || ends_with(u->source, ".cc") || ends_with(u->source, ".cxx")
                      ? LANG_CXX
                      : LANG_C;

    struct strv list = {0};
    strv_split_list(&list, meta_get(&it->meta, "PreprocessorDefinitions"));
    if (pl->debug)
        put_define(&u->defines, "DBG=1"); /* the WDK's Debug configurations define it */
    for (size_t i = 0; i < list.n; i++)
        if (!leftover(list.v[i]))
            put_define(&u->defines, list.v[i]);
    for (size_t i = 0; i < define_overrides->n; i++)
        put_define(&u->defines, define_overrides->v[i]);
    strv_free(&list);

    strv_split_list(&list, meta_get(&it->meta, "UndefinePreprocessorDefinitions"));
    for (size_t i = 0; i < list.n; i++)
        if (!leftover(list.v[i]))
            strv_push(&u->undefines, list.v[i]);
    strv_free(&list);

    strv_split_list(&list, meta_get(&it->meta, "AdditionalIncludeDirectories"));
    for (size_t i = 0; i < list.n; i++) {
        if (leftover(list.v[i]))
            continue;
        char *dir = path_fold(p->dir, list.v[i]);
        char *real = dir ? realpath(dir, NULL) : NULL;
        if (!real)
            note(pl, xasprintf("include directory %s is not there", list.v[i]));
        else if (!strv_has(&u->includes, real))
            strv_push(&u->includes, real);
        free(dir), free(real);
    }
    strv_free(&list);

    strv_split_list(&list, meta_get(&it->meta, "ForcedIncludeFiles"));
    for (size_t i = 0; i < list.n; i++) {
        if (leftover(list.v[i]))
            continue;
        char *f = path_fold(p->dir, list.v[i]);
        char *r = path_from_msbuild(list.v[i]);
        strv_push(&u->forced, f ? f : r); /* else searched on the include path */
        free(r), free(f);
    }
    strv_free(&list);

    const char *std = std_flag(meta_get(&it->meta, u->lang == LANG_CXX ? "LanguageStandard" : "LanguageStandard_C"),
                               u->lang);
    u->std = std ? xstrdup(std) : NULL;

    const char *opts = meta_get(&it->meta, "AdditionalOptions");
    if (opts) {
        strv_split_list(&list, opts);
        for (size_t i = 0; i < list.n; i++)
            if (!leftover(list.v[i]))
                note(pl, xasprintf("MSVC option '%s' (%s:%d) is not passed on", list.v[i], it->file, it->line));
        strv_free(&list);
    }

    u->wpp = is_true(meta_get(&it->meta, "WppEnabled"));
    if (u->wpp) {
        strv_split_list(&list, meta_get(&it->meta, "WppTraceFunction"));
        for (size_t i = 0; i < list.n; i++)
            if (!leftover(list.v[i]) && !strv_has(&pl->wpp_funcs, list.v[i]))
                strv_push(&pl->wpp_funcs, list.v[i]);
        strv_free(&list);
        strv_split_list(&list, meta_get(&it->meta, "WppScanConfigurationData"));
        for (size_t i = 0; i < list.n; i++) {
            if (leftover(list.v[i]))
                continue;
            char *f = path_fold(p->dir, list.v[i]);
            if (!f)
                build_error(it->file, it->line, "WppScanConfigurationData %s is not there", list.v[i]);
            else if (!strv_has(&pl->wpp_scan, f))
                strv_push(&pl->wpp_scan, f);
            free(f);
        }
        strv_free(&list);
    }
    return true;
}

static const char *base_name(const char *path)
{
    const char *a = strrchr(path, '/'), *b = strrchr(path, '\\');
    const char *last = a > b ? a : b;
    return last ? last + 1 : path;
}

/* The WDK's WMI steps: <Mofcomp Include="x.mof"><CreateBinaryMOFFile>x.bmf</...> compiles the
 * classes, <Wmimofck Include="x.bmf"><HeaderOutputFile>x.h</...> makes the header from them.
 * Here the header is made from the .mof directly (mof.c). */
static void wmi_header(struct plan *pl, struct project *p, const struct item *wm)
{
    const char *header = meta_get(&wm->meta, "HeaderOutputFile");
    if (!header || !*header) {
        note(pl, xasprintf("Wmimofck %s makes no header (no HeaderOutputFile): not needed to compile", wm->include));
        return;
    }
    const char *bmf = base_name(wm->include);
    size_t stem = strcspn(bmf, ".");
    for (size_t i = 0; i < p->nitems; i++) {
        const struct item *mc = &p->items[i];
        if (strcasecmp(mc->type, "Mofcomp") != 0)
            continue;
        const char *made = meta_get(&mc->meta, "CreateBinaryMOFFile");
        const char *mof = base_name(mc->include);
        bool same = made ? strcasecmp(base_name(made), bmf) == 0
                         : strncasecmp(mof, bmf, stem) == 0 && (mof[stem] == '.' || !mof[stem]);
        if (!same)
            continue;
        char *path = path_fold(p->dir, mc->include);
        if (!path) {
            build_error(mc->file, mc->line, "the MOF file %s is not there", mc->include);
            return;
        }
        strv_push_own(&pl->mofs, xasprintf("%s=%s", path, base_name(header)));
        free(path);
        return;
    }
    build_error(wm->file, wm->line, "no Mofcomp item makes %s, so its header %s cannot be made", wm->include, header);
}

bool plan_make(struct plan *pl, struct project *p, const struct build_options *o)
{
    int before = build_errors;
    pl->name = xstrdup(project_prop(p, "TargetName"));
    if (!pl->name[0]) {
        free(pl->name);
        pl->name = xstrdup(p->name);
    }
    /* UseDebugLibraries says it where the project sets it (Visual Studio's templates do);
     * else the configuration's name */
    const char *debug = project_prop(p, "UseDebugLibraries");
    pl->debug = *debug ? is_true(debug) : strcasestr(project_prop(p, "Configuration"), "debug") != NULL;

    /* -D names the project never read as a property are preprocessor defines. */
    struct strv overrides = {0};
    for (size_t i = 0; i < o->defines.n; i++) {
        const char *d = o->defines.v[i];
        char *name = xstrndup(d, define_name_len(d));
        bool property = false;
        for (size_t j = 0; j < p->nprops; j++)
            property |= strcasecmp(p->props[j].name, name) == 0 && p->props[j].used;
        if (!property && !strv_has(&p->filled, name))
            strv_push(&overrides, d);
        free(name);
    }

    size_t cap = 0;
    for (size_t i = 0; i < p->nitems; i++) {
        const struct item *it = &p->items[i];
        if (strcasecmp(it->type, "ClCompile") == 0) {
            if (is_true(meta_get(&it->meta, "ExcludedFromBuild")))
                continue;
            pl->units = array_reserve(pl->units, &cap, pl->nunits + 1, sizeof *pl->units);
            if (!pl->units) {
                fputs("openndis build: out of memory\n", stderr);
                exit(2);
            }
            struct unit *u = &pl->units[pl->nunits];
            *u = (struct unit){0};
            if (make_unit(pl, p, it, &overrides, u))
                pl->nunits++;
            else
                free(u->source);
        } else if (strcasecmp(it->type, "Wmimofck") == 0) {
            wmi_header(pl, p, it);
        } else if (strcasecmp(it->type, "Inf") == 0 || strcasecmp(it->type, "ResourceCompile") == 0 ||
                   strcasecmp(it->type, "Mof") == 0 || strcasecmp(it->type, "MessageCompile") == 0) {
            note(pl, xasprintf("%s %s is read, not built", it->type, it->include));
        }
    }
    strv_free(&overrides);
    if (build_errors == before && pl->nunits == 0)
        build_error(p->path, 0, "no ClCompile sources in configuration '%s|%s'", project_prop(p, "Configuration"),
                    project_prop(p, "Platform"));
    return build_errors == before;
}

void plan_free(struct plan *pl)
{
    for (size_t i = 0; i < pl->nunits; i++) {
        struct unit *u = &pl->units[i];
        free(u->source), free(u->std), free(u->shadow);
        strv_free(&u->rewrites);
        strv_free(&u->defines), strv_free(&u->undefines), strv_free(&u->includes), strv_free(&u->forced);
    }
    free(pl->units), free(pl->name);
    strv_free(&pl->wpp_funcs), strv_free(&pl->wpp_scan), strv_free(&pl->notes), strv_free(&pl->mofs);
    *pl = (struct plan){0};
}
