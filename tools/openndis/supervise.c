/* Crash isolation. The driver runs in a forked child; the child keeps its phase where the
 * parent can read it and at the end sends its report over a pipe. If the driver crashes, a
 * signal handler in the child adds the signal, the faulting address and a symbolized
 * backtrace to the report and sends it; if it hangs, the parent asks it for its stack, kills
 * it after the timeout and says in which phase. Several children may run at once (verify's
 * --jobs): the parent waits on all their pipes.
 *
 * A job ends when its process does (a pidfd), not when its pipe closes: a driver that forks
 * leaves the pipe open in its own child. Each job's process leads a process group that is
 * killed whole when the job ends, and every process a job makes dies with its parent
 * (PR_SET_PDEATHSIG), so nothing a driver starts outlives OpenNDIS, however OpenNDIS ends.
 * SIGINT, SIGTERM and SIGHUP are passed on to the jobs; a job still running a few seconds
 * later is killed, and the report says "interrupted", never that the driver crashed. */
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "loader/ld.h"
#include "common/array.h"
#include "openndis.h"
#include "verifier/vf.h"
#include "serialize.h"

#define SV_SLOTS_MAX 64
static int sv_fd = -1;

/* The children running now. The parent passes SIGINT/SIGTERM/SIGHUP (stop) and SIGUSR1
 * (openndis run: pause and restart every adapter) on to them, then waits for their reports
 * as usual, killing those that do not end within their grace period. */
static volatile pid_t sv_live[SV_SLOTS_MAX];
static volatile sig_atomic_t sv_stop_signal; /* the first stop signal received, or 0 */
static void sv_forward(int sig)
{
    if (sig != SIGUSR1 && sv_stop_signal == 0)
        sv_stop_signal = sig;
    for (size_t i = 0; i < SV_SLOTS_MAX; i++)
        if (sv_live[i] > 0)
            kill(sv_live[i], sig);
}
static const int sv_forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };
#define SV_NFORWARDED (sizeof sv_forwarded / sizeof sv_forwarded[0])

/* Set in every supervised process: whatever it forks (a driver calling fork()) dies with it. */
static bool sv_supervised;
static pid_t sv_parent; /* in a supervised process: the one supervising it */
static void sv_child_dies_with_parent(void)
{
    if (sv_supervised)
        prctl(PR_SET_PDEATHSIG, SIGKILL);
}
static struct json_object *sv_report;
static char sv_current_phase[64] = "start";

bool sv_interrupted(void)
{
    return sv_stop_signal != 0;
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
        /* in a PE image: its own frames first, from its .pdata (glibc's unwinder stops there) */
        const void *pe_trace[16];
        size_t pe_n = ke_pe_backtrace(context, pe_trace, 16);
        for (size_t i = 0; i < pe_n; i++) {
            vf_locate(pe_trace[i], true, &loc);
            json_object_array_add(frames, location_json(&loc));
        }
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
    ld_pe_faults_rearm(); /* a PE driver's own __except blocks still come first */
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
                               json_object_new_string("the driver (or a library it calls) called exit(), which a driver "
                                                      "must never do, or a sanitizer stopped it (its own report is then on "
                                                      "stderr above)"));
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
    pid_t pid;  /* also its process group */
    int fd;
    int pidfd;  /* readable once the process has exited; -1 without pidfd_open */
    size_t slot;
    unsigned timeout, grace;
    double deadline;
    double stop_deadline;  /* after a stop signal: killed if still running then */
    bool timed_out, ended; /* asked for its stack; done with (exited, SIGQUIT ignored, ...) */
    bool exited;           /* the process has ended (or, without a pidfd, closed its pipe) */
    bool killed_on_stop;   /* still running at stop_deadline */
    bool fd_done;          /* its pipe closed (by its process, or by every process holding it) */
    char phase[64];
    const char *image; /* sv_options.image */
    char *buf;
    size_t len, cap;
    struct json_object *report;
};

/* The forwarding handlers stay installed while anyone needs them: each running child, and a
 * caller that runs many (verify, between its steps too). They are installed whatever the
 * inherited disposition: openndis started with SIGINT ignored (a background job) still stops
 * on it rather than letting a driver run on until its timeout. */
