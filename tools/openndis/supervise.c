/* Crash isolation. The driver runs in a forked child; the child keeps its phase where the
 * parent can read it and at the end sends its report over a pipe. If the driver crashes, a
 * signal handler in the child adds the signal, the faulting address and a symbolized
 * backtrace to the report and sends it; if it hangs, the parent asks it for its stack, kills
 * it after the timeout and says in which phase. Several children may run at once (verify's
 * --jobs): the parent waits on all their pipes. */
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
#include "serialize.h"

#define SV_SLOTS_MAX 64
static int sv_fd = -1;

/* The children running now. The parent passes SIGINT/SIGTERM (stop) and SIGUSR1 (openndis
 * run: pause and restart every adapter) on to them, then waits for their reports as usual. */
static volatile pid_t sv_live[SV_SLOTS_MAX];
static volatile sig_atomic_t sv_stop_asked;
static void sv_forward(int sig)
{
    if (sig != SIGUSR1)
        sv_stop_asked = 1;
    for (size_t i = 0; i < SV_SLOTS_MAX; i++)
        if (sv_live[i] > 0)
            kill(sv_live[i], sig);
}
static struct json_object *sv_report;
static char sv_current_phase[64] = "start";

bool sv_interrupted(void)
{
    return sv_stop_asked != 0;
}

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

/* Where each child's current phase is kept for the parent to read once the child is gone:
 * slots in a page shared with every child, so a phase costs no system call (a verify step
 * has twenty). Without the page the phase goes down the pipe as a line. */
static char (*sv_shared_phase)[64]; /* SV_SLOTS_MAX slots */
static char *sv_my_phase; /* in a child: its slot */

