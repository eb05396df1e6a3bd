/* Adapter bring-up as a protocol does it once bound: set the packet filter, ask the medium,
 * learn the current 802.3 address, turn task offloads on. Every edge user (run, verify,
 * tests, benches, fuzzers) brings adapters up through this one sequence. */
#include <string.h>

#include "edge.h"

void edge_bring_up(struct ndis_adapter *adapter, ULONG filter, struct edge_bring_up *out)
{
    ULONG done, needed, medium = NdisMedium802_3;
    memset(out, 0, sizeof *out);
    out->filter_status = ndis_adapter_oid(adapter, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER,
                                          &filter, sizeof filter, &done, &needed);
    /* A driver that does not answer is taken for Ethernet, as before this query existed. */
    ndis_adapter_oid(adapter, NdisRequestQueryInformation, OID_GEN_MEDIA_IN_USE, &medium, sizeof medium, &done,
                     &needed);
    out->ethernet = medium == NdisMedium802_3;
    out->ip = medium == NdisMediumIP;
    out->mac_status = out->ethernet ? ndis_adapter_oid(adapter, NdisRequestQueryInformation, OID_802_3_CURRENT_ADDRESS,
                                                       out->mac, sizeof out->mac, &done, &needed)
                                    : NDIS_STATUS_SUCCESS;
    NDIS_OFFLOAD current;
    if (out->ethernet && ndis_adapter_offload(adapter, &current)) {
        NDIS_OFFLOAD_ENCAPSULATION e;
        memset(&e, 0, sizeof e);
        e.Header.Type = NDIS_OBJECT_TYPE_OFFLOAD_ENCAPSULATION;
        e.Header.Revision = NDIS_OFFLOAD_ENCAPSULATION_REVISION_1;
        e.Header.Size = NDIS_SIZEOF_OFFLOAD_ENCAPSULATION_REVISION_1;
        e.IPv4.Enabled = e.IPv6.Enabled = NDIS_OFFLOAD_SET_ON;
        e.IPv4.EncapsulationType = e.IPv6.EncapsulationType = NDIS_ENCAPSULATION_IEEE_802_3;
        e.IPv4.HeaderSize = e.IPv6.HeaderSize = 14;
        out->encapsulation_status = ndis_adapter_oid(adapter, NdisRequestSetInformation, OID_OFFLOAD_ENCAPSULATION,
                                                     &e, sizeof e, &done, &needed);
    }
}
