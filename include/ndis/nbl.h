/* OpenNDIS: the data path objects: MDL, NET_BUFFER, NET_BUFFER_LIST, their pools and
 * accessor macros. Layouts are the Windows x64 ones; the *Reserved arrays are 16-byte
 * aligned as in the WDK (MEMORY_ALLOCATION_ALIGNMENT). */
#ifndef OPENNDIS_NDIS_NBL_H
#define OPENNDIS_NDIS_NBL_H

#include <ndis/miniport.h>

OPENNDIS_EXTERN_C_BEGIN

/* ---- MDL (wdm/mdl.h): NDIS's names for it --------------------------------------------- */
typedef MDL NDIS_BUFFER, *PNDIS_BUFFER;
typedef MDL NDIS_MDL, *PNDIS_MDL;

#define NDIS_MDL_LINKAGE(m) ((m)->Next)
#define NDIS_MDL_BYTE_COUNT(m) MmGetMdlByteCount(m)
#define NdisGetNextMdl(cur, next) (*(next) = (cur)->Next)
#define NdisQueryMdl(m, va, len, priority)                                 \
    do {                                                                   \
        if (ARGUMENT_PRESENT(va))                                          \
            *((PVOID *)(va)) = MmGetSystemAddressForMdlSafe((m), (priority)); \
        *(len) = MmGetMdlByteCount(m);                                     \
    } while (0)
#define NdisQueryMdlOffset(m, offset, len) \
    do { *(offset) = MmGetMdlByteOffset(m); *(len) = MmGetMdlByteCount(m); } while (0)

NDISAPI PMDL NdisAllocateMdl(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, UINT Length);
NDISAPI VOID NdisFreeMdl(PMDL Mdl);
NDISAPI VOID NdisAdjustMdlLength(PMDL Mdl, UINT Length);

/* ---- NET_BUFFER ------------------------------------------------------------------------ */
typedef struct DECLSPEC_ALIGN(16) _SLIST_HEADER {
    ULONGLONG Alignment;
    ULONGLONG Region;
} SLIST_HEADER, *PSLIST_HEADER;

typedef struct _NET_BUFFER NET_BUFFER, *PNET_BUFFER;
typedef struct _NET_BUFFER_SHARED_MEMORY NET_BUFFER_SHARED_MEMORY, *PNET_BUFFER_SHARED_MEMORY;
typedef struct _SCATTER_GATHER_LIST SCATTER_GATHER_LIST, *PSCATTER_GATHER_LIST;

typedef struct _NET_BUFFER_DATA {
    PNET_BUFFER Next;
    PMDL CurrentMdl;
    ULONG CurrentMdlOffset;
    union {
        ULONG DataLength;
        SIZE_T stDataLength;
    };
    PMDL MdlChain;
    ULONG DataOffset;
} NET_BUFFER_DATA, *PNET_BUFFER_DATA;

typedef union _NET_BUFFER_HEADER {
    NET_BUFFER_DATA NetBufferData;
    SLIST_HEADER Link;
} NET_BUFFER_HEADER, *PNET_BUFFER_HEADER;

struct _NET_BUFFER {
    union {
        struct {
            PNET_BUFFER Next;
            PMDL CurrentMdl;
            ULONG CurrentMdlOffset;
            union {
                ULONG DataLength;
                SIZE_T stDataLength;
            };
            PMDL MdlChain;
            ULONG DataOffset;
        };
        SLIST_HEADER Link;
        NET_BUFFER_HEADER NetBufferHeader;
    };
    USHORT ChecksumBias;
    USHORT Reserved;
    NDIS_HANDLE NdisPoolHandle;
    DECLSPEC_ALIGN(16) PVOID NdisReserved[2];
    DECLSPEC_ALIGN(16) PVOID ProtocolReserved[6];
    DECLSPEC_ALIGN(16) PVOID MiniportReserved[4];
    PHYSICAL_ADDRESS DataPhysicalAddress;
    union {
        PNET_BUFFER_SHARED_MEMORY SharedMemoryInfo;
        PSCATTER_GATHER_LIST ScatterGatherList;
    };
};

