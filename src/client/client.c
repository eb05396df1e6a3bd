/* libopenndis-client: the client end of the control socket (src/common/wire.h). Requests go
 * out as they are made; answers come back in any order, each matched to its request by tag.
 * Any thread may wait: one at a time receives, the others wait on a condition and find their
 * answer filed when they wake. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../common/wire.h"
#include "include/openndis/client.h"

#define CLIENT_METHOD_IN_DIRECT 1
#define CLIENT_METHOD_NEITHER 3

struct client_request {
    uint64_t id;
    void *out;
    size_t cap;
    bool overlapped;
    bool done;
    openndis_status status;
    size_t information;
    uint32_t handle; /* OPEN's answer */
    struct client_request *next;
};

struct openndis_client {
    int fd;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool receiving; /* a thread is in recv: the others wait for it */
    bool dead;
    uint64_t next_id;
    uintptr_t window, window_size, window_used; /* the shared-memory slice, reserved on first use */
    bool window_reserved;
    pid_t server_pid;
    struct client_request *requests;
    size_t cap;
    union {
        struct wire_complete m;
        unsigned char bytes[sizeof(struct wire_complete) + WIRE_MAX_DATA];
    } *buf;
};

openndis_client *openndis_connect(const char *socket_path)
{
    if (socket_path == NULL)
        socket_path = getenv("OPENNDIS_SOCKET");
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (socket_path == NULL || strlen(socket_path) == 0 || strlen(socket_path) >= sizeof a.sun_path) {
        errno = EINVAL;
        return NULL;
    }
    strcpy(a.sun_path, socket_path);
    openndis_client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->buf = malloc(sizeof *c->buf);
    c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    struct wire_welcome w;
    int big = (int)(4 * WIRE_MAX_DATA);
    if (c->buf == NULL || c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0)
        goto fail;
    setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    ssize_t n = recv(c->fd, &w, sizeof w, 0);
    if (n != (ssize_t)sizeof w || w.h.magic != WIRE_MAGIC || w.h.type != WIRE_WELCOME) {
        errno = n < 0 ? errno : EPROTO;
        goto fail;
    }
    if (w.h.version != WIRE_VERSION) {
        errno = EPROTONOSUPPORT;
        goto fail;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    c->next_id = 1;
    c->server_pid = (pid_t)w.server_pid;
    c->window = (uintptr_t)w.window;
    c->window_size = (uintptr_t)w.window_size;
    return c;
fail:;
    int e = errno;
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    free(c);
    errno = e;
    return NULL;
}

void openndis_disconnect(openndis_client *c)
{
    if (c == NULL)
        return;
    close(c->fd);
    for (struct client_request *r = c->requests, *next; r != NULL; r = next) {
        next = r->next;
        free(r);
    }
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->cond);
    free(c->buf);
    free(c);
}

void openndis_shutdown(openndis_client *c)
{
    shutdown(c->fd, SHUT_RDWR);
}

int openndis_fd(const openndis_client *c)
{
    return c->fd;
}

/* ---- requests and answers (the lock held) ---------------------------------------------------- */

static struct client_request *client_new(openndis_client *c, void *out, size_t cap, bool overlapped)
{
    struct client_request *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->id = c->next_id++;
    r->out = out;
    r->cap = cap;
    r->overlapped = overlapped;
    r->next = c->requests;
    c->requests = r;
    return r;
}

static void client_forget(openndis_client *c, struct client_request *r)
{
    for (struct client_request **p = &c->requests; *p != NULL; p = &(*p)->next)
        if (*p == r) {
            *p = r->next;
            free(r);
            return;
        }
}

static void client_died(openndis_client *c)
{
    c->dead = true;
    for (struct client_request *r = c->requests; r != NULL; r = r->next)
        if (!r->done) {
            r->done = true;
            r->status = OPENNDIS_STATUS_DISCONNECTED;
            r->information = 0;
        }
}

