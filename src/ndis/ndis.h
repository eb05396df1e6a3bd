/* OpenNDIS NDIS layer: internal interfaces between its areas. */
#ifndef OPENNDIS_NDIS_INTERNAL_H
#define OPENNDIS_NDIS_INTERNAL_H

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <stdbool.h>

#include <ndis.h>

#include "../kernel/ke.h"
#include "../common/quick_lock.h"

/* What NDIS keeps per DRIVER_OBJECT from DriverEntry until the driver is unloaded, told by
 * the loader through the kernel's driver events (driver.c). ndis_driver_lock guards the
 * list of blocks and each block's registrations. */
struct ndis_driver_block {
    struct ndis_driver_block *next;
    PDRIVER_OBJECT object;
    struct ke_pool *pool;  /* driver-wide allocations */
    bool in_entry;         /* inside DriverEntry */
    bool in_unload;        /* inside the DriverUnload routine */
    bool in_register;      /* inside NdisMRegisterMiniportDriver (MiniportSetOptions) */
    struct ndis_driver *registrations; /* every NdisMRegisterMiniportDriver, kept until unload */
};

/* One NdisMRegisterMiniportDriver: its handle points here. Kept (marked deregistered)
 * until the driver is unloaded so that a second deregistration is recognised, not a crash. */
struct ndis_driver {
    uint32_t magic;
    struct ndis_driver *next; /* in block->registrations */
    /* The adapters list and every adapter's `next`: written (insert, unlink) under the write
     * lock on the control thread; walked under the read lock by any thread, the senders
     * included (ndis_adapter_send returns what the driver indicated on its other adapters),
     * so that a halt on one thread cannot free an adapter another thread is walking. */
    pthread_rwlock_t adapters_lock;
    struct ndis_adapter *adapters;
    struct ndis_driver_block *block;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars; /* NDIS's own copy, zero beyond Header.Size */
    NDIS_HANDLE context;                        /* MiniportDriverContext */
    NDIS_MINIPORT_PNP_CHARACTERISTICS pnp;      /* NdisSetOptionalHandlers' copy; zero when not set */
    bool deregistered;
    bool unload_called;
    const void *register_site;
    const void *deregister_site;
};

/* handle.c: every handle given to a driver, by kind, validated without dereferencing. */
enum ndis_handle_kind {
    NDIS_HANDLE_NONE,
    NDIS_HANDLE_DRIVER,
    NDIS_HANDLE_ADAPTER,
    NDIS_HANDLE_NBL_POOL,
    NDIS_HANDLE_NB_POOL,
    NDIS_HANDLE_TIMER,
    NDIS_HANDLE_WORK_ITEM,
    NDIS_HANDLE_RW_LOCK,
    NDIS_HANDLE_CONFIGURATION,
    NDIS_HANDLE_SHARED_MEMORY,
    NDIS_HANDLE_PROTOCOL,
    NDIS_HANDLE_POLL,
    NDIS_HANDLE_INTERRUPT,
    NDIS_HANDLE_SG_DMA,
};
bool ndis_handle_add(const void *handle, enum ndis_handle_kind kind);
void ndis_handle_remove(const void *handle);
enum ndis_handle_kind ndis_handle_kind(const void *handle);
/* NET_BUFFER_LIST recycling (nbl.c): freed NBLs kept for reuse. Off by default; `run` turns
 * it on. Never in sanitizer builds (returns false there). */
OPENNDIS_API bool ndis_nbl_set_recycling(bool on);

/* driver.c */
/* NdisMRegisterMiniportDriver's checks of the characteristics, in their documented order.
 * Returns NDIS_STATUS_SUCCESS or the status to fail with, and says why in `why`. */
OPENNDIS_API NDIS_STATUS ndis_check_characteristics(const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c,
                                                    char *why, size_t len);
/* The driver's first live, non-intermediate registration (what adapters are created
 * for), or NULL. */
OPENNDIS_API struct ndis_driver *ndis_registration_of(PDRIVER_OBJECT object);
/* The driver handle `handle`, or NULL when it is not one (never dereferences it). */
struct ndis_driver *ndis_driver_from_handle(NDIS_HANDLE handle);
/* One NdisMRegisterMiniportDriver as reports show it. */
#define NDIS_HANDLER_ROLES_MAX 32
struct ndis_registration_info {
    const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *chars;
    const char *present[NDIS_HANDLER_ROLES_MAX]; /* handler roles given, in catalogue order */
    size_t npresent;
    const char *absent[NDIS_HANDLER_ROLES_MAX]; /* roles the revision knows that were NULL */
    size_t nabsent;
    const char *pnp[4]; /* PnP handlers set through NdisSetOptionalHandlers */
    size_t npnp;
    bool deregistered;
};
/* Calls `fn` for each registration the driver made, in order. */
OPENNDIS_API void ndis_registrations_each(PDRIVER_OBJECT object,
                                          void (*fn)(const struct ndis_registration_info *r, void *arg), void *arg);

