/* ntstrsafe.h's UNICODE_STRING functions and the Cb Ex / N forms against their documented
 * edge cases: byte lengths, no terminator needed, invalid structures (odd lengths,
 * Length > MaximumLength, above NTSTRSAFE_UNICODE_STRING_MAX_CCH, NULL Buffer with a
 * length), truncation with STATUS_BUFFER_OVERFLOW, and every flag of the Ex forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <ntstrsafe.h>

#define US(buf, len, max) ((UNICODE_STRING){ (USHORT)(len), (USHORT)(max), (buf) })

static void assert_us(const UNICODE_STRING *s, const WCHAR *text)
{
    size_t n = 0;
    while (text[n])
        n++;
    assert_int_equal(s->Length, n * sizeof(WCHAR));
    assert_memory_equal(s->Buffer, text, n * sizeof(WCHAR));
}

static void test_init(void **state)
{
    (void)state;
    UNICODE_STRING s = US((PWCH)1, 2, 2);
    assert_int_equal(RtlUnicodeStringInit(&s, L"abc"), STATUS_SUCCESS);
    assert_int_equal(s.Length, 6);
    assert_int_equal(s.MaximumLength, 8); /* the terminator counts in MaximumLength */
    assert_int_equal(RtlUnicodeStringInit(&s, NULL), STATUS_SUCCESS);
    assert_int_equal(s.Length, 0);
    assert_int_equal(s.MaximumLength, 0);
    assert_null(s.Buffer);
    assert_int_equal(RtlUnicodeStringInitEx(NULL, NULL, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_int_equal(RtlUnicodeStringInitEx(NULL, L"a", STRSAFE_IGNORE_NULLS), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringInit(NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringInitEx(&s, L"a", STRSAFE_NO_TRUNCATION), STATUS_INVALID_PARAMETER);

    /* the longest: 32766 characters and the terminator; one more is too long */
    static WCHAR big[NTSTRSAFE_UNICODE_STRING_MAX_CCH + 1];
    for (size_t i = 0; i < NTSTRSAFE_UNICODE_STRING_MAX_CCH; i++)
        big[i] = L'x';
    big[NTSTRSAFE_UNICODE_STRING_MAX_CCH - 1] = 0;
    assert_int_equal(RtlUnicodeStringInit(&s, big), STATUS_SUCCESS);
    assert_int_equal(s.Length, 65532);
    assert_int_equal(s.MaximumLength, 65534);
    big[NTSTRSAFE_UNICODE_STRING_MAX_CCH - 1] = L'x';
    assert_int_equal(RtlUnicodeStringInit(&s, big), STATUS_INVALID_PARAMETER);
    assert_int_equal(s.Length, 0);
    assert_null(s.Buffer);
}

static void test_validate(void **state)
{
    (void)state;
    WCHAR b[4];
    UNICODE_STRING s = US(b, 4, 8);
    assert_int_equal(RtlUnicodeStringValidate(&s), STATUS_SUCCESS);
    s = US(b, 3, 8); /* odd Length */
    assert_int_equal(RtlUnicodeStringValidate(&s), STATUS_INVALID_PARAMETER);
    s = US(b, 4, 7); /* odd MaximumLength */
    assert_int_equal(RtlUnicodeStringValidate(&s), STATUS_INVALID_PARAMETER);
    s = US(b, 8, 4); /* Length > MaximumLength */
    assert_int_equal(RtlUnicodeStringValidate(&s), STATUS_INVALID_PARAMETER);
    s = US(b, 0, 65535); /* above NTSTRSAFE_UNICODE_STRING_MAX_CCH characters (and odd) */
    assert_int_equal(RtlUnicodeStringValidate(&s), STATUS_INVALID_PARAMETER);
    s = US(b, 0, 65534);
    assert_int_equal(RtlUnicodeStringValidate(&s), STATUS_SUCCESS);
    s = US(NULL, 0, 4); /* NULL Buffer with a length */
    assert_int_equal(RtlUnicodeStringValidate(&s), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringValidateEx(&s, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    s = US(NULL, 0, 0);
    assert_int_equal(RtlUnicodeStringValidate(&s), STATUS_SUCCESS);
    assert_int_equal(RtlUnicodeStringValidate(NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringValidateEx(NULL, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_int_equal(RtlUnicodeStringValidateEx(&s, STRSAFE_FILL_BEHIND), STATUS_INVALID_PARAMETER); /* not its flag */
}

static void test_copy(void **state)
{
    (void)state;
    WCHAR b[4], sb[] = L"abcdef";
    UNICODE_STRING d = US(b, 0, sizeof b), s = US(sb, 8, 8);
    assert_int_equal(RtlUnicodeStringCopy(&d, &s), STATUS_SUCCESS); /* exact fit, no terminator */
    assert_us(&d, L"abcd");
    s.Length = s.MaximumLength = 12;
    assert_int_equal(RtlUnicodeStringCopy(&d, &s), STATUS_BUFFER_OVERFLOW);
    assert_us(&d, L"abcd"); /* truncated to what fits */
    s.Length = 2;
    assert_int_equal(RtlUnicodeStringCopy(&d, &s), STATUS_SUCCESS);
    assert_us(&d, L"a");
    UNICODE_STRING bad = US(sb, 3, 12);
    assert_int_equal(RtlUnicodeStringCopy(&d, &bad), STATUS_INVALID_PARAMETER);
    assert_us(&d, L"a"); /* an invalid source leaves the destination */
    bad = US(b, 10, 8);
    assert_int_equal(RtlUnicodeStringCopy(&bad, &s), STATUS_INVALID_PARAMETER);
    assert_int_equal(bad.Length, 10);
    assert_int_equal(RtlUnicodeStringCopy(&d, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringCopy(NULL, &s), STATUS_INVALID_PARAMETER);
    UNICODE_STRING empty = US(NULL, 0, 0);
    assert_int_equal(RtlUnicodeStringCopy(&empty, &s), STATUS_BUFFER_OVERFLOW); /* no room at all */
    s.Length = 0;
    assert_int_equal(RtlUnicodeStringCopy(&empty, &s), STATUS_SUCCESS);
}

static void test_copy_ex_flags(void **state)
{
    (void)state;
    WCHAR b[6], sb[] = L"abcdefgh";
    UNICODE_STRING d = US(b, 0, sizeof b), s = US(sb, 4, 16), rem;
    assert_int_equal(RtlUnicodeStringCopyEx(&d, &s, &rem, STRSAFE_FILL_BEHIND | 0x41), STATUS_SUCCESS);
    assert_us(&d, L"ab");
    assert_ptr_equal(rem.Buffer, b + 2);
    assert_int_equal(rem.Length, 0);
    assert_int_equal(rem.MaximumLength, 8);
    assert_int_equal(b[2], 0x4141); /* filled behind, no terminator written */
    assert_int_equal(b[5], 0x4141);
    s.Length = 16;
    assert_int_equal(RtlUnicodeStringCopyEx(&d, &s, &rem, STRSAFE_FILL_ON_FAILURE | 0x42), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, sizeof b); /* the whole buffer is fill */
    assert_int_equal(b[0], 0x4242);
    assert_int_equal(b[5], 0x4242);
    assert_int_equal(rem.MaximumLength, 0);
    assert_int_equal(RtlUnicodeStringCopyEx(&d, &s, &rem, STRSAFE_FAILURE_BYTE(0)), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 0); /* zeros are the empty string */
    assert_int_equal(b[5], 0);
    assert_int_equal(RtlUnicodeStringCopyEx(&d, &s, &rem, STRSAFE_ZERO_LENGTH_ON_FAILURE), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 0);
    assert_int_equal(rem.MaximumLength, sizeof b);
    assert_memory_equal(b, L"abcdef", sizeof b); /* the text is written, only Length says empty */
    d.Length = 4;
    memcpy(b, L"xyzzzz", sizeof b);
    assert_int_equal(RtlUnicodeStringCopyEx(&d, &s, &rem, STRSAFE_NO_TRUNCATION), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 0);
    assert_memory_equal(b, L"xyzzzz", sizeof b); /* the buffer is not modified */
    assert_int_equal(RtlUnicodeStringCopyEx(&d, NULL, &rem, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_int_equal(d.Length, 0); /* a NULL source is the empty string */
    assert_int_equal(RtlUnicodeStringCopyEx(NULL, &s, &rem, STRSAFE_IGNORE_NULLS), STATUS_BUFFER_OVERFLOW);
    assert_null(rem.Buffer);
    UNICODE_STRING nb = US(NULL, 0, 8);
    s.Length = 0;
    assert_int_equal(RtlUnicodeStringCopyEx(&nb, &s, NULL, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_int_equal(RtlUnicodeStringCopyEx(&d, &s, &rem, 0x00100000), STATUS_INVALID_PARAMETER);
    UNICODE_STRING bad = US(sb, 1, 4);
    d.Length = 2;
    assert_int_equal(RtlUnicodeStringCopyEx(&d, &bad, &rem, STRSAFE_ZERO_LENGTH_ON_FAILURE), STATUS_INVALID_PARAMETER);
    assert_int_equal(d.Length, 0); /* failure flags apply to an invalid source too */
}

static void test_cat(void **state)
{
    (void)state;
    WCHAR b[5] = L"ab", sb[] = L"cdef";
    UNICODE_STRING d = US(b, 4, sizeof b - 2), s = US(sb, 4, 8), rem;
    assert_int_equal(RtlUnicodeStringCat(&d, &s), STATUS_SUCCESS); /* fills MaximumLength exactly */
    assert_us(&d, L"abcd");
    assert_int_equal(RtlUnicodeStringCat(&d, &s), STATUS_BUFFER_OVERFLOW);
    assert_us(&d, L"abcd");
    d.Length = 2;
    s.Length = 8;
    assert_int_equal(RtlUnicodeStringCatEx(&d, &s, &rem, STRSAFE_NO_TRUNCATION), STATUS_BUFFER_OVERFLOW);
    assert_us(&d, L"a"); /* left as it was */
    assert_ptr_equal(rem.Buffer, b + 1);
    assert_int_equal(rem.MaximumLength, 6);
    assert_int_equal(RtlUnicodeStringCatEx(&d, &s, &rem, 0), STATUS_BUFFER_OVERFLOW);
    assert_us(&d, L"acde");
    assert_int_equal(rem.MaximumLength, 0);
    d.Length = 2;
    assert_int_equal(RtlUnicodeStringCatEx(&d, NULL, &rem, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_us(&d, L"a");
    assert_int_equal(RtlUnicodeStringCat(&d, NULL), STATUS_INVALID_PARAMETER);
    assert_us(&d, L"a");
    assert_int_equal(RtlUnicodeStringCatString(&d, L"bc"), STATUS_SUCCESS);
    assert_us(&d, L"abc");
    assert_int_equal(RtlUnicodeStringCatStringEx(&d, L"xyz", &rem, STRSAFE_NULL_ON_FAILURE), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 0);
}

static void test_copy_string(void **state)
{
    (void)state;
    WCHAR b[3];
    UNICODE_STRING d = US(b, 0, sizeof b), rem;
    assert_int_equal(RtlUnicodeStringCopyString(&d, L"abc"), STATUS_SUCCESS);
    assert_us(&d, L"abc");
    assert_int_equal(RtlUnicodeStringCopyString(&d, L"abcd"), STATUS_BUFFER_OVERFLOW);
    assert_us(&d, L"abc");
    assert_int_equal(RtlUnicodeStringCopyString(&d, NULL), STATUS_INVALID_PARAMETER);
    assert_us(&d, L"abc");
    assert_int_equal(RtlUnicodeStringCopyStringEx(&d, NULL, &rem, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_int_equal(d.Length, 0);
    assert_int_equal(rem.MaximumLength, 6);
    assert_int_equal(RtlUnicodeStringCchCopyStringN(&d, L"wxyz", 2), STATUS_SUCCESS);
    assert_us(&d, L"wx");
    assert_int_equal(RtlUnicodeStringCbCopyStringN(&d, L"wxyz", 2), STATUS_SUCCESS);
    assert_us(&d, L"w");
    assert_int_equal(RtlUnicodeStringCchCopyStringN(&d, L"wxyz", NTSTRSAFE_UNICODE_STRING_MAX_CCH + 1),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringCchCatStringN(&d, L"yz", 1), STATUS_SUCCESS);
    assert_us(&d, L"wy");
    assert_int_equal(RtlUnicodeStringCbCatStringN(&d, L"zzzz", 8), STATUS_BUFFER_OVERFLOW);
    assert_us(&d, L"wyz");
}

static void test_copy_n(void **state)
{
    (void)state;
    WCHAR b[4], sb[] = L"ab\0d"; /* counted source: an embedded NUL is a character */
    UNICODE_STRING d = US(b, 0, sizeof b), s = US(sb, 8, 8), rem;
    assert_int_equal(RtlUnicodeStringCchCopyN(&d, &s, 3), STATUS_SUCCESS);
    assert_int_equal(d.Length, 6);
    assert_memory_equal(b, L"ab\0", 6);
    assert_int_equal(RtlUnicodeStringCbCopyN(&d, &s, 2), STATUS_SUCCESS);
    assert_us(&d, L"a");
    assert_int_equal(RtlUnicodeStringCchCopyN(&d, &s, 100), STATUS_SUCCESS); /* N above the source length */
    assert_int_equal(d.Length, 8);
    assert_int_equal(RtlUnicodeStringCchCopyN(&d, &s, NTSTRSAFE_UNICODE_STRING_MAX_CCH + 1), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringCbCopyN(&d, &s, (NTSTRSAFE_UNICODE_STRING_MAX_CCH + 1) * sizeof(WCHAR)),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlUnicodeStringCchCopyNEx(&d, &s, 1, &rem, 0), STATUS_SUCCESS);
    assert_int_equal(rem.MaximumLength, 6);
    assert_int_equal(RtlUnicodeStringCbCopyNEx(&d, &s, 4, &rem, STRSAFE_FILL_BEHIND), STATUS_SUCCESS);
    assert_us(&d, L"ab");
    assert_int_equal(b[2], 0);
    assert_int_equal(b[3], 0);
    d.Length = 2;
    assert_int_equal(RtlUnicodeStringCchCatN(&d, &s, 2), STATUS_SUCCESS);
    assert_us(&d, L"aab");
    assert_int_equal(RtlUnicodeStringCbCatN(&d, &s, 4), STATUS_BUFFER_OVERFLOW);
    assert_us(&d, L"aaba");
    d.Length = 2;
    assert_int_equal(RtlUnicodeStringCchCatNEx(&d, &s, 4, &rem, STRSAFE_NO_TRUNCATION), STATUS_BUFFER_OVERFLOW);
    assert_us(&d, L"a");
    assert_int_equal(RtlUnicodeStringCbCatNEx(&d, &s, 2, &rem, 0), STATUS_SUCCESS);
    assert_us(&d, L"aa");
    assert_ptr_equal(rem.Buffer, b + 2);
}

static NTSTATUS vprint(UNICODE_STRING *d, UNICODE_STRING *rem, DWORD flags, const WCHAR *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = rem ? RtlUnicodeStringVPrintfEx(d, rem, flags, fmt, ap) : RtlUnicodeStringVPrintf(d, fmt, ap);
    va_end(ap);
    return st;
}

static void test_printf(void **state)
{
    (void)state;
    WCHAR b[6];
    UNICODE_STRING d = US(b, 0, sizeof b), rem;
    assert_int_equal(RtlUnicodeStringPrintf(&d, L"%s-%lu", L"ab", (ULONG)42), STATUS_SUCCESS);
    assert_us(&d, L"ab-42");
    assert_int_equal(RtlUnicodeStringPrintf(&d, L"%d", 1234567), STATUS_BUFFER_OVERFLOW);
    assert_us(&d, L"123456"); /* all six characters: no room kept for a terminator */
    assert_int_equal(vprint(&d, NULL, 0, L"%hs", "x"), STATUS_SUCCESS);
    assert_us(&d, L"x");
    assert_int_equal(vprint(&d, &rem, STRSAFE_NO_TRUNCATION, L"%s", L"toolong"), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 0);
    assert_int_equal(RtlUnicodeStringPrintfEx(&d, &rem, 0, L"%c", L'q'), STATUS_SUCCESS);
    assert_us(&d, L"q");
    assert_int_equal(rem.MaximumLength, 10);
    assert_int_equal(RtlUnicodeStringPrintf(&d, NULL), STATUS_INVALID_PARAMETER);
    assert_us(&d, L"q");
    assert_int_equal(RtlUnicodeStringPrintfEx(&d, &rem, STRSAFE_IGNORE_NULLS, NULL), STATUS_SUCCESS);
    assert_int_equal(d.Length, 0);
    UNICODE_STRING bad = US(b, 2, 1);
    assert_int_equal(RtlUnicodeStringPrintf(&bad, L"x"), STATUS_INVALID_PARAMETER);
}

/* The Cb Ex and N forms of the terminated-string functions. */
static void test_string_cb_ex_and_n(void **state)
{
    (void)state;
    char a[8], *aend;
    WCHAR w[4], *wend;
    size_t left;
    assert_int_equal(RtlStringCbCopyExA(a, sizeof a, "abc", &aend, &left, 0), STATUS_SUCCESS);
    assert_ptr_equal(aend, a + 3);
    assert_int_equal(left, 5);
    assert_int_equal(RtlStringCbCopyExW(w, sizeof w, L"ab", &wend, &left, 0), STATUS_SUCCESS);
    assert_ptr_equal(wend, w + 2);
    assert_int_equal(left, 4); /* bytes, the terminator included */
    assert_int_equal(RtlStringCbCatExW(w, sizeof w, L"cd", &wend, &left, 0), STATUS_BUFFER_OVERFLOW);
    assert_memory_equal(w, L"abc", 8);
    assert_int_equal(left, 2);
    assert_int_equal(RtlStringCchCatExA(a, sizeof a, "def", &aend, &left, STRSAFE_FILL_BYTE('#')), STATUS_SUCCESS);
    assert_memory_equal(a, "abcdef\0#", 8);
    assert_int_equal(left, 2);
    assert_int_equal(RtlStringCchCatExA(a, sizeof a, "gh", &aend, &left, STRSAFE_NO_TRUNCATION),
                     STATUS_BUFFER_OVERFLOW);
    assert_string_equal(a, "abcdef");
    assert_ptr_equal(aend, a + 6);
    assert_int_equal(RtlStringCbCatExA(a, sizeof a, "gh", &aend, &left, STRSAFE_NULL_ON_FAILURE),
                     STATUS_BUFFER_OVERFLOW);
    assert_string_equal(a, "");
    assert_int_equal(RtlStringCchCatExW(w, 4, NULL, &wend, &left, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_ptr_equal(wend, w + 3);

    assert_int_equal(RtlStringCchCopyNA(a, sizeof a, "abcdef", 3), STATUS_SUCCESS);
    assert_string_equal(a, "abc");
    assert_int_equal(RtlStringCchCopyNA(a, sizeof a, "ab", 5), STATUS_SUCCESS); /* stops at the terminator */
    assert_string_equal(a, "ab");
    assert_int_equal(RtlStringCchCopyNA(a, 3, "abcdef", 4), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(a, "ab");
    assert_int_equal(RtlStringCchCopyNA(a, sizeof a, "abc", (size_t)NTSTRSAFE_MAX_CCH + 1), STATUS_INVALID_PARAMETER);
    assert_string_equal(a, "");
    assert_int_equal(RtlStringCbCopyNW(w, sizeof w, L"wxyz", 4), STATUS_SUCCESS);
    assert_memory_equal(w, L"wx", 6);
    assert_int_equal(RtlStringCchCatNW(w, 4, L"yz", 1), STATUS_SUCCESS);
    assert_memory_equal(w, L"wxy", 8);
    assert_int_equal(RtlStringCbCatNA(a, sizeof a, "xyz", 2), STATUS_SUCCESS);
    assert_string_equal(a, "xy");
    assert_int_equal(RtlStringCchCatNA(a, sizeof a, "abc", (size_t)NTSTRSAFE_MAX_CCH + 1), STATUS_INVALID_PARAMETER);
    assert_string_equal(a, "xy"); /* Cat leaves the destination on an invalid argument */
    assert_int_equal(RtlStringCchCopyNExA(a, sizeof a, "abcdef", 2, &aend, &left, 0), STATUS_SUCCESS);
    assert_int_equal(left, 6);
    assert_int_equal(RtlStringCbCopyNExW(w, sizeof w, L"abcdef", 10, &wend, &left, STRSAFE_FAILURE_BYTE('z')),
                     STATUS_BUFFER_OVERFLOW);
    assert_int_equal(w[0], 0x7a7a);
    assert_int_equal(w[3], 0);
    assert_int_equal(left, 2);
    assert_int_equal(RtlStringCchCatNExW(w, 4, NULL, 1, &wend, &left, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_ptr_equal(wend, w + 3);
    strcpy(a, "ab");
    assert_int_equal(RtlStringCbCatNExA(a, sizeof a, "cdefghij", 3, &aend, &left, 0), STATUS_SUCCESS);
    assert_string_equal(a, "abcde");
    assert_int_equal(left, 3);
}

/* The remaining A/W twins, one documented edge each. */
static void test_string_n_twins(void **state)
{
    (void)state;
    char a[4], *aend;
    WCHAR w[4], *wend;
    size_t left;
    assert_int_equal(RtlStringCchCopyNW(w, 4, L"abcdef", 2), STATUS_SUCCESS);
    assert_memory_equal(w, L"ab", 6);
    assert_int_equal(RtlStringCbCopyNA(a, sizeof a, "abcdef", 5), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(a, "abc");
    assert_int_equal(RtlStringCbCatNW(w, sizeof w, L"cdef", 2 * sizeof(WCHAR)), STATUS_BUFFER_OVERFLOW);
    assert_memory_equal(w, L"abc", 8);
    assert_int_equal(RtlStringCchCopyNExW(w, 4, L"xyz", 1, &wend, &left, STRSAFE_FILL_BYTE(0x11)), STATUS_SUCCESS);
    assert_int_equal(w[2], 0x1111);
    assert_int_equal(left, 3);
    assert_int_equal(RtlStringCbCopyNExA(a, sizeof a, NULL, 2, &aend, &left, 0), STATUS_INVALID_PARAMETER);
    assert_string_equal(a, ""); /* a NULL source without STRSAFE_IGNORE_NULLS empties the destination */
    assert_int_equal(left, 4);
    assert_int_equal(RtlStringCchCatNExA(a, sizeof a, "abcd", 4, &aend, &left, STRSAFE_NO_TRUNCATION),
                     STATUS_BUFFER_OVERFLOW);
    assert_string_equal(a, "");
    assert_ptr_equal(aend, a);
    assert_int_equal(RtlStringCbCatNExW(w, sizeof w, L"yz", 4, &wend, &left, 0), STATUS_SUCCESS);
    assert_memory_equal(w, L"xyz", 8);
    assert_int_equal(left, 2); /* bytes */
}

static NTSTATUS cb_vprintf_ex_a(char *d, size_t cb, size_t *left, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = RtlStringCbVPrintfExA(d, cb, NULL, left, 0, fmt, ap);
    va_end(ap);
    return st;
}

static NTSTATUS cb_vprintf_ex_w(WCHAR *d, size_t cb, size_t *left, const WCHAR *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = RtlStringCbVPrintfExW(d, cb, NULL, left, 0, fmt, ap);
    va_end(ap);
    return st;
}

static void test_string_cb_printf_ex(void **state)
{
    (void)state;
    char a[8], *aend;
    WCHAR w[8], *wend;
    size_t left;
    assert_int_equal(RtlStringCbPrintfExA(a, sizeof a, &aend, &left, 0, "%u", 12u), STATUS_SUCCESS);
    assert_string_equal(a, "12");
    assert_int_equal(left, 6);
    assert_int_equal(RtlStringCbPrintfExW(w, sizeof w, &wend, &left, 0, L"%u", 12u), STATUS_SUCCESS);
    assert_memory_equal(w, L"12", 6);
    assert_ptr_equal(wend, w + 2);
    assert_int_equal(left, 12); /* 6 characters, in bytes */
    assert_int_equal(RtlStringCbPrintfExW(w, sizeof w, &wend, &left, STRSAFE_NULL_ON_FAILURE, L"%s", L"123456789"),
                     STATUS_BUFFER_OVERFLOW);
    assert_int_equal(w[0], 0);
    assert_int_equal(left, 16);
    assert_int_equal(cb_vprintf_ex_a(a, 4, &left, "%s", "abcdef"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(a, "abc");
    assert_int_equal(left, 1);
    assert_int_equal(cb_vprintf_ex_w(w, 8, &left, L"%d", 7), STATUS_SUCCESS);
    assert_memory_equal(w, L"7", 4);
    assert_int_equal(left, 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_copy),        cmocka_unit_test(test_copy_ex_flags),
        cmocka_unit_test(test_cat),         cmocka_unit_test(test_copy_string),
        cmocka_unit_test(test_copy_n),      cmocka_unit_test(test_printf),
        cmocka_unit_test(test_string_cb_ex_and_n), cmocka_unit_test(test_string_n_twins),
        cmocka_unit_test(test_string_cb_printf_ex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
