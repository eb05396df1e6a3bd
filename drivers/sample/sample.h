/* The OpenNDIS sample: a virtual Ethernet NIC written as a WDK NDIS 6.30 miniport. Every
 * adapter plugs into one simulated hub inside the driver: a frame sent on one adapter is
 * received by the others whose packet filter accepts it. */
#ifndef SAMPLE_H
#define SAMPLE_H

#include <ndis.h>

#define SAMPLE_TAG 'pmaS' /* "Samp" in pool dumps */
#define SAMPLE_MAJOR_DRIVER_VERSION 1
#define SAMPLE_MINOR_DRIVER_VERSION 0
#define SAMPLE_VENDOR_DESCRIPTION "OpenNDIS sample virtual Ethernet adapter"
#define SAMPLE_VENDOR_ID 0x00FFFFFF /* no IEEE OUI: "not specified" */

#define ETH_HEADER_SIZE 14
#define ETH_MAX_DATA 1500
#define ETH_MAX_FRAME (ETH_HEADER_SIZE + ETH_MAX_DATA)
#define ETH_MIN_FRAME ETH_HEADER_SIZE
#define SAMPLE_ADDRESS_LENGTH 6
#define SAMPLE_MAX_MULTICAST 32
#define SAMPLE_LINK_SPEED 10000000000ULL /* 10 Gb/s */
#define SAMPLE_SUPPORTED_FILTERS                                                            \
    (NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_ALL_MULTICAST | \
     NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_PROMISCUOUS)

/* Task offloads (offload.c): on or off, as OID_TCP_OFFLOAD_PARAMETERS left them; [0] IPv4,
 * [1] IPv6. */
#define SAMPLE_LSO_MAX_PAYLOAD 65535
#define SAMPLE_LSO_MIN_SEGMENTS 2
#define SAMPLE_LSO_MAX_FRAME (ETH_HEADER_SIZE + 65535) /* what IPv4's and IPv6's length fields allow */
typedef struct _SAMPLE_OFFLOAD_STATE {
    BOOLEAN TxChecksum, RxChecksum;
    BOOLEAN Lso[2];
    BOOLEAN Rsc[2];
} SAMPLE_OFFLOAD_STATE, *PSAMPLE_OFFLOAD_STATE;

/* What the protocol set with OID_GEN_RECEIVE_SCALE_PARAMETERS (rss.c). */
#define SAMPLE_RSS_TABLE_ENTRIES 128
typedef struct _SAMPLE_RSS {
    BOOLEAN Enabled;
    ULONG HashTypes; /* NDIS_HASH_* */
    UCHAR Key[NDIS_RSS_HASH_SECRET_KEY_SIZE_REVISION_1];
    ULONG TableEntries; /* a power of two; 0 until a table is set */
    UCHAR Table[SAMPLE_RSS_TABLE_ENTRIES]; /* processor index of each entry */
} SAMPLE_RSS;

/* One processor's receive queue (rss.c): the frames whose hash the indirection table sends
 * to that processor wait here for the DPC targeted at it, which indicates them; in poll mode
 * (NDIS 6.85 builds, *NdisPoll) for the queue's Poll object, whose iterations NDIS runs there. */
