/* Winsock Kernel: the sockets a driver opens from the kernel, each a Linux socket in the
 * driver's network namespace (wsk_socket.c keeps the Linux side). Registration and provider
 * capture as NETIO.SYS has them; datagram (UDP, raw) and connection-oriented (TCP client)
 * sockets with their IRP-based calls and their event callbacks; listening sockets are not
 * implemented and say so.
 *
 * Calls complete their IRP inline when the socket can answer at once, and pend it otherwise
 * (cancelable with IoCancelIrp). One poller thread serves what waits: it completes pended
 * IRPs and calls the client's receive and disconnect events at DISPATCH_LEVEL, one socket
 * at a time, holding no lock while the driver runs. A PE client gets Microsoft-ABI entry
 * points in its dispatch tables. A socket or registration left open is a leak at unload
 * (a pool block stands for it), and the misuse WSK documents is reported. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wsk.h>

#include "ke.h"
#include "ob.h"
#include "wsk_socket.h"

#define WSK_VERSION MAKE_WSK_VERSION(1, 0)
#define WSK_TAG 0x206b7357 /* "Wsk " */
#define WSK_MAX_IOV 64
#define WSK_DEREGISTER_WAIT_MS 2000

struct wsk_client {
    PWSK_REGISTRATION registration;
    WSK_CLIENT_NPI npi;
    bool ms; /* a PE image: its tables hold Microsoft-ABI entry points */
    atomic_int captures, sockets;
    atomic_int refs; /* the registration's and one per socket: the last frees it */
    atomic_bool deregistering;
    void *shadow; /* the driver-pool block that stands for the registration */
};

struct wsk_socket {
    WSK_SOCKET socket; /* first: a PWSK_SOCKET is a struct wsk_socket * */
    struct wsk_client *client;
    ULONG category; /* WSK_FLAG_*_SOCKET */
    int fd;
    PVOID context;
    const void *events; /* the client's dispatch for the category */
    atomic_uint mask;   /* enabled events */
    pthread_mutex_t lock;
    LIST_ENTRY receives, sends, connects; /* pended operations (struct wsk_op) */
    LIST_ENTRY retained;                  /* indications the client kept (STATUS_PENDING) */
    bool watched, closing, peer_closed, bound;
    struct wsk_indication *backlog; /* stream bytes received but not yet taken: their block */
    size_t backlog_len, backlog_off;
    atomic_int refs;
    PIRP close_irp;
    void *shadow;
    LIST_ENTRY unload_link; /* ke_wsk_driver_unloaded's list */
};

struct wsk_op {
    LIST_ENTRY link;
    PIRP irp;
    struct wsk_socket *s;
    WSK_BUF buf;
    ULONG flags;
    PSOCKADDR from; /* WskReceiveFrom: where the sender's address goes */
    size_t done;    /* bytes sent so far */
    bool listed, has_dest;
    unsigned char dest[KE_SOCK_ADDR_MAX];
};

/* A receive indication and the bytes it describes, in one block. */
struct wsk_indication {
    union {
        WSK_DATAGRAM_INDICATION datagram;
        WSK_DATA_INDICATION data;
    }; /* first: the pointer the client is handed */
    MDL mdl;
    SOCKADDR_STORAGE from;
    LIST_ENTRY link; /* s->retained */
    unsigned char bytes[];
};

static pthread_mutex_t wsk_lock = PTHREAD_MUTEX_INITIALIZER; /* the live sets */
struct wsk_unload {
    struct ke_pool *pool;
    LIST_ENTRY doomed;
};
static struct ke_ptrmap wsk_clients, wsk_sockets;

static const WSK_PROVIDER_DISPATCH wsk_provider, wsk_provider_ms;
static const WSK_PROVIDER_BASIC_DISPATCH wsk_basic, wsk_basic_ms;
static const WSK_PROVIDER_DATAGRAM_DISPATCH wsk_datagram, wsk_datagram_ms;
static const WSK_PROVIDER_CONNECTION_DISPATCH wsk_connection, wsk_connection_ms;
static void wsk_ready(void *context, bool in, bool out, bool error);

static NTSTATUS wsk_status(int e)
{
    switch (e < 0 ? -e : e) {
    case 0: return STATUS_SUCCESS;
    case EADDRINUSE: return STATUS_ADDRESS_ALREADY_EXISTS;
    case EADDRNOTAVAIL: return STATUS_INVALID_ADDRESS_COMPONENT;
    case EACCES:
    case EPERM: return STATUS_ACCESS_DENIED;
    case ECONNREFUSED: return STATUS_CONNECTION_REFUSED;
    case ECONNRESET:
    case EPIPE: return STATUS_CONNECTION_RESET;
    case ECONNABORTED: return STATUS_CONNECTION_ABORTED;
    case ENETUNREACH: return STATUS_NETWORK_UNREACHABLE;
    case EHOSTUNREACH: return STATUS_HOST_UNREACHABLE;
    case ETIMEDOUT: return STATUS_IO_TIMEOUT;
    case EISCONN: return STATUS_CONNECTION_ACTIVE;
    case ENOTCONN: return STATUS_INVALID_CONNECTION;
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
    case ESOCKTNOSUPPORT:
    case EPROTOTYPE:
    case ENOPROTOOPT: return STATUS_NOT_SUPPORTED;
    case ENOMEM:
    case ENOBUFS:
    case EMFILE:
    case ENFILE: return STATUS_INSUFFICIENT_RESOURCES;
    case EMSGSIZE: return STATUS_INVALID_BUFFER_SIZE;
    case EINVAL: return STATUS_INVALID_PARAMETER;
    default: return STATUS_UNSUCCESSFUL;
    }
}

/* ---- IRPs ------------------------------------------------------------------------------------- */

/* The caller's IRP must have a location left for the provider. */
static bool wsk_irp_ok(PIRP irp, const char *fn, const void *site)
{
    if (irp == NULL) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "Irp is NULL: %s completes through an IRP", fn);
        return false;
    }
    if (irp->CurrentLocation <= 1) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "IRP %p has no stack location left for the WSK subsystem (allocate it with "
                     "IoAllocateIrp(1, FALSE) and do not advance it)",
                     (void *)irp);
        return false;
    }
    return true;
}

/* Completes an IRP whose location is already ours. It may be freed once this returns. */
static void wsk_finish(PIRP irp, NTSTATUS status, ULONG_PTR information)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = information;
    IofCompleteRequest(irp, IO_NO_INCREMENT);
}

/* Answers a call at once: takes the IRP's next location and completes it (when there is one). */
static NTSTATUS wsk_complete(PIRP irp, NTSTATUS status, ULONG_PTR information)
{
    if (irp == NULL)
        return status;
    IoSetNextIrpStackLocation(irp);
    wsk_finish(irp, status, information);
    return status;
}

static VOID wsk_cancel(PDEVICE_OBJECT device, PIRP irp)
{
    (void)device;
    struct wsk_op *op = irp->Tail.Overlay.DriverContext[0];
    IoReleaseCancelSpinLock(irp->CancelIrql);
    pthread_mutex_lock(&op->s->lock);
    if (op->listed) { /* always: the completing side leaves an IRP whose cancel routine is gone */
        RemoveEntryList(&op->link);
        op->listed = false;
    }
    pthread_mutex_unlock(&op->s->lock);
    wsk_finish(irp, STATUS_CANCELLED, 0);
    free(op);
}

/* s->lock held: queues op, cancelable; false when the IRP was already cancelled. */
static bool wsk_queue_locked(LIST_ENTRY *list, struct wsk_op *op, bool head)
{
    op->irp->Tail.Overlay.DriverContext[0] = op;
    IoSetCancelRoutine(op->irp, wsk_cancel);
    if (op->irp->Cancel && IoSetCancelRoutine(op->irp, NULL) != NULL)
        return false;
    if (head)
        InsertHeadList(list, &op->link);
    else
        InsertTailList(list, &op->link);
    op->listed = true;
    return true;
}

/* s->lock held: the first queued operation whose IRP is not being cancelled, off the list. */
static struct wsk_op *wsk_take_locked(LIST_ENTRY *list)
{
    for (LIST_ENTRY *e = list->Flink; e != list; e = e->Flink) {
        struct wsk_op *op = CONTAINING_RECORD(e, struct wsk_op, link);
        if (IoSetCancelRoutine(op->irp, NULL) != NULL) {
            RemoveEntryList(&op->link);
            op->listed = false;
            return op;
        }
    }
    return NULL;
}

static void wsk_done(struct wsk_op *op, NTSTATUS status, ULONG_PTR information)
{
    wsk_finish(op->irp, status, information);
    free(op);
}

/* ---- buffers ---------------------------------------------------------------------------------- */

/* The WSK_BUF's bytes as iovecs; -1 (reported) when Length runs past its MDL chain. */
static int wsk_iov(const WSK_BUF *b, size_t skip, struct iovec *iov, const char *fn, const void *site)
{
    PMDL m = b->Mdl;
    size_t off = b->Offset, left = b->Length;
    int n = 0;
    while (left > 0) {
        if (m == NULL || off > m->ByteCount) {
            vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                         "WSK_BUF describes %zu bytes from offset %lu, more than its MDL chain holds",
                         (size_t)b->Length, (unsigned long)b->Offset);
            return -1;
        }
        size_t take = m->ByteCount - off < left ? m->ByteCount - off : left;
        size_t drop = skip < take ? skip : take;
        skip -= drop;
        if (take > drop) {
            if (n == WSK_MAX_IOV) {
                vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "WSK_BUF spans more than %d MDLs", WSK_MAX_IOV);
                return -1;
            }
            iov[n++] = (struct iovec){ (char *)MmGetMdlVirtualAddress(m) + off + drop, take - drop };
        }
        left -= take;
        off = 0;
        m = m->Next;
    }
    return n;
}

