/* The adapter life of the sample driver end to end through the loopback harness: two
 * adapters on its hub exchange frames, answer OIDs, pause and restart under traffic without
 * losing or double-completing a frame, halt and unload with nothing leaked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "loader/ld.h"
#include "edge/edge.h"

struct rig {
    struct ld_image *image;
    struct ndis_adapter *adapter[2];
    struct edge_loopback *edge[2];
    UCHAR mac[2][6];
};

static void rig_up(struct rig *r)
{
    char err[512];
    NDIS_STATUS st;
    vf_reset();
    memset(r, 0, sizeof *r);
    r->image = ld_load(SAMPLE_DRIVER, err, sizeof err);
    assert_non_null(r->image);
    assert_int_equal(ld_driver_entry(r->image), NDIS_STATUS_SUCCESS);
    for (int i = 0; i < 2; i++) {
        r->adapter[i] = ndis_adapter_initialize(&r->image->object, &st);
        assert_int_equal(st, NDIS_STATUS_SUCCESS);
        assert_non_null(r->adapter[i]);
        r->edge[i] = edge_loopback_open(r->adapter[i], 256);
        assert_non_null(r->edge[i]);
        assert_int_equal(ndis_adapter_restart(r->adapter[i]), NDIS_STATUS_SUCCESS);
        struct edge_bring_up up;
        edge_bring_up(r->adapter[i], NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST, &up);
        assert_int_equal(up.filter_status, NDIS_STATUS_SUCCESS);
        assert_true(up.ethernet);
        assert_int_equal(up.mac_status, NDIS_STATUS_SUCCESS);
        memcpy(r->mac[i], up.mac, 6);
    }
}

static void rig_down(struct rig *r)
{
    for (int i = 0; i < 2; i++) {
        assert_int_equal(ndis_adapter_pause(r->adapter[i]), NDIS_STATUS_SUCCESS);
        assert_int_equal(ndis_adapter_halt(r->adapter[i], NdisHaltDeviceDisabled), NDIS_STATUS_SUCCESS);
        edge_loopback_close(r->edge[i]);
    }
    assert_true(ld_unload(r->image));
    ld_free(r->image);
}

static size_t frame(UCHAR *buf, const UCHAR *dst, const UCHAR *src, size_t len, UCHAR fill)
{
    memcpy(buf, dst, 6);
    memcpy(buf + 6, src, 6);
    buf[12] = 0x88;
    buf[13] = 0xB5; /* local experimental EtherType */
    memset(buf + 14, fill, len - 14);
    return len;
}

