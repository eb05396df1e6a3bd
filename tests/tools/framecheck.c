/* framecheck: sequence-numbered Ethernet frames through an interface, for the TAP tests.
 *
 *   framecheck blast IFACE DSTMAC COUNT [PER_MS]
 *       sends COUNT frames (ethertype 0x88B5, payload a 64-bit sequence number from 0) on
 *       IFACE straight to its driver (no qdisc), as fast as it can or PER_MS frames per
 *       millisecond; prints "sent COUNT taken N": N is how many the driver's transmit took
 *       (a TAP whose queue is full drops the frame and says so).
 *   framecheck recv IFACE COUNT SECONDS
 *       reads such frames arriving on IFACE until COUNT came or SECONDS of silence; prints
 *       "received N reordered R" and fails (exit 1) if any frame came after a later one.
 *
 * Loss is allowed (that is what counters are for); reordering never is. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAMECHECK_TYPE 0x88B5
#define FRAMECHECK_LEN 60

static int framecheck_socket(const char *iface, int *ifindex)
{
    *ifindex = (int)if_nametoindex(iface);
    int s = socket(AF_PACKET, SOCK_RAW, htons(FRAMECHECK_TYPE));
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(FRAMECHECK_TYPE), .sll_ifindex = *ifindex };
    if (*ifindex == 0 || s < 0 || bind(s, (struct sockaddr *)&sll, sizeof sll) != 0) {
        fprintf(stderr, "framecheck: %s: %s\n", iface, *ifindex == 0 ? "no such interface" : strerror(errno));
        exit(2);
    }
    return s;
}

static int framecheck_blast(const char *iface, const char *dst, unsigned long count, unsigned long per_ms)
{
    int ifindex, s = framecheck_socket(iface, &ifindex);
    int one = 1;
    setsockopt(s, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one); /* each send reaches the driver */
    unsigned char frame[FRAMECHECK_LEN] = { 0 };
    if (sscanf(dst, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &frame[0], &frame[1], &frame[2], &frame[3], &frame[4],
               &frame[5]) != 6) {
        fprintf(stderr, "framecheck: %s is not a MAC address\n", dst);
        return 2;
    }
    frame[6] = 0x02; /* a locally administered source nobody else uses */
    frame[12] = FRAMECHECK_TYPE >> 8;
    frame[13] = FRAMECHECK_TYPE & 0xff;
    unsigned long sent = 0;
    for (uint64_t seq = 0; seq < count; seq++) {
        memcpy(frame + 14, &seq, sizeof seq);
        if (send(s, frame, sizeof frame, 0) == (ssize_t)sizeof frame)
            sent++;
        if (per_ms && seq % per_ms == per_ms - 1) {
            struct timespec ms = { 0, 1000 * 1000 };
            nanosleep(&ms, NULL);
        }
    }
    printf("sent %lu taken %lu\n", count, sent);
    return 0;
}

static int framecheck_recv(const char *iface, unsigned long count, int seconds)
{
    int ifindex, s = framecheck_socket(iface, &ifindex);
    unsigned long received = 0, reordered = 0;
    uint64_t next = 0;
    unsigned char frame[2048];
    struct pollfd p = { .fd = s, .events = POLLIN };
    while (received < count && poll(&p, 1, seconds * 1000) > 0) {
        struct sockaddr_ll from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(s, frame, sizeof frame, 0, (struct sockaddr *)&from, &fl);
        if (n < 14 + 8 || from.sll_pkttype == PACKET_OUTGOING)
            continue;
        uint64_t seq;
        memcpy(&seq, frame + 14, sizeof seq);
        if (seq < next) {
            if (reordered++ < 5)
                fprintf(stderr, "framecheck: frame %llu came after frame %llu\n", (unsigned long long)seq,
                        (unsigned long long)next - 1);
        } else {
            next = seq + 1;
        }
        received++;
    }
    printf("received %lu reordered %lu\n", received, reordered);
    return reordered ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && strcmp(argv[1], "blast") == 0)
        return framecheck_blast(argv[2], argv[3], strtoul(argv[4], NULL, 10), argc > 5 ? strtoul(argv[5], NULL, 10) : 0);
    if (argc == 5 && strcmp(argv[1], "recv") == 0)
        return framecheck_recv(argv[2], strtoul(argv[3], NULL, 10), atoi(argv[4]));
    fprintf(stderr, "usage: framecheck blast IFACE DSTMAC COUNT [PER_MS] | recv IFACE COUNT SECONDS\n");
    return 2;
}