typedef struct _SAMPLE_RSS_QUEUE {
    KDPC Dpc;
#if NDIS_SUPPORT_NDIS685
    NDIS_POLL_HANDLE Poll; /* NULL: the DPC indicates */
#endif
    KSPIN_LOCK Lock;
    PNET_BUFFER_LIST Head, *Tail;
    ULONG Count;
    struct _SAMPLE_ADAPTER *Adapter;
} SAMPLE_RSS_QUEUE, *PSAMPLE_RSS_QUEUE;
typedef struct _SAMPLE_ADAPTER {
    LIST_ENTRY HubLink;
    LONG HubDeliveries;        /* senders indicating on this adapter now (taken under HubLock) */
    NDIS_HANDLE AdapterHandle;
    ULONG Index;
    BOOLEAN Running;           /* between restart and pause: sends and receives flow */
    BOOLEAN PausePending;      /* pause waits for indicated NBLs to come back */
    LONG ReceivesOutstanding;  /* indicated and not yet returned */
    NDIS_HANDLE ReceivePool;   /* NBL + NB + MDL + frame-sized buffer per receive */
    NDIS_HANDLE CoalescedPool; /* ... with room for a whole large segment (RSC) */
    SAMPLE_OFFLOAD_STATE Offload; /* under Lock */
    UCHAR PermanentAddress[SAMPLE_ADDRESS_LENGTH];
    UCHAR CurrentAddress[SAMPLE_ADDRESS_LENGTH];
    ULONG PacketFilter;
    BOOLEAN IpMedium;          /* Medium = IP in its configuration: IP packets, no MAC (a tunnel) */
    BOOLEAN LinkDown;          /* set through the control device (IOCTL_SAMPLE_SET_LINK) */
    BOOLEAN PollMode;          /* NDIS 6.85 builds: RSS queues drained by Poll objects (*NdisPoll) */
    ULONG Lookahead;
    ULONG MulticastCount;
    UCHAR MulticastList[SAMPLE_MAX_MULTICAST][SAMPLE_ADDRESS_LENGTH];
    SAMPLE_RSS Rss;            /* under Lock */
    NDIS_RECEIVE_SCALE_CAPABILITIES RssCapabilities;
    PSAMPLE_RSS_QUEUE RssQueues; /* one per processor */
    ULONG RssQueueCount;
    NDIS_SPIN_LOCK Lock;       /* filter, multicast list, counters, RSS */
    ULONG64 FramesXmitOk, FramesRcvOk, FramesXmitError, FramesRcvNoBuffer, FramesRcvFiltered;
    ULONG64 BytesXmit, BytesRcv;
    ULONG64 DirectedXmit, MulticastXmit, BroadcastXmit, DirectedRcv, MulticastRcv, BroadcastRcv;
} SAMPLE_ADAPTER, *PSAMPLE_ADAPTER;

/* Driver-wide state, allocated in DriverEntry after registration. */
typedef struct _SAMPLE_DRIVER {
    NDIS_HANDLE NdisDriverHandle;
    NDIS_SPIN_LOCK HubLock;
    LIST_ENTRY Hub;            /* every initialized adapter */
    ULONG NextIndex;
    NDIS_SPIN_LOCK PortLock;   /* the control device's open files: more ports on the hub */
    LIST_ENTRY Ports;
    LONG PortCount;
} SAMPLE_DRIVER, *PSAMPLE_DRIVER;

extern NDIS_HANDLE SampleDriverHandle;
extern PSAMPLE_DRIVER SampleDriver;

/* adapter.c */
MINIPORT_INITIALIZE SampleInitializeEx;
MINIPORT_HALT SampleHaltEx;
MINIPORT_PAUSE SamplePause;
MINIPORT_RESTART SampleRestart;
MINIPORT_DEVICE_PNP_EVENT_NOTIFY SampleDevicePnPEventNotify;
MINIPORT_SHUTDOWN SampleShutdownEx;
VOID SampleIndicateStatus(PSAMPLE_ADAPTER Adapter, NDIS_STATUS Code, PVOID Buffer, ULONG Size);
VOID SampleIndicateLinkState(PSAMPLE_ADAPTER Adapter, NDIS_MEDIA_CONNECT_STATE State);
/* For the control device: adapter Index's counters, and its link going up or down. FALSE
 * when no adapter has that index. */
struct sample_stats;
BOOLEAN SampleAdapterStats(ULONG Index, struct sample_stats *Stats);
BOOLEAN SampleAdapterSetLink(ULONG Index, BOOLEAN Up);

/* control.c */
VOID SampleControlCreate(VOID);
VOID SampleControlDelete(VOID);
VOID SampleControlSeeFrame(const UCHAR *Frame, ULONG Length);

/* ctrlpath.c */
MINIPORT_OID_REQUEST SampleOidRequest;
MINIPORT_CANCEL_OID_REQUEST SampleCancelOidRequest;
extern const NDIS_OID SampleSupportedOids[];
extern const ULONG SampleSupportedOidCount;

