/* Structured exceptions in PE images, as Windows x64 dispatches them: the image's exception
 * directory (.pdata) and unwind information (.xdata) describe every non-leaf function's
 * prolog, and a function with __try scopes names a language handler (__C_specific_handler)
 * and its scope table. A fault in the image's code, or a raise (ExRaiseStatus, the probes)
 * the image called, is dispatched here: frames are unwound virtually, filters run, and the
 * stack is then really unwound to the accepting __except block, running __finally blocks on
 * the way. Facts: docs/build/exception-handling-x64.md (MicrosoftDocs/cpp-docs).
 *
 * How it is entered:
 * - a fault: the SIGSEGV/SIGBUS/SIGFPE/SIGILL handler (seh.c) calls ke_pe_dispatch_fault
 *   when the faulting instruction lies in a PE image; dispatch runs in the handler, and the
 *   resume leaves it (the thread's signal mask is restored first);
 * - a raise: the exports that raise (ExRaiseStatus, ProbeForRead, …) are bound for PE
 *   images to an entry that first records the caller's registers (ke_pe_capture_call,
 *   seh_pe_x64.S); a raise inside them dispatches from that context.
 * docs/pe.md says what is and is not handled. */
#define OPENNDIS_CONTEXT_AMD64 1
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

#include "ke.h"

#if defined(__x86_64__)
/* Unwind operation codes (UNWIND_CODE.UnwindOp) and UNWIND_INFO flags. */
enum {
    UWOP_PUSH_NONVOL = 0,
    UWOP_ALLOC_LARGE = 1,
    UWOP_ALLOC_SMALL = 2,
    UWOP_SET_FPREG = 3,
    UWOP_SAVE_NONVOL = 4,
    UWOP_SAVE_NONVOL_FAR = 5,
    UWOP_EPILOG = 6, /* version 2; version 1's SAVE_XMM */
    UWOP_SPARE = 7,  /* version 1's SAVE_XMM_FAR */
    UWOP_SAVE_XMM128 = 8,
    UWOP_SAVE_XMM128_FAR = 9,
    UWOP_PUSH_MACHFRAME = 10,
};
#define UNW_FLAG_EHANDLER 0x1
#define UNW_FLAG_UHANDLER 0x2
#define UNW_FLAG_CHAININFO 0x4
#define KE_PE_MAX_FRAMES 512 /* a walk that long has lost its way */
#define KE_PE_MAX_CHAIN 32

/* Implemented in seh_pe_x64.S. */
_Noreturn void ke_pe_context_restore(const CONTEXT *context);

typedef EXCEPTION_DISPOSITION __attribute__((ms_abi)) ke_pe_language_handler(PEXCEPTION_RECORD, PVOID, PCONTEXT,
                                                                           PDISPATCHER_CONTEXT);
typedef LONG __attribute__((ms_abi)) ke_pe_filter(PEXCEPTION_POINTERS, PVOID);
typedef void __attribute__((ms_abi)) ke_pe_termination(BOOLEAN, PVOID);

/* One dispatch in progress on this thread (nested when a filter or __finally raises). */
struct ke_pe_dispatch {
    const CONTEXT *original; /* where the exception happened */
    bool in_signal;          /* dispatched from the fault handler: give back `mask` before resuming */
    sigset_t mask;
    const void *ms_caller; /* vf_ms_caller to restore when the image resumes */
    struct ke_pe_dispatch *outer;
};
static _Thread_local OPENNDIS_TLS struct ke_pe_dispatch *ke_pe_current;

/* The PE caller whose registers ke_pe_capture_call recorded, while its export runs. */
struct ke_pe_caller {
    const CONTEXT *context;
    unsigned so_depth; /* .so __try frames open when the export was entered */
    const void *ms_caller;
    struct ke_pe_caller *outer;
};
static _Thread_local OPENNDIS_TLS struct ke_pe_caller *ke_pe_callers;

/* ---- the exception directory and virtual unwinding ---------------------------------------- */
static bool ke_pe_in_image(const struct ke_pe_image *im, uint64_t rva, size_t len)
{
    return rva <= im->size && len <= im->size - rva;
}

