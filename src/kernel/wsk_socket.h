/* The Linux sockets under kernel sockets (wsk_socket.c). Kept apart from the Windows headers,
 * whose struct sockaddr and AF_* clash with Linux's: addresses cross this line in their
 * Windows layout (SOCKADDR_IN, SOCKADDR_IN6 with AF_INET6 = 23), errors as positive errnos. */
#ifndef OPENNDIS_WSK_SOCKET_H
#define OPENNDIS_WSK_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* The largest Windows socket address written back (SOCKADDR_IN6). */
#define KE_SOCK_ADDR_MAX 28

/* A non-blocking, close-on-exec socket; -errno on failure. Windows family and type values. */
int ke_sock_open(unsigned family, unsigned type, unsigned protocol);
void ke_sock_close(int fd);
/* The Windows address's length, or 0 when its family is not AF_INET or AF_INET6. */
size_t ke_sock_addr_len(const void *win_addr);
int ke_sock_bind(int fd, const void *win_addr);    /* 0 or -errno */
int ke_sock_connect(int fd, const void *win_addr); /* 0, -EINPROGRESS or -errno */
int ke_sock_error(int fd);                         /* SO_ERROR as -errno (0: none) */
/* Sends iov (to win_dest when not NULL) without blocking: bytes sent or -errno. */
ssize_t ke_sock_send(int fd, const struct iovec *iov, int iovcnt, const void *win_dest);
/* Receives without blocking: bytes or -errno; the sender's address in Windows layout
 * (KE_SOCK_ADDR_MAX bytes) when win_from is not NULL; *truncated when a datagram did not fit. */
ssize_t ke_sock_recv(int fd, const struct iovec *iov, int iovcnt, void *win_from, bool *truncated);
/* getsockname / getpeername into a Windows address (KE_SOCK_ADDR_MAX bytes): 0 or -errno. */
int ke_sock_name(int fd, bool peer, void *win_addr);
int ke_sock_shutdown(int fd, bool both);
/* A socket option by its Windows level and name (SOL_SOCKET = 0xffff, IPPROTO_TCP): 0,
 * -errno, or -ENOPROTOOPT for one with no Linux equivalent here. */
int ke_sock_option(int fd, bool set, unsigned level, unsigned name, void *value, size_t *len);

/* One thread waits on every socket that wants attention and calls `ready` with its context
 * (never two at once). Watches are one-shot: ke_sock_watch re-arms. */
bool ke_sock_poller_start(void (*ready)(void *context, bool in, bool out, bool error));
int ke_sock_watch(int fd, void *context, bool in, bool out, bool added);
void ke_sock_unwatch(int fd);
bool ke_sock_on_poller(void); /* whether the caller is the poller thread */

#endif /* OPENNDIS_WSK_SOCKET_H */
