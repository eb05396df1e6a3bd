/* The WDK headers real trees include beside ndis.h: pshpackN.h/poppack.h packing, initguid.h
 * with DEFINE_GUID, intrin.h's MSVC intrinsics, ntverp.h, specstrings.h, driverspecs.h.
 * Compiles as C and as C++ (tests/cxx/wdk_headers.cpp), under -Wall -Wextra -Werror. */
#define NDIS630_MINIPORT 1
#include <ndis.h>
#include <initguid.h>
#include <intrin.h>
#include <ntverp.h>
#include <specstrings.h>
#include <driverspecs.h>

DEFINE_GUID(GUID_TEST_DEVICE, 0x5666d67e, 0x281e, 0x43ed, 0x8b, 0x8d, 0x43, 0x47, 0x08, 0x01, 0x98, 0xaa);

#include <pshpack1.h>
typedef struct _PACKED_HEADER {
    UCHAR Type;
    ULONG Length;
    USHORT Flags;
} PACKED_HEADER;
#include <poppack.h>
#include <pshpack2.h>
typedef struct _PACKED2 {
    UCHAR Type;
    ULONG Length;
} PACKED2;
#include <poppack.h>
typedef struct _NATURAL {
    UCHAR Type;
    ULONG Length;
} NATURAL;

C_ASSERT(sizeof(PACKED_HEADER) == 7);
C_ASSERT(sizeof(PACKED2) == 6);
C_ASSERT(sizeof(NATURAL) == 8); /* poppack.h restored the packing */
C_ASSERT(VER_PRODUCTMAJORVERSION == 10);

_IRQL_requires_max_(DISPATCH_LEVEL)
ULONG TestIntrinsics(_In_ ULONG Mask, _Inout_ LONG volatile *Counter, _Inout_ LONG64 volatile *Counter64)
{
    ULONG Index = 0, Index64 = 0;
    BOOLEAN Found = _BitScanForward(&Index, Mask) && _BitScanReverse64(&Index64, (ULONG64)Mask << 32);
    _mm_pause();
    _ReadWriteBarrier();
    LONG Old = _InterlockedCompareExchange(Counter, 5, 0);
    LONG64 Old64 = _InterlockedCompareExchange64(Counter64, 5, 0) + _InterlockedIncrement64(Counter64);
    return Found ? Index + Index64 + _byteswap_ulong(Mask) + __popcnt(Mask) + _rotl(Mask, 3) + (ULONG)Old +
                       (ULONG)Old64 + (ULONG)_InterlockedOr(Counter, 1)
                 : 0;
}

BOOLEAN TestGuid(const GUID *Other)
{
#ifdef __cplusplus
    return IsEqualGUID(GUID_TEST_DEVICE, *Other);
#else
    return IsEqualGUID(&GUID_TEST_DEVICE, Other);
#endif
}