/* Copies into the buffer after its first `skip` bytes; returns how many fitted. */
static size_t wsk_copy_to(const WSK_BUF *b, size_t skip, const unsigned char *bytes, size_t len)
{
    struct iovec iov[WSK_MAX_IOV];
    int n = wsk_iov(b, skip, iov, "WskReceive", NULL);
    size_t copied = 0;
    for (int i = 0; i < n && copied < len; i++) {
        size_t take = iov[i].iov_len < len - copied ? iov[i].iov_len : len - copied;
        memcpy(iov[i].iov_base, bytes + copied, take);
        copied += take;
    }
    return copied;
}

/* ---- sockets: life ------------------------------------------------------------------------------ */

static struct wsk_client *wsk_client_of(PWSK_CLIENT c, const char *fn, const void *site)
{
    uintptr_t v;
    pthread_mutex_lock(&wsk_lock);
    bool live = c != NULL && ke_ptrmap_get(&wsk_clients, c, &v);
    pthread_mutex_unlock(&wsk_lock);
    if (!live)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "Client %p is not a captured WSK provider's Client (WskCaptureProviderNPI)", c);
    return live ? c : NULL;
}

static struct wsk_socket *wsk_socket_of(PWSK_SOCKET p, const char *fn, const void *site)
{
    uintptr_t v;
    struct wsk_socket *s = NULL;
    pthread_mutex_lock(&wsk_lock);
    if (p != NULL && ke_ptrmap_get(&wsk_sockets, p, &v)) {
        s = (struct wsk_socket *)p;
        atomic_fetch_add(&s->refs, 1);
    }
    pthread_mutex_unlock(&wsk_lock);
    if (s == NULL)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "Socket %p is not an open WSK socket (closed already?)",
                     (void *)p);
    return s;
}

/* The start every socket call shares: its IRQL, its IRP, the socket (referenced). NULL when
 * the call is answered already, with *status to return. */
static struct wsk_socket *wsk_enter(PWSK_SOCKET Socket, PIRP Irp, const char *fn, const void *site, NTSTATUS *status)
{
    *status = STATUS_INVALID_PARAMETER;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site) || !wsk_irp_ok(Irp, fn, site))
        return NULL;
    struct wsk_socket *s = wsk_socket_of(Socket, fn, site);
    if (s == NULL)
        *status = wsk_complete(Irp, STATUS_INVALID_PARAMETER, 0);
    return s;
}

static void wsk_free_retained(struct wsk_socket *s)
{
    while (!IsListEmpty(&s->retained)) {
        LIST_ENTRY *e = RemoveHeadList(&s->retained);
        free(CONTAINING_RECORD(e, struct wsk_indication, link));
    }
}

static void wsk_client_unref(struct wsk_client *c)
{
    if (atomic_fetch_sub(&c->refs, 1) == 1)
        free(c);
}

static void wsk_unref(struct wsk_socket *s)
{
    if (atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    ke_sock_close(s->fd);
    wsk_free_retained(s);
    free(s->backlog);
    ke_pool_free(s->shadow);
    struct wsk_client *c = s->client;
    PIRP close_irp = s->close_irp;
    pthread_mutex_destroy(&s->lock);
    free(s);
    if (close_irp != NULL)
        wsk_finish(close_irp, STATUS_SUCCESS, 0);
    /* Only now: WskDeregister waits for this count, and the close's completion routine is
     * the driver's code, which the driver may unload once WskDeregister returns. */
    atomic_fetch_sub(&c->sockets, 1);
    wsk_client_unref(c);
}

/* Re-arms the socket's watch for what it now waits for. After an error or hang-up with
 * nothing to wait for, it stays disarmed (the next call re-arms it). */
static void wsk_rearm(struct wsk_socket *s, bool after_error)
{
    pthread_mutex_lock(&s->lock);
    if (s->closing) {
        pthread_mutex_unlock(&s->lock);
        return;
    }
    unsigned mask = atomic_load(&s->mask);
    bool evented = (mask & (WSK_EVENT_RECEIVE_FROM | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT)) != 0;
    bool in = !s->peer_closed && (!IsListEmpty(&s->receives) || (evented && s->backlog_len == 0));
    bool out = !IsListEmpty(&s->sends) || !IsListEmpty(&s->connects);
    if ((in || out || !after_error) && ke_sock_watch(s->fd, s, in, out, s->watched) == 0)
        s->watched = true;
    pthread_mutex_unlock(&s->lock);
}

static NTSTATUS wsk_open(struct wsk_client *c, ADDRESS_FAMILY family, USHORT type, ULONG protocol, ULONG flags,
                         PVOID context, const VOID *dispatch, const void *site, struct wsk_socket **out)
{
    static const char fn[] = "WskSocket";
    if (flags == WSK_FLAG_LISTEN_SOCKET || flags == WSK_FLAG_STREAM_SOCKET)
        return ke_unsupported(flags == WSK_FLAG_LISTEN_SOCKET ? "WskSocket(WSK_FLAG_LISTEN_SOCKET)"
                                                              : "WskSocket(WSK_FLAG_STREAM_SOCKET)",
                              "listening sockets are not implemented", site);
    if (flags != WSK_FLAG_BASIC_SOCKET && flags != WSK_FLAG_DATAGRAM_SOCKET && flags != WSK_FLAG_CONNECTION_SOCKET) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "Flags 0x%lx is not one WSK_FLAG_*_SOCKET category",
                     (unsigned long)flags);
        return STATUS_INVALID_PARAMETER;
    }
    if ((flags == WSK_FLAG_DATAGRAM_SOCKET && type == SOCK_STREAM) ||
        (flags == WSK_FLAG_CONNECTION_SOCKET && type != SOCK_STREAM))
        return STATUS_INVALID_PARAMETER;
    if (!ke_sock_poller_start(wsk_ready))
        return STATUS_INSUFFICIENT_RESOURCES;
    void *shadow = ke_ex_alloc(sizeof(void *), WSK_TAG, site, fn);
    if (shadow == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    struct wsk_socket *s = calloc(1, sizeof *s);
    int fd = s == NULL ? -ENOMEM : ke_sock_open(family, type, protocol);
    if (fd < 0) {
        free(s);
        ke_pool_free(shadow);
        return wsk_status(fd);
    }
    s->client = c;
    s->category = flags;
    s->fd = fd;
    s->context = context;
    s->events = dispatch;
    s->shadow = shadow;
    pthread_mutex_init(&s->lock, NULL);
    InitializeListHead(&s->receives);
    InitializeListHead(&s->sends);
    InitializeListHead(&s->connects);
    InitializeListHead(&s->retained);
    atomic_init(&s->refs, 1);
    s->socket.Dispatch = flags == WSK_FLAG_DATAGRAM_SOCKET    ? (c->ms ? (const void *)&wsk_datagram_ms : &wsk_datagram)
                         : flags == WSK_FLAG_CONNECTION_SOCKET ? (c->ms ? (const void *)&wsk_connection_ms : &wsk_connection)
                                                               : (c->ms ? (const void *)&wsk_basic_ms : &wsk_basic);
    pthread_mutex_lock(&wsk_lock);
    bool tracked = ke_ptrmap_put(&wsk_sockets, s, 1);
    pthread_mutex_unlock(&wsk_lock);
    if (!tracked) {
        ke_sock_close(fd);
        ke_pool_free(shadow);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    atomic_fetch_add(&c->sockets, 1);
    atomic_fetch_add(&c->refs, 1);
    *out = s;
    return STATUS_SUCCESS;
}

static NTSTATUS wsk_socket(PWSK_CLIENT Client, ADDRESS_FAMILY AddressFamily, USHORT SocketType, ULONG Protocol,
                           ULONG Flags, PVOID SocketContext, const VOID *Dispatch, PEPROCESS OwningProcess,
                           PETHREAD OwningThread, PSECURITY_DESCRIPTOR SecurityDescriptor, PIRP Irp)
{
    static const char fn[] = "WskSocket";
    const void *site = VF_CALLER;
    (void)OwningProcess, (void)OwningThread, (void)SecurityDescriptor;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site) || !wsk_irp_ok(Irp, fn, site))
        return STATUS_INVALID_PARAMETER;
    struct wsk_client *c = wsk_client_of(Client, fn, site);
    if (c == NULL)
        return wsk_complete(Irp, STATUS_INVALID_PARAMETER, 0);
    if (vf_fault_inject(fn, site))
        return wsk_complete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    struct wsk_socket *s;
    NTSTATUS st = wsk_open(c, AddressFamily, SocketType, Protocol, Flags, SocketContext, Dispatch, site, &s);
    return wsk_complete(Irp, st, NT_SUCCESS(st) ? (ULONG_PTR)s : 0);
}