/* ---- NET_BUFFER_LIST ------------------------------------------------------------------- */
typedef enum _NDIS_NET_BUFFER_LIST_INFO {
    TcpIpChecksumNetBufferListInfo,
    TcpOffloadBytesTransferred = TcpIpChecksumNetBufferListInfo,
    IPsecOffloadV1NetBufferListInfo,
    TcpLargeSendNetBufferListInfo,
    TcpReceiveNoPush,
    ClassificationHandleNetBufferListInfo,
    Ieee8021QNetBufferListInfo,
    NetBufferListCancelId,
    MediaSpecificInformation,
    NetBufferListFrameType,
    NetBufferListProtocolId = NetBufferListFrameType,
    NetBufferListHashValue,
    NetBufferListHashInfo,
    WfpNetBufferListInfo,
    IPsecOffloadV2NetBufferListInfo,
    IPsecOffloadV2TunnelNetBufferListInfo,
    IPsecOffloadV2HeaderNetBufferListInfo,
    NetBufferListCorrelationId,
    NetBufferListFilteringInfo,
    MediaSpecificInformationEx,
    NblOriginalInterfaceIfIndex,
    NblReAuthWfpFlowContext = NblOriginalInterfaceIfIndex,
    TcpReceiveBatch,
    /* offload information (ndis/offload.h): RSC on receive, USO on send share a slot */
    TcpRecvSegCoalesceInfo,
    UdpSegmentationOffloadInfo = TcpRecvSegCoalesceInfo,
    RscTcpTimestampDelta,
    TcpSendOffloadsSupplementalNetBufferListInfo = RscTcpTimestampDelta,
    MaxNetBufferListInfo
} NDIS_NET_BUFFER_LIST_INFO, *PNDIS_NET_BUFFER_LIST_INFO;

typedef struct _NET_BUFFER_LIST NET_BUFFER_LIST, *PNET_BUFFER_LIST;
typedef struct _NET_BUFFER_LIST_CONTEXT NET_BUFFER_LIST_CONTEXT, *PNET_BUFFER_LIST_CONTEXT;

struct _NET_BUFFER_LIST_CONTEXT {
    PNET_BUFFER_LIST_CONTEXT Next;
    USHORT Size;
    USHORT Offset;
    DECLSPEC_ALIGN(16) UCHAR ContextData[];
};

typedef struct _NET_BUFFER_LIST_DATA {
    PNET_BUFFER_LIST Next;
    PNET_BUFFER FirstNetBuffer;
} NET_BUFFER_LIST_DATA, *PNET_BUFFER_LIST_DATA;

typedef union _NET_BUFFER_LIST_HEADER {
    NET_BUFFER_LIST_DATA NetBufferListData;
    SLIST_HEADER Link;
} NET_BUFFER_LIST_HEADER, *PNET_BUFFER_LIST_HEADER;

struct _NET_BUFFER_LIST {
    union {
        struct {
            PNET_BUFFER_LIST Next;
            PNET_BUFFER FirstNetBuffer;
        };
        SLIST_HEADER Link;
        NET_BUFFER_LIST_HEADER NetBufferListHeader;
    };
    PNET_BUFFER_LIST_CONTEXT Context;
    PNET_BUFFER_LIST ParentNetBufferList;
    NDIS_HANDLE NdisPoolHandle;
    DECLSPEC_ALIGN(16) PVOID NdisReserved[2];
    DECLSPEC_ALIGN(16) PVOID ProtocolReserved[4];
    DECLSPEC_ALIGN(16) PVOID MiniportReserved[2];
    PVOID Scratch;
    NDIS_HANDLE SourceHandle;
    ULONG NblFlags;
    LONG ChildRefCount;
    ULONG Flags;
    union {
        NDIS_STATUS Status;
        ULONG NdisReserved2;
    };
    PVOID NetBufferListInfo[MaxNetBufferListInfo];
};

