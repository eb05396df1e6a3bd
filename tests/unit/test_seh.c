/* Structured exception handling: __try/__except/__finally/__leave, the raise routines, the
 * probes, access faults inside __try, per-thread frame chains, and the loud failures. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(__SANITIZE_ADDRESS__)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif

#include "kernel/ke.h"

/* ---- catching, filters, codes -------------------------------------------------------------- */
static void test_except_catches_raise(void **state)
{
    (void)state;
    volatile int reached_after_raise = 0, handled = 0;
    volatile NTSTATUS in_filter = 0, in_handler = 0;
    __try {
        ExRaiseStatus(STATUS_INVALID_USER_BUFFER);
        reached_after_raise = 1;
    } __except (in_filter = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
        in_handler = GetExceptionCode();
        handled = 1;
        PEXCEPTION_POINTERS ep = GetExceptionInformation();
        assert_int_equal(ep->ExceptionRecord->ExceptionCode, STATUS_INVALID_USER_BUFFER);
        assert_int_equal(ep->ExceptionRecord->ExceptionFlags, EXCEPTION_NONCONTINUABLE);
        assert_non_null(ep->ExceptionRecord->ExceptionAddress);
        assert_null(ep->ContextRecord);
    }
    assert_false(reached_after_raise);
    assert_true(handled);
    assert_int_equal(in_filter, STATUS_INVALID_USER_BUFFER);
    assert_int_equal(in_handler, STATUS_INVALID_USER_BUFFER);
    assert_int_equal(_exception_code(), STATUS_INVALID_USER_BUFFER);
}

static void test_normal_completion_runs_no_handler(void **state)
{
    (void)state;
    volatile int body = 0, handled = 0;
    __try {
        body = 1;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        handled = 1;
    }
    assert_true(body);
    assert_false(handled);
    /* The frame is gone: a raise now with no __try left would be unhandled, so raise inside
     * a fresh one and check it is this one that catches. */
    __try {
        ExRaiseAccessViolation();
    } __except (GetExceptionCode() == STATUS_ACCESS_VIOLATION) {
        handled = 2;
    }
    assert_int_equal(handled, 2);
}

static int filter_calls;
static LONG count_and_search(void)
{
    filter_calls++;
    return EXCEPTION_CONTINUE_SEARCH;
}

static void test_continue_search_reaches_outer(void **state)
{
    (void)state;
    volatile int inner = 0, outer = 0;
    filter_calls = 0;
    __try {
        __try {
            ExRaiseDatatypeMisalignment();
        } __except (count_and_search()) {
            inner = 1;
        }
    } __except (GetExceptionCode() == STATUS_DATATYPE_MISALIGNMENT ? EXCEPTION_EXECUTE_HANDLER
                                                                   : EXCEPTION_CONTINUE_SEARCH) {
        outer = 1;
    }
    assert_int_equal(filter_calls, 1);
    assert_false(inner);
    assert_true(outer);
}

/* ---- termination handlers --------------------------------------------------------------- */
static char order[16];
static size_t norder;
static void mark(char c)
{
    order[norder++] = c;
    order[norder] = '\0';
}

static void raise_through_two_finally(void)
{
    __try {
        __try {
            mark('b');
            ExRaiseStatus(STATUS_UNSUCCESSFUL);
        } __finally {
            mark(AbnormalTermination() ? 'I' : 'i');
        }
    } __finally {
        mark(AbnormalTermination() ? 'O' : 'o');
    }
}

static void test_finally_order_during_unwind(void **state)
{
    (void)state;
    norder = 0;
    __try {
        mark('a');
        raise_through_two_finally();
        mark('x');
    } __except (mark('f'), EXCEPTION_EXECUTE_HANDLER) {
        mark('h');
    }
    /* Filters run after the unwind reached their frame (docs/seh.md): inner finally, outer
     * finally, filter, handler. */
    assert_string_equal(order, "abIOfh");
}

