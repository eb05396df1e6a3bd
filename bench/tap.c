/* bench/tap: frames per second through the TAP edge and the sample driver, next to a bare C
 * TAP loop measured in the same run on the same machine.
 *
 *   bare:     packet socket -> tapA -> read()/write() loop -> tapB -> packet socket
 *   openndis: packet socket -> tapA -> TAP edge -> MiniportSendNetBufferLists -> sample hub ->
 *             NdisMIndicateReceiveNetBufferLists -> TAP edge -> tapB -> packet socket
 *
 * The same sender and receiver (AF_PACKET sockets bound to the two interfaces) drive both,
 * so the ratio compares only what sits between the interfaces. Needs root (TAP and raw
 * sockets). Usage: bench/tap DRIVER.so [seconds per measurement, default 2] */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "loader/ld.h"
#include "edge/edge.h"

static atomic_bool stop;
static atomic_ulong received;

struct sender_args {
    int ifindex;
    size_t size;
    UCHAR dst[6];
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int packet_socket(int ifindex)
{
    int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex };
    if (s < 0 || bind(s, (struct sockaddr *)&sll, sizeof sll) != 0) {
        perror("bench/tap: packet socket");
        exit(2);
    }
    return s;
}

static void *sender(void *arg)
{
    struct sender_args *a = arg;
    int s = packet_socket(a->ifindex);
    UCHAR frame[1514] = { 0 };
    memcpy(frame, a->dst, 6);
    frame[6] = 0x02; /* a locally administered source nobody owns */
    frame[12] = 0x88;
    frame[13] = 0xB5;
    while (!atomic_load(&stop))
        if (send(s, frame, a->size, 0) < 0 && errno != ENOBUFS && errno != EAGAIN)
            break;
    close(s);
    return NULL;
}

static void *receiver(void *arg)
{
    int s = packet_socket(*(int *)arg);
    UCHAR buf[2048];
    struct timeval tv = { 0, 100 * 1000 };
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (!atomic_load(&stop)) {
        struct sockaddr_ll from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n > 0 && from.sll_pkttype != PACKET_OUTGOING && buf[12] == 0x88 && buf[13] == 0xB5)
            atomic_fetch_add(&received, 1);
    }
    close(s);
    return NULL;
}

static int tap_create(const char *name, char *actual)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
        perror("bench/tap: TAP (needs root)");
        exit(2);
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    ioctl(s, SIOCGIFFLAGS, &ifr);
    ifr.ifr_flags |= IFF_UP;
    ioctl(s, SIOCSIFFLAGS, &ifr);
    close(s);
    strcpy(actual, ifr.ifr_name);
    return fd;
}

static void *bare_loop(void *arg)
{
    int *fds = arg;
    UCHAR buf[2048];
    struct pollfd p = { .fd = fds[0], .events = POLLIN };
    while (!atomic_load(&stop)) {
        if (poll(&p, 1, 100) <= 0)
            continue;
        for (int i = 0; i < 32; i++) { /* several frames per wake-up, as the edge does */
            ssize_t n = read(fds[0], buf, sizeof buf);
            if (n <= 0)
                break;
            (void)!write(fds[1], buf, (size_t)n);
        }
    }
    return NULL;
}

