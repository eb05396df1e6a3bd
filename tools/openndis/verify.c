/* `openndis verify DRIVER`: the driver's life with a conformance pass (every supported OID,
 * NDISTest's 64-bit counter sizes, garbage and short sets, runts to maximum frames in chains,
 * pause and restart under traffic, surprise removal, repeated initialize and halt), run once
 * clean and then again failing each fallible call in turn (a systematic sweep) or at random,
 * each step in its own process. Findings are deduplicated and reported as text, JSON,
 * JUnit XML and SARIF. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/ld.h"
#include "edge/edge.h"
#include "common/array.h"
#include "openndis.h"
#include "kernel/irp.h"
#include "serialize.h"

#define VERIFY_MAX_JOBS 32
#define VERIFY_FUZZ_REQUESTS 400 /* per device and step of --fuzz-ioctl */
#define VERIFY_STORM_ROUNDS 64     /* spurious interrupts per vector and adapter */

struct verify_args {
    const char *path;
    bool sweep, verbose, unique;
    unsigned long max_steps, only_call;
    unsigned long seed, random_runs;
    bool fuzz_ioctl;   /* the seeded steps fuzz the driver's devices instead of failing calls */
    unsigned shard, shards; /* --shard K/N: steps K, K+N, K+2N, ... of the series; shards 0: all */
    double rate, time_scale;
    unsigned timeout;
    unsigned jobs; /* steps run at once in the sweep and the random runs */
    const char *junit, *sarif;
    const char *config, *inf; /* parameter files for NdisReadConfiguration, as `run` takes them */
    struct ld_image *image; /* mapped in the parent, DriverEntry never run: each step's first life */
};

struct verify_step {
    const struct verify_args *args;
    unsigned long fail_nth;
    unsigned long seed;
    const uint64_t *seen; /* unique-stack mode: the stacks failed so far */
    size_t nseen;
    bool unique;
};

/* ---- the scenario, in the child ------------------------------------------------------------ */
static void verify_statistics_sizes(struct ndis_adapter *a, NDIS_OID oid)
{
    ULONG64 value = 0;
    ULONG done, needed;
    NDIS_STATUS st0 = ndis_adapter_oid(a, NdisRequestQueryInformation, oid, &value, 0, &done, &needed);
    ULONG needed0 = needed;
    NDIS_STATUS st4 = ndis_adapter_oid(a, NdisRequestQueryInformation, oid, &value, 4, &done, &needed);
    ULONG done4 = done;
    NDIS_STATUS st8 = ndis_adapter_oid(a, NdisRequestQueryInformation, oid, &value, 8, &done, &needed);
    if (st0 == NDIS_STATUS_NOT_SUPPORTED && st4 == NDIS_STATUS_NOT_SUPPORTED)
        return; /* the driver does not have this counter */
    bool ok = (st0 == NDIS_STATUS_INVALID_LENGTH || st0 == NDIS_STATUS_BUFFER_TOO_SHORT) && needed0 == 8 &&
              st4 == NDIS_STATUS_SUCCESS && done4 == 4 && st8 == NDIS_STATUS_SUCCESS && done == 8;
    if (!ok)
        vf_report(VF_OID_STATISTICS_SIZE, "MiniportOidRequest", (const void *)a->driver->chars.OidRequestHandler, true,
                  "OID 0x%08X: 0 bytes -> 0x%08X needed %u, 4 bytes -> 0x%08X wrote %u, 8 bytes -> 0x%08X wrote %u", oid,
                  (unsigned)st0, needed0, (unsigned)st4, done4, (unsigned)st8, done);
}

/* After an OID timed out, more OIDs only repeat the finding, each costing the timeout. */
static bool verify_oids_stuck(void)
{
    return vf_violation_count_of(VF_OID_TIMEOUT) != 0;
}

static void verify_oids(struct ndis_adapter *a)
{
    /* the two counters NDISTest holds to 64 bits */
    static const NDIS_OID counters[] = { OID_GEN_XMIT_OK, OID_GEN_RCV_OK };
    NDIS_OID list[512];
    UCHAR buf[4096];
    ULONG done, needed;
    if (ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_SUPPORTED_LIST, list, sizeof list, &done, &needed) ==
        NDIS_STATUS_SUCCESS)
        for (ULONG i = 0; i < done / sizeof(NDIS_OID) && !verify_oids_stuck(); i++) {
            ndis_adapter_oid(a, NdisRequestQueryInformation, list[i], buf, sizeof buf, &done, &needed);
            ndis_adapter_oid(a, NdisRequestQueryInformation, list[i], buf, 1, &needed, &needed);
        }
    for (size_t i = 0; i < sizeof counters / sizeof counters[0] && !verify_oids_stuck(); i++)
        verify_statistics_sizes(a, counters[i]);
    /* The direct and synchronous paths, where the driver registered them. */
    static const enum ndis_oid_path paths[] = { NDIS_OID_DIRECT, NDIS_OID_SYNCHRONOUS };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0] && !verify_oids_stuck(); i++)
        ndis_adapter_oid_path(a, paths[i], NdisRequestQueryInformation, OID_GEN_CURRENT_PACKET_FILTER, buf,
                              sizeof(ULONG), &done, &needed);
    /* Garbage and short sets must fail cleanly (1c_NdisRequestCov); a multicast list that is
     * not whole addresses is NDIS's to refuse, and never reaches the driver. Not
     * OID_PNP_SET_POWER: NDIS alone issues it, always with a power state, and a driver that
     * took 0xA5A5A5A5 as a low-power state would fail every later send (NetKVM did). */
    static const NDIS_OID sets[] = { OID_GEN_CURRENT_PACKET_FILTER, OID_GEN_CURRENT_LOOKAHEAD, OID_802_3_MULTICAST_LIST,
                                     OID_GEN_INTERRUPT_MODERATION };
    memset(buf, 0xA5, sizeof buf);
    for (size_t i = 0; i < sizeof sets / sizeof sets[0] && !verify_oids_stuck(); i++) {
        ndis_adapter_oid(a, NdisRequestSetInformation, sets[i], buf, 1, &done, &needed);
        ndis_adapter_oid(a, NdisRequestSetInformation, sets[i], buf, 7, &done, &needed);
    }
}

static void verify_traffic(struct edge_loopback *from, const UCHAR *dst, const UCHAR *src, struct edge_loopback *to)
{
    static const size_t sizes[] = { 14, 60, 61, 1000, 1514 };
    UCHAR frames[32][1514], rx[2048];
    const void *ptr[32];
    size_t len[32];
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t count = 1; count <= 32; count += 31) {
            for (size_t k = 0; k < count; k++) {
                memset(frames[k], (int)(k + s), sizes[s]);
                memcpy(frames[k], dst, 6);
                memcpy(frames[k] + 6, src, 6);
                ptr[k] = frames[k];
                len[k] = sizes[s];
            }
            edge_loopback_send(from, ptr, len, count);
            while (edge_loopback_recv(to, rx, sizeof rx) >= 0)
                ;
        }
}

/* A protocol's own NBL shape: three NET_BUFFERs, each over two MDLs, starting 6 bytes into
 * the first. The loopback edge sends flat frames, so adapter 0's edge is swapped for this
 * one while it runs. Completion must come back exactly once (ND1502 catches twice). */
static PNET_BUFFER_LIST verify_shaped_completed;
static void verify_shaped_complete(void *ctx, struct ndis_adapter *a, PNET_BUFFER_LIST nbls)
{
    (void)ctx;
    (void)a;
    verify_shaped_completed = nbls;
}
static const struct ndis_upper_edge verify_shaped_edge = { .send_complete = verify_shaped_complete };

/* RSS flows: IPv4/UDP frames from 64 source ports, so that a driver hashing them spreads them
 * over its indirection table's processors, where each one's indication is checked (ND2216).
 * A driver indicating from per-processor DPCs delivers later: its DPCs are flushed before
 * each batch is drained. */
static void verify_rss_traffic(struct edge_loopback *from, const UCHAR *dst, const UCHAR *src, struct edge_loopback *to)
{
    enum { FLOWS = 32, LEN = 60 };
    UCHAR frames[FLOWS][LEN], rx[2048];
    const void *ptr[FLOWS];
    size_t len[FLOWS];
    for (int round = 0; round < 2; round++) {
        for (int k = 0; k < FLOWS; k++) {
            edge_loopback_udp_frame(frames[k], LEN, dst, src, (unsigned)(round * FLOWS + k));
            ptr[k] = frames[k];
            len[k] = LEN;
        }
        edge_loopback_send(from, ptr, len, FLOWS);
        KeFlushQueuedDpcs(); /* what went to other processors' DPCs has been indicated */
        while (edge_loopback_recv(to, rx, sizeof rx) >= 0)
            ;
    }
}

/* Sends verify's own NBL on `from`, on an edge of its own in place of the loopback edge, and
 * waits (briefly: a driver may complete from a DPC or a timer) for its completion; what
 * reached `to` is drained. The adapter is paused before the swap, as closing an edge
 * requires: a driver still holding the loopback's frames (queued after an injected failure)
 * would otherwise complete them into a freed edge. Returns the new loopback edge. */