void sv_phase(const char *phase)
{
    snprintf(sv_current_phase, sizeof sv_current_phase, "%s", phase);
    if (sv_fd < 0)
        return;
    if (sv_my_phase != NULL) {
        memcpy(sv_my_phase, sv_current_phase, sizeof sv_current_phase);
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
        json_object_array_add(frames, location_json(&loc));
        void *trace[48];
        int n = backtrace(trace, 48), start = n;
        for (int i = 0; i < n; i++)
            if (trace[i] == pc) {
                start = i + 1;
                break;
            }
        for (int i = start; i < n; i++) {
            vf_locate(trace[i], true, &loc);
            json_object_array_add(frames, location_json(&loc));
        }
        json_object_object_add(crash, "backtrace", frames);
        json_object_object_add(sv_report, "crash", crash);
        json_object_object_add(sv_report, "violations", violations_json());
        json_object_object_add(sv_report, "faults", faults_json());
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

struct sv_child {
    pid_t pid;
    int fd;
    size_t slot;
    unsigned timeout;
    double deadline;
    bool timed_out, ended; /* asked for its stack; done with (pipe closed, SIGQUIT ignored, ...) */
    bool eof;              /* its pipe closed: it exited, or is about to */
    char phase[64];
    char *buf;
    size_t len, cap;
    struct json_object *report;
};

/* The forwarding handlers stay installed while anyone needs them: each running child, and a
 * caller that runs many (verify, between its steps too). */
static size_t sv_forwarding;
static struct sigaction sv_old_int, sv_old_term, sv_old_usr1;

static void sv_forward_on(void)
{
    if (sv_forwarding++ > 0)
        return;
    struct sigaction fwd = { .sa_handler = sv_forward };
    sigemptyset(&fwd.sa_mask);
    sigaction(SIGINT, &fwd, &sv_old_int);
    sigaction(SIGTERM, &fwd, &sv_old_term);
    sigaction(SIGUSR1, &fwd, &sv_old_usr1);
}

static void sv_forward_off(void)
{
    if (--sv_forwarding > 0)
        return;
    sigaction(SIGINT, &sv_old_int, NULL);
    sigaction(SIGTERM, &sv_old_term, NULL);
    sigaction(SIGUSR1, &sv_old_usr1, NULL);
}

void sv_hold_signals(bool hold)
{
    if (hold)
        sv_forward_on();
    else
        sv_forward_off();
}

struct sv_child *sv_spawn(sv_job_fn job, void *arg, const struct sv_options *opt)
{
    size_t slot = 0;
    while (slot < SV_SLOTS_MAX && sv_live[slot] != 0)
        slot++;
    if (slot == SV_SLOTS_MAX) {
        fprintf(stderr, "openndis: more than %d driver processes at once\n", SV_SLOTS_MAX);
        return NULL;
    }
    struct sv_child *c = calloc(1, sizeof *c);
    int fds[2];
    if (c == NULL || (c->buf = malloc(c->cap = 1 << 16)) == NULL) {
        free(c);
        return NULL;
    }
    if (pipe2(fds, O_CLOEXEC) != 0) {
        perror("openndis: pipe");
        free(c->buf);
        free(c);
        return NULL;
    }
    if (sv_shared_phase == NULL) {
        void *page = mmap(NULL, SV_SLOTS_MAX * sizeof *sv_shared_phase, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        sv_shared_phase = page == MAP_FAILED ? NULL : page;
    }
    if (sv_shared_phase != NULL)
        snprintf(sv_shared_phase[slot], sizeof sv_shared_phase[slot], "start");
    fflush(stdout);
    fflush(stderr);
    /* Forwarding is on before the fork (a signal right after it reaches the child), and the
     * signals wait until the child has its own handlers and the parent knows its pid. */
    sigset_t stop, old_mask;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGUSR1);
    sigprocmask(SIG_BLOCK, &stop, &old_mask);
    sv_forward_on();
    pid_t pid = fork();
    if (pid < 0) {
        perror("openndis: fork");
        sv_forward_off();
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
        close(fds[0]);
        close(fds[1]);
        free(c->buf);
        free(c);
        return NULL;
    }
    if (pid == 0) {
        /* forwarding is the parent's business: this child takes signals itself */
        sigaction(SIGINT, &sv_old_int, NULL);
        sigaction(SIGTERM, &sv_old_term, NULL);
        sigaction(SIGUSR1, &sv_old_usr1, NULL);
        memset((void *)sv_live, 0, sizeof sv_live);
        sv_forwarding = 0;
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
        close(fds[0]);
        sv_fd = fds[1];
        sv_my_phase = sv_shared_phase != NULL ? sv_shared_phase[slot] : NULL;
        sv_install_crash_handlers();
        struct json_object *report = job(arg);
        if (report != NULL)
            sv_send_report(report);
        _exit(0);
    }
    close(fds[1]);
    c->pid = pid;
    c->fd = fds[0];
    c->slot = slot;
    c->timeout = opt->timeout_seconds;
    c->deadline = sv_now() + opt->timeout_seconds;
    snprintf(c->phase, sizeof c->phase, "start");
    sv_live[slot] = pid;
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    return c;
}

/* Takes in what the child wrote: phase lines and its report. */
static void sv_read(struct sv_child *c)
{
    if (c->len + 4096 > c->cap) {
        char *grown = realloc(c->buf, c->cap * 2);
        if (grown == NULL) {
            c->ended = true;
            return;
        }
        c->buf = grown;
        c->cap *= 2;
    }
    ssize_t n = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
    if (n < 0 && errno == EINTR)
        return;
    if (n <= 0) {
        c->ended = c->eof = true;
        return;
    }
    c->len += (size_t)n;
    c->buf[c->len] = '\0';
    char *line = c->buf, *nl;
    while ((nl = memchr(line, '\n', c->len - (size_t)(line - c->buf))) != NULL) {
        *nl = '\0';
        if (strncmp(line, "phase ", 6) == 0)
            snprintf(c->phase, sizeof c->phase, "%s", line + 6);
        else if (strncmp(line, "report ", 7) == 0) {
            json_object_put(c->report);
            c->report = json_tokener_parse(line + 7);
        }
        line = nl + 1;
    }
    c->len -= (size_t)(line - c->buf);
    memmove(c->buf, line, c->len);
}

/* A child past its deadline is asked for its stack (it answers with a report); one that
 * does not answer within 3 s is given up on. */
static void sv_check_deadline(struct sv_child *c, double now)
{
    if (c->ended || c->timeout == 0 || now < c->deadline)
        return;
    if (c->timed_out) {
        c->ended = true;
        return;
    }
    c->timed_out = true;
    kill(c->pid, SIGQUIT);
    c->deadline = now + 3;
}

size_t sv_wait_any(struct sv_child *const *children, size_t n)
{
    struct pollfd p[SV_SLOTS_MAX];
    if (n > SV_SLOTS_MAX)
        n = SV_SLOTS_MAX;
    for (;;) {
        double now = sv_now(), soonest = 0;
        for (size_t i = 0; i < n; i++) {
            sv_check_deadline(children[i], now);
            if (children[i]->ended)
                return i;
            if (children[i]->timeout && (soonest == 0 || children[i]->deadline < soonest))
                soonest = children[i]->deadline;
            p[i] = (struct pollfd){ .fd = children[i]->fd, .events = POLLIN };
        }
        int wait_ms = soonest == 0 ? -1 : (int)((soonest - now) * 1000) + 1;
        int r = poll(p, n, wait_ms);
        if (r < 0 && errno != EINTR) { /* cannot happen with valid descriptors: give them all up */
            perror("openndis: poll");
            for (size_t i = 0; i < n; i++)
                children[i]->ended = true;
            return 0;
        }
        for (size_t i = 0; r > 0 && i < n; i++)
            if (p[i].revents != 0)
                sv_read(children[i]);
    }
}

void sv_stop(struct sv_child *c)
{
    kill(c->pid, SIGKILL);
    c->ended = true;
}

struct json_object *sv_reap(struct sv_child *c)
{
    close(c->fd);
    if (c->timed_out || !c->eof) /* given up on while it may still run */
        kill(c->pid, SIGKILL);
    sv_live[c->slot] = 0; /* before the wait: after it the pid may be someone else's */
    int status = 0;
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
        ;
    sv_forward_off();
    if (sv_shared_phase != NULL) /* the child is gone: its last phase is all there */
        snprintf(c->phase, sizeof c->phase, "%.*s", (int)sizeof c->phase - 1, sv_shared_phase[c->slot]);
    struct json_object *report = c->report;
    if (c->timed_out) {
        struct json_object *lost = sv_lost_report("timeout", c->phase, 0, -1, c->timeout), *crash, *v;
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
        report = lost;
    } else if (report == NULL) {
        if (WIFSIGNALED(status))
            report = sv_lost_report("crash", c->phase, WTERMSIG(status), -1, 0);
        else
            report = sv_lost_report("crash", c->phase, 0, WIFEXITED(status) ? WEXITSTATUS(status) : 255, 0);
    }
    free(c->buf);
    free(c);
    return report;
}

struct json_object *sv_run(sv_job_fn job, void *arg, const struct sv_options *opt)
{
    if (opt->in_process)
        return job(arg);
    struct sv_child *c = sv_spawn(job, arg, opt);
    if (c == NULL)
        return NULL;
    while (!c->ended)
        sv_wait_any(&c, 1);
    return sv_reap(c);
}