/* exports.c: the export table from exports.def; `unsupported` marks stubs. */
struct ndis_export_info {
    const char *module, *name;
    bool unsupported;
};
OPENNDIS_API size_t ndis_export_count(void);
OPENNDIS_API const struct ndis_export_info *ndis_export_at(size_t i);

/* ---- adapters (adapter.c, attributes.c, oid.c, nbl.c, status.c) ----------------------- */
enum ndis_state {
    NDIS_STATE_HALTED,
    NDIS_STATE_INITIALIZING,
    NDIS_STATE_PAUSED,
    NDIS_STATE_RESTARTING,
    NDIS_STATE_RUNNING,
    NDIS_STATE_PAUSING,
    NDIS_STATE_SHUTDOWN,
};

struct ndis_adapter;

/* What a protocol bound above the adapter sees. Edges (loopback, TAP) implement it. Called
 * at DISPATCH_LEVEL on the thread the driver used. */
struct ndis_upper_edge {
    /* Indicated frames; the edge copies what it needs before returning. */
    void (*receive)(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls);
    /* NBLs the edge sent, completed by the driver (status in NET_BUFFER_LIST_STATUS). */
    void (*send_complete)(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls);
    void (*status)(void *ctx, struct ndis_adapter *adapter, const NDIS_STATUS_INDICATION *indication);
    /* The adapter halted: it is gone and the edge must forget it. */
    void (*detached)(void *ctx, struct ndis_adapter *adapter);
};

/* Sees every frame crossing the upper edge: to_driver for sends, !to_driver for receives. */
typedef void ndis_frame_observer(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls, bool to_driver);

/* pending.c: an operation the driver may pend (restart, pause, reset, an OID request). NDIS
 * arms it before calling the handler; the driver's Ndis*Complete completes it; NDIS finishes
 * it once the handler returned. Guarded by the adapter's lock. */
struct ndis_pending {
    bool armed;         /* a completion is expected */
    bool completed;     /* ...and came */
    NDIS_STATUS status; /* the completion's status */
};
struct ndis_pending_kind {
    const char *handler;  /* the Miniport* handler that may pend */
    const char *complete; /* the Ndis*Complete that finishes it */
    enum vf_rule_id timeout_rule, twice_rule;
    double timeout; /* documented seconds, before scaling */
};
enum ndis_pending_end { NDIS_PENDING_RETURNED, NDIS_PENDING_COMPLETED, NDIS_PENDING_TIMED_OUT };

/* Counted on the data path without a lock (relaxed: totals, not orderings). */
struct ndis_adapter_counters {
    _Atomic uint64_t sent_frames, sent_bytes, send_failed;
    _Atomic uint64_t received_frames, received_bytes;
};

/* hw_assist.c: the hardware assists an adapter advertised and what the upper layer set up.
 * Written under the adapter's `lock`; the atomics are what the data path reads without it. */
