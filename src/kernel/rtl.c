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

/* The driver stops the system on purpose. Here its process stops, saying with what; the
 * supervising process reports the abort as a crash (ND1901) at the call. */
NTKERNELAPI DECLSPEC_NORETURN VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
                                                ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3,
                                                ULONG_PTR BugCheckParameter4)
{
    fprintf(stderr,
            "openndis: the driver called KeBugCheckEx(0x%X, 0x%llx, 0x%llx, 0x%llx, 0x%llx): on Windows the "
            "system stops here\n",
            (unsigned)BugCheckCode, (unsigned long long)BugCheckParameter1, (unsigned long long)BugCheckParameter2,
            (unsigned long long)BugCheckParameter3, (unsigned long long)BugCheckParameter4);
    abort();
}

/* KeBugCheckEx with its four parameters zero, as on Windows. */
NTKERNELAPI DECLSPEC_NORETURN VOID KeBugCheck(ULONG BugCheckCode)
{
    KeBugCheckEx(BugCheckCode, 0, 0, 0, 0);
}

/* A call through a pure virtual function's vtable slot: an object used while it is being
 * constructed or destroyed, or freed. MSVC's kernel run-time stops the system; here the
 * driver's process stops, saying so (ND1901 at the call). */
OPENNDIS_API DECLSPEC_NORETURN void _purecall(void)
{
    fprintf(stderr, "openndis: the driver called a pure virtual function (_purecall): an object used while it is "
                    "constructed or destroyed, or after it was freed\n");
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

/* ---- operating system version: the Windows release that ships the NDIS version OpenNDIS
 * reports (NdisGetVersion, --ndis-version), so the two answers agree. ------------------------ */
static const struct {
    UINT ndis; /* (major << 16) | minor */
    ULONG major, minor, build;
} rtl_windows_of_ndis[] = {
    { 0x60000, 6, 0, 6000 },   { 0x60001, 6, 0, 6001 },   { 0x60014, 6, 1, 7600 },   { 0x6001e, 6, 2, 9200 },
    { 0x60028, 6, 3, 9600 },   { 0x60032, 10, 0, 10240 }, { 0x60033, 10, 0, 10586 }, { 0x6003c, 10, 0, 14393 },
    { 0x60046, 10, 0, 15063 }, { 0x60050, 10, 0, 16299 }, { 0x60051, 10, 0, 17134 }, { 0x60052, 10, 0, 17763 },
    { 0x60053, 10, 0, 18362 }, { 0x60054, 10, 0, 19041 }, { 0x60055, 10, 0, 19044 }, { 0x60056, 10, 0, 22000 },
    { 0x60057, 10, 0, 22621 }, { 0x60058, 10, 0, 25398 }, { 0x60059, 10, 0, 26100 },
};

static void rtl_current_version(ULONG *major, ULONG *minor, ULONG *build)
{
    UINT ndis = NdisGetVersion();
    size_t pick = 0;
    for (size_t i = 0; i < sizeof rtl_windows_of_ndis / sizeof rtl_windows_of_ndis[0]; i++)
        if (rtl_windows_of_ndis[i].ndis <= ndis)
            pick = i;
    *major = rtl_windows_of_ndis[pick].major;
    *minor = rtl_windows_of_ndis[pick].minor;
    *build = rtl_windows_of_ndis[pick].build;
}

NTSYSAPI NTSTATUS RtlGetVersion(PRTL_OSVERSIONINFOW lpVersionInformation)
{
    ULONG size = lpVersionInformation->dwOSVersionInfoSize;
    if (size != sizeof(RTL_OSVERSIONINFOW) && size != sizeof(RTL_OSVERSIONINFOEXW))
        return STATUS_INVALID_PARAMETER;
    RtlZeroMemory(lpVersionInformation, size);
    lpVersionInformation->dwOSVersionInfoSize = size;
    rtl_current_version(&lpVersionInformation->dwMajorVersion, &lpVersionInformation->dwMinorVersion,
                        &lpVersionInformation->dwBuildNumber);
    lpVersionInformation->dwPlatformId = VER_PLATFORM_WIN32_NT;
    if (size == sizeof(RTL_OSVERSIONINFOEXW))
        ((PRTL_OSVERSIONINFOEXW)lpVersionInformation)->wProductType = VER_NT_WORKSTATION;
    return STATUS_SUCCESS;
}

NTKERNELAPI BOOLEAN PsGetVersion(PULONG MajorVersion, PULONG MinorVersion, PULONG BuildNumber,
                                 PUNICODE_STRING CSDVersion)
{
    ULONG major, minor, build;
    rtl_current_version(&major, &minor, &build);
    if (MajorVersion)
        *MajorVersion = major;
    if (MinorVersion)
        *MinorVersion = minor;
    if (BuildNumber)
        *BuildNumber = build;
    if (CSDVersion && CSDVersion->Buffer && CSDVersion->MaximumLength >= sizeof(WCHAR)) {
        CSDVersion->Length = 0; /* no service pack */
        CSDVersion->Buffer[0] = 0;
    }
    return FALSE; /* a free (not a checked) build */
}

NTSYSAPI char *_strupr(char *String)
{
    for (char *p = String; p && *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return String;
}

/* Each VER_ type bit has a 3-bit condition in the mask: bit n of the type -> bits 3n..3n+2. */
static unsigned rtl_type_index(ULONG type)
{
    return (unsigned)__builtin_ctz(type);
}

NTSYSAPI ULONGLONG VerSetConditionMask(ULONGLONG ConditionMask, ULONG TypeMask, UCHAR Condition)
{
    if (TypeMask == 0 || (TypeMask & (TypeMask - 1)) != 0 || TypeMask > VER_PRODUCT_TYPE)
        return ConditionMask; /* one type bit per call */
    unsigned shift = rtl_type_index(TypeMask) * 3;
    return (ConditionMask & ~(7ull << shift)) | ((ULONGLONG)(Condition & 7) << shift);
}

static bool rtl_compare(ULONGLONG have, ULONGLONG want, unsigned cond)
{
    switch (cond) {
    case VER_EQUAL: return have == want;
    case VER_GREATER: return have > want;
    case VER_GREATER_EQUAL: return have >= want;
    case VER_LESS: return have < want;
    case VER_LESS_EQUAL: return have <= want;
    default: return false;
    }
}

NTSYSAPI NTSTATUS RtlVerifyVersionInfo(PRTL_OSVERSIONINFOEXW VersionInfo, ULONG TypeMask, ULONGLONG ConditionMask)
{
    if (TypeMask == 0 || ConditionMask == 0)
        return STATUS_INVALID_PARAMETER;
    ULONG major, minor, build;
    rtl_current_version(&major, &minor, &build);
    /* Major, minor and service pack compare as one version, most significant first, with the
     * condition given for the most significant part present (as the documentation shows). */
    ULONG version_bits = TypeMask & (VER_MAJORVERSION | VER_MINORVERSION | VER_SERVICEPACKMAJOR | VER_SERVICEPACKMINOR);
    if (version_bits != 0) {
        ULONGLONG have = 0, want = 0;
        unsigned cond = 0;
        static const ULONG order[] = { VER_MAJORVERSION, VER_MINORVERSION, VER_SERVICEPACKMAJOR, VER_SERVICEPACKMINOR };
        ULONGLONG have_parts[] = { major, minor, 0, 0 };
        ULONGLONG want_parts[] = { VersionInfo->dwMajorVersion, VersionInfo->dwMinorVersion,
                                   VersionInfo->wServicePackMajor, VersionInfo->wServicePackMinor };
        for (int i = 0; i < 4; i++) {
            have <<= 16, want <<= 16;
            if (!(version_bits & order[i]))
                continue;
            have |= have_parts[i] & 0xffff, want |= want_parts[i] & 0xffff;
            if (cond == 0)
                cond = (unsigned)(ConditionMask >> (rtl_type_index(order[i]) * 3)) & 7;
        }
        if (!rtl_compare(have, want, cond))
            return STATUS_REVISION_MISMATCH;
    }
    if (TypeMask & VER_BUILDNUMBER) {
        unsigned cond = (unsigned)(ConditionMask >> (rtl_type_index(VER_BUILDNUMBER) * 3)) & 7;
        if (!rtl_compare(build, VersionInfo->dwBuildNumber, cond))
            return STATUS_REVISION_MISMATCH;
    }
    if (TypeMask & VER_PLATFORMID) {
        unsigned cond = (unsigned)(ConditionMask >> (rtl_type_index(VER_PLATFORMID) * 3)) & 7;
        if (!rtl_compare(VER_PLATFORM_WIN32_NT, VersionInfo->dwPlatformId, cond))
            return STATUS_REVISION_MISMATCH;
    }
    if (TypeMask & VER_PRODUCT_TYPE) {
        unsigned cond = (unsigned)(ConditionMask >> (rtl_type_index(VER_PRODUCT_TYPE) * 3)) & 7;
        if (!rtl_compare(VER_NT_WORKSTATION, VersionInfo->wProductType, cond))
            return STATUS_REVISION_MISMATCH;
    }
    return STATUS_SUCCESS;
}

/* ---- ANSI strings ----------------------------------------------------------------------- */
NTSYSAPI VOID RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString)
{
    size_t n = SourceString != NULL ? strlen(SourceString) : 0;
    if (n > 0xfffe)
        n = 0xfffe;
    DestinationString->Buffer = (PCHAR)SourceString;
    DestinationString->Length = (USHORT)n;
    DestinationString->MaximumLength = SourceString != NULL ? (USHORT)(n + 1) : 0;
}

/* Characters beyond 0x7f have no ANSI code page here: they become '?', as Windows does for
 * characters its code page lacks. */
NTSYSAPI NTSTATUS RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString, PCUNICODE_STRING SourceString,
                                               BOOLEAN AllocateDestinationString)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, "RtlUnicodeStringToAnsiString", site);
    size_t chars = SourceString->Length / sizeof(WCHAR);
    if (chars + 1 > 0xffff)
        return STATUS_INVALID_PARAMETER_2;
    if (AllocateDestinationString) {
        DestinationString->Buffer = ke_ex_alloc(chars + 1, 0x67727453u /* 'grtS' */, site, "RtlUnicodeStringToAnsiString");
        if (DestinationString->Buffer == NULL)
            return STATUS_NO_MEMORY;
        DestinationString->MaximumLength = (USHORT)(chars + 1);
    } else if (chars >= DestinationString->MaximumLength) {
        /* Windows fills what fits and reports the overflow */
        size_t fit = DestinationString->MaximumLength;
        for (size_t i = 0; i < fit; i++) {
            WCHAR c = SourceString->Buffer[i];
            DestinationString->Buffer[i] = c < 0x80 ? (CHAR)c : '?';
        }
        DestinationString->Length = (USHORT)fit;
        return STATUS_BUFFER_OVERFLOW;
    }
    for (size_t i = 0; i < chars; i++) {
        WCHAR c = SourceString->Buffer[i];
        DestinationString->Buffer[i] = c < 0x80 ? (CHAR)c : '?';
    }
    DestinationString->Buffer[chars] = '\0';
    DestinationString->Length = (USHORT)chars;
    return STATUS_SUCCESS;
}

