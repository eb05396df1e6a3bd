/* bench/rss: frames per second through the sample driver's RSS path with 1, 2, the machine's
 * and twice the machine's modelled processors, as ratios against 1 processor measured in
 * the same run.
 *
 *   UDP/IPv4 frames of 256 flows: edge_loopback_send -> adapter 0 -> sample hub -> adapter
 *   1 hashes each frame; its indirection table (set by the upper layer over every modelled
 *   processor) names the processor, whose DPC indicates it -> a protocol that reads and
 *   counts each frame where it is indicated.
 *
 * The sender's processor indicates the frames whose entry names it; the other processors'
 * DPC threads indicate theirs concurrently. The model's processor count is fixed once a
 * process has counted, so each count runs in a child process of its own.
 *
 * Usage: bench/rss DRIVER.so [frames per measurement, default 1000000] */
#include <unistd.h>

#include "bench.h"

enum { FLOWS = 256, CHAIN = 32, LEN = 1514, WINDOW = 8192 };

/* The protocol on adapter 1: it reads each frame where it is indicated (on Windows, TCP/IP
 * runs in the receive DPC, on the RSS processor) and counts it. */
static atomic_ulong received;
static atomic_uint sink;

static void protocol_receive(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls)
{
    (void)ctx;
    (void)adapter;
    unsigned long n = 0;
    unsigned sum = 0;
    for (PNET_BUFFER_LIST nbl = nbls; nbl != NULL; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl), n++) {
        UCHAR copy[LEN];
        PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl);
        const UCHAR *data = NdisGetDataBuffer(nb, LEN, copy, 1, 0);
        for (int i = 0; data != NULL && i + 1 < LEN; i += 2) /* a ones-complement sum, as a checksum check */
            sum += (unsigned)data[i] << 8 | data[i + 1];
    }
    atomic_fetch_add_explicit(&sink, sum, memory_order_relaxed);
    atomic_fetch_add(&received, n);
}
static const struct ndis_upper_edge protocol = { .receive = protocol_receive };


/* Sends `n` frames (starting at frame `from` of the flows) with no more than WINDOW in flight. */
static void send_flows(struct edge_loopback *lb, const void *ptr[FLOWS], size_t len[FLOWS], unsigned long n,
                       unsigned long *sent)
{
    for (unsigned long i = 0; i < n; i += CHAIN, *sent += CHAIN) {
        while (*sent - atomic_load(&received) > WINDOW) /* DPCs still indicating */
            sched_yield();
        edge_loopback_send(lb, &ptr[(*sent / CHAIN * CHAIN) % FLOWS], len, CHAIN);
    }
}

/* One processor count, in this process: prints "fps lost steered processors". */
static int child(const char *driver, unsigned long total)
{
    struct ld_image *image = bench_load(driver);
    struct ndis_adapter *ad[2];
    UCHAR mac[2][6];
    for (int i = 0; i < 2; i++) {
        NDIS_STATUS st;
        if ((ad[i] = ndis_adapter_initialize(&image->object, &st)) == NULL) {
            fprintf(stderr, "bench: MiniportInitializeEx failed: 0x%08x\n", (unsigned)st);
            return 2;
        }
    }
    struct edge_loopback *tx = edge_loopback_open(ad[0], 64);
    ndis_adapter_attach(ad[1], &protocol, NULL);
    for (int i = 0; i < 2; i++) {
        ndis_adapter_restart(ad[i]);
        struct edge_bring_up up;
        edge_bring_up(ad[i], NDIS_PACKET_TYPE_DIRECTED, &up);
        memcpy(mac[i], up.mac, 6);
    }
    struct edge_hw_assist hw;
    edge_hw_assist_start(ad[1], mac[1], &hw); /* RSS on, the table over every processor */
    if (!hw.rss || hw.rss_status != NDIS_STATUS_SUCCESS) {
        fprintf(stderr, "bench: the driver does not take RSS parameters\n");
        return 2;
    }

    static UCHAR frames[FLOWS][LEN];
    const void *ptr[FLOWS];
    size_t len[FLOWS];
    for (unsigned k = 0; k < FLOWS; k++) {
        edge_loopback_udp_frame(frames[k], LEN, mac[1], mac[0], k);
        ptr[k] = frames[k];
        len[k] = LEN;
    }
    unsigned long sent = 0;
    send_flows(tx, ptr, len, total / 10, &sent); /* warm-up */
    KeFlushQueuedDpcs();
    unsigned long before = atomic_load(&received), sent_before = sent;
    double t0 = bench_now();
    send_flows(tx, ptr, len, total, &sent);
    KeFlushQueuedDpcs(); /* the last frames indicated */
    double secs = bench_now() - t0;
    unsigned long got = atomic_load(&received) - before;
    sent -= sent_before;

    struct ndis_hw_assist_info info;
    ndis_adapter_hw_assist(ad[1], &info);
    edge_hw_assist_stop(ad[1], &hw);
    for (int i = 0; i < 2; i++) {
        ndis_adapter_pause(ad[i]);
        ndis_adapter_halt(ad[i], NdisHaltDeviceDisabled);
    }
    edge_loopback_close(tx);
    ld_unload(image);
    ld_free(image);
    printf("%.0f %lu %llu %u\n", got / secs, sent > got ? sent - got : 0, (unsigned long long)info.steered_frames,
           info.rss_processors);
    return bench_verdict();
}

int main(int argc, char **argv)
{
    if (argc >= 5 && strcmp(argv[1], "--child") == 0) { /* --child P DRIVER FRAMES */
        setenv("OPENNDIS_PROCESSORS", argv[2], 1);
        return child(argv[3], strtoul(argv[4], NULL, 10));
    }
    if (argc < 2) {
        fprintf(stderr, "usage: bench/rss DRIVER.so [frames per measurement]\n");
        return 2;
    }
    unsigned long total = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
    if (total < 1000)
        total = 1000;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned counts[4] = { 1, 2, online > 0 ? (unsigned)online : 1, online > 0 ? 2 * (unsigned)online : 2 };
    printf("UDP/IPv4, %d bytes, %d flows, chains of %d; the protocol sums each frame where it is indicated\n", LEN,
           FLOWS, CHAIN);
    printf("%-28s %12s %8s %14s %8s\n", "modelled processors", "fps", "lost", "on their cpu", "ratio");
    double base = 0;
    int status = 0;
    for (int i = 0; i < 4; i++) {
        if (i > 0 && counts[i] <= counts[i - 1])
            continue;
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "'%s' --child %u '%s' %lu", argv[0], counts[i], argv[1], total);
        FILE *p = popen(cmd, "r");
        double fps = 0;
        unsigned long lost = 0;
        unsigned long long steered = 0;
        unsigned spread = 0;
        if (p == NULL || fscanf(p, "%lf %lu %llu %u", &fps, &lost, &steered, &spread) != 4) {
            fprintf(stderr, "bench: the run with %u processors failed\n", counts[i]);
            status = 1;
        }
        if (p != NULL && pclose(p) != 0)
            status = 1;
        if (i == 0)
            base = fps;
        char label[64];
        snprintf(label, sizeof label, "%u%s (table over %u)", counts[i],
                 counts[i] == (unsigned)online ? " = machine" : counts[i] > (unsigned)online ? " > machine" : "",
                 spread);
        printf("%-28s %12.0f %8lu %14llu %7.2fx\n", label, fps, lost, steered, base > 0 ? fps / base : 0);
    }
    return status;
}
