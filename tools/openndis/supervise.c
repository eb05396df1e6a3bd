/* Crash isolation. The driver runs in a forked child; the child streams its phase and at
 * the end its report over a pipe. If the driver crashes, a signal handler in the child adds
 * the signal, the faulting address and a symbolized backtrace to the report and sends it;
 * if it hangs, the parent kills it after the timeout and says in which phase. */
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "openndis.h"
#include "verifier/vf.h"

static int sv_fd = -1;
static volatile pid_t sv_child;

/* The parent passes SIGINT/SIGTERM (stop) and SIGUSR1 (openndis run: pause and restart
 * every adapter) on, then waits for the child's report as usual. */
static void sv_forward(int sig)
{
    if (sv_child > 0)
        kill(sv_child, sig);
}
static struct json_object *sv_report;
static char sv_current_phase[64] = "start";

void sv_set_report(struct json_object *report)
{
    sv_report = report;
}

static void sv_write_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(sv_fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

/* Where the child's current phase is kept for the parent to read once the child is gone: a
 * page shared with every child, so a phase costs no system call (a verify step has twenty).
 * Without it the phase goes down the pipe as a line. */
static char *sv_shared_phase;

void sv_phase(const char *phase)
{
    snprintf(sv_current_phase, sizeof sv_current_phase, "%s", phase);
    if (sv_fd < 0)
        return;
    if (sv_shared_phase != NULL) {
        memcpy(sv_shared_phase, sv_current_phase, sizeof sv_current_phase);
        return;
    }
    char line[96];
    int n = snprintf(line, sizeof line, "phase %s\n", sv_current_phase);
    sv_write_all(line, (size_t)n);
}

static void sv_send_report(struct json_object *report)
{
    const char *text = json_object_to_json_string_ext(report, JSON_C_TO_STRING_PLAIN);
    sv_write_all("report ", 7);
    sv_write_all(text, strlen(text));
    sv_write_all("\n", 1);
}

static const void *sv_fault_pc(void *context)
{
    ucontext_t *uc = context;
#if defined(__x86_64__)
    return (const void *)uc->uc_mcontext.gregs[REG_RIP];
#else
    return (const void *)uc->uc_mcontext.pc;
#endif
}

/* Runs in the dying child: not async-signal-safe, but the process is lost anyway and the
 * report is worth the risk. The alternate stack survives a stack overflow. */
static void sv_on_crash(int sig, siginfo_t *si, void *context)
{
    static volatile sig_atomic_t nested;
    if (nested++ == 0 && sv_report != NULL) {
        struct json_object *crash = json_object_new_object(), *frames = json_object_new_array();
        const void *pc = sv_fault_pc(context);
        char addr[32];
        struct vf_location loc;

        json_object_object_add(crash, "signal", json_object_new_int(sig));
        json_object_object_add(crash, "name", json_object_new_string(sigabbrev_np(sig) ? sigabbrev_np(sig) : "?"));
        json_object_object_add(crash, "description", json_object_new_string(strsignal(sig)));
        snprintf(addr, sizeof addr, "%p", si->si_addr);
        json_object_object_add(crash, "address", json_object_new_string(addr));
        json_object_object_add(crash, "phase", json_object_new_string(sv_current_phase));
        if (vf_failed_fast())
            json_object_object_add(crash, "fail_fast", json_object_new_boolean(true));

        vf_locate(pc, false, &loc);
        json_object_array_add(frames, vf_location_json(&loc));
        void *trace[48];
        int n = backtrace(trace, 48), start = n;
        for (int i = 0; i < n; i++)
            if (trace[i] == pc) {
                start = i + 1;
                break;
            }
        for (int i = start; i < n; i++) {
            vf_locate(trace[i], true, &loc);
            json_object_array_add(frames, vf_location_json(&loc));
        }
        json_object_object_add(crash, "backtrace", frames);
        json_object_object_add(sv_report, "crash", crash);
        json_object_object_add(sv_report, "violations", vf_violations_json());
        json_object_object_add(sv_report, "faults", vf_faults_json());
        json_object_object_add(sv_report, "verdict", json_object_new_string("crash"));
        sv_send_report(sv_report);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void sv_install_crash_handlers(void)
{
    /* Large: libdw symbolizes on this stack and parses big line tables. */
    static char altstack[4 << 20];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    sigaltstack(&ss, NULL);
    struct sigaction sa = { .sa_sigaction = sv_on_crash, .sa_flags = SA_SIGINFO | SA_ONSTACK };
    sigemptyset(&sa.sa_mask);
    /* SIGQUIT is the parent asking a hung child where it is stuck. */
    const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS, SIGQUIT };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static double sv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A report for a child that died or hung without sending one. */
static struct json_object *sv_lost_report(const char *verdict, const char *phase, int sig,
                                          int exit_status, unsigned timeout)
{
    struct json_object *r = json_object_new_object(), *what = json_object_new_object();
    json_object_object_add(what, "phase", json_object_new_string(phase));
    if (exit_status >= 0) {
        json_object_object_add(what, "exit_status", json_object_new_int(exit_status));
        json_object_object_add(what, "description",
                               json_object_new_string("the driver process exited on its own: exit() called, or a sanitizer stopped it (its report is on stderr; rerun the step with --verbose)"));
    } else if (sig) {
        json_object_object_add(what, "signal", json_object_new_int(sig));
        json_object_object_add(what, "name", json_object_new_string(sigabbrev_np(sig) ? sigabbrev_np(sig) : "?"));
        json_object_object_add(what, "description", json_object_new_string(strsignal(sig)));
    } else {
        json_object_object_add(what, "seconds", json_object_new_int((int)timeout));
    }
    json_object_object_add(r, timeout ? "timeout" : "crash", what);
    json_object_object_add(r, "violations", json_object_new_array());
    json_object_object_add(r, "verdict", json_object_new_string(verdict));
    return r;
}

struct json_object *sv_run(sv_job_fn job, void *arg, const struct sv_options *opt)
{
    if (opt->in_process)
        return job(arg);

    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        perror("openndis: pipe");
        return NULL;
    }
    if (sv_shared_phase == NULL) {
        void *page = mmap(NULL, sizeof sv_current_phase, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        sv_shared_phase = page == MAP_FAILED ? NULL : page;
    }
    if (sv_shared_phase != NULL)
        snprintf(sv_shared_phase, sizeof sv_current_phase, "start");
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("openndis: fork");
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    if (pid == 0) {
        close(fds[0]);
        sv_fd = fds[1];
        sv_install_crash_handlers();
        struct json_object *report = job(arg);
        if (report != NULL)
            sv_send_report(report);
        _exit(0);
    }

    close(fds[1]);
    sv_child = pid;
    struct sigaction fwd = { .sa_handler = sv_forward }, old_int, old_term, old_usr1;
    sigemptyset(&fwd.sa_mask);
    sigaction(SIGINT, &fwd, &old_int);
    sigaction(SIGTERM, &fwd, &old_term);
    sigaction(SIGUSR1, &fwd, &old_usr1);
    char phase[64] = "start";
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    struct json_object *report = NULL;
    bool timed_out = false;
    double deadline = sv_now() + opt->timeout_seconds;

    for (;;) {
        int wait_ms = -1;
        if (opt->timeout_seconds) {
            double left = deadline - sv_now();
            if (left <= 0 && timed_out)
                break; /* it did not even answer SIGQUIT */
            if (left <= 0) {
                /* Ask the child for its stack (it answers with a report), then give up. */
                timed_out = true;
                kill(pid, SIGQUIT);
                deadline = sv_now() + 3;
                continue;
            }
            wait_ms = (int)(left * 1000) + 1;
        }
        struct pollfd p = { .fd = fds[0], .events = POLLIN };
        int r = poll(&p, 1, wait_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            continue; /* re-check the deadline */
        if (len + 4096 > cap) {
            char *grown = realloc(buf, cap * 2);
            if (grown == NULL)
                break;
            buf = grown;
            cap *= 2;
        }
        ssize_t n = read(fds[0], buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        /* Consume complete lines. */
        char *line = buf, *nl;
        while ((nl = memchr(line, '\n', len - (size_t)(line - buf))) != NULL) {
            *nl = '\0';
            if (strncmp(line, "phase ", 6) == 0)
                snprintf(phase, sizeof phase, "%s", line + 6);
            else if (strncmp(line, "report ", 7) == 0) {
                json_object_put(report);
                report = json_tokener_parse(line + 7);
            }
            line = nl + 1;
        }
        len -= (size_t)(line - buf);
        memmove(buf, line, len);
    }
    free(buf);
    close(fds[0]);

    if (timed_out)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGUSR1, &old_usr1, NULL);
    sv_child = 0;
    if (sv_shared_phase != NULL) /* the child is gone: its last phase is all there */
        snprintf(phase, sizeof phase, "%.*s", (int)sizeof sv_current_phase - 1, sv_shared_phase);
    if (timed_out) {
        struct json_object *lost = sv_lost_report("timeout", phase, 0, -1, opt->timeout_seconds), *crash, *v;
        if (report != NULL && json_object_object_get_ex(report, "crash", &crash)) {
            struct json_object *t = json_object_object_get(lost, "timeout"), *bt;
            if (json_object_object_get_ex(crash, "backtrace", &bt))
                json_object_object_add(t, "backtrace", json_object_get(bt));
            if (json_object_object_get_ex(report, "violations", &v))
                json_object_object_add(lost, "violations", json_object_get(v));
            if (json_object_object_get_ex(report, "faults", &v))
                json_object_object_add(lost, "faults", json_object_get(v));
        }
        json_object_put(report);
        return lost;
    }
    if (report == NULL) {
        if (WIFSIGNALED(status))
            return sv_lost_report("crash", phase, WTERMSIG(status), -1, 0);
        return sv_lost_report("crash", phase, 0, WIFEXITED(status) ? WEXITSTATUS(status) : 255, 0);
    }
    return report;
}