/* NblFlags */
#define NDIS_NBL_FLAGS_SEND_READ_ONLY 0x00000001
#define NDIS_NBL_FLAGS_RECV_READ_ONLY 0x00000002
#define NDIS_NBL_FLAGS_IS_IPV4 0x00000200
#define NDIS_NBL_FLAGS_IS_IPV6 0x00000400
#define NDIS_NBL_FLAGS_IS_TCP 0x00000800
#define NDIS_NBL_FLAGS_IS_UDP 0x00001000
/* Who owns which bits of NET_BUFFER_LIST.Flags */
#define NBL_FLAGS_NDIS_RESERVED 0x00000FFF
#define NBL_FLAGS_MINIPORT_RESERVED 0x0000F000
#define NBL_FLAGS_SCRATCH 0x000F0000
#define NBL_FLAGS_PROTOCOL_RESERVED 0xFFF00000
/* EtherType values NDIS names (host byte order) */
#define NDIS_ETH_TYPE_IPV4 0x0800
#define NDIS_ETH_TYPE_ARP 0x0806
#define NDIS_ETH_TYPE_IPV6 0x86DD
#define NDIS_ETH_TYPE_802_1X 0x888E
#define NDIS_ETH_TYPE_802_1Q 0x8100
#define NDIS_ETH_TYPE_SLOW_PROTOCOL 0x8809
#define NdisSetNblFlag(nbl, f) ((nbl)->NblFlags |= (f))
#define NdisClearNblFlag(nbl, f) ((nbl)->NblFlags &= ~(f))
#define NdisTestNblFlag(nbl, f) (((nbl)->NblFlags & (f)) != 0)

/* 802.1Q priority and VLAN carried in NET_BUFFER_LIST_INFO(nbl, Ieee8021QNetBufferListInfo). */
typedef struct _NDIS_NET_BUFFER_LIST_8021Q_INFO {
    union {
        struct {
            UINT32 UserPriority : 3;
            UINT32 CanonicalFormatId : 1;
            UINT32 VlanId : 12;
            UINT32 Reserved : 16;
        } TagHeader;
        struct {
            UINT32 UserPriority : 3;
            UINT32 CanonicalFormatId : 1;
            UINT32 VlanId : 12;
            UINT32 WMMInfo : 4;
            UINT32 Reserved : 12;
        } WLanTagHeader;
        PVOID Value;
    };
} NDIS_NET_BUFFER_LIST_8021Q_INFO, *PNDIS_NET_BUFFER_LIST_8021Q_INFO;

/* ---- Ethernet address helpers ------------------------------------------------------------ */
#define ETH_IS_MULTICAST(a) ((BOOLEAN)((((PUCHAR)(a))[0] & 0x01) != 0))
#define ETH_IS_BROADCAST(a) \
    ((BOOLEAN)((((PUCHAR)(a))[0] & ((PUCHAR)(a))[1] & ((PUCHAR)(a))[2] & ((PUCHAR)(a))[3] & \
                ((PUCHAR)(a))[4] & ((PUCHAR)(a))[5]) == 0xff))
#define ETH_COPY_NETWORK_ADDRESS(d, s) memcpy((d), (s), ETH_LENGTH_OF_ADDRESS)
#define ETH_COMPARE_NETWORK_ADDRESSES_EQ(a, b, result) \
    (*(result) = memcmp((a), (b), ETH_LENGTH_OF_ADDRESS) != 0)
#define NdisGetPhysicalAddressLow(p) ((p).LowPart)
#define NdisGetPhysicalAddressHigh(p) ((p).HighPart)
#define NdisSetPhysicalAddressLow(p, v) ((p).LowPart = (v))
#define NdisSetPhysicalAddressHigh(p, v) ((p).HighPart = (v))

