/* Names the PE-image locations of a report (a module and an RVA, no function) from the
 * image's PDB with llvm-symbolizer (Debian package llvm), which reads PDBs on Linux. It runs
 * here in the parent, once per report: the child that found them may be dying, and the
 * symbolizer is a program of its own. Without llvm-symbolizer or a PDB the locations stay
 * `image.sys+0xRVA`, which is what a debugger needs anyway (docs/pe.md). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "openndis.h"

extern char **environ;

#define PE_SYM_MAX 512
#define PE_SYM_SECONDS 20

struct pe_sym_list {
    struct json_object *loc[PE_SYM_MAX];
    size_t n;
    const char *module;
};

static void pe_sym_collect(struct json_object *o, struct pe_sym_list *list)
{
    if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            pe_sym_collect(json_object_array_get_idx(o, i), list);
        return;
    }
    if (!json_object_is_type(o, json_type_object))
        return;
    const char *module = json_str_field(o, "module");
    if (json_str_field(o, "rva") && module && strcmp(module, list->module) == 0 && !json_str_field(o, "function") &&
        list->n < PE_SYM_MAX)
        list->loc[list->n++] = o;
    json_object_object_foreach(o, key, value)
    {
        (void)key;
        pe_sym_collect(value, list);
    }
}

static bool pe_sym_is_pe(const char *path)
{
    char head[2];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    bool pe = fd >= 0 && read(fd, head, 2) == 2 && head[0] == 'M' && head[1] == 'Z';
    if (fd >= 0)
        close(fd);
    return pe;
}

/* llvm-symbolizer on PATH, plain or with a Debian version suffix. */
static const char *pe_sym_tool(void)
{
    static const char *const names[] = { "llvm-symbolizer", "llvm-symbolizer-19", "llvm-symbolizer-18",
                                         "llvm-symbolizer-17", "llvm-symbolizer-16", "llvm-symbolizer-15",
                                         "llvm-symbolizer-14" };
    const char *path = getenv("PATH");
    static char found[4096];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        for (const char *p = path ? path : "/usr/bin"; *p;) {
            const char *end = strchr(p, ':');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            snprintf(found, sizeof found, "%.*s/%s", (int)len, p, names[i]);
            if (len != 0 && access(found, X_OK) == 0)
                return found;
            p += len + (end ? 1 : 0);
        }
    }
    return NULL;
}

/* Runs the symbolizer on the list's RVAs; its answers, two lines each and a blank line, go
 * into `out` (NUL-terminated). False when it could not run or did not finish in time. */
static bool pe_sym_run(const char *tool, const char *image, const struct pe_sym_list *list, char *out, size_t cap)
{
    char obj[4200];
    snprintf(obj, sizeof obj, "--obj=%s", image);
    char *argv[] = { (char *)tool, obj, "--relative-address", "--functions=linkage", "--inlining=false", NULL };
    int in[2], outp[2];
    if (pipe2(in, O_CLOEXEC) != 0)
        return false;
    if (pipe2(outp, O_CLOEXEC) != 0) {
        close(in[0]), close(in[1]);
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, tool, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(outp[1]);
    if (rc != 0) {
        close(in[1]), close(outp[0]);
        return false;
    }
    /* The questions are short (at most PE_SYM_MAX lines): they fit the pipe at once. */
    char line[64];
    bool ok = true;
    for (size_t i = 0; i < list->n && ok; i++) {
        int n = snprintf(line, sizeof line, "%s\n", json_str_field(list->loc[i], "rva"));
        ok = write(in[1], line, (size_t)n) == n;
    }
    close(in[1]);
    size_t len = 0;
    time_t deadline = time(NULL) + PE_SYM_SECONDS;
    while (ok) {
        struct pollfd p = { .fd = outp[0], .events = POLLIN };
        int left = (int)(deadline - time(NULL));
        if (left <= 0 || poll(&p, 1, left * 1000) <= 0) {
            ok = false;
            break;
        }
        ssize_t r = read(outp[0], out + len, cap - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
        if (len == cap - 1)
            break;
    }
    out[len] = '\0';
    close(outp[0]);
    if (!ok)
        kill(pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void pe_symbols_fill(struct json_object *report, const char *image)
{
    if (report == NULL || image == NULL || !pe_sym_is_pe(image))
        return;
    const char *slash = strrchr(image, '/');
    struct pe_sym_list *list = calloc(1, sizeof *list);
    if (list == NULL)
        return;
    list->module = slash ? slash + 1 : image;
    pe_sym_collect(report, list);
    const char *tool = list->n ? pe_sym_tool() : NULL;
    size_t cap = PE_SYM_MAX * 600;
    char *out = tool ? malloc(cap) : NULL;
    if (out != NULL && pe_sym_run(tool, image, list, out, cap)) {
        char *save = NULL, *fn = strtok_r(out, "\n", &save);
        for (size_t i = 0; i < list->n && fn != NULL; i++) {
            char *where = strtok_r(NULL, "\n", &save);
            if (where == NULL)
                break;
            if (strcmp(fn, "??") != 0)
                json_object_object_add(list->loc[i], "function", json_object_new_string(fn));
            char *colon = strchr(where, ':');
            if (colon != NULL && strncmp(where, "??", 2) != 0) {
                *colon = '\0';
                int lineno = atoi(colon + 1);
                if (lineno > 0) {
                    json_object_object_add(list->loc[i], "file", json_object_new_string(where));
                    json_object_object_add(list->loc[i], "line", json_object_new_int(lineno));
                }
            }
            fn = strtok_r(NULL, "\n", &save);
        }
    }
    free(out);
    free(list);
}
