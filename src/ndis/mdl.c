/* MDLs. In user space every buffer is mapped, so an MDL is its virtual address and length;
 * the physical page array a kernel MDL carries is absent. */
#include "ndis.h"

NDISAPI PMDL NdisAllocateMdl(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, UINT Length)
{
    static const char fn[] = "NdisAllocateMdl";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site))
        return NULL;
    struct ke_pool *owner = ndis_pool_of_handle(NdisHandle);
    if (owner == NULL) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "NdisHandle %p is neither a driver nor a miniport adapter handle",
                     NdisHandle);
        return NULL;
    }
    if (vf_fault_inject(fn, site))
        return NULL;
    PMDL mdl = ke_pool_alloc(owner, sizeof *mdl, 0, site, fn);
    if (mdl == NULL)
        return NULL;
    *mdl = (MDL){
        .Size = sizeof(MDL),
        .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL | MDL_ALLOCATED_FIXED_SIZE,
        .MappedSystemVa = VirtualAddress,
        .StartVa = PAGE_ALIGN(VirtualAddress),
        .ByteOffset = BYTE_OFFSET(VirtualAddress),
        .ByteCount = Length,
    };
    return mdl;
}

NDISAPI VOID NdisFreeMdl(PMDL Mdl)
{
    static const char fn[] = "NdisFreeMdl";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (!ke_pool_free(Mdl))
        vf_violation(VF_FREE_INVALID, fn, site, "%p is not a live MDL from NdisAllocateMdl", Mdl);
}

NDISAPI VOID NdisAdjustMdlLength(PMDL Mdl, UINT Length)
{
    Mdl->ByteCount = Length;
}

NTKERNELAPI PVOID MmMapLockedPagesSpecifyCache(PMDL Mdl, KPROCESSOR_MODE AccessMode, MEMORY_CACHING_TYPE CacheType,
                                               PVOID RequestedAddress, ULONG BugCheckOnFailure, ULONG Priority)
{
    (void)AccessMode;
    (void)CacheType;
    (void)RequestedAddress;
    (void)BugCheckOnFailure;
    (void)Priority;
    Mdl->MappedSystemVa = (PCHAR)Mdl->StartVa + Mdl->ByteOffset;
    Mdl->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
    return Mdl->MappedSystemVa;
}

NTKERNELAPI VOID MmProbeAndLockPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode, LOCK_OPERATION Operation)
{
    static const char fn[] = "MmProbeAndLockPages";
    const void *site = VF_CALLER;
    /* APC_LEVEL for pageable memory, DISPATCH_LEVEL for nonpaged: OpenNDIS cannot tell them apart. */
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    PMDL mdl = MemoryDescriptorList;
    bool write = Operation != IoReadAccess;
    ke_probe_pages_or_raise(MmGetMdlVirtualAddress(mdl), mdl->ByteCount, AccessMode == UserMode, write, site);
    mdl->MdlFlags |= MDL_PAGES_LOCKED;
    if (write)
        mdl->MdlFlags |= MDL_WRITE_OPERATION;
}

NTKERNELAPI VOID MmUnlockPages(PMDL MemoryDescriptorList)
{
    ke_irql_at_most(DISPATCH_LEVEL, "MmUnlockPages", VF_CALLER);
    MemoryDescriptorList->MdlFlags &= ~(MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
}
