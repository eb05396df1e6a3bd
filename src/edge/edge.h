/* OpenNDIS edges: what sits above an adapter where a protocol driver would. The loopback
 * edge is in-process and doubles as the C harness tests use to drive an adapter. */
#ifndef OPENNDIS_EDGE_H
#define OPENNDIS_EDGE_H

#include <stddef.h>
#include <sys/types.h>

#include "../ndis/ndis.h"

struct edge_loopback;

struct edge_loopback_stats {
    uint64_t sent;           /* frames handed to the adapter */
    uint64_t send_completed; /* completed with NDIS_STATUS_SUCCESS */
    uint64_t send_failed;    /* completed with another status (e.g. NDIS_STATUS_PAUSED) */
    uint64_t received;       /* frames indicated up and queued */
    uint64_t dropped;        /* indicated while the receive queue was full */
    uint64_t link_changes;   /* NDIS_STATUS_LINK_STATE indications */
};

/* Attaches a loopback edge above `adapter`. Received frames wait in a queue of `queue_len`
 * frames; when it is full further frames are dropped and counted. */
OPENNDIS_API struct edge_loopback *edge_loopback_open(struct ndis_adapter *adapter, size_t queue_len);
/* Detaches (if the adapter is still up) and frees the edge. Closing before or after the
 * adapter halts are both fine; frames being sent must have completed (pause first). */
OPENNDIS_API void edge_loopback_close(struct edge_loopback *lb);
/* Sends `count` frames as one chain of NET_BUFFER_LISTs, one NET_BUFFER each. Returns how
 * many were handed down (fewer when out of memory). */
OPENNDIS_API size_t edge_loopback_send(struct edge_loopback *lb, const void *const *frames, const size_t *lengths,
                                       size_t count);
/* Takes the oldest received frame: its length, or -1 when none is queued (or `cap` is too
 * small, in which case the frame stays queued). */
OPENNDIS_API ssize_t edge_loopback_recv(struct edge_loopback *lb, void *buffer, size_t cap);
OPENNDIS_API void edge_loopback_stats(struct edge_loopback *lb, struct edge_loopback_stats *out);
/* Fills `frame` with a UDP/IPv4 packet of `len` bytes (42 to 1514), 10.0.0.1 to 10.0.0.2, port
 * 1024 + `flow` to 4789, zero payload: traffic a driver that does RSS hashes by flow. */
OPENNDIS_API void edge_loopback_udp_frame(UCHAR *frame, size_t len, const UCHAR dst[6], const UCHAR src[6],
                                          unsigned flow);

/* ---- bring-up (bring_up.c) --------------------------------------------------------------- */
struct edge_bring_up {
    NDIS_STATUS filter_status; /* setting OID_GEN_CURRENT_PACKET_FILTER */
    bool ethernet;             /* OID_GEN_MEDIA_IN_USE said 802.3 (or did not answer) */
    bool ip;                   /* it said NdisMediumIP: the TAP edge makes a TUN interface */
    NDIS_STATUS mac_status;    /* querying OID_802_3_CURRENT_ADDRESS; success when not Ethernet */
    UCHAR mac[6];              /* the adapter's current address (zero when not Ethernet) */
    NDIS_STATUS encapsulation_status; /* setting OID_OFFLOAD_ENCAPSULATION (802.3, both IP
                                       * versions) when the adapter advertises task offloads;
                                       * 0 when not tried */
};
/* What a protocol does after binding a restarted adapter: sets `filter` as the packet filter,
 * asks the medium and, for 802.3, learns the current MAC address and turns the adapter's task
 * offloads on (OID_OFFLOAD_ENCAPSULATION), as TCP/IP does before it uses any. */
OPENNDIS_API void edge_bring_up(struct ndis_adapter *adapter, ULONG filter, struct edge_bring_up *out);

/* hw_assist.c: what the adapter advertises, set up as a protocol does after bring-up: a VM
 * queue filtering the adapter's own address (`mac`), RSS parameters, QoS parameters. Each
 * status is that step's (0 when not tried). Stop clears the filter and frees the queue, as
 * a protocol must before the adapter pauses or halts. */
struct edge_hw_assist {
    bool vmq, rss, qos; /* advertised, so tried */
    ULONG queue, filter; /* the IDs NDIS assigned */
    bool queue_allocated, filter_set; /* still set up: stop undoes them */
    bool cleared, freed;              /* stop did, with clear_status and free_status */
    NDIS_STATUS queue_status, filter_status, complete_status, rss_status, qos_status, clear_status, free_status;
};
OPENNDIS_API void edge_hw_assist_start(struct ndis_adapter *adapter, const UCHAR mac[6], struct edge_hw_assist *out);
OPENNDIS_API void edge_hw_assist_stop(struct ndis_adapter *adapter, struct edge_hw_assist *state);

