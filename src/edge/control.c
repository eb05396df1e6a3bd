/* The control socket: Linux programs as the user side of a driver's control devices. Each
 * connection is a client process (its credentials from the socket) with its own handles; each
 * request it sends becomes an IRP (irp.c) dispatched on the connection's own thread, and its
 * answer goes back when the driver completes it. The protocol is common/wire.h. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "edge.h"
#include "../common/wire.h"
#include "../kernel/irp.h"

#define EDGE_MAX_CLIENTS 64
#define EDGE_MAX_HANDLES 256
#define EDGE_MAX_OUTSTANDING 1024

struct edge_control;

struct edge_client {
    int fd;
    pid_t pid;
    struct ke_process *process;
    pthread_t thread;
    pthread_mutex_t send_lock;
    struct ke_file *files[EDGE_MAX_HANDLES]; /* handle h is files[h - 1]; only the reader thread changes it */
    atomic_int refs;                         /* the reader thread + one per outstanding request */
    atomic_uint outstanding;
    atomic_bool finished;                    /* the reader thread is done: join it */
    struct edge_client *next;
};

struct edge_control {
    int fd;
    int stop;                                /* eventfd: wakes the accept thread */
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    pthread_t thread;
    pthread_mutex_t lock;                    /* clients */
    struct edge_client *clients;
    unsigned nclients;
};

