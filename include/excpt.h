/* OpenNDIS: structured exception handling (__try/__except/__finally/__leave) for drivers
 * built with gcc or clang, which have no SEH of their own. ntdef.h includes this header,
 * as the WDK's does, so driver source needs nothing special. docs/seh.md explains the
 * design and its limits.
 *
 * Each __try pushes a frame on a per-thread chain and records a setjmp target. A raise
 * (ExRaiseStatus, the probe routines, or a SIGSEGV/SIGBUS inside a __try) jumps to the
 * innermost frame: an __except frame evaluates its filter there, a __finally frame runs
 * its block and then passes the exception on to the next frame out. Normal completion,
 * __leave and jumps out of a __try body pop the frame without a jump.
 *
 * The shape of the expansion matters: the __except handler and the __finally block are
 * not inside any loop or switch of OpenNDIS's, so `break` and `continue` in a handler
 * reach the driver's own loop, as with MSVC. The __try body is a block with a cleanup
 * variable, so `return`, `goto`, `break` or `continue` out of it still pop its frame. */
#ifndef OPENNDIS_EXCPT_H
#define OPENNDIS_EXCPT_H

#ifndef OPENNDIS_PE_DRIVER
#include <setjmp.h>
#endif

OPENNDIS_EXTERN_C_BEGIN

/* ---- filter results and the exception record ------------------------------------------ */
#define EXCEPTION_EXECUTE_HANDLER 1
#define EXCEPTION_CONTINUE_SEARCH 0
#define EXCEPTION_CONTINUE_EXECUTION (-1)

#define EXCEPTION_NONCONTINUABLE 0x1
#define EXCEPTION_MAXIMUM_PARAMETERS 15

