/* openndis-build (`openndis build`): a Windows driver built from its own Visual Studio
 * project, in one command (docs/build.md).
 *
 *   openndis build [-o DRIVER.so] [--config C] [--platform P] [-D NAME=VALUE]... PROJECT
 *
 * A separate program from `openndis`, so that only it links libxml2's reader for projects
 * and runs compilers. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"

enum { EXIT_BUILT = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

static void usage(FILE *out)
{
    fputs("usage: openndis build [options] PROJECT\n"
          "\n"
          "Builds an NDIS miniport from its Windows project into a driver OpenNDIS runs.\n"
          "PROJECT is a .vcxproj (with the .props it imports), a Visual Studio 2002-2008\n"
          ".vcproj, or a WDK 7 `sources` file.\n"
          "\n"
          "options:\n"
          "  -o FILE            the driver to write (default: TARGETNAME.so, or TARGETNAME.sys\n"
          "                     with --abi windows, here)\n"
          "  --abi windows|linux\n"
          "                     windows: a PE image (.sys) in the Microsoft x64 ABI, by clang\n"
          "                     and lld-link, LLP64 and MSVC's layouts (docs/pe.md); linux (the\n"
          "                     default): a .so in the System V ABI, for sanitizers and gdb\n"
          "  --config NAME      the configuration (default: Release, or the project's first\n"
          "                     with Release in its name)\n"
          "  --platform NAME    the platform (default: x64)\n"
          "  -D NAME[=VALUE]    set a property the project reads, else add or replace a\n"
          "                     preprocessor define\n"
          "  --mof FILE.mof=HEADER.h\n"
          "                     make the WMI header HEADER.h the sources include from FILE.mof\n"
          "                     (the WDK's mofcomp + wmimofck -h), when the project does not\n"
          "  --print            show what would be compiled (files, defines, include path),\n"
          "                     build nothing\n"
          "  --cmake FILE       write the equivalent openndis_add_driver() CMakeLists.txt\n"
          "  -j N               compile N sources at a time (default: the processors)\n"
          "  --cc CC, --cxx CXX the compilers (default: $CC/$CXX, else clang/clang++, else cc/c++)\n"
          "  -v, --verbose      show every command run\n"
          "  --work DIR         build in DIR and keep it (the .tmh, the spelling overlay, the\n"
          "                     objects): what --verbose's commands need to be run again\n"
          "\n"
          "exit status: 0 built, 1 the project or a source did not build, 2 usage error\n",
          out);
}

/* ---- where OpenNDIS is: installed beside this program, else its source and build tree ---- */

static char exe_dir[PATH_MAX];

static bool find_exe_dir(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    snprintf(exe_dir, sizeof exe_dir, "%s", dirname(exe));
    return true;
}

static const char *installed_or(const char *installed_rel, const char *probe, const char *tree)
{
    static char buf[3][PATH_MAX + 64]; /* one per caller: headers, library, import libraries */
    static int which;
    char *dir = buf[which++ % 3];
    snprintf(dir, PATH_MAX + 64, "%s/%s", exe_dir, installed_rel);
    char *p = xasprintf("%s/%s", dir, probe);
    bool found = path_exists(p);
    free(p);
    return found ? dir : tree;
}

/* Whether a program of this name is on PATH. */
static bool on_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char *copy = xstrdup(path), *save = NULL;
    bool found = false;
    for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *p = xasprintf("%s/%s", d, name);
        found = access(p, X_OK) == 0;
        free(p);
    }
    free(copy);
    return found;
}

static const char *first_on_path(const char *a, const char *b)
{
    return on_path(a) ? a : b;
}

/* The Windows ABI needs clang (for x86_64-pc-windows-msvc), lld-link and OpenNDIS's import
 * libraries; says which is missing. */