static struct edge_loopback *verify_send_own(struct ndis_adapter *from, struct edge_loopback *edge,
                                             PNET_BUFFER_LIST nbl, struct edge_loopback *to)
{
    ndis_adapter_pause(from);
    edge_loopback_close(edge);
    ndis_adapter_attach(from, &verify_shaped_edge, NULL);
    ndis_adapter_restart(from);
    verify_shaped_completed = NULL;
    ndis_adapter_send(from, nbl);
    for (int spin = 0; verify_shaped_completed == NULL && spin < 1000; spin++)
        usleep(1000);
    KeFlushQueuedDpcs(); /* what a receiver steered to another processor's DPC has arrived */
    UCHAR rx[2048]; /* what the loopback edge keeps; a longer frame was counted dropped */
    while (edge_loopback_recv(to, rx, sizeof rx) >= 0)
        ;
    if (verify_shaped_completed == NULL)
        ndis_adapter_pause(from); /* the pause check reports what is still outstanding */
    return edge_loopback_open(from, 256);
}

static struct edge_loopback *verify_shaped_send(struct ndis_adapter *from, struct edge_loopback *edge,
                                                const UCHAR *dst, const UCHAR *src, struct edge_loopback *to)
{
    /* Static, not on the stack: a driver that completes late (or never) must not be left
     * holding pointers into a dead frame. */
    static UCHAR head[3][20], tail[3][300];
    static MDL m1[3], m2[3];
    static NET_BUFFER nb[3];
    static NET_BUFFER_LIST nbl;
    memset(nb, 0, sizeof nb);
    memset(&nbl, 0, sizeof nbl);
    for (int i = 0; i < 3; i++) {
        memcpy(head[i] + 6, dst, 6);
        memcpy(head[i] + 12, src, 6);
        head[i][18] = 0x88;
        head[i][19] = 0xB5;
        m1[i] = (MDL){ .Size = sizeof(MDL), .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL, .MappedSystemVa = head[i],
                       .ByteCount = sizeof head[i], .Next = &m2[i] };
        m2[i] = (MDL){ .Size = sizeof(MDL), .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL, .MappedSystemVa = tail[i],
                       .ByteCount = (ULONG)(100 * (i + 1)) };
        nb[i].MdlChain = nb[i].CurrentMdl = &m1[i];
        nb[i].DataOffset = nb[i].CurrentMdlOffset = 6;
        nb[i].DataLength = 14 + m2[i].ByteCount;
        nb[i].Next = i < 2 ? &nb[i + 1] : NULL;
    }
    nbl.FirstNetBuffer = &nb[0];
    return verify_send_own(from, edge, &nbl, to);
}

/* A large send, if the adapter has LSO on: one TCP/IPv4 segment of three (or MinSegmentCount)
 * MSS-sized payloads with the LSO information a protocol sets, sent on its own edge like the
 * shaped NBL above. Its completion is checked for the LSO completion information (ND2215);
 * what arrives on the other adapter, whole (RSC) or cut, is checked as any receive is.
 * Returns the LSO version sent (0: none, the adapter has no LSO on). */