/* Receives one answer and files it with its request. */
static void client_receive(openndis_client *c)
{
    c->receiving = true;
    pthread_mutex_unlock(&c->lock);
    ssize_t n = recv(c->fd, c->buf, sizeof *c->buf, 0);
    pthread_mutex_lock(&c->lock);
    c->receiving = false;
    pthread_cond_broadcast(&c->cond);
    const struct wire_complete *m = &c->buf->m;
    if (n < (ssize_t)sizeof *m || m->h.magic != WIRE_MAGIC || m->h.type != WIRE_COMPLETE ||
        (size_t)n != sizeof *m + m->h.length) {
        if (n < 0 && errno == EINTR)
            return;
        client_died(c); /* the server ended, or it is not speaking this protocol */
        return;
    }
    for (struct client_request *r = c->requests; r != NULL; r = r->next)
        if (r->id == m->h.tag && !r->done) {
            size_t len = m->h.length < r->cap ? m->h.length : r->cap;
            if (len != 0)
                memcpy(r->out, m + 1, len);
            r->status = m->status;
            r->information = (size_t)m->information;
            r->handle = m->h.handle;
            r->done = true;
            return;
        }
}

/* One turn of waiting: receive if nobody is, else wait for whoever is. */
static void client_wait_turn(openndis_client *c)
{
    if (c->receiving)
        pthread_cond_wait(&c->cond, &c->lock);
    else
        client_receive(c);
}

static openndis_status client_finish(openndis_client *c, struct client_request *r, size_t *returned, uint32_t *handle)
{
    while (!r->done && !c->dead)
        client_wait_turn(c);
    if (!r->done) {
        r->status = OPENNDIS_STATUS_DISCONNECTED;
        r->information = 0;
    }
    openndis_status s = r->status;
    if (returned != NULL)
        *returned = r->information;
    if (handle != NULL)
        *handle = r->handle;
    client_forget(c, r);
    return s;
}

/* One message: a head and up to two payload pieces, and a file descriptor when fd >= 0. */
static bool client_send(openndis_client *c, const void *head, size_t head_len, const void *a, size_t a_len,
                        const void *b, size_t b_len, int fd)
{
    if (c->dead) {
        errno = ENOTCONN;
        return false;
    }
    struct iovec iov[3] = { { (void *)head, head_len }, { (void *)a, a_len }, { (void *)b, b_len } };
    struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 3 };
    union {
        struct cmsghdr align;
        char bytes[CMSG_SPACE(sizeof(int))];
    } control;
    if (fd >= 0) {
        memset(&control, 0, sizeof control);
        msg.msg_control = &control;
        msg.msg_controllen = sizeof control;
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    }
    ssize_t n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
    if (n != (ssize_t)(head_len + a_len + b_len)) {
        if (n >= 0)
            errno = EMSGSIZE;
        return false;
    }
    return true;
}

/* Sends a request for `r`; false (and r forgotten) when it could not be sent. */
static bool client_issue(openndis_client *c, struct client_request *r, struct wire_header *h, size_t head_len,
                         const void *a, size_t a_len, const void *b, size_t b_len, int fd)
{
    h->tag = r->id;
    if (client_send(c, h, head_len, a, a_len, b, b_len, fd))
        return true;
    client_forget(c, r);
    return false;
}

/* ---- the calls -------------------------------------------------------------------------------- */

/* The address of a buffer that lies in memory this client shared, for neither I/O; else 0. */
static uint64_t client_shared(const openndis_client *c, const void *p, size_t len)
{
    uintptr_t a = (uintptr_t)p;
    return len != 0 && a >= c->window && a - c->window <= c->window_used && len <= c->window_used - (a - c->window)
               ? (uint64_t)a
               : 0;
}