static bool windows_toolchain(struct toolchain *tc)
{
    if (!strstr(tc->cc, "clang") || !strstr(tc->cxx, "clang")) {
        fprintf(stderr, "openndis build: --abi windows compiles with clang, not %s (apt-get install clang lld llvm)\n",
                strstr(tc->cc, "clang") ? tc->cxx : tc->cc);
        return false;
    }
    tc->lld_link = first_on_path("lld-link", "lld-link-14");
    if (!on_path(tc->lld_link)) {
        fputs("openndis build: --abi windows links with lld-link, which is not on PATH (apt-get install lld)\n", stderr);
        return false;
    }
    tc->pe_lib_dir = installed_or("../" OPENNDIS_BUILD_INSTALL_LIBDIR "/openndis/pe", "ndis.lib", OPENNDIS_BUILD_TREE_PE_LIBDIR);
    char *lib = path_join(tc->pe_lib_dir, "ndis.lib");
    bool libs = path_exists(lib);
    free(lib);
    if (!libs) {
        fprintf(stderr, "openndis build: --abi windows needs OpenNDIS's import libraries (ndis.lib, ...), not found in %s:\n"
                        "OpenNDIS was built without clang, lld and llvm-dlltool\n", tc->pe_lib_dir);
        return false;
    }
    /* clang's own freestanding headers: stddef.h, stdarg.h, stdint.h */
    static char resource[PATH_MAX];
    char *cmd = xasprintf("'%s' -print-resource-dir 2>/dev/null", tc->cc);
    FILE *f = popen(cmd, "r");
    free(cmd);
    if (f && fgets(resource, sizeof resource, f)) {
        resource[strcspn(resource, "\n")] = '\0';
        tc->clang_resource = resource;
    }
    if (f)
        pclose(f);
    return true;
}

/* ---- the work directory ---- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); /* links removed, never followed */
}

/* ---- the output: never one of the inputs, never something that is not a file ---- */

static bool output_ok(const char *out, const struct project *p, const struct plan *pl)
{
    struct stat so, si;
    if (lstat(out, &so) == 0 && S_ISLNK(so.st_mode) && stat(out, &so) != 0)
        return true; /* a dangling link: replaced */
    if (stat(out, &so) != 0)
        return errno == ENOENT ? true : (build_error(out, 0, "cannot write it: %s", strerror(errno)), false);
    if (!S_ISREG(so.st_mode)) {
        build_error(out, 0, "is not a regular file: the driver is not written there");
        return false;
    }
    for (size_t i = 0; i < p->imports.n; i++)
        if (stat(p->imports.v[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
            build_error(out, 0, "is the project file %s: the driver is not written over it", p->imports.v[i]);
            return false;
        }
    for (size_t i = 0; i < pl->nunits; i++)
        if (stat(pl->units[i].source, &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
            build_error(out, 0, "is the source %s: the driver is not written over it", pl->units[i].source);
            return false;
        }
    return true;
}

/* ---- `--spelling-overlay DIR [-I DIR]... SOURCE...`: openndis_add_driver()'s half ---- */

static int spelling_only(int argc, char **argv, const char *overlay, const struct strv *search)
{
    struct strv sources = {0};
    for (int i = optind; i < argc; i++) {
        char *abs = realpath(argv[i], NULL);
        if (!abs) {
            build_error(argv[i], 0, "cannot read it: %s", strerror(errno));
            continue;
        }
        strv_push_own(&sources, abs);
    }
    int n = build_errors ? -1 : spelling_overlay(overlay, &sources, search);
    strv_free(&sources);
    return n < 0 ? EXIT_FAILED : EXIT_BUILT;
}

/* A template project's tree has headers its configure step makes from X.h.in (tap-windows6's
 * config.h): made into `dir` with the same -D values, unless the tree already has X.h.
 * With dir NULL only checked. Returns how many, or -1 after an error. */
static int configure_headers(struct project *p, const struct build_options *o, const char *dir)
{
    DIR *d = opendir(p->dir);
    int made = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".h.in") != 0)
            continue;
        char *name = xstrndup(e->d_name, n - 3);
        char *in = path_join(p->dir, e->d_name), *there = path_join(p->dir, name);
        if (!path_exists(there)) {
            FILE *f = fopen(in, "r");
            char buf[1 << 16];
            size_t len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
            if (f)
                fclose(f);
            buf[len] = '\0';
            int before = build_errors;
            char *text = template_fill(buf, &o->defines, in, &p->filled);
            if (build_errors == before && dir) {
                char *out = path_join(dir, name);
                FILE *w = fopen(out, "w");
                if (!w || fputs(text, w) < 0 || fclose(w) != 0)
                    build_error(out, 0, "cannot write it: %s", strerror(errno));
                free(out);
            }
            made += build_errors == before;
            free(text);
        }
        free(name), free(in), free(there);
    }
    if (d)
        closedir(d);
    return build_errors ? -1 : made;
}