static NTSTATUS wsk_close(PWSK_SOCKET Socket, PIRP Irp)
{
    static const char fn[] = "WskCloseSocket";
    const void *site = VF_CALLER;
    NTSTATUS entered;
    struct wsk_socket *s = wsk_enter(Socket, Irp, fn, site, &entered);
    if (s == NULL)
        return entered;
    pthread_mutex_lock(&wsk_lock);
    ke_ptrmap_remove(&wsk_sockets, s);
    pthread_mutex_unlock(&wsk_lock);
    LIST_ENTRY drained;
    InitializeListHead(&drained);
    pthread_mutex_lock(&s->lock);
    s->closing = true;
    LIST_ENTRY *lists[] = { &s->receives, &s->sends, &s->connects };
    for (size_t i = 0; i < 3; i++)
        for (struct wsk_op *op; (op = wsk_take_locked(lists[i])) != NULL;)
            InsertTailList(&drained, &op->link);
    if (s->watched)
        ke_sock_unwatch(s->fd);
    pthread_mutex_unlock(&s->lock);
    /* what was pending is cancelled, as closing a socket does on Windows */
    while (!IsListEmpty(&drained))
        wsk_done(CONTAINING_RECORD(RemoveHeadList(&drained), struct wsk_op, link), STATUS_CANCELLED, 0);
    IoSetNextIrpStackLocation(Irp);
    IoMarkIrpPending(Irp);
    s->close_irp = Irp;
    atomic_fetch_sub(&s->refs, 1); /* the creation's reference */
    wsk_unref(s);                  /* ours: the last one closes and completes Irp */
    return STATUS_PENDING;
}

/* ---- sockets: addresses and options --------------------------------------------------------------- */

static bool wsk_addr_ok(PSOCKADDR a, const char *what, const char *fn, const void *site)
{
    if (a != NULL && ke_sock_addr_len(a) != 0)
        return true;
    vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "%s %s: pass a SOCKADDR_IN or SOCKADDR_IN6", what,
                 a == NULL ? "is NULL" : "has a family other than AF_INET and AF_INET6");
    return false;
}

static NTSTATUS wsk_bind(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, ULONG Flags, PIRP Irp)
{
    static const char fn[] = "WskBind";
    const void *site = VF_CALLER;
    (void)Flags;
    NTSTATUS entered;
    struct wsk_socket *s = wsk_enter(Socket, Irp, fn, site, &entered);
    if (s == NULL)
        return entered;
    NTSTATUS st = STATUS_INVALID_PARAMETER;
    if (wsk_addr_ok(LocalAddress, "LocalAddress", fn, site)) {
        st = wsk_status(ke_sock_bind(s->fd, LocalAddress));
        s->bound = NT_SUCCESS(st);
    }
    wsk_unref(s);
    return wsk_complete(Irp, st, 0);
}

static NTSTATUS wsk_name(PWSK_SOCKET Socket, PSOCKADDR Address, PIRP Irp, bool peer)
{
    const char *fn = peer ? "WskGetRemoteAddress" : "WskGetLocalAddress";
    const void *site = VF_CALLER;
    NTSTATUS entered;
    struct wsk_socket *s = wsk_enter(Socket, Irp, fn, site, &entered);
    if (s == NULL)
        return entered;
    if (Address == NULL) {
        wsk_unref(s);
        return wsk_complete(Irp, STATUS_INVALID_PARAMETER, 0);
    }
    unsigned char a[KE_SOCK_ADDR_MAX];
    NTSTATUS st = wsk_status(ke_sock_name(s->fd, peer, a));
    if (NT_SUCCESS(st))
        memcpy(Address, a, ke_sock_addr_len(a) ? ke_sock_addr_len(a) : sizeof(SOCKADDR));
    wsk_unref(s);
    return wsk_complete(Irp, st, 0);
}

static NTSTATUS wsk_local_address(PWSK_SOCKET Socket, PSOCKADDR LocalAddress, PIRP Irp)
{
    return wsk_name(Socket, LocalAddress, Irp, false);
}

static NTSTATUS wsk_remote_address(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, PIRP Irp)
{
    return wsk_name(Socket, RemoteAddress, Irp, true);
}

/* SO_WSK_EVENT_CALLBACK: turns the socket's event callbacks on or off. */
static NTSTATUS wsk_events(struct wsk_socket *s, const WSK_EVENT_CALLBACK_CONTROL *ctl, SIZE_T size, PIRP Irp,
                           const void *site)
{
    static const char fn[] = "WskControlSocket(SO_WSK_EVENT_CALLBACK)";
    if (Irp != NULL)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "Irp must be NULL for SO_WSK_EVENT_CALLBACK");
    if (ctl == NULL || size < sizeof *ctl || ctl->NpiId == NULL ||
        memcmp(ctl->NpiId, &NPI_WSK_INTERFACE_ID, sizeof(NPIID)) != 0) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "InputBuffer must be a WSK_EVENT_CALLBACK_CONTROL whose NpiId is &NPI_WSK_INTERFACE_ID");
        return STATUS_INVALID_PARAMETER;
    }
    ULONG events = ctl->EventMask & ~WSK_EVENT_DISABLE;
    ULONG allowed = s->category == WSK_FLAG_DATAGRAM_SOCKET   ? WSK_EVENT_RECEIVE_FROM
                    : s->category == WSK_FLAG_CONNECTION_SOCKET ? WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT |
                                                                      WSK_EVENT_SEND_BACKLOG
                                                                : 0;
    if (events == 0 || (events & ~allowed) != 0) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "EventMask 0x%lx names events this socket category lacks",
                     (unsigned long)ctl->EventMask);
        return STATUS_INVALID_PARAMETER;
    }
    if (ctl->EventMask & WSK_EVENT_DISABLE) {
        atomic_fetch_and(&s->mask, ~events);
    } else {
        const WSK_CLIENT_DATAGRAM_DISPATCH *dg = s->events;
        const WSK_CLIENT_CONNECTION_DISPATCH *cn = s->events;
        bool missing = s->events == NULL ||
                       ((events & WSK_EVENT_RECEIVE_FROM) && dg->WskReceiveFromEvent == NULL) ||
                       ((events & WSK_EVENT_RECEIVE) && cn->WskReceiveEvent == NULL) ||
                       ((events & WSK_EVENT_DISCONNECT) && cn->WskDisconnectEvent == NULL) ||
                       ((events & WSK_EVENT_SEND_BACKLOG) && cn->WskSendBacklogEvent == NULL);
        if (missing) {
            vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                         "EventMask 0x%lx enables an event whose callback is NULL in the socket's client dispatch",
                         (unsigned long)ctl->EventMask);
            return STATUS_INVALID_PARAMETER;
        }
        atomic_fetch_or(&s->mask, events);
    }
    wsk_rearm(s, false);
    return STATUS_SUCCESS;
}

static NTSTATUS wsk_control(PWSK_SOCKET Socket, WSK_CONTROL_SOCKET_TYPE RequestType, ULONG ControlCode, ULONG Level,
                            SIZE_T InputSize, PVOID InputBuffer, SIZE_T OutputSize, PVOID OutputBuffer,
                            SIZE_T *OutputSizeReturned, PIRP Irp)
{
    static const char fn[] = "WskControlSocket";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site))
        return STATUS_INVALID_PARAMETER;
    struct wsk_socket *s = wsk_socket_of(Socket, fn, site);
    if (s == NULL)
        return wsk_complete(Irp, STATUS_INVALID_PARAMETER, 0);
    NTSTATUS st;
    if (RequestType == WskSetOption && ControlCode == SO_WSK_EVENT_CALLBACK && Level == SOL_SOCKET) {
        st = wsk_events(s, InputBuffer, InputSize, Irp, site);
        wsk_unref(s);
        return st; /* no IRP: answered by the return value */
    }
    if (Irp != NULL && !wsk_irp_ok(Irp, fn, site)) {
        wsk_unref(s);
        return STATUS_INVALID_PARAMETER;
    }
    size_t len = RequestType == WskSetOption ? InputSize : OutputSize;
    void *value = RequestType == WskSetOption ? InputBuffer : OutputBuffer;
    int r = -ENOPROTOOPT;
    if ((RequestType == WskSetOption || RequestType == WskGetOption) && value != NULL)
        r = ke_sock_option(s->fd, RequestType == WskSetOption, Level, ControlCode, value, &len);
    wsk_unref(s);
    if (r == -ENOPROTOOPT) {
        char what[96];
        ke_format(what, sizeof what, "WskControlSocket(%s 0x%lx, level 0x%lx)",
                  RequestType == WskIoctl ? "WskIoctl" : RequestType == WskSetOption ? "WskSetOption" : "WskGetOption",
                  (unsigned long)ControlCode, (unsigned long)Level);
        ke_unsupported(what, "only SO_WSK_EVENT_CALLBACK, SO_REUSEADDR, SO_KEEPALIVE, SO_BROADCAST, SO_SNDBUF, "
                             "SO_RCVBUF and TCP_NODELAY are mapped",
                       site);
        st = STATUS_NOT_SUPPORTED; /* an option it lacks, as Windows answers it */
    } else {
        st = wsk_status(r);
    }
    if (NT_SUCCESS(st) && RequestType == WskGetOption && OutputSizeReturned != NULL)
        *OutputSizeReturned = len;
    return wsk_complete(Irp, st, NT_SUCCESS(st) && RequestType == WskGetOption ? len : 0);
}

/* ---- sockets: data -------------------------------------------------------------------------------- */

/* Pends the operation described by `first` (a caller's stack copy: calls that answer at once
 * allocate nothing) on list: the IRP's next location becomes ours, then it waits for the
 * poller. Out of memory, the IRP completes at once and that status is returned. */