static void test_frames_cross_the_hub(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    UCHAR f[1514], got[2048];
    const void *frames[1] = { f };
    size_t len[1] = { frame(f, r.mac[1], r.mac[0], 100, 0xAB) };
    assert_int_equal(edge_loopback_send(r.edge[0], frames, len, 1), 1);
    ssize_t n = edge_loopback_recv(r.edge[1], got, sizeof got);
    assert_int_equal(n, 100);
    assert_memory_equal(got, f, 100);
    assert_int_equal(edge_loopback_recv(r.edge[0], got, sizeof got), -1); /* no loopback to the sender */

    /* Not for adapter 1 and not broadcast: filtered. Broadcast: delivered. */
    UCHAR other[6] = { 0x02, 0, 0, 0, 0, 0x99 }, bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    len[0] = frame(f, other, r.mac[0], 60, 1);
    edge_loopback_send(r.edge[0], frames, len, 1);
    assert_int_equal(edge_loopback_recv(r.edge[1], got, sizeof got), -1);
    len[0] = frame(f, bcast, r.mac[1], 1514, 2);
    edge_loopback_send(r.edge[1], frames, len, 1);
    assert_int_equal(edge_loopback_recv(r.edge[0], got, sizeof got), 1514);

    struct edge_loopback_stats s;
    edge_loopback_stats(r.edge[0], &s);
    assert_int_equal(s.sent, 2);
    assert_int_equal(s.send_completed, 2);
    assert_int_equal(s.link_changes, 1); /* link up at restart */
    rig_down(&r);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_chains_of_32(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    static UCHAR buf[32][128];
    const void *frames[32];
    size_t len[32];
    for (int i = 0; i < 32; i++) {
        len[i] = frame(buf[i], r.mac[1], r.mac[0], 64 + i, (UCHAR)i);
        frames[i] = buf[i];
    }
    for (int round = 0; round < 10; round++) {
        assert_int_equal(edge_loopback_send(r.edge[0], frames, len, 32), 32);
        UCHAR got[2048];
        for (int i = 0; i < 32; i++) {
            assert_int_equal(edge_loopback_recv(r.edge[1], got, sizeof got), (ssize_t)len[i]);
            assert_memory_equal(got, buf[i], len[i]);
        }
    }
    ULONG64 rcv = 0;
    ULONG done, needed;
    assert_int_equal(ndis_adapter_oid(r.adapter[1], NdisRequestQueryInformation, OID_GEN_RCV_OK, &rcv, sizeof rcv,
                                      &done, &needed), NDIS_STATUS_SUCCESS);
    assert_int_equal(rcv, 320);
    rig_down(&r);
    assert_int_equal(vf_violation_count(), 0);
}

/* A protocol's own NBL shapes: one NBL with three NET_BUFFERs, each over a chain of two
 * MDLs and starting at a non-zero DataOffset. The driver must send all three. */
static PNET_BUFFER_LIST completed;
static void shaped_send_complete(void *ctx, struct ndis_adapter *a, PNET_BUFFER_LIST nbls)
{
    (void)ctx; (void)a;
    completed = nbls;
}
static const struct ndis_upper_edge shaped_edge = { .send_complete = shaped_send_complete };

/* A NIC never reorders a flow: sequence-numbered frames in chains of 1 to 32 arrive in the
 * order sent, none lost (tap_frames_order checks the same through TAP interfaces). */
static void test_flow_keeps_order(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    static UCHAR frames[32][64];
    const void *ptr[32];
    size_t len[32];
    UCHAR got[2048];
    uint64_t next_sent = 0, next_expected = 0;
    for (unsigned chain = 1; next_sent < 20000; chain = chain % 32 + 1) {
        for (unsigned k = 0; k < chain; k++, next_sent++) {
            frame(frames[k], r.mac[1], r.mac[0], sizeof frames[k], 0);
            memcpy(frames[k] + 14, &next_sent, sizeof next_sent);
            ptr[k] = frames[k];
            len[k] = sizeof frames[k];
        }
        assert_int_equal(edge_loopback_send(r.edge[0], ptr, len, chain), chain);
        for (ssize_t n; (n = edge_loopback_recv(r.edge[1], got, sizeof got)) >= 0; next_expected++) {
            uint64_t seq;
            assert_int_equal(n, 64);
            memcpy(&seq, got + 14, sizeof seq);
            if (seq != next_expected)
                fail_msg("frame %llu arrived where frame %llu was due", (unsigned long long)seq,
                         (unsigned long long)next_expected);
        }
    }
    assert_int_equal(next_expected, next_sent); /* none lost either */
    rig_down(&r);
}

static void test_multi_nb_mdl_chains(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    static UCHAR head[3][20], tail[3][200];
    MDL m1[3], m2[3];
    NET_BUFFER nb[3];
    NET_BUFFER_LIST nbl;
    memset(nb, 0, sizeof nb);
    memset(&nbl, 0, sizeof nbl);
    for (int i = 0; i < 3; i++) {
        /* 6 bytes of headroom, then destination = adapter 1, source = adapter 0 */
        memset(head[i], 0xEE, 6);
        memcpy(head[i] + 6, r.mac[1], 6);
        memcpy(head[i] + 12, r.mac[0], 6);
        head[i][18] = 0x88;
        head[i][19] = 0xB5;
        memset(tail[i], i + 1, sizeof tail[i]);
        m1[i] = (MDL){ .Size = sizeof(MDL), .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL, .MappedSystemVa = head[i],
                       .ByteCount = 20, .Next = &m2[i] };
        m2[i] = (MDL){ .Size = sizeof(MDL), .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL, .MappedSystemVa = tail[i],
                       .ByteCount = 200 };
        nb[i].MdlChain = nb[i].CurrentMdl = &m1[i];
        nb[i].DataOffset = nb[i].CurrentMdlOffset = 6;
        nb[i].DataLength = 14 + 200;
        nb[i].Next = i < 2 ? &nb[i + 1] : NULL;
    }
    nbl.FirstNetBuffer = &nb[0];
    edge_loopback_close(r.edge[0]); /* the test itself is the protocol on adapter 0 */
    ndis_adapter_attach(r.adapter[0], &shaped_edge, NULL);
    completed = NULL;
    ndis_adapter_send(r.adapter[0], &nbl);
    assert_ptr_equal(completed, &nbl);
    assert_int_equal(nbl.Status, NDIS_STATUS_SUCCESS);
    UCHAR got[2048];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(edge_loopback_recv(r.edge[1], got, sizeof got), 214);
        assert_memory_equal(got, head[i] + 6, 14);
        assert_int_equal(got[100], i + 1);
    }
    ndis_adapter_cancel_send(r.adapter[0], (PVOID)1); /* nothing is queued: a no-op */
    ndis_adapter_pause(r.adapter[0]);
    ndis_adapter_halt(r.adapter[0], NdisHaltDeviceDisabled);
    ndis_adapter_pause(r.adapter[1]);
    ndis_adapter_halt(r.adapter[1], NdisHaltDeviceDisabled);
    edge_loopback_close(r.edge[1]);
    ld_unload(r.image);
    ld_free(r.image);
    assert_int_equal(vf_violation_count(), 0);
}

