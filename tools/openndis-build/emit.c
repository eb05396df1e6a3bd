/* What a project means, shown: --print (what would be compiled) and --cmake (the same as an
 * openndis_add_driver() CMakeLists.txt, for those who would rather keep a CMake build). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"

static bool same_list(const struct strv *a, const struct strv *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return false;
    return true;
}

static bool same_settings(const struct unit *a, const struct unit *b)
{
    return same_list(&a->defines, &b->defines) && same_list(&a->includes, &b->includes) &&
           same_list(&a->undefines, &b->undefines) && same_list(&a->forced, &b->forced);
}

static void print_list(const char *title, const struct strv *l)
{
    if (l->n == 0)
        return;
    printf("  %s\n", title);
    for (size_t i = 0; i < l->n; i++)
        printf("    %s\n", l->v[i]);
}

static void print_settings(const struct unit *u)
{
    print_list("defines:", &u->defines);
    print_list("undefines:", &u->undefines);
    print_list("include path (then OpenNDIS's headers and the spelling overlay):", &u->includes);
    print_list("forced includes:", &u->forced);
}

void emit_print(const struct plan *pl, struct project *p, const char *overlay, const char *output)
{
    printf("project      %s\n", p->path);
    printf("configuration %s|%s%s\n", project_prop(p, "Configuration"), project_prop(p, "Platform"),
           pl->debug ? " (debug: -O0, DBG=1)" : "");
    printf("driver       %s\n", output);
    printf("files read:\n");
    for (size_t i = 0; i < p->imports.n; i++)
        printf("  %s\n", p->imports.v[i]);
    if (p->skipped_imports.n) {
        printf("imports skipped (Visual Studio's own build logic):\n");
        for (size_t i = 0; i < p->skipped_imports.n; i++)
            printf("  %s\n", p->skipped_imports.v[i]);
    }
    printf("sources (%zu):\n", pl->nunits);
    for (size_t i = 0; i < pl->nunits; i++) {
        const struct unit *u = &pl->units[i];
        printf("  %s%s%s%s%s\n", u->source, u->lang == LANG_CXX ? "  [C++" : "  [C", u->std ? ", -std=" : "",
               u->std ? u->std : "", u->wpp ? ", WPP]" : "]");
    }
    if (pl->nunits) {
        printf("settings%s:\n", pl->nunits > 1 ? " (of every source unless listed below)" : "");
        print_settings(&pl->units[0]);
        for (size_t i = 1; i < pl->nunits; i++)
            if (!same_settings(&pl->units[i], &pl->units[0])) {
                printf("settings of %s:\n", pl->units[i].source);
                print_settings(&pl->units[i]);
            }
    }
    if (pl->wpp_funcs.n || pl->wpp_scan.n) {
        printf("WPP:\n");
        for (size_t i = 0; i < pl->wpp_funcs.n; i++)
            printf("  trace function  %s\n", pl->wpp_funcs.v[i]);
        for (size_t i = 0; i < pl->wpp_scan.n; i++)
            printf("  configuration   %s\n", pl->wpp_scan.v[i]);
    }
    if (pl->mofs.n) {
        printf("WMI headers (made from the .mof):\n");
        for (size_t i = 0; i < pl->mofs.n; i++)
            printf("  %s\n", pl->mofs.v[i]);
    }
    if (overlay)
        printf("include spellings: forwarding headers in %s\n", overlay);
    if (pl->notes.n) {
        printf("not built:\n");
        for (size_t i = 0; i < pl->notes.n; i++)
            printf("  %s\n", pl->notes.v[i]);
    }
}

/* A CMake bracket argument: any text, quotes and semicolons included, arrives unchanged. */
static void bracket(FILE *f, const char *s)
{
    fprintf(f, " [==[%s]==]", s);
}

static void cmake_list(FILE *f, const char *indent, const struct strv *l)
{
    for (size_t i = 0; i < l->n; i++) {
        fputs(indent, f);
        bracket(f, l->v[i]);
        fputc('\n', f);
    }
}