static NTSTATUS wsk_pend(struct wsk_socket *s, LIST_ENTRY *list, const struct wsk_op *first)
{
    struct wsk_op *op = malloc(sizeof *op);
    if (op == NULL)
        return wsk_complete(first->irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    *op = *first;
    IoSetNextIrpStackLocation(op->irp);
    IoMarkIrpPending(op->irp);
    pthread_mutex_lock(&s->lock);
    bool queued = !s->closing && wsk_queue_locked(list, op, false);
    pthread_mutex_unlock(&s->lock);
    if (!queued)
        wsk_done(op, STATUS_CANCELLED, 0);
    else
        wsk_rearm(s, false);
    return STATUS_PENDING;
}

/* One attempt at the rest of op's bytes: true when op is finished, its status in *st (a
 * stream send finishes when every byte went; a datagram in one go). */
static bool wsk_send_step(struct wsk_socket *s, struct wsk_op *op, NTSTATUS *st)
{
    struct iovec iov[WSK_MAX_IOV];
    int n = wsk_iov(&op->buf, op->done, iov, "WskSend", NULL);
    ssize_t r = n < 0 ? -EINVAL : ke_sock_send(s->fd, iov, n, op->has_dest ? op->dest : NULL);
    if (r == -EAGAIN || r == -EWOULDBLOCK)
        return false;
    if (r < 0) {
        *st = wsk_status((int)r);
        return true;
    }
    op->done += (size_t)r;
    *st = STATUS_SUCCESS;
    return s->category != WSK_FLAG_CONNECTION_SOCKET || op->done >= op->buf.Length;
}

static NTSTATUS wsk_send_common(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PSOCKADDR RemoteAddress, PIRP Irp,
                                const char *fn, const void *site)
{
    NTSTATUS entered;
    struct wsk_socket *s = wsk_enter(Socket, Irp, fn, site, &entered);
    if (s == NULL)
        return entered;
    struct iovec iov[WSK_MAX_IOV];
    if (Buffer == NULL || wsk_iov(Buffer, 0, iov, fn, site) < 0 ||
        (RemoteAddress != NULL && !wsk_addr_ok(RemoteAddress, "RemoteAddress", fn, site))) {
        wsk_unref(s);
        return wsk_complete(Irp, STATUS_INVALID_PARAMETER, 0);
    }
    struct wsk_op op = { .s = s, .irp = Irp, .buf = *Buffer, .flags = Flags, .has_dest = RemoteAddress != NULL };
    if (RemoteAddress != NULL)
        memcpy(op.dest, RemoteAddress, ke_sock_addr_len(RemoteAddress));
    pthread_mutex_lock(&s->lock);
    bool queued_before = !IsListEmpty(&s->sends);
    pthread_mutex_unlock(&s->lock);
    /* in order: only when nothing waits before it may it go at once */
    NTSTATUS st;
    if (!queued_before && wsk_send_step(s, &op, &st))
        st = wsk_complete(Irp, st, NT_SUCCESS(st) ? op.done : 0);
    else
        st = wsk_pend(s, &s->sends, &op);
    wsk_unref(s);
    return st;
}

static NTSTATUS wsk_send_to(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PSOCKADDR RemoteAddress,
                            ULONG ControlInfoLength, PCMSGHDR ControlInfo, PIRP Irp)
{
    const void *site = VF_CALLER;
    if (ControlInfoLength != 0 || ControlInfo != NULL)
        return wsk_complete(Irp, ke_unsupported("WskSendTo with ControlInfo", "control information is not sent", site),
                            0);
    return wsk_send_common(Socket, Buffer, Flags, RemoteAddress, Irp, "WskSendTo", site);
}

static NTSTATUS wsk_send(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    return wsk_send_common(Socket, Buffer, Flags, NULL, Irp, "WskSend", VF_CALLER);
}

/* s->lock not held: puts op back first in line, or cancels it when that can no longer be. */
static void wsk_requeue(struct wsk_socket *s, LIST_ENTRY *list, struct wsk_op *op)
{
    pthread_mutex_lock(&s->lock);
    bool queued = !s->closing && wsk_queue_locked(list, op, true);
    pthread_mutex_unlock(&s->lock);
    if (!queued)
        wsk_done(op, STATUS_CANCELLED, 0);
}

/* A receive into op's buffer: bytes, 0 at the peer's end of a stream, or -errno. */
static ssize_t wsk_receive_into(struct wsk_socket *s, struct wsk_op *op)
{
    struct iovec iov[WSK_MAX_IOV];
    int n = wsk_iov(&op->buf, op->done, iov, "WskReceive", NULL);
    if (n < 0)
        return -EINVAL;
    unsigned char from[KE_SOCK_ADDR_MAX];
    bool truncated = false;
    ssize_t r = ke_sock_recv(s->fd, iov, n, from, &truncated);
    if (r >= 0 && op->from != NULL)
        memcpy(op->from, from, ke_sock_addr_len(from) ? ke_sock_addr_len(from) : sizeof(SOCKADDR));
    return r;
}

static NTSTATUS wsk_receive_common(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PSOCKADDR RemoteAddress,
                                   PIRP Irp, const char *fn, const void *site)
{
    NTSTATUS entered;
    struct wsk_socket *s = wsk_enter(Socket, Irp, fn, site, &entered);
    if (s == NULL)
        return entered;
    struct iovec iov[WSK_MAX_IOV];
    NTSTATUS st = STATUS_INVALID_PARAMETER;
    if (Buffer == NULL || wsk_iov(Buffer, 0, iov, fn, site) < 0)
        goto answer;
    struct wsk_op op = { .s = s, .irp = Irp, .buf = *Buffer, .flags = Flags, .from = RemoteAddress };
    /* stream bytes an event left unaccepted come first */
    pthread_mutex_lock(&s->lock);
    bool waiting = !IsListEmpty(&s->receives);
    if (!waiting && s->backlog_len > 0) {
        size_t got = wsk_copy_to(Buffer, 0, s->backlog->bytes + s->backlog_off, s->backlog_len);
        s->backlog_off += got;
        s->backlog_len -= got;
        pthread_mutex_unlock(&s->lock);
        wsk_rearm(s, false);
        wsk_unref(s);
        return wsk_complete(Irp, STATUS_SUCCESS, got);
    }
    bool ended = s->peer_closed;
    pthread_mutex_unlock(&s->lock);
    if (ended) {
        st = STATUS_SUCCESS; /* the peer's graceful end: 0 bytes */
        goto answer;
    }
    /* with receive events on, the poller is the socket's only reader, so bytes keep their order */
    bool evented = (atomic_load(&s->mask) & (WSK_EVENT_RECEIVE | WSK_EVENT_RECEIVE_FROM)) != 0;
    if (!waiting && !evented) {
        ssize_t r = wsk_receive_into(s, &op);
        bool full = r >= 0 && (size_t)r >= Buffer->Length;
        if (r > 0 && ((Flags & WSK_FLAG_WAITALL) == 0 || full || s->category != WSK_FLAG_CONNECTION_SOCKET)) {
            wsk_unref(s);
            return wsk_complete(Irp, STATUS_SUCCESS, (ULONG_PTR)r);
        }
        if (r == 0 && s->category == WSK_FLAG_CONNECTION_SOCKET) {
            st = STATUS_SUCCESS;
            goto answer;
        }
        if (r < 0 && r != -EAGAIN && r != -EWOULDBLOCK) {
            st = wsk_status((int)r);
            goto answer;
        }
        if (r > 0)
            op.done = (size_t)r;
    }
    st = wsk_pend(s, &s->receives, &op);
    wsk_unref(s);
    return st;
answer:
    wsk_unref(s);
    return wsk_complete(Irp, st, 0);
}

static NTSTATUS wsk_receive_from(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PSOCKADDR RemoteAddress,
                                 PULONG ControlLength, PCMSGHDR ControlInfo, PULONG ControlFlags, PIRP Irp)
{
    (void)ControlInfo;
    if (ControlLength != NULL)
        *ControlLength = 0; /* no control information is received */
    if (ControlFlags != NULL)
        *ControlFlags = 0;
    return wsk_receive_common(Socket, Buffer, Flags, RemoteAddress, Irp, "WskReceiveFrom", VF_CALLER);
}

static NTSTATUS wsk_receive(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    const void *site = VF_CALLER;
    if (Flags & WSK_FLAG_DRAIN)
        return wsk_complete(Irp, ke_unsupported("WskReceive(WSK_FLAG_DRAIN)", "draining is not implemented", site), 0);
    return wsk_receive_common(Socket, Buffer, Flags, NULL, Irp, "WskReceive", site);
}

/* WskRelease: indications the client kept (it returned STATUS_PENDING) go back. */
static NTSTATUS wsk_release(PWSK_SOCKET Socket, PVOID list, bool datagram)
{
    static const char fn[] = "WskRelease";
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    uintptr_t v;
    pthread_mutex_lock(&wsk_lock);
    bool live = Socket != NULL && ke_ptrmap_get(&wsk_sockets, Socket, &v);
    pthread_mutex_unlock(&wsk_lock);
    if (!live) {
        /* a socket closed since: its indications went with it */
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "Socket %p is not an open WSK socket", (void *)Socket);
        return STATUS_INVALID_PARAMETER;
    }
    struct wsk_socket *s = (struct wsk_socket *)Socket;
    while (list != NULL) {
        struct wsk_indication *ind = list; /* the indication is the block's first member */
        void *next = datagram ? (void *)ind->datagram.Next : (void *)ind->data.Next;
        pthread_mutex_lock(&s->lock);
        bool ours = false;
        for (LIST_ENTRY *e = s->retained.Flink; e != &s->retained; e = e->Flink)
            if (e == &ind->link) {
                ours = true;
                RemoveEntryList(e);
                break;
            }
        pthread_mutex_unlock(&s->lock);
        if (!ours) {
            vf_violation(VF_FREE_INVALID, fn, site, "%p is not an indication this socket handed out and the client kept",
                         list);
            return STATUS_INVALID_PARAMETER;
        }
        free(ind);
        list = next;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS wsk_release_datagrams(PWSK_SOCKET Socket, PWSK_DATAGRAM_INDICATION DatagramIndication)
{
    return wsk_release(Socket, DatagramIndication, true);
}

static NTSTATUS wsk_release_data(PWSK_SOCKET Socket, PWSK_DATA_INDICATION DataIndication)
{
    return wsk_release(Socket, DataIndication, false);
}

static NTSTATUS wsk_connect(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, ULONG Flags, PIRP Irp)
{
    static const char fn[] = "WskConnect";
    const void *site = VF_CALLER;
    (void)Flags;
    NTSTATUS entered;
    struct wsk_socket *s = wsk_enter(Socket, Irp, fn, site, &entered);
    if (s == NULL)
        return entered;
    NTSTATUS st = STATUS_INVALID_PARAMETER;
    if (!s->bound) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "the socket is not bound: WSK connects only a socket bound with WskBind first");
        st = STATUS_INVALID_DEVICE_STATE;
    } else if (wsk_addr_ok(RemoteAddress, "RemoteAddress", fn, site)) {
        int r = ke_sock_connect(s->fd, RemoteAddress);
        if (r == -EINPROGRESS) {
            struct wsk_op op = { .s = s, .irp = Irp };
            st = wsk_pend(s, &s->connects, &op);
            wsk_unref(s);
            return st;
        } else {
            st = wsk_status(r);
        }
    }
    wsk_unref(s);
    return wsk_complete(Irp, st, 0);
}