/* Pause and restart between bursts: every frame sent while running arrives, frames sent
 * while paused are completed with NDIS_STATUS_PAUSED, nothing is completed twice. */
static void test_pause_restart_under_traffic(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    UCHAR f[200], got[2048];
    const void *frames[1] = { f };
    size_t len[1] = { frame(f, r.mac[1], r.mac[0], 200, 7) };
    size_t received = 0;
    for (int cycle = 0; cycle < 20; cycle++) {
        for (int i = 0; i < 5; i++)
            edge_loopback_send(r.edge[0], frames, len, 1);
        /* Leave some frames indicated and not yet returned: pause must wait for them. */
        assert_int_equal(ndis_adapter_pause(r.adapter[1]), NDIS_STATUS_SUCCESS);
        edge_loopback_send(r.edge[1], frames, len, 1); /* paused: completed with PAUSED */
        assert_int_equal(ndis_adapter_restart(r.adapter[1]), NDIS_STATUS_SUCCESS);
        while (edge_loopback_recv(r.edge[1], got, sizeof got) == 200)
            received++;
    }
    assert_int_equal(received, 100);
    struct edge_loopback_stats s;
    edge_loopback_stats(r.edge[1], &s);
    assert_int_equal(s.send_failed, 20);
    edge_loopback_stats(r.edge[0], &s);
    assert_int_equal(s.send_completed, 100);
    rig_down(&r);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_oids(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    ULONG done = 0, needed = 0, medium = 99;
    ULONG64 counter = 0;
    UCHAR small[2];
    struct ndis_adapter *a = r.adapter[0];
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_MEDIA_IN_USE, &medium, sizeof medium,
                                      &done, &needed), NDIS_STATUS_SUCCESS);
    assert_int_equal(medium, NdisMedium802_3);
    /* NDISTest 1c_64BitOIDs: 0 bytes -> BytesNeeded 8; 4 bytes -> low half; 8 bytes -> all */
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_XMIT_OK, &counter, 0, &done, &needed),
                     NDIS_STATUS_INVALID_LENGTH);
    assert_int_equal(needed, 8);
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_XMIT_OK, &counter, 4, &done, &needed),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(done, 4);
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_XMIT_OK, &counter, 8, &done, &needed),
                     NDIS_STATUS_SUCCESS);
    assert_int_equal(done, 8);
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_802_3_PERMANENT_ADDRESS, small,
                                      sizeof small, &done, &needed), NDIS_STATUS_BUFFER_TOO_SHORT);
    assert_int_equal(needed, 6);
    NDIS_STATISTICS_INFO stats;
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_STATISTICS, &stats, sizeof stats,
                                      &done, &needed), NDIS_STATUS_SUCCESS);
    assert_int_equal(stats.Header.Revision, NDIS_STATISTICS_INFO_REVISION_1);
    ULONG bad_filter = 0x80000000u;
    assert_int_equal(ndis_adapter_oid(a, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &bad_filter,
                                      sizeof bad_filter, &done, &needed), NDIS_STATUS_NOT_SUPPORTED);
    UCHAR mcast[6 * 33];
    memset(mcast, 0x01, sizeof mcast);
    assert_int_equal(ndis_adapter_oid(a, NdisRequestSetInformation, OID_802_3_MULTICAST_LIST, mcast, sizeof mcast,
                                      &done, &needed), NDIS_STATUS_MULTICAST_FULL);
    /* not whole addresses: NDIS's own answer, the next whole number of them */
    assert_int_equal(ndis_adapter_oid(a, NdisRequestSetInformation, OID_802_3_MULTICAST_LIST, mcast, 7, &done,
                                      &needed), NDIS_STATUS_INVALID_LENGTH);
    assert_int_equal(done, 0);
    assert_int_equal(needed, 12);
    assert_int_equal(ndis_adapter_oid(a, NdisRequestQueryInformation, 0x7f7f7f7f, &counter, 8, &done, &needed),
                     NDIS_STATUS_NOT_SUPPORTED);
    rig_down(&r);
    assert_int_equal(vf_violation_count(), 0);
}

