/* The Linux sockets under kernel sockets: Windows addresses converted at this line (the
 * layouts of sockaddr_in and sockaddr_in6 are the same; AF_INET6 is 23 on Windows), options
 * mapped by name, and one poller thread on an epoll set. No Windows header here. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wsk_socket.h"

#define WIN_AF_INET 2
#define WIN_AF_INET6 23
#define WIN_SOL_SOCKET 0xffff
#define WIN_IPPROTO_TCP 6

static uint16_t win_family(const void *a)
{
    uint16_t f;
    memcpy(&f, a, sizeof f);
    return f;
}

size_t ke_sock_addr_len(const void *win_addr)
{
    if (win_addr == NULL)
        return 0;
    switch (win_family(win_addr)) {
    case WIN_AF_INET: return sizeof(struct sockaddr_in);
    case WIN_AF_INET6: return sizeof(struct sockaddr_in6);
    default: return 0;
    }
}

/* Windows -> Linux: the same bytes with the family renumbered. */
static socklen_t to_linux(const void *win, struct sockaddr_storage *out)
{
    size_t len = ke_sock_addr_len(win);
    if (len == 0)
        return 0;
    memset(out, 0, sizeof *out);
    memcpy(out, win, len);
    out->ss_family = win_family(win) == WIN_AF_INET ? AF_INET : AF_INET6;
    return (socklen_t)len;
}

static void to_windows(const struct sockaddr_storage *in, void *win)
{
    memset(win, 0, KE_SOCK_ADDR_MAX);
    size_t len = in->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    if (in->ss_family != AF_INET && in->ss_family != AF_INET6)
        return; /* family 0: unknown */
    memcpy(win, in, len);
    uint16_t f = in->ss_family == AF_INET ? WIN_AF_INET : WIN_AF_INET6;
    memcpy(win, &f, sizeof f);
}

int ke_sock_open(unsigned family, unsigned type, unsigned protocol)
{
    int lf = family == WIN_AF_INET ? AF_INET : family == WIN_AF_INET6 ? AF_INET6 : -1;
    if (lf < 0)
        return -EAFNOSUPPORT;
    int fd = socket(lf, (int)type | SOCK_NONBLOCK | SOCK_CLOEXEC, (int)protocol);
    return fd < 0 ? -errno : fd;
}

void ke_sock_close(int fd)
{
    close(fd);
}

int ke_sock_bind(int fd, const void *win_addr)
{
    struct sockaddr_storage a;
    socklen_t len = to_linux(win_addr, &a);
    if (len == 0)
        return -EAFNOSUPPORT;
    return bind(fd, (struct sockaddr *)&a, len) == 0 ? 0 : -errno;
}

int ke_sock_connect(int fd, const void *win_addr)
{
    struct sockaddr_storage a;
    socklen_t len = to_linux(win_addr, &a);
    if (len == 0)
        return -EAFNOSUPPORT;
    return connect(fd, (struct sockaddr *)&a, len) == 0 ? 0 : -errno;
}

int ke_sock_error(int fd)
{
    int e = 0;
    socklen_t len = sizeof e;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
        return -errno;
    return -e;
}

ssize_t ke_sock_send(int fd, const struct iovec *iov, int iovcnt, const void *win_dest)
{
    struct sockaddr_storage a;
    struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt };
    if (win_dest != NULL) {
        m.msg_namelen = to_linux(win_dest, &a);
        if (m.msg_namelen == 0)
            return -EAFNOSUPPORT;
        m.msg_name = &a;
    }
    ssize_t n = sendmsg(fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
    return n < 0 ? -errno : n;
}

ssize_t ke_sock_recv(int fd, const struct iovec *iov, int iovcnt, void *win_from, bool *truncated)
{
    struct sockaddr_storage a = { 0 };
    struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof a, .msg_iov = (struct iovec *)iov,
                        .msg_iovlen = (size_t)iovcnt };
    ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);
    if (n < 0)
        return -errno;
    if (win_from != NULL)
        to_windows(&a, win_from);
    if (truncated != NULL)
        *truncated = (m.msg_flags & MSG_TRUNC) != 0;
    return n;
}