#define NDIS_HW_MAX_QUEUES 64 /* VM queue IDs NDIS hands out: 1..63 (0 is the default queue) */
#define NDIS_HW_MAX_FILTERS 256 /* filter IDs whose queue is checked: 1..255 */
struct ndis_hw_assist {
    /* as advertised, all zero when not: whether a feature is advertised is read from these */
    NDIS_RECEIVE_SCALE_CAPABILITIES rss_caps;
    NDIS_RECEIVE_FILTER_CAPABILITIES vmq_caps; /* the current ones */
    NDIS_QOS_CAPABILITIES qos_caps;            /* the current ones */
    _Atomic uint64_t queues;                   /* bit n: queue n allocated */
    _Atomic uint64_t queues_complete;          /* ... and its allocation completed */
    _Atomic uint64_t queues_filtered;          /* ... and at least one filter set on it */
    unsigned char queue_filters[NDIS_HW_MAX_QUEUES]; /* filters set on each queue */
    _Atomic unsigned char filter_queue[NDIS_HW_MAX_FILTERS]; /* filter ID -> its queue + 1 (0: none) */
    _Atomic bool rss_enabled;
    _Atomic ULONG rss_hash_types;              /* NDIS_HASH_* the protocol enabled */
    _Atomic unsigned rss_table_entries;        /* a power of two; 0: no table to check by */
    _Atomic unsigned char rss_table[128];      /* processor index of each indirection entry */
    unsigned queues_allocated, filters_set, rss_set, qos_set;
    ULONG last_filter_id; /* filter IDs NDIS handed out */
    _Atomic uint64_t queue_frames, hashed_frames; /* NBLs indicated on a VM queue, with a hash */
    _Atomic uint64_t steered_frames; /* ... hashed and on the processor the table names */
    /* poll mode (poll.c) */
    struct ndis_poll *polls;         /* registered Poll objects, under the adapter's `lock` */
    unsigned polls_registered;
    _Atomic uint64_t poll_iterations, poll_passive, poll_indicated, poll_completed;
    _Atomic long polls_in_flight; /* iterations between their handler call and the end of their delivery */
    /* interrupts (interrupt.c) */
    struct ndis_interrupt *_Atomic interrupt; /* the registered one: where the device's interrupts go */
    struct ndis_interrupt *interrupts;        /* every one registered, deregistered ones too */
    _Atomic uint64_t interrupts_raised, interrupts_serviced, interrupts_claimed;
    /* the last interrupt registered: 0 none, 1 the line, else MSI-X messages + 1 */
    _Atomic unsigned interrupt_kind;
};

struct ndis_adapter {
    uint32_t magic;
    struct ndis_driver *driver;
    struct ndis_adapter *next; /* in driver->adapters, under driver->adapters_lock */
    unsigned index;
    NDIS_HANDLE context; /* MiniportAdapterContext */
    _Atomic enum ndis_state state; /* written under `lock`; the data path reads it without */
    pthread_mutex_t lock;          /* ndis_adapter_lock(); guards what says "under `lock`" */
    _Atomic pthread_t lock_owner;  /* who holds `lock` (0: nobody), for ndis_assert_locked */
    pthread_cond_t changed;
    NDIS_MINIPORT_INIT_PARAMETERS init_parameters;

    bool in_add_device, in_initialize;
    bool added;                          /* MiniportAddDevice succeeded: MiniportRemoveDevice is owed */
    bool has_add_device_context;         /* init_parameters.MiniportAddDeviceContext was set */
    NDIS_STATUS add_status;              /* what MiniportAddDevice returned */
    _Atomic unsigned rx_advertised;      /* receive checksum offloads and RSC advertised (offload.c) */
    _Atomic unsigned rx_enabled;         /* ... and of those, turned on now */
    bool has_offload;                    /* offload attributes set: offload_current is known */
    bool offload_encapsulated;           /* under `lock`: an OID_OFFLOAD_ENCAPSULATION set turned them on */
    NDIS_OFFLOAD offload_current;        /* under `lock`: the default, then each CURRENT_CONFIG status */
    bool has_registration, has_general;
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES registration;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES general;
    NDIS_OID *supported_oids;
    ULONG supported_oid_count;
    NDIS_LINK_STATE link;

    /* pended operations (pending.c), under `lock` */
    struct ndis_pending pause, restart, reset, oid;
    PNDIS_OID_REQUEST oid_pending; /* the request `oid` is about */
    bool oid_abandoned; /* oid_pending timed out, was cancelled, and still never completed */

    /* The data path's share (nbl.c): atomics, and the return queue under its own lock; the
     * state is written atomically (under the mutex) so the data path can read it without. */
    _Atomic long sends_outstanding;    /* NBLs owned by the miniport */
    _Atomic long sends_in_call;        /* host threads inside MiniportSendNetBufferLists */
    _Atomic long receives_outstanding; /* indicated NBLs not yet returned */
    struct quick_lock returns_lock;       /* guards returns and returns_tail */
    _Atomic bool returns_waiting;      /* returns is not empty (read without the lock) */
    PNET_BUFFER_LIST returns;  /* indicated NBLs waiting to go back to the miniport */
    PNET_BUFFER_LIST *returns_tail; /* where the next indication is appended (NULL: at returns) */

    unsigned resets;
    struct ke_timer hang_timer; /* NDIS's CheckForHang interval... */
    struct ke_work hang_work;   /* ...runs the check at PASSIVE_LEVEL */

