/* The Linux end of test_wsk's connections, apart from the Windows headers (their sockaddr
 * clashes with Linux's). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wsk_peer.h"

int peer_listen(unsigned short *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return -1;
    *port = a.sin_port; /* network order, as SOCKADDR_IN wants it */
    return fd;
}

unsigned short peer_free_port(void)
{
    unsigned short port = 0;
    int fd = peer_listen(&port);
    close(fd); /* nobody listens there now */
    return port;
}

int peer_accept(int listener, int timeout_ms)
{
    struct pollfd p = { listener, POLLIN, 0 };
    if (poll(&p, 1, timeout_ms) != 1)
        return -1;
    return accept4(listener, NULL, NULL, SOCK_CLOEXEC);
}

long peer_recv(int fd, void *buf, unsigned long len, int timeout_ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, timeout_ms) != 1)
        return -1;
    return (long)recv(fd, buf, len, 0);
}

long peer_send(int fd, const void *buf, unsigned long len)
{
    return (long)send(fd, buf, len, MSG_NOSIGNAL);
}

void peer_close(int fd)
{
    close(fd);
}
