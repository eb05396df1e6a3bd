/* Shared helpers of the in-process benchmarks: a clock and the sample driver brought up. */
#ifndef OPENNDIS_BENCH_H
#define OPENNDIS_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* One whole driver cycle on a loaded image: DriverEntry, an adapter's initialize, restart,
 * pause and halt, unload. */
static inline void bench_cycle(struct ld_image *image)
{
    NDIS_STATUS st;
    NTSTATUS entry = ld_driver_entry(image);
    if (!NT_SUCCESS(entry)) {
        fprintf(stderr, "bench: DriverEntry failed: 0x%08x\n", (unsigned)entry);
        exit(2);
    }
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    if (a == NULL) {
        fprintf(stderr, "bench: MiniportInitializeEx failed: 0x%08x\n", (unsigned)st);
        exit(2);
    }
    ndis_adapter_restart(a);
    ndis_adapter_pause(a);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled);
    ld_unload(image);
}

/* Seconds for `n` whole cycles (`cycle`: bench_cycle or a named wrapper of it) of one image
 * kept loaded, DriverEntry to unload again and again, after one to warm up. */
static inline double bench_reentered(const char *path, unsigned long n, void (*cycle)(struct ld_image *))
{
    struct ld_image *image = bench_map(path);
    ld_keep_mapped(image);
    cycle(image);
    double t0 = bench_now();
    for (unsigned long i = 0; i < n; i++)
        cycle(image);
    double t = bench_now() - t0;
    ld_free(image);
    return t;
}

/* Two adapters of a loaded driver, each on a loopback edge, running. */
struct bench_pair {
    struct ndis_adapter *ad[2];
    struct edge_loopback *lb[2];
    UCHAR mac[2][6];
};

static inline void bench_pair_up(struct ld_image *image, struct bench_pair *p)
{
    for (int i = 0; i < 2; i++) {
        NDIS_STATUS st;
        if ((p->ad[i] = ndis_adapter_initialize(&image->object, &st)) == NULL) {
            fprintf(stderr, "bench: MiniportInitializeEx failed: 0x%08x\n", (unsigned)st);
            exit(2);
        }
        p->lb[i] = edge_loopback_open(p->ad[i], 64);
        ndis_adapter_restart(p->ad[i]);
        struct edge_bring_up up;
        edge_bring_up(p->ad[i], NDIS_PACKET_TYPE_DIRECTED, &up);
        memcpy(p->mac[i], up.mac, 6);
    }
}

static inline void bench_pair_down(struct bench_pair *p)
{
    for (int i = 0; i < 2; i++) {
        ndis_adapter_pause(p->ad[i]);
        ndis_adapter_halt(p->ad[i], NdisHaltDeviceDisabled);
        edge_loopback_close(p->lb[i]);
    }
}

/* 32 frames of `size` bytes from `src` to `dst`. */
static inline void bench_frames(UCHAR frames[32][1514], const UCHAR *dst, const UCHAR *src, size_t size)
{
    for (int k = 0; k < 32; k++) {
        memset(frames[k], k, size);
        memcpy(frames[k], dst, 6);
        memcpy(frames[k] + 6, src, 6);
    }
}

/* Seconds to send `total` frames in chains of `chain` from one edge and receive them at the
 * other; `*lost` counts those that did not arrive. */
static inline double bench_through(struct edge_loopback *from, struct edge_loopback *to, UCHAR frames[32][1514],
                                   size_t size, size_t chain, unsigned long total, unsigned long *lost)
{
    static UCHAR rx[2048];
    const void *ptr[32];
    size_t len[32];
    for (size_t k = 0; k < chain; k++) {
        ptr[k] = frames[k];
        len[k] = size;
    }
    unsigned long got = 0;
    double t0 = bench_now();
    unsigned long sent = 0;
    for (; sent < total; sent += chain) {
        /* no more in flight than the receiving edge queues (64): a driver that indicates
         * from a DPC would otherwise overrun it; one that indicates in the send never waits */
        for (double give_up = bench_now() + 1; sent - got + chain > 64 && bench_now() < give_up;)
            if (edge_loopback_recv(to, rx, sizeof rx) >= 0)
                got++;
        edge_loopback_send(from, ptr, len, chain);
        while (edge_loopback_recv(to, rx, sizeof rx) >= 0)
            got++;
    }
    /* a driver with a device indicates from its interrupt's DPC: the last ones may be on
     * their way (a second at most) */
    for (double deadline = bench_now() + 1; got < sent && bench_now() < deadline;)
        if (edge_loopback_recv(to, rx, sizeof rx) >= 0)
            got++;
    double t = bench_now() - t0;
    *lost = sent - got; /* whole chains go: `sent` may pass `total` */
    return t;
}

/* Frames per second of `path` between two fresh adapters: `total` frames of `size` bytes in
 * chains of `chain`, after a warm-up of a tenth as many. A lost frame ends the benchmark
 * (`bench` names it). */
static inline double bench_frame_rate(const char *bench, const char *path, size_t size, size_t chain,
                                      unsigned long total)
{
    static UCHAR frames[32][1514];
    struct ld_image *image = bench_load(path);
    struct bench_pair pair;
    unsigned long lost;
    bench_pair_up(image, &pair);
    bench_frames(frames, pair.mac[1], pair.mac[0], size);
    bench_through(pair.lb[0], pair.lb[1], frames, size, chain, total / 10, &lost); /* warm up */
    double t = bench_through(pair.lb[0], pair.lb[1], frames, size, chain, total, &lost);
    bench_pair_down(&pair);
    ld_unload(image);
    ld_free(image);
    if (lost != 0) {
        fprintf(stderr, "%s: %s lost %lu of %lu frames\n", bench, path, lost, total);
        exit(1);
    }
    return total / t;
}

static inline double bench_best(double a, double b)
{
    return a > b ? a : b;
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