    /* What NdisMGetDeviceProperty hands out: device objects with only their identity filled
     * in (drivers such as Wintun keep their context in the FDO's Reserved field). */
    DEVICE_OBJECT pdo;
    PDEVICE_OBJECT fdo; /* the I/O manager's: \Device\{NetCfgInstanceId}, openable by clients */

    struct ke_pool pool; /* memory allocated with the adapter handle */
    const struct ndis_upper_edge *edge;
    void *edge_context;
    ndis_frame_observer *_Atomic observer; /* set under `lock`; the data path peeks without */
    void *observer_context;                /* under `lock` */
    struct ndis_adapter_counters counters;
    struct ndis_hw_assist hw;
    struct ndis_device *device; /* bus.c: the device model behind a hardware adapter, or NULL */
};

OPENNDIS_API const char *ndis_state_name(enum ndis_state state);
NDIS_STATUS ndis_hw_assist_rss(struct ndis_adapter *a, const NDIS_RECEIVE_SCALE_CAPABILITIES *caps, const void *site);
NDIS_STATUS ndis_hw_assist_attributes(struct ndis_adapter *a, const NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES *h,
                                      const void *site);
void ndis_hw_assist_before_oid(struct ndis_adapter *a, NDIS_REQUEST_TYPE type, NDIS_OID oid, PVOID buffer, ULONG length);
void ndis_hw_assist_after_oid(struct ndis_adapter *a, NDIS_REQUEST_TYPE type, NDIS_OID oid, PVOID buffer, ULONG length,
                              NDIS_STATUS status);
void ndis_hw_assist_check_receive(struct ndis_adapter *a, PNET_BUFFER_LIST nbl, const char *fn, const void *site);
/* attributes.c: ND2217, a header whose revision is newer than the driver's declared NDIS
 * version (min_minor[revision]) or whose Size is short of it (sizes[revision]). */
void ndis_attributes_version_check(struct ndis_adapter *a, const NDIS_OBJECT_HEADER *h, const USHORT *min_minor,
                                   const USHORT *sizes, UCHAR revisions, const char *what, const void *site);
/* datapath.c: the checks and delivery behind NdisMIndicateReceiveNetBufferLists and
 * NdisMSendNetBufferListsComplete, shared with poll iterations (poll.c). */
void ndis_indicate_receives(struct ndis_adapter *a, PNET_BUFFER_LIST nbls, ULONG count, ULONG flags, const char *fn,
                            const void *site);
void ndis_complete_sends(struct ndis_adapter *a, PNET_BUFFER_LIST nbls, const char *fn, const void *site);
/* bus.c: the device attached with ndis_device_attach_next, its resources for
 * MiniportInitializeEx's AllocatedResources (NULL: a virtual adapter, none); and, when the
 * adapter goes, its mappings and its device. */
struct openndis_device_model;
OPENNDIS_API void ndis_device_attach_next(const struct openndis_device_model *model, void *device);
/* From now on every adapter that gets no device from ndis_device_attach_next gets its own
 * instance of `model` (model->create(options)); NULL stops that. Called before any adapter
 * starts (the command line's --device). */
OPENNDIS_API void ndis_device_attach_every(const struct openndis_device_model *model, const char *options);
PNDIS_RESOURCE_LIST ndis_bus_adapter_begin(struct ndis_adapter *a);
void ndis_bus_adapter_end(struct ndis_adapter *a);
/* The MSI-X messages the adapter's device offers: 0 for a line-based interrupt only, -1 for
 * no device. */
/* MSI-X messages the adapter's registered interrupt has (0: the line, or none registered). */
unsigned ndis_interrupt_messages(struct ndis_adapter *a);
/* Raises every vector of the adapter's interrupt `rounds` times, the device having nothing to
 * say (spurious interrupts, as a noisy shared line gives); returns how many were delivered. */
unsigned ndis_bus_interrupt_storm(struct ndis_adapter *a, unsigned rounds);
/* The faults the adapter's device can show (NULL: none), and showing one. */
const char *const *ndis_bus_faults(const struct ndis_adapter *a);
bool ndis_bus_fault(struct ndis_adapter *a, const char *name);
int ndis_bus_messages(const struct ndis_adapter *a);
struct ndis_dma *ndis_bus_dma(const struct ndis_adapter *a); /* a->device's; a->device must be set */
struct openndis_device;
struct ndis_adapter *ndis_bus_adapter_of(struct openndis_device *bus);
/* Inside a model's register callback: the driver's access (its site, and the accessor in
 * *fn); else NULL. */
