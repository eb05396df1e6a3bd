/* ND1903: threads still running the driver's code once MiniportDriverUnload has returned.
 * Each thread of the process is asked, with a signal, for its stack; one with frames in the
 * driver is reported by the outermost of them (its start routine) and where it is now. The
 * caller then keeps the code mapped: unmapped under a running thread, it would crash at a
 * moment that depends on timing, and the run would pass or crash by chance. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <gnu/libc-version.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vf.h"

#define VF_THREAD_FRAMES 64
static void *vf_thread_frames[VF_THREAD_FRAMES];
static _Atomic int vf_thread_nframes;
static _Atomic pid_t vf_thread_asked; /* a late answer from a thread no longer asked is dropped */
static sem_t vf_thread_answered;

static void vf_thread_answer(int sig)
{
    (void)sig;
    if (gettid() != atomic_load(&vf_thread_asked))
        return;
    int n = backtrace(vf_thread_frames, VF_THREAD_FRAMES);
    atomic_store(&vf_thread_nframes, n);
    sem_post(&vf_thread_answered); /* async-signal-safe */
}

/* The frames of thread `tid`, or -1 if it does not answer within 100 ms (it blocks the
 * signal, or has ended). */
static int vf_thread_stack(pid_t tid, int sig)
{
    atomic_store(&vf_thread_nframes, -1);
    atomic_store(&vf_thread_asked, tid);
    while (sem_trywait(&vf_thread_answered) == 0) /* a late answer to an earlier question */
        ;
    if (tgkill(getpid(), tid, sig) != 0)
        return -1;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 100 * 1000 * 1000;
    if (until.tv_nsec >= 1000 * 1000 * 1000) {
        until.tv_sec++;
        until.tv_nsec -= 1000 * 1000 * 1000;
    }
    while (atomic_load(&vf_thread_nframes) < 0 &&
           (sem_clockwait(&vf_thread_answered, CLOCK_MONOTONIC, &until) == 0 || errno == EINTR))
        ;
    int n = atomic_load(&vf_thread_nframes);
    atomic_store(&vf_thread_asked, 0);
    return n;
}

/* A sanitizer's runtime: like libc, it runs a new thread's first frames (asan_thread_start)
 * before the thread's own start routine. */
static bool vf_sanitizer_runtime(const char *path)
{
    static const char *const names[] = { "/libasan.", "/libtsan.", "/libubsan.", "/liblsan.", "/libclang_rt." };
    for (size_t k = 0; path != NULL && k < sizeof names / sizeof names[0]; k++)
        if (strstr(path, names[k]) != NULL)
            return true;
    return false;
}

/* Whether the answered stack has code of its own below the signal handler: anything outside
 * libc and a sanitizer's runtime (the driver, OpenNDIS), as opposed to a thread still in its
 * creation. */
static bool vf_thread_started(int n, const void *libc)
{
    /* The handler's frame: by its symbol, or, where it has none (a program's own static
     * functions), the first frame in its module (a sanitizer's backtrace may come before). */
    Dl_info self;
    const void *own = dladdr((const void *)vf_thread_answer, &self) != 0 ? self.dli_fbase : NULL;
    int i = 0, first_own = -1;
    for (Dl_info in; i < n; i++)
        if (dladdr(vf_thread_frames[i], &in) != 0) {
            if (in.dli_saddr == (void *)vf_thread_answer)
                break;
            if (first_own < 0 && in.dli_fbase == own)
                first_own = i;
        }
    if (i == n)
        i = first_own < 0 ? n : first_own;
    for (i++; i < n; i++) {
        Dl_info in;
        if (dladdr(vf_thread_frames[i], &in) != 0 && in.dli_fbase != libc && !vf_sanitizer_runtime(in.dli_fname))
            return true;
    }
    return false;
}

static void vf_thread_sem_init(void)
{
    sem_init(&vf_thread_answered, 0, 0);
}

size_t vf_threads_after_unload(const void *driver_code)
{
    Dl_info self;
    if (driver_code == NULL || dladdr(driver_code, &self) == 0)
        return 0;
    const void *base = self.dli_fbase;
    Dl_info libc_info;
    const void *libc = dladdr((const void *)gnu_get_libc_version, &libc_info) != 0 ? libc_info.dli_fbase : NULL;
    DIR *d = opendir("/proc/self/task");
    if (d == NULL)
        return 0;
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, vf_thread_sem_init);
    const int sig = SIGRTMIN + 7;
    bool asking = false;
    size_t found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        pid_t tid = (pid_t)atoi(e->d_name);
        if (tid <= 0 || tid == gettid())
            continue;
        if (!asking) { /* only with another thread to ask: most runs have none */
            void *warm[4];
            backtrace(warm, 4); /* its first call loads the unwinder: not in a signal handler */
            /* Installed for good: a thread answering after its 100 ms must find it, not the
             * default action, which ends the process. */
            struct sigaction sa = { .sa_handler = vf_thread_answer, .sa_flags = SA_RESTART };
            sigemptyset(&sa.sa_mask);
            sigaction(sig, &sa, NULL);
            asking = true;
        }
        /* A thread just created may not have reached its start routine yet: only libc on its
         * stack. Ask again until it has (a fresh thread gets there in microseconds). */
        int n = vf_thread_stack(tid, sig);
        for (int again = 0; n > 0 && !vf_thread_started(n, libc) && again < 100; again++) {
            nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL);
            n = vf_thread_stack(tid, sig);
        }
        const void *outer = NULL, *inner = NULL;
        for (int i = 0; i < n; i++) {
            Dl_info in;
            if (dladdr(vf_thread_frames[i], &in) != 0 && in.dli_fbase == base) {
                if (inner == NULL)
                    inner = vf_thread_frames[i];
                outer = vf_thread_frames[i];
            }
        }
        if (outer == NULL)
            continue;
        struct vf_location start, now;
        vf_locate(outer, true, &start);
        vf_locate(inner, true, &now);
        char where[160] = "";
        if (strcmp(now.function, start.function) != 0)
            snprintf(where, sizeof where, " (now in %s)", now.function[0] ? now.function : "?");
        vf_report(VF_THREAD_AFTER_UNLOAD, "MiniportDriverUnload", outer, false,
                  "a thread started in %s is still running the driver's code%s after MiniportDriverUnload "
                  "returned; the driver must stop its threads and wait for them before it returns from unload",
                  start.function[0] ? start.function : "?", where);
        found++;
    }
    closedir(d);
    return found;
}
