/* NdisMSetMiniportAttributes: what MiniportInitializeEx tells NDIS about the adapter, in
 * the documented order: registration attributes first, then general attributes (required
 * for a successful initialize), then the others (offload, hardware assist, ...). */
#include <stdlib.h>

#include "ndis.h"

static NDIS_STATUS ndis_attributes_header_ok(const NDIS_OBJECT_HEADER *h, UCHAR max_revision,
                                             USHORT min_size, const char *what, const void *site)
{
    if (h->Revision < 1 || h->Revision > max_revision) {
        vf_violation(VF_ATTRIBUTES_INVALID, "NdisMSetMiniportAttributes", site,
                     "%s attributes: Header.Revision %u is not supported (1..%u); NDIS returns NDIS_STATUS_BAD_VERSION",
                     what, h->Revision, max_revision);
        return NDIS_STATUS_BAD_VERSION;
    }
    if (h->Size < min_size) {
        vf_violation(VF_ATTRIBUTES_INVALID, "NdisMSetMiniportAttributes", site,
                     "%s attributes: Header.Size %u is smaller than revision 1's %u bytes", what, h->Size, min_size);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    return NDIS_STATUS_SUCCESS;
}

/* ND2217: a revision the driver's declared NDIS version does not have (`min_minor[rev]`, 6.x),
 * or a Size short of the stated revision's (`sizes[rev]`; 0: not checked). Reported only:
 * NDIS reads what the header says is there. */
void ndis_attributes_version_check(struct ndis_adapter *a, const NDIS_OBJECT_HEADER *h, const USHORT *min_minor,
                                   const USHORT *sizes, UCHAR revisions, const char *what, const void *site)
{
    USHORT minor = a->driver->chars.MinorNdisVersion;
    UCHAR rev = h->Revision;
    if (rev < 1 || rev > revisions)
        return; /* an unknown revision is ND1404's */
    if (min_minor[rev] > minor)
        vf_violation(VF_ATTRIBUTES_BEYOND_VERSION, "NdisMSetMiniportAttributes", site,
                     "%s: revision %u is NDIS 6.%u's, but the driver declared NDIS 6.%u", what, rev, min_minor[rev],
                     minor);
    else if (sizes[rev] != 0 && h->Size < sizes[rev])
        vf_violation(VF_ATTRIBUTES_BEYOND_VERSION, "NdisMSetMiniportAttributes", site,
                     "%s: Size %u is short of revision %u's %u bytes", what, h->Size, rev, sizes[rev]);
}

static NDIS_STATUS ndis_set_registration(struct ndis_adapter *a,
                                         const NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES *r,
                                         const void *site)
{
    NDIS_STATUS st = ndis_attributes_header_ok(&r->Header, 2,
                                               NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1,
                                               "registration", site);
    if (st != NDIS_STATUS_SUCCESS)
        return st;
    static const USHORT min_minor[] = { 0, 0, 30 };
    static const USHORT sizes[] = { 0, NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1,
                                    NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2 };
    ndis_attributes_version_check(a, &r->Header, min_minor, sizes, 2, "registration attributes", site);
    if (a->has_registration)
        vf_violation(VF_ATTRIBUTES_ORDER, "NdisMSetMiniportAttributes", site,
                     "registration attributes set a second time");
    a->registration = *r;
    if (a->registration.CheckForHangTimeInSeconds == 0)
        a->registration.CheckForHangTimeInSeconds = 2; /* NDIS's default */
    a->context = r->MiniportAdapterContext;
    a->has_registration = true;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS ndis_set_general(struct ndis_adapter *a, const NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES *g,
                                    const void *site)
{
    NDIS_STATUS st = ndis_attributes_header_ok(&g->Header, 2,
                                               NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1,
                                               "general", site);
    if (st != NDIS_STATUS_SUCCESS)
        return st;
    static const USHORT min_minor[] = { 0, 0, 20 };
    static const USHORT sizes[] = { 0, NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1,
                                    NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2 };
    ndis_attributes_version_check(a, &g->Header, min_minor, sizes, 2, "general attributes", site);
    if (g->MacAddressLength > NDIS_MAX_PHYS_ADDRESS_LENGTH) {
        vf_violation(VF_ATTRIBUTES_INVALID, "NdisMSetMiniportAttributes", site,
                     "general attributes: MacAddressLength %u exceeds NDIS_MAX_PHYS_ADDRESS_LENGTH", g->MacAddressLength);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (g->SupportedOidListLength % sizeof(NDIS_OID) != 0 ||
        (g->SupportedOidListLength != 0 && g->SupportedOidList == NULL)) {
        vf_violation(VF_ATTRIBUTES_INVALID, "NdisMSetMiniportAttributes", site,
                     "general attributes: SupportedOidListLength %u is not a whole number of NDIS_OIDs or the list is NULL",
                     g->SupportedOidListLength);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    st = ndis_hw_assist_rss(a, g->RecvScaleCapabilities, site);
    if (st != NDIS_STATUS_SUCCESS)
        return st;
    /* NDIS copies the OID list: the driver may free or reuse its array. */
    NDIS_OID *oids = NULL;
    ULONG count = g->SupportedOidListLength / sizeof(NDIS_OID);
    if (count != 0) {
        oids = malloc(count * sizeof *oids);
        if (oids == NULL)
            return NDIS_STATUS_RESOURCES;
        memcpy(oids, g->SupportedOidList, count * sizeof *oids);
    }
    ndis_adapter_lock(a);
    free(a->supported_oids);
    a->supported_oids = oids;
    a->supported_oid_count = count;
    memset(&a->general, 0, sizeof a->general);
    memcpy(&a->general, g, g->Header.Size < sizeof a->general ? g->Header.Size : sizeof a->general);
    a->general.SupportedOidList = NULL;      /* only the copy above is valid later */
    a->general.PowerManagementCapabilities = NULL;
    a->general.RecvScaleCapabilities = NULL;
    a->general.PowerManagementCapabilitiesEx = NULL;
    /* The link state starts as the general attributes describe it. */
    a->link.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    a->link.Header.Revision = NDIS_LINK_STATE_REVISION_1;
    a->link.Header.Size = NDIS_SIZEOF_LINK_STATE_REVISION_1;
    a->link.MediaConnectState = g->MediaConnectState;
    a->link.MediaDuplexState = g->MediaDuplexState;
    a->link.XmitLinkSpeed = g->XmitLinkSpeed;
    a->link.RcvLinkSpeed = g->RcvLinkSpeed;
    a->has_general = true;
    ndis_adapter_unlock(a);
    return NDIS_STATUS_SUCCESS;
}

/* MiniportAddDevice's one attribute set: the context NDIS passes to MiniportInitializeEx
 * (NDIS_MINIPORT_INIT_PARAMETERS) and to the other PnP handlers. */
static NDIS_STATUS ndis_set_add_device(struct ndis_adapter *a, const NDIS_MINIPORT_ADAPTER_ATTRIBUTES *attributes,
                                       const void *site)
{
    static const char fn[] = "NdisMSetMiniportAttributes";
    if (!a->in_add_device) {
        vf_violation(VF_ATTRIBUTES_OUTSIDE_INITIALIZE, fn, site,
                     "add-device registration attributes set while adapter %u is %s, outside MiniportAddDevice",
                     a->index, ndis_state_name(a->state));
        return NDIS_STATUS_FAILURE;
    }
    if (attributes == NULL ||
        attributes->Header.Type != NDIS_OBJECT_TYPE_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES) {
        vf_violation(VF_ATTRIBUTES_INVALID, fn, site,
                     "MiniportAddDevice sets only NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES, not %s",
                     attributes == NULL ? "NULL" : "attributes of another type");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    const NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES *add = &attributes->AddDeviceRegistrationAttributes;
    if (add->Header.Revision < NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES_REVISION_1 ||
        add->Header.Size < NDIS_SIZEOF_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES_REVISION_1) {
        vf_violation(VF_ATTRIBUTES_INVALID, fn, site,
                     "add-device registration attributes have Revision %u and Size %u; revision 1 is %u bytes",
                     add->Header.Revision, add->Header.Size,
                     (unsigned)NDIS_SIZEOF_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES_REVISION_1);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    a->init_parameters.MiniportAddDeviceContext = add->MiniportAddDeviceContext;
    a->has_add_device_context = true;
    return NDIS_STATUS_SUCCESS;
}

NDISAPI NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE NdisMiniportHandle,
                                               PNDIS_MINIPORT_ADAPTER_ATTRIBUTES MiniportAttributes)
{
    static const char fn[] = "NdisMSetMiniportAttributes";
    const void *site = VF_CALLER;

    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    struct ndis_adapter *a = ndis_adapter_checked(NdisMiniportHandle, fn, site);
    if (a == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    if (a->in_add_device || (MiniportAttributes != NULL && MiniportAttributes->Header.Type ==
                                                               NDIS_OBJECT_TYPE_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES))
        return ndis_set_add_device(a, MiniportAttributes, site);
    if (!a->in_initialize) {
        vf_violation(VF_ATTRIBUTES_OUTSIDE_INITIALIZE, fn, site,
                     "called while adapter %u is %s, outside MiniportInitializeEx", a->index, ndis_state_name(a->state));
        return NDIS_STATUS_FAILURE;
    }
    if (MiniportAttributes == NULL) {
        vf_violation(VF_ATTRIBUTES_INVALID, fn, site, "MiniportAttributes is NULL");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    const UCHAR type = MiniportAttributes->Header.Type;
    if (type == NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES)
        return ndis_set_registration(a, &MiniportAttributes->RegistrationAttributes, site);
    if (!a->has_registration) {
        vf_violation(VF_ATTRIBUTES_ORDER, fn, site,
                     "attributes of type 0x%02X set before the registration attributes, which must come first", type);
        return NDIS_STATUS_FAILURE;
    }
    if (type == NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES)
        return ndis_set_general(a, &MiniportAttributes->GeneralAttributes, site);
    if (!a->has_general) {
        vf_violation(VF_ATTRIBUTES_ORDER, fn, site,
                     "attributes of type 0x%02X set before the general attributes, which come second", type);
        return NDIS_STATUS_FAILURE;
    }
    switch (type) {
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES:
        return ndis_hw_assist_attributes(a, &MiniportAttributes->HardwareAssistAttributes, site);
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES:
        return ndis_offload_attributes(a, &MiniportAttributes->OffloadAttributes, site);
    case NDIS_OBJECT_TYPE_HD_SPLIT_ATTRIBUTES:
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_NDK_ATTRIBUTES: {
        /* NDIS 6.1's and 6.30's: revision 1 needs that version */
        static const USHORT hd_split[] = { 0, 1 }, ndk[] = { 0, 30 }, unchecked[] = { 0, 0 };
        bool hd = type == NDIS_OBJECT_TYPE_HD_SPLIT_ATTRIBUTES;
        ndis_attributes_version_check(a, &MiniportAttributes->Header, hd ? hd_split : ndk, unchecked, 1,
                                   hd ? "header-data split attributes" : "NDK attributes", site);
        return NDIS_STATUS_SUCCESS;
    }
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_NATIVE_802_11_ATTRIBUTES:
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_PACKET_DIRECT_ATTRIBUTES:
        /* Accepted; OpenNDIS offers nothing that uses them yet. */
        return NDIS_STATUS_SUCCESS;
    default:
        vf_violation(VF_ATTRIBUTES_INVALID, fn, site, "Header.Type 0x%02X is not a miniport adapter attributes type", type);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
}
