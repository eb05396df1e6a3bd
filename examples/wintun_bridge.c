/* wintun-bridge: the user-mode half of a Wintun adapter on Linux. It does what wintun.dll does
 * on Windows, from the ring protocol Wintun documents: two rings in memory shared with the
 * driver, two events, one TUN_IOCTL_REGISTER_RINGS on the adapter's device; then IP packets
 * move both ways between the rings and a Linux TUN interface of its own.
 *
 *   wintun-bridge SOCKET DEVICE IFNAME
 *
 * DEVICE is the adapter's device (`openndis devices` lists it: \Device\{NetCfgInstanceId}).
 *
 * The rings (Wintun's TUN_RING): Head, Tail (byte offsets, multiples of 4, below the ring's
 * capacity, a power of two) and Alertable, then the data; each packet is a 32-bit size and its
 * bytes, padded to 4. The data area is longer than the capacity by one largest packet, so a
 * packet never wraps. The driver produces into the send ring (packets Windows would send) and
 * sets its event; the client produces into the receive ring and sets that event when the
 * driver said it is waiting (Alertable). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <openndis/client.h>

#define RING_CAPACITY 0x20000u                         /* 128 KiB, Wintun's smallest */
#define MAX_IP_PACKET 0xFFFFu
#define ALIGN4(n) (((n) + 3u) & ~3u)
#define MAX_PACKET ALIGN4(4u + MAX_IP_PACKET)
#define RING_HEADER 12u                                /* Head, Tail, Alertable */
#define RING_SIZE (RING_HEADER + RING_CAPACITY + MAX_PACKET - 4u)
#define TUN_IOCTL_REGISTER_RINGS ((51820u << 16) | (3u << 14) | (0x970u << 2) | 0u)

struct ring {
    volatile uint32_t head, tail;
    volatile int32_t alertable;
    unsigned char data[];
};

/* TUN_REGISTER_RINGS as a 64-bit driver reads it */
struct register_rings {
    struct {
        uint32_t ring_size;
        uint32_t pad;
        uint64_t ring;
        uint64_t tail_moved;
    } send, receive;
};

static struct ring *send_ring, *receive_ring;
static int send_event, receive_event, tun = -1;

static void fail(const char *what, openndis_status s)
{
    const char *name = openndis_status_name(s);
    fprintf(stderr, "wintun-bridge: %s: %s (0x%08X)\n", what, name ? name : "status", (unsigned)s);
    exit(1);
}

/* driver -> Linux: consume the send ring */
static void *from_driver(void *arg)
{
    (void)arg;
    for (;;) {
        uint32_t head = __atomic_load_n(&send_ring->head, __ATOMIC_RELAXED);
        uint32_t tail = __atomic_load_n(&send_ring->tail, __ATOMIC_ACQUIRE);
        if (tail >= RING_CAPACITY) /* the driver's sign that it let go of the rings */
            break;
        if (head == tail) {
            struct pollfd p = { send_event, POLLIN, 0 };
            if (poll(&p, 1, 200) > 0) {
                uint64_t v;
                (void)!read(send_event, &v, sizeof v);
            }
            continue;
        }
        uint32_t size;
        memcpy(&size, send_ring->data + head, 4);
        if (size > MAX_IP_PACKET)
            break; /* a corrupt ring: stop rather than read past it */
        if (write(tun, send_ring->data + head + 4, size) < 0 && errno != EIO && errno != EINVAL)
            perror("wintun-bridge: writing to the interface");
        __atomic_store_n(&send_ring->head, (head + ALIGN4(4 + size)) & (RING_CAPACITY - 1), __ATOMIC_RELEASE);
    }
    kill(getpid(), SIGTERM);
    return NULL;
}

/* Linux -> driver: produce into the receive ring */
static void *from_linux(void *arg)
{
    (void)arg;
    unsigned char packet[MAX_IP_PACKET];
    for (;;) {
        ssize_t n = read(tun, packet, sizeof packet);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        uint32_t tail = __atomic_load_n(&receive_ring->tail, __ATOMIC_RELAXED);
        uint32_t head = __atomic_load_n(&receive_ring->head, __ATOMIC_ACQUIRE);
        uint32_t used = (tail - head) & (RING_CAPACITY - 1), need = ALIGN4(4 + (uint32_t)n);
        if (head >= RING_CAPACITY)
            break;
        if (used + need >= RING_CAPACITY)
            continue; /* full: drop, as a NIC would */
        uint32_t size = (uint32_t)n;
        memcpy(receive_ring->data + tail, &size, 4);
        memcpy(receive_ring->data + tail + 4, packet, (size_t)n);
        __atomic_store_n(&receive_ring->tail, (tail + need) & (RING_CAPACITY - 1), __ATOMIC_RELEASE);
        if (__atomic_load_n(&receive_ring->alertable, __ATOMIC_ACQUIRE)) {
            uint64_t one = 1;
            (void)!write(receive_event, &one, sizeof one);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: wintun-bridge SOCKET DEVICE IFNAME\n");
        return 2;
    }
    openndis_client *c = openndis_connect(argv[1]);
    if (c == NULL) {
        fprintf(stderr, "wintun-bridge: cannot connect to %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    uint32_t h;
    openndis_status s = openndis_open(c, argv[2], OPENNDIS_GENERIC_READ | OPENNDIS_GENERIC_WRITE, &h);
    if (s != 0)
        fail(argv[2], s);
    send_ring = openndis_alloc_shared(c, RING_SIZE);
    receive_ring = openndis_alloc_shared(c, RING_SIZE);
    send_event = eventfd(0, EFD_CLOEXEC);
    receive_event = eventfd(0, EFD_CLOEXEC);
    if (send_ring == NULL || receive_ring == NULL || send_event < 0 || receive_event < 0) {
        perror("wintun-bridge: rings and events");
        return 1;
    }
    uint64_t send_handle, receive_handle;
    if ((s = openndis_share_event(c, send_event, 1, &send_handle)) != 0 ||
        (s = openndis_share_event(c, receive_event, 1, &receive_handle)) != 0)
        fail("sharing the events", s);
    struct register_rings r = { .send = { RING_SIZE, 0, (uint64_t)(uintptr_t)send_ring, send_handle },
                                .receive = { RING_SIZE, 0, (uint64_t)(uintptr_t)receive_ring, receive_handle } };
    size_t got;
    if ((s = openndis_ioctl(c, h, TUN_IOCTL_REGISTER_RINGS, &r, sizeof r, NULL, 0, &got)) != 0)
        fail("TUN_IOCTL_REGISTER_RINGS", s);

    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", argv[3]);
    if ((tun = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0 || ioctl(tun, TUNSETIFF, &ifr) != 0) {
        perror("wintun-bridge: creating the TUN interface (needs CAP_NET_ADMIN)");
        return 1;
    }
    printf("rings registered on %s; bridging to %s\n", argv[2], argv[3]);
    fflush(stdout);

    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    pthread_t a, b;
    pthread_create(&a, NULL, from_driver, NULL);
    pthread_create(&b, NULL, from_linux, NULL);
    int sig;
    sigwait(&stop, &sig);
    /* the driver unregisters the rings at IRP_MJ_CLOSE, when the connection ends with us */
    openndis_shutdown(c);
    return 0;
}
