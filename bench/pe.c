/* bench/pe: the same driver built as a Linux .so and as a PE image (.sys, Microsoft x64 ABI),
 * measured in one run: whole lifecycle cycles per second (the image kept loaded) and frames
 * per second between two adapters on the loopback edge. The .so is the baseline; the ratio
 * is what the PE path keeps of it (every call across the boundary goes through an ms_abi
 * wrapper one way and KE_DRIVER_CALL's convention switch the other). Each figure is the best
 * of three rounds, the two builds taking turns, so drift on the machine hits both alike.
 *
 * Usage: bench/pe DRIVER.so DRIVER.sys [cycles, default 5000] [frames, default 1000000] */
#include "bench.h"

static double lifecycle_rate(const char *path, unsigned long cycles)
{
    return cycles / bench_reentered(path, cycles, bench_cycle);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench/pe DRIVER.so DRIVER.sys [cycles] [frames]\n");
        return 2;
    }
    unsigned long cycles = argc > 3 ? strtoul(argv[3], NULL, 10) : 5000;
    unsigned long total = argc > 4 ? strtoul(argv[4], NULL, 10) : 1000000;
    if (cycles < 10)
        cycles = 10;
    if (total < 640)
        total = 640;
    static const struct {
        const char *what;
        size_t size, chain;
    } rows[] = { { "lifecycle cycles/s", 0, 0 }, { "frames/s, 64 B x 1", 64, 1 }, { "frames/s, 64 B x 32", 64, 32 },
                 { "frames/s, 1514 B x 32", 1514, 32 } };
    printf("%-24s %14s %14s %8s\n", "", ".so (baseline)", "PE image", "PE/.so");
    double worst = 1e9;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        double so = 0, pe = 0;
        for (int round = 0; round < 3; round++) {
            if (rows[r].size == 0) {
                so = bench_best(so, lifecycle_rate(argv[1], cycles));
                pe = bench_best(pe, lifecycle_rate(argv[2], cycles));
            } else {
                so = bench_best(so, bench_frame_rate("bench/pe", argv[1], rows[r].size, rows[r].chain, total));
                pe = bench_best(pe, bench_frame_rate("bench/pe", argv[2], rows[r].size, rows[r].chain, total));
            }
        }
        printf("%-24s %14.0f %14.0f %8.3f\n", rows[r].what, so, pe, pe / so);
        if (pe / so < worst)
            worst = pe / so;
    }
    printf("summary: the PE image keeps at worst %.3f of the .so build's rate (target 0.8)\n", worst);
    return bench_verdict();
}
