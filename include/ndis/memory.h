/* OpenNDIS: NDIS memory services and the Ndis*Memory helper macros. */
#ifndef OPENNDIS_NDIS_MEMORY_H
#define OPENNDIS_NDIS_MEMORY_H

#include <ndis/miniport.h>

OPENNDIS_EXTERN_C_BEGIN

#define NdisZeroMemory(dst, len) RtlZeroMemory(dst, len)
#define NdisFillMemory(dst, len, fill) RtlFillMemory(dst, len, fill)
#define NdisMoveMemory(dst, src, len) RtlCopyMemory(dst, src, len)
#define NdisEqualMemory(a, b, len) RtlEqualMemory(a, b, len)
#define NdisRetrieveUlong(dst, src) RtlCopyMemory((dst), (src), sizeof(ULONG))
#define NdisStoreUlong(dst, val) \
    do { ULONG openndis_v_ = (val); RtlCopyMemory((dst), &openndis_v_, sizeof(ULONG)); } while (0)

#define NDIS_ALLOCATE_MEMORY_NONCACHED 0x00000001
#define NDIS_ALLOCATE_MEMORY_CONTIGUOUS 0x00000002

/* NdisHandle is the driver handle or a miniport adapter handle; Tag must be non-zero. */
NDISAPI PVOID NdisAllocateMemoryWithTagPriority(_In_ NDIS_HANDLE NdisHandle, _In_ UINT Length,
                                                _In_ ULONG Tag, _In_ EX_POOL_PRIORITY Priority);
/* The older NDIS 6 form: no handle, so the memory belongs to the calling driver. */
NDISAPI NDIS_STATUS NdisAllocateMemoryWithTag(_Out_ PVOID *VirtualAddress, _In_ UINT Length, _In_ ULONG Tag);
NDISAPI VOID NdisFreeMemory(_In_ PVOID VirtualAddress, _In_ UINT Length, _In_ UINT MemoryFlags);
/* 6.20: the counterpart of NdisAllocateMemoryWithTagPriority, naming the owner and tag. */
NDISAPI VOID NdisFreeMemoryWithTagPriority(_In_ NDIS_HANDLE NdisHandle, _In_ PVOID VirtualAddress, _In_ ULONG Tag);
/* A counted Unicode copy of an ANSI C string, in the driver's memory; NdisFreeString frees it. */
NDISAPI VOID NdisInitializeString(_Out_ PNDIS_STRING Destination, _In_ PUCHAR Source);
/* Macros in NDIS 6 (the DDI points new code at the Rtl functions they stand for): the
 * caller owns both buffers. */
#define NdisUnicodeStringToAnsiString(_as, _us) RtlUnicodeStringToAnsiString((_as), (_us), FALSE)
#define NdisAnsiStringToUnicodeString(_us, _as) RtlAnsiStringToUnicodeString((_us), (_as), FALSE)
#define NdisFreeString(String) NdisFreeMemory((String).Buffer, (String).MaximumLength, 0)

OPENNDIS_EXTERN_C_END

#endif /* OPENNDIS_NDIS_MEMORY_H */
