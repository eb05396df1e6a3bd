/* Compiling the plan: WPP trace headers first (openndis-wpp), then every source, several at a
 * time, each compiler's messages printed whole when it ends; then one link. The driver is
 * linked beside its destination under a temporary name and renamed over it only when the
 * link succeeded, so a failed build leaves the previous driver as it was. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build.h"

extern char **environ;

static bool is_clang(const char *cc)
{
    const char *base = strrchr(cc, '/') ? strrchr(cc, '/') + 1 : cc;
    return strstr(base, "clang") != NULL;
}

static void print_command(const struct strv *argv)
{
    for (size_t i = 0; i < argv->n; i++)
        fprintf(stderr, "%s%s", i ? " " : "", argv->v[i]);
    fputc('\n', stderr);
}

/* Starts argv with stdout and stderr going to `log`. */
static pid_t start(const struct strv *argv, const char *log, bool verbose)
{
    if (verbose)
        print_command(argv);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv->v[0], &fa, NULL, argv->v, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        build_error(NULL, 0, "cannot run %s: %s", argv->v[0], strerror(rc));
        return -1;
    }
    return pid;
}

static void show_log(const char *log)
{
    FILE *f = fopen(log, "r");
    if (!f)
        return;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, stderr);
    fclose(f);
}

static bool finished_ok(int status)
{
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Runs one program to its end, its messages shown. */
static bool run_one(const struct strv *argv, const char *workdir, bool verbose)
{
    char *log = xasprintf("%s/step.log", workdir);
    pid_t pid = start(argv, log, verbose);
    int status = 0;
    bool ok = pid > 0 && waitpid(pid, &status, 0) == pid && finished_ok(status);
    show_log(log);
    if (pid > 0 && !ok && WIFSIGNALED(status))
        build_error(NULL, 0, "%s ended by signal %d", argv->v[0], WTERMSIG(status));
    unlink(log);
    free(log);
    return ok;
}

/* The Windows ABI (--abi windows): clang for x86_64-pc-windows-msvc, freestanding, against
 * OpenNDIS's headers and their CRT subset, with CodeView debug information for the PDB. */
static void windows_args(struct strv *a, const struct unit *u, const struct toolchain *tc)
{
    strv_push(a, "--target=x86_64-pc-windows-msvc");
    strv_push(a, "-ffreestanding");
    strv_push(a, "-nostdinc");
    strv_push(a, "-fms-extensions");
    strv_push(a, "-fms-compatibility");
    strv_push(a, "-fasynchronous-unwind-tables"); /* .pdata for every function, as MSVC */
    strv_push(a, "-gcodeview");
    if (u->lang == LANG_CXX)
        strv_push(a, "-fms-compatibility-version=19.30");
    if (tc->clang_resource)
        strv_push_own(a, xasprintf("-isystem%s/include", tc->clang_resource));
    strv_push_own(a, xasprintf("-isystem%s/crt", tc->include_dir));
}

static void compile_args(struct strv *a, const struct unit *u, const struct plan *pl, const struct toolchain *tc,
                         const char *wpp_dir, const char *overlay, const char *obj)
{
    const char *cc = u->lang == LANG_CXX ? tc->cxx : tc->cc;
    strv_push(a, cc);
    strv_push(a, "-c");
    if (tc->windows)
        windows_args(a, u, tc);
    else
        strv_push(a, "-fPIC");
    strv_push(a, "-g");
    strv_push(a, pl->debug ? "-O0" : "-O2");
    /* what WDK source needs (docs/headers.md): 16-bit wchar_t, MSVC pragmas, pool tags, and a
     * return address in the driver for every NDIS call */
    if (!tc->windows)
        strv_push(a, "-fshort-wchar"); /* the Windows target's wchar_t is 16 bits already */
    strv_push(a, "-Wno-unknown-pragmas");
    strv_push(a, "-Wno-multichar");
    strv_push(a, "-fno-optimize-sibling-calls");
    if (tc->windows) {
        /* windows_args gave the target's MSVC modes */
    } else if (is_clang(cc) && u->lang == LANG_CXX) {
        /* MSVC's C++: names found in a template's dependent bases (NetKVM's
         * CounterIncrement() for this->CounterIncrement()), __super, template bodies that use
         * types completed later; the 19.30 (Visual Studio 2022) front end, with char16_t,
         * under which glibc's headers compile */
        strv_push(a, "-fms-compatibility");
        strv_push(a, "-fms-compatibility-version=19.30");
        strv_push(a, "-fdelayed-template-parsing"); /* as MSVC: template bodies read when used */
    } else if (is_clang(cc)) {
        /* MSVC's preprocessor: the comma before an empty __VA_ARGS__ dropped (VirtIO's
         * DPrintf(5, ("%s\n", x)) passes its format with no arguments after it) */
        strv_push(a, "-fms-extensions");
        strv_push(a, "-fms-compatibility");
    }
    if (is_clang(cc)) {
        /* the spelling overlay's links are meant: no warning for them; MSVC's preprocessor
         * pastes "x ## .y" into two tokens where clang would stop */
        strv_push(a, "-Wno-nonportable-include-path");
        strv_push(a, "-Wno-invalid-token-paste");
    }
    if (u->lang == LANG_CXX) { /* kernel C++: /kernel has neither exceptions nor RTTI */
        strv_push(a, "-fno-exceptions");
        strv_push(a, "-fno-rtti");
        /* g++ finds names in dependent bases with -fpermissive; it has no __super */
        if (!is_clang(cc))
            strv_push(a, "-fpermissive");
    }
    if (u->std)
        strv_push_own(a, xasprintf("-std=%s", u->std));
    for (size_t i = 0; i < u->includes.n; i++)
        strv_push_own(a, xasprintf("-I%s", u->includes.v[i]));
    if (wpp_dir)
        strv_push_own(a, xasprintf("-I%s", wpp_dir));
    strv_push_own(a, xasprintf("-I%s", tc->include_dir));
    if (overlay)
        strv_push_own(a, xasprintf("-I%s", overlay));
    for (size_t i = 0; i < u->defines.n; i++)
        strv_push_own(a, xasprintf("-D%s", u->defines.v[i]));
    for (size_t i = 0; i < u->undefines.n; i++)
        strv_push_own(a, xasprintf("-U%s", u->undefines.v[i]));
    for (size_t i = 0; i < u->forced.n; i++) {
        strv_push(a, "-include");
        strv_push(a, u->forced.v[i]);
    }
    if (u->no_access_control)
        strv_push(a, "-fno-access-control");
    if (u->shadow) { /* a rewritten copy: its quoted includes are looked up beside the source */
        char *dir = xstrdup(u->source);
        strv_push(a, "-iquote");
        strv_push(a, dirname(dir));
        free(dir);
    }
    strv_push(a, u->shadow ? u->shadow : u->source);
    strv_push(a, "-o");
    strv_push(a, obj);
}

static bool run_wpp(const struct plan *pl, const struct toolchain *tc, const char *wpp_dir, const char *workdir)
{
    struct strv a = {0};
    strv_push(&a, tc->wpp);
    strv_push(&a, "--out");
    strv_push(&a, wpp_dir);
    for (size_t i = 0; i < pl->wpp_funcs.n; i++) {
        strv_push(&a, "--func");
        strv_push(&a, pl->wpp_funcs.v[i]);
    }
    for (size_t i = 0; i < pl->wpp_scan.n; i++) {
        strv_push(&a, "--scan");
        strv_push(&a, pl->wpp_scan.v[i]);
    }
    for (size_t i = 0; i < pl->nunits; i++)
        if (pl->units[i].wpp)
            strv_push(&a, pl->units[i].source);
    bool ok = run_one(&a, workdir, tc->verbose);
    if (!ok)
        build_error(NULL, 0, "openndis-wpp could not make the WPP trace headers (docs/wpp.md)");
    strv_free(&a);
    return ok;
}

/* Every source, tc->jobs at a time. All are tried, so one build shows every error. */
static bool compile_all(struct plan *pl, const struct toolchain *tc, const char *workdir, const char *wpp_dir,
                        const char *overlay, struct strv *objs)
{
    unsigned jobs = tc->jobs ? tc->jobs : 1;
    pid_t *pids = calloc(pl->nunits, sizeof *pids);
    if (!pids)
        return false;
    unsigned *rounds = calloc(pl->nunits, sizeof *rounds);
    if (!rounds) {
        free(pids);
        return false;
    }
    size_t next = 0, running = 0, failed = 0;
    for (size_t i = 0; i < pl->nunits; i++)
        strv_push_own(objs, xasprintf("%s/%zu.o", workdir, i));
    while (next < pl->nunits || running > 0) {
        while (next < pl->nunits && running < jobs) {
            struct strv a = {0};
            compile_args(&a, &pl->units[next], pl, tc, wpp_dir, overlay, objs->v[next]);
            char *log = xasprintf("%s/%zu.log", workdir, next);
            pids[next] = start(&a, log, tc->verbose);
            free(log);
            strv_free(&a);
            if (pids[next] > 0)
                running++;
            else
                failed++;
            next++;
        }
        if (running == 0)
            break;
        int status;
        pid_t pid = wait(&status);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (size_t i = 0; i < pl->nunits; i++)
            if (pids[i] == pid) {
                char *log = xasprintf("%s/%zu.log", workdir, i);
                char *shadow_dir = xasprintf("%s/%zu.src", workdir, i);
                bool again = !finished_ok(status) && !WIFSIGNALED(status) && rounds[i] < 3 &&
                             leniency_apply(log, &pl->units[i], tc->windows, shadow_dir);
                free(shadow_dir);
                if (again) {
                    rounds[i]++;
                    struct strv a = {0}; /* once more, with what MSVC lets through let through */
                    compile_args(&a, &pl->units[i], pl, tc, wpp_dir, overlay, objs->v[i]);
                    pids[i] = start(&a, log, tc->verbose);
                    strv_free(&a);
                    free(log);
                    if (pids[i] <= 0) {
                        failed++;
                        running--;
                    }
                    continue;
                }
                show_log(log);
                free(log);
                if (!finished_ok(status)) {
                    failed++;
                    if (WIFSIGNALED(status))
                        build_error(pl->units[i].source, 0, "the compiler ended by signal %d", WTERMSIG(status));
                }
                pids[i] = 0;
                running--;
            }
    }
    free(pids), free(rounds);
    if (failed)
        build_error(NULL, 0, "%zu of %zu sources did not compile", failed, pl->nunits);
    return failed == 0;
}

bool compile_plan(struct plan *pl, const struct toolchain *tc, const char *workdir, const char *overlay,
                  const char *output)
{
    char *wpp_dir = NULL;
    bool any_wpp = false, any_cxx = false;
    for (size_t i = 0; i < pl->nunits; i++) {
        any_wpp |= pl->units[i].wpp;
        any_cxx |= pl->units[i].lang == LANG_CXX;
    }
    if (any_wpp) {
        wpp_dir = xasprintf("%s/wpp", workdir);
        if (mkdir(wpp_dir, 0755) != 0 || !run_wpp(pl, tc, wpp_dir, workdir)) {
            free(wpp_dir);
            return false;
        }
    }
    struct strv objs = {0};
    bool ok = compile_all(pl, tc, workdir, wpp_dir, overlay, &objs);
    free(wpp_dir);
    if (!ok) {
        strv_free(&objs);
        return false;
    }

    char *dir_copy = xstrdup(output);
    char *temp = xasprintf("%s/.%s.XXXXXX", dirname(dir_copy), "openndis-build");
    free(dir_copy);
    int fd = mkstemp(temp);
    if (fd < 0) {
        build_error(output, 0, "cannot write beside it: %s", strerror(errno));
        free(temp), strv_free(&objs);
        return false;
    }
    close(fd);
    struct strv a = {0};
    char *pdb = NULL;
    if (tc->windows) {
        /* a native-subsystem driver image against the import libraries of ndis.sys,
         * ntoskrnl.exe, hal.dll and netio.sys, its PDB beside it (named after the final image) */
        size_t stem = ends_with(output, ".sys") ? strlen(output) - 4 : strlen(output);
        pdb = xasprintf("%.*s.pdb", (int)stem, output);
        strv_push(&a, tc->lld_link);
        strv_push(&a, "/nologo");
        strv_push(&a, "/driver");
        strv_push(&a, "/subsystem:native");
        strv_push(&a, "/entry:DriverEntry");
        strv_push(&a, "/nodefaultlib");
        strv_push(&a, "/debug");
        strv_push_own(&a, xasprintf("/pdb:%s", pdb));
        strv_push_own(&a, xasprintf("/out:%s", temp));
        for (size_t i = 0; i < objs.n; i++)
            strv_push(&a, objs.v[i]);
        static const char *const libs[] = { "ndis.lib", "ntoskrnl.lib", "hal.lib", "netio.lib" };
        for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++)
            strv_push_own(&a, path_join(tc->pe_lib_dir, libs[i]));
    } else {
        strv_push(&a, any_cxx ? tc->cxx : tc->cc);
        strv_push(&a, "-shared");
        strv_push(&a, "-g");
        strv_push(&a, "-o");
        strv_push(&a, temp);
        for (size_t i = 0; i < objs.n; i++)
            strv_push(&a, objs.v[i]);
        strv_push_own(&a, xasprintf("-L%s", tc->lib_dir));
        strv_push(&a, "-lopenndis"); /* after the objects: --as-needed keeps it (docs/bringing-your-driver.md) */
        strv_push(&a, "-Wl,-Bsymbolic-functions"); /* its own operator delete, as in a .sys */
    }
    ok = run_one(&a, workdir, tc->verbose);
    free(pdb);
    strv_free(&a), strv_free(&objs);
    mode_t mask = umask(0);
    umask(mask);
    if (ok && chmod(temp, 0777 & ~mask) == 0 && rename(temp, output) == 0) {
        free(temp);
        return true;
    }
    if (ok)
        build_error(output, 0, "cannot put the driver there: %s", strerror(errno));
    else
        build_error(output, 0, "the link failed");
    unlink(temp);
    free(temp);
    return false;
}