/* A directory the build made, first on every source's include path. */
static void include_first(struct plan *pl, const char *dir)
{
    for (size_t i = 0; i < pl->nunits; i++) {
        struct strv *inc = &pl->units[i].includes;
        strv_push(inc, dir);
        char *last = inc->v[inc->n - 1];
        memmove(inc->v + 1, inc->v, (inc->n - 1) * sizeof *inc->v);
        inc->v[0] = last;
    }
}

static bool is_sources_file(const char *path)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    return strcasecmp(base, "sources") == 0;
}

int main(int argc, char **argv)
{
    /* static: what an early usage error leaves is still reachable, not a leak to LeakSanitizer */
    static struct build_options o;
    const char *output = NULL, *cmake = NULL, *overlay_only = NULL, *keep_work = NULL;
    struct toolchain tc = {0};
    static struct strv search;
    bool print = false;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    enum { OPT_CONFIG = 256, OPT_PLATFORM, OPT_PRINT, OPT_CMAKE, OPT_CC, OPT_CXX, OPT_OVERLAY, OPT_WORK, OPT_MOF,
           OPT_MOF_HEADER, OPT_ABI };
    static struct strv mofs;
    const char *mof_header_only = NULL;
    static const struct option longopts[] = {
        {"config", required_argument, NULL, OPT_CONFIG}, {"platform", required_argument, NULL, OPT_PLATFORM},
        {"print", no_argument, NULL, OPT_PRINT},         {"cmake", required_argument, NULL, OPT_CMAKE},
        {"cc", required_argument, NULL, OPT_CC},         {"cxx", required_argument, NULL, OPT_CXX},
        {"verbose", no_argument, NULL, 'v'},             {"help", no_argument, NULL, 'h'},
        {"spelling-overlay", required_argument, NULL, OPT_OVERLAY}, {"work", required_argument, NULL, OPT_WORK},
        {"mof", required_argument, NULL, OPT_MOF}, {"mof-header", required_argument, NULL, OPT_MOF_HEADER},
        {"abi", required_argument, NULL, OPT_ABI},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:D:j:I:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'D':
            if (!optarg[0] || optarg[0] == '=') {
                fprintf(stderr, "openndis build: -D takes NAME or NAME=VALUE, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            strv_push(&o.defines, optarg);
            break;
        case 'j': {
            char *end;
            jobs = strtol(optarg, &end, 10);
            if (*end || jobs < 1 || jobs > 1024) {
                fprintf(stderr, "openndis build: -j takes a number from 1 to 1024, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'I': strv_push(&search, optarg); break;
        case 'v': tc.verbose = true; break;
        case OPT_CONFIG: o.config = optarg; break;
        case OPT_PLATFORM: o.platform = optarg; break;
        case OPT_PRINT: print = true; break;
        case OPT_CMAKE: cmake = optarg; break;
        case OPT_CC: tc.cc = optarg; break;
        case OPT_CXX: tc.cxx = optarg; break;
        case OPT_OVERLAY: overlay_only = optarg; break;
        case OPT_WORK: keep_work = optarg; break;
        case OPT_MOF:
            if (!strchr(optarg, '=') || optarg[0] == '=' || !strchr(optarg, '=')[1]) {
                fprintf(stderr, "openndis build: --mof takes FILE.mof=HEADER.h, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            strv_push(&mofs, optarg);
            break;
        case OPT_MOF_HEADER: mof_header_only = optarg; break;
        case OPT_ABI:
            if (strcmp(optarg, "windows") != 0 && strcmp(optarg, "linux") != 0) {
                fprintf(stderr, "openndis build: --abi is windows or linux, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            tc.windows = strcmp(optarg, "windows") == 0;
            break;
        case 'h': usage(stdout); return EXIT_BUILT;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (overlay_only || mof_header_only) { /* openndis_add_driver()'s two helpers */
        int code;
        if (overlay_only)
            code = spelling_only(argc, argv, overlay_only, &search);
        else if (optind != argc - 1) {
            fputs("openndis build: --mof-header OUT.h takes one FILE.mof\n", stderr);
            code = EXIT_USAGE;
        } else
            code = mof_header(argv[optind], mof_header_only) < 0 ? EXIT_FAILED : EXIT_BUILT;
        strv_free(&o.defines), strv_free(&search), strv_free(&mofs);
        return code;
    }
    if (optind != argc - 1) {
        fputs(optind == argc ? "openndis build: which project?\n\n" : "openndis build: one project at a time\n\n",
              stderr);
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    if (ends_with(path, ".dsp")) {
        fprintf(stderr,
                "openndis build: %s is a Visual C++ 6 project, which this does not read: let a newer Visual Studio\n"
                "convert it, or list its files in openndis_add_driver() (docs/build.md)\n",
                path);
        return EXIT_USAGE;
    }
    if (!find_exe_dir()) {
        fprintf(stderr, "openndis build: cannot find my own program: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    tc.include_dir = installed_or("../include/openndis", "ndis.h", OPENNDIS_BUILD_SOURCE_INCLUDE);
    tc.lib_dir = installed_or("../" OPENNDIS_BUILD_INSTALL_LIBDIR, "libopenndis.so", OPENNDIS_BUILD_TREE_LIBDIR);
    static char wpp[PATH_MAX + 32];
    snprintf(wpp, sizeof wpp, "%s/openndis-wpp", exe_dir);
    tc.wpp = wpp;
    if (!tc.cc)
        tc.cc = getenv("CC") && *getenv("CC") ? getenv("CC") : first_on_path("clang", "cc");
    if (!tc.cxx)
        tc.cxx = getenv("CXX") && *getenv("CXX") ? getenv("CXX") : first_on_path("clang++", "c++");
    tc.jobs = jobs > 0 ? (unsigned)jobs : 1;
    if (tc.windows && !windows_toolchain(&tc))
        return EXIT_USAGE;

    struct project p = {0};
    struct plan pl = {0};
    int code = EXIT_FAILED;
    char *default_out = NULL;
    bool loaded = is_sources_file(path)          ? legacy_sources_load(&p, path, &o)
                  : ends_with(path, ".vcproj") ? vcproj_load(&p, path, &o)
                                               : project_load(&p, path, &o);
    if (!loaded || (p.fill && configure_headers(&p, &o, NULL) < 0) || !plan_make(&pl, &p, &o) ||
        !plan_libraries(&pl, &p, &o))
        goto out;
    for (size_t i = 0; i < mofs.n; i++) {
        char *eq = strchr(mofs.v[i], '=');
        *eq = '\0';
        char *mof = realpath(mofs.v[i], NULL);
        *eq = '=';
        if (!mof) {
            build_error(mofs.v[i], 0, "--mof: the .mof is not there: %s", strerror(errno));
            goto out;
        }
        strv_push_own(&pl.mofs, xasprintf("%s=%s", mof, eq + 1));
        free(mof);
    }
    if (!output)
        output = default_out = xasprintf("%s.%s", pl.name, tc.windows ? "sys" : "so");
    if (print) {
        emit_print(&pl, &p, NULL, output);
        code = EXIT_BUILT;
    }
    if (cmake) {
        if (!output_ok(cmake, &p, &pl) || !emit_cmake(&pl, &p, cmake))
            goto out_name;
        fprintf(stderr, "openndis build: wrote %s\n", cmake);
        code = EXIT_BUILT;
    }
    if (print || cmake)
        goto out_name;
    if (!output_ok(output, &p, &pl))
        goto out_name;

    const char *tmp = getenv("TMPDIR");
    char *work;
    if (keep_work) { /* a fresh directory of its own: nothing of the user's is removed or reused */
        work = xstrdup(keep_work);
        if (mkdir(work, 0755) != 0) {
            build_error(work, 0, "--work needs a directory that does not exist yet: %s", strerror(errno));
            free(work);
            goto out_name;
        }
    } else {
        work = xasprintf("%s/openndis-build.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(work)) {
            build_error(NULL, 0, "cannot make a work directory %s: %s", work, strerror(errno));
            free(work);
            goto out_name;
        }
    }
    if (p.fill) {
        char *configured = xasprintf("%s/configured", work);
        if (mkdir(configured, 0755) == 0 && configure_headers(&p, &o, configured) > 0)
            include_first(&pl, configured); /* as if beside the sources */
        free(configured);
    }
    if (pl.mofs.n) { /* the WMI headers, first on every source's include path */
        char *generated = xasprintf("%s/wmi", work);
        bool made = mkdir(generated, 0755) == 0;
        for (size_t i = 0; made && i < pl.mofs.n; i++) {
            char *eq = strchr(pl.mofs.v[i], '=');
            *eq = '\0';
            char *header = path_join(generated, eq + 1);
            int n = mof_header(pl.mofs.v[i], header);
            if (n >= 0)
                fprintf(stderr, "openndis build: %s: %d WMI class%s from %s\n", eq + 1, n, n == 1 ? "" : "es",
                        pl.mofs.v[i]);
            made = n >= 0;
            *eq = '=';
            free(header);
        }
        if (made)
            include_first(&pl, generated);
        free(generated);
        if (!made) {
            if (!keep_work)
                remove_tree(work);
            free(work);
            goto out_name;
        }
    }
    /* Include spellings: searched where the compiler will search. */
    char *overlay = xasprintf("%s/spelling", work);
    struct strv sources = {0};
    for (size_t i = 0; i < pl.nunits; i++) {
        strv_push(&sources, pl.units[i].source);
        for (size_t j = 0; j < pl.units[i].includes.n; j++)
            if (!strv_has(&search, pl.units[i].includes.v[j]))
                strv_push(&search, pl.units[i].includes.v[j]);
    }
    strv_push(&search, tc.include_dir);
    int links = spelling_overlay(overlay, &sources, &search);
    strv_free(&sources);
    if (links > 0)
        fprintf(stderr, "openndis build: %d #include spelling%s resolved by letter case or '\\'\n", links,
                links == 1 ? "" : "s");
    fprintf(stderr, "openndis build: %s|%s, %zu source%s, %s\n", project_prop(&p, "Configuration"),
            project_prop(&p, "Platform"), pl.nunits, pl.nunits == 1 ? "" : "s", tc.cc);
    if (links >= 0 && compile_plan(&pl, &tc, work, links > 0 ? overlay : NULL, output)) {
        printf("built %s\n", output);
        code = EXIT_BUILT;
    }
    if (!keep_work)
        remove_tree(work);
    free(work), free(overlay);
out_name:
    free(default_out);
out:
    if (code != EXIT_BUILT && build_errors == 0)
        build_error(path, 0, "not built");
    plan_free(&pl);
    project_free(&p);
    strv_free(&o.defines), strv_free(&search), strv_free(&mofs);
    return code;
}