static size_t sv_forwarding;
static struct sigaction sv_old[SV_NFORWARDED];

static void sv_forward_on(void)
{
    if (sv_forwarding++ > 0)
        return;
    struct sigaction fwd = { .sa_handler = sv_forward };
    sigemptyset(&fwd.sa_mask);
    for (size_t i = 0; i < SV_NFORWARDED; i++)
        sigaction(sv_forwarded[i], &fwd, &sv_old[i]);
}

static void sv_forward_off(void)
{
    if (--sv_forwarding > 0)
        return;
    for (size_t i = 0; i < SV_NFORWARDED; i++)
        sigaction(sv_forwarded[i], &sv_old[i], NULL);
}

void sv_forwarding_begin(void)
{
    sv_forward_on();
}

void sv_forwarding_end(void)
{
    sv_forward_off();
}

void sv_timeout_done(void)
{
    if (sv_fd >= 0)
        sv_write_all("untimed\n", 8);
}

static void sv_forwarded_mask(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < SV_NFORWARDED; i++)
        sigaddset(set, sv_forwarded[i]);
}

void sv_die_with_parent(void)
{
    if (!sv_supervised) /* --no-fork: no parent to die with */
        return;
    /* Checked after asking, in case the parent is already gone. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != sv_parent)
        _exit(EXIT_INTERRUPTED);
}

static void sv_register_atfork(void)
{
    pthread_atfork(NULL, NULL, sv_child_dies_with_parent);
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
    static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
    pthread_once(&atfork_once, sv_register_atfork);
    fflush(stdout);
    fflush(stderr);
    /* Forwarding is on before the fork (a signal right after it reaches the child), and the
     * signals wait until the child has its own handlers and the parent knows its pid. */
    sigset_t stop, old_mask;
    sv_forwarded_mask(&stop);
    sigprocmask(SIG_BLOCK, &stop, &old_mask);
    sv_forward_on();
    const pid_t parent = getpid();
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
        /* Its own process group: the parent kills the job and all it started at once. */
        sv_supervised = true;
        sv_parent = parent;
        sv_die_with_parent();
        setpgid(0, 0);
        /* forwarding is the parent's business: this child takes signals itself, by default
         * (not ignored because openndis was) */
        for (size_t i = 0; i < SV_NFORWARDED; i++)
            signal(sv_forwarded[i], SIG_DFL);
        memset((void *)sv_live, 0, sizeof sv_live);
        sv_forwarding = 0;
        sv_stop_signal = 0;
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
        close(fds[0]);
        if (sv_fd >= 0) /* a supervised process supervising in turn: its own pipe is not ours */
            close(sv_fd);
        sv_fd = fds[1];
        sv_my_phase = sv_shared_phase != NULL ? sv_shared_phase[slot] : NULL;
        sv_shared_phase = NULL; /* children of this one get a page of their own */
        sv_install_crash_handlers();
        struct json_object *report = job(arg);
        if (report != NULL)
            sv_send_report(report);
        _exit(0);
    }
    close(fds[1]);
    setpgid(pid, pid); /* as the child does: whichever runs first */
    c->pid = pid;
    c->fd = fds[0];
    c->pidfd = pidfd_open(pid, 0);
    if (c->pidfd >= 0) /* then the end is the pidfd's to tell: the pipe is drained, not waited on */
        fcntl(c->fd, F_SETFL, O_NONBLOCK);
    c->slot = slot;
    c->timeout = opt->timeout_seconds;
    c->image = opt->image;
    c->grace = opt->stop_grace_seconds ? opt->stop_grace_seconds : 3;
    c->deadline = sv_now() + opt->timeout_seconds;
    snprintf(c->phase, sizeof c->phase, "start");
    sv_live[slot] = pid;
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    return c;
}