static void edge_client_unref(struct edge_client *c)
{
    if (atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    close(c->fd);
    pthread_mutex_destroy(&c->send_lock);
    free(c);
}

/* One answer. A client that stops reading its answers is disconnected rather than allowed to
 * hold the completing thread (maybe the driver's DPC) for long: the socket has a send timeout. */
static void edge_send(struct edge_client *c, uint64_t tag, uint32_t handle, NTSTATUS status, ULONG_PTR information,
                      const void *out, size_t out_len)
{
    struct wire_complete m = { .h = WIRE_HEADER_INIT(WIRE_COMPLETE, tag, handle, (uint32_t)out_len),
                               .status = (uint32_t)status, .information = information };
    struct iovec iov[2] = { { &m, sizeof m }, { (void *)out, out_len } };
    struct msghdr msg = { .msg_iov = iov, .msg_iovlen = out_len ? 2 : 1 };
    pthread_mutex_lock(&c->send_lock);
    ssize_t n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
    pthread_mutex_unlock(&c->send_lock);
    if (n < 0)
        shutdown(c->fd, SHUT_RDWR); /* gone or not reading: the reader thread cleans up */
}

struct edge_pending {
    struct edge_client *client;
    uint64_t tag;
};

static void edge_request_done(void *context, NTSTATUS status, ULONG_PTR information, const void *out, size_t out_len)
{
    struct edge_pending *p = context;
    struct edge_client *c = p->client;
    edge_send(c, p->tag, 0, status, information, out, out_len);
    atomic_fetch_sub(&c->outstanding, 1);
    free(p);
    edge_client_unref(c);
}

static struct ke_file *edge_file(struct edge_client *c, uint32_t handle)
{
    return handle >= 1 && handle <= EDGE_MAX_HANDLES ? c->files[handle - 1] : NULL;
}

/* The names Windows programs open, turned into the object manager's: \\.\X and
 * \\.\Global\X are \??\X; \DosDevices\X, \??\X, \GLOBAL??\X and \Device\X pass as they are. */
static void edge_object_name(const char *name, size_t len, char *out, size_t cap)
{
    if (len >= 4 && memcmp(name, "\\\\.\\", 4) == 0) {
        name += 4, len -= 4;
        if (len >= 11 && strncasecmp(name, "GLOBALROOT\\", 11) == 0) { /* \\.\GLOBALROOT\Device\X is \Device\X */
            snprintf(out, cap, "%.*s", (int)(len - 10), name + 10);
            return;
        }
        if (len >= 7 && strncasecmp(name, "Global\\", 7) == 0)
            name += 7, len -= 7;
        snprintf(out, cap, "\\??\\%.*s", (int)len, name);
    } else {
        snprintf(out, cap, "%.*s", (int)len, name);
    }
}

static void edge_on_open(struct edge_client *c, const struct wire_open *m, size_t n)
{
    if (n < sizeof *m || m->h.length > WIRE_MAX_NAME || n != sizeof *m + m->h.length) {
        edge_send(c, m->h.tag, 0, STATUS_OBJECT_NAME_INVALID, 0, NULL, 0);
        return;
    }
    const char *name = (const char *)(m + 1);
    if (memchr(name, 0, m->h.length) != NULL || m->h.length == 0) {
        edge_send(c, m->h.tag, 0, STATUS_OBJECT_NAME_INVALID, 0, NULL, 0);
        return;
    }
    unsigned slot = 0;
    while (slot < EDGE_MAX_HANDLES && c->files[slot] != NULL)
        slot++;
    if (slot == EDGE_MAX_HANDLES) {
        edge_send(c, m->h.tag, 0, STATUS_INSUFFICIENT_RESOURCES, 0, NULL, 0);
        return;
    }
    char object[WIRE_MAX_NAME + 8];
    edge_object_name(name, m->h.length, object, sizeof object);
    struct ke_file *f;
    NTSTATUS s = ke_io_open(c->process, object, m->access, &f);
    if (NT_SUCCESS(s))
        c->files[slot] = f;
    edge_send(c, m->h.tag, NT_SUCCESS(s) ? slot + 1 : 0, s, 0, NULL, 0);
}

static void edge_submit(struct edge_client *c, struct ke_file *f, struct ke_io_request *r, uint64_t tag)
{
    struct edge_pending *p = NULL;
    if (atomic_load(&c->outstanding) >= EDGE_MAX_OUTSTANDING || (p = malloc(sizeof *p)) == NULL) {
        edge_send(c, tag, 0, STATUS_INSUFFICIENT_RESOURCES, 0, NULL, 0);
        return;
    }
    *p = (struct edge_pending){ c, tag };
    atomic_fetch_add(&c->refs, 1);
    atomic_fetch_add(&c->outstanding, 1);
    r->tag = tag;
    r->done = edge_request_done;
    r->context = p;
    ke_io_submit(f, r);
}

static void edge_on_request(struct edge_client *c, const struct wire_header *h, size_t n)
{
    struct ke_file *f = edge_file(c, h->handle);
    if (f == NULL) {
        edge_send(c, h->tag, 0, STATUS_INVALID_HANDLE, 0, NULL, 0);
        return;
    }
    struct ke_io_request r = { 0 };
    switch (h->type) {
    case WIRE_IOCTL: {
        const struct wire_ioctl *m = (const void *)h;
        bool neither = (m->code & 3) == METHOD_NEITHER; /* the addresses, not the bytes */
        size_t want = sizeof *m + (neither ? 0 : (size_t)m->in_len + (m->out_in ? m->out_len : 0));
        if (n < sizeof *m || m->in_len > WIRE_MAX_DATA || m->out_len > WIRE_MAX_DATA || n != want) {
            edge_send(c, h->tag, 0, STATUS_INVALID_PARAMETER, 0, NULL, 0);
            return;
        }
        r = (struct ke_io_request){ .major = IRP_MJ_DEVICE_CONTROL, .code = m->code, .in = neither ? NULL : m + 1,
                                    .in_len = m->in_len, .out_len = m->out_len,
                                    .out_in = m->out_in && !neither ? (const char *)(m + 1) + m->in_len : NULL,
                                    .user_in = (uintptr_t)m->in_addr, .user_out = (uintptr_t)m->out_addr };
        break;
    }
    case WIRE_READ: {
        const struct wire_read *m = (const void *)h;
        if (n != sizeof *m || m->length > WIRE_MAX_DATA) {
            edge_send(c, h->tag, 0, STATUS_INVALID_PARAMETER, 0, NULL, 0);
            return;
        }
        r = (struct ke_io_request){ .major = IRP_MJ_READ, .out_len = m->length, .user_out = (uintptr_t)m->address };
        break;
    }
    case WIRE_WRITE: {
        const struct wire_write *m = (const void *)h;
        if (n < sizeof *m || n != sizeof *m + h->length || h->length > WIRE_MAX_DATA) {
            edge_send(c, h->tag, 0, STATUS_INVALID_PARAMETER, 0, NULL, 0);
            return;
        }
        r = (struct ke_io_request){ .major = IRP_MJ_WRITE, .in = m + 1, .in_len = h->length,
                                    .user_in = (uintptr_t)m->address };
        break;
    }
    }
    edge_submit(c, f, &r, h->tag);
}

/* Memory and events the client brings (SCM_RIGHTS): its shared pages mapped at the same
 * address here, its eventfd an Event object in its handle table. Takes fd in every case. */
static void edge_on_share(struct edge_client *c, const struct wire_header *h, size_t n, int fd)
{
    NTSTATUS s = STATUS_INVALID_PARAMETER;
    if (h->type == WIRE_SHARE && n == sizeof(struct wire_share) && fd >= 0) {
        const struct wire_share *m = (const void *)h;
        s = ke_process_map_shared(c->process, fd, (uintptr_t)m->address, (size_t)m->length, m->writable != 0);
        fd = -1; /* taken */
    } else if (h->type == WIRE_EVENT && n == sizeof(struct wire_event) && fd >= 0) {
        const struct wire_event *m = (const void *)h;
        HANDLE handle = NULL;
        s = ke_process_insert_eventfd(c->process, fd, m->synchronization != 0, &handle);
        fd = -1;
        edge_send(c, h->tag, 0, s, NT_SUCCESS(s) ? (ULONG_PTR)handle : 0, NULL, 0);
        return;
    }
    if (fd >= 0)
        close(fd);
    edge_send(c, h->tag, 0, s, 0, NULL, 0);
}

/* `openndis devices`: what is exposed and who has it open. */
static void edge_on_devices(struct edge_client *c, const struct wire_header *h)
{
    char *text = malloc(WIRE_MAX_DATA);
    if (text == NULL) {
        edge_send(c, h->tag, 0, STATUS_INSUFFICIENT_RESOURCES, 0, NULL, 0);
        return;
    }
    size_t len = ke_io_describe(text, WIRE_MAX_DATA);
    edge_send(c, h->tag, 0, STATUS_SUCCESS, len, text, len);
    free(text);
}

/* The client is gone (or misbehaved): its requests are cancelled, its files cleaned up and
 * closed, then its process ends — as when a Windows process dies with handles open. */
static void edge_client_gone(struct edge_client *c)
{
    for (unsigned i = 0; i < EDGE_MAX_HANDLES; i++)
        if (c->files[i] != NULL)
            ke_io_cancel(c->files[i], 0, true);
    for (unsigned i = 0; i < EDGE_MAX_HANDLES; i++)
        if (c->files[i] != NULL) {
            ke_io_close(c->files[i]);
            c->files[i] = NULL;
        }
    ke_process_destroy(c->process);
}

static void *edge_client_thread(void *arg)
{
    struct edge_client *c = arg;
    const size_t cap = sizeof(struct wire_ioctl) + 2 * (size_t)WIRE_MAX_DATA + 64;
    union {
        struct wire_header h;
        uint64_t align;
    } *buf = malloc(cap);
    struct wire_welcome w = { .h = WIRE_HEADER_INIT(WIRE_WELCOME, 0, 0, 0), .pid = (uint32_t)c->pid,
                              .server_pid = (uint32_t)getpid() };
    uintptr_t window = 0;
    size_t window_size = 0;
    if (ke_process_window(c->process, &window, &window_size)) {
        w.window = window;
        w.window_size = window_size;
    }
    if (buf != NULL && send(c->fd, &w, sizeof w, MSG_NOSIGNAL) == (ssize_t)sizeof w)
        for (;;) {
            /* a file descriptor may ride along (SHARE, EVENT); any other message's is closed */
            union {
                struct cmsghdr align;
                char bytes[CMSG_SPACE(sizeof(int))];
            } control;
            struct iovec iov = { buf, cap };
            struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
                                  .msg_controllen = sizeof control };
            ssize_t n = recvmsg(c->fd, &msg, MSG_TRUNC | MSG_CMSG_CLOEXEC);
            int fd = -1;
            for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
                if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                    int *fds = (int *)CMSG_DATA(cm);
                    size_t nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                    for (size_t i = 0; i < nfds; i++) {
                        if (fd < 0)
                            fd = fds[i];
                        else
                            close(fds[i]);
                    }
                }
            if (n <= 0 || (msg.msg_flags & MSG_CTRUNC)) {
                if (fd >= 0)
                    close(fd);
                break;
            }
            const struct wire_header *hd = &buf->h;
            if (fd >= 0 && (size_t)n >= sizeof *hd && hd->magic == WIRE_MAGIC &&
                (hd->type == WIRE_SHARE || hd->type == WIRE_EVENT) && (size_t)n <= cap) {
                edge_on_share(c, hd, (size_t)n, fd);
                continue;
            }
            if (fd >= 0)
                close(fd); /* a descriptor with a message that takes none */
            const struct wire_header *h = &buf->h;
            if ((size_t)n > cap || (size_t)n < sizeof *h || h->magic != WIRE_MAGIC || h->version != WIRE_VERSION) {
                fprintf(stderr, "openndis: control client %d sent a malformed message (%zd bytes); disconnected\n",
                        (int)c->pid, n);
                break;
            }
            switch (h->type) {
            case WIRE_OPEN:
                edge_on_open(c, (const void *)h, (size_t)n);
                break;
            case WIRE_IOCTL:
            case WIRE_READ:
            case WIRE_WRITE:
                edge_on_request(c, h, (size_t)n);
                break;
            case WIRE_CANCEL: {
                const struct wire_cancel *m = (const void *)h;
                struct ke_file *f = edge_file(c, h->handle);
                if ((size_t)n == sizeof *m && f != NULL)
                    ke_io_cancel(f, m->target, m->target == 0);
                break;
            }
            case WIRE_CLOSE: {
                struct ke_file *f = edge_file(c, h->handle);
                if (f != NULL) {
                    c->files[h->handle - 1] = NULL;
                    ke_io_close(f);
                }
                edge_send(c, h->tag, 0, f != NULL ? STATUS_SUCCESS : STATUS_INVALID_HANDLE, 0, NULL, 0);
                break;
            }
            case WIRE_DEVICES:
                edge_on_devices(c, h);
                break;
            default:
                edge_send(c, h->tag, 0, STATUS_INVALID_PARAMETER, 0, NULL, 0);
                break;
            }
        }
    free(buf);
    shutdown(c->fd, SHUT_RDWR);
    edge_client_gone(c);
    atomic_store(&c->finished, true);
    return NULL;
}