/* Drives the sender and receiver for `seconds`; returns frames per second received. */
static double measure(const char *in, const char *out, const UCHAR *dst, size_t size, double seconds)
{
    struct sender_args sa = { .ifindex = (int)if_nametoindex(in), .size = size };
    int out_index = (int)if_nametoindex(out);
    memcpy(sa.dst, dst, 6);
    atomic_store(&stop, false);
    pthread_t tr, ts;
    pthread_create(&tr, NULL, receiver, &out_index);
    struct timespec settle = { 0, 100 * 1000 * 1000 };
    nanosleep(&settle, NULL);
    atomic_store(&received, 0);
    pthread_create(&ts, NULL, sender, &sa);
    double start = now();
    struct timespec run = { (time_t)seconds, (long)((seconds - (long)seconds) * 1e9) };
    nanosleep(&run, NULL);
    unsigned long got = atomic_load(&received);
    double elapsed = now() - start;
    atomic_store(&stop, true);
    pthread_join(ts, NULL);
    pthread_join(tr, NULL);
    return got / elapsed;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

#define ROUNDS 3

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench/tap DRIVER.so [seconds per measurement, default 1]\n");
        return 2;
    }
    double seconds = argc > 2 ? atof(argv[2]) : 1.0;
    static const size_t sizes[] = { 64, 1500 };
    double bare[2][ROUNDS], ond[2][ROUNDS];

    /* The bare loop's interfaces... */
    char a[IFNAMSIZ], b[IFNAMSIZ];
    int fds[2] = { tap_create("obbare%d", a), tap_create("obbare%d", b) };
    static const UCHAR any[6] = { 0x02, 0x00, 0x4e, 0x44, 0x00, 0x01 };

    /* ...and OpenNDIS's: the driver, two adapters, each a TAP interface. */
    char err[512];
    NDIS_STATUS st;
    struct ld_image *image = ld_load(argv[1], err, sizeof err);
    if (image == NULL || ld_driver_entry(image) != NDIS_STATUS_SUCCESS) {
        fprintf(stderr, "bench/tap: %s\n", image ? "DriverEntry failed" : err);
        return 2;
    }
    struct ndis_adapter *ad[2];
    struct edge_tap *tap[2];
    UCHAR mac[2][6];
    for (int i = 0; i < 2; i++) {
        ad[i] = ndis_adapter_initialize(&image->object, &st);
        tap[i] = ad[i] ? edge_tap_open(ad[i], "obndis%d", err, sizeof err) : NULL;
        if (tap[i] == NULL) {
            fprintf(stderr, "bench/tap: %s\n", err);
            return 2;
        }
        ndis_adapter_restart(ad[i]);
        struct edge_bring_up up;
        edge_bring_up(ad[i], NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST, &up);
        memcpy(mac[i], up.mac, 6);
    }

    /* Alternate the two so that drift on a shared machine hits both alike; keep medians. */
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < 2; i++) {
            atomic_store(&stop, false);
            pthread_t loop;
            pthread_create(&loop, NULL, bare_loop, fds);
            bare[i][r] = measure(a, b, any, sizes[i], seconds);
            atomic_store(&stop, true);
            pthread_join(loop, NULL);
            ond[i][r] = measure(edge_tap_name(tap[0]), edge_tap_name(tap[1]), mac[1], sizes[i], seconds);
        }
    close(fds[0]);
    close(fds[1]);
    for (int i = 0; i < 2; i++) {
        ndis_adapter_pause(ad[i]);
        ndis_adapter_halt(ad[i], NdisHaltDeviceDisabled);
        edge_tap_close(tap[i]);
    }
    ld_unload(image);
    ld_free(image);

    double ratio[2];
    printf("%-6s %14s %14s %10s %10s %7s\n", "bytes", "bare frames/s", "openndis fr/s", "bare Mb/s", "ond Mb/s",
           "ratio");
    for (int i = 0; i < 2; i++) {
        qsort(bare[i], ROUNDS, sizeof(double), cmp_double);
        qsort(ond[i], ROUNDS, sizeof(double), cmp_double);
        double bm = bare[i][ROUNDS / 2], om = ond[i][ROUNDS / 2];
        ratio[i] = bm > 0 ? om / bm : 0;
        printf("%-6zu %14.0f %14.0f %10.1f %10.1f %7.2f\n", sizes[i], bm, om, bm * sizes[i] * 8 / 1e6,
               om * sizes[i] * 8 / 1e6, ratio[i]);
    }
    printf("summary: medians of %d alternating rounds: the TAP edge with the sample driver runs at %.2f (64 B) and "
           "%.2f (1500 B) of a bare TAP loop's packet rate; %zu violations\n",
           ROUNDS, ratio[0], ratio[1], vf_violation_count());
    return 0;
}