/* Takes in what the child wrote: phase lines and its report. Returns what read() did. */
static ssize_t sv_read(struct sv_child *c)
{
    char *grown = array_reserve(c->buf, &c->cap, c->len + 4096, 1); /* room for one more read */
    if (grown == NULL) {
        c->ended = true;
        return -1;
    }
    c->buf = grown;
    ssize_t n = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return n;
    if (n <= 0) {
        c->fd_done = true;
        if (c->pidfd < 0) /* no pidfd: the closed pipe is the best sign of the end there is */
            c->ended = c->exited = true;
        return n;
    }
    c->len += (size_t)n;
    c->buf[c->len] = '\0';
    char *line = c->buf, *nl;
    while ((nl = memchr(line, '\n', c->len - (size_t)(line - c->buf))) != NULL) {
        *nl = '\0';
        if (strncmp(line, "phase ", 6) == 0)
            snprintf(c->phase, sizeof c->phase, "%s", line + 6);
        else if (strcmp(line, "untimed") == 0)
            c->timeout = 0;
        else if (strncmp(line, "report ", 7) == 0) {
            json_object_put(c->report);
            c->report = json_tokener_parse(line + 7);
        }
        line = nl + 1;
    }
    c->len -= (size_t)(line - c->buf);
    memmove(c->buf, line, c->len);
    return n;
}

/* A child past its deadline is asked for its stack (it answers with a report); one that
 * does not answer within 3 s is given up on. After a stop signal a child has its grace
 * period to end (run --edge tap halts its adapters) and is then killed with all it started:
 * a driver that blocks signals is not left running. */
static void sv_check_deadline(struct sv_child *c, double now)
{
    if (c->ended)
        return;
    if (sv_stop_signal != 0 && c->stop_deadline == 0)
        c->stop_deadline = now + c->grace;
    if (c->stop_deadline != 0 && now >= c->stop_deadline) {
        kill(-c->pid, SIGKILL);
        c->killed_on_stop = c->ended = true;
        return;
    }
    if (c->timeout == 0 || now < c->deadline)
        return;
    if (c->timed_out) {
        c->ended = true;
        return;
    }
    c->timed_out = true;
    kill(c->pid, SIGQUIT);
    c->deadline = now + 3;
}

/* The process has exited: what is left in its pipe is all it wrote (a child it forked may
 * still hold the pipe open, so no EOF is waited for). */
static void sv_drain(struct sv_child *c)
{
    while (!c->fd_done && !c->ended && sv_read(c) > 0)
        ;
    c->exited = c->ended = true;
}

size_t sv_wait_any(struct sv_child *const *children, size_t n)
{
    struct pollfd p[2 * SV_SLOTS_MAX];
    if (n > SV_SLOTS_MAX)
        n = SV_SLOTS_MAX;
    /* The stop signals are taken only inside ppoll: one arriving just before the wait still
     * wakes it, and the grace period starts. */
    sigset_t stop, old_mask;
    sv_forwarded_mask(&stop);
    sigprocmask(SIG_BLOCK, &stop, &old_mask);
    sigset_t during = old_mask;
    for (size_t i = 0; i < SV_NFORWARDED; i++)
        sigdelset(&during, sv_forwarded[i]);
    size_t done = n;
    while (done == n) {
        double now = sv_now(), soonest = 0;
        for (size_t i = 0; i < n && done == n; i++) {
            struct sv_child *c = children[i];
            sv_check_deadline(c, now);
            if (c->ended) {
                done = i;
                break;
            }
            double d = c->stop_deadline != 0 && (c->timeout == 0 || c->stop_deadline < c->deadline) ? c->stop_deadline
                       : c->timeout                                                                 ? c->deadline
                                                                                                    : 0;
            if (d != 0 && (soonest == 0 || d < soonest))
                soonest = d;
            p[2 * i] = (struct pollfd){ .fd = c->fd_done ? -1 : c->fd, .events = POLLIN };
            p[2 * i + 1] = (struct pollfd){ .fd = c->pidfd, .events = POLLIN };
        }
        if (done != n)
            break;
        struct timespec wait = { 0, 0 };
        if (soonest > now) {
            double left = soonest - now + 0.001;
            wait.tv_sec = (time_t)left;
            wait.tv_nsec = (long)((left - (double)wait.tv_sec) * 1e9);
        }
        int r = ppoll(p, 2 * n, soonest == 0 ? NULL : &wait, &during);
        if (r < 0 && errno != EINTR) { /* cannot happen with valid descriptors: give them all up */
            perror("openndis: poll");
            for (size_t i = 0; i < n; i++)
                children[i]->ended = true;
            done = 0;
            break;
        }
        for (size_t i = 0; r > 0 && i < n; i++) {
            if (p[2 * i].revents != 0)
                sv_read(children[i]);
            if (p[2 * i + 1].revents != 0)
                sv_drain(children[i]);
        }
    }
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    return done;
}