/* ---- control devices: verify's clients (device_checks.c), the socket (control.c) ------------ */
/* Opens each device the driver made and sends it what any program may: control codes of each
 * method, a write, a read then cancelled, a close. For verify: the IRP rules run on the
 * driver's own dispatch code. */
OPENNDIS_API void edge_control_exercise(PDRIVER_OBJECT driver);
/* `requests` mutated control requests, reads and writes to each device the
 * driver made, chosen by `seed` (the same seed sends the same requests). */
OPENNDIS_API void edge_control_fuzz(PDRIVER_OBJECT driver, uint64_t seed, unsigned requests);
/* Serves the driver's devices to Linux programs (libopenndis-client) on a Unix socket at
 * `path` (mode 0666: each device's SDDL decides who may open it). A stale socket there is
 * replaced; anything else at the path, or a live server, is refused with a message in err. */
struct edge_control;
OPENNDIS_API struct edge_control *edge_control_listen(const char *path, char *err, size_t len);
/* Disconnects every client (their requests cancelled, their files closed) and removes the
 * socket. Before the devices go away (halt, unload). */
OPENNDIS_API void edge_control_close(struct edge_control *control);

/* The driver's devices as files under `dir` (device_files.c, a FUSE mount; only in the
 * `openndis` program, which links libfuse3): one per symbolic link, for plain open, read,
 * write and ioctl (openndis/device_file.h). `dir` must be an empty directory. NULL and a
 * message in err when it cannot be mounted. */
struct device_files;
/* Whether `dir` can be served: an empty directory (not a link to one), and /dev/fuse usable. */
bool edge_device_files_usable(const char *dir, char *err, size_t len);
struct device_files *edge_device_files_mount(const char *dir, char *err, size_t len);
/* Stops serving, closes every file still open (their requests answered), unmounts. */
void edge_device_files_unmount(struct device_files *files);

/* ---- pcap capture (pcap.c) ---------------------------------------------------------------- */
struct edge_pcap;
OPENNDIS_API struct edge_pcap *edge_pcap_open(const char *path, char *err, size_t len);
/* Records every frame crossing `adapter`'s upper edge; call before traffic starts. */
OPENNDIS_API void edge_pcap_observe(struct edge_pcap *pcap, struct ndis_adapter *adapter);
/* Flushes and closes; returns how many frames were written. Detach adapters (halt) first. */
OPENNDIS_API uint64_t edge_pcap_close(struct edge_pcap *pcap);

/* ---- TAP (tap.c): the adapter as a Linux network interface ------------------------------- */
struct edge_tap;
struct edge_tap_stats {
    uint64_t from_linux;    /* frames Linux sent, handed to the driver */
    uint64_t to_linux;      /* frames the driver indicated, written to the interface */
    uint64_t dropped;       /* sent while the adapter was not running, or not writable */
    uint64_t kernel_tx_dropped; /* queued by Linux but dropped by the kernel before the edge read
                                 * them (the TAP transmit queue was full): the netdev's tx_dropped */
    bool kernel_counted;    /* kernel_tx_dropped could be read (/sys shows our namespace) */
    bool gone;              /* the interface was deleted from outside */
};
/* Creates the TAP interface (`name` may hold %d, e.g. "ndis%d"), gives it the adapter's MAC
 * address, MTU and link state, brings it up and starts moving frames. Needs CAP_NET_ADMIN;
 * on failure returns NULL and says what is missing. */
OPENNDIS_API struct edge_tap *edge_tap_open(struct ndis_adapter *adapter, const char *name, char *err, size_t len);
OPENNDIS_API const char *edge_tap_name(const struct edge_tap *tap);
/* Turns what Linux wants of the interface (IFF_PROMISC, IFF_ALLMULTI, the multicast
 * addresses it joined) into OID_GEN_CURRENT_PACKET_FILTER and OID_802_3_MULTICAST_LIST sets
 * when they change; call it from a PASSIVE_LEVEL thread now and then. Once the interface
 * is moved to another network namespace it is out of sight and keeps its last setting.
 * Returns the packet filter in effect. */
OPENNDIS_API ULONG edge_tap_sync_filter(struct edge_tap *tap);
OPENNDIS_API void edge_tap_stats(struct edge_tap *tap, struct edge_tap_stats *out);
/* Stops the reader and removes the interface (closing the last descriptor deletes it). */
OPENNDIS_API void edge_tap_close(struct edge_tap *tap);

#endif /* OPENNDIS_EDGE_H */
