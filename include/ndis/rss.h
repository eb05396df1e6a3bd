/* OpenNDIS: receive side scaling. RSS v1 (NDIS 6.0: OID_GEN_RECEIVE_SCALE_PARAMETERS with an
 * indirection table of processor numbers), RSS v2 (NDIS 6.80: per-entry moves with
 * OID_GEN_RSS_SET_INDIRECTION_TABLE_ENTRIES), the processor set NDIS hands out for RSS
 * (NdisGetRssProcessorInformation), the hash a receive indication carries, and the
 * processor queries (NdisGetProcessorInformationEx and friends). */
#ifndef OPENNDIS_NDIS_RSS_H
#define OPENNDIS_NDIS_RSS_H

#include <ndis/version.h>
#include <ndis/nic_switch.h>

OPENNDIS_EXTERN_C_BEGIN

/* ---- hash information: function in the low byte, types above --------------------------- */
#define NdisHashFunctionToeplitz 0x00000001
#define NdisHashFunctionReserved1 0x00000002
#define NdisHashFunctionReserved2 0x00000004
#define NdisHashFunctionReserved3 0x00000008
#define NDIS_HASH_FUNCTION_MASK 0x000000FF
#define NDIS_HASH_TYPE_MASK 0x00FFFF00
#define NDIS_HASH_IPV4 0x00000100
#define NDIS_HASH_TCP_IPV4 0x00000200
#define NDIS_HASH_IPV6 0x00000400
#define NDIS_HASH_IPV6_EX 0x00000800
#define NDIS_HASH_TCP_IPV6 0x00001000
#define NDIS_HASH_TCP_IPV6_EX 0x00002000
#define NDIS_HASH_UDP_IPV4 0x00004000
#define NDIS_HASH_UDP_IPV6 0x00008000
#define NDIS_HASH_UDP_IPV6_EX 0x00010000
#define NDIS_RSS_HASH_FUNC_FROM_HASH_INFO(info) ((info) & NDIS_HASH_FUNCTION_MASK)
#define NDIS_RSS_HASH_TYPE_FROM_HASH_INFO(info) ((info) & NDIS_HASH_TYPE_MASK)
#define NDIS_RSS_HASH_INFO_FROM_TYPE_AND_FUNC(type, func) ((type) | (func))

/* The hash of a received frame, in its NET_BUFFER_LIST. */
#define NET_BUFFER_LIST_GET_HASH_VALUE(nbl) ((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO((nbl), NetBufferListHashValue))
#define NET_BUFFER_LIST_SET_HASH_VALUE(nbl, v) \
    (NET_BUFFER_LIST_INFO((nbl), NetBufferListHashValue) = (PVOID)(ULONG_PTR)(v))
