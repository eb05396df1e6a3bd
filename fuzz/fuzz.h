/* The sample driver with two running adapters, brought up once per fuzzing process. */
#ifndef OPENNDIS_FUZZ_H
#define OPENNDIS_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "loader/ld.h"
#include "edge/edge.h"
#include "serialize.h"

struct fuzz_rig {
    struct ld_image *image;
    struct ndis_adapter *adapter[2];
    struct edge_loopback *edge[2];
    UCHAR mac[2][6];
};

/* The sample driver: beside the fuzzer (OSS-Fuzz and ClusterFuzzLite run the fuzzers from
 * $OUT, where .clusterfuzzlite/build.sh copies it), else where the build put it. */
static const char *fuzz_sample_path(void)
{
    static char beside[4096];
    ssize_t n = readlink("/proc/self/exe", beside, sizeof beside - 16);
    if (n <= 0)
        return SAMPLE_DRIVER;
    beside[n] = '\0';
    char *slash = strrchr(beside, '/');
    strcpy(slash ? slash + 1 : beside, "sample.so");
    return access(beside, R_OK) == 0 ? beside : SAMPLE_DRIVER;
}

static struct fuzz_rig *fuzz_rig(void)
{
    static struct fuzz_rig r;
    if (r.image != NULL)
        return &r;
    char err[512];
    NDIS_STATUS st;
    const char *sample = fuzz_sample_path();
    r.image = ld_load(sample, err, sizeof err);
    if (r.image == NULL || !NT_SUCCESS(ld_driver_entry(r.image))) {
        fprintf(stderr, "fuzz: cannot start %s: %s\n", sample, r.image ? "DriverEntry failed" : err);
        abort();
    }
    for (int i = 0; i < 2; i++) {
        if ((r.adapter[i] = ndis_adapter_initialize(&r.image->object, &st)) == NULL)
            abort();
        r.edge[i] = edge_loopback_open(r.adapter[i], 256);
        ndis_adapter_restart(r.adapter[i]);
        struct edge_bring_up up;
        edge_bring_up(r.adapter[i], NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST, &up);
        memcpy(r.mac[i], up.mac, 6);
    }
    return &r;
}

/* A rule the driver broke is a finding: stop with the report, like a crash. */
static void fuzz_no_violations(void)
{
    if (vf_violation_count() == 0)
        return;
    struct json_object *v = violations_json();
    fprintf(stderr, "fuzz: rule violated: %s\n", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PRETTY));
    abort();
}

#endif