/* OID_OFFLOAD_ENCAPSULATION: bring-up turns the sample's offloads on, as TCP/IP would; NDIS
 * records it for the edges, a refused set changes nothing, and SET_OFF turns them off. */
static void test_offload_encapsulation(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    struct ndis_adapter *a = r.adapter[0];
    assert_true(ndis_adapter_offload_encapsulated(a));
    NDIS_OFFLOAD_ENCAPSULATION e;
    memset(&e, 0, sizeof e);
    e.Header.Type = NDIS_OBJECT_TYPE_OFFLOAD_ENCAPSULATION;
    e.Header.Revision = NDIS_OFFLOAD_ENCAPSULATION_REVISION_1;
    e.Header.Size = NDIS_SIZEOF_OFFLOAD_ENCAPSULATION_REVISION_1;
    e.IPv4.Enabled = e.IPv6.Enabled = NDIS_OFFLOAD_SET_OFF;
    ULONG done = 0, needed = 0;
    e.Header.Type = NDIS_OBJECT_TYPE_DEFAULT; /* refused: still on */
    assert_int_equal(ndis_adapter_oid(a, NdisRequestSetInformation, OID_OFFLOAD_ENCAPSULATION, &e, sizeof e, &done,
                                      &needed), NDIS_STATUS_INVALID_PARAMETER);
    assert_true(ndis_adapter_offload_encapsulated(a));
    e.Header.Type = NDIS_OBJECT_TYPE_OFFLOAD_ENCAPSULATION;
    assert_int_equal(ndis_adapter_oid(a, NdisRequestSetInformation, OID_OFFLOAD_ENCAPSULATION, &e, sizeof e, &done,
                                      &needed), NDIS_STATUS_SUCCESS);
    assert_false(ndis_adapter_offload_encapsulated(a));
    rig_down(&r);
    assert_int_equal(vf_violation_count(), 0);
}

/* OID_TCP_OFFLOAD_PARAMETERS: the sample turns off what it is told and indicates its new
 * configuration, which becomes the adapter's current one (what the TAP edge asks Linux for). */
