/* ntintsafe.h: every family at its edges. Arithmetic: the largest result that fits, max + 1,
 * below 0 for unsigned, below min and above max for signed. Conversions: the boundary values
 * of the destination from each kind of source (narrowing, signed to unsigned, unsigned to
 * signed), and the documented error value left in the result on failure. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ntintsafe.h>

#define OK(call) assert_int_equal((call), STATUS_SUCCESS)
#define OVER(call) assert_int_equal((call), STATUS_INTEGER_OVERFLOW)

static void test_unsigned_arithmetic(void **state)
{
    (void)state;
    UINT8 u8;
    USHORT us;
    WORD w;
    UINT ui;
    ULONG ul;
    DWORD dw;
    ULONGLONG ull;
    ULONG_PTR up;
    DWORD_PTR dp;
    UINT_PTR uip;
    SIZE_T z;

    OK(RtlUInt8Add(0xfe, 1, &u8));
    assert_int_equal(u8, 0xff);
    OVER(RtlUInt8Add(0xff, 1, &u8));
    assert_int_equal(u8, UINT8_ERROR);
    OVER(RtlByteMult(16, 16, &u8));
    assert_int_equal(u8, 0xff);
    OK(RtlUShortAdd(0xfffe, 1, &us));
    OVER(RtlUShortAdd(0xffff, 1, &us));
    assert_int_equal(us, 0xffff);
    OVER(RtlWordSub(0, 1, &w));
    assert_int_equal(w, WORD_ERROR);
    OK(RtlUIntMult(0xffff, 0x10001, &ui));
    assert_int_equal(ui, 0xffffffffU);
    OVER(RtlUIntMult(0x10000, 0x10000, &ui));
    assert_int_equal(ui, UINT_ERROR);
    OVER(RtlULongAdd(0xffffffffU, 1, &ul));
    assert_int_equal(ul, ULONG_ERROR);
    OK(RtlULongSub(5, 5, &ul));
    assert_int_equal(ul, 0);
    OVER(RtlULongSub(1, 2, &ul));
    OVER(RtlDWordMult(0x80000000U, 2, &dw));
    assert_int_equal(dw, DWORD_ERROR);
    OK(RtlULongLongAdd(ULLONG_MAX - 1, 1, &ull));
    OVER(RtlULongLongAdd(ULLONG_MAX, 1, &ull));
    assert_true(ull == ULONGLONG_ERROR);
    OVER(RtlULongLongMult(1ULL << 32, 1ULL << 32, &ull));
    OVER(RtlULongPtrAdd(UINTPTR_MAX, 1, &up));
    assert_true(up == ULONG_PTR_ERROR);
    OVER(RtlDWordPtrSub(0, 1, &dp));
    assert_true(dp == DWORD_PTR_ERROR);
    OK(RtlUIntPtrMult(3, 5, &uip));
    assert_int_equal(uip, 15);
    OK(RtlSizeTMult((SIZE_T)1 << 32, (SIZE_T)1 << 31, &z));
    OVER(RtlSizeTMult((SIZE_T)1 << 32, (SIZE_T)1 << 32, &z));
    assert_true(z == SIZET_ERROR);
    OVER(RtlSIZETAdd(SIZE_MAX, 1, &z)); /* the other spelling */
    OVER(RtlULong64Mult(1ULL << 63, 2, &ull));
}

