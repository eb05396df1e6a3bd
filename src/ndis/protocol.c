/* Protocol drivers (NdisRegisterProtocolDriver), as a miniport that is also one uses them:
 * NetKVM registers a protocol to bind to its SR-IOV virtual function. The registration is
 * checked as the DDI page says and recorded in the registering driver's pool, so one never
 * deregistered is a leak at unload with its call site. OpenNDIS binds no protocol to any
 * adapter: the binding calls are unsupported, and report so if a driver reaches them. */
#include <stdio.h>
#include <string.h>

#include "ndis.h"

#define NDIS_PROTOCOL_TAG 0x746f7250u /* 'torP': "Prot" in a pool dump */

struct ndis_protocol {
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS chars; /* zero beyond the header's size */
    NDIS_HANDLE context;
    const void *site;
};

/* The documented checks; the status to fail with, or NDIS_STATUS_SUCCESS. */
static NDIS_STATUS ndis_protocol_check(const NDIS_PROTOCOL_DRIVER_CHARACTERISTICS *c, char *why, size_t len)
{
    if (c == NULL) {
        snprintf(why, len, "ProtocolCharacteristics is NULL");
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (c->Header.Type != NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS) {
        snprintf(why, len, "Header.Type is 0x%02X, not NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS",
                 c->Header.Type);
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    size_t need = c->Header.Revision >= NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2
                      ? NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2
                      : NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1;
    if (c->Header.Revision < NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1 || c->Header.Size < need) {
        snprintf(why, len, "Header is revision %u, size %u: revision 1 needs %zu bytes, revision 2 %zu",
                 c->Header.Revision, c->Header.Size, (size_t)NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1,
                 (size_t)NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2);
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (c->MajorNdisVersion != 6) {
        snprintf(why, len, "MajorNdisVersion is %u: protocol drivers register as NDIS 6", c->MajorNdisVersion);
        return NDIS_STATUS_BAD_VERSION;
    }
    if (c->Name.Length == 0 || c->Name.Buffer == NULL) {
        snprintf(why, len, "Name, the protocol's service name, is empty");
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    static const struct {
        size_t offset;
        const char *name;
    } required[] = {
        {offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, BindAdapterHandlerEx), "BindAdapterHandlerEx"},
        {offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, UnbindAdapterHandlerEx), "UnbindAdapterHandlerEx"},
        {offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, OpenAdapterCompleteHandlerEx), "OpenAdapterCompleteHandlerEx"},
        {offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, CloseAdapterCompleteHandlerEx), "CloseAdapterCompleteHandlerEx"},
        {offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, NetPnPEventHandler), "NetPnPEventHandler"},
        {offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, OidRequestCompleteHandler), "OidRequestCompleteHandler"},
        {offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, StatusHandlerEx), "StatusHandlerEx"},
        {offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, ReceiveNetBufferListsHandler), "ReceiveNetBufferListsHandler"},
        {offsetof(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, SendNetBufferListsCompleteHandler),
         "SendNetBufferListsCompleteHandler"},
    };
    for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
        void *handler;
        memcpy(&handler, (const char *)c + required[i].offset, sizeof handler);
        if (handler == NULL) {
            snprintf(why, len, "%s is NULL", required[i].name);
            return NDIS_STATUS_BAD_CHARACTERISTICS;
        }
    }
    return NDIS_STATUS_SUCCESS;
}

