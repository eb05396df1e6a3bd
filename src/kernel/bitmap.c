/* RTL_BITMAP: a caller's array of ULONGs seen as SizeOfBitMap bits, bit n in ULONG n / 32 at
 * position n % 32. Out-of-range indexes are findings (the WDK's routines would write past the
 * caller's buffer). Searches start at the hint and wrap to bit 0, as documented. */
#include "ke.h"

#define KE_BITMAP_NOT_FOUND 0xFFFFFFFFu

static bool ke_bitmap_ok(PRTL_BITMAP b, ULONG start, ULONG count, const char *fn, const void *site)
{
    if (b == NULL || (b->Buffer == NULL && b->SizeOfBitMap != 0)) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "the bitmap header or its buffer is NULL");
        return false;
    }
    if (start > b->SizeOfBitMap || count > b->SizeOfBitMap - start) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "bits %lu..%lu are outside the bitmap of %lu bits",
                     (unsigned long)start, (unsigned long)start + count - 1, (unsigned long)b->SizeOfBitMap);
        return false;
    }
    return true;
}

static bool ke_bit(const RTL_BITMAP *b, ULONG n)
{
    return (b->Buffer[n / 32] >> (n % 32)) & 1u;
}

static void ke_bits_put(PRTL_BITMAP b, ULONG start, ULONG count, bool set)
{
    for (ULONG n = start; n < start + count; n++) {
        if (set)
            b->Buffer[n / 32] |= 1u << (n % 32);
        else
            b->Buffer[n / 32] &= ~(1u << (n % 32));
    }
}

static bool ke_run_is(const RTL_BITMAP *b, ULONG start, ULONG count, bool set)
{
    for (ULONG n = start; n < start + count; n++)
        if (ke_bit(b, n) != set)
            return false;
    return true;
}

NTSYSAPI VOID RtlInitializeBitMap(PRTL_BITMAP BitMapHeader, PULONG BitMapBuffer, ULONG SizeOfBitMap)
{
    BitMapHeader->SizeOfBitMap = SizeOfBitMap;
    BitMapHeader->Buffer = BitMapBuffer;
}

NTSYSAPI VOID RtlClearAllBits(PRTL_BITMAP BitMapHeader)
{
    if (ke_bitmap_ok(BitMapHeader, 0, 0, "RtlClearAllBits", VF_CALLER))
        memset(BitMapHeader->Buffer, 0, ((size_t)BitMapHeader->SizeOfBitMap + 31) / 32 * sizeof(ULONG));
}

NTSYSAPI VOID RtlSetAllBits(PRTL_BITMAP BitMapHeader)
{
    if (ke_bitmap_ok(BitMapHeader, 0, 0, "RtlSetAllBits", VF_CALLER))
        memset(BitMapHeader->Buffer, 0xFF, ((size_t)BitMapHeader->SizeOfBitMap + 31) / 32 * sizeof(ULONG));
}

NTSYSAPI VOID RtlClearBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
    if (ke_bitmap_ok(BitMapHeader, BitNumber, 1, "RtlClearBit", VF_CALLER))
        ke_bits_put(BitMapHeader, BitNumber, 1, false);
}

NTSYSAPI VOID RtlSetBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
    if (ke_bitmap_ok(BitMapHeader, BitNumber, 1, "RtlSetBit", VF_CALLER))
        ke_bits_put(BitMapHeader, BitNumber, 1, true);
}

NTSYSAPI BOOLEAN RtlTestBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
    return ke_bitmap_ok(BitMapHeader, BitNumber, 1, "RtlTestBit", VF_CALLER) && ke_bit(BitMapHeader, BitNumber);
}

NTSYSAPI VOID RtlClearBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToClear)
{
    if (ke_bitmap_ok(BitMapHeader, StartingIndex, NumberToClear, "RtlClearBits", VF_CALLER))
        ke_bits_put(BitMapHeader, StartingIndex, NumberToClear, false);
}

NTSYSAPI VOID RtlSetBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToSet)
{
    if (ke_bitmap_ok(BitMapHeader, StartingIndex, NumberToSet, "RtlSetBits", VF_CALLER))
        ke_bits_put(BitMapHeader, StartingIndex, NumberToSet, true);
}

/* From the hint to the end, then from bit 0 up to the hint. */
static ULONG ke_bitmap_find(PRTL_BITMAP b, ULONG count, ULONG hint, bool set)
{
    ULONG size = b->SizeOfBitMap;
    if (count == 0 || count > size)
        return KE_BITMAP_NOT_FOUND;
    if (hint >= size)
        hint = 0;
    for (ULONG n = hint; n + count <= size; n++)
        if (ke_run_is(b, n, count, set))
            return n;
    for (ULONG n = 0; n < hint && n + count <= size; n++)
        if (ke_run_is(b, n, count, set))
            return n;
    return KE_BITMAP_NOT_FOUND;
}

NTSYSAPI ULONG RtlFindClearBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
    if (!ke_bitmap_ok(BitMapHeader, 0, 0, "RtlFindClearBits", VF_CALLER))
        return KE_BITMAP_NOT_FOUND;
    return ke_bitmap_find(BitMapHeader, NumberToFind, HintIndex, false);
}

NTSYSAPI ULONG RtlFindSetBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
    if (!ke_bitmap_ok(BitMapHeader, 0, 0, "RtlFindSetBits", VF_CALLER))
        return KE_BITMAP_NOT_FOUND;
    return ke_bitmap_find(BitMapHeader, NumberToFind, HintIndex, true);
}

NTSYSAPI ULONG RtlFindClearBitsAndSet(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
    if (!ke_bitmap_ok(BitMapHeader, 0, 0, "RtlFindClearBitsAndSet", VF_CALLER))
        return KE_BITMAP_NOT_FOUND;
    ULONG at = ke_bitmap_find(BitMapHeader, NumberToFind, HintIndex, false);
    if (at != KE_BITMAP_NOT_FOUND)
        ke_bits_put(BitMapHeader, at, NumberToFind, true);
    return at;
}

NTSYSAPI BOOLEAN RtlAreBitsClear(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length)
{
    PRTL_BITMAP b = BitMapHeader;
    return b != NULL && Length != 0 && StartingIndex < b->SizeOfBitMap && Length <= b->SizeOfBitMap - StartingIndex &&
           ke_run_is(b, StartingIndex, Length, false);
}

NTSYSAPI BOOLEAN RtlAreBitsSet(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length)
{
    PRTL_BITMAP b = BitMapHeader;
    return b != NULL && Length != 0 && StartingIndex < b->SizeOfBitMap && Length <= b->SizeOfBitMap - StartingIndex &&
           ke_run_is(b, StartingIndex, Length, true);
}

NTSYSAPI ULONG RtlNumberOfSetBits(PRTL_BITMAP BitMapHeader)
{
    if (!ke_bitmap_ok(BitMapHeader, 0, 0, "RtlNumberOfSetBits", VF_CALLER))
        return 0;
    ULONG n = 0;
    for (ULONG i = 0; i < BitMapHeader->SizeOfBitMap; i++)
        n += ke_bit(BitMapHeader, i);
    return n;
}

NTSYSAPI ULONG RtlNumberOfClearBits(PRTL_BITMAP BitMapHeader)
{
    if (!ke_bitmap_ok(BitMapHeader, 0, 0, "RtlNumberOfClearBits", VF_CALLER))
        return 0;
    return BitMapHeader->SizeOfBitMap - RtlNumberOfSetBits(BitMapHeader);
}
