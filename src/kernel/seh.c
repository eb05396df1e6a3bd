/* Structured exception handling: the per-thread frame chain behind include/excpt.h's
 * __try/__except/__finally, the raise routines (ExRaiseStatus and friends), the probes
 * that raise (ProbeForRead/ProbeForWrite; MmProbeAndLockPages in ndis/mdl.c), and the
 * SIGSEGV/SIGBUS handler that turns an access fault inside a __try into
 * STATUS_ACCESS_VIOLATION. docs/seh.md has the design and its limits. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

#include "ke.h"
#include "ob.h"

/* Exceptions carry NTSTATUS values: name them by their NT names first (the NDIS table
 * would call 0xC0000001 NDIS_STATUS_FAILURE). */
static const char *ke_seh_status_name(NTSTATUS status)
{
#define S(x) { #x, x }
    static const struct { const char *name; NTSTATUS value; } names[] = {
        S(STATUS_UNSUCCESSFUL), S(STATUS_ACCESS_VIOLATION), S(STATUS_DATATYPE_MISALIGNMENT),
        S(STATUS_INVALID_PARAMETER), S(STATUS_INSUFFICIENT_RESOURCES), S(STATUS_INVALID_USER_BUFFER),
        S(STATUS_NONCONTINUABLE_EXCEPTION), S(STATUS_INVALID_DEVICE_REQUEST), S(STATUS_BUFFER_TOO_SMALL),
        S(STATUS_NOT_SUPPORTED), S(STATUS_INTEGER_OVERFLOW),
    };
#undef S
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].value == status)
            return names[i].name;
    return ke_status_name(status);
}

/* Frames live in a per-thread array, not on the C stack: the __try expansion has no
 * declaration that could hold one across both the body and the handler. */
#define KE_SEH_DEPTH 64

struct ke_seh_frame {
    jmp_buf jb;
    const char *file;
    int line;
    int kind; /* OPENNDIS_SEH_EXCEPT or OPENNDIS_SEH_FINALLY, set before the body runs */
};

struct ke_seh_thread {
    unsigned depth;
    bool unwinding;        /* `record` is on its way to a __finally block */
    bool raised_by_call;   /* ExceptionAddress is a return address (ExRaiseStatus's caller) */
    EXCEPTION_RECORD record; /* the exception being dispatched, or the last one handled */
    EXCEPTION_POINTERS pointers;
    const struct ke_seh_frame *target; /* the frame the exception was last delivered to */
    struct ke_seh_frame frames[KE_SEH_DEPTH];
};

/* Initial-exec: the fault handler reads it, and must not allocate to find it. */
static _Thread_local OPENNDIS_TLS struct ke_seh_thread *ke_seh_self;
static pthread_key_t ke_seh_key;
static pthread_once_t ke_seh_once = PTHREAD_ONCE_INIT;

static void ke_seh_key_init(void)
{
    pthread_key_create(&ke_seh_key, free);
}

static struct ke_seh_thread *ke_seh_thread(void)
{
    struct ke_seh_thread *t = ke_seh_self;
    if (t != NULL)
        return t;
    pthread_once(&ke_seh_once, ke_seh_key_init);
    t = calloc(1, sizeof *t);
    if (t == NULL) {
        fprintf(stderr, "openndis: out of memory for this thread's exception frames\n");
        abort();
    }
    pthread_setspecific(ke_seh_key, t); /* freed when the thread ends */
    ke_seh_self = t;
    return t;
}

/* ---- access faults ---------------------------------------------------------------------- */
/* What handled each signal before OpenNDIS's handler went in front: SIGSEGV, SIGBUS, and
 * for PE images (whose faults include divisions by zero and bad instructions) SIGFPE and
 * SIGILL. */
static const int ke_seh_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
#define KE_SEH_NSIGNALS (sizeof ke_seh_signals / sizeof ke_seh_signals[0])
static struct sigaction ke_seh_prev[KE_SEH_NSIGNALS];
static pthread_mutex_t ke_seh_arm_lock = PTHREAD_MUTEX_INITIALIZER;

