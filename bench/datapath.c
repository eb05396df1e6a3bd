/* bench/datapath: frames per second through the sample driver between two adapters on the
 * loopback edge, next to a baseline measured in the same run that does only the unavoidable
 * work: one copy of each frame into a receive buffer.
 *
 *   openndis: edge_loopback_send (NBL chain) -> MiniportSendNetBufferLists -> sample hub ->
 *             NdisMIndicateReceiveNetBufferLists -> edge queue -> edge_loopback_recv
 *
 * Usage: bench/datapath DRIVER.so [frames per measurement, default 2000000] [SIZExCHAIN]
 * The last argument runs one configuration only (bench/callgrind.sh counts instructions in
 * through_driver that way: the measured frames plus a tenth for warm-up). */
#include <string.h>

#include "bench.h"

static UCHAR frames[32][1514];
static UCHAR rx[2048]; /* the baseline's receive buffer */

/* Nothing but the copy a receive has to make. */
static double baseline(size_t size, size_t chain, unsigned long total)
{
    volatile UCHAR sink = 0;
    double t0 = bench_now();
    for (unsigned long sent = 0; sent < total; sent += chain)
        for (size_t k = 0; k < chain; k++) {
            memcpy(rx, frames[k], size);
            sink ^= rx[size - 1];
        }
    (void)sink;
    return bench_now() - t0;
}

/* Not inlined: bench/callgrind.sh counts the instructions of this function. */
static __attribute__((noinline)) double through_driver(struct edge_loopback *from, struct edge_loopback *to,
                                                       size_t size, size_t chain, unsigned long total,
                                                       unsigned long *lost)
{
    return bench_through(from, to, frames, size, chain, total, lost);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench/datapath DRIVER.so [frames per measurement] [SIZExCHAIN] [recycle|tracked]\n");
        return 2;
    }
    unsigned long total = argc > 2 ? strtoul(argv[2], NULL, 10) : 2000000;
    if (total < 64)
        total = 64;
    /* NBL recycling as `openndis run` does it (the default), or every NBL through tracked
     * malloc/free as under `verify` ("tracked"). */
    bool recycling = ndis_nbl_set_recycling(!(argc > 4 && strcmp(argv[4], "tracked") == 0));
    struct ld_image *image = bench_load(argv[1]);
    struct bench_pair pair;
    bench_pair_up(image, &pair);
    struct edge_loopback **lb = pair.lb;

    printf("NBL recycling: %s\n", recycling ? "on (as openndis run)" : "off (tracked, as openndis verify)");
    printf("%-6s %-6s %14s %10s %14s %10s %8s\n", "bytes", "chain", "openndis fps", "ns/frame", "baseline fps",
           "ns/frame", "ratio");
    static const size_t sizes[] = { 64, 1514 }, chains[] = { 1, 32 };
    double worst = 1e9, fps64x32 = 0;
    size_t only_size = 0, only_chain = 0;
    if (argc > 3 && sscanf(argv[3], "%zux%zu", &only_size, &only_chain) != 2) {
        fprintf(stderr, "bench/datapath: configuration must look like 64x32, not '%s'\n", argv[3]);
        return 2;
    }
    for (size_t s = 0; s < 2; s++)
        for (size_t c = 0; c < 2; c++) {
            unsigned long lost;
            if (only_size && (sizes[s] != only_size || chains[c] != only_chain))
                continue;
            bench_frames(frames, pair.mac[1], pair.mac[0], sizes[s]);
            through_driver(lb[0], lb[1], sizes[s], chains[c], total / 10, &lost); /* warm up */
            double t = through_driver(lb[0], lb[1], sizes[s], chains[c], total, &lost);
            double b = baseline(sizes[s], chains[c], total);
            double ratio = b / t; /* share of the bare copy's rate that OpenNDIS reaches */
            if (ratio < worst)
                worst = ratio;
            if (sizes[s] == 64 && chains[c] == 32)
                fps64x32 = total / t;
            printf("%-6zu %-6zu %14.0f %10.1f %14.0f %10.1f %8.4f%s\n", sizes[s], chains[c], total / t, t / total * 1e9,
                   total / b, b / total * 1e9, ratio, lost ? "  (frames lost!)" : "");
        }
    printf("summary: %.2f M frames/s through the driver at 64 bytes in chains of 32; at worst %.4f of the bare "
           "copy's rate\n",
           fps64x32 / 1e6, worst);
    bench_pair_down(&pair);
    ld_unload(image);
    ld_free(image);
    return bench_verdict();
}