static void test_signed_arithmetic(void **state)
{
    (void)state;
    INT8 i8;
    SHORT s;
    INT i;
    LONG l;
    LONGLONG ll;
    INT_PTR ip;
    LONG_PTR lp;
    SSIZE_T ss;

    OK(RtlInt8Add(126, 1, &i8));
    OVER(RtlInt8Add(127, 1, &i8));
    assert_int_equal(i8, -1);
    OK(RtlInt8Sub(-127, 1, &i8));
    assert_int_equal(i8, -128);
    OVER(RtlInt8Sub(-128, 1, &i8));
    OVER(RtlShortMult(256, 128, &s));
    assert_int_equal(s, SHORT_ERROR);
    OK(RtlShortMult(-256, 128, &s));
    assert_int_equal(s, -32768);
    OVER(RtlIntAdd(INT_MAX, 1, &i));
    assert_int_equal(i, INT_ERROR);
    OVER(RtlIntMult(INT_MIN, -1, &i));
    OVER(RtlLongAdd(0x7fffffff, 1, &l));
    assert_int_equal(l, LONG_ERROR);
    OVER(RtlLongSub(-0x7fffffff - 1, 1, &l));
    OK(RtlLongSub(-1, 0x7fffffff, &l));
    assert_int_equal(l, INT32_MIN);
    OVER(RtlLongLongAdd(LLONG_MAX, 1, &ll));
    assert_true(ll == LONGLONG_ERROR);
    OVER(RtlLongLongSub(LLONG_MIN, 1, &ll));
    OVER(RtlIntPtrMult(INTPTR_MAX, 2, &ip));
    OVER(RtlLongPtrAdd(INTPTR_MIN, -1, &lp));
    assert_int_equal(lp, -1);
    OK(RtlSSIZETSub(0, 5, &ss));
    assert_int_equal(ss, -5);
}

/* Narrowing between unsigned types, and the error values that differ by name. */
static void test_unsigned_to_unsigned(void **state)
{
    (void)state;
    UCHAR uc;
    BYTE b;
    UINT8 u8;
    USHORT us;
    WORD w;
    UINT ui;
    ULONG ul;
    DWORD dw;

    OK(RtlUShortToUChar(0xff, &uc));
    assert_int_equal(uc, 0xff);
    OVER(RtlUShortToUChar(0x100, &uc));
    assert_int_equal(uc, 0); /* UCHAR_ERROR is '\0' */
    OVER(RtlUShortToByte(0x100, &b));
    assert_int_equal(b, 0xff); /* BYTE_ERROR is 0xff */
    OVER(RtlWordToUInt8(0x100, &u8));
    assert_int_equal(u8, 0xff);
    OK(RtlULongToUShort(0xffff, &us));
    OVER(RtlULongToUShort(0x10000, &us));
    assert_int_equal(us, USHORT_ERROR);
    OVER(RtlUIntToWord(0x10000, &w));
    OK(RtlULongLongToULong(0xffffffffULL, &ul));
    assert_int_equal(ul, 0xffffffffU);
    OVER(RtlULongLongToULong(0x100000000ULL, &ul));
    assert_int_equal(ul, ULONG_ERROR);
    OVER(RtlULong64ToULong(0x100000000ULL, &ul)); /* the other spelling */
    OK(RtlSizeTToULong(7, &ul));
    assert_int_equal(ul, 7);
    OVER(RtlSizeTToULong((SIZE_T)1 << 32, &ul));
    OVER(RtlSIZETToULong((SIZE_T)1 << 32, &ul));
    OK(RtlSizeTToUInt(0xffffffffU, &ui));
    OVER(RtlSizeTToUShort(0x10000, &us));
    OK(RtlULongPtrToULong(0xffffffffU, &ul));
    OVER(RtlULongPtrToULong((ULONG_PTR)1 << 32, &ul));
    OVER(RtlDWordPtrToDWord((DWORD_PTR)1 << 32, &dw));
    assert_int_equal(dw, DWORD_ERROR);
    OVER(RtlUIntPtrToUInt((UINT_PTR)1 << 32, &ui));
    SIZE_T z;
    OK(RtlULongLongToSizeT(ULLONG_MAX, &z)); /* narrows only on 32-bit targets */
    assert_true(z == SIZE_MAX);
}

