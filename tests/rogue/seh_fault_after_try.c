/* Structured exceptions under the supervisor: after a __try has put OpenNDIS's fault handler
 * in front, a fault outside every __try still reaches the crash report at its own line. */
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
    volatile ULONG caught = 0;
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    __try {
        Poke(Nowhere, 1);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        caught = 1;
    }
    *(volatile ULONG *)Nowhere = caught; /* expect ND1901: rogue_seh_fault_after_try */
    return STATUS_SUCCESS;
}