/* The RUNTIME_FUNCTION covering `pc`, or NULL (a leaf function, which has none). */
static const RUNTIME_FUNCTION *ke_pe_lookup(const struct ke_pe_image *im, uint64_t pc)
{
    const RUNTIME_FUNCTION *table = im->pdata;
    size_t lo = 0, hi = im->pdata_size / sizeof(RUNTIME_FUNCTION);
    uint64_t rva = pc - (uint64_t)(uintptr_t)im->base;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rva < table[mid].BeginAddress)
            hi = mid;
        else if (rva >= table[mid].EndAddress)
            lo = mid + 1;
        else
            return &table[mid];
    }
    return NULL;
}

static DWORD64 *ke_pe_gpr(CONTEXT *c, unsigned n)
{
    return &(&c->Rax)[n & 15];
}

static bool ke_pe_read64(uint64_t address, DWORD64 *out)
{
    if (address == 0 || (address & 7) != 0)
        return false; /* the stack slots unwinding reads are 8-byte aligned */
    memcpy(out, (const void *)(uintptr_t)address, 8);
    return true;
}

/* The unwind information an entry names, checked to lie inside the image. */
static const uint8_t *ke_pe_unwind_info(const struct ke_pe_image *im, const RUNTIME_FUNCTION *fe)
{
    uint32_t rva = fe->UnwindData;
    if (!ke_pe_in_image(im, rva, 4))
        return NULL;
    const uint8_t *ui = im->base + rva;
    if (!ke_pe_in_image(im, rva, 4 + 2 * (size_t)((ui[2] + 1) & ~1) + 8))
        return NULL;
    return ui;
}

/* Unwind slots an operation takes (the code itself included). */
static unsigned ke_pe_code_slots(unsigned op, unsigned info, unsigned version)
{
    switch (op) {
    case UWOP_ALLOC_LARGE: return info == 0 ? 2 : 3;
    case UWOP_SAVE_NONVOL: return 2;
    case UWOP_SAVE_NONVOL_FAR: return 3;
    case UWOP_EPILOG: return version >= 2 ? 1 : 2;
    case UWOP_SPARE: return 3;
    case UWOP_SAVE_XMM128: return 2;
    case UWOP_SAVE_XMM128_FAR: return 3;
    default: return 1;
    }
}

/* If the instructions at the context's Rip are an epilog (an RSP adjustment, pops of
 * nonvolatile registers, a return or a jump away), runs them virtually and says so: unwind
 * codes describe the prolog only. */
static bool ke_pe_epilog(const struct ke_pe_image *im, const RUNTIME_FUNCTION *fe, unsigned frame_reg,
                         CONTEXT *c)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)c->Rip, *end = im->base + fe->EndAddress;
    CONTEXT v = *c;
    if (end - p >= 4 && p[0] == 0x48 && p[1] == 0x83 && p[2] == 0xc4) { /* add rsp, imm8 */
        v.Rsp += (int8_t)p[3];
        p += 4;
    } else if (end - p >= 7 && p[0] == 0x48 && p[1] == 0x81 && p[2] == 0xc4) { /* add rsp, imm32 */
        int32_t imm;
        memcpy(&imm, p + 3, 4);
        v.Rsp += imm;
        p += 7;
    } else if (frame_reg != 0 && end - p >= 4 && (p[0] & 0xfe) == 0x48 && p[1] == 0x8d &&
               (p[0] & 1) == (frame_reg >> 3) && (p[2] & 0x38) == 0x20 && (p[2] & 7) == (frame_reg & 7) &&
               (frame_reg & 7) != 4) { /* lea rsp, [frame register + disp] */
        int32_t disp = 0;
        unsigned len;
        if ((p[2] & 0xc0) == 0x40) {
            disp = (int8_t)p[3];
            len = 4;
        } else if ((p[2] & 0xc0) == 0x80 && end - p >= 7) {
            memcpy(&disp, p + 3, 4);
            len = 7;
        } else {
            return false;
        }
        v.Rsp = *ke_pe_gpr(&v, frame_reg) + disp;
        p += len;
    }
    for (;;) {
        unsigned reg;
        if (end - p >= 1 && (p[0] & 0xf8) == 0x58) {
            reg = p[0] & 7;
            p += 1;
        } else if (end - p >= 2 && p[0] == 0x41 && (p[1] & 0xf8) == 0x58) {
            reg = 8 + (p[1] & 7);
            p += 2;
        } else {
            break;
        }
        if (!ke_pe_read64(v.Rsp, ke_pe_gpr(&v, reg)))
            return false;
        v.Rsp += 8;
    }
    bool leaves = (end - p >= 1 && p[0] == 0xc3) || (end - p >= 2 && p[0] == 0xf3 && p[1] == 0xc3) ||
                  (end - p >= 2 && p[0] == 0xff && p[1] == 0x25) ||
                  (end - p >= 3 && p[0] == 0x48 && p[1] == 0xff && p[2] == 0x25);
    if (!leaves && end - p >= 5 && p[0] == 0xe9) { /* a tail jump out of the function */
        int32_t rel;
        memcpy(&rel, p + 1, 4);
        const uint8_t *to = p + 5 + rel;
        leaves = to < im->base + fe->BeginAddress || to >= end;
    }
    if (!leaves || !ke_pe_read64(v.Rsp, &v.Rip))
        return false;
    v.Rsp += 8;
    *c = v;
    return true;
}

