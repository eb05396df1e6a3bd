/* bridge: a Linux program as a driver's user-mode half, the way OpenVPN uses tap-windows6.
 * It opens the driver's control device through libopenndis-client and a Linux TAP interface
 * of its own, and moves frames both ways: each ReadFile of the device is written to the
 * interface, each frame Linux sends on the interface is a WriteFile to the device.
 *
 *   bridge SOCKET DEVICE IFNAME [--sample | --tap-windows6]
 *
 * --sample asks the OpenNDIS sample's control device its version first; --tap-windows6 does
 * what OpenVPN does after opening tap-windows6's device: TAP_WIN_IOCTL_GET_VERSION, GET_MTU,
 * then SET_MEDIA_STATUS(connected). Runs until SIGINT/SIGTERM or until the driver's run ends. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <openndis/client.h>

#include "../drivers/sample/sample_ioctl.h"

/* tap-windows6's control codes (its tap-windows.h): CTL_CODE(FILE_DEVICE_UNKNOWN, n,
 * METHOD_BUFFERED, FILE_ANY_ACCESS) */
#define TAP_CODE(n) ((0x22u << 16) | ((n) << 2))
#define TAP_WIN_IOCTL_GET_VERSION TAP_CODE(2u)
#define TAP_WIN_IOCTL_GET_MTU TAP_CODE(3u)
#define TAP_WIN_IOCTL_SET_MEDIA_STATUS TAP_CODE(6u)

static openndis_client *client;
static uint32_t device;
static int tap = -1;

static void die(const char *what, openndis_status s)
{
    const char *name = openndis_status_name(s);
    fprintf(stderr, "bridge: %s: %s (0x%08X)\n", what, name ? name : "status", (unsigned)s);
    exit(1);
}

/* device -> Linux */
static void *from_driver(void *arg)
{
    (void)arg;
    unsigned char frame[2048];
    for (;;) {
        size_t n = 0;
        openndis_status s = openndis_read(client, device, frame, sizeof frame, &n);
        if (s == OPENNDIS_STATUS_DISCONNECTED)
            break;
        if (s == OPENNDIS_STATUS_SUCCESS && n > 0 && write(tap, frame, n) < 0 && errno != EIO)
            perror("bridge: writing to the interface");
    }
    kill(getpid(), SIGTERM); /* the run ended: so does the bridge */
    return NULL;
}

/* Linux -> device */
static void *from_linux(void *arg)
{
    (void)arg;
    unsigned char frame[2048];
    for (;;) {
        ssize_t n = read(tap, frame, sizeof frame);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t written;
        if (openndis_write(client, device, frame, (size_t)n, &written) == OPENNDIS_STATUS_DISCONNECTED)
            break;
    }
    return NULL;
}

static int open_tap(const char *name)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        perror("bridge: /dev/net/tun");
        exit(1);
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
        perror("bridge: creating the TAP interface (needs CAP_NET_ADMIN)");
        exit(1);
    }
    return fd;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: bridge SOCKET DEVICE IFNAME [--sample | --tap-windows6]\n");
        return 2;
    }
    const char *mode = argc == 5 ? argv[4] : "";
    client = openndis_connect(argv[1]);
    if (client == NULL) {
        fprintf(stderr, "bridge: cannot connect to %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    openndis_status s = openndis_open(client, argv[2], OPENNDIS_GENERIC_READ | OPENNDIS_GENERIC_WRITE, &device);
    if (s != OPENNDIS_STATUS_SUCCESS)
        die(argv[2], s);
    uint32_t value[3] = { 0 };
    size_t n;
    if (strcmp(mode, "--sample") == 0) {
        if ((s = openndis_ioctl(client, device, IOCTL_SAMPLE_GET_VERSION, NULL, 0, value, 4, &n)) != 0)
            die("IOCTL_SAMPLE_GET_VERSION", s);
        printf("sample control interface %u.%u\n", value[0] >> 16, value[0] & 0xffff);
    } else if (strcmp(mode, "--tap-windows6") == 0) {
        if ((s = openndis_ioctl(client, device, TAP_WIN_IOCTL_GET_VERSION, value, 12, value, 12, &n)) != 0)
            die("TAP_WIN_IOCTL_GET_VERSION", s);
        printf("tap-windows6 driver %u.%u%s\n", value[0], value[1], value[2] ? " (debug)" : "");
        if ((s = openndis_ioctl(client, device, TAP_WIN_IOCTL_GET_MTU, value, 4, value, 4, &n)) != 0)
            die("TAP_WIN_IOCTL_GET_MTU", s);
        printf("mtu %u\n", value[0]);
        uint32_t connected = 1;
        if ((s = openndis_ioctl(client, device, TAP_WIN_IOCTL_SET_MEDIA_STATUS, &connected, 4, &connected, 4, &n)) != 0)
            die("TAP_WIN_IOCTL_SET_MEDIA_STATUS", s);
    } else if (mode[0] != 0) {
        fprintf(stderr, "bridge: the mode is --sample or --tap-windows6, not '%s'\n", mode);
        return 2;
    }
    tap = open_tap(argv[3]);
    printf("bridging %s and %s\n", argv[2], argv[3]);
    fflush(stdout);

    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* the threads inherit it; main waits for it */
    pthread_t a, b;
    pthread_create(&a, NULL, from_driver, NULL);
    pthread_create(&b, NULL, from_linux, NULL);
    int sig;
    sigwait(&stop, &sig);
    /* The driver sees CLEANUP and CLOSE for the handle when the connection ends. */
    openndis_shutdown(client);
    pthread_join(a, NULL);
    /* the other thread may sit in a read of the interface, which nothing wakes: the process
     * ends with it still there, so the connection's memory is left to the exit */
    return 0;
}
