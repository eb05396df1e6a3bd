/* ntstrsafe.h against its documented edge cases: exact fit, truncation, sizes of 0 and above
 * NTSTRSAFE_MAX_CCH, NULL pointers with and without STRSAFE_IGNORE_NULLS, every Ex flag,
 * unterminated destinations for Cat and Length, Windows printf rules, the wide forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <ntstrsafe.h>

static void test_copy(void **state)
{
    (void)state;
    char d[6];
    assert_int_equal(RtlStringCchCopyA(d, sizeof d, "hello"), STATUS_SUCCESS); /* exact fit */
    assert_string_equal(d, "hello");
    assert_int_equal(RtlStringCchCopyA(d, sizeof d, "hello!"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "hello"); /* truncated, terminated */
    assert_int_equal(RtlStringCbCopyA(d, 3, "abc"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "ab");
    memcpy(d, "xxxxx", 6);
    assert_int_equal(RtlStringCchCopyA(d, 0, "a"), STATUS_INVALID_PARAMETER);
    assert_string_equal(d, "xxxxx"); /* size 0: nothing written */
    assert_int_equal(RtlStringCchCopyA(d, (size_t)NTSTRSAFE_MAX_CCH + 1, "a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchCopyA(NULL, 4, "a"), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchCopyA(d, sizeof d, NULL), STATUS_INVALID_PARAMETER);
    assert_string_equal(d, ""); /* emptied, never left unterminated */
    assert_int_equal(RtlStringCchCopyA(d, sizeof d, ""), STATUS_SUCCESS);
    assert_string_equal(d, "");
}

static void test_copy_ex_flags(void **state)
{
    (void)state;
    char d[8], *end;
    size_t left;
    assert_int_equal(RtlStringCchCopyExA(d, sizeof d, "abc", &end, &left, 0), STATUS_SUCCESS);
    assert_ptr_equal(end, d + 3);
    assert_int_equal(left, 5); /* terminator included */
    assert_int_equal(RtlStringCchCopyExA(d, sizeof d, "ab", &end, &left, STRSAFE_FILL_BYTE('#')), STATUS_SUCCESS);
    assert_memory_equal(d, "ab\0#####", 8);
    assert_int_equal(RtlStringCchCopyExA(d, sizeof d, "123456789", &end, &left, STRSAFE_FAILURE_BYTE('z')),
                     STATUS_BUFFER_OVERFLOW);
    assert_memory_equal(d, "zzzzzzz\0", 8);
    assert_ptr_equal(end, d + 7);
    assert_int_equal(left, 1);
    assert_int_equal(RtlStringCchCopyExA(d, sizeof d, "123456789", &end, &left, STRSAFE_NULL_ON_FAILURE),
                     STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "");
    assert_int_equal(left, 8);
    strcpy(d, "keep");
    assert_int_equal(RtlStringCchCopyExA(d, sizeof d, "123456789", &end, &left, STRSAFE_NO_TRUNCATION),
                     STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "keep"); /* not modified */
    assert_int_equal(RtlStringCchCopyExA(d, sizeof d, NULL, &end, &left, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_string_equal(d, ""); /* NULL source = "" */
    assert_int_equal(RtlStringCchCopyExA(NULL, 0, "", &end, &left, STRSAFE_IGNORE_NULLS), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchCopyExA(NULL, 0, "a", &end, &left, STRSAFE_IGNORE_NULLS), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(RtlStringCchCopyExA(d, sizeof d, "a", &end, &left, 0x80000000u), STATUS_INVALID_PARAMETER);
}

static void test_cat(void **state)
{
    (void)state;
    char d[8] = "abc";
    assert_int_equal(RtlStringCchCatA(d, sizeof d, "de"), STATUS_SUCCESS);
    assert_string_equal(d, "abcde");
    assert_int_equal(RtlStringCchCatA(d, sizeof d, "fgh"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "abcdefg");
    memset(d, 'x', sizeof d); /* not terminated within cchDest */
    assert_int_equal(RtlStringCchCatA(d, sizeof d, "a"), STATUS_INVALID_PARAMETER);
    assert_memory_equal(d, "xxxxxxxx", 8); /* left alone */
    strcpy(d, "ab");
    assert_int_equal(RtlStringCbCatA(d, 4, "c"), STATUS_SUCCESS);
    assert_string_equal(d, "abc");
}

static void test_length(void **state)
{
    (void)state;
    size_t n = 99;
    assert_int_equal(RtlStringCchLengthA("abc", 4, &n), STATUS_SUCCESS);
    assert_int_equal(n, 3);
    assert_int_equal(RtlStringCchLengthA("abc", 3, &n), STATUS_INVALID_PARAMETER); /* no terminator within 3 */
    assert_int_equal(n, 0);
    assert_int_equal(RtlStringCchLengthA(NULL, 3, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchLengthA("a", 0, &n), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCbLengthW(L"abc", 8, &n), STATUS_SUCCESS);
    assert_int_equal(n, 6); /* bytes */
    assert_int_equal(RtlStringCbLengthW(L"abc", 6, &n), STATUS_INVALID_PARAMETER);
}

static void test_wide(void **state)
{
    (void)state;
    WCHAR d[4];
    assert_int_equal(RtlStringCchCopyW(d, 4, L"abc"), STATUS_SUCCESS);
    assert_memory_equal(d, L"abc", 8);
    assert_int_equal(RtlStringCbCopyW(d, sizeof d, L"abcd"), STATUS_BUFFER_OVERFLOW);
    assert_memory_equal(d, L"abc", 8);
    assert_int_equal(RtlStringCchCopyW(d, 2, L"x"), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchCatW(d, 4, L"yz"), STATUS_SUCCESS);
    assert_memory_equal(d, L"xyz", 8);
    WCHAR *end;
    size_t left;
    assert_int_equal(RtlStringCchCopyExW(d, 4, L"a", &end, &left, 0), STATUS_SUCCESS);
    assert_ptr_equal(end, d + 1);
    assert_int_equal(left, 3);
}

static NTSTATUS vprint(char *d, size_t cb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    NTSTATUS st = RtlStringCbVPrintfA(d, cb, fmt, ap);
    va_end(ap);
    return st;
}

static void test_printf(void **state)
{
    (void)state;
    char d[16], *end;
    size_t left;
    /* Windows rules: %lu is 32 bits, %ws a wide string, %I64u 64 bits */
    assert_int_equal(RtlStringCchPrintfA(d, sizeof d, "%lu-%ws", (ULONG)7, L"ab"), STATUS_SUCCESS);
    assert_string_equal(d, "7-ab");
    assert_int_equal(RtlStringCchPrintfA(d, sizeof d, "%I64u", (ULONG64)12345678901ULL), STATUS_SUCCESS);
    assert_string_equal(d, "12345678901");
    assert_int_equal(RtlStringCbPrintfA(d, 4, "%d", 12345), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "123");
    assert_int_equal(vprint(d, sizeof d, "%s=%u", "x", 5u), STATUS_SUCCESS);
    assert_string_equal(d, "x=5");
    assert_int_equal(RtlStringCchPrintfExA(d, sizeof d, &end, &left, 0, "%02x", 10u), STATUS_SUCCESS);
    assert_string_equal(d, "0a");
    assert_ptr_equal(end, d + 2);
    assert_int_equal(left, 14);
    strcpy(d, "same");
    assert_int_equal(RtlStringCchPrintfExA(d, 4, &end, &left, STRSAFE_NO_TRUNCATION, "%s", "toolong"),
                     STATUS_BUFFER_OVERFLOW);
    assert_string_equal(d, "same");
    assert_int_equal(RtlStringCchPrintfA(d, 0, "x"), STATUS_INVALID_PARAMETER);
}

static void test_printf_wide(void **state)
{
    (void)state;
    WCHAR d[16], *end;
    size_t left;
    /* in a wide printf %s is a wide string, %S and %hs narrow ones */
    assert_int_equal(RtlStringCchPrintfW(d, 16, L"%s|%S|%hs|%lu", L"w\u00e9", "n", "h", (ULONG)42), STATUS_SUCCESS);
    assert_memory_equal(d, L"w\u00e9|n|h|42", 10 * sizeof(WCHAR)); /* 9 characters and the terminator */
    assert_int_equal(RtlStringCchPrintfW(d, 16, L"%s", L"\U0001F600"), STATUS_SUCCESS); /* a surrogate pair */
    assert_int_equal(d[0], 0xd83d);
    assert_int_equal(d[1], 0xde00);
    assert_int_equal(d[2], 0);
    assert_int_equal(RtlStringCbPrintfW(d, 4 * sizeof(WCHAR), L"%d", 123456), STATUS_BUFFER_OVERFLOW);
    assert_memory_equal(d, L"123", 4 * sizeof(WCHAR));
    assert_int_equal(RtlStringCchPrintfExW(d, 16, &end, &left, STRSAFE_FILL_BYTE(0), L"%c%C", L'x', 'y'),
                     STATUS_SUCCESS);
    assert_memory_equal(d, L"xy", 3 * sizeof(WCHAR));
    assert_ptr_equal(end, d + 2);
    assert_int_equal(left, 14);
    assert_int_equal(RtlStringCchPrintfW(d, 0, L"x"), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchPrintfW(d, 16, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(d[0], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy),   cmocka_unit_test(test_copy_ex_flags), cmocka_unit_test(test_cat),
        cmocka_unit_test(test_length), cmocka_unit_test(test_wide),          cmocka_unit_test(test_printf),
        cmocka_unit_test(test_printf_wide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
