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
    /* Like __fastfail: terminate at once; the supervising process reports it. */
    abort();
}