/* Undoes one function's prolog on `c` (the function's frame becomes its caller's), as
 * RtlVirtualUnwind does. Returns false when the unwind data is unusable. Sets the
 * establisher frame, and the language handler of the kinds asked for (`want`: EHANDLER
 * while searching, UHANDLER while unwinding) with its data, when Rip is in the body. */
static bool ke_pe_virtual_unwind(const struct ke_pe_image *im, const RUNTIME_FUNCTION *fe, unsigned want,
                                 CONTEXT *c, uint64_t *establisher, void **handler, void **handler_data)
{
    const uint8_t *ui = ke_pe_unwind_info(im, fe);
    *handler = NULL;
    *handler_data = NULL;
    if (ui == NULL)
        return false;
    unsigned flags = ui[0] >> 3, prolog = ui[1], frame_reg = ui[3] & 15, frame_off = (ui[3] >> 4) * 16u;
    uint64_t offset = c->Rip - ((uint64_t)(uintptr_t)im->base + fe->BeginAddress);

    /* The establisher frame: the frame register less its offset once the prolog has set
     * it, else RSP. */
    bool fp_set = false;
    if (frame_reg != 0) {
        if (offset >= prolog) {
            fp_set = true;
        } else {
            const uint16_t *codes = (const uint16_t *)(ui + 4);
            for (unsigned i = 0; i < ui[2]; i += ke_pe_code_slots((codes[i] >> 8) & 15, codes[i] >> 12, ui[0] & 7))
                if (((codes[i] >> 8) & 15) == UWOP_SET_FPREG && (codes[i] & 0xff) <= offset)
                    fp_set = true;
        }
    }
    uint64_t frame = fp_set ? *ke_pe_gpr(c, frame_reg) - frame_off : c->Rsp;
    *establisher = frame;

    if (offset >= prolog && ke_pe_epilog(im, fe, frame_reg, c))
        return true; /* no handler is called for a frame in its epilog */

    bool machframe = false;
    const uint8_t *primary = ui;
    for (unsigned depth = 0;; depth++) {
        unsigned version = ui[0] & 7, count = ui[2];
        const uint16_t *codes = (const uint16_t *)(ui + 4);
        bool chained = ui != primary;
        for (unsigned i = 0; i < count;) {
            unsigned code_offset = codes[i] & 0xff, op = (codes[i] >> 8) & 15, info = codes[i] >> 12;
            unsigned slots = ke_pe_code_slots(op, info, version);
            if (i + slots > count)
                return false;
            if (!chained && code_offset > offset) { /* not executed yet: Rip is in the prolog */
                i += slots;
                continue;
            }
            uint32_t arg = slots > 1 ? codes[i + 1] : 0;
            if (slots > 2)
                arg |= (uint32_t)codes[i + 2] << 16;
            switch (op) {
            case UWOP_PUSH_NONVOL:
                if (!ke_pe_read64(c->Rsp, ke_pe_gpr(c, info)))
                    return false;
                c->Rsp += 8;
                break;
            case UWOP_ALLOC_LARGE: c->Rsp += info == 0 ? arg * 8u : arg; break;
            case UWOP_ALLOC_SMALL: c->Rsp += info * 8u + 8; break;
            case UWOP_SET_FPREG: c->Rsp = *ke_pe_gpr(c, frame_reg) - frame_off; break;
            case UWOP_SAVE_NONVOL:
            case UWOP_SAVE_NONVOL_FAR:
                if (!ke_pe_read64(frame + (op == UWOP_SAVE_NONVOL ? arg * 8u : arg), ke_pe_gpr(c, info)))
                    return false;
                break;
            case UWOP_SAVE_XMM128:
            case UWOP_SAVE_XMM128_FAR: {
                uint64_t at = frame + (op == UWOP_SAVE_XMM128 ? arg * 16u : arg);
                if ((at & 15) != 0)
                    return false;
                memcpy(&(&c->Xmm0)[info], (const void *)(uintptr_t)at, 16);
                break;
            }
            case UWOP_PUSH_MACHFRAME: {
                uint64_t at = c->Rsp + (info ? 8 : 0);
                DWORD64 rsp;
                if (!ke_pe_read64(at, &c->Rip) || !ke_pe_read64(at + 24, &rsp))
                    return false;
                c->Rsp = rsp;
                machframe = true;
                break;
            }
            default: break; /* version 2 epilog descriptions, spare codes */
            }
            i += slots;
        }
        if (!(ui[0] >> 3 & UNW_FLAG_CHAININFO))
            break;
        if (depth == KE_PE_MAX_CHAIN)
            return false;
        const RUNTIME_FUNCTION *next = (const RUNTIME_FUNCTION *)(ui + 4 + 2 * ((count + 1) & ~1u));
        if ((ui = ke_pe_unwind_info(im, next)) == NULL)
            return false;
    }
    if (!machframe) {
        if (!ke_pe_read64(c->Rsp, &c->Rip))
            return false;
        c->Rsp += 8;
    }
    if ((flags & want) && !(flags & UNW_FLAG_CHAININFO) && offset >= prolog) {
        const uint8_t *after = primary + 4 + 2 * ((primary[2] + 1) & ~1u);
        uint32_t handler_rva;
        memcpy(&handler_rva, after, 4);
        if (handler_rva != 0 && ke_pe_in_image(im, handler_rva, 1)) {
            *handler = (void *)(im->base + handler_rva);
            *handler_data = (void *)(after + 4);
        }
    }
    return true;
}