static bool ke_seh_has_except(const struct ke_seh_thread *t)
{
    for (unsigned i = 0; i < t->depth; i++)
        if (t->frames[i].kind != OPENNDIS_SEH_FINALLY)
            return true;
    return false;
}

static _Noreturn void ke_seh_dispatch(struct ke_seh_thread *t);

/* A fault outside every __try (or with only __finally frames, which Windows would not
 * unwind either) goes on to whoever handled it before: OpenNDIS's crash report, ASan, or
 * the default action. */
static void ke_seh_chain(int sig, siginfo_t *si, void *context)
{
    const struct sigaction *prev = &ke_seh_prev[0];
    for (size_t i = 0; i < KE_SEH_NSIGNALS; i++)
        if (ke_seh_signals[i] == sig)
            prev = &ke_seh_prev[i];
    if (prev->sa_flags & SA_SIGINFO)
        prev->sa_sigaction(sig, si, context); /* it may return (fault fixed), jump away, or end the process */
    else if (prev->sa_handler == SIG_DFL || prev->sa_handler == SIG_IGN)
        signal(sig, SIG_DFL); /* the faulting instruction runs again and takes the default action */
    else
        prev->sa_handler(sig);
}

static void ke_seh_on_fault(int sig, siginfo_t *si, void *context)
{
    struct ke_seh_thread *t = ke_seh_self;
#if defined(__x86_64__)
    /* A fault in a PE image goes to the image's own handlers first: it returns only when none
     * takes it (seh_pe.c). */
    ke_pe_dispatch_fault(sig, si, context);
#endif
    if (t == NULL || !ke_seh_has_except(t) || sig == SIGFPE || sig == SIGILL) {
        ke_seh_chain(sig, si, context);
        return;
    }
    ucontext_t *uc = context;
    EXCEPTION_RECORD *r = &t->record;
    *r = (EXCEPTION_RECORD){ .ExceptionCode = STATUS_ACCESS_VIOLATION };
#if defined(__x86_64__)
    r->ExceptionAddress = (PVOID)uc->uc_mcontext.gregs[REG_RIP];
#else
    r->ExceptionAddress = (PVOID)uc->uc_mcontext.pc;
#endif
    if (sig == SIGBUS && si->si_code == BUS_ADRALN) {
        r->ExceptionCode = STATUS_DATATYPE_MISALIGNMENT;
    } else {
        /* [0] read (0) or write (1), [1] the address, as Windows fills them. */
        r->NumberParameters = 2;
#if defined(__x86_64__)
        r->ExceptionInformation[0] = (uc->uc_mcontext.gregs[REG_ERR] & 2) ? 1 : 0;
#endif
        r->ExceptionInformation[1] = (ULONG_PTR)si->si_addr;
    }
    t->raised_by_call = false;
    /* The jump leaves the handler for good: give the thread back the mask it had. */
    pthread_sigmask(SIG_SETMASK, &uc->uc_sigmask, NULL);
    ke_seh_dispatch(t);
}

/* Installs the fault handler in front of whatever is there now. Checked on each outermost
 * __try, because a crash handler installed later (openndis's supervisor installs one in
 * the driver's process) would otherwise take faults away from the __try frames. */
