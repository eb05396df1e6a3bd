/* Non-paged lookaside lists: a free list in front of the allocator. Entries are accounted to
 * the driver that initialized the list (found from the call site), so entries never freed
 * show up as leaks at unload. A driver's own Allocate/Free routines are honoured. */
#include "ke.h"

NDISAPI VOID NdisInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
                                               PFREE_FUNCTION Free, ULONG Flags, ULONG Size, ULONG Tag, USHORT Depth)
{
    const void *site = VF_CALLER;
    (void)Flags;
    ke_irql_at_most(DISPATCH_LEVEL, "NdisInitializeNPagedLookasideList", site);
    memset(Lookaside, 0, sizeof *Lookaside);
    Lookaside->Allocate = Allocate;
    Lookaside->Free = Free;
    Lookaside->Size = Size;
    Lookaside->Tag = Tag;
    Lookaside->MaximumDepth = Depth ? Depth : 256;
    Lookaside->Type = NonPagedPool;
    Lookaside->OwnerPool = ke_driver_pool_at(site);
    KeInitializeSpinLock(&Lookaside->Lock);
}

static void ke_lookaside_release(PNPAGED_LOOKASIDE_LIST l, PVOID entry)
{
    if (l->Free != NULL)
        l->Free(entry);
    else
        ke_pool_free(entry);
}

NDISAPI PVOID NdisAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, "NdisAllocateFromNPagedLookasideList", site);
    KIRQL old = KfAcquireSpinLock(&Lookaside->Lock);
    PSINGLE_LIST_ENTRY entry = PopEntryList(&Lookaside->ListHead);
    Lookaside->TotalAllocates++;
    if (entry != NULL)
        Lookaside->Depth--;
    else
        Lookaside->AllocateMisses++;
    KfReleaseSpinLock(&Lookaside->Lock, old);
    if (entry != NULL)
        return entry;
    if (vf_fault_inject("NdisAllocateFromNPagedLookasideList", site))
        return NULL;
    if (Lookaside->Allocate != NULL)
        return Lookaside->Allocate(NonPagedPool, Lookaside->Size, Lookaside->Tag);
    if (Lookaside->OwnerPool == NULL)
        return NULL;
    return ke_pool_alloc(Lookaside->OwnerPool, Lookaside->Size, Lookaside->Tag, site,
                         "NdisAllocateFromNPagedLookasideList");
}

NDISAPI VOID NdisFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry)
{
    ke_irql_at_most(DISPATCH_LEVEL, "NdisFreeToNPagedLookasideList", VF_CALLER);
    KIRQL old = KfAcquireSpinLock(&Lookaside->Lock);
    Lookaside->TotalFrees++;
    bool keep = Lookaside->Depth < Lookaside->MaximumDepth;
    if (keep) {
        PushEntryList(&Lookaside->ListHead, Entry);
        Lookaside->Depth++;
    } else {
        Lookaside->FreeMisses++;
    }
    KfReleaseSpinLock(&Lookaside->Lock, old);
    if (!keep)
        ke_lookaside_release(Lookaside, Entry);
}

NDISAPI VOID NdisDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    ke_irql_at_most(DISPATCH_LEVEL, "NdisDeleteNPagedLookasideList", VF_CALLER);
    PSINGLE_LIST_ENTRY entry;
    while ((entry = PopEntryList(&Lookaside->ListHead)) != NULL)
        ke_lookaside_release(Lookaside, entry);
    Lookaside->Depth = 0;
}