/* WskSocketConnect: socket, bind and connect in one; the IRP's Information is the socket. */
static NTSTATUS wsk_socket_connect_done(PDEVICE_OBJECT device, PIRP irp, PVOID context);
struct wsk_socket_connect {
    PIRP caller;
    struct wsk_socket *s;
};

static NTSTATUS wsk_socket_connect(PWSK_CLIENT Client, USHORT SocketType, ULONG Protocol, PSOCKADDR LocalAddress,
                                   PSOCKADDR RemoteAddress, ULONG Flags, PVOID SocketContext,
                                   const WSK_CLIENT_CONNECTION_DISPATCH *Dispatch, PEPROCESS OwningProcess,
                                   PETHREAD OwningThread, PSECURITY_DESCRIPTOR SecurityDescriptor, PIRP Irp)
{
    static const char fn[] = "WskSocketConnect";
    const void *site = VF_CALLER;
    (void)Flags, (void)OwningProcess, (void)OwningThread, (void)SecurityDescriptor;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site) || !wsk_irp_ok(Irp, fn, site))
        return STATUS_INVALID_PARAMETER;
    struct wsk_client *c = wsk_client_of(Client, fn, site);
    if (c == NULL || !wsk_addr_ok(LocalAddress, "LocalAddress", fn, site) ||
        !wsk_addr_ok(RemoteAddress, "RemoteAddress", fn, site))
        return wsk_complete(Irp, STATUS_INVALID_PARAMETER, 0);
    if (vf_fault_inject(fn, site))
        return wsk_complete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    struct wsk_socket *s;
    NTSTATUS st = wsk_open(c, LocalAddress->sa_family, SocketType, Protocol, WSK_FLAG_CONNECTION_SOCKET,
                           SocketContext, Dispatch, site, &s);
    if (!NT_SUCCESS(st))
        return wsk_complete(Irp, st, 0);
    st = wsk_status(ke_sock_bind(s->fd, LocalAddress));
    s->bound = NT_SUCCESS(st);
    int r = NT_SUCCESS(st) ? ke_sock_connect(s->fd, RemoteAddress) : 0;
    if (NT_SUCCESS(st) && r == -EINPROGRESS) {
        /* the connect is ours to wait for, with an IRP of our own */
        struct wsk_socket_connect *sc = malloc(sizeof *sc);
        PIRP own = sc == NULL ? NULL : IoAllocateIrp(1, FALSE);
        if (own != NULL) {
            *sc = (struct wsk_socket_connect){ Irp, s };
            IoSetCompletionRoutine(own, wsk_socket_connect_done, sc, TRUE, TRUE, TRUE);
            IoSetNextIrpStackLocation(Irp);
            IoMarkIrpPending(Irp);
            struct wsk_op op = { .s = s, .irp = own };
            wsk_pend(s, &s->connects, &op); /* own's routine answers Irp, failure included */
            return STATUS_PENDING;
        }
        free(sc);
        st = STATUS_INSUFFICIENT_RESOURCES;
    } else if (NT_SUCCESS(st)) {
        st = wsk_status(r);
    }
    if (NT_SUCCESS(st))
        return wsk_complete(Irp, STATUS_SUCCESS, (ULONG_PTR)s);
    pthread_mutex_lock(&wsk_lock);
    ke_ptrmap_remove(&wsk_sockets, s);
    pthread_mutex_unlock(&wsk_lock);
    wsk_unref(s);
    return wsk_complete(Irp, st, 0);
}

static NTSTATUS wsk_socket_connect_done(PDEVICE_OBJECT device, PIRP irp, PVOID context)
{
    (void)device;
    struct wsk_socket_connect *sc = context;
    NTSTATUS st = irp->IoStatus.Status;
    IoFreeIrp(irp);
    if (NT_SUCCESS(st)) {
        wsk_finish(sc->caller, STATUS_SUCCESS, (ULONG_PTR)sc->s);
    } else {
        pthread_mutex_lock(&wsk_lock);
        ke_ptrmap_remove(&wsk_sockets, sc->s);
        pthread_mutex_unlock(&wsk_lock);
        pthread_mutex_lock(&sc->s->lock);
        sc->s->closing = true;
        if (sc->s->watched)
            ke_sock_unwatch(sc->s->fd);
        pthread_mutex_unlock(&sc->s->lock);
        wsk_unref(sc->s);
        wsk_finish(sc->caller, st, 0);
    }
    free(sc);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static NTSTATUS wsk_disconnect(PWSK_SOCKET Socket, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    static const char fn[] = "WskDisconnect";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(DISPATCH_LEVEL, fn, site) || !wsk_irp_ok(Irp, fn, site))
        return STATUS_INVALID_PARAMETER;
    if (Buffer != NULL && Buffer->Length > 0)
        return wsk_complete(Irp, ke_unsupported("WskDisconnect with a final Buffer", "send it with WskSend first", site),
                            0);
    struct wsk_socket *s = wsk_socket_of(Socket, fn, site);
    if (s == NULL)
        return wsk_complete(Irp, STATUS_INVALID_PARAMETER, 0);
    NTSTATUS st = wsk_status(ke_sock_shutdown(s->fd, (Flags & WSK_FLAG_ABORTIVE) != 0));
    wsk_unref(s);
    return wsk_complete(Irp, st, 0);
}

/* ---- the poller: what waited is served ------------------------------------------------------------ */

static struct wsk_indication *wsk_indication_new(size_t room)
{
    return malloc(sizeof(struct wsk_indication) + room);
}

static void wsk_indication_describe(struct wsk_indication *ind, size_t len)
{
    MmInitializeMdl(&ind->mdl, ind->bytes, len);
    ind->mdl.MappedSystemVa = ind->bytes;
    ind->mdl.MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL;
}

/* An indication is listed as kept before the client sees it: it may hand it back with
 * WskRelease from another thread before its callback has even returned. */
static void wsk_indication_offer(struct wsk_socket *s, struct wsk_indication *ind)
{
    pthread_mutex_lock(&s->lock);
    InsertTailList(&s->retained, &ind->link);
    pthread_mutex_unlock(&s->lock);
}

/* The client's answer: kept (STATUS_PENDING) until WskRelease, or done with now. */
static void wsk_indication_answered(struct wsk_socket *s, struct wsk_indication *ind, NTSTATUS r)
{
    if (r == STATUS_PENDING)
        return;
    pthread_mutex_lock(&s->lock);
    RemoveEntryList(&ind->link);
    pthread_mutex_unlock(&s->lock);
    free(ind);
}

static void wsk_disconnected(struct wsk_socket *s, bool abortive, NTSTATUS status)
{
    LIST_ENTRY drained;
    InitializeListHead(&drained);
    pthread_mutex_lock(&s->lock);
    s->peer_closed = true;
    for (struct wsk_op *op; (op = wsk_take_locked(&s->receives)) != NULL;)
        InsertTailList(&drained, &op->link);
    pthread_mutex_unlock(&s->lock);
    while (!IsListEmpty(&drained)) {
        struct wsk_op *op = CONTAINING_RECORD(RemoveHeadList(&drained), struct wsk_op, link);
        wsk_done(op, status, NT_SUCCESS(status) ? op->done : 0);
    }
    const WSK_CLIENT_CONNECTION_DISPATCH *cn = s->events;
    if ((atomic_load(&s->mask) & WSK_EVENT_DISCONNECT) && cn != NULL && cn->WskDisconnectEvent != NULL) {
        KE_DRIVER_CALL(cn->WskDisconnectEvent, s->context,
                       WSK_FLAG_AT_DISPATCH_LEVEL | (abortive ? WSK_FLAG_ABORTIVE : 0));
        ke_irql_after_handler(DISPATCH_LEVEL, "WskDisconnectEvent", (const void *)cn->WskDisconnectEvent);
    }
}

