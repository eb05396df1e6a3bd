/* OpenNDIS: overflow-checked integer arithmetic and conversions. Each returns
 * STATUS_SUCCESS with the result, or STATUS_INTEGER_OVERFLOW with the result set to the
 * type's error value (its maximum), as the WDK's ntintsafe.h documents. */
#ifndef OPENNDIS_NTINTSAFE_H
#define OPENNDIS_NTINTSAFE_H

#include <ntdef.h>
#include <ntstatus.h>

#define USHORT_ERROR ((USHORT)0xffff)
#define ULONG_ERROR ((ULONG)0xffffffffU)
#define UINT_ERROR ULONG_ERROR
#define ULONGLONG_ERROR ((ULONGLONG)0xffffffffffffffffULL)
#define SIZET_ERROR ((SIZE_T)-1)
#define ULONG_PTR_ERROR ((ULONG_PTR)-1)
#define LONG_ERROR ((LONG)-1)

#define OPENNDIS_INTSAFE_OP(name, type, op, error)                                 \
    static inline NTSTATUS name(type a, type b, type *result)                       \
    {                                                                               \
        type r;                                                                     \
        if (__builtin_##op##_overflow(a, b, &r)) {                                  \
            *result = error;                                                        \
            return STATUS_INTEGER_OVERFLOW;                                         \
        }                                                                           \
        *result = r;                                                                \
        return STATUS_SUCCESS;                                                      \
    }

OPENNDIS_INTSAFE_OP(RtlUShortAdd, USHORT, add, USHORT_ERROR)
OPENNDIS_INTSAFE_OP(RtlUShortSub, USHORT, sub, USHORT_ERROR)
OPENNDIS_INTSAFE_OP(RtlUShortMult, USHORT, mul, USHORT_ERROR)
OPENNDIS_INTSAFE_OP(RtlULongAdd, ULONG, add, ULONG_ERROR)
OPENNDIS_INTSAFE_OP(RtlULongSub, ULONG, sub, ULONG_ERROR)
OPENNDIS_INTSAFE_OP(RtlULongMult, ULONG, mul, ULONG_ERROR)
OPENNDIS_INTSAFE_OP(RtlUIntAdd, UINT, add, UINT_ERROR)
OPENNDIS_INTSAFE_OP(RtlUIntSub, UINT, sub, UINT_ERROR)
OPENNDIS_INTSAFE_OP(RtlUIntMult, UINT, mul, UINT_ERROR)
OPENNDIS_INTSAFE_OP(RtlULongLongAdd, ULONGLONG, add, ULONGLONG_ERROR)
OPENNDIS_INTSAFE_OP(RtlULongLongSub, ULONGLONG, sub, ULONGLONG_ERROR)
OPENNDIS_INTSAFE_OP(RtlULongLongMult, ULONGLONG, mul, ULONGLONG_ERROR)
OPENNDIS_INTSAFE_OP(RtlSizeTAdd, SIZE_T, add, SIZET_ERROR)
OPENNDIS_INTSAFE_OP(RtlSizeTSub, SIZE_T, sub, SIZET_ERROR)
OPENNDIS_INTSAFE_OP(RtlSizeTMult, SIZE_T, mul, SIZET_ERROR)
OPENNDIS_INTSAFE_OP(RtlULongPtrAdd, ULONG_PTR, add, ULONG_PTR_ERROR)
OPENNDIS_INTSAFE_OP(RtlULongPtrSub, ULONG_PTR, sub, ULONG_PTR_ERROR)
OPENNDIS_INTSAFE_OP(RtlULongPtrMult, ULONG_PTR, mul, ULONG_PTR_ERROR)
OPENNDIS_INTSAFE_OP(RtlLongAdd, LONG, add, LONG_ERROR)
OPENNDIS_INTSAFE_OP(RtlLongSub, LONG, sub, LONG_ERROR)
OPENNDIS_INTSAFE_OP(RtlLongMult, LONG, mul, LONG_ERROR)
#undef OPENNDIS_INTSAFE_OP

#define OPENNDIS_INTSAFE_CONVERT(name, from, to, max, error)                     \
    static inline NTSTATUS name(from value, to *result)                           \
    {                                                                             \
        if (value > (max)) {                                                      \
            *result = error;                                                      \
            return STATUS_INTEGER_OVERFLOW;                                       \
        }                                                                         \
        *result = (to)value;                                                      \
        return STATUS_SUCCESS;                                                    \
    }

OPENNDIS_INTSAFE_CONVERT(RtlULongToUShort, ULONG, USHORT, 0xffffU, USHORT_ERROR)
OPENNDIS_INTSAFE_CONVERT(RtlULongLongToULong, ULONGLONG, ULONG, 0xffffffffULL, ULONG_ERROR)
OPENNDIS_INTSAFE_CONVERT(RtlSizeTToULong, SIZE_T, ULONG, 0xffffffffULL, ULONG_ERROR)
OPENNDIS_INTSAFE_CONVERT(RtlSizeTToUShort, SIZE_T, USHORT, 0xffffU, USHORT_ERROR)
OPENNDIS_INTSAFE_CONVERT(RtlULongPtrToULong, ULONG_PTR, ULONG, 0xffffffffULL, ULONG_ERROR)
#undef OPENNDIS_INTSAFE_CONVERT

#endif /* OPENNDIS_NTINTSAFE_H */