/* ---- accessors -------------------------------------------------------------------------- */
#define NET_BUFFER_NEXT_NB(nb) ((nb)->Next)
#define NET_BUFFER_FIRST_MDL(nb) ((nb)->MdlChain)
#define NET_BUFFER_DATA_LENGTH(nb) ((nb)->DataLength)
#define NET_BUFFER_DATA_OFFSET(nb) ((nb)->DataOffset)
#define NET_BUFFER_CURRENT_MDL(nb) ((nb)->CurrentMdl)
#define NET_BUFFER_CURRENT_MDL_OFFSET(nb) ((nb)->CurrentMdlOffset)
#define NET_BUFFER_CHECKSUM_BIAS(nb) ((nb)->ChecksumBias)
#define NET_BUFFER_PROTOCOL_RESERVED(nb) ((nb)->ProtocolReserved)
#define NET_BUFFER_MINIPORT_RESERVED(nb) ((nb)->MiniportReserved)
#define NET_BUFFER_LIST_NEXT_NBL(nbl) ((nbl)->Next)
#define NET_BUFFER_LIST_FIRST_NB(nbl) ((nbl)->FirstNetBuffer)
#define NET_BUFFER_LIST_FLAGS(nbl) ((nbl)->Flags)
#define NET_BUFFER_LIST_NBL_FLAGS(nbl) ((nbl)->NblFlags)
#define NET_BUFFER_LIST_STATUS(nbl) ((nbl)->Status)
#define NET_BUFFER_LIST_INFO(nbl, id) ((nbl)->NetBufferListInfo[(id)])
#define NET_BUFFER_LIST_PROTOCOL_RESERVED(nbl) ((nbl)->ProtocolReserved)
#if !defined(__cplusplus) && !defined(OPENNDIS_MINIPORT_RESERVED_AS_PVOID)
/* In C the slots read as PNET_BUFFER_LIST (same size, same place): drivers keep NBL links in
 * them and mix those with PNET_BUFFER_LIST pointers in one expression (Wintun's
 * `*(c ? &...RESERVED(n)[1] : &Head) = Nbl`), which MSVC accepts (warning C4133) and C
 * rejects for PVOID slots. Storing other pointers still compiles, with at most an
 * incompatible-pointer warning where MSVC gives C4133 too. OPENNDIS_MINIPORT_RESERVED_AS_PVOID
 * gives the WDK's PVOID slots; C++ has them always. */
#define NET_BUFFER_LIST_MINIPORT_RESERVED(nbl) ((PNET_BUFFER_LIST *)(nbl)->MiniportReserved)
#else
#define NET_BUFFER_LIST_MINIPORT_RESERVED(nbl) ((nbl)->MiniportReserved)
#endif
#define NET_BUFFER_LIST_CONTEXT_DATA_START(nbl) \
    ((PVOID)((nbl)->Context->ContextData + (nbl)->Context->Offset))
#define NET_BUFFER_LIST_CONTEXT_DATA_SIZE(nbl) ((nbl)->Context->Size)
#define NDIS_GET_NET_BUFFER_LIST_CANCEL_ID(nbl) (NET_BUFFER_LIST_INFO(nbl, NetBufferListCancelId))
#define NDIS_SET_NET_BUFFER_LIST_CANCEL_ID(nbl, id) (NET_BUFFER_LIST_INFO(nbl, NetBufferListCancelId) = (id))

/* ---- pools ------------------------------------------------------------------------------- */
#define NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1 1
#define NET_BUFFER_POOL_PARAMETERS_REVISION_1 1
#define NDIS_DEFAULT_PORT_NUMBER ((NDIS_PORT_NUMBER)0)
#define NDIS_PROTOCOL_ID_DEFAULT 0x00
#define NDIS_PROTOCOL_ID_TCP_IP 0x02
#define NDIS_PROTOCOL_ID_IPX 0x06
#define NDIS_PROTOCOL_ID_NBF 0x07

typedef struct _NET_BUFFER_LIST_POOL_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    UCHAR ProtocolId;
    BOOLEAN fAllocateNetBuffer;
    USHORT ContextSize;
    ULONG PoolTag;
    ULONG DataSize;
} NET_BUFFER_LIST_POOL_PARAMETERS, *PNET_BUFFER_LIST_POOL_PARAMETERS;
#define NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NET_BUFFER_LIST_POOL_PARAMETERS, DataSize)

typedef struct _NET_BUFFER_POOL_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG PoolTag;
    ULONG DataSize;
} NET_BUFFER_POOL_PARAMETERS, *PNET_BUFFER_POOL_PARAMETERS;
#define NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NET_BUFFER_POOL_PARAMETERS, DataSize)

NDISAPI NDIS_HANDLE NdisAllocateNetBufferListPool(NDIS_HANDLE NdisHandle,
                                                  PNET_BUFFER_LIST_POOL_PARAMETERS Parameters);
