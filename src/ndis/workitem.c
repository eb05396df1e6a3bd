/* NDIS I/O work items: routines run at PASSIVE_LEVEL on the worker thread. A work item is
 * queued at most once at a time and must be idle when freed. */
#include "ndis.h"

struct ndis_work_item {
    struct ke_work work; /* first: the worker hands this back; arg1 routine, arg2 context */
};

static void ndis_work_run(struct ke_work *w)
{
    NDIS_IO_WORKITEM_ROUTINE routine;
    *(void **)&routine = w->arg1;
    KE_DRIVER_CALL(routine, w->arg2, w);
    ke_irql_after_handler(PASSIVE_LEVEL, "NDIS work item routine", w->arg1);
}

NDISAPI NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle)
{
    static const char fn[] = "NdisAllocateIoWorkItem";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site))
        return NULL;
    struct ke_pool *owner = ndis_owner_checked(NdisObjectHandle, "NdisObjectHandle", fn, site);
    if (owner == NULL)
        return NULL;
    if (vf_fault_inject(fn, site))
        return NULL;
    struct ndis_work_item *item = ke_pool_alloc(owner, sizeof *item, 0, site, fn);
    if (item == NULL)
        return NULL;
    *item = (struct ndis_work_item){ .work.run = ndis_work_run };
    if (!ndis_handle_add(item, NDIS_HANDLE_WORK_ITEM)) {
        ke_pool_free(item);
        return NULL;
    }
    return item;
}

NDISAPI VOID NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItem, NDIS_IO_WORKITEM_ROUTINE Routine, PVOID WorkItemContext)
{
    static const char fn[] = "NdisQueueIoWorkItem";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (ndis_handle_kind(NdisIoWorkItem) != NDIS_HANDLE_WORK_ITEM) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not a work item from NdisAllocateIoWorkItem", NdisIoWorkItem);
        return;
    }
    struct ndis_work_item *item = NdisIoWorkItem;
    void *routine;
    memcpy(&routine, &Routine, sizeof routine);
    if (!ke_work_queue(&item->work, routine, WorkItemContext))
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "work item %p queued again before it ran", NdisIoWorkItem);
}

NDISAPI VOID NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItem)
{
    static const char fn[] = "NdisFreeIoWorkItem";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (ndis_handle_kind(NdisIoWorkItem) != NDIS_HANDLE_WORK_ITEM) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not a work item from NdisAllocateIoWorkItem", NdisIoWorkItem);
        return;
    }
    struct ndis_work_item *item = NdisIoWorkItem;
    bool queued = false;
    /* Freeing from its own routine is fine; from elsewhere OpenNDIS waits for a running
     * routine to return, and one that has not run yet is the driver's bug. */
    if (ke_work_wait_idle(&item->work, &queued) && queued)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "freeing work item %p while it is still queued; OpenNDIS let it run first", NdisIoWorkItem);
    ndis_handle_remove(item);
    ke_pool_free(item);
}