/* Joins and frees the clients whose threads ended; all of them when `all`. Server lock held. */
static void edge_reap(struct edge_control *s, bool all)
{
    for (struct edge_client **p = &s->clients; *p != NULL;) {
        struct edge_client *c = *p;
        if (!all && !atomic_load(&c->finished)) {
            p = &c->next;
            continue;
        }
        if (all)
            shutdown(c->fd, SHUT_RDWR);
        pthread_join(c->thread, NULL);
        *p = c->next;
        s->nclients--;
        edge_client_unref(c);
    }
}

static void edge_accept(struct edge_control *s)
{
    int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    struct ucred cred;
    socklen_t cl = sizeof cred;
    struct timeval tv = { 2, 0 };
    int big = (int)(4 * WIRE_MAX_DATA);
    pthread_mutex_lock(&s->lock);
    edge_reap(s, false);
    bool full = s->nclients >= EDGE_MAX_CLIENTS;
    pthread_mutex_unlock(&s->lock);
    if (full || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0) {
        close(fd);
        return;
    }
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    struct edge_client *c = calloc(1, sizeof *c);
    char comm[64] = "", path[64];
    snprintf(path, sizeof path, "/proc/%d/comm", (int)cred.pid);
    FILE *cf = fopen(path, "re");
    if (cf != NULL) {
        if (fgets(comm, sizeof comm, cf) != NULL)
            comm[strcspn(comm, "\n")] = 0;
        fclose(cf);
    }
    if (c == NULL || (c->process = ke_process_create(cred.pid, cred.uid, cred.gid, comm)) == NULL) {
        free(c);
        close(fd);
        return;
    }
    c->fd = fd;
    c->pid = cred.pid;
    pthread_mutex_init(&c->send_lock, NULL);
    atomic_init(&c->refs, 1);
    if (pthread_create(&c->thread, NULL, edge_client_thread, c) != 0) {
        ke_process_destroy(c->process);
        edge_client_unref(c);
        return;
    }
    pthread_mutex_lock(&s->lock);
    c->next = s->clients;
    s->clients = c;
    s->nclients++;
    pthread_mutex_unlock(&s->lock);
}

