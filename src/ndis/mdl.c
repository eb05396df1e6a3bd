/* MDLs. In user space every buffer is mapped, so an MDL is its virtual address and length;
 * the physical page array a kernel MDL carries is absent. */
#include "ndis.h"
#include "../kernel/ob.h"

NDISAPI PMDL NdisAllocateMdl(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, UINT Length)
{
    static const char fn[] = "NdisAllocateMdl";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site))
        return NULL;
    struct ke_pool *owner = ndis_owner_checked(NdisHandle, "NdisHandle", fn, site);
    if (owner == NULL)
        return NULL;
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

NTKERNELAPI VOID MmBuildMdlForNonPagedPool(PMDL MemoryDescriptorList)
{
    const void *site = VF_CALLER;
    if (MemoryDescriptorList == NULL) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "MmBuildMdlForNonPagedPool", site, "MemoryDescriptorList is NULL");
        return;
    }
    MemoryDescriptorList->MappedSystemVa = MmGetMdlVirtualAddress(MemoryDescriptorList);
    MemoryDescriptorList->MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
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
    /* a client's pages stay mapped while locked, even if the client goes away */
    if (AccessMode == UserMode && !(mdl->MdlFlags & MDL_PAGES_LOCKED))
        mdl->Process = ke_usermem_lock_pages();
    mdl->MdlFlags |= MDL_PAGES_LOCKED;
    if (write)
        mdl->MdlFlags |= MDL_WRITE_OPERATION;
}

NTKERNELAPI VOID MmUnlockPages(PMDL MemoryDescriptorList)
{
    ke_irql_at_most(DISPATCH_LEVEL, "MmUnlockPages", VF_CALLER);
    PMDL mdl = MemoryDescriptorList;
    if ((mdl->MdlFlags & MDL_PAGES_LOCKED) && !(mdl->MdlFlags & MDL_PARTIAL) && mdl->Process != NULL) {
        ke_usermem_unlock_pages(mdl->Process);
        mdl->Process = NULL;
    }
    mdl->MdlFlags &= ~(MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
}

/* IoAllocateMdl: an MDL for the calling driver's buffer, from its pool. */
NTKERNELAPI PMDL IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer, BOOLEAN ChargeQuota,
                               PIRP Irp)
{
    static const char fn[] = "IoAllocateMdl";
    const void *site = VF_CALLER;
    (void)SecondaryBuffer, (void)ChargeQuota;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site))
        return NULL;
    if (Irp != NULL) {
        ke_unsupported("IoAllocateMdl with an IRP", "OpenNDIS has no I/O manager to attach MDLs to IRPs", site);
        return NULL;
    }
    PMDL mdl = ke_ex_alloc(sizeof *mdl, 0x6c644d49u /* 'ldMI' */, site, fn);
    if (mdl == NULL)
        return NULL;
    MmInitializeMdl(mdl, VirtualAddress, Length);
    return mdl;
}

NTKERNELAPI VOID IoFreeMdl(PMDL Mdl)
{
    static const char fn[] = "IoFreeMdl";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (!ke_pool_free(Mdl))
        vf_violation(VF_FREE_INVALID, fn, site, "%p is not a live MDL from IoAllocateMdl", (void *)Mdl);
}

NTKERNELAPI VOID IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress, ULONG Length)
{
    static const char fn[] = "IoBuildPartialMdl";
    const void *site = VF_CALLER;
    PCHAR start = MmGetMdlVirtualAddress(SourceMdl);
    PCHAR va = VirtualAddress;
    if (va < start || va > start + SourceMdl->ByteCount) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "VirtualAddress %p is outside the source MDL's buffer %p+%lu",
                     VirtualAddress, (void *)start, (unsigned long)SourceMdl->ByteCount);
        return;
    }
    ULONG left = (ULONG)(start + SourceMdl->ByteCount - va);
    if (Length == 0)
        Length = left;
    if (Length > left) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "Length %lu runs past the source MDL's buffer (%lu left)",
                     (unsigned long)Length, (unsigned long)left);
        return;
    }
    TargetMdl->StartVa = PAGE_ALIGN(va);
    TargetMdl->ByteOffset = BYTE_OFFSET(va);
    TargetMdl->ByteCount = Length;
    TargetMdl->Process = SourceMdl->Process;
    TargetMdl->MdlFlags = (CSHORT)((TargetMdl->MdlFlags & MDL_ALLOCATED_FIXED_SIZE) | MDL_PARTIAL |
                                   (SourceMdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL)));
    if (SourceMdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL)) {
        /* every address is mapped in user space: the partial view is mapped too */
        TargetMdl->MappedSystemVa = va;
        TargetMdl->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
    }
}