void sv_stop(struct sv_child *c)
{
    kill(-c->pid, SIGKILL);
    c->ended = true;
}

/* The report of a job the user stopped: what it was doing, and no verdict on the driver. */
static struct json_object *sv_interrupted_report(struct json_object *report, const char *phase)
{
    struct json_object *r = json_object_new_object(), *what = json_object_new_object(), *v;
    int sig = sv_stop_signal;
    json_object_object_add(what, "phase", json_object_new_string(phase));
    json_object_object_add(what, "signal", json_object_new_int(sig));
    json_object_object_add(what, "name", json_object_new_string(sigabbrev_np(sig) ? sigabbrev_np(sig) : "?"));
    json_object_object_add(r, "interrupted", what);
    if (report != NULL && json_object_object_get_ex(report, "violations", &v))
        json_object_object_add(r, "violations", json_object_get(v));
    else
        json_object_object_add(r, "violations", json_object_new_array());
    json_object_object_add(r, "verdict", json_object_new_string("interrupted"));
    json_object_put(report);
    return r;
}

struct json_object *sv_reap(struct sv_child *c)
{
    close(c->fd);
    /* The whole group goes: a job given up on, and whatever a finished one left behind (a
     * driver's forked child). The zombie keeps the group's id from being reused until the
     * wait below. */
    kill(-c->pid, SIGKILL);
    if (!c->exited)
        kill(c->pid, SIGKILL);
    sv_live[c->slot] = 0; /* before the wait: after it the pid may be someone else's */
    int status = 0;
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (c->pidfd >= 0)
        close(c->pidfd);
    sv_forward_off();
    if (sv_shared_phase != NULL) /* the child is gone: its last phase is all there */
        snprintf(c->phase, sizeof c->phase, "%.*s", (int)sizeof c->phase - 1, sv_shared_phase[c->slot]);
    struct json_object *report = c->report;
    pe_symbols_fill(report, c->image);
    const char *verdict = report != NULL ? json_str_field(report, "verdict") : NULL;
    bool lost = report == NULL || c->timed_out || c->killed_on_stop ||
                (verdict != NULL && (strcmp(verdict, "crash") == 0 || strcmp(verdict, "timeout") == 0));
    if (sv_stop_signal != 0 && lost) {
        /* Stopped by the user: a signal death, a hang cut short or a kill is not the driver's. */
        report = sv_interrupted_report(report, c->phase);
    } else if (c->timed_out) {
        struct json_object *lost_report = sv_lost_report("timeout", c->phase, 0, -1, c->timeout), *crash, *v;
        if (report != NULL && json_object_object_get_ex(report, "crash", &crash)) {
            struct json_object *t = json_object_object_get(lost_report, "timeout"), *bt;
            if (json_object_object_get_ex(crash, "backtrace", &bt))
                json_object_object_add(t, "backtrace", json_object_get(bt));
            if (json_object_object_get_ex(report, "violations", &v))
                json_object_object_add(lost_report, "violations", json_object_get(v));
            if (json_object_object_get_ex(report, "faults", &v))
                json_object_object_add(lost_report, "faults", json_object_get(v));
        }
        json_object_put(report);
        report = lost_report;
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

bool sv_unload(struct ld_image *image)
{
    ld_keep_mapped(image); /* until the check below says no thread runs its code */
    bool unloaded = ld_unload(image);
    if (vf_threads_after_unload((const void *)image->entry) == 0)
        ld_free(image);
    return unloaded;
}

struct json_object *sv_run(sv_job_fn job, void *arg, const struct sv_options *opt)
{
    if (opt->in_process) {
        struct json_object *report = job(arg);
        pe_symbols_fill(report, opt->image);
        return report;
    }
    struct sv_child *c = sv_spawn(job, arg, opt);
    if (c == NULL)
        return NULL;
    while (!c->ended)
        sv_wait_any(&c, 1);
    return sv_reap(c);
}