static uint64_t client_submit(openndis_client *c, uint32_t type, uint32_t handle, uint32_t code, const void *in,
                              size_t in_len, void *out, size_t out_len, bool overlapped, struct client_request **req)
{
    if (c == NULL || in_len > WIRE_MAX_DATA || out_len > WIRE_MAX_DATA || (in_len && in == NULL) ||
        (out_len && out == NULL)) {
        errno = EINVAL;
        return 0;
    }
    struct client_request *r = client_new(c, out, out_len, overlapped);
    if (r == NULL)
        return 0;
    bool sent = false;
    uint64_t in_addr = client_shared(c, in, in_len), out_addr = client_shared(c, out, out_len);
    if (type == WIRE_IOCTL) {
        /* METHOD_NEITHER: the driver works on the client's own (shared) buffers: no bytes travel */
        bool neither = (code & 3) == CLIENT_METHOD_NEITHER;
        bool out_in = (code & 3) == CLIENT_METHOD_IN_DIRECT && out_len != 0;
        struct wire_ioctl m = { .h = WIRE_HEADER_INIT(WIRE_IOCTL, 0, handle, (uint32_t)in_len), .code = code,
                                .out_len = (uint32_t)out_len, .in_len = (uint32_t)in_len, .out_in = out_in,
                                .in_addr = in_addr, .out_addr = out_addr };
        if (neither)
            r->cap = 0; /* the answer carries no bytes: the driver wrote `out` itself */
        sent = client_issue(c, r, &m.h, sizeof m, neither ? NULL : in, neither ? 0 : in_len,
                            out_in && !neither ? out : NULL, out_in && !neither ? out_len : 0, -1);
    } else if (type == WIRE_READ) {
        struct wire_read m = { .h = WIRE_HEADER_INIT(WIRE_READ, 0, handle, 0), .length = (uint32_t)out_len,
                               .address = out_addr };
        sent = client_issue(c, r, &m.h, sizeof m, NULL, 0, NULL, 0, -1);
    } else {
        struct wire_write m = { .h = WIRE_HEADER_INIT(WIRE_WRITE, 0, handle, (uint32_t)in_len), .address = in_addr };
        sent = client_issue(c, r, &m.h, sizeof m, in, in_len, NULL, 0, -1);
    }
    if (!sent)
        return 0;
    if (req != NULL)
        *req = r;
    return r->id;
}

static openndis_status client_blocking(openndis_client *c, uint32_t type, uint32_t handle, uint32_t code,
                                       const void *in, size_t in_len, void *out, size_t out_len, size_t *returned)
{
    if (returned != NULL)
        *returned = 0;
    if (c == NULL)
        return OPENNDIS_STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&c->lock);
    struct client_request *r = NULL;
    openndis_status s;
    if (client_submit(c, type, handle, code, in, in_len, out, out_len, false, &r) == 0)
        s = c->dead || errno == ENOTCONN || errno == EPIPE ? OPENNDIS_STATUS_DISCONNECTED
                                                          : OPENNDIS_STATUS_INVALID_PARAMETER;
    else
        s = client_finish(c, r, returned, NULL);
    pthread_mutex_unlock(&c->lock);
    return s;
}

openndis_status openndis_ioctl(openndis_client *c, uint32_t handle, uint32_t code, const void *in, size_t in_len,
                               void *out, size_t out_len, size_t *returned)
{
    return client_blocking(c, WIRE_IOCTL, handle, code, in, in_len, out, out_len, returned);
}

openndis_status openndis_read(openndis_client *c, uint32_t handle, void *buf, size_t len, size_t *returned)
{
    return client_blocking(c, WIRE_READ, handle, 0, NULL, 0, buf, len, returned);
}

openndis_status openndis_write(openndis_client *c, uint32_t handle, const void *buf, size_t len, size_t *returned)
{
    return client_blocking(c, WIRE_WRITE, handle, 0, buf, len, NULL, 0, returned);
}

static uint64_t client_overlapped(openndis_client *c, uint32_t type, uint32_t handle, uint32_t code, const void *in,
                                  size_t in_len, void *out, size_t out_len)
{
    if (c == NULL) {
        errno = EINVAL;
        return 0;
    }
    pthread_mutex_lock(&c->lock);
    uint64_t id = client_submit(c, type, handle, code, in, in_len, out, out_len, true, NULL);
    pthread_mutex_unlock(&c->lock);
    return id;
}

uint64_t openndis_submit_ioctl(openndis_client *c, uint32_t handle, uint32_t code, const void *in, size_t in_len,
                               void *out, size_t out_len)
{
    return client_overlapped(c, WIRE_IOCTL, handle, code, in, in_len, out, out_len);
}

uint64_t openndis_submit_read(openndis_client *c, uint32_t handle, void *buf, size_t len)
{
    return client_overlapped(c, WIRE_READ, handle, 0, NULL, 0, buf, len);
}

uint64_t openndis_submit_write(openndis_client *c, uint32_t handle, const void *buf, size_t len)
{
    return client_overlapped(c, WIRE_WRITE, handle, 0, buf, len, NULL, 0);
}

