/* The MSVC intrinsics drivers call by their intrin.h names, with LLP64 types. Each is a
 * macro for an inline function of OpenNDIS's, for gcc and clang alike: clang's own
 * -fms-extensions builtins take unsigned long long where a driver's LONG64 is long. The x86
 * ones (_mm_pause, __rdtsc, _mm_*) come from the compiler's x86intrin.h. */
#ifndef OPENNDIS_INTRIN_H
#define OPENNDIS_INTRIN_H

#include <ntdef.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

OPENNDIS_EXTERN_C_BEGIN

static inline BOOLEAN openndis_bit_scan_forward(ULONG *Index, ULONG Mask)
{
    if (!Mask)
        return FALSE;
    *Index = (ULONG)__builtin_ctz(Mask);
    return TRUE;
}
static inline BOOLEAN openndis_bit_scan_reverse(ULONG *Index, ULONG Mask)
{
    if (!Mask)
        return FALSE;
    *Index = 31u - (ULONG)__builtin_clz(Mask);
    return TRUE;
}
static inline BOOLEAN openndis_bit_scan_forward64(ULONG *Index, ULONG64 Mask)
{
    if (!Mask)
        return FALSE;
    *Index = (ULONG)__builtin_ctzll(Mask);
    return TRUE;
}
static inline BOOLEAN openndis_bit_scan_reverse64(ULONG *Index, ULONG64 Mask)
{
    if (!Mask)
        return FALSE;
    *Index = 63u - (ULONG)__builtin_clzll(Mask);
    return TRUE;
}
#define _BitScanForward openndis_bit_scan_forward
#define _BitScanReverse openndis_bit_scan_reverse
#define _BitScanForward64 openndis_bit_scan_forward64
#define _BitScanReverse64 openndis_bit_scan_reverse64

/* _Interlocked*: sequentially consistent; Increment/Decrement return the new value, the
 * others the old one, as MSVC's do */
#define _InterlockedIncrement(p) __atomic_add_fetch((p), 1, __ATOMIC_SEQ_CST)
#define _InterlockedDecrement(p) __atomic_sub_fetch((p), 1, __ATOMIC_SEQ_CST)
#define _InterlockedExchange(p, v) __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define _InterlockedExchangeAdd(p, v) __atomic_fetch_add((p), (v), __ATOMIC_SEQ_CST)
#define _InterlockedOr(p, v) __atomic_fetch_or((p), (v), __ATOMIC_SEQ_CST)
#define _InterlockedAnd(p, v) __atomic_fetch_and((p), (v), __ATOMIC_SEQ_CST)
#define _InterlockedXor(p, v) __atomic_fetch_xor((p), (v), __ATOMIC_SEQ_CST)
static inline LONG openndis_interlocked_compare_exchange(LONG volatile *p, LONG exchange, LONG comparand)
{
    __atomic_compare_exchange_n(p, &comparand, exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return comparand;
}
static inline LONG64 openndis_interlocked_compare_exchange64(LONG64 volatile *p, LONG64 exchange, LONG64 comparand)
{
    __atomic_compare_exchange_n(p, &comparand, exchange, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return comparand;
}
#define _InterlockedCompareExchange openndis_interlocked_compare_exchange
#define _InterlockedCompareExchange64 openndis_interlocked_compare_exchange64
#define _InterlockedIncrement64 _InterlockedIncrement
#define _InterlockedDecrement64 _InterlockedDecrement
#define _InterlockedExchange64 _InterlockedExchange
#define _InterlockedExchangeAdd64 _InterlockedExchangeAdd
#define _InterlockedOr64 _InterlockedOr
#define _InterlockedAnd64 _InterlockedAnd
#define _InterlockedXor64 _InterlockedXor

#define _byteswap_ushort(v) ((USHORT)__builtin_bswap16((USHORT)(v)))
#define _byteswap_ulong(v) ((ULONG)__builtin_bswap32((ULONG)(v)))
#define _byteswap_uint64(v) ((ULONG64)__builtin_bswap64((ULONG64)(v)))

static inline unsigned int openndis_rotl(unsigned int v, int n) { n &= 31; return n ? (v << n) | (v >> (32 - n)) : v; }
static inline unsigned int openndis_rotr(unsigned int v, int n) { n &= 31; return n ? (v >> n) | (v << (32 - n)) : v; }
static inline ULONG64 openndis_rotl64(ULONG64 v, int n) { n &= 63; return n ? (v << n) | (v >> (64 - n)) : v; }
static inline ULONG64 openndis_rotr64(ULONG64 v, int n) { n &= 63; return n ? (v >> n) | (v << (64 - n)) : v; }
#undef _rotl /* the compilers' ia32intrin.h have their own */
#undef _rotr
#define _rotl openndis_rotl
#define _rotr openndis_rotr
#define _rotl64 openndis_rotl64
#define _rotr64 openndis_rotr64

#define __popcnt16(v) ((USHORT)__builtin_popcount((USHORT)(v)))
#define __popcnt(v) ((unsigned int)__builtin_popcount((unsigned int)(v)))
#define __popcnt64(v) ((ULONG64)__builtin_popcountll((ULONG64)(v)))

/* a breakpoint: under openndis a SIGTRAP, reported with the driver's line */
#if defined(__x86_64__) || defined(__i386__)
static inline void openndis_debugbreak(void) { __asm__ volatile("int3"); }
#else
static inline void openndis_debugbreak(void) { __builtin_trap(); }
#endif
#define __debugbreak openndis_debugbreak
#define _ReadWriteBarrier() __asm__ volatile("" ::: "memory")
#define _ReadBarrier() _ReadWriteBarrier()
#define _WriteBarrier() _ReadWriteBarrier()

OPENNDIS_EXTERN_C_END

#endif /* OPENNDIS_INTRIN_H */