const void *ndis_bus_access_site(const char **fn);
/* dma.c: a device's DMA map, made with the device; once `handler` returned, what is still
 * mapped (shared memory, SG lists) or registered is reported and released. */
struct ndis_dma *ndis_dma_new(void);
/* Waits until every NdisMAllocateSharedMemoryAsyncEx has completed (not from a completion). */
void ndis_dma_settle(struct ndis_adapter *a);
void ndis_dma_halted(struct ndis_adapter *a, const char *handler);
void ndis_dma_free(struct ndis_dma *d);
/* NdisAllocateSharedMemory's blocks on an adapter with a device: mapped for it (0: no device). */
uint64_t ndis_dma_map_block(struct ndis_adapter *a, void *va, size_t length, const void *site);
void ndis_dma_unmap_block(struct ndis_adapter *a, void *va, const char *fn, const void *site);
/* interrupt.c: a device raising interrupt `message` (false: none registered for it); once
 * `handler` returned, an interrupt still registered is reported and taken down; and when the
 * adapter goes, every interrupt object it had. */
bool ndis_interrupt_raise(struct ndis_adapter *a, unsigned message);
void ndis_interrupt_halted(struct ndis_adapter *a, const char *handler);
void ndis_interrupt_adapter_end(struct ndis_adapter *a);
/* poll.c: once `handler` (MiniportHaltEx, or a failed MiniportInitializeEx) returned, Poll
 * objects still registered are reported and taken down. */
void ndis_poll_halted(struct ndis_adapter *a, const char *handler);
/* Lock held: waits until no poll iteration is between its handler call and the end of its
 * delivery. What a driver handed back is NDIS's from then on: a pause that follows counts it
 * as delivered. */
void ndis_poll_settle(struct ndis_adapter *a);
/* offload.c: the offload attributes (receive checksum capabilities kept), and each receive
 * indication's checksum results checked against them. */
NDIS_STATUS ndis_offload_attributes(struct ndis_adapter *a, const NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES *o,
                                    const void *site);
void ndis_offload_check_receive(struct ndis_adapter *a, PNET_BUFFER_LIST nbl, const char *fn, const void *site);
/* A send's LSO request (NBL_SENT_LSO_V1, _V2 or 0), kept beside its state until completion,
 * when the miniport's LSO completion information is checked. */
unsigned ndis_offload_sent_lso(PNET_BUFFER_LIST nbl);
void ndis_offload_check_lso_complete(struct ndis_adapter *a, PNET_BUFFER_LIST nbl, bool v1, const char *fn,
                                     const void *site);
/* NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG: what the miniport turned on is what is current. */
void ndis_offload_status(struct ndis_adapter *a, const NDIS_STATUS_INDICATION *ind, const char *fn, const void *site);
/* The task offloads turned on now (the defaults, then what the miniport indicated): false
 * when the adapter set no offload attributes. For edges. */
OPENNDIS_API bool ndis_adapter_offload(struct ndis_adapter *adapter, NDIS_OFFLOAD *current);
/* Whether a protocol's OID_OFFLOAD_ENCAPSULATION set succeeded with IPv4 or IPv6 on: until
 * then a protocol must not use the offloads (the OID's page). For edges. */
OPENNDIS_API bool ndis_adapter_offload_encapsulated(struct ndis_adapter *adapter);
/* After an OID request: records what an OID_OFFLOAD_ENCAPSULATION set did. */
void ndis_offload_after_oid(struct ndis_adapter *a, NDIS_REQUEST_TYPE type, NDIS_OID oid, const void *buffer,
                            ULONG length, NDIS_STATUS status);
/* An NDIS_STATUS_RECEIVE_QUEUE_STATE indication must name a queue NDIS allocated. */
void ndis_hw_assist_check_queue_state(struct ndis_adapter *a, const NDIS_STATUS_INDICATION *ind, const char *fn,
                                      const void *site);
