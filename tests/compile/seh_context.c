/* OpenNDIS captures no register context: reading ContextRecord must not compile. */
#include <ndis.h>

ULONG64 FaultingRip(void)
{
    ULONG64 rip = 0;
    __try {
        ExRaiseAccessViolation();
    } __except (rip = GetExceptionInformation()->ContextRecord->Rip, EXCEPTION_EXECUTE_HANDLER) {
    }
    return rip;
}
