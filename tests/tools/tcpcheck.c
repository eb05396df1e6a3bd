/* tcpcheck: a TCP transfer with its content checked, for the TAP integration test.
 *   tcpcheck serve ADDR PORT BYTES   accept one connection, read BYTES, check every byte
 *   tcpcheck send  ADDR PORT BYTES   connect (retrying for 10 s) and send BYTES
 * Byte i of the stream is (i * 7 + 13) mod 256, so a lost, duplicated or reordered segment
 * shows. Exit 0 on success, 1 with a message otherwise. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static unsigned char pattern(unsigned long long i)
{
    return (unsigned char)(i * 7 + 13);
}

static int fail(const char *what)
{
    fprintf(stderr, "tcpcheck: %s: %s\n", what, errno ? strerror(errno) : "failed");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 5 || (strcmp(argv[1], "serve") != 0 && strcmp(argv[1], "send") != 0)) {
        fprintf(stderr, "usage: tcpcheck serve|send ADDR PORT BYTES\n");
        return 2;
    }
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[3])) };
    if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1)
        return fail("address");
    unsigned long long total = strtoull(argv[4], NULL, 10), done = 0;
    unsigned char buf[65536];
    struct timeval tv = { 30, 0 };

    if (strcmp(argv[1], "serve") == 0) {
        int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(l, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(l, 1) != 0)
            return fail("listen");
        int c = accept(l, NULL, NULL);
        if (c < 0)
            return fail("accept");
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        while (done < total) {
            ssize_t n = read(c, buf, sizeof buf);
            if (n <= 0)
                return fail(n == 0 ? "connection closed early" : "read");
            for (ssize_t k = 0; k < n; k++, done++)
                if (buf[k] != pattern(done)) {
                    fprintf(stderr, "tcpcheck: byte %llu differs\n", done);
                    return 1;
                }
        }
        printf("tcpcheck: %llu bytes received intact\n", done);
        return 0;
    }

    int s = -1;
    for (int attempt = 0; attempt < 100; attempt++) {
        s = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(s, (struct sockaddr *)&sa, sizeof sa) == 0)
            break;
        close(s);
        s = -1;
        struct timespec ts = { 0, 100 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    if (s < 0)
        return fail("connect");
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    while (done < total) {
        size_t n = total - done < sizeof buf ? (size_t)(total - done) : sizeof buf;
        for (size_t k = 0; k < n; k++)
            buf[k] = pattern(done + k);
        ssize_t w = write(s, buf, n);
        if (w <= 0)
            return fail("write");
        done += (unsigned long long)w;
    }
    shutdown(s, SHUT_WR);
    (void)!read(s, buf, 1); /* wait for the peer to finish reading */
    close(s);
    return 0;
}