/* What an adapter advertised and what has been set up on it, for edges and reports. */
struct ndis_hw_assist_info {
    USHORT ndis_minor; /* the NDIS 6 minor version the driver declared */
    bool rss, vmq, qos;
    NDIS_RECEIVE_SCALE_CAPABILITIES rss_caps;
    NDIS_RECEIVE_FILTER_CAPABILITIES vmq_caps;
    NDIS_QOS_CAPABILITIES qos_caps;
    unsigned queues_allocated, filters_set, rss_set, qos_set;
    uint64_t queue_frames, hashed_frames;
    uint64_t steered_frames; /* hashed frames checked against the table and on its processor */
    unsigned rss_processors; /* distinct processors in the indirection table (0: none set) */
    unsigned polls_registered; /* Poll objects registered (poll mode) */
    uint64_t poll_iterations, poll_passive; /* NdisPoll calls, of them at PASSIVE_LEVEL */
    uint64_t poll_indicated, poll_completed; /* NBLs the iterations indicated and completed */
    /* interrupts the device raised, ISR calls, and of those the ones the ISR claimed */
    uint64_t interrupts_raised, interrupts_serviced, interrupts_claimed;
    bool interrupt_registered;  /* ever, by the adapter's driver */
    unsigned interrupt_messages; /* MSI-X messages it was granted (0: the line) */
};
OPENNDIS_API void ndis_adapter_hw_assist(struct ndis_adapter *adapter, struct ndis_hw_assist_info *out);
/* The adapter behind `handle` (a miniport adapter handle), or NULL. */
struct ndis_adapter *ndis_adapter_from_handle(NDIS_HANDLE handle);
/* device.c: NDIS takes a miniport driver's MajorFunction table and forwards IRPs to its devices. */
void ndis_device_take_dispatch(PDRIVER_OBJECT object);
/* The adapter whose PDO or FDO `d` is, or NULL. */
struct ndis_adapter *ndis_adapter_of_device(PDEVICE_OBJECT d);
/* The same, reporting a handle that is not an adapter's as InvalidNdisHandle (ND1204) for fn. */
struct ndis_adapter *ndis_adapter_checked(NDIS_HANDLE handle, const char *fn, const void *site);
/* Allocation owner for a driver or adapter handle, or NULL. */
struct ke_pool *ndis_pool_of_handle(NDIS_HANDLE handle);
/* The same, reporting a handle that is neither (InvalidNdisHandle, ND1204) as fn's `param`. */
struct ke_pool *ndis_owner_checked(NDIS_HANDLE handle, const char *param, const char *fn, const void *site);

/* The life of an adapter, driven by the host (edges, tests, the command line). Each call
 * checks the state machine; a call in the wrong state returns NDIS_STATUS_INVALID_STATE. */
OPENNDIS_API struct ndis_adapter *ndis_adapter_initialize(PDRIVER_OBJECT object, NDIS_STATUS *status);
OPENNDIS_API NDIS_STATUS ndis_adapter_restart(struct ndis_adapter *adapter);
OPENNDIS_API NDIS_STATUS ndis_adapter_pause(struct ndis_adapter *adapter);
OPENNDIS_API NDIS_STATUS ndis_adapter_halt(struct ndis_adapter *adapter, NDIS_HALT_ACTION action);
OPENNDIS_API void ndis_adapter_pnp_event(struct ndis_adapter *adapter, NDIS_DEVICE_PNP_EVENT event,
                                         PVOID buffer, ULONG length);
OPENNDIS_API void ndis_adapter_shutdown(struct ndis_adapter *adapter, NDIS_SHUTDOWN_ACTION action);
OPENNDIS_API void ndis_adapter_attach(struct ndis_adapter *adapter, const struct ndis_upper_edge *edge,
                                      void *context);
/* One observer per adapter (a capture file); NULL removes it. */
OPENNDIS_API void ndis_adapter_observe(struct ndis_adapter *adapter, ndis_frame_observer *observer, void *context);
/* Hands a chain to MiniportSendNetBufferLists, or completes it at once with
 * NDIS_STATUS_PAUSED when the adapter is not running. */
OPENNDIS_API void ndis_adapter_send(struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls);
/* Asks the miniport to cancel sends tagged with `cancel_id` (MiniportCancelSend). */
OPENNDIS_API void ndis_adapter_cancel_send(struct ndis_adapter *adapter, PVOID cancel_id);
/* Gives indicated NBLs back to the miniport (MiniportReturnNetBufferLists). */
OPENNDIS_API void ndis_adapter_return_pending(struct ndis_adapter *adapter);
void ndis_driver_return_pending(struct ndis_driver *driver);
OPENNDIS_API NDIS_STATUS ndis_adapter_oid(struct ndis_adapter *adapter, NDIS_REQUEST_TYPE type,
                                          NDIS_OID oid, PVOID buffer, ULONG length,
                                          ULONG *bytes_done, ULONG *bytes_needed);
/* Which handler carries a request: MiniportOidRequest, MiniportDirectOidRequest (NDIS 6.1,
 * if registered) or MiniportSynchronousOidRequest (NDIS 6.80, if registered). One request
 * at a time per adapter. */
