/* bridge: a Linux program as a driver's user-mode half, the way OpenVPN uses tap-windows6.
 * It opens the driver's control device and a Linux TAP interface of its own, and moves frames
 * both ways: each ReadFile of the device is written to the interface, each frame Linux sends
 * on the interface is a WriteFile to the device. The device is reached either through
 * libopenndis-client (`openndis run --control SOCKET`) or as a plain file (`openndis run
 * --device-files DIR`: open, read, write and ioctl, openndis/device_file.h).
 *
 *   bridge SOCKET DEVICE IFNAME [--sample | --tap-windows6]
 *   bridge DIR/DEVICE IFNAME [--sample | --tap-windows6]
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
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openndis/client.h>
#include <openndis/device_file.h>

#include "../drivers/sample/sample_ioctl.h"

/* tap-windows6's control codes (its tap-windows.h): CTL_CODE(FILE_DEVICE_UNKNOWN, n,
 * METHOD_BUFFERED, FILE_ANY_ACCESS) */
#define TAP_CODE(n) ((0x22u << 16) | ((n) << 2))
#define TAP_WIN_IOCTL_GET_VERSION TAP_CODE(2u)
#define TAP_WIN_IOCTL_GET_MTU TAP_CODE(3u)
#define TAP_WIN_IOCTL_SET_MEDIA_STATUS TAP_CODE(6u)

static openndis_client *client; /* through the control socket, or */
static uint32_t device;
static int file = -1;           /* the device as a file: reads and ioctls, */
static int file_w = -1;         /* and writes on a second open (Linux serializes a read and a
                                 * write on one regular file's descriptor: its position lock) */
static int tap = -1;
static atomic_bool stopping;

static void on_wake(int sig)
{
    (void)sig; /* only interrupts the reader's read */
}

/* ReadFile, WriteFile and DeviceIoControl on whichever way the device was opened. A file's
 * read or write that fails says so through errno: OPENNDIS_STATUS_DISCONNECTED when the run
 * is gone, a failure status otherwise. */
static openndis_status dev_read(void *buf, size_t len, size_t *n)
{
    if (client != NULL)
        return openndis_read(client, device, buf, len, n);
    ssize_t r = read(file, buf, len);
    *n = r > 0 ? (size_t)r : 0;
    return r >= 0 ? OPENNDIS_STATUS_SUCCESS : errno == ENOTCONN || errno == ENODEV ? OPENNDIS_STATUS_DISCONNECTED
                                                                                    : OPENNDIS_STATUS_CANCELLED;
}

static openndis_status dev_write(const void *buf, size_t len)
{
    size_t written;
    if (client != NULL)
        return openndis_write(client, device, buf, len, &written);
    ssize_t r = write(file_w, buf, len);
    return r >= 0 ? OPENNDIS_STATUS_SUCCESS : errno == ENOTCONN || errno == ENODEV ? OPENNDIS_STATUS_DISCONNECTED
                                                                                    : OPENNDIS_STATUS_CANCELLED;
}

