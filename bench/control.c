/* bench/control: a driver's control device from a Linux client, through libopenndis-client and
 * the control socket, against the floor of any such design measured in the same run: a bare
 * round trip of the same bytes over a Unix SOCK_SEQPACKET socket to a thread that answers.
 *
 *   - DeviceIoControl round trip, buffered, 64 bytes in and 64 out (the sample's
 *     IOCTL_SAMPLE_GET_STATS, which returns 48 of them): IRP built, dispatched to the driver,
 *     completed, answered; ratio to the bare round trip (target <= 2x);
 *   - WriteFile of 64-byte frames to the sample's device (each a frame on its hub, received
 *     by the adapter), blocking, one at a time: frames per second;
 *   - ReadFile of frames the adapter sends (overlapped, 32 reads kept outstanding): frames
 *     per second.
 *
 * Usage: bench/control DRIVER.so [round trips, default 20000] */
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openndis/client.h>

#include "bench.h"
#include "../drivers/sample/sample_ioctl.h"

#define FRAME 64

static void *echo_thread(void *arg)
{
    int fd = *(int *)arg;
    char buf[256];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
        if (send(fd, buf, (size_t)n, 0) != n)
            break;
    return NULL;
}

/* The floor: 64 bytes plus a header's worth out, 64 plus a header back, to a thread. */
static double bare_round_trip(unsigned n)
{
    int sv[2];
    pthread_t t;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
        exit(2);
    pthread_create(&t, NULL, echo_thread, &sv[1]);
    char msg[64 + 32] = { 0 }, back[256];
    double t0 = bench_now();
    for (unsigned i = 0; i < n; i++)
        if (send(sv[0], msg, sizeof msg, 0) != (ssize_t)sizeof msg || recv(sv[0], back, sizeof back, 0) <= 0)
            exit(2);
    double dt = bench_now() - t0;
    shutdown(sv[0], SHUT_RDWR);
    pthread_join(t, NULL);
    close(sv[0]);
    close(sv[1]);
    return dt / n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench/control DRIVER.so [round trips]\n");
        return 2;
    }
    unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 20000;
    struct ld_image *image = bench_load(argv[1]);
    NDIS_STATUS st;
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    if (a == NULL) {
        fprintf(stderr, "bench: MiniportInitializeEx failed\n");
        return 2;
    }
    struct edge_loopback *lb = edge_loopback_open(a, 4096);
    ndis_adapter_restart(a);
    struct edge_bring_up up;
    edge_bring_up(a, NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST, &up);

    char sock[64], err[256];
    snprintf(sock, sizeof sock, "/tmp/openndis-bench-%d.sock", (int)getpid());
    struct edge_control *server = edge_control_listen(sock, err, sizeof err);
    openndis_client *c = server != NULL ? openndis_connect(sock) : NULL;
    uint32_t h;
    if (c == NULL || openndis_open(c, SAMPLE_DEVICE_NAME, OPENNDIS_GENERIC_READ | OPENNDIS_GENERIC_WRITE, &h) != 0) {
        fprintf(stderr, "bench: cannot open the sample's control device: %s\n", server ? "open failed" : err);
        return 2;
    }

    /* DeviceIoControl round trips; the bare floor measured just before and after */
    unsigned char in[64] = { 0 }, out[64];
    size_t got;
    for (unsigned i = 0; i < n / 10; i++) /* warm-up */
        openndis_ioctl(c, h, IOCTL_SAMPLE_GET_STATS, in, sizeof in, out, sizeof out, &got);
    double bare = bare_round_trip(n);
    double t0 = bench_now();
    for (unsigned i = 0; i < n; i++)
        if (openndis_ioctl(c, h, IOCTL_SAMPLE_GET_STATS, in, sizeof in, out, sizeof out, &got) != 0 || got != 48) {
            fprintf(stderr, "bench: IOCTL_SAMPLE_GET_STATS failed\n");
            return 2;
        }
    double ioctl = (bench_now() - t0) / n;
    bare = (bare + bare_round_trip(n)) / 2;
    printf("DeviceIoControl (buffered, 64 B in/out)  %8.2f us  bare socket round trip %6.2f us  ratio %.2fx\n",
           ioctl * 1e6, bare * 1e6, ioctl / bare);

    /* WriteFile: frames onto the hub, to the adapter's own address */
    unsigned char frame[FRAME] = { 0 };
    memcpy(frame, up.mac, 6);
    frame[12] = 0x88, frame[13] = 0xb5;
    unsigned char rx[2048];
    t0 = bench_now();
    for (unsigned i = 0; i < n; i++) {
        if (openndis_write(c, h, frame, sizeof frame, &got) != 0) {
            fprintf(stderr, "bench: WriteFile failed\n");
            return 2;
        }
        while (edge_loopback_recv(lb, rx, sizeof rx) >= 0)
            ;
    }
    double writes = n / (bench_now() - t0);
    struct edge_loopback_stats s;
    edge_loopback_stats(lb, &s);
    printf("WriteFile (64 B frames, one at a time)   %8.0f frames/s  (%llu received by the adapter)\n", writes,
           (unsigned long long)s.received);

    /* ReadFile: the adapter sends, 32 overlapped reads wait for the frames */
    static unsigned char bufs[32][2048];
    unsigned done = 0, sent = 0;
    const void *ptr[1] = { frame };
    size_t len[1] = { sizeof frame };
    frame[0] = 0xff; /* any destination: every frame reaches the ports */
    t0 = bench_now();
    for (unsigned i = 0; i < 32; i++)
        openndis_submit_read(c, h, bufs[i], sizeof bufs[i]);
    while (done < n) {
        if (sent < n && sent - done < 16) { /* keep a few frames on their way, like a sender */
            sent += (unsigned)edge_loopback_send(lb, ptr, len, 1);
            continue;
        }
        uint64_t id;
        openndis_status rs;
        if (openndis_reap(c, 1, &id, &rs, &got) != 1 || rs != 0) {
            fprintf(stderr, "bench: a read failed or the connection ended\n");
            return 2;
        }
        done++;
        openndis_submit_read(c, h, bufs[id % 32], sizeof bufs[id % 32]);
    }
    double reads = n / (bench_now() - t0);
    printf("ReadFile (64 B frames, 32 overlapped)    %8.0f frames/s\n", reads);
    openndis_cancel(c, h, 0);
    openndis_close(c, h);
    openndis_disconnect(c);
    edge_control_close(server);
    ndis_adapter_pause(a);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled);
    edge_loopback_close(lb);
    return bench_verdict();
}