static void test_finally_normal_and_leave(void **state)
{
    (void)state;
    volatile int after_leave = 0;
    norder = 0;
    __try {
        mark('b');
    } __finally {
        mark(AbnormalTermination() ? 'F' : 'f');
    }
    __try {
        mark('c');
        if (norder > 0)
            __leave;
        after_leave = 1;
    } __finally {
        mark(_abnormal_termination() ? 'G' : 'g');
    }
    /* __leave in a __try/__except: no handler, no frame left. */
    __try {
        __leave;
        after_leave = 2;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        mark('X');
    }
    assert_string_equal(order, "bfcg");
    assert_int_equal(after_leave, 0);
}

/* ---- jumps out of a __try body leave no stale frame ----------------------------------------- */
static int returns_from_try(void)
{
    __try {
        return 7;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        return -1;
    }
    return 0;
}

static void test_return_leaves_chain_clean(void **state)
{
    (void)state;
    volatile int outer = 0;
    __try {
        assert_int_equal(returns_from_try(), 7);
        assert_int_equal(returns_from_try(), 7);
        /* A stale frame of returns_from_try() would catch this (and jump into a dead stack). */
        ExRaiseStatus(STATUS_CANCELLED);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        outer = 1;
    }
    assert_true(outer);
}

static void test_break_continue_goto_reach_driver_loop(void **state)
{
    (void)state;
    volatile int i, handled = 0, bodies = 0; /* volatile: modified in __try bodies (docs/seh.md) */
    /* break in a handler leaves the driver's loop (the do/while(FALSE) pattern). */
    do {
        __try {
            ExRaiseStatus(STATUS_UNSUCCESSFUL);
        } __except (EXCEPTION_EXECUTE_HANDLER) {
            handled++;
            break;
        }
        handled = 100;
    } while (FALSE);
    assert_int_equal(handled, 1);
    /* continue and break in a __try body apply to the driver's loop too. */
    for (i = 0; i < 5; i++) {
        __try {
            bodies++;
            if (i < 2)
                continue;
            if (i == 3)
                break;
        } __except (EXCEPTION_EXECUTE_HANDLER) {
            handled = 200;
        }
    }
    assert_int_equal(i, 3);
    assert_int_equal(bodies, 4);
    __try {
        goto out;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        handled = 300;
    }
out:
    /* Nothing of those frames is left: this raise reaches the fresh frame. */
    __try {
        ExRaiseStatus(STATUS_TIMEOUT);
    } __except (GetExceptionCode() == STATUS_TIMEOUT) {
        handled = 2;
    }
    assert_int_equal(handled, 2);
}

/* ---- access faults ------------------------------------------------------------------------- */
static volatile int *volatile null_pointer;

/* UBSan's null check would report the NULL load itself before it faults (docs/seh.md):
 * here the load must reach the hardware, as it does in a driver built without UBSan. */
static int __attribute__((noinline, no_sanitize("undefined"))) read_through(volatile int *p)
{
    return *p;
}

static void test_null_deref_is_access_violation(void **state)
{
    (void)state;
    volatile NTSTATUS code = 0;
    volatile ULONG_PTR address = 1, kind = 9;
    volatile int value = 0;
    __try {
        value = read_through(null_pointer);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
        address = GetExceptionInformation()->ExceptionRecord->ExceptionInformation[1];
        kind = GetExceptionInformation()->ExceptionRecord->ExceptionInformation[0];
    }
    assert_int_equal(code, STATUS_ACCESS_VIOLATION);
    assert_int_equal(address, 0);
#if defined(__x86_64__)
    assert_int_equal(kind, 0); /* a read */
#endif
    /* A write to a read-only page, twice: the handler gave the thread its signal mask back. */
    long page = sysconf(_SC_PAGESIZE);
    volatile char *ro = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(ro != MAP_FAILED);
    for (volatile int round = 0; round < 2; round++) { /* volatile: -Wclobbered at -O2 */
        code = 0;
        __try {
            ro[10] = 1;
        } __except (EXCEPTION_EXECUTE_HANDLER) {
            code = GetExceptionCode();
            address = GetExceptionInformation()->ExceptionRecord->ExceptionInformation[1];
            kind = GetExceptionInformation()->ExceptionRecord->ExceptionInformation[0];
        }
        assert_int_equal(code, STATUS_ACCESS_VIOLATION);
        assert_int_equal(address, (ULONG_PTR)(ro + 10));
#if defined(__x86_64__)
        assert_int_equal(kind, 1); /* a write */
#endif
    }
    munmap((void *)ro, (size_t)page);
    (void)value;
}

