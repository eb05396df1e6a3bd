/* OID requests: NDIS issues one request at a time to MiniportOidRequest; the miniport
 * completes it synchronously or returns NDIS_STATUS_PENDING and calls
 * NdisMOidRequestComplete once. Driver Verifier's NdisTimedOidComplete gives it 12 s. */
#include <stdio.h>
#include <stdlib.h>

#include "ndis.h"

#define NDIS_OID_TIMEOUT_SECONDS 12.0

static bool ndis_oid_idle(struct ndis_adapter *a)
{
    return a->oid_pending == NULL;
}

/* What the request says it wrote, read or needs, checked against its buffer. */
static void ndis_oid_check_result(struct ndis_adapter *a, const NDIS_OID_REQUEST *r, NDIS_STATUS st,
                                  const void *handler, const char *role)
{
    const UINT len = r->DATA.QUERY_INFORMATION.InformationBufferLength;
    UINT done = 0, needed = r->DATA.QUERY_INFORMATION.BytesNeeded;
    switch (r->RequestType) {
    case NdisRequestQueryInformation:
    case NdisRequestQueryStatistics: done = r->DATA.QUERY_INFORMATION.BytesWritten; break;
    case NdisRequestSetInformation: done = r->DATA.SET_INFORMATION.BytesRead; break;
    default: return;
    }
    if (st == NDIS_STATUS_SUCCESS && done > len)
        vf_report(VF_OID_RESULT_INCONSISTENT, role, handler, true,
                  "OID 0x%08X on adapter %u: %u bytes written/read into a %u-byte buffer", r->DATA.Oid,
                  a->index, done, len);
    /* A query's buffer can only be too short, so BytesNeeded must exceed it. A set may demand
     * an exact size (BytesNeeded below the length is fine) but must name one. */
    bool set = r->RequestType == NdisRequestSetInformation;
    if ((st == NDIS_STATUS_BUFFER_TOO_SHORT || st == NDIS_STATUS_INVALID_LENGTH) &&
        (set ? needed == 0 || needed == len : needed <= len))
        vf_report(VF_OID_RESULT_INCONSISTENT, role, handler, true,
                  "OID 0x%08X on adapter %u failed with a wrong-length status but BytesNeeded is %u for a %u-byte buffer",
                  r->DATA.Oid, a->index, needed, len);
}