NDISAPI VOID NdisFreeNetBufferListPool(NDIS_HANDLE PoolHandle);
NDISAPI NDIS_HANDLE NdisAllocateNetBufferPool(NDIS_HANDLE NdisHandle,
                                              PNET_BUFFER_POOL_PARAMETERS Parameters);
NDISAPI VOID NdisFreeNetBufferPool(NDIS_HANDLE PoolHandle);
NDISAPI PNET_BUFFER_LIST NdisAllocateNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize,
                                                   USHORT ContextBackFill);
NDISAPI PNET_BUFFER_LIST NdisAllocateNetBufferAndNetBufferList(NDIS_HANDLE PoolHandle,
                                                               USHORT ContextSize,
                                                               USHORT ContextBackFill,
                                                               PMDL MdlChain, ULONG DataOffset,
                                                               SIZE_T DataLength);
NDISAPI VOID NdisFreeNetBufferList(PNET_BUFFER_LIST NetBufferList);
NDISAPI PNET_BUFFER NdisAllocateNetBuffer(NDIS_HANDLE PoolHandle, PMDL MdlChain, ULONG DataOffset,
                                          SIZE_T DataLength);
NDISAPI VOID NdisFreeNetBuffer(PNET_BUFFER NetBuffer);
NDISAPI PVOID NdisGetDataBuffer(PNET_BUFFER NetBuffer, ULONG BytesNeeded, PVOID Storage,
                                UINT AlignMultiple, UINT AlignOffset);

/* Retreat/advance allocate no memory here: NetBufferAllocateMdl is not supported (NULL). */
typedef PMDL(NET_BUFFER_ALLOCATE_MDL)(PULONG BufferSize);
typedef NET_BUFFER_ALLOCATE_MDL *NET_BUFFER_ALLOCATE_MDL_HANDLER;
typedef VOID(NET_BUFFER_FREE_MDL)(PMDL Mdl);
typedef NET_BUFFER_FREE_MDL *NET_BUFFER_FREE_MDL_HANDLER;
NDISAPI NDIS_STATUS NdisRetreatNetBufferDataStart(PNET_BUFFER NetBuffer, ULONG DataOffsetDelta,
                                                  ULONG DataBackFill,
                                                  NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler);
NDISAPI VOID NdisAdvanceNetBufferDataStart(PNET_BUFFER NetBuffer, ULONG DataOffsetDelta,
                                           BOOLEAN FreeMdl, NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler);
NDISAPI NDIS_STATUS NdisRetreatNetBufferListDataStart(PNET_BUFFER_LIST NetBufferList,
                                                      ULONG DataOffsetDelta, ULONG DataBackFill,
                                                      NET_BUFFER_ALLOCATE_MDL_HANDLER AllocateMdlHandler,
                                                      NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler);
NDISAPI VOID NdisAdvanceNetBufferListDataStart(PNET_BUFFER_LIST NetBufferList, ULONG DataOffsetDelta,
                                               BOOLEAN FreeMdl,
                                               NET_BUFFER_FREE_MDL_HANDLER FreeMdlHandler);