/* SIGBUS too: a mapping past the end of its file. */
static void test_bus_error_is_access_violation(void **state)
{
    (void)state;
    FILE *file = tmpfile();
    assert_non_null(file);
    long page = sysconf(_SC_PAGESIZE);
    volatile char *beyond = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fileno(file), 0);
    assert_true(beyond != MAP_FAILED);
    volatile NTSTATUS code = 0;
    volatile ULONG_PTR address = 0;
    __try {
        (void)beyond[8]; /* the file is empty: no page backs this */
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
        address = GetExceptionInformation()->ExceptionRecord->ExceptionInformation[1];
    }
    assert_int_equal(code, STATUS_ACCESS_VIOLATION);
    assert_int_equal(address, (ULONG_PTR)(beyond + 8));
    munmap((void *)beyond, (size_t)page);
    fclose(file);
}

/* A fault outside every __try still reaches the handler that was there before. */
static sigjmp_buf previous_jump;
static volatile sig_atomic_t previous_called;
static void previous_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    (void)ctx;
    previous_called = 1;
    siglongjmp(previous_jump, 1);
}

static void test_fault_outside_try_chains(void **state)
{
    (void)state;
    struct sigaction sa = { .sa_sigaction = previous_handler, .sa_flags = SA_SIGINFO | SA_NODEFER }, old;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old);
    volatile int caught = 0;
    __try { /* arms OpenNDIS's handler in front of previous_handler */
        (void)read_through(null_pointer);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        caught = 1;
    }
    assert_true(caught);
    previous_called = 0;
    if (sigsetjmp(previous_jump, 1) == 0)
        (void)read_through(null_pointer);
    assert_true(previous_called);
    sigaction(SIGSEGV, &old, NULL);
}