static bool ke_seh_in_front(int sig)
{
    struct sigaction cur;
    return sigaction(sig, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == ke_seh_on_fault;
}

void ke_seh_arm(void)
{
    if (ke_seh_in_front(SIGSEGV))
        return;
    pthread_mutex_lock(&ke_seh_arm_lock);
    struct sigaction sa = { .sa_sigaction = ke_seh_on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < KE_SEH_NSIGNALS; i++)
        if (!ke_seh_in_front(ke_seh_signals[i]))
            sigaction(ke_seh_signals[i], &sa, &ke_seh_prev[i]);
    pthread_mutex_unlock(&ke_seh_arm_lock);
}

/* ---- raising and dispatching -------------------------------------------------------------- */
static _Noreturn void ke_seh_unhandled(const EXCEPTION_RECORD *r, bool raised_by_call)
{
    const char *name = ke_seh_status_name(r->ExceptionCode);
    struct vf_location loc;
    char where[512] = "?";
    vf_locate(r->ExceptionAddress, raised_by_call, &loc);
    vf_location_format(&loc, where, sizeof where);
    fprintf(stderr,
            "openndis: unhandled exception %s (0x%08X) raised at %s: no __except on this thread "
            "handles it (on Windows: bug check 0x1E KMODE_EXCEPTION_NOT_HANDLED)\n",
            name ? name : "status", (unsigned)r->ExceptionCode, where);
    /* Like the bug check: stop now; the supervisor reports the abort with its backtrace. */
    abort();
}

/* Delivers t->record to the innermost frame. When no frame out to the last can handle it
 * (only __finally frames), it is unhandled before any __finally runs, as on Windows,
 * whose first pass finds no handler before the unwind starts. */
static _Noreturn void ke_seh_dispatch(struct ke_seh_thread *t)
{
    if (!ke_seh_has_except(t))
        ke_seh_unhandled(&t->record, t->raised_by_call);
    struct ke_seh_frame *f = &t->frames[--t->depth];
    t->unwinding = f->kind == OPENNDIS_SEH_FINALLY;
    t->target = f;
    longjmp(f->jb, 1);
}

static _Noreturn void ke_seh_raise(const EXCEPTION_RECORD *r, bool raised_by_call)
{
    struct ke_seh_thread *t = ke_seh_self;
#if defined(__x86_64__)
    /* Raised for a PE image's call (ExRaiseStatus, a probe): its handlers come first, unless
     * an OpenNDIS __try is nearer. Returns only when none takes it. */
    ke_pe_raise(r, t != NULL ? t->depth : 0);
#endif
    if (t == NULL || t->depth == 0)
        ke_seh_unhandled(r, raised_by_call);
    t->record = *r;
    t->raised_by_call = raised_by_call;
    ke_seh_dispatch(t);
}

unsigned ke_seh_depth(void)
{
    return ke_seh_self != NULL ? ke_seh_self->depth : 0;
}

/* ---- the runtime the keywords expand to --------------------------------------------------- */
NTSYSAPI jmp_buf *openndis_seh_enter(const char *file, int line)
{
    struct ke_seh_thread *t = ke_seh_thread();
    if (t->depth == 0)
        ke_seh_arm();
    if (t->depth == KE_SEH_DEPTH) {
        fprintf(stderr, "openndis: __try at %s:%d nests deeper than %d frames on one thread\n", file, line,
                KE_SEH_DEPTH);
        abort();
    }
    struct ke_seh_frame *f = &t->frames[t->depth++];
    f->file = file;
    f->line = line;
    f->kind = 0;
    return &f->jb;
}

NTSYSAPI void *openndis_seh_top(void)
{
    struct ke_seh_thread *t = ke_seh_self;
    return &t->frames[t->depth - 1];
}

NTSYSAPI void openndis_seh_kind(int kind)
{
    struct ke_seh_thread *t = ke_seh_self;
    t->frames[t->depth - 1].kind = kind;
}

NTSYSAPI void openndis_seh_done(void)
{
    ke_seh_self->depth--;
}

NTSYSAPI void openndis_seh_body_exit(void **frame)
{
    struct ke_seh_thread *t = ke_seh_self;
    struct ke_seh_frame *f = *frame;
    unsigned index = (unsigned)(f - t->frames);
    if (index >= t->depth)
        return; /* the body ended normally or by __leave: already popped */
    /* return, goto, break or continue out of the body. Inner bodies were left first (their
     * cleanups ran before this one), so this frame is the innermost. */
    if (index != t->depth - 1) {
        fprintf(stderr, "openndis: __try frame chain corrupt at %s:%d\n", f->file, f->line);
        abort();
    }
    if (f->kind == OPENNDIS_SEH_FINALLY) {
        /* MSVC would run the __finally block and then complete the jump; plain C cannot run a
         * block that lies after the jump's target. Stopping beats skipping the cleanup. */
        fprintf(stderr,
                "openndis: return, goto, break or continue left the __try body at %s:%d, which has a "
                "__finally block; OpenNDIS cannot run the block on that path (use __leave)\n",
                f->file, f->line);
        abort();
    }
    t->depth--;
}

NTSYSAPI int openndis_seh_filter(LONG result)
{
    struct ke_seh_thread *t = ke_seh_self;
    if (result > 0)
        return 1;
    if (result == 0)
        ke_seh_dispatch(t); /* EXCEPTION_CONTINUE_SEARCH: the next frame out */
    const char *name = ke_seh_status_name(t->record.ExceptionCode);
    fprintf(stderr,
            "openndis: the __except filter at %s:%d returned EXCEPTION_CONTINUE_EXECUTION for %s (0x%08X); "
            "OpenNDIS cannot resume where it was raised, because the filter runs after the stack was "
            "unwound to its frame\n",
            t->target->file, t->target->line, name ? name : "status", (unsigned)t->record.ExceptionCode);
    abort();
}

NTSYSAPI struct openndis_seh_termination openndis_seh_finally_begin(void)
{
    struct openndis_seh_termination term = { 0 };
    struct ke_seh_thread *t = ke_seh_self;
    if (t != NULL && t->unwinding) {
        term.abnormal = 1;
        term.record = t->record;
        term.file = t->target->file;
        term.line = t->target->line;
        t->unwinding = false;
    }
    return term;
}

NTSYSAPI int openndis_seh_finally_next(struct openndis_seh_termination *term)
{
    if (term->state++ == 0)
        return 1;
    if (term->abnormal) {
        /* The block ran for an exception: pass it on to the next frame out. */
        struct ke_seh_thread *t = ke_seh_self;
        t->record = term->record;
        ke_seh_dispatch(t);
    }
    return 0;
}

NTSYSAPI void openndis_seh_finally_exit(struct openndis_seh_termination *term)
{
    if (term->state >= 2 || !term->abnormal)
        return;
    const char *name = ke_seh_status_name(term->record.ExceptionCode);
    fprintf(stderr,
            "openndis: the __finally block at %s:%d was left by return, goto or break while %s (0x%08X) "
            "unwound through it; OpenNDIS does not dismiss an exception that way\n",
            term->file, term->line, name ? name : "an exception", (unsigned)term->record.ExceptionCode);
    abort();
}

NTSYSAPI NTSTATUS openndis_seh_exception_code(void)
{
    struct ke_seh_thread *t = ke_seh_self;
    return t != NULL ? t->record.ExceptionCode : STATUS_SUCCESS;
}

NTSYSAPI PEXCEPTION_POINTERS openndis_seh_exception_pointers(void)
{
    struct ke_seh_thread *t = ke_seh_thread();
    t->pointers.ExceptionRecord = &t->record;
    t->pointers.ContextRecord = NULL;
    return &t->pointers;
}

/* ---- raise routines ----------------------------------------------------------------------- */
static _Noreturn void ke_seh_raise_status(NTSTATUS status, const void *site)
{
    EXCEPTION_RECORD r = {
        .ExceptionCode = status,
        .ExceptionFlags = EXCEPTION_NONCONTINUABLE,
        .ExceptionAddress = (PVOID)site,
    };
    ke_seh_raise(&r, true);
}

NTKERNELAPI DECLSPEC_NORETURN VOID ExRaiseStatus(NTSTATUS Status)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(APC_LEVEL, "ExRaiseStatus", site);
    ke_seh_raise_status(Status, site);
}

