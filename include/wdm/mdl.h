/* OpenNDIS: memory descriptor lists (wdm.h includes it): the MDL, its flags, and the calls
 * that build, map, lock and free one. In user space every buffer is mapped, so an MDL is its
 * virtual address and length; the physical page array a kernel MDL carries is absent.
 * Layout: the Windows x64 one (checked at the end). */
#ifndef OPENNDIS_WDM_MDL_H
#define OPENNDIS_WDM_MDL_H

OPENNDIS_EXTERN_C_BEGIN

typedef struct _MDL {
    struct _MDL *Next;
    CSHORT Size;
    CSHORT MdlFlags;
    PVOID Process; /* AllocationProcessorNumber in newer kernels: same slot */
    PVOID MappedSystemVa;
    PVOID StartVa; /* page-aligned */
    ULONG ByteCount;
    ULONG ByteOffset;
} MDL, *PMDL;

#define MDL_MAPPED_TO_SYSTEM_VA 0x0001
#define MDL_PAGES_LOCKED 0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL 0x0004
#define MDL_ALLOCATED_FIXED_SIZE 0x0008
#define MDL_PARTIAL 0x0010
#define MDL_PARTIAL_HAS_BEEN_MAPPED 0x0020
#define MDL_IO_PAGE_READ 0x0040
#define MDL_WRITE_OPERATION 0x0080
#define MDL_NETWORK_HEADER 0x1000
#define MDL_MAPPING_CAN_FAIL 0x2000

typedef enum _MM_PAGE_PRIORITY {
    LowPagePriority = 0,
    NormalPagePriority = 16,
    HighPagePriority = 32
} MM_PAGE_PRIORITY;
#define MdlMappingNoWrite 0x80000000
#define MdlMappingNoExecute 0x40000000

typedef enum _MEMORY_CACHING_TYPE { MmNonCached, MmCached, MmWriteCombined } MEMORY_CACHING_TYPE;
#define KernelMode 0
#define UserMode 1

/* In user space every address is mapped: this returns the MDL's virtual address. */
NTKERNELAPI PVOID MmMapLockedPagesSpecifyCache(PMDL Mdl, KPROCESSOR_MODE AccessMode,
                                               MEMORY_CACHING_TYPE CacheType, PVOID RequestedAddress,
                                               ULONG BugCheckOnFailure, ULONG Priority);

/* Probes the MDL's pages for the access asked (raising STATUS_ACCESS_VIOLATION inside the
 * caller's __try when a page does not allow it) and marks the MDL locked; user memory is
 * never paged out here, so locking is only the flag. */
typedef enum _LOCK_OPERATION { IoReadAccess, IoWriteAccess, IoModifyAccess } LOCK_OPERATION;
NTKERNELAPI VOID MmProbeAndLockPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode, LOCK_OPERATION Operation);
NTKERNELAPI VOID MmUnlockPages(PMDL MemoryDescriptorList);
/* MDLs from the driver's pool (src/ndis/mdl.c). Irp must be NULL: OpenNDIS does not chain
 * MDLs onto IRPs. */
NTKERNELAPI PMDL IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer, BOOLEAN ChargeQuota,
                               PIRP Irp);
NTKERNELAPI VOID IoFreeMdl(PMDL Mdl);
/* Describes part of SourceMdl's buffer in TargetMdl (Length 0: to the end of the source). */
NTKERNELAPI VOID IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress, ULONG Length);
#define MmInitializeMdl(m, va, len)                                                     \
    do {                                                                                \
        (m)->Next = NULL;                                                               \
        (m)->Size = (CSHORT)sizeof(MDL);                                                \
        (m)->MdlFlags = 0;                                                              \
        (m)->StartVa = PAGE_ALIGN(va);                                                  \
        (m)->ByteOffset = BYTE_OFFSET(va);                                              \
        (m)->ByteCount = (ULONG)(len);                                                  \
    } while (0)

#define MmGetMdlByteCount(m) ((m)->ByteCount)
#define MmGetMdlByteOffset(m) ((m)->ByteOffset)
#define MmGetMdlVirtualAddress(m) ((PVOID)((PCHAR)(m)->StartVa + (m)->ByteOffset))
#define MmGetSystemAddressForMdlSafe(m, priority)                                          \
    (((m)->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))            \
         ? (m)->MappedSystemVa                                                              \
         : MmMapLockedPagesSpecifyCache((m), KernelMode, MmCached, NULL, FALSE, (priority)))
/* Fills in an MDL (from IoAllocateMdl or MmInitializeMdl) for a buffer in nonpaged memory:
 * here, marks it mapped at its own address. */
NTKERNELAPI VOID MmBuildMdlForNonPagedPool(PMDL MemoryDescriptorList);
#define ARGUMENT_PRESENT(p) ((p) != NULL)

OPENNDIS_EXTERN_C_END

C_ASSERT(sizeof(MDL) == 0x30 && offsetof(MDL, MappedSystemVa) == 0x18 && offsetof(MDL, ByteCount) == 0x28 &&
         offsetof(MDL, ByteOffset) == 0x2C);

#endif /* OPENNDIS_WDM_MDL_H */
