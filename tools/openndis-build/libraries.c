/* A driver's static libraries: the .lib files its Link step names (AdditionalDependencies)
 * that another project of the same tree makes. NetKVM links
 * `..\VirtIO\$(DEP_LIB_PATH)\virtiolib.lib`, which VirtIO\VirtioLib.vcxproj builds first
 * when Visual Studio builds the solution. Here that project is found beside the library's
 * path, read with the same configuration and platform, and its sources are compiled with
 * their own settings and linked into the driver. Libraries of the WDK itself (ndis.lib,
 * ntoskrnl.lib, ...) are what OpenNDIS provides; they are skipped. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build.h"
#include "../../src/common/array.h"

#define LIBRARY_DEPTH 4 /* a library's own libraries, this deep */

static const char *base_of(const char *path)
{
    const char *a = strrchr(path, '/'), *b = strrchr(path, '\\');
    const char *last = a > b ? a : b;
    return last ? last + 1 : path;
}

/* The deepest existing directory on the way to `rel` (an MSBuild path from `dir`): where the
 * project making a library that is not built yet lives, or one of its parents. */
static char *existing_parent(const char *dir, const char *rel)
{
    char *r = path_from_msbuild(rel);
    for (;;) {
        char *slash = strrchr(r, '/');
        if (!slash) {
            free(r);
            return NULL;
        }
        *slash = '\0';
        if (!*r) {
            free(r);
            return NULL;
        }
        char *found = path_fold(dir, r);
        if (found) {
            free(r);
            return found;
        }
    }
}

static void take_units(struct plan *pl, struct plan *from)
{
    size_t cap = pl->nunits;
    pl->units = array_reserve(pl->units, &cap, pl->nunits + from->nunits, sizeof *pl->units);
    if (!pl->units) {
        fputs("openndis build: out of memory\n", stderr);
        exit(2);
    }
    memcpy(pl->units + pl->nunits, from->units, from->nunits * sizeof *from->units);
    pl->nunits += from->nunits;
    from->nunits = 0;
    struct strv *lists[][2] = { { &pl->wpp_funcs, &from->wpp_funcs },
                                { &pl->wpp_scan, &from->wpp_scan },
                                { &pl->notes, &from->notes },
                                { &pl->mofs, &from->mofs } };
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
        for (size_t i = 0; i < lists[l][1]->n; i++)
            if (!strv_has(lists[l][0], lists[l][1]->v[i]))
                strv_push(lists[l][0], lists[l][1]->v[i]);
}

static bool add_library(struct plan *pl, struct project *p, const struct build_options *o, const char *entry,
                        struct strv *seen, int depth);

/* The libraries `p`'s Link (or, for a library, Lib) step names. */
static bool add_libraries(struct plan *pl, struct project *p, const struct build_options *o, struct strv *seen,
                          int depth)
{
    bool ok = true;
    const char *steps[] = { "Link", "Lib" };
    for (size_t s = 0; s < 2; s++) {
        const struct metav *def = project_item_definition(p, steps[s]);
        const char *deps = def ? meta_get(def, "AdditionalDependencies") : NULL;
        struct strv list = {0};
        if (deps)
            strv_split_list(&list, deps);
        for (size_t i = 0; i < list.n; i++)
            if (ends_with(list.v[i], ".lib") && strncmp(list.v[i], "%(", 2) != 0)
                ok &= add_library(pl, p, o, list.v[i], seen, depth);
        strv_free(&list);
    }
    return ok;
}

/* Whether the project at `path` is a static library named `stem` for the configuration
 * `o` chose; then its sources join the plan. */