/* Signed sources to unsigned destinations: negative values and values above the maximum. */
static void test_signed_to_unsigned(void **state)
{
    (void)state;
    UCHAR uc;
    BYTE b;
    USHORT us;
    UINT ui;
    ULONG ul;
    ULONGLONG ull;
    ULONG_PTR up;
    SIZE_T z;

    OK(RtlInt8ToUChar(0, &uc));
    OVER(RtlInt8ToUChar(-1, &uc));
    assert_int_equal(uc, 0);
    OVER(RtlShortToByte(-1, &b));
    assert_int_equal(b, 0xff);
    OK(RtlShortToUShort(0x7fff, &us));
    OVER(RtlShortToUShort(-1, &us));
    OK(RtlIntToUShort(0xffff, &us));
    assert_int_equal(us, 0xffff);
    OVER(RtlIntToUShort(0x10000, &us));
    assert_int_equal(us, USHORT_ERROR);
    OVER(RtlIntToUShort(-1, &us));
    OK(RtlIntToUInt(INT_MAX, &ui));
    OVER(RtlIntToUInt(INT_MIN, &ui));
    assert_int_equal(ui, UINT_ERROR);
    OVER(RtlLongToULong(-1, &ul));
    assert_int_equal(ul, ULONG_ERROR);
    OK(RtlLongToULongLong(0x7fffffff, &ull));
    OVER(RtlLongToULongLong(-1, &ull));
    assert_true(ull == ULONGLONG_ERROR);
    OK(RtlLongLongToULong(0xffffffffLL, &ul));
    OVER(RtlLongLongToULong(0x100000000LL, &ul));
    OVER(RtlLongLongToULong(-1, &ul));
    OVER(RtlLongPtrToULongPtr(-1, &up));
    assert_true(up == ULONG_PTR_ERROR);
    OVER(RtlSSIZETToSizeT(-1, &z));
    assert_true(z == SIZET_ERROR);
    OK(RtlIntPtrToSizeT(INTPTR_MAX, &z));
}

/* Sources to signed destinations: above max (also from unsigned sources) and below min. */
static void test_to_signed(void **state)
{
    (void)state;
    INT8 i8;
    CHAR c;
    SHORT s;
    INT i;
    LONG l;
    LONGLONG ll;
    INT_PTR ip;
    LONG_PTR lp;

    OK(RtlShortToInt8(-128, &i8));
    assert_int_equal(i8, -128);
    OVER(RtlShortToInt8(-129, &i8));
    assert_int_equal(i8, INT8_ERROR);
    OVER(RtlUCharToInt8(0x80, &i8));
    OK(RtlUShortToChar(0x7f, &c));
    OVER(RtlUShortToChar(0x80, &c));
    assert_int_equal(c, 0); /* CHAR_ERROR is '\0' */
    OK(RtlIntToShort(-32768, &s));
    OVER(RtlIntToShort(32768, &s));
    assert_int_equal(s, -1);
    OVER(RtlUShortToShort(0x8000, &s));
    OVER(RtlUIntToInt(0x80000000U, &i));
    assert_int_equal(i, INT_ERROR);
    OK(RtlULongToLong(0x7fffffffU, &l));
    OVER(RtlULongToLong(0x80000000U, &l));
    assert_int_equal(l, LONG_ERROR);
    OK(RtlLongLongToLong(INT32_MIN, &l));
    assert_int_equal(l, INT32_MIN);
    OVER(RtlLongLongToLong((LONGLONG)INT32_MIN - 1, &l));
    OVER(RtlLongLongToLong((LONGLONG)INT32_MAX + 1, &l));
    assert_int_equal(l, -1);
    OVER(RtlLongLongToInt(LLONG_MAX, &i));
    OVER(RtlULongLongToLongLong(1ULL << 63, &ll));
    assert_true(ll == LONGLONG_ERROR);
    OK(RtlULongLongToLongLong((1ULL << 63) - 1, &ll));
    OVER(RtlSizeTToIntPtr((SIZE_T)1 << 63, &ip));
    assert_int_equal(ip, INT_PTR_ERROR);
    OVER(RtlULongPtrToLongPtr(UINTPTR_MAX, &lp));
    OK(RtlIntPtrToLong(-5, &l));
    assert_int_equal(l, -5);
    OVER(RtlIntPtrToLong(INTPTR_MIN, &l));
    OVER(RtlSizeTToLong((SIZE_T)1 << 31, &l));
    OK(RtlSizeTToLong(((SIZE_T)1 << 31) - 1, &l));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unsigned_arithmetic),  cmocka_unit_test(test_signed_arithmetic),
        cmocka_unit_test(test_unsigned_to_unsigned), cmocka_unit_test(test_signed_to_unsigned),
        cmocka_unit_test(test_to_signed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