static void test_offload_parameters(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    struct ndis_adapter *a = r.adapter[0];
    NDIS_OFFLOAD current;
    assert_true(ndis_adapter_offload(a, &current));
    assert_int_equal(current.LsoV2.IPv4.MaxOffLoadSize, 65535);
    assert_true(current.Rsc.IPv4.Enabled);
    assert_int_equal(current.Checksum.IPv4Transmit.TcpChecksum, NDIS_OFFLOAD_SUPPORTED);

    NDIS_OFFLOAD_PARAMETERS p;
    memset(&p, 0, sizeof p);
    p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    p.Header.Revision = NDIS_OFFLOAD_PARAMETERS_REVISION_3;
    p.Header.Size = NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_3;
    p.LsoV2IPv4 = NDIS_OFFLOAD_PARAMETERS_LSOV2_DISABLED;
    p.RscIPv4 = NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED;
    p.TCPIPv4Checksum = NDIS_OFFLOAD_PARAMETERS_RX_ENABLED_TX_DISABLED;
    ULONG done = 0, needed = 0;
    assert_int_equal(ndis_adapter_oid(a, NdisRequestSetInformation, OID_TCP_OFFLOAD_PARAMETERS, &p, sizeof p, &done,
                                      &needed), NDIS_STATUS_SUCCESS);
    assert_true(ndis_adapter_offload(a, &current));
    assert_int_equal(current.LsoV2.IPv4.MaxOffLoadSize, 0);
    assert_int_equal(current.LsoV2.IPv6.MaxOffLoadSize, 65535); /* NO_CHANGE */
    assert_false(current.Rsc.IPv4.Enabled);
    assert_true(current.Rsc.IPv6.Enabled);
    assert_int_equal(current.Checksum.IPv4Transmit.TcpChecksum, NDIS_OFFLOAD_NOT_SUPPORTED);
    assert_int_equal(current.Checksum.IPv4Receive.TcpChecksum, NDIS_OFFLOAD_SUPPORTED);
    /* a short or mistyped request is refused and changes nothing */
    assert_int_equal(ndis_adapter_oid(a, NdisRequestSetInformation, OID_TCP_OFFLOAD_PARAMETERS, &p, 4, &done, &needed),
                     NDIS_STATUS_INVALID_LENGTH);
    p.Header.Type = NDIS_OBJECT_TYPE_OFFLOAD;
    p.RscIPv4 = NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED;
    assert_int_equal(ndis_adapter_oid(a, NdisRequestSetInformation, OID_TCP_OFFLOAD_PARAMETERS, &p, sizeof p, &done,
                                      &needed), NDIS_STATUS_INVALID_PARAMETER);
    assert_true(ndis_adapter_offload(a, &current));
    assert_false(current.Rsc.IPv4.Enabled);
    rig_down(&r);
    assert_int_equal(vf_violation_count(), 0);
}

/* The state machine refuses what NDIS would never do. */
static void test_state_machine(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    assert_int_equal(ndis_adapter_restart(r.adapter[0]), NDIS_STATUS_INVALID_STATE); /* already running */
    assert_int_equal(ndis_adapter_pause(r.adapter[0]), NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_adapter_pause(r.adapter[0]), NDIS_STATUS_INVALID_STATE);
    assert_int_equal(ndis_adapter_restart(r.adapter[0]), NDIS_STATUS_SUCCESS);
    rig_down(&r);
    assert_int_equal(vf_violation_count(), 0);
}

/* Unloading halts adapters that are still up, then calls MiniportDriverUnload. */
static void test_unload_halts_adapters(void **state)
{
    (void)state;
    char err[512];
    NDIS_STATUS st;
    vf_reset();
    struct ld_image *image = ld_load(SAMPLE_DRIVER, err, sizeof err);
    assert_int_equal(ld_driver_entry(image), NDIS_STATUS_SUCCESS);
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    assert_non_null(a);
    assert_int_equal(ndis_adapter_restart(a), NDIS_STATUS_SUCCESS);
    assert_true(ld_unload(image));
    ld_free(image);
    assert_int_equal(vf_violation_count(), 0);
}

/* Every fallible call during initialize fails once in turn: the sample must clean up (the
 * violation count covers leaks at halt, unload and after a failed initialize). */
static void test_initialize_failures_clean(void **state)
{
    (void)state;
    char err[512];
    for (unsigned long n = 3;; n++) { /* 1-2 are DriverEntry's */
        vf_reset();
        vf_faults_fail_nth(n);
        struct ld_image *image = ld_load(SAMPLE_DRIVER, err, sizeof err);
        assert_int_equal(ld_driver_entry(image), NDIS_STATUS_SUCCESS);
        NDIS_STATUS st;
        struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
        bool injected = vf_faults_calls() >= n;
        if (a != NULL)
            ndis_adapter_halt(a, NdisHaltDeviceDisabled);
        ld_unload(image);
        ld_free(image);
        vf_faults_fail_nth(0);
        assert_int_equal(vf_violation_count(), 0);
        if (!injected)
            break;
        /* Either initialize failed cleanly, or the failed call was optional (configuration). */
        if (a == NULL)
            assert_int_equal(st, NDIS_STATUS_RESOURCES);
    }
}

/* NDIS 6.20 hardware-assist services on an adapter handle: the RSS processor set (size
 * query, then the set), and shared memory: zeroed, described by a one-element SG list, freed
 * once; a second free and a block left at halt are both reported. */