/* ---- send and receive --------------------------------------------------------------------- */
#define NDIS_SEND_FLAGS_DISPATCH_LEVEL 0x00000001
#define NDIS_SEND_FLAGS_CHECK_FOR_LOOPBACK 0x00000002
#define NDIS_SEND_FLAGS_SINGLE_QUEUE 0x00000004
#define NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL 0x00000001
#define NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL 0x00000001
#define NDIS_RECEIVE_FLAGS_RESOURCES 0x00000002
#define NDIS_RECEIVE_FLAGS_SINGLE_ETHER_TYPE 0x00000100
#define NDIS_RECEIVE_FLAGS_SINGLE_VLAN 0x00000200
#define NDIS_RECEIVE_FLAGS_PERFECT_FILTERED 0x00000400
#define NDIS_RECEIVE_FLAGS_SINGLE_QUEUE 0x00000800
#define NDIS_RECEIVE_FLAGS_SHARED_MEMORY_INFO_VALID 0x00001000
#define NDIS_RECEIVE_FLAGS_MORE_NBLS 0x00002000
#define NDIS_RETURN_FLAGS_DISPATCH_LEVEL 0x00000001
#define NDIS_RETURN_FLAGS_SINGLE_QUEUE 0x00000002
#define NDIS_TEST_SEND_FLAG(f, x) (((f) & (x)) != 0)
#define NDIS_TEST_SEND_AT_DISPATCH_LEVEL(f) NDIS_TEST_SEND_FLAG((f), NDIS_SEND_FLAGS_DISPATCH_LEVEL)
#define NDIS_SET_SEND_COMPLETE_FLAG(f, x) ((f) |= (x))
#define NDIS_TEST_RETURN_AT_DISPATCH_LEVEL(f) (((f) & NDIS_RETURN_FLAGS_DISPATCH_LEVEL) != 0)
#define NDIS_TEST_RECEIVE_CANNOT_PEND(f) (((f) & NDIS_RECEIVE_FLAGS_RESOURCES) != 0)
#define NDIS_SET_RETURN_FLAG(f, x) ((f) |= (x))

NDISAPI VOID NdisMSendNetBufferListsComplete(NDIS_HANDLE MiniportAdapterHandle,
                                             PNET_BUFFER_LIST NetBufferLists, ULONG SendCompleteFlags);
NDISAPI VOID NdisMIndicateReceiveNetBufferLists(NDIS_HANDLE MiniportAdapterHandle,
                                                PNET_BUFFER_LIST NetBufferLists,
                                                NDIS_PORT_NUMBER PortNumber,
                                                ULONG NumberOfNetBufferLists, ULONG ReceiveFlags);

/* Clones of an NET_BUFFER_LIST sharing its data (filter and IM drivers' pass-through): not
 * provided yet; the allocation returns NULL and says so. */
#define NDIS_CLONE_FLAGS_RESERVED 0x00000001
#define NDIS_CLONE_FLAGS_USE_ORIGINAL_MDLS 0x00000002
NDISAPI PNET_BUFFER_LIST NdisAllocateCloneNetBufferList(PNET_BUFFER_LIST OriginalNetBufferList,
                                                        NDIS_HANDLE NetBufferListPoolHandle,
                                                        NDIS_HANDLE NetBufferPoolHandle, ULONG AllocateCloneFlags);
NDISAPI VOID NdisFreeCloneNetBufferList(PNET_BUFFER_LIST CloneNetBufferList, ULONG FreeCloneFlags);

OPENNDIS_EXTERN_C_END

C_ASSERT(offsetof(NET_BUFFER, DataLength) == 0x18 && offsetof(NET_BUFFER, MdlChain) == 0x20);
C_ASSERT(offsetof(NET_BUFFER, DataOffset) == 0x28 && offsetof(NET_BUFFER, ChecksumBias) == 0x30);
C_ASSERT(offsetof(NET_BUFFER, NdisPoolHandle) == 0x38 && offsetof(NET_BUFFER, NdisReserved) == 0x40);
C_ASSERT(offsetof(NET_BUFFER, MiniportReserved) == 0x80 && sizeof(NET_BUFFER) == 0xB0);
C_ASSERT(offsetof(NET_BUFFER_LIST, Context) == 0x10 && offsetof(NET_BUFFER_LIST, NdisPoolHandle) == 0x20);
C_ASSERT(offsetof(NET_BUFFER_LIST, NdisReserved) == 0x30 && offsetof(NET_BUFFER_LIST, MiniportReserved) == 0x60);
C_ASSERT(offsetof(NET_BUFFER_LIST, SourceHandle) == 0x78 && offsetof(NET_BUFFER_LIST, Status) == 0x8C);
C_ASSERT(offsetof(NET_BUFFER_LIST, NetBufferListInfo) == 0x90);
C_ASSERT(sizeof(NET_BUFFER_LIST_POOL_PARAMETERS) == 0x10);
C_ASSERT(sizeof(NDIS_NET_BUFFER_LIST_8021Q_INFO) == sizeof(PVOID));

#endif /* OPENNDIS_NDIS_NBL_H */