static int try_project(struct plan *pl, const char *path, const char *stem, const struct build_options *o,
                       struct strv *seen, int depth)
{
    struct project lp = {0};
    struct plan lpl = {0};
    int result = 0;
    if (!project_load(&lp, path, o)) {
        project_free(&lp);
        return -1;
    }
    const char *type = project_prop(&lp, "ConfigurationType");
    const char *name = project_prop(&lp, "TargetName");
    if (strcasecmp(type, "StaticLibrary") != 0 || strcasecmp(*name ? name : lp.name, stem) != 0) {
        project_free(&lp);
        return 0;
    }
    if (!plan_make(&lpl, &lp, o) || !add_libraries(&lpl, &lp, o, seen, depth + 1)) {
        result = -1;
    } else {
        fprintf(stderr, "openndis build: %s.lib: %zu source%s from %s (%s|%s)\n", stem, lpl.nunits,
                lpl.nunits == 1 ? "" : "s", path, project_prop(&lp, "Configuration"), project_prop(&lp, "Platform"));
        take_units(pl, &lpl);
        result = 1;
    }
    plan_free(&lpl);
    project_free(&lp);
    return result;
}

/* The WDK's own libraries, whatever path the project finds them on: OpenNDIS provides what
 * drivers import from ndis.lib, ntoskrnl.lib, hal.lib and netio.lib; the others are named when a
 * function from them is missing. */
static bool wdk_library(const char *base)
{
    static const char *const names[] = { "ndis.lib", "ntoskrnl.lib", "hal.lib", "wdm.lib", "wdmsec.lib",
                                         "ntstrsafe.lib", "netio.lib", "wmilib.lib", "bufferoverflowk.lib",
                                         "bufferoverflowfastfailk.lib", "libcntpr.lib", "ksecdd.lib", "cng.lib",
                                         "fwpkclnt.lib", "uuid.lib", "aux_klib.lib", "rtlver.lib", "wdfldr.lib",
                                         "wdfdriverentry.lib", "msnetioid.lib", "usbd.lib" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(base, names[i]) == 0)
            return true;
    return false;
}

static bool add_library(struct plan *pl, struct project *p, const struct build_options *o, const char *entry,
                        struct strv *seen, int depth)
{
    if (wdk_library(base_of(entry)))
        return true;
    /* a bare name, an absolute or a macro-rooted path: the WDK's or the SDK's library */
    char *rel = path_from_msbuild(entry);
    bool tree = strchr(rel, '/') && rel[0] != '/' && !strchr(rel, ':') && !strstr(rel, "$(");
    free(rel);
    if (!tree)
        return true;
    char *there = path_fold(p->dir, entry);
    if (there) { /* made already, by a build on Windows: not an input here */
        build_warning(p->path, 0, "links %s, which is there already; it is not linked (OpenNDIS links sources)",
                      entry);
        free(there);
        return true;
    }
    const char *base = base_of(entry);
    char *stem = xstrndup(base, strlen(base) - 4);
    char *dir = existing_parent(p->dir, entry);
    int found = 0;
    DIR *d = dir ? opendir(dir) : NULL;
    for (struct dirent *e; d && found == 0 && (e = readdir(d));) {
        if (!ends_with(e->d_name, ".vcxproj"))
            continue;
        char *path = path_join(dir, e->d_name);
        if (strv_has(seen, path)) {
            free(path);
            continue;
        }
        if (depth >= LIBRARY_DEPTH) {
            build_error(path, 0, "libraries nest deeper than %d projects", LIBRARY_DEPTH);
            free(path);
            found = -1;
            break;
        }
        strv_push(seen, path);
        found = try_project(pl, path, stem, o, seen, depth);
        free(path);
    }
    if (d)
        closedir(d);
    if (found == 0)
        build_warning(p->path, 0, "links %s, which is not built and which no project in %s makes", entry,
                      dir ? dir : "the tree");
    free(stem), free(dir);
    return found >= 0;
}

bool plan_libraries(struct plan *pl, struct project *p, const struct build_options *o)
{
    /* the libraries are built as the driver is: its configuration, platform and -D values */
    struct build_options lo = *o;
    lo.config = project_prop(p, "Configuration");
    lo.platform = project_prop(p, "Platform");
    struct strv seen = {0};
    strv_push(&seen, p->path);
    bool ok = add_libraries(pl, p, &lo, &seen, 0);
    strv_free(&seen);
    return ok;
}
