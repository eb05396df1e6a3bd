/* OpenNDIS emulated kernel: processes, handles and objects, the security model and client
 * memory. The I/O manager (devices, IRPs, the client transport) builds on this: it creates a
 * process per connected client, sets it current around each dispatch, and hands over the
 * eventfds and memfds the client sends. docs/control-devices.md describes the model. */
#ifndef OPENNDIS_OB_H
#define OPENNDIS_OB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/types.h>

#include <ntifs.h>

/* ---- objects (ob.c) --------------------------------------------------------------------------
 * Every object has a header before its body; the body is what drivers see (a KEVENT, a
 * KTHREAD, a FILE_OBJECT, a process). References count the header; the last one calls
 * `destroy` on the body and frees both. */
typedef void ke_object_destroy(void *body);
/* A new object with one reference (the caller's), body zeroed; NULL when out of memory. */
void *ke_object_create(POBJECT_TYPE type, size_t body_size, ke_object_destroy *destroy);
/* Whether `body` is a live object (of `type`, unless NULL). */
bool ke_object_live(const void *body, POBJECT_TYPE type);
void ke_object_ref(void *body);
void ke_object_unref(void *body);
POBJECT_TYPE ke_object_type(const void *body);
ACCESS_MASK ke_object_access(POBJECT_TYPE type, ACCESS_MASK desired); /* GENERIC_* mapped for the type */
ACCESS_MASK ke_map_generic(ACCESS_MASK m, const GENERIC_MAPPING *g);   /* GENERIC_* bits mapped; g NULL: as is */
/* The types (ExEventObjectType and the others point at these). */
extern struct _OBJECT_TYPE ke_type_event, ke_type_thread, ke_type_process, ke_type_file, ke_type_key;

/* ---- processes (process.c) ------------------------------------------------------------------- */
struct ke_handle_entry {
    void *body;           /* NULL: a free slot */
    ACCESS_MASK access;
    struct ke_pool *pool; /* the driver whose call made it (NULL: OpenNDIS's own, for a client) */
    const void *site;
};
struct ke_usermap {
    uintptr_t addr;
    size_t len;
    bool writable;
};
/* The body of a process object (PEPROCESS points here). Kernel-internal. */
struct ke_process {
    DISPATCHER_HEADER header; /* signalled when the client is gone */
    pid_t pid;
    uid_t uid;
    gid_t gid;
    bool system;
    char name[32];
    LIST_ENTRY link;                 /* the live processes; ke_ob_lock */
    struct ke_handle_entry *handles; /* ke_ob_lock */
    size_t handle_cap;
    size_t slice;                    /* its slice of the shared window; SIZE_MAX: none yet */
    struct ke_usermap *maps;         /* usermem.c's lock */
    size_t map_count, map_cap;
    _Atomic long locked;             /* MDLs locked over its memory */
};
/* The driver's own process: kernel handles and system threads live in it. */
struct ke_process *ke_process_system(void);
/* A client connected: its pid and Linux credentials. Runs the process-creation callbacks.
 * NULL when out of memory. */
OPENNDIS_API struct ke_process *ke_process_create(pid_t pid, uid_t uid, gid_t gid, const char *name);
/* The client is gone (after its files were cleaned up and closed): runs the process-exit
 * callbacks, closes the handles left in its table and drops the creation reference. */
OPENNDIS_API void ke_process_destroy(struct ke_process *p);
/* The thread's current process (System when none is set), and setting it around work done
 * on behalf of a client. */
OPENNDIS_API struct ke_process *ke_process_current(void);
OPENNDIS_API struct ke_process *ke_process_enter(struct ke_process *p);
OPENNDIS_API void ke_process_leave(struct ke_process *previous);
OPENNDIS_API pid_t ke_process_pid(const struct ke_process *p);
OPENNDIS_API uid_t ke_process_uid(const struct ke_process *p);
OPENNDIS_API gid_t ke_process_gid(const struct ke_process *p);
OPENNDIS_API bool ke_process_is_system(const struct ke_process *p);
OPENNDIS_API PEPROCESS ke_process_eprocess(struct ke_process *p);
struct ke_process *ke_process_from_eprocess(PEPROCESS e); /* NULL when not a live process */
/* Counted references to the process (a locked MDL holds one so its pages stay mapped). */
void ke_process_ref(struct ke_process *p);
void ke_process_unref(struct ke_process *p);

/* ---- handle tables (ob.c) -------------------------------------------------------------------- */
/* Kernel handles (OBJ_KERNEL_HANDLE) have the top bit set, as on Windows, and live in System's
 * table; other handles live in the current process's table. */
NTSTATUS ke_handle_insert(struct ke_process *p, void *body, ACCESS_MASK access, bool kernel, const void *site,
                          HANDLE *handle);
/* Takes a reference on the object behind `handle` in `p`'s table (kernel handles: System's). */
NTSTATUS ke_handle_reference(struct ke_process *p, HANDLE handle, POBJECT_TYPE type, bool user_mode,
                             void **body, ACCESS_MASK *granted);
OPENNDIS_API NTSTATUS ke_process_close_handle(struct ke_process *p, HANDLE handle);
/* Closes every handle in the table (the process is going away). */
void ke_handle_table_close_all(struct ke_process *p);
size_t ke_handle_count(const struct ke_process *p);