static void *edge_accept_thread(void *arg)
{
    struct edge_control *s = arg;
    for (;;) {
        struct pollfd p[2] = { { s->fd, POLLIN, 0 }, { s->stop, POLLIN, 0 } };
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (p[1].revents)
            break;
        if (p[0].revents & POLLIN)
            edge_accept(s);
    }
    return NULL;
}

/* A path that is already there: a live server's socket is not taken over, a stale one is
 * replaced, anything else is left alone. */
static bool edge_socket_path_free(const char *path, char *err, size_t len)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT || (snprintf(err, len, "control socket %s: %s", path, strerror(errno)), false);
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, len, "control socket %s: the path exists and is not a socket; not replacing it", path);
        return false;
    }
    int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    bool live = probe >= 0 && connect(probe, (struct sockaddr *)&a, sizeof a) == 0;
    if (probe >= 0)
        close(probe);
    if (live) {
        snprintf(err, len, "control socket %s: another openndis run is serving there", path);
        return false;
    }
    if (unlink(path) != 0) {
        snprintf(err, len, "control socket %s: cannot remove the stale socket: %s", path, strerror(errno));
        return false;
    }
    return true;
}

struct edge_control *edge_control_listen(const char *path, char *err, size_t len)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) == 0 || strlen(path) >= sizeof a.sun_path) {
        snprintf(err, len, "control socket %s: a socket path has 1 to %zu bytes", path, sizeof a.sun_path - 1);
        return NULL;
    }
    if (!edge_socket_path_free(path, err, len))
        return NULL;
    struct edge_control *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, len, "control socket: out of memory");
        return NULL;
    }
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    snprintf(s->path, sizeof s->path, "%s", path);
    s->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    s->stop = eventfd(0, EFD_CLOEXEC);
    pthread_mutex_init(&s->lock, NULL);
    if (s->fd < 0 || s->stop < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof a) != 0) {
        snprintf(err, len, "control socket %s: %s", path, strerror(errno));
        goto fail;
    }
    /* who may open which device is the devices' own security descriptors' call (their SDDL
     * against the client's uid), as any Windows program may try CreateFile */
    if (chmod(path, 0666) != 0 || listen(s->fd, 16) != 0 ||
        pthread_create(&s->thread, NULL, edge_accept_thread, s) != 0) {
        snprintf(err, len, "control socket %s: %s", path, strerror(errno));
        unlink(path);
        goto fail;
    }
    return s;
fail:
    if (s->fd >= 0)
        close(s->fd);
    if (s->stop >= 0)
        close(s->stop);
    free(s);
    return NULL;
}

void edge_control_close(struct edge_control *s)
{
    if (s == NULL)
        return;
    uint64_t one = 1;
    if (write(s->stop, &one, sizeof one) < 0)
        perror("openndis: control socket");
    pthread_join(s->thread, NULL);
    unlink(s->path);
    close(s->fd);
    pthread_mutex_lock(&s->lock);
    edge_reap(s, true);
    pthread_mutex_unlock(&s->lock);
    close(s->stop);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
