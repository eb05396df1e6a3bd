/* OpenNDIS: the NIC switch of NDIS 6.20+ (SR-IOV from 6.30): switch and VPort identifiers and
 * the capabilities an adapter advertises. Declared so drivers build; OpenNDIS creates no
 * switches or VPorts (OID_NIC_SWITCH_* requests are not sent). */
#ifndef OPENNDIS_NDIS_NIC_SWITCH_H
#define OPENNDIS_NDIS_NIC_SWITCH_H

#include <ndis/version.h>

OPENNDIS_EXTERN_C_BEGIN

#if NDIS_SUPPORT_NDIS620
typedef ULONG NDIS_NIC_SWITCH_ID, *PNDIS_NIC_SWITCH_ID;
typedef ULONG NDIS_NIC_SWITCH_VPORT_ID, *PNDIS_NIC_SWITCH_VPORT_ID;
typedef USHORT NDIS_SRIOV_FUNCTION_ID, *PNDIS_SRIOV_FUNCTION_ID;
typedef ULONG NDIS_VF_RID, *PNDIS_VF_RID;
#define NDIS_DEFAULT_SWITCH_ID 0
#define NDIS_DEFAULT_VPORT_ID 0
#define NDIS_INVALID_SWITCH_ID ((ULONG)-1)
#define NDIS_INVALID_VPORT_ID ((ULONG)-1)
#define NDIS_PF_FUNCTION_ID ((USHORT)-1)
#define NDIS_INVALID_SRIOV_FUNCTION_ID ((USHORT)-1)

typedef enum _NDIS_NIC_SWITCH_TYPE {
    NdisNicSwitchTypeUnspecified,
    NdisNicSwitchTypeExternal,
    NdisNicSwitchTypeMax
} NDIS_NIC_SWITCH_TYPE, *PNDIS_NIC_SWITCH_TYPE;

/* NicSwitchCapabilities */
#define NDIS_NIC_SWITCH_CAPS_VLAN_SUPPORTED 0x00000001
#define NDIS_NIC_SWITCH_CAPS_PER_VPORT_INTERRUPT_MODERATION_SUPPORTED 0x00000002
#define NDIS_NIC_SWITCH_CAPS_ASYMMETRIC_QUEUE_PAIRS_FOR_NONDEFAULT_VPORT_SUPPORTED 0x00000004
#define NDIS_NIC_SWITCH_CAPS_VF_RSS_SUPPORTED 0x00000008
#define NDIS_NIC_SWITCH_CAPS_SINGLE_VPORT_POOL 0x00000010

#define NDIS_NIC_SWITCH_CAPABILITIES_REVISION_1 1
#define NDIS_NIC_SWITCH_CAPABILITIES_REVISION_2 2
#define NDIS_NIC_SWITCH_CAPABILITIES_REVISION_3 3
struct _NDIS_NIC_SWITCH_CAPABILITIES { /* typedef in ndis/adapter.h */
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG NdisReserved1;
    ULONG NumTotalMacAddresses;
    ULONG NumMacAddressesPerPort;
    ULONG NumVlansPerPort;
    ULONG NdisReserved2;
    ULONG NdisReserved3;
#if NDIS_SUPPORT_NDIS630
    ULONG NicSwitchCapabilities;
    ULONG MaxNumSwitches;
    ULONG MaxNumVPorts;
    ULONG NdisReserved4;
    ULONG MaxNumVFs;
    ULONG MaxNumQueuePairs;
    ULONG NdisReserved5;
    ULONG NdisReserved6;
    ULONG NdisReserved7;
    ULONG MaxNumQueuePairsPerNonDefaultVPort;
    ULONG NdisReserved8;
    ULONG NdisReserved9;
    ULONG NdisReserved10;
    ULONG NdisReserved11;
    ULONG NdisReserved12;
    ULONG MaxNumMacAddresses;
    ULONG NdisReserved13;
    ULONG NdisReserved14;
    ULONG NdisReserved15;
    ULONG NdisReserved16;
    ULONG NdisReserved17;
#endif
#if NDIS_SUPPORT_NDIS660
    ULONG MaxNumRssCapableNonDefaultPFVPorts;
    ULONG NumberOfIndirectionTableEntriesForDefaultVPort;
    ULONG NumberOfIndirectionTableEntriesPerNonDefaultPFVPort;
#endif
#if NDIS_SUPPORT_NDIS680
    ULONG MaxNumQueuePairsForDefaultVPort;
#endif
};
#define NDIS_SIZEOF_NIC_SWITCH_CAPABILITIES_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_NIC_SWITCH_CAPABILITIES, NdisReserved3)
#if NDIS_SUPPORT_NDIS630
#define NDIS_SIZEOF_NIC_SWITCH_CAPABILITIES_REVISION_2 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_NIC_SWITCH_CAPABILITIES, NdisReserved17)
#endif
#if NDIS_SUPPORT_NDIS660
#define NDIS_SIZEOF_NIC_SWITCH_CAPABILITIES_REVISION_3 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_NIC_SWITCH_CAPABILITIES, NumberOfIndirectionTableEntriesPerNonDefaultPFVPort)
#endif

#define NDIS_STATUS_NIC_SWITCH_CURRENT_CAPABILITIES ((NDIS_STATUS)0x40020040L)
#define NDIS_STATUS_NIC_SWITCH_HARDWARE_CAPABILITIES ((NDIS_STATUS)0x40020050L)
#endif /* NDIS_SUPPORT_NDIS620 */
OPENNDIS_EXTERN_C_END

#endif /* OPENNDIS_NDIS_NIC_SWITCH_H */