/* ANSI is taken as Latin-1, the inverse of the conversion above. */
NTSYSAPI NTSTATUS RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString, PCANSI_STRING SourceString,
                                               BOOLEAN AllocateDestinationString)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, "RtlAnsiStringToUnicodeString", site);
    size_t chars = SourceString->Length;
    if ((chars + 1) * sizeof(WCHAR) > 0xffff)
        return STATUS_INVALID_PARAMETER_2;
    if (AllocateDestinationString) {
        DestinationString->Buffer =
            ke_ex_alloc((chars + 1) * sizeof(WCHAR), 0x67727453u /* 'grtS' */, site, "RtlAnsiStringToUnicodeString");
        if (DestinationString->Buffer == NULL)
            return STATUS_NO_MEMORY;
        DestinationString->MaximumLength = (USHORT)((chars + 1) * sizeof(WCHAR));
    } else if (chars * sizeof(WCHAR) > DestinationString->MaximumLength) {
        return STATUS_BUFFER_OVERFLOW;
    }
    for (size_t i = 0; i < chars; i++)
        DestinationString->Buffer[i] = (UCHAR)SourceString->Buffer[i];
    if ((chars + 1) * sizeof(WCHAR) <= DestinationString->MaximumLength)
        DestinationString->Buffer[chars] = 0;
    DestinationString->Length = (USHORT)(chars * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

NTSYSAPI VOID RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
    if (UnicodeString->Buffer != NULL && !ke_pool_free(UnicodeString->Buffer))
        vf_violation(VF_FREE_INVALID, "RtlFreeUnicodeString", VF_CALLER,
                     "%p was not allocated by RtlAnsiStringToUnicodeString", (void *)UnicodeString->Buffer);
    UnicodeString->Buffer = NULL;
    UnicodeString->Length = UnicodeString->MaximumLength = 0;
}

