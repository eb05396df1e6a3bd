/* bench/verify: wall time of a full systematic fault sweep of a driver (`openndis verify`),
 * next to the bare process cost of as many steps measured in the same run: every step of a
 * sweep is a forked process, so fork + exit + wait per step is what no sweep can go below.
 *
 * Each row also counts the page faults per step (the processes' minor faults, from
 * getrusage) and the run measures what one costs on this machine: on a virtual machine with
 * shadow page tables a fault costs tens of times what it does on bare metal, and a step's
 * faults (the code it runs, the pages it writes) are then most of its time.
 *
 * Usage: bench/verify OPENNDIS DRIVER.so [repeats, default 3]
 * OPENNDIS is the openndis program (build/openndis); the sweep runs as a user runs it. */
#include <fcntl.h>
#include <json-c/json.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct sweep {
    double seconds;
    long steps;
    long faults; /* minor page faults of the whole run, its children included */
    char verdict[16];
};

static long child_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return ru.ru_minflt;
}

/* Runs `openndis verify DRIVER --json [extra]`, timing it and reading its step count and
 * verdict; false (with a message) when it could not run or printed no JSON. */
static bool run_sweep(const char *openndis, const char *driver, const char *extra, struct sweep *out)
{
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        perror("bench/verify: pipe");
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    char *argv[] = { (char *)openndis, "verify", (char *)driver, "--json", (char *)extra, NULL };
    pid_t pid;
    long faults0 = child_faults();
    double t0 = now();
    int err = posix_spawn(&pid, openndis, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (err != 0) {
        fprintf(stderr, "bench/verify: cannot run %s: %s\n", openndis, strerror(err));
        close(pipefd[0]);
        return false;
    }
    size_t len = 0, cap = 1 << 16;
    char *text = malloc(cap);
    for (ssize_t n; text != NULL && (n = read(pipefd[0], text + len, cap - len - 1)) > 0;) {
        len += (size_t)n;
        if (len + 1 == cap) {
            char *bigger = realloc(text, cap *= 2);
            if (bigger == NULL) {
                free(text);
                text = NULL;
            }
            text = bigger;
        }
    }
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    out->seconds = now() - t0;
    out->faults = child_faults() - faults0;
    if (text == NULL) {
        fprintf(stderr, "bench/verify: out of memory\n");
        return false;
    }
    text[len] = '\0';
    struct json_object *o = json_tokener_parse(text), *v;
    free(text);
    if (o == NULL || !json_object_object_get_ex(o, "step_count", &v)) {
        fprintf(stderr, "bench/verify: %s verify %s printed no result (exit status %d)\n", openndis, driver,
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        json_object_put(o);
        return false;
    }
    out->steps = (long)json_object_get_int64(v);
    snprintf(out->verdict, sizeof out->verdict, "%s",
             json_object_object_get_ex(o, "verdict", &v) ? json_object_get_string(v) : "?");
    json_object_put(o);
    return true;
}

static int by_time(const void *a, const void *b)
{
    double x = ((const struct sweep *)a)->seconds, y = ((const struct sweep *)b)->seconds;
    return (x > y) - (x < y);
}

/* What one page fault costs here: the first write to each of many fresh pages. */
static double fault_microseconds(void)
{
    const size_t pages = 4096, size = 4096;
    char *p = mmap(NULL, pages * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 0;
    double t0 = now();
    for (size_t i = 0; i < pages; i++)
        p[i * size] = 1;
    double t = now() - t0;
    munmap(p, pages * size);
    return t / (double)pages * 1e6;
}

/* fork, _exit and waitpid `n` times: the floor of a sweep of n steps. */
static double bare_steps(long n, long *faults)
{
    long faults0 = child_faults();
    double t0 = now();
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid < 0) {
            perror("bench/verify: fork");
            exit(2);
        }
        waitpid(pid, NULL, 0);
    }
    double t = now() - t0;
    *faults = child_faults() - faults0;
    return t;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench/verify OPENNDIS DRIVER.so [repeats]\n");
        return 2;
    }
    int repeats = argc > 3 ? atoi(argv[3]) : 3;
    if (repeats < 1 || repeats > 100) {
        fprintf(stderr, "bench/verify: repeats must be 1 to 100, not '%s'\n", argv[3]);
        return 2;
    }
    struct sweep full[100], unique, clean;
    for (int i = 0; i < repeats; i++)
        if (!run_sweep(argv[1], argv[2], NULL, &full[i]))
            return 2;
    if (!run_sweep(argv[1], argv[2], "--unique-stacks", &unique) || !run_sweep(argv[1], argv[2], "--no-sweep", &clean))
        return 2;
    qsort(full, (size_t)repeats, sizeof full[0], by_time);
    struct sweep *median = &full[repeats / 2];
    long bare_faults;
    double bare = bare_steps(median->steps, &bare_faults), fault_us = fault_microseconds();

    printf("%-34s %8s %10s %10s %12s %8s\n", "run", "steps", "seconds", "ms/step", "faults/step", "verdict");
    const struct sweep *rows[] = { median, &unique, &clean };
    const char *names[] = { "systematic sweep (median)", "unique-stacks sweep", "clean run only (--no-sweep)" };
    for (int i = 0; i < 3; i++)
        printf("%-34s %8ld %10.3f %10.3f %12ld %8s\n", names[i], rows[i]->steps, rows[i]->seconds,
               rows[i]->seconds / (double)rows[i]->steps * 1e3, rows[i]->faults / rows[i]->steps, rows[i]->verdict);
    printf("%-34s %8ld %10.3f %10.3f %12ld\n", "baseline: bare fork/exit/wait", median->steps, bare,
           bare / (double)median->steps * 1e3, bare_faults / median->steps);
    printf("page fault on this machine: %.2f us (first write to a fresh page)\n", fault_us);
    printf("summary: a full systematic fault sweep of %s takes %.2f s (%ld steps, %.2f ms each), %.1fx the bare "
           "process cost of as many steps; %ld page faults per step, about %.0f%% of its time here; verdict %s\n",
           argv[2], median->seconds, median->steps, median->seconds / (double)median->steps * 1e3,
           median->seconds / bare, median->faults / median->steps,
           100.0 * (double)median->faults * fault_us / 1e6 / median->seconds, median->verdict);
    return strcmp(median->verdict, "pass") == 0 ? 0 : 1;
}