/* One step out: the frame of the function at c->Rip becomes its caller's. A function with
 * no table entry is a leaf: its return address is at RSP. */
struct ke_pe_frame {
    struct ke_pe_image image;
    const RUNTIME_FUNCTION *function;
    uint64_t establisher;
    void *handler, *handler_data;
};

static bool ke_pe_step(CONTEXT *c, unsigned want, struct ke_pe_frame *f)
{
    if (!ke_pe_image_at((const void *)(uintptr_t)c->Rip, &f->image) || f->image.pdata == NULL)
        return false;
    f->function = ke_pe_lookup(&f->image, c->Rip);
    if (f->function == NULL) {
        f->establisher = c->Rsp;
        f->handler = f->handler_data = NULL;
        if (!ke_pe_read64(c->Rsp, &c->Rip))
            return false;
        c->Rsp += 8;
        return true;
    }
    return ke_pe_virtual_unwind(&f->image, f->function, want, c, &f->establisher, &f->handler, &f->handler_data);
}

/* ---- resuming ---------------------------------------------------------------------------- */
static _Noreturn void ke_pe_resume(struct ke_pe_dispatch *d, const CONTEXT *target)
{
    CONTEXT c = *target; /* deep on this stack, below every byte the restore writes */
    ke_pe_current = d->outer;
    vf_ms_caller = d->ms_caller;
    if (d->in_signal)
        pthread_sigmask(SIG_SETMASK, &d->mask, NULL);
    ke_pe_context_restore(&c);
}

/* The second pass: unwinds from where the exception happened to `target_frame`, calling
 * each frame's termination handlers (EXCEPTION_UNWINDING; EXCEPTION_TARGET_UNWIND for the
 * target's own), then resumes the target function at `target_ip` with `result` in RAX. */
