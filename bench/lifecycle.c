/* bench/lifecycle: whole driver cycles per second —
 *   DriverEntry -> NdisMRegisterMiniportDriver -> MiniportInitializeEx -> MiniportRestart ->
 *   MiniportPause -> MiniportHaltEx -> MiniportDriverUnload -> NdisMDeregisterMiniportDriver
 * re-entering the already loaded image, and with a full dlopen/dlclose of the .so each time.
 * The baseline, measured in the same run, is the bare dlopen/dlsym/dlclose of the same file:
 * the floor of the reloading variant. A systematic fault sweep reruns this cycle hundreds
 * of times, so its speed is the verifier's speed.
 *
 * Then memory: resident set per adapter (64 adapters up at once), and the growth of the
 * resident set over GROWTH re-entered cycles after a warm-up (must be zero beyond noise).
 *
 * Usage: bench/lifecycle DRIVER.so [cycles, default 20000] [growth cycles, default 1000000] */
#include <dlfcn.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* Resident set size in KiB, from /proc/self/statm. */
static long rss_kib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Not inlined: bench/callgrind.sh counts the instructions of this function. */
static __attribute__((noinline)) void cycle(struct ld_image *image)
{
    bench_cycle(image);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench/lifecycle DRIVER.so [cycles] [growth cycles]\n");
        return 2;
    }
    unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000;
    if (n < 10)
        n = 10;
    /* re-entered: one image, DriverEntry ... unload again and again */
    double reentered = bench_reentered(argv[1], n, cycle);
    struct ld_image *image;

    /* reloaded: load the .so each time */
    unsigned long m = n / 10 ? n / 10 : 1;
    double t0 = bench_now();
    for (unsigned long i = 0; i < m; i++) {
        image = bench_map(argv[1]);
        cycle(image);
        ld_free(image);
    }
    double reloaded = bench_now() - t0;

    /* baseline: what the dynamic loader alone costs */
    t0 = bench_now();
    for (unsigned long i = 0; i < m; i++) {
        void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        if (h == NULL || dlsym(h, "DriverEntry") == NULL)
            return 2;
        dlclose(h);
    }
    double bare = bench_now() - t0;

    printf("%-34s %12s %12s\n", "cycle", "cycles/s", "us/cycle");
    printf("%-34s %12.0f %12.2f\n", "re-entered (image kept loaded)", n / reentered, reentered / n * 1e6);
    printf("%-34s %12.0f %12.2f\n", "reloaded (dlopen/dlclose each)", m / reloaded, reloaded / m * 1e6);
    printf("%-34s %12.0f %12.2f\n", "baseline: bare dlopen/dlclose", m / bare, bare / m * 1e6);
    printf("summary: %.0f re-entered cycles/s; a reloaded cycle costs %.2fx a bare dlopen/dlclose\n", n / reentered,
           (reloaded / m) / (bare / m));

    /* memory per adapter */
    enum { ADAPTERS = 64 };
    unsigned long growth = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000;
    image = bench_load(argv[1]);
    ld_keep_mapped(image);
    struct ndis_adapter *many[ADAPTERS];
    NDIS_STATUS st;
    long before = rss_kib();
    for (int i = 0; i < ADAPTERS; i++) {
        if ((many[i] = ndis_adapter_initialize(&image->object, &st)) == NULL)
            return 2;
        ndis_adapter_restart(many[i]);
    }
    long with = rss_kib();
    for (int i = 0; i < ADAPTERS; i++) {
        ndis_adapter_pause(many[i]);
        ndis_adapter_halt(many[i], NdisHaltDeviceDisabled);
    }
    ld_unload(image);
    printf("memory: %.1f KiB resident per running adapter (%d adapters)\n", (double)(with - before) / ADAPTERS,
           ADAPTERS);

    /* growth over many cycles, after a warm-up that lets the allocator settle */
    for (unsigned long i = 0; i < growth / 10 + 1; i++)
        cycle(image);
    long start = rss_kib();
    for (unsigned long i = 0; i < growth; i++)
        cycle(image);
    long end = rss_kib();
    ld_free(image);
    printf("memory: resident set %ld KiB -> %ld KiB over %lu re-entered cycles (growth %ld KiB)\n", start, end, growth,
           end - start);
    return bench_verdict();
}
