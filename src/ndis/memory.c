/* NDIS memory: NdisAllocateMemoryWithTagPriority and NdisFreeMemory on the tracked pool of
 * the driver (or, with the adapter area, of the adapter) the handle names. */
#include "ndis.h"

NDISAPI PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length, ULONG Tag,
                                                EX_POOL_PRIORITY Priority)
{
    static const char fn[] = "NdisAllocateMemoryWithTagPriority";
    const void *site = VF_CALLER;
    (void)Priority; /* there is no pool pressure to prioritise against */

    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site))
        return NULL;
    struct ke_pool *pool = ndis_owner_checked(NdisHandle, "NdisHandle", fn, site);
    if (pool == NULL)
        return NULL;
    if (Tag == 0)
        vf_violation(VF_ALLOCATE_ZERO_TAG, fn, site, "Tag is 0; pass a four-character pool tag");
    if (vf_fault_inject(fn, site))
        return NULL;
    return ke_pool_alloc(pool, Length, Tag, site, fn);
}

/* No handle: the memory is the calling driver's (found from the call site). */
NDISAPI NDIS_STATUS NdisAllocateMemoryWithTag(PVOID *VirtualAddress, UINT Length, ULONG Tag)
{
    static const char fn[] = "NdisAllocateMemoryWithTag";
    const void *site = VF_CALLER;
    *VirtualAddress = NULL;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    if (Tag == 0)
        vf_violation(VF_ALLOCATE_ZERO_TAG, fn, site, "Tag is 0; pass a four-character pool tag");
    *VirtualAddress = ke_ex_alloc(Length, Tag, site, fn);
    return *VirtualAddress != NULL ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

NDISAPI VOID NdisFreeMemory(PVOID VirtualAddress, UINT Length, UINT MemoryFlags)
{
    static const char fn[] = "NdisFreeMemory";
    const void *site = VF_CALLER;
    (void)Length;
    (void)MemoryFlags;

    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (!ke_pool_free(VirtualAddress))
        vf_violation(VF_FREE_INVALID, fn, site,
                     "%p was not returned by NdisAllocateMemoryWithTagPriority or was already freed",
                     VirtualAddress);
}