enum ndis_oid_path { NDIS_OID_REGULAR, NDIS_OID_DIRECT, NDIS_OID_SYNCHRONOUS };
OPENNDIS_API NDIS_STATUS ndis_adapter_oid_path(struct ndis_adapter *adapter, enum ndis_oid_path path,
                                               NDIS_REQUEST_TYPE type, NDIS_OID oid, PVOID buffer, ULONG length,
                                               ULONG *bytes_done, ULONG *bytes_needed);
/* Calls MiniportCheckForHangEx and, when it reports a hang, MiniportResetEx (what NDIS's
 * hang timer does every CheckForHangTimeInSeconds). Returns whether a reset ran. */
OPENNDIS_API bool ndis_adapter_check_for_hang(struct ndis_adapter *adapter);
OPENNDIS_API NDIS_STATUS ndis_adapter_reset(struct ndis_adapter *adapter);
/* What a report or a status line shows of an adapter, read in one go. */
struct ndis_adapter_stats {
    unsigned index;
    enum ndis_state state;
    UCHAR mac[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    unsigned mac_length;
    ULONG mtu;
    NDIS_MEDIA_CONNECT_STATE link;
    uint64_t sent_frames, sent_bytes, received_frames, received_bytes;
};
OPENNDIS_API void ndis_adapter_stats(struct ndis_adapter *adapter, struct ndis_adapter_stats *out);

/* The adapter's lock, with its holder recorded so that functions documented to run under
 * it can assert so (ndis_assert_locked, live in debug builds). */
static inline void ndis_adapter_lock(struct ndis_adapter *a)
{
    pthread_mutex_lock(&a->lock);
    atomic_store_explicit(&a->lock_owner, pthread_self(), memory_order_relaxed);
}
static inline void ndis_adapter_unlock(struct ndis_adapter *a)
{
    atomic_store_explicit(&a->lock_owner, (pthread_t)0, memory_order_relaxed);
    pthread_mutex_unlock(&a->lock);
}
/* The CLOCK_MONOTONIC time `seconds` from now, for ndis_adapter_wait_until. */
static inline struct timespec ndis_deadline(double seconds)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += (time_t)seconds;
    t.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}
/* Waits on `changed` (lock held; the wait drops and retakes it). Returns pthread's answer. */
static inline int ndis_adapter_wait_until(struct ndis_adapter *a, const struct timespec *until)
{
    atomic_store_explicit(&a->lock_owner, (pthread_t)0, memory_order_relaxed);
    int rc = pthread_cond_timedwait(&a->changed, &a->lock, until);
    atomic_store_explicit(&a->lock_owner, pthread_self(), memory_order_relaxed);
    return rc;
}
#define ndis_assert_locked(a) \
    assert(pthread_equal(atomic_load_explicit(&(a)->lock_owner, memory_order_relaxed), pthread_self()))

/* Waits, with the adapter lock held, until `done` holds or `seconds` pass. */
bool ndis_wait(struct ndis_adapter *adapter, bool (*done)(struct ndis_adapter *), double seconds);
void ndis_driver_halt_adapters(struct ndis_driver *driver);
void ndis_adapter_start_hang_checks(struct ndis_adapter *adapter);
void ndis_adapter_stop_hang_checks(struct ndis_adapter *adapter);

/* pending.c. arm and complete: with the adapter lock held; complete returns false when no
 * completion is expected (not armed, or completed already). The others take the lock. */
void ndis_pending_arm(struct ndis_pending *pending);
bool ndis_pending_complete(struct ndis_adapter *adapter, struct ndis_pending *pending, NDIS_STATUS status);
void ndis_pending_disarm(struct ndis_adapter *adapter, struct ndis_pending *pending);
/* Waits up to `seconds` for the completion; `meanwhile`, if given, runs every 10 ms. */
bool ndis_pending_await(struct ndis_adapter *adapter, struct ndis_pending *pending, double seconds,
                        void (*meanwhile)(struct ndis_adapter *));
/* After the handler returned `returned`: waits for a pended completion (reporting a timeout;
 * the operation then stays armed for the caller to decide), or reports a completion that came
 * on top of a returned status. `what` prefixes the reports (or NULL); *status is the final
 * status (NDIS_STATUS_FAILURE on a timeout). */
enum ndis_pending_end ndis_pending_finish(struct ndis_adapter *adapter, struct ndis_pending *pending,
                                          const struct ndis_pending_kind *kind, const void *handler,
                                          NDIS_STATUS returned, const char *what,
                                          void (*meanwhile)(struct ndis_adapter *), NDIS_STATUS *status);