static openndis_status dev_ioctl(uint32_t code, const void *in, size_t in_len, void *out, size_t out_len, size_t *n)
{
    if (client != NULL)
        return openndis_ioctl(client, device, code, in, in_len, out, out_len, n);
    static struct openndis_device_ioctl io;
    io.code = code;
    io.in_len = (uint32_t)in_len;
    io.out_len = (uint32_t)out_len;
    if (in_len)
        memcpy(io.data, in, in_len);
    if (ioctl(file, OPENNDIS_DEVICE_IOCTL, &io) != 0)
        return OPENNDIS_STATUS_DISCONNECTED;
    *n = io.information < out_len ? (size_t)io.information : out_len;
    memcpy(out, io.data, *n);
    return io.status;
}

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
        openndis_status s = dev_read(frame, sizeof frame, &n);
        if (s == OPENNDIS_STATUS_DISCONNECTED || atomic_load(&stopping))
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
        if (dev_write(frame, (size_t)n) == OPENNDIS_STATUS_DISCONNECTED)
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
    struct stat st;
    bool as_file = argc >= 2 && stat(argv[1], &st) == 0 && S_ISREG(st.st_mode);
    int fixed = as_file ? 3 : 4; /* arguments before the mode */
    if (argc < fixed || argc > fixed + 1) {
        fprintf(stderr, "usage: bridge SOCKET DEVICE IFNAME [--sample | --tap-windows6]\n"
                        "       bridge DEVICE-FILE IFNAME [--sample | --tap-windows6]\n");
        return 2;
    }
    const char *mode = argc == fixed + 1 ? argv[fixed] : "";
    const char *name = as_file ? argv[1] : argv[2], *ifname = argv[fixed - 1];
    openndis_status s;
    if (as_file) {
        if ((file = open(name, O_RDWR | O_CLOEXEC)) < 0 || (file_w = open(name, O_RDWR | O_CLOEXEC)) < 0) {
            fprintf(stderr, "bridge: cannot open %s: %s\n", name, strerror(errno));
            return 1;
        }
    } else {
        client = openndis_connect(argv[1]);
        if (client == NULL) {
            fprintf(stderr, "bridge: cannot connect to %s: %s\n", argv[1], strerror(errno));
            return 1;
        }
        s = openndis_open(client, name, OPENNDIS_GENERIC_READ | OPENNDIS_GENERIC_WRITE, &device);
        if (s != OPENNDIS_STATUS_SUCCESS)
            die(name, s);
    }
    uint32_t value[3] = { 0 };
    size_t n;
    if (strcmp(mode, "--sample") == 0) {
        if ((s = dev_ioctl(IOCTL_SAMPLE_GET_VERSION, NULL, 0, value, 4, &n)) != 0)
            die("IOCTL_SAMPLE_GET_VERSION", s);
        printf("sample control interface %u.%u\n", value[0] >> 16, value[0] & 0xffff);
    } else if (strcmp(mode, "--tap-windows6") == 0) {
        if ((s = dev_ioctl(TAP_WIN_IOCTL_GET_VERSION, value, 12, value, 12, &n)) != 0)
            die("TAP_WIN_IOCTL_GET_VERSION", s);
        printf("tap-windows6 driver %u.%u%s\n", value[0], value[1], value[2] ? " (debug)" : "");
        if ((s = dev_ioctl(TAP_WIN_IOCTL_GET_MTU, value, 4, value, 4, &n)) != 0)
            die("TAP_WIN_IOCTL_GET_MTU", s);
        printf("mtu %u\n", value[0]);
        uint32_t connected = 1;
        if ((s = dev_ioctl(TAP_WIN_IOCTL_SET_MEDIA_STATUS, &connected, 4, &connected, 4, &n)) != 0)
            die("TAP_WIN_IOCTL_SET_MEDIA_STATUS", s);
    } else if (mode[0] != 0) {
        fprintf(stderr, "bridge: the mode is --sample or --tap-windows6, not '%s'\n", mode);
        return 2;
    }
    tap = open_tap(ifname);
    printf("bridging %s and %s\n", name, ifname);
    fflush(stdout);

    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* the threads inherit it; main waits for it */
    struct sigaction wake = { .sa_handler = on_wake }; /* no SA_RESTART: a read returns EINTR */
    sigaction(SIGUSR1, &wake, NULL);
    pthread_t a, b;
    pthread_create(&a, NULL, from_driver, NULL);
    pthread_create(&b, NULL, from_linux, NULL);
    int sig;
    sigwait(&stop, &sig);
    /* The driver sees CLEANUP and CLOSE for the handle when the connection ends, or the file
     * is closed; the reader's pended read is cancelled either way. */
    atomic_store(&stopping, true);
    if (client != NULL) {
        openndis_shutdown(client);
    } else {
        pthread_kill(a, SIGUSR1); /* interrupts its read: the IRP is cancelled */
    }
    pthread_join(a, NULL);
    if (file >= 0)
        close(file);
    if (file_w >= 0)
        close(file_w);
    /* the other thread may sit in a read of the interface, which nothing wakes: the process
     * ends with it still there, so the connection's memory is left to the exit */
    return 0;
}