int openndis_cancel(openndis_client *c, uint32_t handle, uint64_t id)
{
    struct wire_cancel m = { .h = WIRE_HEADER_INIT(WIRE_CANCEL, 0, handle, 0), .target = id };
    pthread_mutex_lock(&c->lock);
    bool sent = client_send(c, &m, sizeof m, NULL, 0, NULL, 0, -1);
    pthread_mutex_unlock(&c->lock);
    return sent ? 0 : -1;
}

int openndis_reap(openndis_client *c, int wait, uint64_t *id, openndis_status *status, size_t *returned)
{
    pthread_mutex_lock(&c->lock);
    int got = 0;
    for (;;) {
        struct client_request *done = NULL, *any = NULL;
        for (struct client_request *r = c->requests; r != NULL; r = r->next)
            if (r->overlapped) {
                any = r;
                if (r->done)
                    done = r;
            }
        if (done != NULL) {
            *id = done->id;
            *status = done->status;
            if (returned != NULL)
                *returned = done->information;
            client_forget(c, done);
            got = 1;
            break;
        }
        if (c->dead || any == NULL) { /* nothing will ever come */
            got = c->dead ? -1 : 0;
            break;
        }
        if (!wait) { /* take what has arrived without blocking */
            char probe;
            if (c->receiving || recv(c->fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
                break;
        }
        client_wait_turn(c);
    }
    pthread_mutex_unlock(&c->lock);
    return got;
}

/* One request with its answer awaited: a message (and a descriptor when fd >= 0), its reply's
 * bytes into out. Lock held. */
static openndis_status client_exchange(openndis_client *c, struct wire_header *h, size_t head_len, const void *a,
                                       size_t a_len, int fd, void *out, size_t cap, size_t *returned,
                                       uint32_t *handle)
{
    struct client_request *r = client_new(c, out, cap, false);
    if (r == NULL)
        return 0xC000009Au; /* STATUS_INSUFFICIENT_RESOURCES */
    if (!client_issue(c, r, h, head_len, a, a_len, NULL, 0, fd))
        return OPENNDIS_STATUS_DISCONNECTED;
    return client_finish(c, r, returned, handle);
}

void *openndis_alloc_shared(openndis_client *c, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    len = (len + page - 1) & ~(page - 1);
    pthread_mutex_lock(&c->lock);
    void *result = NULL;
    if (c->window_size == 0 || len == 0 || len > c->window_size - c->window_used) {
        errno = c->window_size == 0 ? ENOTSUP : ENOMEM;
        goto out;
    }
    if (!c->window_reserved) { /* the slice is ours alone: nothing else of this process may land there */
        void *r = mmap((void *)c->window, c->window_size, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
        /* a server in this very process (tests) has reserved the window already */
        if (r != (void *)c->window && !(r == MAP_FAILED && errno == EEXIST && c->server_pid == getpid()))
            goto out;
        c->window_reserved = true;
    }
    int fd = memfd_create("openndis-shared", MFD_CLOEXEC);
    void *at = (void *)(c->window + c->window_used);
    if (fd < 0 || ftruncate(fd, (off_t)len) != 0 ||
        mmap(at, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) != at) {
        if (fd >= 0)
            close(fd);
        goto out;
    }
    struct wire_share m = { .h = WIRE_HEADER_INIT(WIRE_SHARE, 0, 0, 0), .address = (uint64_t)(uintptr_t)at,
                            .length = len, .writable = 1 };
    openndis_status s = client_exchange(c, &m.h, sizeof m, NULL, 0, fd, NULL, 0, NULL, NULL);
    close(fd);
    if (s != OPENNDIS_STATUS_SUCCESS) {
        mmap(at, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
        errno = EIO;
        goto out;
    }
    c->window_used += len;
    result = at;
out:
    pthread_mutex_unlock(&c->lock);
    return result;
}

openndis_status openndis_share_event(openndis_client *c, int eventfd, int auto_reset, uint64_t *handle)
{
    struct wire_event m = { .h = WIRE_HEADER_INIT(WIRE_EVENT, 0, 0, 0), .synchronization = auto_reset != 0 };
    size_t info = 0;
    pthread_mutex_lock(&c->lock);
    openndis_status s = client_exchange(c, &m.h, sizeof m, NULL, 0, eventfd, NULL, 0, &info, NULL);
    pthread_mutex_unlock(&c->lock);
    *handle = s == OPENNDIS_STATUS_SUCCESS ? info : 0;
    return s;
}

static openndis_status client_simple(openndis_client *c, struct wire_header *h, size_t head_len, const void *a,
                                     size_t a_len, void *out, size_t cap, size_t *returned, uint32_t *handle)
{
    if (c == NULL)
        return OPENNDIS_STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&c->lock);
    openndis_status s = client_exchange(c, h, head_len, a, a_len, -1, out, cap, returned, handle);
    pthread_mutex_unlock(&c->lock);
    return s;
}

openndis_status openndis_open(openndis_client *c, const char *name, uint32_t access, uint32_t *handle)
{
    *handle = 0;
    size_t len = name != NULL ? strlen(name) : 0;
    if (len == 0 || len > WIRE_MAX_NAME)
        return 0xC0000033u; /* STATUS_OBJECT_NAME_INVALID */
    struct wire_open m = { .h = WIRE_HEADER_INIT(WIRE_OPEN, 0, 0, (uint32_t)len), .access = access };
    return client_simple(c, &m.h, sizeof m, name, len, NULL, 0, NULL, handle);
}

openndis_status openndis_close(openndis_client *c, uint32_t handle)
{
    struct wire_header h = WIRE_HEADER_INIT(WIRE_CLOSE, 0, handle, 0);
    return client_simple(c, &h, sizeof h, NULL, 0, NULL, 0, NULL, NULL);
}

openndis_status openndis_devices(openndis_client *c, char *text, size_t cap, size_t *len)
{
    struct wire_header h = WIRE_HEADER_INIT(WIRE_DEVICES, 0, 0, 0);
    size_t n = 0;
    if (cap == 0)
        return OPENNDIS_STATUS_INVALID_PARAMETER;
    openndis_status s = client_simple(c, &h, sizeof h, NULL, 0, text, cap - 1, &n, NULL);
    n = n < cap - 1 ? n : cap - 1;
    text[s == OPENNDIS_STATUS_SUCCESS ? n : 0] = 0;
    if (len != NULL)
        *len = s == OPENNDIS_STATUS_SUCCESS ? n : 0;
    return s;
}

const char *openndis_status_name(openndis_status s)
{
    static const struct {
        openndis_status value;
        const char *name;
    } names[] = {
        { 0x00000000u, "STATUS_SUCCESS" },
        { 0x00000103u, "STATUS_PENDING" },
        { 0x80000005u, "STATUS_BUFFER_OVERFLOW" },
        { 0x80000011u, "STATUS_DEVICE_BUSY" },
        { 0xC0000001u, "STATUS_UNSUCCESSFUL" },
        { 0xC0000002u, "STATUS_NOT_IMPLEMENTED" },
        { 0xC0000008u, "STATUS_INVALID_HANDLE" },
        { 0xC000000Du, "STATUS_INVALID_PARAMETER" },
        { 0xC000000Eu, "STATUS_NO_SUCH_DEVICE" },
        { 0xC0000010u, "STATUS_INVALID_DEVICE_REQUEST" },
        { 0xC0000022u, "STATUS_ACCESS_DENIED" },
        { 0xC0000023u, "STATUS_BUFFER_TOO_SMALL" },
        { 0xC0000033u, "STATUS_OBJECT_NAME_INVALID" },
        { 0xC0000034u, "STATUS_OBJECT_NAME_NOT_FOUND" },
        { 0xC000009Au, "STATUS_INSUFFICIENT_RESOURCES" },
        { 0xC00000BBu, "STATUS_NOT_SUPPORTED" },
        { 0xC00000C0u, "STATUS_DEVICE_DOES_NOT_EXIST" },
        { 0xC00000E8u, "STATUS_INVALID_USER_BUFFER" },
        { 0xC0000120u, "STATUS_CANCELLED" },
        { 0xC0000184u, "STATUS_INVALID_DEVICE_STATE" },
        { 0xC000020Cu, "STATUS_CONNECTION_DISCONNECTED" },
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].value == s)
            return names[i].name;
    return NULL;
}