/* Timeouts NDIS documents or Driver Verifier applies (seconds, before scaling). */
#define NDIS_PAUSE_TIMEOUT_SECONDS 10.0
#define NDIS_RESTART_TIMEOUT_SECONDS 10.0
#define NDIS_RESET_TIMEOUT_SECONDS 10.0

/* Scale for every timeout the verifier applies (OID 12 s, pause, ...); tests shrink it. */
OPENNDIS_API void ndis_set_time_scale(double scale);
double ndis_timeout_seconds(double documented);

/* config.c: the parameter file behind NdisReadConfiguration (docs/configuration.md). Only
 * regular files are read; a file, key or value over its limit is refused, with file:line. */
#define NDIS_CONFIG_MAX_FILE (16u << 20) /* bytes of a parameter file or INF */
#define NDIS_CONFIG_MAX_KEYS 1000000u    /* keys in a parameter file */
#define NDIS_CONFIG_MAX_KEY 127u         /* bytes of a key (a registry value name) */
#define NDIS_CONFIG_MAX_VALUE 4095u      /* bytes of a value */
OPENNDIS_API bool ndis_config_load(const char *path, char *err, size_t len);
OPENNDIS_API void ndis_config_clear(void);
/* Reads the defaults of a driver's INF: every "HKR, Ndi\params\<Key>, default, ..., <value>"
 * becomes <Key> for every adapter, unless the parameter file sets it. */
OPENNDIS_API bool ndis_config_load_inf(const char *path, char *err, size_t len);
/* The same store seen as registry values (registry.c): `section` is "driver" or "adapter.N";
 * values are kept as text (REG_DWORD/REG_QWORD in decimal, REG_BINARY in hex, REG_MULTI_SZ
 * with its strings joined by '\x1f') with their registry type. */
bool ndis_config_lookup(const char *section, const char *key, char *out, size_t len, ULONG *type);
bool ndis_config_store(const char *section, const char *key, const char *value, ULONG type);
bool ndis_config_delete(const char *section, const char *key);
bool ndis_config_name_at(const char *section, size_t index, char *out, size_t len);
#define NDIS_REG_MULTI_SEP '\x1f' /* between the strings of a REG_MULTI_SZ in the store */
/* "driver", "adapter" or "adapter.N" for a section name as a file spells it; false otherwise. */
bool ndis_config_canonical_section(const char *name, char *out, size_t len);
/* What the driver set (ZwSetValueKey, NdisWriteConfiguration) or deleted while it ran, in the
 * store's form; ndis_config_changes_free frees the array. */
struct ndis_config_changed {
    char *section, *key, *value; /* value NULL: deleted */
    ULONG type;
};
OPENNDIS_API size_t ndis_config_changes(struct ndis_config_changed **out);
OPENNDIS_API void ndis_config_changes_free(struct ndis_config_changed *changes, size_t n);

/* config_file.c: a parameter file's value syntax (plain text is REG_SZ; dword:, qword:, hex:,
 * expand_sz:, multi_sz:, sz: prefixes) into the store's form and back; false with `why` for
 * a value the syntax cannot hold. */
OPENNDIS_API bool ndis_config_parse_value(const char *text, ULONG *type, char *out, size_t len, const char **why);
OPENNDIS_API bool ndis_config_format_value(ULONG type, const char *stored, char *out, size_t len, const char **why);
/* Writes changes into the parameter file at path (its link's target): changed keys' lines
 * replaced, new keys appended to their section, deleted keys' lines removed, every other line
 * kept; a new file renamed over the old. */
struct ndis_config_change {
    const char *section, *key, *value; /* value in file syntax; NULL: delete the key */
};
OPENNDIS_API bool ndis_config_rewrite(const char *path, const struct ndis_config_change *changes, size_t n, char *err,
                                      size_t len);

/* version.c: the NDIS version OpenNDIS reports and accepts (default 6.89). */
OPENNDIS_API bool ndis_set_version(unsigned major, unsigned minor);
OPENNDIS_API void ndis_get_version(unsigned *major, unsigned *minor);
OPENNDIS_API bool ndis_minor_version_known(unsigned minor);

/* status.c */
OPENNDIS_API const char *ndis_status_name(NDIS_STATUS status);
OPENNDIS_API bool ndis_status_from_name(const char *name, NDIS_STATUS *out);

#endif /* OPENNDIS_NDIS_INTERNAL_H */