static _Noreturn void ke_pe_unwind(struct ke_pe_dispatch *d, uint64_t target_frame, uint64_t target_ip,
                                   EXCEPTION_RECORD *record, uint64_t result)
{
    CONTEXT c = *d->original;
    record->ExceptionFlags |= EXCEPTION_UNWINDING;
    for (unsigned n = 0; n < KE_PE_MAX_FRAMES; n++) {
        CONTEXT before = c;
        struct ke_pe_frame f;
        if (!ke_pe_step(&c, UNW_FLAG_UHANDLER, &f))
            break;
        if (f.establisher == target_frame)
            record->ExceptionFlags |= EXCEPTION_TARGET_UNWIND;
        if (f.handler != NULL) {
            DISPATCHER_CONTEXT dc = {
                .ControlPc = before.Rip,
                .ImageBase = (ULONG64)(uintptr_t)f.image.base,
                .FunctionEntry = (PRUNTIME_FUNCTION)f.function,
                .EstablisherFrame = f.establisher,
                .TargetIp = target_ip,
                .ContextRecord = &before,
                .LanguageHandler = (PEXCEPTION_ROUTINE)f.handler,
                .HandlerData = f.handler_data,
            };
            ((ke_pe_language_handler *)f.handler)(record, (PVOID)(uintptr_t)f.establisher, &before, &dc);
        }
        if (f.establisher == target_frame) {
            before.Rip = target_ip;
            before.Rax = result;
            ke_pe_resume(d, &before);
        }
    }
    fprintf(stderr, "openndis: unwinding a PE image's stack for exception 0x%08X lost the target frame %#llx\n",
            (unsigned)record->ExceptionCode, (unsigned long long)target_frame);
    abort();
}

/* The first pass: each frame's exception handler is asked in turn, from the innermost out.
 * Returns only when no frame of the PE images on this stack handles the exception (an
 * unwind, or a continued execution, never comes back). */
static void ke_pe_dispatch(struct ke_pe_dispatch *d, EXCEPTION_RECORD *record)
{
    CONTEXT c = *d->original, original = *d->original;
    d->outer = ke_pe_current;
    ke_pe_current = d;
    for (unsigned n = 0; n < KE_PE_MAX_FRAMES; n++) {
        CONTEXT before = c;
        struct ke_pe_frame f;
        if (!ke_pe_step(&c, UNW_FLAG_EHANDLER, &f) || c.Rsp <= before.Rsp)
            break;
        if (f.handler == NULL)
            continue;
        DISPATCHER_CONTEXT dc = {
            .ControlPc = before.Rip,
            .ImageBase = (ULONG64)(uintptr_t)f.image.base,
            .FunctionEntry = (PRUNTIME_FUNCTION)f.function,
            .EstablisherFrame = f.establisher,
            .ContextRecord = &before,
            .LanguageHandler = (PEXCEPTION_ROUTINE)f.handler,
            .HandlerData = f.handler_data,
        };
        EXCEPTION_DISPOSITION r =
            ((ke_pe_language_handler *)f.handler)(record, (PVOID)(uintptr_t)f.establisher, &original, &dc);
        if (r == ExceptionContinueExecution) {
            if (record->ExceptionFlags & EXCEPTION_NONCONTINUABLE) {
                /* Windows raises STATUS_NONCONTINUABLE_EXCEPTION from here; a filter that asks
                 * to go on after ExRaiseStatus is a driver bug, stopped where it is seen. */
                fprintf(stderr,
                        "openndis: an __except filter in %s returned EXCEPTION_CONTINUE_EXECUTION for the "
                        "noncontinuable exception 0x%08X (on Windows: STATUS_NONCONTINUABLE_EXCEPTION)\n",
                        f.image.name, (unsigned)record->ExceptionCode);
                abort();
            }
            ke_pe_resume(d, &original);
        }
    }
    ke_pe_current = d->outer;
}

/* ---- the language handler of C __try scopes ------------------------------------------------ */
static bool ke_pe_scope_holds(uint64_t rva, uint32_t begin, uint32_t end)
{
    return rva >= begin && rva < end;
}