/* A frame being sent, as the receivers need it (datapath.c). */
typedef struct _SAMPLE_FRAME {
    PNET_BUFFER Nb;        /* a send's frame; NULL for one a control-device port wrote */
    const UCHAR *Data;     /* the port's frame, or a large send's (contiguous) */
    BOOLEAN DataOwned;     /* Data was gathered into pool memory for this send */
    ULONG Length;
    UCHAR Destination[SAMPLE_ADDRESS_LENGTH];
    ULONG Mss;             /* a large send (LSO v2): cut into segments of this payload */
    ULONG L4;              /* the TCP or UDP header's offset, for LSO and checksums */
    BOOLEAN ChecksumIp, ChecksumL4, L4Udp; /* checksums the sender left to the "hardware" */
} SAMPLE_FRAME, *PSAMPLE_FRAME;

/* offload.c */
VOID SampleOffloadDefaults(PSAMPLE_OFFLOAD_STATE On); /* everything on */
NDIS_STATUS SampleOffloadInitialize(PSAMPLE_ADAPTER Adapter);
NDIS_STATUS SampleOffloadSetParameters(PSAMPLE_ADAPTER Adapter, PNDIS_OID_REQUEST Request);
/* OID_OFFLOAD_ENCAPSULATION: the sample's offloads are 802.3 ones, on from the start. */
NDIS_STATUS SampleOffloadSetEncapsulation(PNDIS_OID_REQUEST Request);
/* Reads a send's LSO and checksum requests into Frame; FALSE when it asks for what is off. */
BOOLEAN SampleOffloadRead(PNET_BUFFER_LIST Nbl, const SAMPLE_OFFLOAD_STATE *On, PSAMPLE_FRAME Frame);
/* Fills in the checksums the sender asked for, in the receiver's copy Data. */
BOOLEAN SampleOffloadChecksums(const SAMPLE_FRAME *Frame, PUCHAR Data);
/* How many segments a large send is cut into (0: its headers do not add up), and segment
 * Index built into Out (ETH_MAX_FRAME bytes): its length. */
ULONG SampleLsoSegmentCount(const SAMPLE_FRAME *Frame);
ULONG SampleLsoSegment(const SAMPLE_FRAME *Frame, ULONG Index, PUCHAR Out);
/* Does a receiver with these offloads take a large send whole, as a coalesced segment? */
BOOLEAN SampleOffloadTakesWhole(const SAMPLE_OFFLOAD_STATE *On, const SAMPLE_FRAME *Frame);
VOID SampleOffloadCoalesced(const SAMPLE_FRAME *Frame, PUCHAR Data, PNET_BUFFER_LIST Nbl);
/* The receive checksum results of a frame the sample completed or cut. */
VOID SampleOffloadReceived(const SAMPLE_OFFLOAD_STATE *On, const SAMPLE_FRAME *Frame, const UCHAR *Data, ULONG Length,
                           PNET_BUFFER_LIST Nbl);
VOID SampleOffloadComplete(PNET_BUFFER_LIST Nbl);

/* rss.c */
VOID SampleRssCapabilities(PNDIS_RECEIVE_SCALE_CAPABILITIES Caps);
NDIS_STATUS SampleRssSetParameters(PSAMPLE_ADAPTER Adapter, PNDIS_OID_REQUEST Request);
/* Sets the NBL's hash for a received frame (or clears it): IPv4, and TCP or UDP ports. */
VOID SampleRssHash(const SAMPLE_RSS *Rss, PNET_BUFFER_LIST Nbl, const UCHAR *Frame, ULONG Length);
NDIS_STATUS SampleRssInitialize(PSAMPLE_ADAPTER Adapter);
VOID SampleRssHalt(PSAMPLE_ADAPTER Adapter);
/* Moves the NBLs of Chain that belong on another processor to that processor's queue;
 * returns what stays here (and its count in *Count). DISPATCH_LEVEL. */
PNET_BUFFER_LIST SampleRssSteer(PSAMPLE_ADAPTER Adapter, const SAMPLE_RSS *Rss, PNET_BUFFER_LIST Chain, PULONG Count);
/* datapath.c */
MINIPORT_SEND_NET_BUFFER_LISTS SampleSendNetBufferLists;
/* Puts a frame from a control-device port on the hub, for every adapter (PASSIVE_LEVEL). */
VOID SampleHubInject(const UCHAR *Frame, ULONG Length);
MINIPORT_RETURN_NET_BUFFER_LISTS SampleReturnNetBufferLists;
MINIPORT_CANCEL_SEND SampleCancelSend;

#endif /* SAMPLE_H */