bool emit_cmake(const struct plan *pl, const struct project *p, const char *path)
{
    char *d = xstrdup(path);
    char *temp = xasprintf("%s/.openndis-build-cmake.XXXXXX", dirname(d));
    free(d);
    int fd = mkstemp(temp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        build_error(path, 0, "cannot write beside it: %s", strerror(errno));
        if (fd >= 0)
            close(fd), unlink(temp);
        free(temp);
        return false;
    }
    bool cxx = false;
    for (size_t i = 0; i < pl->nunits; i++)
        cxx |= pl->units[i].lang == LANG_CXX;
    fprintf(f, "# Written by `openndis build --cmake` from %s\n", p->path);
    fprintf(f, "cmake_minimum_required(VERSION 3.20)\nproject(%s %s)\nfind_package(OpenNDIS REQUIRED)\n\n", pl->name,
            cxx ? "C CXX" : "C");
    fprintf(f, "openndis_add_driver(%s\n", pl->name);
    for (size_t i = 0; i < pl->nunits; i++) {
        fputs("   ", f);
        bracket(f, pl->units[i].source);
        fputc('\n', f);
    }
    for (size_t i = 0; i < pl->wpp_funcs.n; i++) {
        fputs("  WPP_FUNC", f);
        bracket(f, pl->wpp_funcs.v[i]);
        fputc('\n', f);
    }
    for (size_t i = 0; i < pl->wpp_scan.n; i++) {
        fputs("  WPP_SCAN", f);
        bracket(f, pl->wpp_scan.v[i]);
        fputc('\n', f);
    }
    for (size_t i = 0; i < pl->mofs.n; i++) {
        fputs("  MOF", f);
        bracket(f, pl->mofs.v[i]);
        fputc('\n', f);
    }
    fputs(")\n", f);
    bool uniform = true;
    for (size_t i = 1; i < pl->nunits; i++)
        uniform &= same_settings(&pl->units[i], &pl->units[0]);
    if (pl->nunits && uniform) {
        const struct unit *u = &pl->units[0];
        fprintf(f, "target_compile_definitions(%s PRIVATE\n", pl->name);
        cmake_list(f, "  ", &u->defines);
        fprintf(f, ")\ntarget_include_directories(%s PRIVATE\n", pl->name);
        cmake_list(f, "  ", &u->includes);
        fputs(")\n", f);
    } else {
        for (size_t i = 0; i < pl->nunits; i++) {
            const struct unit *u = &pl->units[i];
            fputs("set_source_files_properties(", f);
            bracket(f, u->source);
            fputs(" PROPERTIES\n  COMPILE_DEFINITIONS \"", f);
            for (size_t j = 0; j < u->defines.n; j++) { /* a ;-list inside one quoted argument */
                if (j)
                    fputc(';', f);
                for (const char *c = u->defines.v[j]; *c; c++) {
                    if (*c == '"' || *c == '\\' || *c == '$')
                        fputc('\\', f);
                    fputc(*c, f);
                }
            }
            fputs("\"\n  INCLUDE_DIRECTORIES \"", f);
            for (size_t j = 0; j < u->includes.n; j++)
                fprintf(f, "%s%s", j ? ";" : "", u->includes.v[j]);
            fputs("\")\n", f);
        }
    }
    for (size_t i = 0; i < pl->nunits; i++)
        if (pl->units[i].std) {
            fputs("set_source_files_properties(", f);
            bracket(f, pl->units[i].source);
            fprintf(f, " PROPERTIES COMPILE_OPTIONS -std=%s)\n", pl->units[i].std);
        }
    mode_t mask = umask(0);
    umask(mask);
    bool ok = fflush(f) == 0 && fchmod(fileno(f), 0666 & ~mask) == 0 && fsync(fileno(f)) == 0;
    ok &= fclose(f) == 0;
    if (ok && rename(temp, path) == 0) {
        free(temp);
        return true;
    }
    build_error(path, 0, "cannot write it: %s", strerror(errno));
    unlink(temp);
    free(temp);
    return false;
}