typedef struct _EXCEPTION_RECORD {
    NTSTATUS ExceptionCode;
    ULONG ExceptionFlags;
    struct _EXCEPTION_RECORD *ExceptionRecord;
    PVOID ExceptionAddress;
    ULONG NumberParameters;
    ULONG_PTR ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD, *PEXCEPTION_RECORD;

/* A driver built as a .so gets no register context: CONTEXT stays incomplete there, so a
 * filter that reads ContextRecord->... fails to compile instead of reading nothing
 * (ContextRecord is NULL). A PE image gets the x64 layout, filled at every exception. */
typedef struct _CONTEXT CONTEXT, *PCONTEXT;
typedef struct _EXCEPTION_POINTERS {
    PEXCEPTION_RECORD ExceptionRecord;
    PCONTEXT ContextRecord;
} EXCEPTION_POINTERS, *PEXCEPTION_POINTERS;

/* ExceptionFlags while an exception unwinds frames (ExceptionFlags of the record the
 * language handlers see). */
#define EXCEPTION_UNWINDING 0x2
#define EXCEPTION_EXIT_UNWIND 0x4
#define EXCEPTION_STACK_INVALID 0x8
#define EXCEPTION_NESTED_CALL 0x10
#define EXCEPTION_TARGET_UNWIND 0x20
#define EXCEPTION_COLLIDED_UNWIND 0x40
#define EXCEPTION_UNWIND (EXCEPTION_UNWINDING | EXCEPTION_EXIT_UNWIND | EXCEPTION_TARGET_UNWIND | EXCEPTION_COLLIDED_UNWIND)

#if defined(OPENNDIS_PE_DRIVER) || defined(OPENNDIS_CONTEXT_AMD64)
/* The x64 register context, table and dispatcher structures of PE exception handling
 * (docs/build/exception-handling-x64.md). */
typedef struct DECLSPEC_ALIGN(16) _M128A {
    ULONGLONG Low;
    LONGLONG High;
} M128A, *PM128A;

#define CONTEXT_AMD64 0x00100000L
#define CONTEXT_CONTROL (CONTEXT_AMD64 | 0x1L)
#define CONTEXT_INTEGER (CONTEXT_AMD64 | 0x2L)
#define CONTEXT_SEGMENTS (CONTEXT_AMD64 | 0x4L)
#define CONTEXT_FLOATING_POINT (CONTEXT_AMD64 | 0x8L)
#define CONTEXT_FULL (CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_FLOATING_POINT)

struct DECLSPEC_ALIGN(16) _CONTEXT {
    DWORD64 P1Home, P2Home, P3Home, P4Home, P5Home, P6Home;
    ULONG ContextFlags;
    ULONG MxCsr;
    USHORT SegCs, SegDs, SegEs, SegFs, SegGs, SegSs;
    ULONG EFlags;
    DWORD64 Dr0, Dr1, Dr2, Dr3, Dr6, Dr7;
    /* in the order of the unwind codes' register numbers: Rax is 0, R15 is 15 */
    DWORD64 Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi, R8, R9, R10, R11, R12, R13, R14, R15;
    DWORD64 Rip;
    union {
        UCHAR FltSave[512]; /* XMM_SAVE_AREA32 */
        struct {
            M128A Header[2];
            M128A Legacy[8];
            M128A Xmm0, Xmm1, Xmm2, Xmm3, Xmm4, Xmm5, Xmm6, Xmm7;
            M128A Xmm8, Xmm9, Xmm10, Xmm11, Xmm12, Xmm13, Xmm14, Xmm15;
        };
    };
    M128A VectorRegister[26];
    DWORD64 VectorControl;
    DWORD64 DebugControl;
    DWORD64 LastBranchToRip, LastBranchFromRip, LastExceptionToRip, LastExceptionFromRip;
};
C_ASSERT(sizeof(CONTEXT) == 0x4d0);
C_ASSERT(offsetof(CONTEXT, Rax) == 0x78 && offsetof(CONTEXT, Rsp) == 0x98 && offsetof(CONTEXT, Rip) == 0xf8);
C_ASSERT(offsetof(CONTEXT, Xmm0) == 0x1a0 && offsetof(CONTEXT, EFlags) == 0x44 && offsetof(CONTEXT, MxCsr) == 0x34);

/* One entry of an image's exception directory (.pdata): RVAs of a function and its
 * unwind information. */
typedef struct _RUNTIME_FUNCTION {
    ULONG BeginAddress;
    ULONG EndAddress;
    ULONG UnwindData;
} RUNTIME_FUNCTION, *PRUNTIME_FUNCTION;

typedef enum _EXCEPTION_DISPOSITION {
    ExceptionContinueExecution,
    ExceptionContinueSearch,
    ExceptionNestedException,
    ExceptionCollidedUnwind
} EXCEPTION_DISPOSITION;

struct _DISPATCHER_CONTEXT;
typedef EXCEPTION_DISPOSITION (*PEXCEPTION_ROUTINE)(PEXCEPTION_RECORD ExceptionRecord, PVOID EstablisherFrame,
                                                    PCONTEXT ContextRecord, struct _DISPATCHER_CONTEXT *DispatcherContext);

/* What a language handler (__C_specific_handler) learns of the frame it is called for. */
typedef struct _DISPATCHER_CONTEXT {
    ULONG64 ControlPc;
    ULONG64 ImageBase;
    PRUNTIME_FUNCTION FunctionEntry;
    ULONG64 EstablisherFrame;
    ULONG64 TargetIp;
    PCONTEXT ContextRecord;
    PEXCEPTION_ROUTINE LanguageHandler;
    PVOID HandlerData;
    PVOID HistoryTable;
    ULONG ScopeIndex;
    ULONG Fill0;
} DISPATCHER_CONTEXT, *PDISPATCHER_CONTEXT;

/* The handler data of __C_specific_handler: the function's __try scopes, innermost first.
 * HandlerAddress is a filter's RVA (or 1, EXCEPTION_EXECUTE_HANDLER) when JumpTarget (the
 * __except block) is set, else the __finally block's RVA. */
typedef struct _SCOPE_TABLE_AMD64 {
    ULONG Count;
    struct {
        ULONG BeginAddress;
        ULONG EndAddress;
        ULONG HandlerAddress;
        ULONG JumpTarget;
    } ScopeRecord[1];
} SCOPE_TABLE_AMD64, *PSCOPE_TABLE_AMD64;

NTSYSAPI EXCEPTION_DISPOSITION __C_specific_handler(PEXCEPTION_RECORD ExceptionRecord, PVOID EstablisherFrame,
                                                    PCONTEXT ContextRecord, PDISPATCHER_CONTEXT DispatcherContext);
#endif

#ifdef OPENNDIS_PE_DRIVER
/* A PE image: the compiler's own __try/__except/__finally, with scope tables in .xdata
 * that ntoskrnl's __C_specific_handler walks (docs/pe.md says how far OpenNDIS does). */
unsigned long __cdecl _exception_code(void);
void *__cdecl _exception_info(void);
int __cdecl _abnormal_termination(void);
#define GetExceptionCode _exception_code
#define exception_code _exception_code
#define GetExceptionInformation() ((struct _EXCEPTION_POINTERS *)_exception_info())
#define exception_info() GetExceptionInformation()
#define AbnormalTermination _abnormal_termination
#define abnormal_termination _abnormal_termination
#else
/* ---- the runtime behind the keywords (src/kernel/seh.c) -------------------------------- */
/* OpenNDIS's own entry points, called only from these macros: not Windows exports. */
#define OPENNDIS_SEH_EXCEPT 1
#define OPENNDIS_SEH_FINALLY 2

/* What a __finally block needs while it runs: whether it runs for an exception, and that
 * exception, kept on the block's own stack so a nested raise cannot overwrite it. */
struct openndis_seh_termination {
    int abnormal;
    int state;
    const char *file; /* the __try's place, for messages */
    int line;
    EXCEPTION_RECORD record;
};

/* Pushes a frame for the __try at file:line; returns its jump buffer. */
NTSYSAPI jmp_buf *openndis_seh_enter(const char *file, int line);
/* The innermost frame is an __except or a __finally frame. */
NTSYSAPI void openndis_seh_kind(int kind);
/* The __try body reached its end (or __leave): pops its frame. */
NTSYSAPI void openndis_seh_done(void);
/* Cleanup of the body block: pops the frame when the body was left by a jump. */
NTSYSAPI void openndis_seh_body_exit(void **frame);
/* The innermost frame, which the body's cleanup variable remembers. */
NTSYSAPI void *openndis_seh_top(void);
/* Evaluates a filter's result: nonzero runs the handler; CONTINUE_SEARCH passes the
 * exception to the next frame out (no return); CONTINUE_EXECUTION stops the process. */
NTSYSAPI int openndis_seh_filter(LONG result);
NTSYSAPI struct openndis_seh_termination openndis_seh_finally_begin(void);
NTSYSAPI int openndis_seh_finally_next(struct openndis_seh_termination *t);
NTSYSAPI void openndis_seh_finally_exit(struct openndis_seh_termination *t);
NTSYSAPI NTSTATUS openndis_seh_exception_code(void);
NTSYSAPI PEXCEPTION_POINTERS openndis_seh_exception_pointers(void);

#define OPENNDIS_SEH_CAT_(a, b) a##b
#define OPENNDIS_SEH_CAT(a, b) OPENNDIS_SEH_CAT_(a, b)

/* ---- the keywords ----------------------------------------------------------------------- */
#define __try                                                                                  \
    if (setjmp(*openndis_seh_enter(__FILE__, __LINE__)) == 0) {                                \
        __label__ openndis_seh_leave, openndis_seh_set_kind, openndis_seh_body;                \
        void *OPENNDIS_SEH_CAT(openndis_seh_guard_, __COUNTER__)                                \
            __attribute__((__cleanup__(openndis_seh_body_exit), __unused__)) = openndis_seh_top(); \
        goto openndis_seh_set_kind;                                                            \
    openndis_seh_body:

/* The code after the body runs first (kind) and last (end of the body, __leave). */
#define OPENNDIS_SEH_BODY_END(kind)                                                            \
    openndis_seh_leave: __attribute__((__unused__));                                           \
        openndis_seh_done();                                                                   \
        if (0) {                                                                               \
        openndis_seh_set_kind:                                                                 \
            openndis_seh_kind(kind);                                                           \
            goto openndis_seh_body;                                                            \
        }

/* Variadic: a filter may be a comma expression, as MSVC allows. */
#define __except(...)                                                                          \
        OPENNDIS_SEH_BODY_END(OPENNDIS_SEH_EXCEPT)                                             \
    } else if (openndis_seh_filter((LONG)(__VA_ARGS__)))

#define __finally OPENNDIS_SEH_FINALLY_(__COUNTER__)
#define OPENNDIS_SEH_FINALLY_(n) OPENNDIS_SEH_FINALLY__(n)
#define OPENNDIS_SEH_FINALLY__(n)                                                              \
        OPENNDIS_SEH_BODY_END(OPENNDIS_SEH_FINALLY)                                            \
        goto openndis_seh_finally_##n;                                                         \
    } else                                                                                     \
    openndis_seh_finally_##n:                                                                  \
        for (struct openndis_seh_termination openndis_seh_term                                 \
                 __attribute__((__cleanup__(openndis_seh_finally_exit))) = openndis_seh_finally_begin(); \
             openndis_seh_finally_next(&openndis_seh_term);)

#define __leave goto openndis_seh_leave

#define _exception_code() openndis_seh_exception_code()
#define GetExceptionCode _exception_code
#define exception_code _exception_code
#define _exception_info() openndis_seh_exception_pointers()
#define GetExceptionInformation() ((struct _EXCEPTION_POINTERS *)_exception_info())
#define exception_info() GetExceptionInformation()
#define _abnormal_termination() (openndis_seh_term.abnormal)
#define AbnormalTermination _abnormal_termination
#define abnormal_termination _abnormal_termination

#endif /* OPENNDIS_PE_DRIVER */

/* The WDK's C spellings (C only: `try` is a C++ keyword). OpenNDIS's own sources do not
 * get them, so the system headers they include keep these words. */
#if !defined(__cplusplus) && !defined(OPENNDIS_BUILDING)
#define try __try
#define except __except
#define finally __finally
#define leave __leave
#endif

OPENNDIS_EXTERN_C_END

C_ASSERT(sizeof(EXCEPTION_RECORD) == 0x98 && offsetof(EXCEPTION_RECORD, ExceptionAddress) == 0x10);
C_ASSERT(offsetof(EXCEPTION_RECORD, ExceptionInformation) == 0x20);

#endif /* OPENNDIS_EXCPT_H */