static void test_rss_processors_and_shared_memory(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    SIZE_T size = 0;
    assert_int_equal(NdisGetRssProcessorInformation(r.adapter[0], NULL, &size), NDIS_STATUS_BUFFER_TOO_SHORT);
    assert_true(size >= sizeof(NDIS_RSS_PROCESSOR_INFO) + sizeof(NDIS_RSS_PROCESSOR));
    UCHAR buf[256];
    SIZE_T small = size - 1;
    assert_int_equal(NdisGetRssProcessorInformation(r.adapter[0], (PNDIS_RSS_PROCESSOR_INFO)buf, &small),
                     NDIS_STATUS_BUFFER_TOO_SHORT);
    PNDIS_RSS_PROCESSOR_INFO info = (PNDIS_RSS_PROCESSOR_INFO)buf;
    assert_int_equal(NdisGetRssProcessorInformation(r.adapter[0], info, &size), NDIS_STATUS_SUCCESS);
    assert_int_equal(info->Header.Type, NDIS_OBJECT_TYPE_RSS_PROCESSOR_INFO);
    assert_int_equal(info->RssProcessorCount, KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS));
    PNDIS_RSS_PROCESSOR p = (PNDIS_RSS_PROCESSOR)(buf + info->RssProcessorArrayOffset);
    PROCESSOR_NUMBER pn;
    assert_int_equal(KeGetProcessorNumberFromIndex(info->RssProcessorCount - 1, &pn), STATUS_SUCCESS);
    assert_int_equal(p[info->RssProcessorCount - 1].ProcNum.Number, pn.Number);

    UCHAR sg[sizeof(SCATTER_GATHER_LIST) + sizeof(SCATTER_GATHER_ELEMENT)];
    NDIS_SHARED_MEMORY_PARAMETERS sm = { .Header = { NDIS_OBJECT_TYPE_DEFAULT, NDIS_SHARED_MEMORY_PARAMETERS_REVISION_1,
                                                     NDIS_SIZEOF_SHARED_MEMORY_PARAMETERS_REVISION_1 },
                                         .Usage = NdisSharedMemoryUsageReceive, .Length = 4096,
                                         .SGListBufferLength = sizeof sg, .SGListBuffer = (PSCATTER_GATHER_LIST)sg };
    NDIS_HANDLE h1 = NULL, h2 = NULL;
    assert_int_equal(NdisAllocateSharedMemory(r.adapter[0], &sm, &h1), NDIS_STATUS_SUCCESS);
    assert_non_null(sm.VirtualAddress);
    assert_ptr_equal(sm.SharedMemoryHandle, h1);
    assert_int_equal(((PUCHAR)sm.VirtualAddress)[4095], 0);
    assert_int_equal(sm.SGListBuffer->NumberOfElements, 1);
    assert_int_equal(sm.SGListBuffer->Elements[0].Length, 4096);
    sm.Header.Type = 0; /* not NDIS_OBJECT_TYPE_DEFAULT */
    assert_int_equal(NdisAllocateSharedMemory(r.adapter[0], &sm, &h2), NDIS_STATUS_INVALID_PARAMETER);
    assert_int_equal(vf_violation_count_of(VF_DATA_PATH_INVALID), 1);
    vf_reset();
    sm.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    sm.SGListBufferLength = 8; /* too short for one element */
    assert_int_equal(NdisAllocateSharedMemory(r.adapter[0], &sm, &h2), NDIS_STATUS_BUFFER_TOO_SHORT);
    NdisFreeSharedMemory(r.adapter[0], h1);
    assert_int_equal(vf_violation_count(), 0);
    NdisFreeSharedMemory(r.adapter[0], h1);
    assert_int_equal(vf_violation_count_of(VF_FREE_INVALID), 1);
    sm.SGListBuffer = NULL;
    assert_int_equal(NdisAllocateSharedMemory(r.adapter[0], &sm, &h2), NDIS_STATUS_SUCCESS);
    rig_down(&r); /* h2 is still allocated at halt */
    assert_true(vf_violation_count_of(VF_MEMORY_LEAK) >= 1);
    vf_reset();
}

/* RSS on the sample: set up as a protocol does, it hashes received IPv4 frames with the
 * Toeplitz function, and the hashes match the design guide's verification table ("Verifying
 * the RSS Hash Calculation", whose key edge_hw_assist_start uses). */