NTSYSAPI EXCEPTION_DISPOSITION __C_specific_handler(PEXCEPTION_RECORD ExceptionRecord, PVOID EstablisherFrame,
                                                    PCONTEXT ContextRecord, PDISPATCHER_CONTEXT DispatcherContext)
{
    struct ke_pe_dispatch *d = ke_pe_current;
    if (d == NULL || DispatcherContext == NULL) {
        ke_unsupported("__C_specific_handler", "called outside an exception OpenNDIS dispatches", VF_CALLER);
        return ExceptionContinueSearch;
    }
    const SCOPE_TABLE_AMD64 *scopes = DispatcherContext->HandlerData;
    uint64_t base = DispatcherContext->ImageBase, pc = DispatcherContext->ControlPc - base;
    if (!(ExceptionRecord->ExceptionFlags & EXCEPTION_UNWIND)) {
        EXCEPTION_POINTERS pointers = { ExceptionRecord, ContextRecord };
        for (ULONG i = DispatcherContext->ScopeIndex; i < scopes->Count; i++) {
            const __typeof__(scopes->ScopeRecord[0]) *s = &scopes->ScopeRecord[i];
            if (s->JumpTarget == 0 || !ke_pe_scope_holds(pc, s->BeginAddress, s->EndAddress))
                continue;
            LONG verdict = s->HandlerAddress == EXCEPTION_EXECUTE_HANDLER
                               ? EXCEPTION_EXECUTE_HANDLER
                               : ((ke_pe_filter *)(uintptr_t)(base + s->HandlerAddress))(&pointers, EstablisherFrame);
            if (verdict < 0)
                return ExceptionContinueExecution;
            if (verdict > 0)
                ke_pe_unwind(d, (uint64_t)(uintptr_t)EstablisherFrame, base + s->JumpTarget, ExceptionRecord,
                             (uint64_t)(ULONG)ExceptionRecord->ExceptionCode);
        }
        return ExceptionContinueSearch;
    }
    uint64_t target = DispatcherContext->TargetIp - base;
    for (ULONG i = DispatcherContext->ScopeIndex; i < scopes->Count; i++) {
        const __typeof__(scopes->ScopeRecord[0]) *s = &scopes->ScopeRecord[i];
        if (!ke_pe_scope_holds(pc, s->BeginAddress, s->EndAddress) || s->JumpTarget != 0)
            continue;
        /* In the target frame, a __finally around the __except block being resumed stays. */
        if ((ExceptionRecord->ExceptionFlags & EXCEPTION_TARGET_UNWIND) &&
            ke_pe_scope_holds(target, s->BeginAddress, s->EndAddress))
            break;
        DispatcherContext->ScopeIndex = i + 1;
        ((ke_pe_termination *)(uintptr_t)(base + s->HandlerAddress))(TRUE, EstablisherFrame);
    }
    return ExceptionContinueSearch;
}

/* ---- entering: faults and raises ------------------------------------------------------------ */
static void ke_pe_context_from_signal(const ucontext_t *uc, CONTEXT *c)
{
    const greg_t *g = uc->uc_mcontext.gregs;
    memset(c, 0, sizeof *c);
    c->ContextFlags = CONTEXT_FULL;
    c->Rax = g[REG_RAX], c->Rcx = g[REG_RCX], c->Rdx = g[REG_RDX], c->Rbx = g[REG_RBX];
    c->Rsp = g[REG_RSP], c->Rbp = g[REG_RBP], c->Rsi = g[REG_RSI], c->Rdi = g[REG_RDI];
    c->R8 = g[REG_R8], c->R9 = g[REG_R9], c->R10 = g[REG_R10], c->R11 = g[REG_R11];
    c->R12 = g[REG_R12], c->R13 = g[REG_R13], c->R14 = g[REG_R14], c->R15 = g[REG_R15];
    c->Rip = g[REG_RIP];
    c->EFlags = (ULONG)g[REG_EFL];
    if (uc->uc_mcontext.fpregs != NULL) {
        c->MxCsr = uc->uc_mcontext.fpregs->mxcsr;
        memcpy(&c->Xmm0, uc->uc_mcontext.fpregs->_xmm, 16 * sizeof(M128A));
    }
}

size_t ke_pe_backtrace(const void *context, const void **pcs, size_t max)
{
    CONTEXT c;
    ke_pe_context_from_signal(context, &c);
    size_t n = 0;
    while (n < max) {
        struct ke_pe_frame f;
        uint64_t rsp = c.Rsp;
        if (!ke_pe_step(&c, 0, &f) || c.Rsp <= rsp || c.Rip == 0)
            break;
        pcs[n++] = (const void *)(uintptr_t)c.Rip; /* a return address: the caller's call site */
    }
    return n;
}