static void wsk_serve_datagrams(struct wsk_socket *s)
{
    for (int i = 0; i < 64; i++) {
        pthread_mutex_lock(&s->lock);
        struct wsk_op *op = s->closing ? NULL : wsk_take_locked(&s->receives);
        pthread_mutex_unlock(&s->lock);
        if (op != NULL) {
            ssize_t r = wsk_receive_into(s, op);
            if (r == -EAGAIN || r == -EWOULDBLOCK) {
                wsk_requeue(s, &s->receives, op);
                return;
            }
            wsk_done(op, r < 0 ? wsk_status((int)r) : STATUS_SUCCESS, r < 0 ? 0 : (ULONG_PTR)r);
            continue;
        }
        const WSK_CLIENT_DATAGRAM_DISPATCH *dg = s->events;
        if (!(atomic_load(&s->mask) & WSK_EVENT_RECEIVE_FROM) || dg == NULL || dg->WskReceiveFromEvent == NULL)
            return;
        struct wsk_indication *ind = wsk_indication_new(65536);
        if (ind == NULL)
            return;
        struct iovec iov = { ind->bytes, 65536 };
        ssize_t r = ke_sock_recv(s->fd, &iov, 1, &ind->from, NULL);
        if (r < 0) {
            free(ind);
            if (r == -EAGAIN || r == -EWOULDBLOCK)
                return;
            continue; /* an ICMP error for an earlier send: no datagram */
        }
        wsk_indication_describe(ind, (size_t)r);
        ind->datagram = (WSK_DATAGRAM_INDICATION){ .Buffer = { &ind->mdl, 0, (SIZE_T)r },
                                                   .RemoteAddress = (PSOCKADDR)&ind->from };
        wsk_indication_offer(s, ind);
        NTSTATUS answer = KE_DRIVER_CALL(dg->WskReceiveFromEvent, s->context, WSK_FLAG_AT_DISPATCH_LEVEL, &ind->datagram);
        ke_irql_after_handler(DISPATCH_LEVEL, "WskReceiveFromEvent", (const void *)dg->WskReceiveFromEvent);
        wsk_indication_answered(s, ind, answer);
    }
}

/* Keeps the bytes of ind from `from` on for the next WskReceive (the block is the socket's
 * now; `offered`: take it off the kept list first). */
static void wsk_backlog_set(struct wsk_socket *s, struct wsk_indication *ind, size_t from, size_t len, bool offered)
{
    pthread_mutex_lock(&s->lock);
    if (offered)
        RemoveEntryList(&ind->link);
    free(s->backlog);
    s->backlog = ind;
    s->backlog_off = from;
    s->backlog_len = len;
    pthread_mutex_unlock(&s->lock);
}

static void wsk_serve_stream(struct wsk_socket *s)
{
    for (int i = 0; i < 64; i++) {
        pthread_mutex_lock(&s->lock);
        struct wsk_op *op = s->closing || s->peer_closed ? NULL : wsk_take_locked(&s->receives);
        bool stopped = s->closing || s->peer_closed || s->backlog_len > 0;
        if (op != NULL && s->backlog_len > 0) {
            /* bytes an event declined while this receive was being posted */
            size_t got = wsk_copy_to(&op->buf, op->done, s->backlog->bytes + s->backlog_off, s->backlog_len);
            s->backlog_off += got;
            s->backlog_len -= got;
            pthread_mutex_unlock(&s->lock);
            op->done += got;
            if ((op->flags & WSK_FLAG_WAITALL) && op->done < op->buf.Length)
                wsk_requeue(s, &s->receives, op);
            else
                wsk_done(op, STATUS_SUCCESS, op->done);
            continue;
        }
        pthread_mutex_unlock(&s->lock);
        if (op != NULL) {
            ssize_t r = wsk_receive_into(s, op);
            if (r == -EAGAIN || r == -EWOULDBLOCK) {
                wsk_requeue(s, &s->receives, op);
                return;
            }
            if (r > 0) {
                op->done += (size_t)r;
                if ((op->flags & WSK_FLAG_WAITALL) && op->done < op->buf.Length) {
                    wsk_requeue(s, &s->receives, op);
                    continue;
                }
                wsk_done(op, STATUS_SUCCESS, op->done);
                continue;
            }
            wsk_requeue(s, &s->receives, op); /* answered with the others below */
            wsk_disconnected(s, r < 0, r < 0 ? wsk_status((int)r) : STATUS_SUCCESS);
            return;
        }
        const WSK_CLIENT_CONNECTION_DISPATCH *cn = s->events;
        unsigned mask = atomic_load(&s->mask);
        if (stopped || !(mask & (WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT)) || cn == NULL)
            return;
        struct wsk_indication *ind = wsk_indication_new(65536);
        if (ind == NULL)
            return;
        struct iovec iov = { ind->bytes, 65536 };
        ssize_t r = ke_sock_recv(s->fd, &iov, 1, NULL, NULL);
        if (r == -EAGAIN || r == -EWOULDBLOCK) {
            free(ind);
            return;
        }
        if (r <= 0) {
            free(ind);
            wsk_disconnected(s, r < 0, r < 0 ? wsk_status((int)r) : STATUS_SUCCESS);
            return;
        }
        if (!(mask & WSK_EVENT_RECEIVE) || cn->WskReceiveEvent == NULL) {
            /* only disconnects are evented: the bytes wait for a WskReceive */
            wsk_backlog_set(s, ind, 0, (size_t)r, false);
            continue; /* a WskReceive may have been posted meanwhile */
        }
        wsk_indication_describe(ind, (size_t)r);
        ind->data = (WSK_DATA_INDICATION){ .Buffer = { &ind->mdl, 0, (SIZE_T)r } };
        SIZE_T accepted = 0;
        wsk_indication_offer(s, ind);
        NTSTATUS answer =
            KE_DRIVER_CALL(cn->WskReceiveEvent, s->context, WSK_FLAG_AT_DISPATCH_LEVEL, &ind->data, (SIZE_T)r, &accepted);
        ke_irql_after_handler(DISPATCH_LEVEL, "WskReceiveEvent", (const void *)cn->WskReceiveEvent);
        if (answer == STATUS_PENDING || (answer == STATUS_SUCCESS && accepted >= (SIZE_T)r)) {
            wsk_indication_answered(s, ind, answer);
            continue;
        }
        /* not accepted (or in part): the rest waits for WskReceive, and indications stop */
        size_t taken = answer == STATUS_SUCCESS ? accepted : 0;
        wsk_backlog_set(s, ind, taken, (size_t)r - taken, true);
        /* a WskReceive may have been posted while the event ran: the loop serves it */
    }
}

static void wsk_serve_sends(struct wsk_socket *s)
{
    for (;;) {
        pthread_mutex_lock(&s->lock);
        struct wsk_op *op = s->closing ? NULL : wsk_take_locked(&s->sends);
        pthread_mutex_unlock(&s->lock);
        if (op == NULL)
            return;
        NTSTATUS st;
        if (!wsk_send_step(s, op, &st)) {
            wsk_requeue(s, &s->sends, op);
            return;
        }
        wsk_done(op, st, NT_SUCCESS(st) ? op->done : 0);
    }
}

static void wsk_serve_connect(struct wsk_socket *s)
{
    pthread_mutex_lock(&s->lock);
    struct wsk_op *op = s->closing ? NULL : wsk_take_locked(&s->connects);
    pthread_mutex_unlock(&s->lock);
    if (op != NULL)
        wsk_done(op, wsk_status(ke_sock_error(s->fd)), 0);
}

static void wsk_ready(void *context, bool in, bool out, bool error)
{
    uintptr_t v;
    struct wsk_socket *s = context;
    pthread_mutex_lock(&wsk_lock);
    bool live = ke_ptrmap_get(&wsk_sockets, s, &v);
    if (live)
        atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&wsk_lock);
    if (!live)
        return;
    KIRQL old = ke_irql_set(DISPATCH_LEVEL); /* completions and events run as a DPC would */
    if (out || error) {
        wsk_serve_connect(s);
        wsk_serve_sends(s);
    }
    if (in || error) {
        if (s->category == WSK_FLAG_DATAGRAM_SOCKET)
            wsk_serve_datagrams(s);
        else if (s->category == WSK_FLAG_CONNECTION_SOCKET)
            wsk_serve_stream(s);
    }
    ke_irql_set(old);
    wsk_rearm(s, error);
    wsk_unref(s);
}

/* ---- what is not implemented: named, failed ---------------------------------------------------- */

static NTSTATUS wsk_control_client(PWSK_CLIENT Client, ULONG ControlCode, SIZE_T InputSize, PVOID InputBuffer,
                                   SIZE_T OutputSize, PVOID OutputBuffer, SIZE_T *OutputSizeReturned, PIRP Irp)
{
    (void)Client, (void)ControlCode, (void)InputSize, (void)InputBuffer, (void)OutputSize, (void)OutputBuffer;
    (void)OutputSizeReturned;
    NTSTATUS st = ke_unsupported("WskControlClient", "no client-level control is implemented", VF_CALLER);
    return wsk_complete(Irp, st, 0);
}

static NTSTATUS wsk_get_address_info(PWSK_CLIENT Client, PUNICODE_STRING NodeName, PUNICODE_STRING ServiceName,
                                     ULONG NameSpace, GUID *Provider, PVOID Hints, PVOID *Result,
                                     PEPROCESS OwningProcess, PETHREAD OwningThread, PIRP Irp)
{
    (void)Client, (void)NodeName, (void)ServiceName, (void)NameSpace, (void)Provider, (void)Hints;
    (void)OwningProcess, (void)OwningThread;
    if (Result != NULL)
        *Result = NULL;
    NTSTATUS st = ke_unsupported("WskGetAddressInfo", "name resolution (WSK 1.1) is not implemented", VF_CALLER);
    return wsk_complete(Irp, st, 0);
}

static VOID wsk_free_address_info(PWSK_CLIENT Client, PVOID AddrInfo)
{
    (void)Client;
    if (AddrInfo != NULL)
        vf_violation(VF_FREE_INVALID, "WskFreeAddressInfo", VF_CALLER,
                     "%p did not come from WskGetAddressInfo, which never returns one here", AddrInfo);
}

