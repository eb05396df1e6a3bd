/* Structured exceptions in a PE image, compiled by clang for x86_64-pc-windows-msvc: its
 * __try scopes are the compiler's, in the image's .pdata/.xdata, and OpenNDIS dispatches
 * to them as Windows does (src/kernel/seh_pe.c). DriverEntry runs every case, prints one
 * line each, and registers only when all of them hold; `openndis info` then says PASS
 * (tests/pe/tests.cmake checks the lines too). */
#include "../rogue/rogue.h"

static const UCHAR ReadOnly[64] = { 1 };
static volatile LONG Order[8];
static volatile LONG OrderNext;

static void Mark(LONG what)
{
    if (OrderNext < 8)
        Order[OrderNext++] = what;
}

static __declspec(noinline) void RaiseDeep(NTSTATUS status, int depth)
{
    volatile int pad[8] = { depth };
    if (depth > 0)
        RaiseDeep(status, depth - 1);
    else
        ExRaiseStatus(status);
    pad[0]++; /* not reached; keeps the frames real */
}

static __declspec(noinline) void FinallyThenRaise(void)
{
    __try {
        RaiseDeep(STATUS_INVALID_USER_BUFFER, 2);
    } __finally {
        Mark(AbnormalTermination() ? 2 : -2);
    }
}

static LONG Filter(NTSTATUS code, NTSTATUS wanted, LONG mark)
{
    Mark(mark);
    return code == wanted ? EXCEPTION_EXECUTE_HANDLER : EXCEPTION_CONTINUE_SEARCH;
}

static __declspec(noinline) NTSTATUS InnerSearch(void)
{
    __try {
        RaiseDeep(STATUS_BUFFER_TOO_SMALL, 1);
    } __except (Filter(GetExceptionCode(), STATUS_INVALID_PARAMETER, 1)) {
        return STATUS_UNSUCCESSFUL; /* the wrong handler */
    }
    return STATUS_SUCCESS;
}

/* clang, unlike MSVC, covers only the calls in a __try body: a fault in the body itself is
 * outside every scope it emits. The faults are therefore taken one call down. */
static __declspec(noinline) void Poke(ULONG_PTR address, ULONG value)
{
    *(volatile ULONG *)address = value;
}

static __declspec(noinline) ULONG Peek(ULONG_PTR address)
{
    return *(volatile ULONG *)address;
}

static __declspec(noinline) ULONG Divide(volatile ULONG a, volatile ULONG b)
{
    return a / b;
}

/* A frame with a frame pointer (alloca): its establisher frame comes from the frame register. */
static __declspec(noinline) NTSTATUS WithAlloca(SIZE_T n)
{
    volatile UCHAR *p = __builtin_alloca(n);
    NTSTATUS caught = STATUS_SUCCESS;
    p[0] = 1;
    __try {
        Poke(0x48, p[0]);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        caught = GetExceptionCode();
    }
    return caught == STATUS_ACCESS_VIOLATION && p[0] == 1 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

static int Passed, Failed;

static void Check(const char *what, BOOLEAN ok)
{
    DbgPrint("seh_pe: %s: %s\n", what, ok ? "ok" : "FAILED");
    if (ok)
        Passed++;
    else
        Failed++;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    volatile NTSTATUS code = 0;
    volatile ULONG_PTR info0 = 99, info1 = 0;
    volatile PVOID address = NULL, rip = NULL;

    /* 1. a write fault: code, read/write flag, address, and the context at the fault */
    __try {
        Poke(0x40, 0xdead);
    } __except (code = GetExceptionCode(), info0 = GetExceptionInformation()->ExceptionRecord->ExceptionInformation[0],
                info1 = GetExceptionInformation()->ExceptionRecord->ExceptionInformation[1],
                address = GetExceptionInformation()->ExceptionRecord->ExceptionAddress,
                rip = (PVOID)GetExceptionInformation()->ContextRecord->Rip, EXCEPTION_EXECUTE_HANDLER) {
    }
    Check("write fault", code == STATUS_ACCESS_VIOLATION && info0 == 1 && info1 == 0x40 && address == rip);

    /* 2. a read fault */
    code = 0;
    __try {
        code = Peek(0x80);
    } __except (info0 = GetExceptionInformation()->ExceptionRecord->ExceptionInformation[0], EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    Check("read fault", code == STATUS_ACCESS_VIOLATION && info0 == 0);

    /* 3. ExRaiseStatus three calls down, caught here, 200 times over: the stack and the
     *    registers of this frame come back each time */
    volatile ULONG sum = 0;
    ULONG i;
    for (i = 0; i < 200; i++) {
        __try {
            RaiseDeep(STATUS_INVALID_USER_BUFFER, 2);
            sum += 1000000;
        } __except (GetExceptionCode() == STATUS_INVALID_USER_BUFFER) {
            sum += i;
        }
    }
    Check("raise caught across frames", sum == 199 * 200 / 2);

    /* 4. filters first, then __finally blocks on the way out, then the handler */
    OrderNext = 0;
    __try {
        FinallyThenRaise();
    } __except (Filter(GetExceptionCode(), STATUS_INVALID_USER_BUFFER, 1)) {
        Mark(3);
    }
    Check("filter, then __finally, then handler", OrderNext == 3 && Order[0] == 1 && Order[1] == 2 && Order[2] == 3);

    /* 5. EXCEPTION_CONTINUE_SEARCH passes it to the next frame out */
    code = 0;
    __try {
        code = InnerSearch();
    } __except (GetExceptionCode() == STATUS_BUFFER_TOO_SMALL) {
        code = STATUS_BUFFER_TOO_SMALL;
    }
    Check("continue search", code == STATUS_BUFFER_TOO_SMALL);

    /* 6. probes raise into the caller's __except */
    code = 0;
    __try {
        ProbeForRead((PVOID)(ULONG_PTR)0xffff800000000000ULL, 16, 1);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    Check("ProbeForRead beyond user space", code == STATUS_ACCESS_VIOLATION);
    code = 0;
    __try {
        ProbeForRead((PVOID)((ULONG_PTR)ReadOnly | 1), 4, 4);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    Check("ProbeForRead misaligned", code == STATUS_DATATYPE_MISALIGNMENT);
    code = 0;
    __try {
        ProbeForWrite((PVOID)ReadOnly, sizeof ReadOnly, 1);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    Check("ProbeForWrite read-only", code == STATUS_ACCESS_VIOLATION);

    /* 7. a division by zero */
    code = 0;
    __try {
        info0 = Divide(7, 0);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    Check("divide by zero", code == STATUS_INTEGER_DIVIDE_BY_ZERO);

    /* 8. a frame-pointer frame */
    Check("alloca frame", NT_SUCCESS(WithAlloca(200)));

    /* 9. a raise in a handler reaches the __try around it */
    code = 0;
    __try {
        __try {
            ExRaiseAccessViolation();
        } __except (EXCEPTION_EXECUTE_HANDLER) {
            ExRaiseDatatypeMisalignment();
        }
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    Check("raise from a handler", code == STATUS_DATATYPE_MISALIGNMENT);

    DbgPrint("seh_pe: %d of %d cases passed\n", Passed, Passed + Failed);
    if (Failed != 0)
        return STATUS_UNSUCCESSFUL;
    return RogueRegister(DriverObject, RegistryPath);
}