bool ke_pe_dispatch_fault(int sig, const siginfo_t *si, void *context)
{
    ucontext_t *uc = context;
    uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP], rsp = (uint64_t)uc->uc_mcontext.gregs[REG_RSP];
    struct ke_pe_image im;
    if (!ke_pe_image_at((const void *)(uintptr_t)rip, &im) || im.pdata == NULL)
        return false;
    uint64_t address = (uint64_t)(uintptr_t)si->si_addr;
    /* A stack overflow leaves no stack to dispatch on (Windows: STATUS_STACK_OVERFLOW). */
    if (sig == SIGSEGV && address < rsp && rsp - address < (64u << 10))
        return false;
    EXCEPTION_RECORD record = { .ExceptionAddress = (PVOID)(uintptr_t)rip };
    switch (sig) {
    case SIGFPE:
        if (si->si_code != FPE_INTDIV && si->si_code != FPE_INTOVF)
            return false;
        record.ExceptionCode = si->si_code == FPE_INTDIV ? STATUS_INTEGER_DIVIDE_BY_ZERO : STATUS_INTEGER_OVERFLOW;
        break;
    case SIGILL:
        record.ExceptionCode = si->si_code == ILL_PRVOPC ? STATUS_PRIVILEGED_INSTRUCTION : STATUS_ILLEGAL_INSTRUCTION;
        break;
    case SIGBUS:
        if (si->si_code == BUS_ADRALN) {
            record.ExceptionCode = STATUS_DATATYPE_MISALIGNMENT;
            break;
        }
        __attribute__((fallthrough)); /* a mapped page beyond its file */
    default:
        record.ExceptionCode = STATUS_ACCESS_VIOLATION;
        record.NumberParameters = 2;
        /* [0]: 0 read, 1 write, 8 execute (the page-fault error code's bits) */
        greg_t err = uc->uc_mcontext.gregs[REG_ERR];
        record.ExceptionInformation[0] = (err & 16) ? 8 : (err & 2) ? 1 : 0;
        record.ExceptionInformation[1] = address;
        break;
    }
    CONTEXT original;
    ke_pe_context_from_signal(uc, &original);
    struct ke_pe_dispatch d = { .original = &original, .in_signal = true, .mask = uc->uc_sigmask,
                                .ms_caller = vf_ms_caller };
    ke_pe_dispatch(&d, &record);
    return false;
}

void ke_pe_raise(const EXCEPTION_RECORD *r, unsigned so_depth)
{
    struct ke_pe_caller *caller = ke_pe_callers;
    if (caller == NULL || so_depth > caller->so_depth)
        return; /* not raised for a PE caller, or an OpenNDIS __try is nearer */
    CONTEXT original = *caller->context;
    EXCEPTION_RECORD record = *r;
    record.ExceptionAddress = (PVOID)(uintptr_t)original.Rip;
    ke_pe_callers = caller->outer;
    struct ke_pe_dispatch d = { .original = &original, .ms_caller = caller->ms_caller };
    ke_pe_dispatch(&d, &record);
    ke_pe_callers = caller; /* unhandled: the caller's raise goes on as if this were not here */
}

/* Called by ke_pe_capture_call (seh_pe_x64.S) with the PE caller's registers: runs the export
 * `fn` with the caller recorded, so a raise inside it reaches the caller's handlers. In the
 * wrappers' section, so VF_CALLER inside `fn` names the driver's call site. */
__attribute__((section("openndis_ms_thunks"), noinline, used, visibility("hidden"))) uint64_t
ke_pe_capture_run(const CONTEXT *context, uint64_t (*fn)(uint64_t, uint64_t, uint64_t, uint64_t), uint64_t a0,
                  uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct ke_pe_caller caller = { context, ke_seh_depth(), vf_ms_caller, ke_pe_callers };
    vf_ms_caller = (const void *)(uintptr_t)context->Rip;
    ke_pe_callers = &caller;
    uint64_t r = fn(a0, a1, a2, a3);
    ke_pe_callers = caller.outer;
    vf_ms_caller = caller.ms_caller;
    return r;
}
#else
size_t ke_pe_backtrace(const void *context, const void **pcs, size_t max)
{
    (void)context, (void)pcs, (void)max;
    return 0;
}

/* PE images are x86-64 code: elsewhere nothing loads one, and nothing calls this. */
NTSYSAPI EXCEPTION_DISPOSITION __C_specific_handler(PEXCEPTION_RECORD ExceptionRecord, PVOID EstablisherFrame,
                                                    PCONTEXT ContextRecord, PDISPATCHER_CONTEXT DispatcherContext)
{
    (void)ExceptionRecord, (void)EstablisherFrame, (void)ContextRecord, (void)DispatcherContext;
    ke_unsupported("__C_specific_handler", "PE images run on x86-64 only", VF_CALLER);
    return ExceptionContinueSearch;
}
#endif /* __x86_64__ */