static ULONG rss_seen[4], rss_types[4];
static unsigned rss_count;
static void rss_observe(void *ctx, struct ndis_adapter *a, PNET_BUFFER_LIST nbls, bool to_driver)
{
    (void)ctx, (void)a;
    for (PNET_BUFFER_LIST nbl = nbls; nbl && !to_driver && rss_count < 4; nbl = nbl->Next, rss_count++) {
        rss_seen[rss_count] = NET_BUFFER_LIST_GET_HASH_VALUE(nbl);
        rss_types[rss_count] = NET_BUFFER_LIST_GET_HASH_TYPE(nbl);
    }
}

static size_t ipv4_frame(UCHAR *f, const UCHAR *dst, const UCHAR *src, UCHAR protocol, const UCHAR ip_src[4],
                         const UCHAR ip_dst[4], USHORT port_src, USHORT port_dst)
{
    memset(f, 0, 54);
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x08; /* IPv4 */
    UCHAR *ip = f + 14;
    ip[0] = 0x45;
    ip[3] = 40; /* total length: 20 + 20 */
    ip[6] = 0x40; /* don't fragment */
    ip[8] = 64;
    ip[9] = protocol;
    memcpy(ip + 12, ip_src, 4);
    memcpy(ip + 16, ip_dst, 4);
    ip[20] = (UCHAR)(port_src >> 8), ip[21] = (UCHAR)port_src;
    ip[22] = (UCHAR)(port_dst >> 8), ip[23] = (UCHAR)port_dst;
    return 54;
}

static void test_rss_hashes_match_the_guide(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r);
    struct edge_hw_assist hw;
    edge_hw_assist_start(r.adapter[1], r.mac[1], &hw);
    assert_true(hw.rss);
    assert_int_equal(hw.rss_status, NDIS_STATUS_SUCCESS);
    rss_count = 0;
    ndis_adapter_observe(r.adapter[1], rss_observe, NULL);
    static const UCHAR src1[4] = { 66, 9, 149, 187 }, dst1[4] = { 161, 142, 100, 80 };
    static const UCHAR src2[4] = { 199, 92, 111, 2 }, dst2[4] = { 65, 69, 140, 83 };
    UCHAR f[3][64];
    const void *frames[3] = { f[0], f[1], f[2] };
    size_t len[3] = {
        ipv4_frame(f[0], r.mac[1], r.mac[0], 6, src1, dst1, 2794, 1766),   /* TCP */
        ipv4_frame(f[1], r.mac[1], r.mac[0], 1, src1, dst1, 0, 0),         /* ICMP: addresses only */
        ipv4_frame(f[2], r.mac[1], r.mac[0], 6, src2, dst2, 14230, 4739),  /* TCP */
    };
    assert_int_equal(edge_loopback_send(r.edge[0], frames, len, 3), 3);
    UCHAR rx[128];
    while (edge_loopback_recv(r.edge[1], rx, sizeof rx) >= 0)
        ;
    ndis_adapter_observe(r.adapter[1], NULL, NULL);
    assert_int_equal(rss_count, 3);
    assert_int_equal(rss_seen[0], 0x51ccc178);
    assert_int_equal(rss_types[0], NDIS_HASH_TCP_IPV4);
    assert_int_equal(rss_seen[1], 0x323e8fc2);
    assert_int_equal(rss_types[1], NDIS_HASH_IPV4);
    assert_int_equal(rss_seen[2], 0xc626b0ea);
    struct ndis_hw_assist_info info;
    ndis_adapter_hw_assist(r.adapter[1], &info);
    assert_int_equal(info.hashed_frames, 3);
    rig_down(&r);
    assert_int_equal(vf_violation_count(), 0);
}

int main(void)
{
    ndis_set_time_scale(0.05);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_cross_the_hub),
        cmocka_unit_test(test_chains_of_32),
        cmocka_unit_test(test_flow_keeps_order),
        cmocka_unit_test(test_pause_restart_under_traffic),
        cmocka_unit_test(test_multi_nb_mdl_chains),
        cmocka_unit_test(test_oids),
        cmocka_unit_test(test_offload_parameters),
        cmocka_unit_test(test_offload_encapsulation),
        cmocka_unit_test(test_state_machine),
        cmocka_unit_test(test_unload_halts_adapters),
        cmocka_unit_test(test_initialize_failures_clean),
        cmocka_unit_test(test_rss_processors_and_shared_memory),
        cmocka_unit_test(test_rss_hashes_match_the_guide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