static NTSTATUS wsk_get_name_info(PWSK_CLIENT Client, PSOCKADDR SockAddr, ULONG SockAddrLength,
                                  PUNICODE_STRING NodeName, PUNICODE_STRING ServiceName, ULONG Flags,
                                  PEPROCESS OwningProcess, PETHREAD OwningThread, PIRP Irp)
{
    (void)Client, (void)SockAddr, (void)SockAddrLength, (void)NodeName, (void)ServiceName, (void)Flags;
    (void)OwningProcess, (void)OwningThread;
    NTSTATUS st = ke_unsupported("WskGetNameInfo", "name resolution (WSK 1.1) is not implemented", VF_CALLER);
    return wsk_complete(Irp, st, 0);
}

static NTSTATUS wsk_send_messages(PWSK_SOCKET Socket, PWSK_BUF_LIST BufferList, ULONG Flags, PSOCKADDR RemoteAddress,
                                  ULONG ControlInfoLength, PCMSGHDR ControlInfo, PIRP Irp)
{
    (void)Socket, (void)BufferList, (void)Flags, (void)RemoteAddress, (void)ControlInfoLength, (void)ControlInfo;
    NTSTATUS st = ke_unsupported("WskSendMessages", "send each datagram with WskSendTo", VF_CALLER);
    return wsk_complete(Irp, st, 0);
}

static NTSTATUS wsk_connect_ex(PWSK_SOCKET Socket, PSOCKADDR RemoteAddress, PWSK_BUF Buffer, ULONG Flags, PIRP Irp)
{
    (void)Socket, (void)RemoteAddress, (void)Buffer, (void)Flags;
    NTSTATUS st = ke_unsupported("WskConnectEx", "connect with WskConnect, then WskSend", VF_CALLER);
    return wsk_complete(Irp, st, 0);
}

/* ---- the dispatch tables, in both conventions ------------------------------------------------------ */

/* A Microsoft-ABI entry point for a provider function: records the driver's call site, as the
 * export thunks do (vf.h), so findings name the driver's line. */
#define WSK_MS(ret, name, params, args)                                                                   \
    __attribute__((ms_abi, section("openndis_ms_thunks"), noinline)) static ret name##_ms params          \
    {                                                                                                     \
        const void *prev = vf_ms_caller;                                                                  \
        vf_ms_caller = __builtin_extract_return_addr(__builtin_return_address(0));                        \
        ret r = name args;                                                                                \
        vf_ms_caller = prev;                                                                              \
        return r;                                                                                         \
    }
WSK_MS(NTSTATUS, wsk_socket,
       (PWSK_CLIENT a, ADDRESS_FAMILY b, USHORT c, ULONG d, ULONG e, PVOID f, const VOID *g, PEPROCESS h, PETHREAD i,
        PSECURITY_DESCRIPTOR j, PIRP k),
       (a, b, c, d, e, f, g, h, i, j, k))
WSK_MS(NTSTATUS, wsk_socket_connect,
       (PWSK_CLIENT a, USHORT b, ULONG c, PSOCKADDR d, PSOCKADDR e, ULONG f, PVOID g,
        const WSK_CLIENT_CONNECTION_DISPATCH *h, PEPROCESS i, PETHREAD j, PSECURITY_DESCRIPTOR k, PIRP l),
       (a, b, c, d, e, f, g, h, i, j, k, l))
WSK_MS(NTSTATUS, wsk_control_client,
       (PWSK_CLIENT a, ULONG b, SIZE_T c, PVOID d, SIZE_T e, PVOID f, SIZE_T *g, PIRP h), (a, b, c, d, e, f, g, h))
WSK_MS(NTSTATUS, wsk_get_address_info,
       (PWSK_CLIENT a, PUNICODE_STRING b, PUNICODE_STRING c, ULONG d, GUID *e, PVOID f, PVOID *g, PEPROCESS h,
        PETHREAD i, PIRP j),
       (a, b, c, d, e, f, g, h, i, j))
WSK_MS(NTSTATUS, wsk_get_name_info,
       (PWSK_CLIENT a, PSOCKADDR b, ULONG c, PUNICODE_STRING d, PUNICODE_STRING e, ULONG f, PEPROCESS g, PETHREAD h,
        PIRP i),
       (a, b, c, d, e, f, g, h, i))
WSK_MS(NTSTATUS, wsk_control,
       (PWSK_SOCKET a, WSK_CONTROL_SOCKET_TYPE b, ULONG c, ULONG d, SIZE_T e, PVOID f, SIZE_T g, PVOID h, SIZE_T *i,
        PIRP j),
       (a, b, c, d, e, f, g, h, i, j))
WSK_MS(NTSTATUS, wsk_close, (PWSK_SOCKET a, PIRP b), (a, b))
WSK_MS(NTSTATUS, wsk_bind, (PWSK_SOCKET a, PSOCKADDR b, ULONG c, PIRP d), (a, b, c, d))
WSK_MS(NTSTATUS, wsk_connect, (PWSK_SOCKET a, PSOCKADDR b, ULONG c, PIRP d), (a, b, c, d))
WSK_MS(NTSTATUS, wsk_connect_ex, (PWSK_SOCKET a, PSOCKADDR b, PWSK_BUF c, ULONG d, PIRP e), (a, b, c, d, e))
WSK_MS(NTSTATUS, wsk_local_address, (PWSK_SOCKET a, PSOCKADDR b, PIRP c), (a, b, c))
WSK_MS(NTSTATUS, wsk_remote_address, (PWSK_SOCKET a, PSOCKADDR b, PIRP c), (a, b, c))
WSK_MS(NTSTATUS, wsk_send, (PWSK_SOCKET a, PWSK_BUF b, ULONG c, PIRP d), (a, b, c, d))
WSK_MS(NTSTATUS, wsk_receive, (PWSK_SOCKET a, PWSK_BUF b, ULONG c, PIRP d), (a, b, c, d))
WSK_MS(NTSTATUS, wsk_disconnect, (PWSK_SOCKET a, PWSK_BUF b, ULONG c, PIRP d), (a, b, c, d))
WSK_MS(NTSTATUS, wsk_release_data, (PWSK_SOCKET a, PWSK_DATA_INDICATION b), (a, b))
WSK_MS(NTSTATUS, wsk_release_datagrams, (PWSK_SOCKET a, PWSK_DATAGRAM_INDICATION b), (a, b))
WSK_MS(NTSTATUS, wsk_send_to, (PWSK_SOCKET a, PWSK_BUF b, ULONG c, PSOCKADDR d, ULONG e, PCMSGHDR f, PIRP g),
       (a, b, c, d, e, f, g))
WSK_MS(NTSTATUS, wsk_send_messages,
       (PWSK_SOCKET a, PWSK_BUF_LIST b, ULONG c, PSOCKADDR d, ULONG e, PCMSGHDR f, PIRP g), (a, b, c, d, e, f, g))
WSK_MS(NTSTATUS, wsk_receive_from,
       (PWSK_SOCKET a, PWSK_BUF b, ULONG c, PSOCKADDR d, PULONG e, PCMSGHDR f, PULONG g, PIRP h),
       (a, b, c, d, e, f, g, h))
__attribute__((ms_abi, section("openndis_ms_thunks"), noinline)) static VOID wsk_free_address_info_ms(PWSK_CLIENT a,
                                                                                                       PVOID b)
{
    const void *prev = vf_ms_caller;
    vf_ms_caller = __builtin_extract_return_addr(__builtin_return_address(0));
    wsk_free_address_info(a, b);
    vf_ms_caller = prev;
}

/* The tables' members are declared in the host convention; a PE client's hold ms_abi code. */
#define MS(fn) ((__typeof__(&fn))(void *)fn##_ms)

static const WSK_PROVIDER_DISPATCH wsk_provider = {
    WSK_VERSION, 0, wsk_socket, wsk_socket_connect, wsk_control_client,
    wsk_get_address_info, wsk_free_address_info, wsk_get_name_info,
};
static const WSK_PROVIDER_DISPATCH wsk_provider_ms = {
    WSK_VERSION, 0, MS(wsk_socket), MS(wsk_socket_connect), MS(wsk_control_client),
    MS(wsk_get_address_info), MS(wsk_free_address_info), MS(wsk_get_name_info),
};
static const WSK_PROVIDER_BASIC_DISPATCH wsk_basic = { wsk_control, wsk_close };
static const WSK_PROVIDER_BASIC_DISPATCH wsk_basic_ms = { MS(wsk_control), MS(wsk_close) };
static const WSK_PROVIDER_DATAGRAM_DISPATCH wsk_datagram = {
    .Basic = { wsk_control, wsk_close }, .WskBind = wsk_bind, .WskSendTo = wsk_send_to,
    .WskReceiveFrom = wsk_receive_from, .WskRelease = wsk_release_datagrams, .WskGetLocalAddress = wsk_local_address,
    .WskSendMessages = wsk_send_messages,
};
static const WSK_PROVIDER_DATAGRAM_DISPATCH wsk_datagram_ms = {
    .Basic = { MS(wsk_control), MS(wsk_close) }, .WskBind = MS(wsk_bind), .WskSendTo = MS(wsk_send_to),
    .WskReceiveFrom = MS(wsk_receive_from), .WskRelease = MS(wsk_release_datagrams),
    .WskGetLocalAddress = MS(wsk_local_address), .WskSendMessages = MS(wsk_send_messages),
};
static const WSK_PROVIDER_CONNECTION_DISPATCH wsk_connection = {
    .Basic = { wsk_control, wsk_close }, .WskBind = wsk_bind, .WskConnect = wsk_connect,
    .WskGetLocalAddress = wsk_local_address, .WskGetRemoteAddress = wsk_remote_address, .WskSend = wsk_send,
    .WskReceive = wsk_receive, .WskDisconnect = wsk_disconnect, .WskRelease = wsk_release_data,
    .WskConnectEx = wsk_connect_ex,
};
static const WSK_PROVIDER_CONNECTION_DISPATCH wsk_connection_ms = {
    .Basic = { MS(wsk_control), MS(wsk_close) }, .WskBind = MS(wsk_bind), .WskConnect = MS(wsk_connect),
    .WskGetLocalAddress = MS(wsk_local_address), .WskGetRemoteAddress = MS(wsk_remote_address),
    .WskSend = MS(wsk_send), .WskReceive = MS(wsk_receive), .WskDisconnect = MS(wsk_disconnect),
    .WskRelease = MS(wsk_release_data), .WskConnectEx = MS(wsk_connect_ex),
};