#define NET_BUFFER_LIST_GET_HASH_TYPE(nbl) \
    ((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO((nbl), NetBufferListHashInfo) & NDIS_HASH_TYPE_MASK)
#define NET_BUFFER_LIST_GET_HASH_FUNCTION(nbl) \
    ((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO((nbl), NetBufferListHashInfo) & NDIS_HASH_FUNCTION_MASK)
#define NET_BUFFER_LIST_SET_HASH_TYPE(nbl, t)                                                          \
    (NET_BUFFER_LIST_INFO((nbl), NetBufferListHashInfo) =                                              \
         (PVOID)(ULONG_PTR)(((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO((nbl), NetBufferListHashInfo) &    \
                             ~NDIS_HASH_TYPE_MASK) | ((t) & NDIS_HASH_TYPE_MASK)))
#define NET_BUFFER_LIST_SET_HASH_FUNCTION(nbl, f)                                                      \
    (NET_BUFFER_LIST_INFO((nbl), NetBufferListHashInfo) =                                              \
         (PVOID)(ULONG_PTR)(((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO((nbl), NetBufferListHashInfo) &    \
                             ~NDIS_HASH_FUNCTION_MASK) | ((f) & NDIS_HASH_FUNCTION_MASK)))

/* ---- capabilities (NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES.RecvScaleCapabilities) ------- */
#define NDIS_RSS_CAPS_MESSAGE_SIGNALED_INTERRUPTS 0x01000000
#define NDIS_RSS_CAPS_CLASSIFICATION_AT_ISR 0x02000000
#define NDIS_RSS_CAPS_CLASSIFICATION_AT_DPC 0x04000000
#define NDIS_RSS_CAPS_USING_MSI_X 0x08000000
#define NDIS_RSS_CAPS_RSS_AVAILABLE_ON_PORTS 0x10000000
#define NDIS_RSS_CAPS_SUPPORTS_MSI_X 0x20000000
#define NDIS_RSS_CAPS_SUPPORTS_INDEPENDENT_ENTRY_MOVE 0x40000000
#define NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV4 0x00000100
#define NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV6 0x00000200
#define NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV6_EX 0x00000400
#define NDIS_RSS_CAPS_HASH_TYPE_UDP_IPV4 0x00000800
#define NDIS_RSS_CAPS_HASH_TYPE_UDP_IPV6 0x00001000
#define NDIS_RSS_CAPS_HASH_TYPE_UDP_IPV6_EX 0x00002000
typedef ULONG NDIS_RSS_CAPS_FLAGS;

#define NDIS_RECEIVE_SCALE_CAPABILITIES_REVISION_1 1
#define NDIS_RECEIVE_SCALE_CAPABILITIES_REVISION_2 2
#define NDIS_RECEIVE_SCALE_CAPABILITIES_REVISION_3 3
struct _NDIS_RECEIVE_SCALE_CAPABILITIES { /* typedef in ndis/adapter.h */
    NDIS_OBJECT_HEADER Header;
    NDIS_RSS_CAPS_FLAGS CapabilitiesFlags;
    ULONG NumberOfInterruptMessages;
    ULONG NumberOfReceiveQueues;
#if NDIS_SUPPORT_NDIS630
    USHORT NumberOfIndirectionTableEntries;
#endif
};
#define NDIS_SIZEOF_RECEIVE_SCALE_CAPABILITIES_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_SCALE_CAPABILITIES, NumberOfReceiveQueues)
#if NDIS_SUPPORT_NDIS630
#define NDIS_SIZEOF_RECEIVE_SCALE_CAPABILITIES_REVISION_2 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_SCALE_CAPABILITIES, NumberOfIndirectionTableEntries)
/* revision 3 (6.60) adds capability flags only */
#define NDIS_SIZEOF_RECEIVE_SCALE_CAPABILITIES_REVISION_3 NDIS_SIZEOF_RECEIVE_SCALE_CAPABILITIES_REVISION_2
#endif

/* ---- RSS v1 parameters (OID_GEN_RECEIVE_SCALE_PARAMETERS) -------------------------------- */
#define NDIS_RSS_PARAM_FLAG_BASE_CPU_UNCHANGED 0x0001
#define NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED 0x0002
#define NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED 0x0004
#define NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED 0x0008
#define NDIS_RSS_PARAM_FLAG_DISABLE_RSS 0x0010
#define NDIS_RSS_PARAM_FLAG_DEFAULT_PROCESSOR_UNCHANGED 0x0020
#define NDIS_RSS_INDIRECTION_TABLE_SIZE_REVISION_1 128
#define NDIS_RSS_HASH_SECRET_KEY_SIZE_REVISION_1 40
#define NDIS_RSS_INDIRECTION_TABLE_MAX_SIZE_REVISION_2 (128 * sizeof(PROCESSOR_NUMBER))
#define NDIS_RSS_HASH_SECRET_KEY_MAX_SIZE_REVISION_2 40
#define NDIS_RSS_INDIRECTION_TABLE_MAX_SIZE_REVISION_3 (128 * sizeof(PROCESSOR_NUMBER))
#define NDIS_RSS_HASH_SECRET_KEY_MAX_SIZE_REVISION_3 40

#define NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_1 1
#define NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_2 2
#define NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_3 3
typedef struct _NDIS_RECEIVE_SCALE_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    USHORT Flags;
    USHORT BaseCpuNumber;
    ULONG HashInformation;
    USHORT IndirectionTableSize;   /* bytes: CCHARs in revision 1, PROCESSOR_NUMBERs after */
    ULONG IndirectionTableOffset;  /* from the start of this structure */
    USHORT HashSecretKeySize;
    ULONG HashSecretKeyOffset;
#if NDIS_SUPPORT_NDIS620
    ULONG ProcessorMasksOffset;    /* GROUP_AFFINITY entries */
    ULONG NumberOfProcessorMasks;
    ULONG ProcessorMasksEntrySize;
#endif
#if NDIS_SUPPORT_NDIS660
    PROCESSOR_NUMBER DefaultProcessorNumber;
#endif
} NDIS_RECEIVE_SCALE_PARAMETERS, *PNDIS_RECEIVE_SCALE_PARAMETERS;
#define NDIS_SIZEOF_RECEIVE_SCALE_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_SCALE_PARAMETERS, HashSecretKeyOffset)
#if NDIS_SUPPORT_NDIS620
#define NDIS_SIZEOF_RECEIVE_SCALE_PARAMETERS_REVISION_2 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_SCALE_PARAMETERS, ProcessorMasksEntrySize)
#endif
#if NDIS_SUPPORT_NDIS660
#define NDIS_SIZEOF_RECEIVE_SCALE_PARAMETERS_REVISION_3 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_SCALE_PARAMETERS, DefaultProcessorNumber)
#endif

#if NDIS_SUPPORT_NDIS620
/* ---- the processors NDIS lets an adapter use for RSS ------------------------------------- */
typedef enum _NDIS_RSS_PROFILE {
    NdisRssProfileClosest = 1,
    NdisRssProfileClosestStatic,
    NdisRssProfileNuma,
    NdisRssProfileNumaStatic,
    NdisRssProfileConservative,
    NdisRssProfileMaximum
} NDIS_RSS_PROFILE, *PNDIS_RSS_PROFILE;

typedef struct _NDIS_RSS_PROCESSOR {
    PROCESSOR_NUMBER ProcNum;
    USHORT PreferenceIndex;  /* NUMA distance: lower is closer */
    USHORT Reserved;
} NDIS_RSS_PROCESSOR, *PNDIS_RSS_PROCESSOR;

#define NDIS_RSS_PROCESSOR_INFO_REVISION_1 1
#define NDIS_RSS_PROCESSOR_INFO_REVISION_2 2
typedef struct _NDIS_RSS_PROCESSOR_INFO {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    PROCESSOR_NUMBER RssBaseProcessor;
    ULONG MaxNumRssProcessors;
    USHORT PreferredNumaNode;
    ULONG RssProcessorArrayOffset;   /* NDIS_RSS_PROCESSOR entries follow */
    ULONG RssProcessorCount;
    ULONG RssProcessorEntrySize;
#if NDIS_SUPPORT_NDIS630
    PROCESSOR_NUMBER RssMaxProcessor;
    NDIS_RSS_PROFILE RssProfile;
#endif
} NDIS_RSS_PROCESSOR_INFO, *PNDIS_RSS_PROCESSOR_INFO;
#define NDIS_SIZEOF_RSS_PROCESSOR_INFO_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RSS_PROCESSOR_INFO, RssProcessorEntrySize)
#if NDIS_SUPPORT_NDIS630
#define NDIS_SIZEOF_RSS_PROCESSOR_INFO_REVISION_2 RTL_SIZEOF_THROUGH_FIELD(NDIS_RSS_PROCESSOR_INFO, RssProfile)
#endif

/* ---- the machine's processors (NdisGetProcessorInformationEx) ---------------------------- */
typedef enum _NDIS_PROCESSOR_VENDOR {
    NdisProcessorVendorUnknown,
    NdisProcessorVendorGenuinIntel,
    NdisProcessorVendorGenuineIntel = NdisProcessorVendorGenuinIntel,
    NdisProcessorVendorAuthenticAMD
} NDIS_PROCESSOR_VENDOR, *PNDIS_PROCESSOR_VENDOR;

typedef struct _NDIS_PROCESSOR_INFO_EX {
    PROCESSOR_NUMBER ProcNum;
    ULONG SocketId;
    ULONG CoreId;
    ULONG HyperThreadId;
    USHORT NodeId;
    USHORT NodeDistance;
} NDIS_PROCESSOR_INFO_EX, *PNDIS_PROCESSOR_INFO_EX;

#define NDIS_SYSTEM_PROCESSOR_INFO_EX_REVISION_1 1
typedef struct _NDIS_SYSTEM_PROCESSOR_INFO_EX {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_PROCESSOR_VENDOR ProcessorVendor;
    ULONG NumSockets;
    ULONG NumCores;
    ULONG NumCoresPerSocket;
    ULONG MaxHyperThreadingProcsPerCore;
    ULONG ProcessorInfoOffset;       /* NDIS_PROCESSOR_INFO_EX entries follow */
    ULONG NumberOfProcessors;
    ULONG ProcessorInfoEntrySize;
} NDIS_SYSTEM_PROCESSOR_INFO_EX, *PNDIS_SYSTEM_PROCESSOR_INFO_EX;
#define NDIS_SIZEOF_SYSTEM_PROCESSOR_INFO_EX_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_SYSTEM_PROCESSOR_INFO_EX, ProcessorInfoEntrySize)

NDISAPI NDIS_STATUS NdisGetRssProcessorInformation(NDIS_HANDLE NdisHandle, PNDIS_RSS_PROCESSOR_INFO RssProcessorInfo,
                                                   PSIZE_T Size);
NDISAPI NDIS_STATUS NdisGetProcessorInformationEx(NDIS_HANDLE NdisHandle,
                                                  PNDIS_SYSTEM_PROCESSOR_INFO_EX SystemProcessorInfo,
                                                  SIZE_T BufferSize, PSIZE_T OutputSize);
NDISAPI ULONG NdisGroupActiveProcessorCount(USHORT Group);
NDISAPI ULONG NdisGroupMaxProcessorCount(USHORT Group);
NDISAPI KAFFINITY NdisGroupActiveProcessorMask(USHORT Group);
NDISAPI ULONG NdisSystemActiveProcessorCount(PKAFFINITY ActiveProcessors);
NDISAPI CCHAR NdisSystemProcessorCount(VOID);
NDISAPI USHORT NdisActiveGroupCount(VOID);
NDISAPI USHORT NdisMaxGroupCount(VOID);
NDISAPI ULONG NdisCurrentProcessorIndex(VOID);
NDISAPI PROCESSOR_NUMBER NdisCurrentGroupAndProcessor(VOID);
NDISAPI ULONG NdisProcessorNumberToIndex(PROCESSOR_NUMBER ProcNum);
NDISAPI NTSTATUS NdisProcessorIndexToNumber(ULONG ProcIndex, PPROCESSOR_NUMBER ProcNum);
#endif /* NDIS_SUPPORT_NDIS620 */

#if NDIS_SUPPORT_NDIS680
/* ---- RSS v2 (OID_GEN_RECEIVE_SCALE_PARAMETERS_V2, OID_GEN_RSS_SET_INDIRECTION_TABLE_ENTRIES) */
#define NDIS_RECEIVE_SCALE_PARAM_ENABLE_RSS 0x00000001
#define NDIS_RECEIVE_SCALE_PARAM_HASH_INFO_CHANGED 0x00000002
#define NDIS_RECEIVE_SCALE_PARAM_HASH_KEY_CHANGED 0x00000004
#define NDIS_RECEIVE_SCALE_PARAM_NUMBER_OF_QUEUES_CHANGED 0x00000008
#define NDIS_RECEIVE_SCALE_PARAM_NUMBER_OF_ENTRIES_CHANGED 0x00000010

#define NDIS_RECEIVE_SCALE_PARAMETERS_V2_REVISION_1 1
typedef struct _NDIS_RECEIVE_SCALE_PARAMETERS_V2 {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG HashInformation;
    USHORT HashSecretKeySize;
    ULONG HashSecretKeyOffset;  /* from the start of this structure */
    ULONG NumberOfQueues;
    ULONG NumberOfIndirectionTableEntries;
} NDIS_RECEIVE_SCALE_PARAMETERS_V2, *PNDIS_RECEIVE_SCALE_PARAMETERS_V2;
#define NDIS_SIZEOF_RECEIVE_SCALE_PARAMETERS_V2_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_SCALE_PARAMETERS_V2, NumberOfIndirectionTableEntries)

#define NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_PRIMARY_PROCESSOR 0x00000001
#define NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_DEFAULT_PROCESSOR 0x00000002
typedef struct _NDIS_RSS_SET_INDIRECTION_ENTRY {
    NDIS_NIC_SWITCH_ID SwitchId;
    NDIS_NIC_SWITCH_VPORT_ID VPortId;
    ULONG Flags;
    USHORT IndirectionTableIndex;
    PROCESSOR_NUMBER TargetProcessorNumber;
    NDIS_STATUS EntryStatus;  /* the miniport's answer, per entry */
} NDIS_RSS_SET_INDIRECTION_ENTRY, *PNDIS_RSS_SET_INDIRECTION_ENTRY;

#define NDIS_RSS_SET_INDIRECTION_ENTRIES_REVISION_1 1
typedef struct _NDIS_RSS_SET_INDIRECTION_ENTRIES {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG RssEntrySize;
    ULONG RssEntryTableOffset;  /* from the start of this structure */
    ULONG NumberOfRssEntries;
} NDIS_RSS_SET_INDIRECTION_ENTRIES, *PNDIS_RSS_SET_INDIRECTION_ENTRIES;
#define NDIS_SIZEOF_RSS_SET_INDIRECTION_ENTRIES_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RSS_SET_INDIRECTION_ENTRIES, NumberOfRssEntries)
#endif /* NDIS_SUPPORT_NDIS680 */

#ifndef NDIS_RSS_HASH_SECRET_KEY_MAX_SIZE_REVISION_1
#define NDIS_RSS_HASH_SECRET_KEY_MAX_SIZE_REVISION_1 40 /* bytes: Toeplitz's 320-bit key */
#endif

/* OID_GEN_RECEIVE_HASH: hash calculation without RSS's queueing (6.0+) */
#define NDIS_RECEIVE_HASH_FLAG_ENABLE_HASH 0x00000001
#define NDIS_RECEIVE_HASH_FLAG_HASH_INFO_UNCHANGED 0x00000002
#define NDIS_RECEIVE_HASH_FLAG_HASH_KEY_UNCHANGED 0x00000004
#define NDIS_RECEIVE_HASH_PARAMETERS_REVISION_1 1
typedef struct _NDIS_RECEIVE_HASH_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG HashInformation;
    USHORT HashSecretKeySize;
    ULONG HashSecretKeyOffset; /* from the start of this structure */
} NDIS_RECEIVE_HASH_PARAMETERS, *PNDIS_RECEIVE_HASH_PARAMETERS;
#define NDIS_SIZEOF_RECEIVE_HASH_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_RECEIVE_HASH_PARAMETERS, HashSecretKeyOffset)
C_ASSERT(sizeof(NDIS_RECEIVE_HASH_PARAMETERS) == 0x14 && offsetof(NDIS_RECEIVE_HASH_PARAMETERS, HashSecretKeyOffset) == 0x10);

OPENNDIS_EXTERN_C_END

#endif /* OPENNDIS_NDIS_RSS_H */