/* ---- probes ----------------------------------------------------------------------------------- */
static NTSTATUS probe(bool write, const volatile void *p, SIZE_T length, ULONG alignment)
{
    volatile NTSTATUS status = STATUS_SUCCESS;
    __try {
        if (write)
            ProbeForWrite((volatile void *)p, length, alignment);
        else
            ProbeForRead(p, length, alignment);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}

static void test_probes(void **state)
{
    (void)state;
    long page = sysconf(_SC_PAGESIZE);
    char *rw = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(rw != MAP_FAILED);
    memset(rw, 0x5a, 2 * (size_t)page);
    for (int w = 0; w < 2; w++) {
        assert_int_equal(probe(w, rw, 2 * (size_t)page, 4), STATUS_SUCCESS);
        assert_int_equal(probe(w, rw + 1, 16, 4), STATUS_DATATYPE_MISALIGNMENT);
        assert_int_equal(probe(w, rw + 2, 16, 2), STATUS_SUCCESS);
        /* Length 0 checks nothing, not even alignment or range. */
        assert_int_equal(probe(w, (void *)(ULONG_PTR)0xffffffffffff0001ULL, 0, 8), STATUS_SUCCESS);
        /* Beyond user space, and a range that wraps. */
        assert_int_equal(probe(w, (void *)(ULONG_PTR)0xffff800000000000ULL, 16, 1), STATUS_ACCESS_VIOLATION);
        assert_int_equal(probe(w, rw, (SIZE_T)-16, 1), STATUS_ACCESS_VIOLATION);
    }
    for (int i = 0; i < 2 * page; i++)
        if (rw[i] != 0x5a)
            fail_msg("ProbeForWrite changed byte %d", i);
    /* ProbeForWrite touches each page: the second page read-only fails it, ProbeForRead not. */
    assert_int_equal(mprotect(rw + page, (size_t)page, PROT_READ), 0);
    assert_int_equal(probe(false, rw, 2 * (size_t)page, 1), STATUS_SUCCESS);
    assert_int_equal(probe(true, rw, 2 * (size_t)page, 1), STATUS_ACCESS_VIOLATION);
    assert_int_equal(probe(true, rw, (size_t)page, 1), STATUS_SUCCESS);
    munmap(rw, 2 * (size_t)page);
}

static NTSTATUS probe_and_lock(PMDL mdl, LOCK_OPERATION op)
{
    volatile NTSTATUS status = STATUS_SUCCESS;
    __try {
        MmProbeAndLockPages(mdl, UserMode, op);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}

static void test_probe_and_lock_pages(void **state)
{
    (void)state;
    long page = sysconf(_SC_PAGESIZE);
    char *buf = mmap(NULL, 3 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(buf != MAP_FAILED);
    char *va = buf + 100;
    MDL mdl = { .Size = sizeof(MDL), .StartVa = PAGE_ALIGN(va), .ByteOffset = BYTE_OFFSET(va),
                .ByteCount = (ULONG)(2 * page) };
    assert_int_equal(probe_and_lock(&mdl, IoWriteAccess), STATUS_SUCCESS);
    assert_true(mdl.MdlFlags & MDL_PAGES_LOCKED);
    assert_true(mdl.MdlFlags & MDL_WRITE_OPERATION);
    MmUnlockPages(&mdl);
    assert_false(mdl.MdlFlags & (MDL_PAGES_LOCKED | MDL_WRITE_OPERATION));

    assert_int_equal(mprotect(buf + 2 * page, (size_t)page, PROT_READ), 0);
    assert_int_equal(probe_and_lock(&mdl, IoReadAccess), STATUS_SUCCESS);
    assert_true(mdl.MdlFlags & MDL_PAGES_LOCKED);
    MmUnlockPages(&mdl);
    assert_int_equal(probe_and_lock(&mdl, IoModifyAccess), STATUS_ACCESS_VIOLATION);
    assert_false(mdl.MdlFlags & MDL_PAGES_LOCKED);
    assert_int_equal(mprotect(buf + 2 * page, (size_t)page, PROT_NONE), 0);
    assert_int_equal(probe_and_lock(&mdl, IoReadAccess), STATUS_ACCESS_VIOLATION);
    munmap(buf, 3 * (size_t)page);
}

/* ---- threads ------------------------------------------------------------------------------- */
static pthread_barrier_t both_inside, a_raised;

static void *thread_a(void *arg)
{
    volatile int *result = arg;
    __try {
        pthread_barrier_wait(&both_inside);
        ExRaiseStatus(STATUS_DEVICE_NOT_READY);
    } __except (GetExceptionCode() == STATUS_DEVICE_NOT_READY) {
        *result = 1;
    }
    pthread_barrier_wait(&a_raised);
    return NULL;
}

static void *thread_b(void *arg)
{
    volatile int *result = arg;
    __try {
        pthread_barrier_wait(&both_inside);
        /* A's raise must not land here while this frame is live. */
        pthread_barrier_wait(&a_raised);
        *result = 2;
        (void)read_through(null_pointer);
        *result = 3;
    } __except (GetExceptionCode() == STATUS_ACCESS_VIOLATION) {
        *result += 10;
    }
    return NULL;
}

static void test_threads_have_own_chains(void **state)
{
    (void)state;
    volatile int a = 0, b = 0;
    pthread_t ta, tb;
    pthread_barrier_init(&both_inside, NULL, 2);
    pthread_barrier_init(&a_raised, NULL, 2);
    assert_int_equal(pthread_create(&ta, NULL, thread_a, (void *)&a), 0);
    assert_int_equal(pthread_create(&tb, NULL, thread_b, (void *)&b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_barrier_destroy(&both_inside);
    pthread_barrier_destroy(&a_raised);
    assert_int_equal(a, 1);
    assert_int_equal(b, 12);
}

/* ---- loud failures, each in a child process ------------------------------------------------- */
struct child_result {
    int signal;
    char err[2048];
};

static struct sigaction startup_segv; /* ASan's handler in ASan builds, else the default */

static struct child_result run_child(void (*fn)(void))
{
    struct child_result r = { 0 };
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        signal(SIGABRT, SIG_DFL);
        sigaction(SIGSEGV, &startup_segv, NULL); /* not cmocka's, which would carry on testing */
        fn();
        _exit(0);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], r.err + len, sizeof r.err - 1 - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return r;
}

static void raise_unhandled(void)
{
    ExRaiseStatus(STATUS_INVALID_USER_BUFFER);
}

static void raise_through_finally_only(void)
{
    __try {
        ExRaiseStatus(STATUS_ACCESS_VIOLATION);
    } __finally {
        fputs("finally ran\n", stderr); /* Windows finds no handler first and runs none */
    }
}

static void continue_execution(void)
{
    __try {
        ExRaiseStatus(STATUS_UNSUCCESSFUL);
    } __except (EXCEPTION_CONTINUE_EXECUTION) {
    }
}

static int return_from_finally_body(void)
{
    __try {
        return 1;
    } __finally {
        fputs("finally ran\n", stderr);
    }
    return 0;
}
static void return_out_of_finally_body(void)
{
    (void)return_from_finally_body();
}

static void fault_outside_try(void)
{
    __try {
    } __except (EXCEPTION_EXECUTE_HANDLER) {
    }
    (void)read_through(null_pointer);
}

static void test_loud_failures(void **state)
{
    (void)state;
    struct child_result r = run_child(raise_unhandled);
    assert_int_equal(r.signal, SIGABRT);
    assert_non_null(strstr(r.err, "unhandled exception STATUS_INVALID_USER_BUFFER (0xC00000E8)"));
    /* the raise site: file:line, or the function where the symbolizer finds no line */
    assert_true(strstr(r.err, "test_seh.c") != NULL || strstr(r.err, "raise_unhandled") != NULL);

    r = run_child(raise_through_finally_only);
    assert_int_equal(r.signal, SIGABRT);
    assert_non_null(strstr(r.err, "unhandled exception STATUS_ACCESS_VIOLATION"));
    assert_null(strstr(r.err, "finally ran"));

    r = run_child(continue_execution);
    assert_int_equal(r.signal, SIGABRT);
    assert_non_null(strstr(r.err, "EXCEPTION_CONTINUE_EXECUTION for STATUS_UNSUCCESSFUL"));

    r = run_child(return_out_of_finally_body);
    assert_int_equal(r.signal, SIGABRT);
    assert_non_null(strstr(r.err, "has a __finally block"));
    assert_null(strstr(r.err, "finally ran"));

    /* Outside every __try the fault is the crash it always was (ASan reports it as its own). */
    r = run_child(fault_outside_try);
#if defined(__SANITIZE_ADDRESS__)
    assert_non_null(strstr(r.err, "AddressSanitizer: SEGV on unknown address"));
#else
    assert_int_equal(r.signal, SIGSEGV);
#endif
}

int main(void)
{
    sigaction(SIGSEGV, NULL, &startup_segv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_except_catches_raise),
        cmocka_unit_test(test_normal_completion_runs_no_handler),
        cmocka_unit_test(test_continue_search_reaches_outer),
        cmocka_unit_test(test_finally_order_during_unwind),
        cmocka_unit_test(test_finally_normal_and_leave),
        cmocka_unit_test(test_return_leaves_chain_clean),
        cmocka_unit_test(test_break_continue_goto_reach_driver_loop),
        cmocka_unit_test(test_null_deref_is_access_violation),
        cmocka_unit_test(test_bus_error_is_access_violation),
        cmocka_unit_test(test_fault_outside_try_chains),
        cmocka_unit_test(test_probes),
        cmocka_unit_test(test_probe_and_lock_pages),
        cmocka_unit_test(test_threads_have_own_chains),
        cmocka_unit_test(test_loud_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
