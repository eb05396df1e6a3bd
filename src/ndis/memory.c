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

NDISAPI VOID NdisFreeMemoryWithTagPriority(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, ULONG Tag)
{
    static const char fn[] = "NdisFreeMemoryWithTagPriority";
    const void *site = VF_CALLER;
    (void)Tag;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (ndis_owner_checked(NdisHandle, "NdisHandle", fn, site) == NULL)
        return;
    if (!ke_pool_free(VirtualAddress))
        vf_violation(VF_FREE_INVALID, fn, site,
                     "%p was not returned by NdisAllocateMemoryWithTagPriority or was already freed", VirtualAddress);
}

NDISAPI VOID NdisInitializeString(PNDIS_STRING Destination, PUCHAR Source)
{
    static const char fn[] = "NdisInitializeString";
    const void *site = VF_CALLER;
    Destination->Length = Destination->MaximumLength = 0;
    Destination->Buffer = NULL;
    if (Source == NULL) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "Source is NULL; it must be a NUL-terminated string");
        return;
    }
    size_t n = strlen((const char *)Source);
    if (n > 0x7ffe) /* a UNICODE_STRING counts bytes in a USHORT */
        n = 0x7ffe;
    WCHAR *w = ke_ex_alloc((n + 1) * sizeof(WCHAR), 0x53646e4eu /* "NndS" */, site, fn);
    if (w == NULL)
        return; /* the DDI has no status: the string stays empty, as on a failed allocation there */
    for (size_t i = 0; i < n; i++)
        w[i] = Source[i]; /* the system-default code page is taken as Latin-1 */
    w[n] = 0;
    Destination->Buffer = w;
    Destination->Length = (USHORT)(n * sizeof(WCHAR));
    Destination->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
}