NTKERNELAPI DECLSPEC_NORETURN VOID ExRaiseAccessViolation(VOID)
{
    ke_seh_raise_status(STATUS_ACCESS_VIOLATION, VF_CALLER);
}

NTKERNELAPI DECLSPEC_NORETURN VOID ExRaiseDatatypeMisalignment(VOID)
{
    ke_seh_raise_status(STATUS_DATATYPE_MISALIGNMENT, VF_CALLER);
}

/* ---- probes ------------------------------------------------------------------------------- */
/* The end of user space on Linux (TASK_SIZE with 4-level paging on x86-64, 48-bit VA on
 * AArch64): everything a driver here touches is a user address, so the probes can only
 * reject ranges beyond it or wrapping around. */
#if defined(__x86_64__)
#define KE_USER_PROBE_ADDRESS 0x00007FFFFFFFF000ULL
#else
#define KE_USER_PROBE_ADDRESS 0x0001000000000000ULL
#endif

static bool ke_user_range_ok(const void *address, SIZE_T length)
{
    ULONG_PTR start = (ULONG_PTR)address, end = start + length;
    return end >= start && end <= KE_USER_PROBE_ADDRESS;
}

/* A locked OR of zero: a write access that changes nothing, even under a concurrent writer.
 * In assembly because compilers turn an idempotent atomic (add 0) into a plain load, which
 * would not fault on a read-only page. */