static unsigned verify_lso_version;
static struct edge_loopback *verify_lso_send(struct ndis_adapter *from, struct edge_loopback *edge, const UCHAR *dst,
                                             const UCHAR *src, struct edge_loopback *to)
{
    enum { MSS = 1000, L4 = 14 + 20 };
    NDIS_OFFLOAD current;
    verify_lso_version = 0;
    if (!ndis_adapter_offload(from, &current))
        return edge;
    bool v2 = current.LsoV2.IPv4.MaxOffLoadSize != 0;
    ULONG max = v2 ? current.LsoV2.IPv4.MaxOffLoadSize : current.LsoV1.IPv4.MaxOffLoadSize;
    ULONG segments = v2 ? current.LsoV2.IPv4.MinSegmentCount : current.LsoV1.IPv4.MinSegmentCount;
    segments = segments < 3 ? 3 : segments;
    if (max == 0 || (uint64_t)segments * MSS > max || segments * MSS > 60000)
        return edge;
    static UCHAR frame[L4 + 20 + 60000]; /* static: a driver that completes late keeps a live frame */
    static MDL mdl;
    static NET_BUFFER nb;
    static NET_BUFFER_LIST nbl;
    size_t len = L4 + 20 + (size_t)segments * MSS;
    memset(frame, 0, len);
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    frame[12] = 0x08;
    frame[14] = 0x45; /* IPv4, 20 bytes; 10.0.0.1 -> 10.0.0.2, TCP */
    frame[16] = (UCHAR)((len - 14) >> 8), frame[17] = (UCHAR)(len - 14);
    frame[22] = 64, frame[23] = 6;
    memcpy(frame + 26, (const UCHAR[]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
    frame[L4 + 1] = 80, frame[L4 + 3] = 81, frame[L4 + 12] = 5 << 4, frame[L4 + 13] = 0x18; /* ACK PSH */
    for (size_t i = L4 + 20; i < len; i++)
        frame[i] = (UCHAR)i;
    mdl = (MDL){ .Size = sizeof(MDL), .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL, .MappedSystemVa = frame,
                 .ByteCount = (ULONG)len };
    memset(&nb, 0, sizeof nb);
    memset(&nbl, 0, sizeof nbl);
    nb.MdlChain = nb.CurrentMdl = &mdl;
    nb.DataLength = (ULONG)len;
    nbl.FirstNetBuffer = &nb;
    NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO lso;
    lso.Value = NULL;
    if (v2) {
        lso.LsoV2Transmit.Type = NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE;
        lso.LsoV2Transmit.IPVersion = NDIS_TCP_LARGE_SEND_OFFLOAD_IPv4;
        lso.LsoV2Transmit.MSS = MSS;
        lso.LsoV2Transmit.TcpHeaderOffset = L4;
    } else {
        lso.LsoV1Transmit.Type = NDIS_TCP_LARGE_SEND_OFFLOAD_V1_TYPE;
        lso.LsoV1Transmit.MSS = MSS;
        lso.LsoV1Transmit.TcpHeaderOffset = L4;
    }
    NET_BUFFER_LIST_INFO(&nbl, TcpLargeSendNetBufferListInfo) = lso.Value;
    verify_lso_version = v2 ? 2 : 1;
    return verify_send_own(from, edge, &nbl, to);
}

/* What the adapters advertised and what of it the run exercised, summed over adapters; the
 * queues and filters are taken down, as a protocol does before the adapters halt. */
static struct json_object *verify_hw_assists(struct ndis_adapter **ad, struct edge_hw_assist *hw, unsigned n)
{
    struct ndis_hw_assist_info all = { 0 };
    for (unsigned i = 0; i < n; i++) {
        struct ndis_hw_assist_info info;
        ndis_adapter_hw_assist(ad[i], &info);
        hw_assist_sum(&all, &info);
        edge_hw_assist_stop(ad[i], &hw[i]);
    }
    return hw_assist_json(&all);
}

static struct json_object *verify_job(void *arg)
{
    const struct verify_step *step = arg;
    struct json_object *r = json_object_new_object();
    char err[512];
    NDIS_STATUS st;
    enum { N = 2 };
    struct ndis_adapter *ad[N] = { 0 };
    struct edge_loopback *lb[N] = { 0 };
    UCHAR mac[N][6] = { { 0 } };
    struct edge_hw_assist hw[N];
    memset(hw, 0, sizeof hw);

    sv_set_report(r);
    /* Hundreds of runs of the same driver log: keep only the clean run's. */
    struct driver_output out;
    driver_output_begin(&out, !step->args->verbose && (step->fail_nth || step->seed || step->unique));
    ndis_set_time_scale(step->args->time_scale);
    ke_io_set_close_wait(250); /* a driver that never completes an IRP costs each step this much */
    if (step->unique)
        vf_faults_unique_stacks(step->seen, step->nseen);
    else if (step->seed && !step->args->fuzz_ioctl)
        vf_faults_random(step->seed, step->args->rate);
    else
        vf_faults_fail_nth(step->fail_nth);
    /* The image the parent mapped is this process's own copy, as a fresh load would be:
     * nothing in it has run. */
    struct ld_image *image = step->args->image;
    sv_phase("DriverEntry");
    if (NT_SUCCESS(ld_driver_entry(image))) {
        unsigned n = 0;
        for (; n < N; n++) {
            sv_phase("MiniportInitializeEx");
            if ((ad[n] = ndis_adapter_initialize(&image->object, &st)) == NULL)
                break;
            lb[n] = edge_loopback_open(ad[n], 256);
            sv_phase("MiniportRestart");
            ndis_adapter_restart(ad[n]);
            sv_phase("MiniportOidRequest");
            struct edge_bring_up up;
            edge_bring_up(ad[n], NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST, &up);
            memcpy(mac[n], up.mac, 6);
        }
        /* devices made in DriverEntry or by the adapters that came up */
        sv_phase("conformance: control devices");
        if (step->args->fuzz_ioctl && step->seed) {
            sv_phase("IOCTL fuzzing");
            edge_control_fuzz(&image->object, step->seed, VERIFY_FUZZ_REQUESTS);
        } else {
            edge_control_exercise(&image->object);
        }
        if (n == N) {
            /* what the adapters advertise, set up as a protocol would: each one's unicast
             * frames then arrive on a VM queue through all the traffic below */
            sv_phase("conformance: hardware assists");
            for (unsigned i = 0; i < N; i++)
                edge_hw_assist_start(ad[i], mac[i], &hw[i]);
            sv_phase("conformance: OIDs");
            verify_oids(ad[0]);
            sv_phase("conformance: send and receive");
            verify_traffic(lb[0], mac[1], mac[0], lb[1]);
            sv_phase("conformance: RSS flows");
            verify_rss_traffic(lb[0], mac[1], mac[0], lb[1]);
            sv_phase("conformance: pause and restart under traffic");
            for (int cycle = 0; cycle < 3; cycle++) {
                ndis_adapter_pause(ad[1]);
                verify_traffic(lb[0], mac[1], mac[0], lb[1]);
                ndis_adapter_restart(ad[1]);
            }
            sv_phase("conformance: NET_BUFFERs and MDL chains");
            lb[0] = verify_shaped_send(ad[0], lb[0], mac[1], mac[0], lb[1]);
            if (ndis_adapter_restart(ad[0]) == NDIS_STATUS_SUCCESS) /* no-op when still running */
                verify_traffic(lb[0], mac[1], mac[0], lb[1]);
            sv_phase("conformance: task offloads");
            lb[0] = verify_lso_send(ad[0], lb[0], mac[1], mac[0], lb[1]);
            if (ndis_adapter_restart(ad[0]) == NDIS_STATUS_SUCCESS)
                verify_traffic(lb[0], mac[1], mac[0], lb[1]);
            ndis_adapter_check_for_hang(ad[0]);
            sv_phase("conformance: reset under traffic");
            verify_traffic(lb[0], mac[1], mac[0], lb[1]);
            ndis_adapter_reset(ad[0]);
            verify_traffic(lb[0], mac[1], mac[0], lb[1]);
            /* hardware: spurious interrupts on every vector, then the device's own faults
             * (after which no traffic is expected: the last may leave it failed) */
            unsigned storm = 0;
            const char *const *faults = ndis_bus_faults(ad[0]);
            if (ad[0]->device != NULL) {
                sv_phase("conformance: interrupt storm");
                for (unsigned i = 0; i < N; i++)
                    storm += ndis_bus_interrupt_storm(ad[i], VERIFY_STORM_ROUNDS);
                verify_traffic(lb[0], mac[1], mac[0], lb[1]);
            }
            for (size_t f = 0; faults != NULL && faults[f] != NULL; f++) {
                sv_phase("conformance: device faults");
                for (unsigned i = 0; i < N; i++)
                    ndis_bus_fault(ad[i], faults[f]);
            }
            sv_phase("conformance: hardware assists");
            KeFlushQueuedDpcs(); /* every steered receive counted */
            struct json_object *assists = verify_hw_assists(ad, hw, N);
            if (ad[0]->device != NULL) {
                struct json_object *shown = json_object_new_array();
                for (size_t f = 0; faults != NULL && faults[f] != NULL; f++)
                    json_object_array_add(shown, json_object_new_string(faults[f]));
                json_object_object_add(assists, "interrupt_storm", json_object_new_int((int)storm));
                json_object_object_add(assists, "device_faults", shown);
            }
            if (verify_lso_version != 0)
                json_object_object_add(assists, "large_send",
                                       json_object_new_string(verify_lso_version == 2 ? "LSO v2" : "LSO v1"));
            json_object_object_add(r, "hardware_assists", assists);
            sv_phase("conformance: surprise removal");
            ndis_adapter_pnp_event(ad[1], NdisDevicePnPEventSurpriseRemoved, NULL, 0);
        }
        for (unsigned i = 0; i < N; i++)
            if (ad[i] != NULL) {
                sv_phase("MiniportHaltEx");
                ndis_adapter_halt(ad[i], i == 1 ? NdisHaltDeviceSurpriseRemoved : NdisHaltDeviceDisabled);
                edge_loopback_close(lb[i]);
            }
        /* Repeated initialize and halt: anything not freed shows as a leak each time. */
        for (int cycle = 0; cycle < 3 && n == N; cycle++) {
            sv_phase("conformance: initialize and halt again");
            struct ndis_adapter *again = ndis_adapter_initialize(&image->object, &st);
            if (again != NULL)
                ndis_adapter_halt(again, NdisHaltDeviceDisabled);
        }
    }
    sv_phase("DriverUnload");
    sv_unload(image);
    /* Load and unload again: anything the driver keeps across unloads shows as a leak. */
    for (int cycle = 0; cycle < 2 && vf_violation_count() == 0; cycle++) {
        sv_phase("conformance: load and unload again");
        if ((image = ld_load(step->args->path, err, sizeof err)) == NULL)
            break;
        if (NT_SUCCESS(ld_driver_entry(image))) {
            struct ndis_adapter *again = ndis_adapter_initialize(&image->object, &st);
            if (again != NULL) {
                ndis_adapter_restart(again);
                ndis_adapter_halt(again, NdisHaltDeviceDisabled);
            }
        }
        sv_unload(image);
    }
    json_object_object_add(r, "violations", violations_json());
    json_object_object_add(r, "faults", faults_json());
    driver_output_end(&out);
    return r;
}

/* ---- the parent: steps, findings, reports ---------------------------------------------------- */
struct verify_state {
    struct json_object *raw;      /* --shard: every step's own report, for `report merge` */
    struct json_object *findings; /* deduplicated */
    struct json_object *steps;    /* one record per step */
    unsigned long crashes;
    unsigned long clean_calls; /* fallible calls of the clean run */
    uint64_t *seen;            /* unique-stack mode */
    size_t nseen, capseen;
    bool failed_to_start;      /* a step's process could not be started: the run is incomplete */
    bool stopped_by_max;       /* --max-steps ended the sweep or the unique-stack run early */
    unsigned long fault_steps; /* steps with an injected failure */
    unsigned long skipped;     /* sweep steps whose run made fewer calls than the one to fail */
    unsigned long step_k;      /* the series' number of the step being taken (0: the clean run) */
    struct json_object *hw;    /* the clean run's hardware assists, if it got that far */
};

static void verify_add_finding(struct verify_state *vs, struct json_object *v, const char *step_name,
                               struct json_object *fault)
{
    const char *rule = json_str_field(v, "rule"), *msg = json_str_field(v, "message");
    struct json_object *loc;
    json_object_object_get_ex(v, "location", &loc);
    const char *file = loc ? json_str_field(loc, "file") : NULL, *line = loc ? json_str_field(loc, "line") : NULL;
    for (size_t i = 0; i < json_object_array_length(vs->findings); i++) {
        struct json_object *f = json_object_array_get_idx(vs->findings, i), *floc;
        json_object_object_get_ex(f, "location", &floc);
        const char *ff = floc ? json_str_field(floc, "file") : NULL, *fl = floc ? json_str_field(floc, "line") : NULL;
        if (strcmp(json_str_field(f, "rule"), rule) == 0 && (ff == file || (ff && file && strcmp(ff, file) == 0)) &&
            (fl == line || (fl && line && strcmp(fl, line) == 0)) && (file || strcmp(json_str_field(f, "message"), msg) == 0))
            return; /* seen in an earlier step */
    }
    struct json_object *f = json_object_get(v);
    json_object_object_add(f, "step", json_object_new_string(step_name));
    if (fault)
        json_object_object_add(f, "injected_fault", json_object_get(fault));
    json_object_array_add(vs->findings, f);
}

/* Turns a crash or hang of a step into a finding of its own. */
static struct json_object *verify_lost_step(struct json_object *report)
{
    struct json_object *c, *frames, *v = json_object_new_object();
    bool hang = json_object_object_get_ex(report, "timeout", &c);
    if (!hang)
        json_object_object_get_ex(report, "crash", &c);
    const struct vf_rule *rule = vf_rule(hang ? VF_DRIVER_HANG : VF_DRIVER_CRASH);
    char msg[512];
    if (hang)
        snprintf(msg, sizeof msg, "the driver hung in %s", json_str_field(c, "phase"));
    else if (json_str_field(c, "exit_status"))
        snprintf(msg, sizeof msg, "the driver's process exited with status %s in %s: %s; rerun with --verbose to "
                 "see its output", json_str_field(c, "exit_status"), json_str_field(c, "phase"), json_str_field(c, "description"));
    else
        snprintf(msg, sizeof msg, "the driver crashed in %s: SIG%s (%s)", json_str_field(c, "phase"),
                 json_str_field(c, "name") ? json_str_field(c, "name") : "?", json_str_field(c, "description") ? json_str_field(c, "description") : "");
    json_object_object_add(v, "rule", json_object_new_string(rule->id));
    json_object_object_add(v, "name", json_object_new_string(rule->name));
    json_object_object_add(v, "severity", json_object_new_string("error"));
    json_object_object_add(v, "function", json_object_new_string(json_str_field(c, "phase") ? json_str_field(c, "phase") : ""));
    json_object_object_add(v, "message", json_object_new_string(msg));
    json_object_object_add(v, "reference", json_object_new_string(rule->reference));
    if (json_object_object_get_ex(c, "backtrace", &frames) && json_object_array_length(frames) > 0) {
        /* the innermost frame in the driver's own source, else the innermost frame */
        struct json_object *where = json_object_array_get_idx(frames, 0);
        for (size_t i = 0; i < json_object_array_length(frames); i++) {
            struct json_object *f = json_object_array_get_idx(frames, i);
            const char *module = json_str_field(f, "module") ? json_str_field(f, "module") : "";
            if (json_str_field(f, "file") && strncmp(module, "libopenndis", 11) != 0 && strncmp(module, "libc.", 5) != 0 &&
                strcmp(module, "openndis") != 0) {
                where = f;
                break;
            }
        }
        json_object_object_add(v, "location", json_object_get(where));
    }
    return v;
}

/* Takes in one step's report (and frees it): its findings, its record in `steps`, the stack it
 * failed. Returns the number of fallible calls the step made; *injected tells whether the
 * step's fault was injected. */
static unsigned long verify_take_report(struct verify_state *vs, struct json_object *report, const char *name,
                                        unsigned long fail_nth, bool unique, bool *injected)
{
    struct json_object *v, *faults, *inj, *fault = NULL;
    unsigned long calls = 0;
    *injected = false;
    if (json_object_object_get_ex(report, "faults", &faults)) {
        calls = (unsigned long)json_object_get_uint64(json_object_object_get(faults, "fallible_calls"));
        if (json_object_object_get_ex(faults, "injected", &inj) && json_object_array_length(inj) > 0) {
            *injected = true;
            fault = json_object_array_get_idx(inj, 0);
            const char *stack = json_str_field(fault, "stack");
            uint64_t *grown;
            if (unique && stack && (grown = array_reserve(vs->seen, &vs->capseen, vs->nseen + 1, sizeof *grown)) != NULL) {
                vs->seen = grown;
                vs->seen[vs->nseen++] = strtoull(stack, NULL, 16);
            }
        }
    }
    struct json_object *hw;
    if (vs->step_k == 0 && vs->hw == NULL && json_object_object_get_ex(report, "hardware_assists", &hw))
        vs->hw = json_object_get(hw);
    size_t before = json_object_array_length(vs->findings);
    if (json_object_object_get_ex(report, "violations", &v))
        for (size_t i = 0; i < json_object_array_length(v); i++)
            verify_add_finding(vs, json_object_array_get_idx(v, i), name, fault);
    struct json_object *crash;
    bool stopped_by_rule = json_object_object_get_ex(report, "crash", &crash) &&
                           json_object_object_get_ex(crash, "fail_fast", NULL);
    if (stopped_by_rule) {
        vs->crashes++; /* a fail-fast rule (list corruption) ended the run, as the bugcheck would */
    } else if (json_object_object_get_ex(report, "crash", NULL) || json_object_object_get_ex(report, "timeout", NULL)) {
        struct json_object *lost = verify_lost_step(report);
        verify_add_finding(vs, lost, name, fault);
        json_object_put(lost);
        vs->crashes++;
        if (fail_nth != 0)
            *injected = fail_nth <= vs->clean_calls; /* the crash hid how far it got */
    }
    struct json_object *s = json_object_new_object();
    json_object_object_add(s, "name", json_object_new_string(name));
    json_object_object_add(s, "new_findings",
                           json_object_new_int((int)(json_object_array_length(vs->findings) - before)));
    if (fault)
        json_object_object_add(s, "injected_fault", json_object_get(fault));
    if (json_str_field(report, "error"))
        json_object_object_add(s, "error", json_object_new_string(json_str_field(report, "error")));
    json_object_array_add(vs->steps, s);
    if (vs->raw != NULL) {
        struct json_object *raw = json_object_new_object();
        json_object_object_add(raw, "k", json_object_new_uint64(vs->step_k));
        json_object_object_add(raw, "report", report); /* kept, not freed */
        json_object_array_add(vs->raw, raw);
    } else {
        json_object_put(report);
    }
    return calls;
}

static unsigned long verify_run_step(struct verify_state *vs, const struct verify_args *a, const char *name,
                                     unsigned long fail_nth, unsigned long seed, bool unique, bool *injected)
{
    struct verify_step step = { .args = a, .fail_nth = fail_nth, .seed = seed, .unique = unique,
                                .seen = vs->seen, .nseen = vs->nseen };
    struct sv_options sv = { .timeout_seconds = a->timeout, .image = a->path };
    struct json_object *report = sv_run(verify_job, &step, &sv);
    *injected = false;
    if (report == NULL) {
        vs->failed_to_start = true;
        return 0;
    }
    if (sv_interrupted()) { /* the user stopped it: what the step says now is not the driver's doing */
        json_object_put(report);
        return 0;
    }
    return verify_take_report(vs, report, name, fail_nth, unique, injected);
}

static void verify_progress(unsigned long done, unsigned long total, size_t findings)
{
    if (!isatty(STDERR_FILENO))
        return;
    int width = 30, filled = total ? (int)(width * done / total) : width;
    fprintf(stderr, "\rsweep [%.*s%*s] %lu/%lu steps, %zu findings", filled, "##############################",
            width - filled, "", done, total, findings);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* ---- the sweep and the random runs, several steps at a time ------------------------------- */
struct verify_flight {
    unsigned long k;          /* step k: fail call k, or random seed + k - 1 */
    struct sv_child *child;   /* running, or NULL once reaped */
    struct json_object *report;
};

/* Takes in step k's report. Returns false when the series ends with it. */
static bool verify_series_take(struct verify_state *vs, const struct verify_args *a, unsigned long k,
                               struct json_object *report)
{
    char name[64];
    bool injected;
    vs->step_k = k;
    if (a->seed) {
        snprintf(name, sizeof name, "%s seed %lu", a->fuzz_ioctl ? "IOCTL fuzz" : "random", a->seed + k - 1);
        verify_take_report(vs, report, name, 0, false, &injected);
        vs->fault_steps++;
        verify_progress(k, a->random_runs, json_object_array_length(vs->findings));
        return true;
    }
    snprintf(name, sizeof name, "fail call %lu", k);
    verify_take_report(vs, report, name, k, false, &injected);
    if (!injected) {
        /* This run ended before call k. Runs vary with timing, so go at least as far as the
         * clean one did before concluding the driver has no more calls. */
        json_object_array_del_idx(vs->steps, json_object_array_length(vs->steps) - 1, 1);
        if (k > vs->clean_calls)
            return false;
        vs->skipped++;
        return true;
    }
    vs->fault_steps++;
    unsigned long total = vs->clean_calls < a->max_steps ? vs->clean_calls : a->max_steps;
    verify_progress(k, total > k ? total : k, json_object_array_length(vs->findings));
    return true;
}

/* Runs steps 1, 2, ... up to a->jobs processes at a time and takes their reports in step
 * order, so that the findings and steps are the ones a run of one step at a time gives. Steps
 * started beyond the one that ends the series are stopped and their reports dropped. */
static void verify_series(struct verify_state *vs, const struct verify_args *a)
{
    const unsigned long last = a->seed ? a->random_runs : a->max_steps;
    const unsigned long stride = a->shards ? a->shards : 1; /* a shard runs every Nth step */
    struct verify_flight flight[VERIFY_MAX_JOBS];
    size_t nflight = 0;
    unsigned long next = a->shards ? a->shard : 1, want = next;
    bool more = true;
    while (more && !sv_interrupted()) {
        while (nflight < a->jobs && next <= last) {
            struct verify_step step = { .args = a, .fail_nth = a->seed ? 0 : next,
                                        .seed = a->seed ? a->seed + next - 1 : 0 };
            struct sv_options sv = { .timeout_seconds = a->timeout, .image = a->path };
            struct sv_child *c = sv_spawn(verify_job, &step, &sv); /* the child has its own copy of `step` */
            if (c == NULL)
                break;
            flight[nflight++] = (struct verify_flight){ next, c, NULL };
            next += stride;
        }
        if (nflight == 0) {
            vs->failed_to_start = next <= last;
            break;
        }
        /* Wait for a running step to end, unless the one wanted next already has. */
        size_t wanted = 0;
        for (size_t i = 0; i < nflight; i++)
            if (flight[i].k == want)
                wanted = i;
        if (flight[wanted].child != NULL) {
            struct sv_child *running[VERIFY_MAX_JOBS];
            size_t which[VERIFY_MAX_JOBS], n = 0;
            for (size_t i = 0; i < nflight; i++)
                if (flight[i].child != NULL) {
                    running[n] = flight[i].child;
                    which[n++] = i;
                }
            size_t i = which[sv_wait_any(running, n)];
            flight[i].report = sv_reap(flight[i].child);
            flight[i].child = NULL;
            continue; /* an interrupt shows in the loop's test: this report is then dropped too */
        }
        more = verify_series_take(vs, a, want, flight[wanted].report);
        if (more && want + stride > last) {
            more = false;
            vs->stopped_by_max = !a->seed && want < vs->clean_calls;
        }
        flight[wanted] = flight[--nflight];
        want += stride;
    }
    for (size_t i = 0; i < nflight; i++) { /* started past the end, or interrupted */
        if (flight[i].child != NULL) {
            sv_stop(flight[i].child);
            flight[i].report = sv_reap(flight[i].child);
        }
        json_object_put(flight[i].report);
    }
}

static void verify_render(FILE *out, struct json_object *r)
{
    struct json_object *findings;
    fprintf(out, "driver   %s\n", json_str_field(r, "driver"));
    if (json_object_get_int64(json_object_object_get(r, "step_count")) == 0)
        fprintf(out, "steps    none ended: interrupted during the clean run\n");
    else
        fprintf(out, "steps    %s%s (1 clean run, %s %s), %s fallible calls in the clean run\n",
                json_str_field(r, "step_count"),
                json_object_get_boolean(json_object_object_get(r, "interrupted")) ? " ended before the interrupt" : "",
                json_str_field(r, "fault_steps"),
                json_object_get_boolean(json_object_object_get(r, "fuzz_ioctl")) ? "sending mutated requests to its devices"
                                                                                 : "with an injected failure",
                json_str_field(r, "fallible_calls"));
    struct json_object *h;
    if (json_object_object_get_ex(r, "hardware_assists", &h)) {
        bool vmq = json_object_get_boolean(json_object_object_get(h, "vmq"));
        bool rss = json_object_get_boolean(json_object_object_get(h, "rss"));
        bool qos = json_object_get_boolean(json_object_object_get(h, "qos"));
        if (!vmq && !rss && !qos)
            fprintf(out, "assists  none advertised (VMQ, RSS, QoS)\n");
        if (vmq)
            fprintf(out, "assists  VMQ: %s queues allocated, %s filters set, %s frames indicated on them\n",
                    json_str_field(h, "queues_allocated"), json_str_field(h, "filters_set"), json_str_field(h, "queue_frames"));
        if (rss)
            fprintf(out, "assists  RSS: %s parameter sets, %s frames with a hash, %s of them checked on the processor "
                         "of their indirection entry (table over %s processor%s)\n",
                    json_str_field(h, "rss_parameters_set"), json_str_field(h, "hashed_frames"),
                    json_str_field(h, "steered_frames"), json_str_field(h, "rss_processors"),
                    strcmp(json_str_field(h, "rss_processors"), "1") == 0 ? "" : "s");
        if (qos)
            fprintf(out, "assists  QoS: %s parameter sets\n", json_str_field(h, "qos_parameters_set"));
        if (json_object_get_int(json_object_object_get(h, "poll_objects")) != 0)
            fprintf(out, "assists  poll mode: %s Poll objects, %s iterations (%s at PASSIVE_LEVEL), %s receives "
                         "indicated and %s sends completed through them\n",
                    json_str_field(h, "poll_objects"), json_str_field(h, "poll_iterations"),
                    json_str_field(h, "poll_passive_iterations"), json_str_field(h, "poll_indicated"),
                    json_str_field(h, "poll_completed"));
        struct json_object *shown;
        if (json_object_object_get_ex(h, "device_faults", &shown)) {
            fprintf(out, "device   %s spurious interrupts delivered (a storm on every vector); faults shown:",
                    json_str_field(h, "interrupt_storm"));
            for (size_t f = 0; f < json_object_array_length(shown); f++)
                fprintf(out, "%s %s", f == 0 ? "" : ",", json_object_get_string(json_object_array_get_idx(shown, f)));
            fprintf(out, "%s\n", json_object_array_length(shown) == 0 ? " none (the model has none)" : "");
        }
        if (json_object_object_get_ex(h, "large_send", NULL))
            fprintf(out, "offloads %s: a large send, its completion checked\n", json_str_field(h, "large_send"));
    }
    if (!json_object_object_get_ex(r, "findings", &findings))
        return;
    for (size_t i = 0; i < json_object_array_length(findings); i++) {
        struct json_object *f = json_object_array_get_idx(findings, i), *fault, *floc;
        struct json_object *one = json_object_new_array();
        json_object_array_add(one, json_object_get(f));
        render_violations(out, one);
        json_object_put(one);
        if (json_object_object_get_ex(f, "injected_fault", &fault)) {
            json_object_object_get_ex(fault, "location", &floc);
            fprintf(out, "  note: after OpenNDIS failed call #%s (%s", json_str_field(fault, "call"), json_str_field(fault, "function"));
            if (floc && json_str_field(floc, "file"))
                fprintf(out, " at %s:%s", json_str_field(floc, "file"), json_str_field(floc, "line"));
            if (json_str_field(r, "seed"))
                fprintf(out, "); reproduce with: openndis verify --random %s --runs 1 --rate %s %s\n",
                        json_str_field(f, "step") + strlen("random seed "), json_str_field(r, "rate"), json_str_field(r, "driver"));
            else
                fprintf(out, "); reproduce with: openndis verify --fail-call %s %s\n", json_str_field(fault, "call"),
                        json_str_field(r, "driver"));
        }
        const char *step = json_str_field(f, "step");
        static const char fuzz[] = "IOCTL fuzz seed ";
        if (step != NULL && strncmp(step, fuzz, sizeof fuzz - 1) == 0)
            fprintf(out, "  note: in the requests of %s; reproduce with: openndis verify --fuzz-ioctl %s --runs 1 %s\n",
                    step, step + sizeof fuzz - 1, json_str_field(r, "driver"));
    }
}

/* The sweep process, supervised by openndis: loads the driver, runs the steps (each forked
 * from here, supervised by this process) and returns the whole verify report. */
static const char *verify_coverage(struct json_object *r, const struct verify_state *vs, const struct verify_args *a,
                                   bool interrupted, bool not_reached);

/* The report's totals, coverage and verdict from the steps taken: the end of a verify run, and
 * of `report merge`, which rebuilds the unsharded run's report from its shards. */
static void verify_finish(struct json_object *r, struct verify_state *vs, const struct verify_args *a,
                          unsigned long calls, bool interrupted)
{
    json_object_object_add(r, "fallible_calls", json_object_new_uint64(calls));
    json_object_object_add(r, "step_count", json_object_new_uint64(json_object_array_length(vs->steps)));
    json_object_object_add(r, "fault_steps", json_object_new_uint64(vs->fault_steps));
    if (vs->skipped)
        json_object_object_add(r, "steps_ended_early", json_object_new_uint64(vs->skipped));
    if (a->seed) {
        json_object_object_add(r, "seed", json_object_new_uint64(a->seed));
        if (a->fuzz_ioctl)
            json_object_object_add(r, "fuzz_ioctl", json_object_new_boolean(true));
        else
            json_object_object_add(r, "rate", json_object_new_double(a->rate));
    }
    if (vs->hw != NULL)
        json_object_object_add(r, "hardware_assists", vs->hw);
    json_object_object_add(r, "steps", vs->steps);
    json_object_object_add(r, "findings", vs->findings);
    size_t nf = json_object_array_length(vs->findings);
    /* Interrupted (SIGINT, SIGTERM, SIGHUP): the findings of the steps that ended are real,
     * but no finding does not mean a pass. */
    if (interrupted) {
        json_object_object_add(r, "interrupted", json_object_new_boolean(true));
        fprintf(stderr, "openndis verify: interrupted; the report covers the %zu steps that ended before\n",
                json_object_array_length(vs->steps));
    }
    /* --fail-call beyond the driver's calls tested nothing: that is not a pass. */
    const bool not_reached = a->only_call && !vs->crashes && !interrupted && vs->fault_steps == 0;
    verify_coverage(r, vs, a, interrupted, not_reached);
    json_object_object_add(r, "verdict",
                           json_object_new_string(nf ? "fail" : interrupted ? "interrupted" : not_reached ? "error" : "pass"));
}

static struct json_object *verify_sweep(void *arg)
{
    struct verify_args a = *(struct verify_args *)arg;
    struct json_object *r = json_object_new_object();
    char err[512];
    json_object_object_add(r, "command", json_object_new_string("verify"));
    json_object_object_add(r, "driver", json_object_new_string(a.path));
    sv_set_report(r); /* a crash while loading (a constructor) is reported as one */
    /* Loaded once here and never started: every step forks with it mapped, so no step pays
     * for loading and relocating it, and the symbolizer, warmed on it, is inherited too. */
    sv_phase("load");
    if ((a.image = ld_load(a.path, err, sizeof err)) == NULL) {
        json_object_object_add(r, "error", json_object_new_string(err));
        json_object_object_add(r, "verdict", json_object_new_string("error"));
        return r;
    }
    sv_timeout_done(); /* from here on each step has its own timeout */
    sv_phase("sweep");
    vf_symbols_preload((const void *)a.image->entry);
    sv_forwarding_begin(); /* Ctrl-C between steps ends the run with a report, as during one */

    struct verify_state vs = { .findings = json_object_new_array(), .steps = json_object_new_array(),
                               .raw = a.shards ? json_object_new_array() : NULL };
    bool injected;
    unsigned long calls = verify_run_step(&vs, &a, "clean run", 0, 0, false, &injected);
    vs.clean_calls = calls;
    if (sv_interrupted()) {
        /* nothing more to run */
    } else if (vs.crashes) {
        /* Failing calls in a run that already dies says nothing new. */
        fprintf(stderr, "openndis verify: the clean run crashed or hung; no faults injected until it passes\n");
    } else if (a.only_call) {
        char name[64];
        snprintf(name, sizeof name, "fail call %lu", a.only_call);
        verify_run_step(&vs, &a, name, a.only_call, 0, false, &injected);
        vs.fault_steps = injected;
    } else if (a.unique) {
        /* Each run fails the first call with a stack not failed before, until none is left. */
        for (unsigned long k = 1; k <= a.max_steps; k++) {
            char name[64];
            snprintf(name, sizeof name, "unique stack %lu", k);
            verify_run_step(&vs, &a, name, 0, 0, true, &injected);
            if (sv_interrupted() || vs.failed_to_start)
                break; /* the step left no record */
            if (!injected) {
                json_object_array_del_idx(vs.steps, json_object_array_length(vs.steps) - 1, 1);
                break;
            }
            vs.fault_steps++;
            verify_progress(k, k + 1, json_object_array_length(vs.findings));
            vs.stopped_by_max = k == a.max_steps;
        }
        verify_progress(vs.fault_steps, vs.fault_steps, json_object_array_length(vs.findings));
    } else if (a.seed || a.sweep) {
        verify_series(&vs, &a);
    }
    if (vs.failed_to_start)
        fprintf(stderr, "openndis verify: could not start a process for every step; the result is incomplete\n");
    if (a.shards) { /* what `report merge` needs to rebuild the unsharded report */
        struct json_object *sh = json_object_new_object();
        json_object_object_add(sh, "index", json_object_new_uint64(a.shard));
        json_object_object_add(sh, "count", json_object_new_uint64(a.shards));
        json_object_object_add(sh, "max_steps", json_object_new_uint64(a.max_steps));
        json_object_object_add(sh, "runs", json_object_new_uint64(a.random_runs));
        json_object_object_add(sh, "raw_steps", vs.raw);
        json_object_object_add(r, "shard", sh);
    }
    verify_finish(r, &vs, &a, calls, sv_interrupted());
    sv_set_report(NULL);
    free(vs.seen);
    ld_free(a.image);
    sv_forwarding_end();
    return r;
}

/* A verify that ended before its steps: the driver is not loadable, or its load-time code
 * crashed, hung or exited. */
static void verify_render_lost(FILE *out, struct json_object *r)
{
    fprintf(out, "driver   %s\n", json_str_field(r, "driver"));
}

static void verify_usage(FILE *out)
{
    fputs("usage: openndis verify [options] DRIVER.so\n"
          "\n"
          "Runs the driver's life with a conformance pass (every supported OID, 64-bit\n"
          "counter sizes, garbage and short sets, frames from runts to the maximum in chains\n"
          "of 1 and 32, NET_BUFFER and MDL chains, pause and restart and reset under\n"
          "traffic, surprise removal, repeated initialize/halt and load/unload), once\n"
          "clean, then once per fallible call with that call\n"
          "failed (systematic sweep), each step in its own process. Every finding names the\n"
          "rule, the driver's source line and the injected failure that led there.\n"
          "\n"
          "options:\n"
          "  --no-sweep           only the clean run\n"
          "  --fail-call N        only the clean run and the step that fails call N\n"
          "  --max-steps N        stop the sweep after N steps (default 10000)\n"
          "  --unique-stacks      instead of the sweep: fail each distinct driver call stack once\n"
          "  --random SEED        instead of the sweep: fail calls at random (--rate)\n"
          "  --rate R             probability of failing each fallible call (default 0.05)\n"
          "  --runs N             random runs (default 20)\n"
          "  --fuzz-ioctl SEED    instead of the sweep: --runs steps (seeds SEED, SEED+1, ...)\n"
          "                       each sending 400 mutated control requests, reads and\n"
          "                       writes to every device the driver made\n"
          "  --timeout S          give up on a step after S seconds (default 20, 0 = never)\n"
          "  --jobs N             run N steps at once (default 1; at most 32)\n"
          "  --shard K/N          run only steps K, K+N, K+2N, ... (and the clean run): one of\n"
          "                       N machines; openndis report merge joins the N --json reports\n"
          "  --config FILE        adapter parameters for NdisReadConfiguration (as for run;\n"
          "                       docs/configuration.md), e.g. *VMQ = 1 to exercise VMQ\n"
          "  --inf FILE           the driver's INF: its parameter defaults\n"
          "  --trace LEVEL        show the driver's WPP trace records up to LEVEL\n"
          "  --processors N       processors to model (default: the machine's, at most 64)\n"
          "  --device NAME[,OPT]  give each adapter a device model (--device help lists them)\n"
          "  --ndis-version X.Y   NDIS version to emulate (default 6.89)\n"
          "  --time-scale S       scale NDIS timeouts (12 s OID, 10 s pause) by S (default 0.05)\n"
          "  --verbose            keep the driver's own output in every step, not only the clean run\n"
          "  --json               print one JSON object\n"
          "  --junit FILE         also write JUnit XML\n"
          "  --sarif FILE         also write SARIF 2.1.0\n"
          "\n"
          "--no-sweep, --fail-call, --unique-stacks, --random and --fuzz-ioctl exclude each\n"
          "other; --runs needs --random or --fuzz-ioctl, --rate needs --random. Report files must not be the driver; they are written\n"
          "beside the target and renamed over it when complete.\n"
          "  -h, --help           this text\n"
          "\n"
          "exit status: 0 no finding; 1 findings; 2 bad usage, not a loadable driver,\n"
          "a report file that cannot be written, or --fail-call beyond the driver's calls;\n"
          "3 the driver crashed or hung while loading (its ELF constructors), before any\n"
          "step; 4 a report could not be written after the run; 130 interrupted\n"
          "(SIGINT/SIGTERM/SIGHUP) before any finding.\n",
          out);
}

/* Which options the command line gave, for the checks that they fit together. */
struct verify_given {
    bool no_sweep, max_steps, runs, rate, random;
};

/* One way to choose the failed calls, and options only where they mean something: an option
 * that another silently overrides is refused. */
static bool verify_options_agree(const struct verify_args *a, const struct verify_given *g)
{
    const char *modes[5];
    size_t n = 0;
    if (g->no_sweep)
        modes[n++] = "--no-sweep";
    if (a->only_call)
        modes[n++] = "--fail-call";
    if (a->unique)
        modes[n++] = "--unique-stacks";
    if (g->random)
        modes[n++] = "--random";
    if (a->fuzz_ioctl)
        modes[n++] = "--fuzz-ioctl";
    if (n > 1) {
        fprintf(stderr, "openndis verify: %s and %s choose different steps; give one of --no-sweep, --fail-call, "
                        "--unique-stacks, --random and --fuzz-ioctl\n", modes[0], modes[1]);
        return false;
    }
    if (g->runs && !a->seed) {
        fprintf(stderr, "openndis verify: --runs applies to --random and --fuzz-ioctl only; add one or drop it\n");
        return false;
    }
    if (g->rate && !g->random) {
        fprintf(stderr, "openndis verify: --rate applies to --random only; add --random SEED or drop it\n");
        return false;
    }
    if (g->max_steps && !(a->unique || n == 0)) {
        fprintf(stderr, "openndis verify: --max-steps bounds the sweep and --unique-stacks; it does nothing with %s\n",
                modes[0]);
        return false;
    }
    return true;
}

/* What the steps did not cover, in `coverage` of the report; returns it as one phrase for the
 * verdict line, or NULL when every fallible call of the clean run was failed (or the random
 * runs ran). */
static const char *verify_coverage(struct json_object *r, const struct verify_state *vs, const struct verify_args *a,
                                   bool interrupted, bool not_reached)
{
    static char text[256];
    text[0] = '\0';
    if (interrupted || vs->crashes) {
        /* said by the verdict itself, or by the findings */
    } else if (not_reached) {
        snprintf(text, sizeof text, "--fail-call %lu: the driver made %lu fallible calls in the clean run, so call %lu "
                 "was never reached and nothing was failed; give a number from 1 to %lu",
                 a->only_call, vs->clean_calls, a->only_call, vs->clean_calls);
    } else if (a->only_call) {
        snprintf(text, sizeof text, "only call %lu of %lu fallible calls failed (--fail-call)", a->only_call,
                 vs->clean_calls);
    } else if (!a->sweep && !a->unique && !a->seed) {
        snprintf(text, sizeof text, "clean run only, none of %lu fallible calls failed (--no-sweep)", vs->clean_calls);
    } else if (vs->stopped_by_max && a->unique) {
        snprintf(text, sizeof text, "--max-steps %lu ended the unique-stack run before every stack was failed",
                 a->max_steps);
    } else if (vs->stopped_by_max) {
        snprintf(text, sizeof text, "%lu of %lu fallible calls failed; --max-steps %lu ended the sweep",
                 vs->fault_steps, vs->clean_calls, a->max_steps);
    }
    struct json_object *cov = json_object_new_object();
    json_object_object_add(cov, "fallible_calls", json_object_new_uint64(vs->clean_calls));
    json_object_object_add(cov, "failed_calls", json_object_new_uint64(vs->fault_steps));
    json_object_object_add(cov, "complete", json_object_new_boolean(text[0] == '\0' && !interrupted && !vs->crashes));
    if (text[0])
        json_object_object_add(cov, "not_covered", json_object_new_string(text));
    json_object_object_add(r, "coverage", cov);
    if (not_reached)
        json_object_object_add(r, "error", json_object_new_string(text));
    return text[0] ? text : NULL;
}

/* Writes one report file (if asked for) through outfile.c; false, with a message, if it could
 * not be written whole. */
static bool verify_write_report(struct out_file *f, char *(*format)(struct json_object *), struct json_object *r)
{
    if (f == NULL)
        return true;
    char err[512], *text = format(r);
    if (text == NULL) {
        fprintf(stderr, "openndis verify: %s: out of memory formatting the report\n", out_path(f));
        out_discard(f);
        return false;
    }
    bool ok = out_commit(f, text, strlen(text), err, sizeof err);
    if (!ok)
        fprintf(stderr, "openndis verify: %s\n", err);
    free(text);
    return ok;
}

/* Prints the report (text or JSON) and writes the JUnit and SARIF files; the exit code. */
static int verify_output(struct json_object *r, bool json, struct out_file *junit, struct out_file *sarif)
{
    size_t nf = json_object_array_length(json_object_object_get(r, "findings"));
    const bool interrupted = json_object_object_get_ex(r, "interrupted", NULL);
    const bool not_reached = strcmp(json_str_field(r, "verdict"), "error") == 0;
    const char *caveat = json_str_field(json_object_object_get(r, "coverage"), "not_covered");
    int code = nf ? EXIT_VERDICT : interrupted ? EXIT_INTERRUPTED : not_reached ? EXIT_USAGE : EXIT_PASS;
    /* Both reports are attempted even when the first cannot be written. */
    const bool junit_ok = verify_write_report(junit, junit_report, r);
    const bool sarif_ok = verify_write_report(sarif, sarif_report, r);
    if (!junit_ok || !sarif_ok)
        code = EXIT_WRITE;
    if (json) {
        render_json(stdout, r);
    } else {
        verify_render(stdout, r);
        if (nf)
            printf("verdict  FAIL: %zu finding%s (deduplicated)%s%s%s\n", nf, nf == 1 ? "" : "s",
                   caveat ? " (" : "", caveat ? caveat : "", caveat ? ")" : "");
        else if (interrupted)
            printf("verdict  INTERRUPTED: no rule violated in the steps that ended\n");
        else if (not_reached)
            printf("verdict  NOT TESTED: %s\n", caveat);
        else if (caveat)
            printf("verdict  PASS (partial: %s): no rule violated in any step\n", caveat);
        else
            printf("verdict  PASS: no rule violated in any step\n");
    }
    if (not_reached && !json)
        fprintf(stderr, "openndis verify: %s\n", caveat);
    return code;
}

int cmd_verify(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "no-sweep", no_argument, NULL, 'S' },      { "max-steps", required_argument, NULL, 'm' },
        { "random", required_argument, NULL, 'R' },  { "rate", required_argument, NULL, 'r' },
        { "runs", required_argument, NULL, 'u' },    { "time-scale", required_argument, NULL, 's' },
        { "junit", required_argument, NULL, 'J' },   { "sarif", required_argument, NULL, 'F' },
        { "help", no_argument, NULL, 'h' },          { "verbose", no_argument, NULL, 'V' },
        { "unique-stacks", no_argument, NULL, 'U' }, { "jobs", required_argument, NULL, 'P' },
        { "fuzz-ioctl", required_argument, NULL, 'Z' }, { "shard", required_argument, NULL, 'K' },
        { "config", required_argument, NULL, 'c' },  { "inf", required_argument, NULL, 'i' },
        COMMON_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    struct verify_args a = { .sweep = true, .max_steps = 10000, .rate = 0.05, .random_runs = 20, .time_scale = 0.05,
                             .jobs = 1 };
    struct common_options common = { 0 };
    struct verify_given given = { 0 };
    unsigned long v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int k = common_option("verify", c, optarg, &common);
        if (k < 0)
            return EXIT_USAGE;
        if (k > 0)
            continue;
        switch (c) {
        case 'S': a.sweep = false; given.no_sweep = true; break;
        case 'V': a.verbose = true; break;
        case 'U': a.unique = true; break;
        case 'J': a.junit = optarg; break;
        case 'c': a.config = optarg; break;
        case 'i': a.inf = optarg; break;
        case 'F': a.sarif = optarg; break;
        case 'm':
        case 'R':
        case 'Z':
        case 'u':
        case 'P':
            if (!parse_ulong(optarg, &v) || v == 0 || (c == 'P' && v > VERIFY_MAX_JOBS)) {
                fprintf(stderr, "openndis verify: --%s takes a positive number%s, not '%s'\n",
                        c == 'm' ? "max-steps" : c == 'R' ? "random" : c == 'Z' ? "fuzz-ioctl" : c == 'u' ? "runs" : "jobs",
                        c == 'P' ? " up to 32" : "", optarg);
                return EXIT_USAGE;
            }
            if (c == 'm') a.max_steps = v, given.max_steps = true;
            else if (c == 'R') a.seed = v, given.random = true;
            else if (c == 'Z') a.seed = v, a.fuzz_ioctl = true;
            else if (c == 'u') a.random_runs = v, given.runs = true;
            else a.jobs = (unsigned)v;
            break;
        case 'r':
        case 's': {
            char *end;
            double d = strtod(optarg, &end);
            if (end == optarg || *end || !isfinite(d) || d <= 0 || (c == 'r' && d > 1)) {
                fprintf(stderr, "openndis verify: --%s takes a number%s, not '%s'\n", c == 'r' ? "rate" : "time-scale",
                        c == 'r' ? " in (0, 1]" : " > 0", optarg);
                return EXIT_USAGE;
            }
            if (c == 'r') a.rate = d, given.rate = true;
            else a.time_scale = d;
            break;
        }
        case 'K': {
            unsigned k, n;
            char tail;
            if (sscanf(optarg, "%u/%u%c", &k, &n, &tail) != 2 || n == 0 || n > 1000 || k == 0 || k > n) {
                fprintf(stderr, "openndis verify: --shard takes K/N with 1 <= K <= N <= 1000 (this run is shard K of "
                                "N), not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            a.shard = k, a.shards = n;
            break;
        }
        case 'h': verify_usage(stdout); return EXIT_PASS;
        default: verify_usage(stderr); return EXIT_USAGE;
        }
    }
    if (a.shards && (given.no_sweep || common.fail_nth || a.unique)) {
        fprintf(stderr, "openndis verify: --shard splits the sweep, --random and --fuzz-ioctl runs; it does nothing with "
                        "%s\n", given.no_sweep ? "--no-sweep" : common.fail_nth ? "--fail-call" : "--unique-stacks");
        return EXIT_USAGE;
    }
    if (common.sv.in_process) {
        fprintf(stderr, "openndis verify: --no-fork is not available here: every step needs a process of its own\n");
        return EXIT_USAGE;
    }
    a.only_call = common.fail_nth;
    a.timeout = common.timeout_given ? common.sv.timeout_seconds : 20;
    bool json = common.json;
    if (!verify_options_agree(&a, &given))
        return EXIT_USAGE;
    if (optind != argc - 1) {
        fprintf(stderr, "openndis verify: give exactly one driver file\n");
        verify_usage(stderr);
        return EXIT_USAGE;
    }
    a.path = argv[optind];
    char err[512];
    /* The report files are checked (and created, empty, beside their targets) before
     * anything runs: a bad path costs nothing, and no report replaces the driver. */
    struct out_file *junit = NULL, *sarif = NULL;
    const char *inputs[] = { a.path, a.config, a.inf, a.junit };
    if (a.junit && a.sarif && out_same_target(a.junit, a.sarif)) {
        fprintf(stderr, "openndis verify: --junit and --sarif name the same file, %s; give two\n", a.junit);
        return EXIT_USAGE;
    }
    /* The parameter files are read before any step starts (every step inherits them): a bad
     * one is a usage error, never the driver's failure. */
    const char *bad = a.config != NULL && !ndis_config_load(a.config, err, sizeof err) ? "--config"
                    : a.inf != NULL && !ndis_config_load_inf(a.inf, err, sizeof err) ? "--inf" : NULL;
    if (bad != NULL) {
        fprintf(stderr, "openndis verify: %s %s\n", bad, err);
        return EXIT_USAGE;
    }
    if ((a.junit && (junit = out_open("--junit", a.junit, inputs, 3, err, sizeof err)) == NULL) ||
        (a.sarif && (sarif = out_open("--sarif", a.sarif, inputs, 4, err, sizeof err)) == NULL)) {
        fprintf(stderr, "openndis verify: %s\n", err);
        out_discard(junit);
        return EXIT_USAGE;
    }
    /* The sweep process loads the driver and forks every step from itself; this one only
     * supervises it, so that load-time code (ELF constructors) runs under supervision too.
     * Its grace period after Ctrl-C outlasts its steps' (3 s), so it can still report. */
    struct sv_options sv = { .timeout_seconds = a.timeout, .stop_grace_seconds = 6, .image = a.path };
    struct json_object *r = sv_run(verify_sweep, &a, &sv);
    if (r == NULL || !json_object_object_get_ex(r, "steps", NULL)) { /* not loadable, or lost while loading */
        out_discard(junit);
        out_discard(sarif);
        if (r == NULL)
            return EXIT_USAGE;
        if (!json_object_object_get_ex(r, "driver", NULL))
            json_object_object_add(r, "driver", json_object_new_string(a.path));
        return render_report(r, json, verify_render_lost);
    }
    int code = verify_output(r, json, junit, sarif);
    json_object_put(r);
    return code;
}

/* ---- openndis report merge: the shards of one verify run, joined ---------------------------- */

static struct json_object *report_read(const char *path, char *err, size_t len)
{
    struct stat st;
    FILE *f = fopen(path, "re");
    if (f == NULL || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 28)) {
        snprintf(err, len, "%s: %s", path, f == NULL ? strerror(errno) : "not a regular file of at most 256 MiB");
        if (f)
            fclose(f);
        return NULL;
    }
    char *text = malloc((size_t)st.st_size + 1);
    size_t n = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (text == NULL) {
        snprintf(err, len, "%s: out of memory", path);
        return NULL;
    }
    text[n] = '\0';
    struct json_object *r = json_tokener_parse(text);
    free(text);
    if (r == NULL || !json_object_is_type(r, json_type_object))
        snprintf(err, len, "%s: not a JSON report (openndis verify --json --shard K/N writes one)", path);
    return r;
}

static int report_cmp_k(const void *x, const void *y)
{
    uint64_t a = json_object_get_uint64(json_object_object_get(*(struct json_object *const *)x, "k"));
    uint64_t b = json_object_get_uint64(json_object_object_get(*(struct json_object *const *)y, "k"));
    return a < b ? -1 : a > b;
}

static void report_usage(FILE *out)
{
    fputs("usage: openndis report merge [options] SHARD.json...\n"
          "\n"
          "Joins the JSON reports of the N shards of one verify run (openndis verify --json\n"
          "--shard K/N, K = 1..N, same driver and options) into the report the unsharded\n"
          "run gives: the same steps, findings, coverage and verdict.\n"
          "\n"
          "options:\n"
          "  --json         print the merged JSON report instead of text\n"
          "  --junit FILE   also write JUnit XML\n"
          "  --sarif FILE   also write SARIF 2.1.0\n"
          "  -h, --help     this text\n"
          "\n"
          "exit status: as openndis verify's: 0 no finding, 1 findings, 2 bad usage or shards\n"
          "that do not make one run (missing, repeated, of another driver or options), 4 a\n"
          "report could not be written.\n",
          out);
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' }, { "junit", required_argument, NULL, 'J' },
        { "sarif", required_argument, NULL, 'F' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    if (argc < 2 || strcmp(argv[1], "merge") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
            report_usage(stdout);
            return EXIT_PASS;
        }
        report_usage(stderr);
        return EXIT_USAGE;
    }
    bool json = false;
    const char *junit_path = NULL, *sarif_path = NULL;
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'J': junit_path = optarg; break;
        case 'F': sarif_path = optarg; break;
        case 'h': report_usage(stdout); return EXIT_PASS;
        default: report_usage(stderr); return EXIT_USAGE;
        }
    }
    int nfiles = argc - optind;
    if (nfiles < 1) {
        fprintf(stderr, "openndis report merge: give the shards' JSON reports\n");
        return EXIT_USAGE;
    }
    char err[512];
    struct json_object **shards = calloc((size_t)nfiles, sizeof *shards);
    unsigned count = 0;
    const char *driver = NULL;
    bool *seen = NULL;
    int code = EXIT_USAGE;
    for (int i = 0; i < nfiles; i++) {
        const char *path = argv[optind + i];
        struct json_object *r = report_read(path, err, sizeof err), *sh;
        if (r == NULL) {
            fprintf(stderr, "openndis report merge: %s\n", err);
            goto out;
        }
        shards[i] = r;
        if (!json_object_object_get_ex(r, "shard", &sh) || !json_object_object_get_ex(sh, "raw_steps", NULL)) {
            fprintf(stderr, "openndis report merge: %s is not a shard's report (run verify with --json --shard K/N)\n", path);
            goto out;
        }
        unsigned k = (unsigned)json_object_get_uint64(json_object_object_get(sh, "index"));
        unsigned n = (unsigned)json_object_get_uint64(json_object_object_get(sh, "count"));
        if (i == 0) {
            count = n;
            driver = json_str_field(r, "driver");
            seen = calloc(n + 1, sizeof *seen);
        }
        /* one run: the same driver, mode and bounds in every shard */
        static const char *const same[] = { "seed", "rate", "fuzz_ioctl" };
        bool alike = n == count && driver && json_str_field(r, "driver") && strcmp(driver, json_str_field(r, "driver")) == 0;
        for (size_t f = 0; alike && f < sizeof same / sizeof *same; f++) {
            const char *x = json_str_field(r, same[f]), *y = json_str_field(shards[0], same[f]);
            alike = (x == NULL) == (y == NULL) && (x == NULL || strcmp(x, y) == 0);
        }
        struct json_object *sh0 = json_object_object_get(shards[0], "shard");
        alike = alike && json_object_get_uint64(json_object_object_get(sh, "max_steps")) ==
                             json_object_get_uint64(json_object_object_get(sh0, "max_steps")) &&
                json_object_get_uint64(json_object_object_get(sh, "runs")) ==
                    json_object_get_uint64(json_object_object_get(sh0, "runs"));
        if (!alike) {
            fprintf(stderr, "openndis report merge: %s is a shard of another run than %s (driver, shard count, "
                            "seed, rate or step bounds differ)\n", path, argv[optind]);
            goto out;
        }
        if (k == 0 || k > count || seen[k]) {
            fprintf(stderr, "openndis report merge: %s is shard %u of %u, %s\n", path, k, count,
                    k == 0 || k > count ? "which does not exist" : "given twice");
            goto out;
        }
        seen[k] = true;
    }
    for (unsigned k = 1; k <= count; k++)
        if (!seen[k]) {
            fprintf(stderr, "openndis report merge: shard %u of %u is missing; give all %u\n", k, count, count);
            goto out;
        }

    /* The run as verify would have taken it: the clean run, then the series in step order. */
    struct json_object *sh0 = json_object_object_get(shards[0], "shard");
    struct verify_args a = { .path = driver, .sweep = true, .max_steps = json_object_get_uint64(json_object_object_get(sh0, "max_steps")),
                             .random_runs = json_object_get_uint64(json_object_object_get(sh0, "runs")),
                             .seed = json_object_get_uint64(json_object_object_get(shards[0], "seed")),
                             .fuzz_ioctl = json_object_get_boolean(json_object_object_get(shards[0], "fuzz_ioctl")),
                             .rate = json_object_get_double(json_object_object_get(shards[0], "rate")) };
    struct verify_state vs = { .findings = json_object_new_array(), .steps = json_object_new_array() };
    struct json_object **steps = NULL;
    size_t nsteps = 0, cap = 0;
    struct json_object *clean = NULL;
    for (int i = 0; i < nfiles; i++) {
        struct json_object *raw = json_object_object_get(json_object_object_get(shards[i], "shard"), "raw_steps");
        for (size_t j = 0; j < json_object_array_length(raw); j++) {
            struct json_object *st = json_object_array_get_idx(raw, j);
            if (json_object_get_uint64(json_object_object_get(st, "k")) == 0) {
                if (clean == NULL)
                    clean = st; /* every shard ran it; the first one's stands */
                continue;
            }
            struct json_object **grown = array_reserve(steps, &cap, nsteps + 1, sizeof *steps);
            if (grown == NULL) {
                fprintf(stderr, "openndis report merge: out of memory\n");
                goto out;
            }
            steps = grown;
            steps[nsteps++] = st;
        }
    }
    if (clean == NULL) {
        fprintf(stderr, "openndis report merge: no shard has the clean run's report\n");
        free(steps);
        goto out;
    }
    qsort(steps, nsteps, sizeof *steps, report_cmp_k);
    bool injected;
    vs.step_k = 0;
    unsigned long calls =
        verify_take_report(&vs, json_object_get(json_object_object_get(clean, "report")), "clean run", 0, false, &injected);
    vs.clean_calls = calls;
    const unsigned long last = a.seed ? a.random_runs : a.max_steps;
    for (size_t i = 0; i < nsteps && !vs.crashes; i++) {
        unsigned long k = json_object_get_uint64(json_object_object_get(steps[i], "k"));
        if (k != i + 1)
            break; /* steps past the one that ended the series (or a gap: that shard ended earlier) */
        bool more = verify_series_take(&vs, &a, k, json_object_get(json_object_object_get(steps[i], "report")));
        if (more && k >= last) {
            more = false;
            vs.stopped_by_max = !a.seed && k < vs.clean_calls;
        }
        if (!more)
            break;
    }
    free(steps);
    struct json_object *r = json_object_new_object();
    json_object_object_add(r, "command", json_object_new_string("verify"));
    json_object_object_add(r, "driver", json_object_new_string(driver));
    verify_finish(r, &vs, &a, calls, false);
    free(vs.seen);

    struct out_file *junit = NULL, *sarif = NULL;
    const char *inputs[64];
    size_t ninputs = 0;
    for (int i = 0; i < nfiles && ninputs < 64; i++)
        inputs[ninputs++] = argv[optind + i];
    if ((junit_path && (junit = out_open("--junit", junit_path, inputs, ninputs, err, sizeof err)) == NULL) ||
        (sarif_path && (sarif = out_open("--sarif", sarif_path, inputs, ninputs, err, sizeof err)) == NULL)) {
        fprintf(stderr, "openndis report merge: %s\n", err);
        out_discard(junit);
        json_object_put(r);
        goto out;
    }
    code = verify_output(r, json, junit, sarif);
    json_object_put(r);
out:
    for (int i = 0; i < nfiles; i++)
        json_object_put(shards[i]);
    free(shards);
    free(seen);
    return code;
}
