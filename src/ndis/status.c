/* Status: names of status values for reports, and NdisMIndicateStatusEx, through which a
 * miniport reports link state and other events to the protocols above it. */
#include <stdio.h>
#include <string.h>

#include "ndis.h"

#define S(x) { #x, x }
static const struct { const char *name; NDIS_STATUS value; } ndis_statuses[] = {
    S(NDIS_STATUS_SUCCESS), S(NDIS_STATUS_PENDING), S(NDIS_STATUS_NOT_RECOGNIZED),
    S(NDIS_STATUS_NOT_COPIED), S(NDIS_STATUS_NOT_ACCEPTED), S(NDIS_STATUS_CALL_ACTIVE),
    S(NDIS_STATUS_INDICATION_REQUIRED), S(NDIS_STATUS_ONLINE), S(NDIS_STATUS_RESET_START),
    S(NDIS_STATUS_RESET_END), S(NDIS_STATUS_MEDIA_CONNECT), S(NDIS_STATUS_MEDIA_DISCONNECT),
    S(NDIS_STATUS_LINK_STATE), S(NDIS_STATUS_NOT_RESETTABLE), S(NDIS_STATUS_SOFT_ERRORS),
    S(NDIS_STATUS_HARD_ERRORS), S(NDIS_STATUS_BUFFER_OVERFLOW), S(NDIS_STATUS_FAILURE),
    S(NDIS_STATUS_INVALID_PARAMETER), S(NDIS_STATUS_INVALID_DEVICE_REQUEST),
    S(NDIS_STATUS_RESOURCES), S(NDIS_STATUS_NOT_SUPPORTED), S(NDIS_STATUS_INVALID_STATE),
    S(NDIS_STATUS_CLOSING), S(NDIS_STATUS_BAD_VERSION), S(NDIS_STATUS_BAD_CHARACTERISTICS),
    S(NDIS_STATUS_ADAPTER_NOT_FOUND), S(NDIS_STATUS_OPEN_FAILED), S(NDIS_STATUS_DEVICE_FAILED),
    S(NDIS_STATUS_MULTICAST_FULL), S(NDIS_STATUS_MULTICAST_EXISTS),
    S(NDIS_STATUS_MULTICAST_NOT_FOUND), S(NDIS_STATUS_REQUEST_ABORTED),
    S(NDIS_STATUS_RESET_IN_PROGRESS), S(NDIS_STATUS_INVALID_PACKET),
    S(NDIS_STATUS_ADAPTER_NOT_READY), S(NDIS_STATUS_INVALID_LENGTH), S(NDIS_STATUS_INVALID_DATA),
    S(NDIS_STATUS_BUFFER_TOO_SHORT), S(NDIS_STATUS_INVALID_OID), S(NDIS_STATUS_ADAPTER_REMOVED),
    S(NDIS_STATUS_UNSUPPORTED_MEDIA), S(NDIS_STATUS_RESOURCE_CONFLICT),
    S(NDIS_STATUS_SEND_ABORTED), S(NDIS_STATUS_MEDIA_DISCONNECTED), S(NDIS_STATUS_PAUSED),
    S(NDIS_STATUS_INTERFACE_NOT_FOUND), S(NDIS_STATUS_UNSUPPORTED_REVISION),
    S(NDIS_STATUS_INVALID_PORT), S(NDIS_STATUS_INVALID_PORT_STATE),
    S(NDIS_STATUS_LOW_POWER_STATE),
    /* NTSTATUS values without an NDIS alias that drivers still return */
    S(STATUS_NOT_IMPLEMENTED), S(STATUS_ACCESS_VIOLATION), S(STATUS_INVALID_HANDLE),
    S(STATUS_NO_MEMORY), S(STATUS_ACCESS_DENIED), S(STATUS_BUFFER_TOO_SMALL),
    S(STATUS_OBJECT_NAME_NOT_FOUND), S(STATUS_INTEGER_OVERFLOW), S(STATUS_DEVICE_NOT_READY),
    S(STATUS_CANCELLED), S(STATUS_NOT_FOUND), S(STATUS_DEVICE_REMOVED), S(STATUS_TIMEOUT),
    S(STATUS_DATATYPE_MISALIGNMENT), S(STATUS_INVALID_USER_BUFFER), S(STATUS_NONCONTINUABLE_EXCEPTION),
};
#undef S

const char *ndis_status_name(NDIS_STATUS status)
{
    for (size_t i = 0; i < sizeof ndis_statuses / sizeof ndis_statuses[0]; i++)
        if (ndis_statuses[i].value == status)
            return ndis_statuses[i].name;
    return NULL;
}

bool ndis_status_from_name(const char *name, NDIS_STATUS *out)
{
    for (size_t i = 0; i < sizeof ndis_statuses / sizeof ndis_statuses[0]; i++)
        if (strcmp(ndis_statuses[i].name, name) == 0) {
            *out = ndis_statuses[i].value;
            return true;
        }
    return false;
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
    if (ind->SourceHandle != MiniportAdapterHandle)
        vf_violation(VF_STATUS_INDICATION_INVALID, fn, site,
                     "SourceHandle %p is not the miniport adapter handle %p", ind->SourceHandle, MiniportAdapterHandle);
    if (ind->StatusCode == NDIS_STATUS_LINK_STATE) {
        const NDIS_LINK_STATE *link = ind->StatusBuffer;
        if (link == NULL || ind->StatusBufferSize < NDIS_SIZEOF_LINK_STATE_REVISION_1 ||
            link->Header.Size < NDIS_SIZEOF_LINK_STATE_REVISION_1) {
            vf_violation(VF_STATUS_INDICATION_INVALID, fn, site,
                         "NDIS_STATUS_LINK_STATE needs an NDIS_LINK_STATE buffer of at least %zu bytes",
                         (size_t)NDIS_SIZEOF_LINK_STATE_REVISION_1);
            return;
        }
        pthread_mutex_lock(&a->lock);
        a->link = *link;
        pthread_mutex_unlock(&a->lock);
    }
    if (a->edge != NULL && a->edge->status != NULL)
        a->edge->status(a->edge_context, a, ind);
}
