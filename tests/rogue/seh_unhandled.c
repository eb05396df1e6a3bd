/* Structured exceptions under the supervisor: DriverEntry catches an access fault and a
 * failed probe in __try/__except (no finding), then raises a status nothing handles, which
 * stops the driver as the bug check would: a crash at the raise. */
#include "rogue.h"

/* The fault one call down: clang's own __try in a PE build covers calls, not a fault in the
 * body itself (docs/pe.md); MSVC's and OpenNDIS's .so __try cover both. */
static DECLSPEC_NOINLINE VOID Poke(PULONG volatile Where, ULONG Value)
{
    *(volatile ULONG *)Where = Value;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    /* Unmapped but not NULL: UBSan's null check would report a NULL store itself before it
     * faults (docs/seh.md), and the suite also runs under UBSan. */
    PULONG volatile Nowhere = (PULONG)(ULONG_PTR)0x40;
    volatile NTSTATUS caught = STATUS_SUCCESS;
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    try {
        Poke(Nowhere, 0xdead);
    } except (EXCEPTION_EXECUTE_HANDLER) {
        caught = GetExceptionCode();
    }
    __try {
        ProbeForRead((PVOID)(ULONG_PTR)0xffff800000000000ULL, 16, 1);
    } __except (GetExceptionCode() == STATUS_ACCESS_VIOLATION) {
        caught = STATUS_ACCESS_VIOLATION;
    }
    if (caught == STATUS_ACCESS_VIOLATION)
        ExRaiseStatus(STATUS_INVALID_USER_BUFFER); /* expect ND1901: rogue_seh_unhandled */
    return STATUS_UNSUCCESSFUL;
}