/* An eventfd a client sent: an Event object in its table; the HANDLE is what the client puts in
 * its requests. Takes the fd (closed on failure too). `synchronization`: auto-reset. */
OPENNDIS_API NTSTATUS ke_process_insert_eventfd(struct ke_process *p, int fd, bool synchronization, HANDLE *handle);

/* ---- events backed by an eventfd (event.c) --------------------------------------------------- */
/* Header.Type of a KEVENT whose state is an eventfd's counter. */
#define KE_EVENT_USER_NOTIFICATION 0x40
#define KE_EVENT_USER_SYNCHRONIZATION 0x41
#define KE_THREAD_OBJECT 6 /* Header.Type of a thread: signalled when it ends */
#define KE_PROCESS_OBJECT 3
struct ke_user_event {
    KEVENT event;
    int fd;
};
/* Makes `e` an eventfd-backed event (the watcher wakes waiters when the client sets it). */
bool ke_user_event_init(struct ke_user_event *e, int fd, bool synchronization);
void ke_user_event_close(struct ke_user_event *e);
/* Sets a dispatcher object's signal state and wakes its waiters (threads and processes ending). */
void ke_dispatcher_signal(DISPATCHER_HEADER *header);

/* ---- shared client memory (usermem.c) -------------------------------------------------------- */
/* The client's slice of the address window the driver's process reserves. */
OPENNDIS_API bool ke_process_window(const struct ke_process *p, uintptr_t *base, size_t *size);
/* Maps the client's memfd at the same address here; the range must be page aligned inside the
 * client's slice and not overlap its other mappings. Takes the fd. */
OPENNDIS_API NTSTATUS ke_process_map_shared(struct ke_process *p, int fd, uintptr_t addr, size_t len, bool writable);
OPENNDIS_API NTSTATUS ke_process_unmap_shared(struct ke_process *p, uintptr_t addr, size_t len);
/* Whether the whole range is inside p's shared mappings (and writable when asked). */
OPENNDIS_API bool ke_process_range_ok(const struct ke_process *p, const void *addr, size_t len, bool write);
/* MmProbeAndLockPages in UserMode: the current client, referenced (NULL for System);
 * MmUnlockPages gives it back. Between the two its memory stays mapped. */
void *ke_usermem_lock_pages(void);
void ke_usermem_unlock_pages(void *process);
/* Whether a user-mode range may be touched by the current process (its own shared memory,
 * when it is a client); the probes raise STATUS_ACCESS_VIOLATION otherwise. */
bool ke_usermem_current_ok(const void *addr, size_t len, bool write);
/* Called by process.c when the last reference to a client is gone: unmaps its memory. */
void ke_usermem_release(struct ke_process *p);

/* ---- security (security.c) ------------------------------------------------------------------- */
/* Uid and gid that count as administrators besides root (the device owner `openndis run`
 * names; -1 for none). */
OPENNDIS_API void ke_security_set_owner(uid_t uid, gid_t gid);
OPENNDIS_API bool ke_process_is_admin(const struct ke_process *p);
/* The access an SDDL string grants p (STATUS_ACCESS_DENIED when `desired` is not all granted,
 * STATUS_INVALID_PARAMETER for a malformed string). NULL sddl: everything granted. */
OPENNDIS_API NTSTATUS ke_access_check_sddl(const WCHAR *sddl, const struct ke_process *p, ACCESS_MASK desired,
                                           PGENERIC_MAPPING mapping, ACCESS_MASK *granted);

/* ---- device objects and symbolic links (device.c) ------------------------------------------ */
bool ke_device_exists(const DEVICE_OBJECT *object);
/* The device a name leads to: a symbolic link (\DosDevices\X, \??\X, \GLOBAL??\X) or a device
 * name (\Device\X), case-insensitive; NULL when none. */
OPENNDIS_API PDEVICE_OBJECT ke_device_lookup(const char *name);
void ke_io_driver_unloaded(PDRIVER_OBJECT object, struct ke_pool *pool);
/* IoCreateDevice(Secure) and IoCreateSymbolicLink on behalf of the driver code at `site` (NDIS's
 * NdisRegisterDeviceEx), so findings name the driver's line. Sddl NULL: IoCreateDevice. fn
 * NULL: a device OpenNDIS makes on the driver's object for itself (an adapter's FDO): no fault
 * injection, and not the driver's to delete at unload. */
NTSTATUS ke_io_create_device(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize, PUNICODE_STRING DeviceName,
                             DEVICE_TYPE DeviceType, ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                             PCUNICODE_STRING Sddl, PDEVICE_OBJECT *DeviceObject, const char *fn, const void *site);
NTSTATUS ke_io_create_symlink(PUNICODE_STRING SymbolicLinkName, PUNICODE_STRING DeviceName, const void *site);

/* ---- driver bookkeeping (ob.c): what a driver still holds at unload ----------------------- */
struct ke_pool;
void ke_ob_driver_unloaded(struct ke_pool *pool);
/* wsk.c: the unloading driver's kernel sockets and WSK registrations are closed without
 * calling it; their pool blocks are left to be reported as leaks. */
void ke_wsk_driver_unloaded(struct ke_pool *pool);
/* The lock of handle tables and the live-process list. */
extern pthread_mutex_t ke_ob_lock;
extern LIST_ENTRY ke_processes;

#endif /* OPENNDIS_OB_H */
