/* Run-time library routines drivers call (the inline ones live in the headers). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "ke.h"

NTSYSAPI VOID RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    size_t len = 0;

    if (SourceString != NULL)
        while (SourceString[len] != 0)
            len++;
    /* Lengths are USHORT byte counts: clamp as Windows does (MAXUSHORT - 1 even bytes). */
    if (len * sizeof(WCHAR) > 0xfffc)
        len = 0xfffc / sizeof(WCHAR);
    DestinationString->Buffer = (PWCH)SourceString;
    DestinationString->Length = (USHORT)(len * sizeof(WCHAR));
    DestinationString->MaximumLength =
        SourceString ? (USHORT)(DestinationString->Length + sizeof(WCHAR)) : 0;
}

NTSYSAPI DECLSPEC_NORETURN VOID RtlFailFast(ULONG Code)
{
    if (Code == FAST_FAIL_CORRUPT_LIST_ENTRY)
        vf_violation(VF_LIST_CORRUPTION, "RtlFailFast", VF_CALLER,
                     "corrupt LIST_ENTRY: a neighbour does not point back (fast fail code %u)", Code);
    fprintf(stderr, "openndis: driver failed fast (code %u)\n", Code);
    vf_note_fail_fast();
    /* Like __fastfail: terminate at once; the supervising process reports it. */
    abort();
}

NTSYSAPI VOID RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (SourceString == NULL) {
        DestinationString->Length = 0;
        return;
    }
    USHORT n = SourceString->Length < DestinationString->MaximumLength ? SourceString->Length
                                                                       : DestinationString->MaximumLength;
    n &= (USHORT)~1u;
    memmove(DestinationString->Buffer, SourceString->Buffer, n);
    DestinationString->Length = n;
    /* Terminate when there is room, as Windows does. */
    if (n + sizeof(WCHAR) <= DestinationString->MaximumLength)
        DestinationString->Buffer[n / sizeof(WCHAR)] = 0;
}

static WCHAR rtl_upcase(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? (WCHAR)(c - 'a' + 'A') : c; /* ASCII; enough for keywords */
}

NTSYSAPI BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2, BOOLEAN CaseInSensitive)
{
    if (String1->Length != String2->Length)
        return FALSE;
    for (USHORT i = 0; i < String1->Length / sizeof(WCHAR); i++) {
        WCHAR a = String1->Buffer[i], b = String2->Buffer[i];
        if (CaseInSensitive ? rtl_upcase(a) != rtl_upcase(b) : a != b)
            return FALSE;
    }
    return TRUE;
}

NTSYSAPI SIZE_T RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
    const UCHAR *a = Source1, *b = Source2;
    SIZE_T i = 0;
    while (i < Length && a[i] == b[i])
        i++;
    return i;
}

NTSYSAPI VOID RtlAssert(PVOID FailedAssertion, PVOID FileName, ULONG LineNumber, PSTR Message)
{
    vf_violation(VF_DRIVER_ASSERTION, "RtlAssert", VF_CALLER, "ASSERT(%s) failed at %s:%u%s%s", (const char *)FailedAssertion,
                 (const char *)FileName, LineNumber, Message ? ": " : "", Message ? Message : "");
}