NDISAPI NDIS_STATUS NdisRegisterProtocolDriver(NDIS_HANDLE ProtocolDriverContext,
                                               PNDIS_PROTOCOL_DRIVER_CHARACTERISTICS ProtocolCharacteristics,
                                               PNDIS_HANDLE NdisProtocolHandle)
{
    static const char fn[] = "NdisRegisterProtocolDriver";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    if (NdisProtocolHandle == NULL) {
        vf_violation(VF_DATA_PATH_INVALID, fn, site, "NdisProtocolHandle is NULL");
        return NDIS_STATUS_FAILURE;
    }
    *NdisProtocolHandle = NULL;
    char why[256];
    NDIS_STATUS status = ndis_protocol_check(ProtocolCharacteristics, why, sizeof why);
    if (status != NDIS_STATUS_SUCCESS) {
        fprintf(stderr, "[ndis] %s fails with %s: %s\n", fn, ke_status_name(status), why);
        return status;
    }
    if (vf_fault_inject(fn, site))
        return NDIS_STATUS_RESOURCES;
    struct ndis_protocol *p = ke_pool_alloc(ke_caller_pool(site), sizeof *p, NDIS_PROTOCOL_TAG, site, fn);
    if (p == NULL || !ndis_handle_add(p, NDIS_HANDLE_PROTOCOL)) {
        ke_pool_free(p);
        return NDIS_STATUS_RESOURCES;
    }
    memset(p, 0, sizeof *p);
    memcpy(&p->chars, ProtocolCharacteristics, ProtocolCharacteristics->Header.Size < sizeof p->chars
                                                   ? ProtocolCharacteristics->Header.Size
                                                   : sizeof p->chars);
    p->context = ProtocolDriverContext;
    p->site = site;
    *NdisProtocolHandle = p;
    return NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisDeregisterProtocolDriver(NDIS_HANDLE NdisProtocolHandle)
{
    static const char fn[] = "NdisDeregisterProtocolDriver";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    if (ndis_handle_kind(NdisProtocolHandle) != NDIS_HANDLE_PROTOCOL) {
        vf_violation(VF_FREE_INVALID, fn, site, "%p is not a registered protocol driver handle",
                     (void *)NdisProtocolHandle);
        return;
    }
    ndis_handle_remove(NdisProtocolHandle);
    ke_pool_free(NdisProtocolHandle);
}

/* ---- a binding's calls: no binding is ever made here ---- */

static const char ndis_no_binding[] = "OpenNDIS binds no protocol driver to an adapter";

NDISAPI NDIS_STATUS NdisOpenAdapterEx(NDIS_HANDLE NdisProtocolHandle, NDIS_HANDLE ProtocolBindingContext,
                                      PNDIS_OPEN_PARAMETERS OpenParameters, NDIS_HANDLE BindContext,
                                      PNDIS_HANDLE NdisBindingHandle)
{
    (void)NdisProtocolHandle, (void)ProtocolBindingContext, (void)OpenParameters, (void)BindContext;
    if (NdisBindingHandle)
        *NdisBindingHandle = NULL;
    ke_unsupported("NdisOpenAdapterEx", ndis_no_binding, VF_CALLER);
    return NDIS_STATUS_NOT_SUPPORTED;
}

NDISAPI NDIS_STATUS NdisCloseAdapterEx(NDIS_HANDLE NdisBindingHandle)
{
    (void)NdisBindingHandle;
    ke_unsupported("NdisCloseAdapterEx", ndis_no_binding, VF_CALLER);
    return NDIS_STATUS_NOT_SUPPORTED;
}

NDISAPI VOID NdisCompleteBindAdapterEx(NDIS_HANDLE BindAdapterContext, NDIS_STATUS Status,
                                       NDIS_HANDLE ProtocolBindingContext)
{
    (void)BindAdapterContext, (void)Status, (void)ProtocolBindingContext;
    ke_unsupported("NdisCompleteBindAdapterEx", ndis_no_binding, VF_CALLER);
}

NDISAPI VOID NdisCompleteUnbindAdapterEx(NDIS_HANDLE UnbindContext)
{
    (void)UnbindContext;
    ke_unsupported("NdisCompleteUnbindAdapterEx", ndis_no_binding, VF_CALLER);
}

NDISAPI VOID NdisSendNetBufferLists(NDIS_HANDLE NdisBindingHandle, PNET_BUFFER_LIST NetBufferLists,
                                    NDIS_PORT_NUMBER PortNumber, ULONG SendFlags)
{
    (void)NdisBindingHandle, (void)NetBufferLists, (void)PortNumber, (void)SendFlags;
    ke_unsupported("NdisSendNetBufferLists", ndis_no_binding, VF_CALLER);
}

NDISAPI VOID NdisReturnNetBufferLists(NDIS_HANDLE NdisBindingHandle, PNET_BUFFER_LIST NetBufferLists,
                                      ULONG ReturnFlags)
{
    (void)NdisBindingHandle, (void)NetBufferLists, (void)ReturnFlags;
    ke_unsupported("NdisReturnNetBufferLists", ndis_no_binding, VF_CALLER);
}

NDISAPI NDIS_STATUS NdisOidRequest(NDIS_HANDLE NdisBindingHandle, PNDIS_OID_REQUEST OidRequest)
{
    (void)NdisBindingHandle, (void)OidRequest;
    ke_unsupported("NdisOidRequest", ndis_no_binding, VF_CALLER);
    return NDIS_STATUS_NOT_SUPPORTED;
}