static inline void ke_touch_for_write(volatile UCHAR *p)
{
#if defined(__x86_64__)
    __asm__ volatile("lock orb $0, %0" : "+m"(*p) : : "memory");
#else
    UCHAR old = *p;
    while (!__atomic_compare_exchange_n(p, &old, old, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
#endif
}

/* Touches the first byte of every page of [p, p+length): a read, or the write above. A fault lands
 * in this function's own __try; returns false and the faulting address. */
__attribute__((no_sanitize("address"), noinline)) static bool ke_touch_pages(const void *p, SIZE_T length, bool write,
                                                                   ULONG_PTR *bad_address)
{
    volatile bool ok = true;
    if (length == 0)
        return true;
    __try {
        ULONG_PTR a = (ULONG_PTR)p, last = a + length - 1;
        for (;;) {
            if (write)
                ke_touch_for_write((volatile UCHAR *)a);
            else
                (void)*(volatile const UCHAR *)a;
            ULONG_PTR next = (a | (PAGE_SIZE - 1)) + 1;
            if (a == last)
                break;
            a = next > last ? last : next;
        }
    } __except (GetExceptionCode() == STATUS_ACCESS_VIOLATION ? EXCEPTION_EXECUTE_HANDLER
                                                             : EXCEPTION_CONTINUE_SEARCH) {
        ok = false;
        *bad_address = GetExceptionInformation()->ExceptionRecord->ExceptionInformation[1];
    }
    return ok;
}

static _Noreturn void ke_raise_access_violation(const void *site, ULONG_PTR address, bool write)
{
    EXCEPTION_RECORD r = {
        .ExceptionCode = STATUS_ACCESS_VIOLATION,
        .ExceptionFlags = EXCEPTION_NONCONTINUABLE,
        .ExceptionAddress = (PVOID)site,
        .NumberParameters = 2,
        .ExceptionInformation = { write ? 1 : 0, address },
    };
    ke_seh_raise(&r, true);
}

static void ke_probe_or_raise(const void *address, SIZE_T length, ULONG alignment, bool write, const char *fn,
                       const void *site)
{
    ke_irql_at_most(APC_LEVEL, fn, site);
    if (length == 0)
        return; /* documented: no check at all */
    if (alignment != 0 && ((ULONG_PTR)address & (alignment - 1)) != 0)
        ke_seh_raise_status(STATUS_DATATYPE_MISALIGNMENT, site);
    if (!ke_user_range_ok(address, length) || !ke_usermem_current_ok(address, length, write))
        ke_raise_access_violation(site, (ULONG_PTR)address, write);
    ULONG_PTR bad;
    if (write && !ke_touch_pages(address, length, true, &bad))
        ke_raise_access_violation(site, bad, true);
}

NTKERNELAPI VOID ProbeForRead(const volatile VOID *Address, SIZE_T Length, ULONG Alignment)
{
    ke_probe_or_raise((const void *)Address, Length, Alignment, false, "ProbeForRead", VF_CALLER);
}

NTKERNELAPI VOID ProbeForWrite(volatile VOID *Address, SIZE_T Length, ULONG Alignment)
{
    ke_probe_or_raise((const void *)Address, Length, Alignment, true, "ProbeForWrite", VF_CALLER);
}

/* For MmProbeAndLockPages: raises STATUS_ACCESS_VIOLATION unless every page allows the access. */
void ke_probe_pages_or_raise(const void *address, SIZE_T length, bool user, bool write, const void *site)
{
    if (user && length != 0 && (!ke_user_range_ok(address, length) || !ke_usermem_current_ok(address, length, write)))
        ke_raise_access_violation(site, (ULONG_PTR)address, write);
    ULONG_PTR bad;
    if (!ke_touch_pages(address, length, write, &bad))
        ke_raise_access_violation(site, bad, write);
}