int ke_sock_name(int fd, bool peer, void *win_addr)
{
    struct sockaddr_storage a = { 0 };
    socklen_t len = sizeof a;
    if ((peer ? getpeername(fd, (struct sockaddr *)&a, &len) : getsockname(fd, (struct sockaddr *)&a, &len)) != 0)
        return -errno;
    to_windows(&a, win_addr);
    return 0;
}

int ke_sock_shutdown(int fd, bool both)
{
    return shutdown(fd, both ? SHUT_RDWR : SHUT_WR) == 0 ? 0 : -errno;
}

int ke_sock_option(int fd, bool set, unsigned level, unsigned name, void *value, size_t *len)
{
    int l, n;
    if (level == WIN_SOL_SOCKET) {
        l = SOL_SOCKET;
        switch (name) {
        case 0x0004: n = SO_REUSEADDR; break;
        case 0x0008: n = SO_KEEPALIVE; break;
        case 0x0020: n = SO_BROADCAST; break;
        case 0x1001: n = SO_SNDBUF; break;
        case 0x1002: n = SO_RCVBUF; break;
        default: return -ENOPROTOOPT;
        }
    } else if (level == WIN_IPPROTO_TCP && name == 0x0001) {
        l = IPPROTO_TCP;
        n = TCP_NODELAY;
    } else {
        return -ENOPROTOOPT;
    }
    /* Windows options here are DWORDs (or a BOOL read as one) */
    if (*len < sizeof(int))
        return -EINVAL;
    int v;
    if (set) {
        memcpy(&v, value, sizeof v);
        return setsockopt(fd, l, n, &v, sizeof v) == 0 ? 0 : -errno;
    }
    socklen_t vl = sizeof v;
    if (getsockopt(fd, l, n, &v, &vl) != 0)
        return -errno;
    memcpy(value, &v, sizeof v);
    *len = sizeof v;
    return 0;
}

/* ---- the poller ------------------------------------------------------------------------------ */
static int poll_fd = -1;
static pthread_t poll_thread;
static pthread_once_t poll_once = PTHREAD_ONCE_INIT;
static void (*poll_ready)(void *, bool, bool, bool);
static _Thread_local bool on_poller;

static void *poller(void *arg)
{
    (void)arg;
    on_poller = true;
    for (;;) {
        struct epoll_event e;
        int n = epoll_wait(poll_fd, &e, 1, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            continue;
        poll_ready(e.data.ptr, (e.events & EPOLLIN) != 0, (e.events & EPOLLOUT) != 0,
                   (e.events & (EPOLLERR | EPOLLHUP)) != 0);
    }
    return NULL;
}

static void poller_create(void)
{
    poll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (poll_fd < 0)
        return;
    /* the thread takes no signals: they belong to the program's own threads */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    if (pthread_create(&poll_thread, NULL, poller, NULL) != 0) {
        close(poll_fd);
        poll_fd = -1;
    } else {
        pthread_detach(poll_thread);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

bool ke_sock_poller_start(void (*ready)(void *context, bool in, bool out, bool error))
{
    poll_ready = ready;
    pthread_once(&poll_once, poller_create);
    return poll_fd >= 0;
}

int ke_sock_watch(int fd, void *context, bool in, bool out, bool added)
{
    struct epoll_event e = { .events = EPOLLONESHOT | (in ? EPOLLIN | EPOLLRDHUP : 0) | (out ? EPOLLOUT : 0),
                             .data.ptr = context };
    return epoll_ctl(poll_fd, added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &e) == 0 ? 0 : -errno;
}

void ke_sock_unwatch(int fd)
{
    epoll_ctl(poll_fd, EPOLL_CTL_DEL, fd, NULL);
}

bool ke_sock_on_poller(void)
{
    return on_poller;
}
