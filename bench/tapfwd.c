/* bench/tapfwd: the bare TAP forwarder iperf.sh measures OpenNDIS against. Two TAP interfaces
 * NAME0 and NAME1, two threads, each reading one and writing the other: what any user-space
 * forwarder does without a driver in between. Runs until SIGINT or SIGTERM; the interfaces
 * go with it. Usage: bench/tapfwd NAME0 NAME1 (needs CAP_NET_ADMIN) */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int tapfwd_open(const char *name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
        fprintf(stderr, "bench/tapfwd: %s: %s\n", name, strerror(errno));
        return -1;
    }
    return fd;
}

static void *tapfwd_loop(void *arg)
{
    const int *fd = arg; /* fd[0]: read, fd[1]: write */
    unsigned char buf[65536];
    for (;;) {
        ssize_t n = read(fd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return NULL;
        (void)!write(fd[1], buf, (size_t)n); /* a full receiver drops, as a wire would */
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench/tapfwd NAME0 NAME1\n");
        return 2;
    }
    int a = tapfwd_open(argv[1]), b = a < 0 ? -1 : tapfwd_open(argv[2]);
    if (b < 0)
        return 2;
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* the threads inherit the mask; main waits */
    static int ab[2], ba[2];
    ab[0] = a, ab[1] = b, ba[0] = b, ba[1] = a;
    pthread_t t[2];
    pthread_create(&t[0], NULL, tapfwd_loop, ab);
    pthread_create(&t[1], NULL, tapfwd_loop, ba);
    printf("forwarding %s <-> %s\n", argv[1], argv[2]);
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    return 0; /* exiting closes the descriptors: the interfaces are deleted */
}
