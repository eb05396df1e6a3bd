/* Shared helpers of the in-process benchmarks: a clock and the sample driver brought up. */
#ifndef OPENNDIS_BENCH_H
#define OPENNDIS_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "loader/ld.h"
#include "edge/edge.h"

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Maps the driver, or ends the benchmark saying why. */
static inline struct ld_image *bench_map(const char *path)
{
    char err[512];
    struct ld_image *image = ld_load(path, err, sizeof err);
    if (image == NULL) {
        fprintf(stderr, "bench: %s\n", err);
        exit(2);
    }
    return image;
}

/* Maps the driver and runs its DriverEntry. */
static inline struct ld_image *bench_load(const char *path)
{
    struct ld_image *image = bench_map(path);
    if (!NT_SUCCESS(ld_driver_entry(image))) {
        fprintf(stderr, "bench: DriverEntry of %s failed\n", path);
        exit(2);
    }
    return image;
}

/* Ends the benchmark with the verifier's verdict: numbers from a driver that broke a rule
 * are not numbers. */
static inline int bench_verdict(void)
{
    if (vf_violation_count() != 0) {
        fprintf(stderr, "bench: the driver violated %zu rule(s); figures void\n", vf_violation_count());
        return 1;
    }
    return 0;
}

#endif