NTSYSAPI VOID RtlFreeAnsiString(PANSI_STRING AnsiString)
{
    if (AnsiString->Buffer != NULL && !ke_pool_free(AnsiString->Buffer))
        vf_violation(VF_FREE_INVALID, "RtlFreeAnsiString", VF_CALLER,
                     "%p was not allocated by RtlUnicodeStringToAnsiString", (void *)AnsiString->Buffer);
    AnsiString->Buffer = NULL;
    AnsiString->Length = AnsiString->MaximumLength = 0;
}

static NTSTATUS rtl_append(PUNICODE_STRING dst, const WCHAR *src, size_t bytes)
{
    if (bytes == 0)
        return STATUS_SUCCESS;
    if ((size_t)dst->Length + bytes > dst->MaximumLength)
        return STATUS_BUFFER_TOO_SMALL;
    memmove((PCHAR)dst->Buffer + dst->Length, src, bytes);
    dst->Length = (USHORT)(dst->Length + bytes);
    /* terminate when there is room, as Windows does */
    if ((size_t)dst->Length + sizeof(WCHAR) <= dst->MaximumLength)
        dst->Buffer[dst->Length / sizeof(WCHAR)] = 0;
    return STATUS_SUCCESS;
}

NTSYSAPI NTSTATUS RtlAppendUnicodeStringToString(PUNICODE_STRING Destination, PCUNICODE_STRING Source)
{
    return rtl_append(Destination, Source->Buffer, Source->Length);
}

NTSYSAPI NTSTATUS RtlAppendUnicodeToString(PUNICODE_STRING Destination, PCWSTR Source)
{
    size_t n = 0;
    if (Source != NULL)
        while (Source[n] != 0)
            n++;
    return rtl_append(Destination, Source, n * sizeof(WCHAR));
}

NTSYSAPI CCHAR RtlFindLeastSignificantBit(ULONGLONG Set)
{
    return Set == 0 ? -1 : (CCHAR)__builtin_ctzll(Set);
}

NTSYSAPI CCHAR RtlFindMostSignificantBit(ULONGLONG Set)
{
    return Set == 0 ? -1 : (CCHAR)(63 - __builtin_clzll(Set));
}
