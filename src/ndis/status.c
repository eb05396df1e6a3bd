/* Status: names of status values for reports, and NdisMIndicateStatusEx, through which a
 * miniport reports link state and other events to the protocols above it. */
#include <stdio.h>
#include <string.h>

#include "ndis.h"
#include "../kernel/ke.h"

/* The names live with the kernel (NDIS_STATUS values are NTSTATUS values): its SEH and WPP
 * formatting name them too. */
const char *ndis_status_name(NDIS_STATUS status)
{
    return ke_status_name(status);
}

bool ndis_status_from_name(const char *name, NDIS_STATUS *out)
{
    return ke_status_from_name(name, out);
}

NDISAPI VOID NdisMIndicateStatusEx(NDIS_HANDLE MiniportAdapterHandle, PNDIS_STATUS_INDICATION StatusIndication)
{
    static const char fn[] = "NdisMIndicateStatusEx";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle);
    if (a == NULL) {
        vf_violation(VF_INVALID_HANDLE, fn, site,
                     "%p is not a miniport adapter handle (a halted adapter may not indicate status)",
                     MiniportAdapterHandle);
        return;
    }
    const NDIS_STATUS_INDICATION *ind = StatusIndication;
    if (ind == NULL || ind->Header.Type != NDIS_OBJECT_TYPE_STATUS_INDICATION || ind->Header.Revision < 1 ||
        ind->Header.Size < NDIS_SIZEOF_STATUS_INDICATION_REVISION_1) {
        vf_violation(VF_STATUS_INDICATION_INVALID, fn, site,
                     "the indication's header must be NDIS_OBJECT_TYPE_STATUS_INDICATION, revision 1, size >= %zu",
                     (size_t)NDIS_SIZEOF_STATUS_INDICATION_REVISION_1);
        return;
    }
    /* The DDI says a miniport "should" set SourceHandle; Microsoft's netvmini leaves it NULL and
     * NDIS knows the source from MiniportAdapterHandle. Another adapter's handle is a bug. */
    if (ind->SourceHandle != NULL && ind->SourceHandle != MiniportAdapterHandle)
        vf_violation(VF_STATUS_INDICATION_INVALID, fn, site,
                     "SourceHandle %p is not the miniport adapter handle %p", ind->SourceHandle, MiniportAdapterHandle);
    if (ind->StatusCode == NDIS_STATUS_RECEIVE_QUEUE_STATE)
        ndis_hw_assist_check_queue_state(a, ind, fn, site);
    if (ind->StatusCode == NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG)
        ndis_offload_status(a, ind, fn, site);
    if (ind->StatusCode == NDIS_STATUS_LINK_STATE) {
        const NDIS_LINK_STATE *link = ind->StatusBuffer;
        if (link == NULL || ind->StatusBufferSize < NDIS_SIZEOF_LINK_STATE_REVISION_1 ||
            link->Header.Size < NDIS_SIZEOF_LINK_STATE_REVISION_1) {
            vf_violation(VF_STATUS_INDICATION_INVALID, fn, site,
                         "NDIS_STATUS_LINK_STATE needs an NDIS_LINK_STATE buffer of at least %zu bytes",
                         (size_t)NDIS_SIZEOF_LINK_STATE_REVISION_1);
            return;
        }
        ndis_adapter_lock(a);
        a->link = *link;
        ndis_adapter_unlock(a);
    }
    if (a->edge != NULL && a->edge->status != NULL)
        a->edge->status(a->edge_context, a, ind);
}