/* ---- registration (the NETIO.SYS exports) ---------------------------------------------------------- */

static struct wsk_client *wsk_registration_of(PWSK_REGISTRATION r, const char *fn, const void *site)
{
    uintptr_t v;
    struct wsk_client *c = r == NULL ? NULL : r->ReservedRegistrationContext;
    pthread_mutex_lock(&wsk_lock);
    bool live = c != NULL && ke_ptrmap_get(&wsk_clients, c, &v) && c->registration == r;
    pthread_mutex_unlock(&wsk_lock);
    if (!live)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "WskRegistration %p is not registered (WskRegister)", (void *)r);
    return live ? c : NULL;
}

NTSTATUS WSKAPI WskRegister(PWSK_CLIENT_NPI WskClientNpi, PWSK_REGISTRATION WskRegistration)
{
    static const char fn[] = "WskRegister";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return STATUS_INVALID_DEVICE_STATE;
    if (WskClientNpi == NULL || WskClientNpi->Dispatch == NULL || WskRegistration == NULL) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "%s is NULL",
                     WskRegistration == NULL ? "WskRegistration"
                     : WskClientNpi == NULL  ? "WskClientNpi"
                                             : "WskClientNpi->Dispatch");
        return STATUS_INVALID_PARAMETER;
    }
    void *shadow = ke_ex_alloc(sizeof(void *), WSK_TAG, site, fn);
    struct wsk_client *c = shadow == NULL ? NULL : calloc(1, sizeof *c);
    if (c == NULL) {
        ke_pool_free(shadow);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    c->registration = WskRegistration;
    c->npi = *WskClientNpi;
    c->ms = ke_ms_abi_code(site);
    c->shadow = shadow;
    atomic_init(&c->refs, 1);
    pthread_mutex_lock(&wsk_lock);
    bool tracked = ke_ptrmap_put(&wsk_clients, c, 1);
    pthread_mutex_unlock(&wsk_lock);
    if (!tracked) {
        ke_pool_free(shadow);
        free(c);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    WskRegistration->ReservedRegistrationState = 1;
    WskRegistration->ReservedRegistrationContext = c;
    return STATUS_SUCCESS;
}

NTSTATUS WSKAPI WskCaptureProviderNPI(PWSK_REGISTRATION WskRegistration, ULONG WaitTimeout,
                                      PWSK_PROVIDER_NPI WskProviderNpi)
{
    static const char fn[] = "WskCaptureProviderNPI";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(WaitTimeout == WSK_NO_WAIT ? DISPATCH_LEVEL : PASSIVE_LEVEL, fn, site))
        return STATUS_INVALID_DEVICE_STATE;
    struct wsk_client *c = wsk_registration_of(WskRegistration, fn, site);
    if (c == NULL || WskProviderNpi == NULL)
        return STATUS_INVALID_PARAMETER;
    if (atomic_load(&c->deregistering))
        return STATUS_DEVICE_NOT_READY;
    if (WSK_MAJOR_VERSION(c->npi.Dispatch->Version) != 1)
        return STATUS_NOINTERFACE;
    atomic_fetch_add(&c->captures, 1);
    WskProviderNpi->Client = c;
    WskProviderNpi->Dispatch = c->ms ? &wsk_provider_ms : &wsk_provider;
    return STATUS_SUCCESS;
}

VOID WSKAPI WskReleaseProviderNPI(PWSK_REGISTRATION WskRegistration)
{
    static const char fn[] = "WskReleaseProviderNPI";
    const void *site = VF_CALLER;
    struct wsk_client *c = wsk_registration_of(WskRegistration, fn, site);
    if (c == NULL)
        return;
    int before = atomic_load(&c->captures);
    while (before > 0 && !atomic_compare_exchange_weak(&c->captures, &before, before - 1))
        ;
    if (before <= 0)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "released more often than WskCaptureProviderNPI succeeded for this registration");
}

NTSTATUS WSKAPI WskQueryProviderCharacteristics(PWSK_REGISTRATION WskRegistration,
                                                PWSK_PROVIDER_CHARACTERISTICS WskProviderCharacteristics)
{
    const void *site = VF_CALLER;
    if (wsk_registration_of(WskRegistration, "WskQueryProviderCharacteristics", site) == NULL ||
        WskProviderCharacteristics == NULL)
        return STATUS_INVALID_PARAMETER;
    WskProviderCharacteristics->HighestVersion = WSK_VERSION;
    WskProviderCharacteristics->LowestVersion = WSK_VERSION;
    return STATUS_SUCCESS;
}

/* Waits (bounded) for the client's sockets to close and its captures to be released, as
 * Windows waits without bound; what is left is reported, not waited for. */
VOID WSKAPI WskDeregister(PWSK_REGISTRATION WskRegistration)
{
    static const char fn[] = "WskDeregister";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return;
    struct wsk_client *c = wsk_registration_of(WskRegistration, fn, site);
    if (c == NULL)
        return;
    atomic_store(&c->deregistering, true);
    for (int waited = 0; waited < WSK_DEREGISTER_WAIT_MS; waited += 10) {
        if (atomic_load(&c->sockets) == 0 && atomic_load(&c->captures) == 0)
            break;
        nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
    }
    int sockets = atomic_load(&c->sockets), captures = atomic_load(&c->captures);
    pthread_mutex_lock(&wsk_lock);
    ke_ptrmap_remove(&wsk_clients, c);
    pthread_mutex_unlock(&wsk_lock);
    WskRegistration->ReservedRegistrationState = 0;
    WskRegistration->ReservedRegistrationContext = NULL;
    ke_pool_free(c->shadow);
    if (sockets != 0 || captures != 0) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "%d socket%s still open and %d provider capture%s not released after %d ms: Windows waits "
                     "for them without end (close every socket and call WskReleaseProviderNPI first)",
                     sockets, sockets == 1 ? "" : "s", captures, captures == 1 ? "" : "s", WSK_DEREGISTER_WAIT_MS);
    }
    wsk_client_unref(c); /* sockets left open keep it until they close */
}

/* ---- a driver unloading with sockets open ------------------------------------------------------ */

/* Its sockets and registrations go (the driver's code is about to be unmapped, and the poller
 * must not call into it); their pool blocks stay, for the leak report (ND1201) to name the
 * WskSocket and WskRegister calls. Nothing of the driver is called. */
/* ke_ptrmap_each over the live sockets: those of the unloading driver move to the list. */
static void wsk_socket_doom(const void *key, uintptr_t value, void *arg)
{
    (void)value;
    struct wsk_unload *u = arg;
    struct wsk_socket *s = (struct wsk_socket *)key;
    if (s->shadow != NULL && ke_pool_owner(s->shadow) == u->pool) {
        ke_ptrmap_remove(&wsk_sockets, s);
        InsertTailList(&u->doomed, &s->unload_link);
    }
}

static void wsk_client_doom(const void *key, uintptr_t value, void *arg)
{
    (void)value;
    struct wsk_unload *u = arg;
    struct wsk_client *c = (struct wsk_client *)key;
    if (c->shadow != NULL && ke_pool_owner(c->shadow) == u->pool) {
        ke_ptrmap_remove(&wsk_clients, c);
        atomic_store(&c->deregistering, true);
        c->shadow = NULL;    /* reported as leaked */
        wsk_client_unref(c); /* the registration's reference: nobody will deregister it */
    }
}

void ke_wsk_driver_unloaded(struct ke_pool *pool)
{
    if (pool == NULL)
        return;
    struct wsk_unload u = { .pool = pool };
    InitializeListHead(&u.doomed);
    pthread_mutex_lock(&wsk_lock);
    ke_ptrmap_each(&wsk_sockets, wsk_socket_doom, &u);
    ke_ptrmap_each(&wsk_clients, wsk_client_doom, &u);
    pthread_mutex_unlock(&wsk_lock);
    while (!IsListEmpty(&u.doomed)) {
        struct wsk_socket *s = CONTAINING_RECORD(RemoveHeadList(&u.doomed), struct wsk_socket, unload_link);
        pthread_mutex_lock(&s->lock);
        s->closing = true;
        if (s->watched)
            ke_sock_unwatch(s->fd);
        LIST_ENTRY *lists[] = { &s->receives, &s->sends, &s->connects };
        for (size_t l = 0; l < 3; l++)
            for (struct wsk_op *op; (op = wsk_take_locked(lists[l])) != NULL;)
                free(op); /* its IRP is the driver's, leaked with it */
        s->shadow = NULL;
        pthread_mutex_unlock(&s->lock);
        wsk_unref(s);
    }
}
