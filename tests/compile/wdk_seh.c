/* How WDK driver source uses structured exception handling: the C spellings try/except/
 * finally/leave from the WDK's headers next to __try, filters that are comma expressions
 * or calls taking GetExceptionInformation(), handlers that break out of the driver's own
 * do/while(FALSE), Allman braces. Must compile with gcc and clang under
 * -Wall -Wextra -Werror. */
#include <ndis.h>

static LONG FilterAccess(_In_ PEXCEPTION_POINTERS Pointers)
{
    return Pointers->ExceptionRecord->ExceptionCode == STATUS_ACCESS_VIOLATION ? EXCEPTION_EXECUTE_HANDLER
                                                                              : EXCEPTION_CONTINUE_SEARCH;
}

NTSTATUS CopyFromUser(_Out_writes_bytes_(Length) PVOID Destination, _In_ PVOID UserBuffer, _In_ ULONG Length)
{
    NTSTATUS status = STATUS_SUCCESS;
    try {
        ProbeForRead(UserBuffer, Length, sizeof(UCHAR));
        RtlCopyMemory(Destination, UserBuffer, Length);
    } except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}

NTSTATUS LockUserBuffer(_In_ PMDL Mdl, _In_ BOOLEAN Write)
{
    volatile NTSTATUS status = STATUS_SUCCESS;
    do {
        __try {
            MmProbeAndLockPages(Mdl, UserMode, Write ? IoWriteAccess : IoReadAccess);
        } __except (FilterAccess(GetExceptionInformation())) {
            status = STATUS_INVALID_USER_BUFFER;
            break;
        }
        MmUnlockPages(Mdl);
    } while (FALSE);
    return status;
}

ULONG CountSteps(_In_ ULONG Limit)
{
    volatile ULONG steps = 0;
    try {
        try {
            if (Limit == 0)
                leave;
            steps++;
            __try {
                steps++;
                if (Limit == 1)
                    __leave;
                ExRaiseStatus(STATUS_INVALID_PARAMETER);
            } __finally {
                if (AbnormalTermination())
                    steps += 10;
            }
        } finally {
            if (abnormal_termination())
                steps += 100;
        }
    } except (steps++, exception_code() == STATUS_INVALID_PARAMETER) {
        steps += 1000;
    }
    if (Limit > 5) {
        __try
        {
            steps++;
        }
        __except (EXCEPTION_CONTINUE_SEARCH)
        {
        }
    }
    return steps;
}
