/* intrin.h's MSVC intrinsics compute what MSVC's do (values from their documentation):
 * _BitScan* give the bit index and FALSE for 0, the _Interlocked* return the new value
 * (Increment/Decrement) or the old one (the others), byte swaps, rotations, popcounts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <intrin.h>

static void bit_scans(void **state)
{
    (void)state;
    ULONG Index = 99;
    assert_false(_BitScanForward(&Index, 0));
    assert_true(_BitScanForward(&Index, 0x00f0));
    assert_int_equal(Index, 4);
    assert_true(_BitScanReverse(&Index, 0x00f0));
    assert_int_equal(Index, 7);
    assert_true(_BitScanForward64(&Index, 1ull << 40));
    assert_int_equal(Index, 40);
    assert_true(_BitScanReverse64(&Index, (1ull << 63) | 1));
    assert_int_equal(Index, 63);
    assert_false(_BitScanReverse64(&Index, 0));
}

static void interlocked(void **state)
{
    (void)state;
    LONG volatile v = 5;
    assert_int_equal(_InterlockedIncrement(&v), 6);
    assert_int_equal(_InterlockedDecrement(&v), 5);
    assert_int_equal(_InterlockedExchange(&v, 9), 5);
    assert_int_equal(_InterlockedExchangeAdd(&v, 1), 9);
    assert_int_equal(_InterlockedCompareExchange(&v, 100, 7), 10); /* no match: unchanged */
    assert_int_equal(v, 10);
    assert_int_equal(_InterlockedCompareExchange(&v, 100, 10), 10);
    assert_int_equal(v, 100);
    assert_int_equal(_InterlockedOr(&v, 1), 100);
    assert_int_equal(_InterlockedAnd(&v, 0xf0), 101);
    assert_int_equal(_InterlockedXor(&v, 0xff), 0x60);
    assert_int_equal(v, 0x9f);
    LONG64 volatile w = 1ll << 40;
    assert_true(_InterlockedIncrement64(&w) == (1ll << 40) + 1);
    assert_true(_InterlockedCompareExchange64(&w, 7, (1ll << 40) + 1) == (1ll << 40) + 1);
    assert_true(w == 7);
}

static void bits(void **state)
{
    (void)state;
    assert_int_equal(_byteswap_ushort(0x1234), 0x3412);
    assert_int_equal(_byteswap_ulong(0x12345678u), 0x78563412u);
    assert_true(_byteswap_uint64(0x0102030405060708ull) == 0x0807060504030201ull);
    assert_int_equal(_rotl(0x80000001u, 1), 0x00000003u);
    assert_int_equal(_rotr(0x80000001u, 1), 0xc0000000u);
    assert_int_equal(_rotl(0x12345678u, 0), 0x12345678u);
    assert_true(_rotl64(0x8000000000000001ull, 4) == 0x18ull);
    assert_int_equal(__popcnt(0xf0f0u), 8);
    assert_int_equal(__popcnt16(0xffff), 16);
    assert_true(__popcnt64(~0ull) == 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(bit_scans), cmocka_unit_test(interlocked), cmocka_unit_test(bits)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