/* Copies an answer NDIS gives itself, with the usual short-buffer semantics. */
static NDIS_STATUS ndis_oid_reply(const void *value, ULONG size, PVOID buffer, ULONG length, ULONG *done,
                                  ULONG *needed)
{
    if (length < size) {
        *done = 0;
        *needed = size;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    memcpy(buffer, value, size);
    *done = size;
    *needed = 0;
    return NDIS_STATUS_SUCCESS;
}

/* The queries NDIS 6 answers for the miniport from what it cached at initialize (the OID
 * pages say "NDIS handles this OID"); the miniport never sees them. */
static bool ndis_oid_answer(struct ndis_adapter *a, NDIS_OID oid, PVOID buffer, ULONG length, ULONG *done,
                            ULONG *needed, NDIS_STATUS *status)
{
    const NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES *g = &a->general;
    ULONG value;
    switch (oid) {
    case OID_GEN_SUPPORTED_LIST:
        *status = ndis_oid_reply(a->supported_oids, a->supported_oid_count * (ULONG)sizeof(NDIS_OID), buffer, length,
                                 done, needed);
        return true;
    case OID_GEN_MEDIA_SUPPORTED:
    case OID_GEN_MEDIA_IN_USE: value = (ULONG)g->MediaType; break;
    case OID_GEN_PHYSICAL_MEDIUM: value = (ULONG)g->PhysicalMediumType; break;
    case OID_GEN_MAXIMUM_FRAME_SIZE: value = g->MtuSize; break;
    case OID_GEN_MAXIMUM_LOOKAHEAD: value = g->LookaheadSize; break;
    case OID_GEN_MAC_OPTIONS: value = g->MacOptions; break;
    case OID_GEN_MEDIA_CONNECT_STATUS:
        value = a->link.MediaConnectState == MediaConnectStateDisconnected ? NdisMediaStateDisconnected
                                                                           : NdisMediaStateConnected;
        break;
    case OID_GEN_DRIVER_VERSION: {
        USHORT version = (USHORT)(a->driver->chars.MajorNdisVersion << 8 | a->driver->chars.MinorNdisVersion);
        *status = ndis_oid_reply(&version, sizeof version, buffer, length, done, needed);
        return true;
    }
    default:
        return false;
    }
    *status = ndis_oid_reply(&value, sizeof value, buffer, length, done, needed);
    return true;
}

NDIS_STATUS ndis_adapter_oid(struct ndis_adapter *a, NDIS_REQUEST_TYPE type, NDIS_OID oid, PVOID buffer,
                             ULONG length, ULONG *bytes_done, ULONG *bytes_needed)
{
    ULONG done = 0, needed = 0;
    NDIS_STATUS st;
    ndis_adapter_lock(a);
    bool ready = a->state != NDIS_STATE_HALTED && a->state != NDIS_STATE_INITIALIZING && a->state != NDIS_STATE_SHUTDOWN;
    ndis_adapter_unlock(a);
    if (ready && (type == NdisRequestQueryInformation || type == NdisRequestQueryStatistics) &&
        ndis_oid_answer(a, oid, buffer, length, &done, &needed, &st)) {
        if (bytes_done)
            *bytes_done = done;
        if (bytes_needed)
            *bytes_needed = needed;
        return st;
    }
    /* NDIS keeps the multicast list itself: it merges the bindings' 6-byte addresses into the
     * one set the miniport sees (OID_802_3_MULTICAST_LIST's page), so a list that is not
     * whole addresses fails here and never reaches the driver. */
    if (type == NdisRequestSetInformation && oid == OID_802_3_MULTICAST_LIST && length % 6 != 0) {
        if (bytes_done)
            *bytes_done = 0;
        if (bytes_needed)
            *bytes_needed = (length / 6 + 1) * 6;
        return NDIS_STATUS_INVALID_LENGTH;
    }
    return ndis_adapter_oid_path(a, NDIS_OID_REGULAR, type, oid, buffer, length, bytes_done, bytes_needed);
}

NDIS_STATUS ndis_adapter_oid_path(struct ndis_adapter *a, enum ndis_oid_path path, NDIS_REQUEST_TYPE type, NDIS_OID oid,
                                  PVOID buffer, ULONG length, ULONG *bytes_done, ULONG *bytes_needed)
{
    const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c = &a->driver->chars;
    MINIPORT_OID_REQUEST_HANDLER handler = path == NDIS_OID_DIRECT        ? c->DirectOidRequestHandler
                                           : path == NDIS_OID_SYNCHRONOUS ? c->SynchronousOidRequestHandler
                                                                          : c->OidRequestHandler;
    MINIPORT_CANCEL_OID_REQUEST_HANDLER cancel =
        path == NDIS_OID_DIRECT ? c->CancelDirectOidRequestHandler : c->CancelOidRequestHandler;
    const char *role = path == NDIS_OID_DIRECT        ? "MiniportDirectOidRequest"
                       : path == NDIS_OID_SYNCHRONOUS ? "MiniportSynchronousOidRequest"
                                                      : "MiniportOidRequest";
    if (handler == NULL)
        return NDIS_STATUS_NOT_SUPPORTED; /* the driver registered no handler for this path */
    ndis_adapter_lock(a);
    if (a->state == NDIS_STATE_HALTED || a->state == NDIS_STATE_INITIALIZING ||
        a->state == NDIS_STATE_SHUTDOWN) {
        ndis_adapter_unlock(a);
        return NDIS_STATUS_INVALID_STATE;
    }
    /* One request at a time, as NDIS does (NdisOidDoubleRequest). A request the driver
     * abandoned (already reported) would block every later one: fail those instead. */
    ndis_wait(a, ndis_oid_idle, a->oid_abandoned ? 0 : 1e9);
    if (a->oid_pending != NULL && a->oid_abandoned) {
        ndis_adapter_unlock(a);
        return NDIS_STATUS_FAILURE;
    }
    NDIS_OID_REQUEST *r = calloc(1, sizeof *r);
    if (r == NULL) {
        ndis_adapter_unlock(a);
        return NDIS_STATUS_RESOURCES;
    }
    r->Header.Type = NDIS_OBJECT_TYPE_OID_REQUEST;
    r->Header.Revision = NDIS_OID_REQUEST_REVISION_1;
    r->Header.Size = NDIS_SIZEOF_OID_REQUEST_REVISION_1;
    r->RequestType = type;
    r->RequestId = r;
    r->RequestHandle = a;
    if (type == NdisRequestMethod) {
        r->DATA.METHOD_INFORMATION.Oid = oid;
        r->DATA.METHOD_INFORMATION.InformationBuffer = buffer;
        r->DATA.METHOD_INFORMATION.InputBufferLength = length;
        r->DATA.METHOD_INFORMATION.OutputBufferLength = length;
    } else {
        r->DATA.QUERY_INFORMATION.Oid = oid;
        r->DATA.QUERY_INFORMATION.InformationBuffer = buffer;
        r->DATA.QUERY_INFORMATION.InformationBufferLength = length;
    }
    ndis_hw_assist_before_oid(a, type, oid, buffer, length);
    a->oid_pending = r;
    ndis_pending_arm(&a->oid);
    ndis_adapter_unlock(a);

    NDIS_STATUS st = KE_DRIVER_CALL(handler, a->context, r);
    ke_irql_after_handler(PASSIVE_LEVEL, role, (const void *)handler);
    if (st == NDIS_STATUS_PENDING && path == NDIS_OID_SYNCHRONOUS) {
        vf_report(VF_OID_DOUBLE_COMPLETE, role, (const void *)handler, true,
                  "MiniportSynchronousOidRequest returned NDIS_STATUS_PENDING; synchronous requests cannot pend");
        st = NDIS_STATUS_FAILURE;
    }

    const struct ndis_pending_kind kind = {
        role, path == NDIS_OID_DIRECT ? "NdisMDirectOidRequestComplete" : "NdisMOidRequestComplete",
        VF_OID_TIMEOUT, VF_OID_DOUBLE_COMPLETE, NDIS_OID_TIMEOUT_SECONDS,
    };
    char what[48];
    snprintf(what, sizeof what, "OID 0x%08X on adapter %u", (unsigned)oid, a->index);
    bool keep = false; /* a request the driver may still complete must stay valid */
    /* While the request pends, protocols keep giving back what they were indicated (a
     * miniport freeing a VM queue completes only when the queue's NBLs are back). */
    if (ndis_pending_finish(a, &a->oid, &kind, (const void *)handler, st, what, ndis_adapter_return_pending, &st) ==
        NDIS_PENDING_TIMED_OUT) {
        KE_DRIVER_CALL(cancel, a->context, r->RequestId);
        ke_irql_after_handler(PASSIVE_LEVEL, "MiniportCancelOidRequest", (const void *)cancel);
        if (ndis_pending_await(a, &a->oid, ndis_timeout_seconds(NDIS_OID_TIMEOUT_SECONDS), ndis_adapter_return_pending)) {
            ndis_adapter_lock(a);
            st = a->oid.status;
            ndis_adapter_unlock(a);
        } else {
            st = NDIS_STATUS_REQUEST_ABORTED;
            keep = true;
        }
    }
    ndis_adapter_lock(a);
    a->oid.armed = keep;
    a->oid_pending = keep ? r : NULL;
    a->oid_abandoned = keep;
    pthread_cond_broadcast(&a->changed);
    ndis_adapter_unlock(a);

    ndis_oid_check_result(a, r, st, (const void *)handler, role);
    if (!keep)
        ndis_hw_assist_after_oid(a, type, oid, buffer, length, st);
    if (!keep)
        ndis_offload_after_oid(a, type, oid, buffer, length, st);
    if (bytes_done)
        *bytes_done = type == NdisRequestSetInformation ? r->DATA.SET_INFORMATION.BytesRead
                      : type == NdisRequestMethod        ? r->DATA.METHOD_INFORMATION.BytesWritten
                                                         : r->DATA.QUERY_INFORMATION.BytesWritten;
    if (bytes_needed)
        *bytes_needed = type == NdisRequestMethod ? r->DATA.METHOD_INFORMATION.BytesNeeded
                                                  : r->DATA.QUERY_INFORMATION.BytesNeeded;
    if (!keep)
        free(r);
    return st;
}

static void ndis_oid_complete(const char *fn, NDIS_HANDLE handle, PNDIS_OID_REQUEST request, NDIS_STATUS status,
                              const void *site)
{
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(handle, fn, site);
    if (a == NULL)
        return;
    ndis_adapter_lock(a);
    bool ours = request != NULL && a->oid_pending == request;
    bool late = ours && a->oid_abandoned; /* nobody waits for it any more: NDIS frees it */
    bool twice = ours && !late && a->oid.completed;
    bool pending = late;
    if (late) {
        a->oid_pending = NULL;
        a->oid_abandoned = false;
        a->oid.armed = false;
        pthread_cond_broadcast(&a->changed);
    } else if (ours) {
        pending = ndis_pending_complete(a, &a->oid, status == NDIS_STATUS_PENDING ? NDIS_STATUS_FAILURE : status);
    }
    ndis_adapter_unlock(a);
    if (late)
        free(request);
    if (!pending)
        vf_violation(VF_OID_DOUBLE_COMPLETE, fn, site, "%s", twice ? "the OID request was already completed"
                                                                  : "the request is not the one pending on this adapter");
    else if (status == NDIS_STATUS_PENDING)
        vf_violation(VF_OID_DOUBLE_COMPLETE, fn, site, "completed with NDIS_STATUS_PENDING, which is not a final status");
}

NDISAPI VOID NdisMOidRequestComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_OID_REQUEST OidRequest,
                                     NDIS_STATUS Status)
{
    ndis_oid_complete("NdisMOidRequestComplete", MiniportAdapterHandle, OidRequest, Status, VF_CALLER);
}

NDISAPI VOID NdisMDirectOidRequestComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_OID_REQUEST OidRequest,
                                           NDIS_STATUS Status)
{
    ndis_oid_complete("NdisMDirectOidRequestComplete", MiniportAdapterHandle, OidRequest, Status, VF_CALLER);
}
