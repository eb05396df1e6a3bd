/* Concurrency: two threads send through the sample's hub in opposite directions while a
 * third queries statistics and a periodic timer runs on the DPC thread; with RSS on, the
 * receives are indicated from four processors' DPCs at once. Every frame must arrive once and
 * nothing may be reported. Run under ThreadSanitizer by quickstart.sh. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "loader/ld.h"
#include "edge/edge.h"

#define FRAMES 20000

struct side {
    struct ndis_adapter *adapter;
    struct edge_loopback *edge;
    UCHAR mac[6], peer[6];
    size_t received;
};

static volatile int stop_oids;

/* Loads `driver` (a build of the sample) and starts two adapters on loopback edges, each
 * addressed to the other. */
static struct ld_image *open_sides_of(const char *driver, struct side side[2], size_t queue)
{
    char err[512];
    NDIS_STATUS st;
    vf_reset();
    struct ld_image *image = ld_load(driver, err, sizeof err);
    assert_non_null(image);
    assert_int_equal(ld_driver_entry(image), NDIS_STATUS_SUCCESS);
    for (int i = 0; i < 2; i++) {
        memset(&side[i], 0, sizeof side[i]);
        side[i].adapter = ndis_adapter_initialize(&image->object, &st);
        assert_non_null(side[i].adapter);
        side[i].edge = edge_loopback_open(side[i].adapter, queue);
        assert_int_equal(ndis_adapter_restart(side[i].adapter), NDIS_STATUS_SUCCESS);
        struct edge_bring_up up;
        edge_bring_up(side[i].adapter, NDIS_PACKET_TYPE_DIRECTED, &up);
        memcpy(side[i].mac, up.mac, 6);
    }
    memcpy(side[0].peer, side[1].mac, 6);
    memcpy(side[1].peer, side[0].mac, 6);
    return image;
}

static struct ld_image *open_sides(struct side side[2], size_t queue)
{
    return open_sides_of(SAMPLE_DRIVER, side, queue);
}

/* Pauses and halts both adapters, unloads the sample; nothing may have been reported. */
static void close_sides(struct side side[2], struct ld_image *image)
{
    for (int i = 0; i < 2; i++) {
        assert_int_equal(ndis_adapter_pause(side[i].adapter), NDIS_STATUS_SUCCESS);
        assert_int_equal(ndis_adapter_halt(side[i].adapter, NdisHaltDeviceDisabled), NDIS_STATUS_SUCCESS);
        edge_loopback_close(side[i].edge);
    }
    assert_true(ld_unload(image));
    ld_free(image);
    assert_int_equal(vf_violation_count(), 0);
}

static void *sender(void *arg)
{
    struct side *s = arg;
    UCHAR frame[60] = { 0 }, got[2048];
    memcpy(frame, s->peer, 6);
    memcpy(frame + 6, s->mac, 6);
    const void *frames[8] = { frame, frame, frame, frame, frame, frame, frame, frame };
    size_t len[8] = { 60, 60, 60, 60, 60, 60, 60, 60 };
    for (size_t sent = 0; sent < FRAMES; sent += 8) {
        edge_loopback_send(s->edge, frames, len, 8);
        while (edge_loopback_recv(s->edge, got, sizeof got) == 60)
            s->received++;
    }
    return NULL;
}

static void *oid_poller(void *arg)
{
    struct ndis_adapter *a = arg;
    while (!__atomic_load_n(&stop_oids, __ATOMIC_RELAXED)) {
        NDIS_STATISTICS_INFO stats;
        ULONG done, needed;
        ndis_adapter_oid(a, NdisRequestQueryInformation, OID_GEN_STATISTICS, &stats, sizeof stats, &done, &needed);
    }
    return NULL;
}

static volatile LONG ticks;
static VOID tick(PVOID s1, PVOID ctx, PVOID s2, PVOID s3)
{
    (void)s1; (void)ctx; (void)s2; (void)s3;
    InterlockedIncrement(&ticks);
}

static void test_two_senders_and_a_poller(void **state)
{
    (void)state;
    struct side side[2];
    struct ld_image *image = open_sides(side, 1 << 16);

    NDIS_TIMER_CHARACTERISTICS tc = {
        .Header = { NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS, NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                    NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1 },
        .AllocationTag = 0x6b636954, .TimerFunction = tick,
    };
    NDIS_HANDLE timer;
    assert_int_equal(NdisAllocateTimerObject(ndis_registration_of(&image->object), &tc, &timer), NDIS_STATUS_SUCCESS);
    LARGE_INTEGER due = { .QuadPart = -10000 };
    NdisSetTimerObject(timer, due, 1, NULL);

    pthread_t t[3];
    pthread_create(&t[0], NULL, sender, &side[0]);
    pthread_create(&t[1], NULL, sender, &side[1]);
    pthread_create(&t[2], NULL, oid_poller, side[0].adapter);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    __atomic_store_n(&stop_oids, 1, __ATOMIC_RELAXED);
    pthread_join(t[2], NULL);
    NdisCancelTimerObject(timer);
    NdisFreeTimerObject(timer);

    UCHAR got[2048];
    for (int i = 0; i < 2; i++)
        while (edge_loopback_recv(side[i].edge, got, sizeof got) == 60)
            side[i].received++;
    assert_int_equal(side[0].received, FRAMES);
    assert_int_equal(side[1].received, FRAMES);
    close_sides(side, image);
}

/* UDP/IPv4 frames of 64 flows (source ports): each side's sample hashes them and indicates
 * each on the processor its indirection entry names, from that processor's DPC. */
static void *flow_sender(void *arg)
{
    struct side *s = arg;
    UCHAR frames[8][60], got[2048];
    const void *ptr[8];
    size_t len[8];
    for (size_t sent = 0; sent < FRAMES; sent += 8) {
        for (int k = 0; k < 8; k++) {
            edge_loopback_udp_frame(frames[k], 60, s->peer, s->mac, (unsigned)((sent + (size_t)k) % 64));
            ptr[k] = frames[k];
            len[k] = 60;
        }
        edge_loopback_send(s->edge, ptr, len, 8);
        while (edge_loopback_recv(s->edge, got, sizeof got) == 60)
            s->received++;
    }
    return NULL;
}

/* Per-processor receive indications at once: both adapters have RSS on over the 4 modelled
 * processors while both send. Every frame arrives once, each on its entry's processor. */
static void rss_receives_on_every_processor(const char *driver, bool poll_mode)
{
    struct side side[2];
    struct ld_image *image = open_sides_of(driver, side, 1 << 16);
    struct edge_hw_assist hw[2];
    for (int i = 0; i < 2; i++) {
        edge_hw_assist_start(side[i].adapter, side[i].mac, &hw[i]);
        assert_true(hw[i].rss);
        assert_int_equal(hw[i].rss_status, NDIS_STATUS_SUCCESS);
    }
    pthread_t t[2];
    pthread_create(&t[0], NULL, flow_sender, &side[0]);
    pthread_create(&t[1], NULL, flow_sender, &side[1]);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    KeFlushQueuedDpcs(); /* frames for other processors are indicated from their DPCs (or Poll objects') */
    UCHAR got[2048];
    for (int i = 0; i < 2; i++) {
        while (edge_loopback_recv(side[i].edge, got, sizeof got) == 60)
            side[i].received++;
        assert_int_equal(side[i].received, FRAMES);
        struct ndis_hw_assist_info info;
        ndis_adapter_hw_assist(side[i].adapter, &info);
        assert_int_equal(info.rss_processors, 4);
        assert_int_equal(info.hashed_frames, FRAMES);
        assert_int_equal(info.steered_frames, FRAMES);
        if (poll_mode) { /* one Poll object per processor, rounds at both IRQLs, and most frames through them */
            assert_int_equal(info.polls_registered, 4);
            assert_true(info.poll_passive > 0 && info.poll_passive < info.poll_iterations);
            assert_true(info.poll_indicated > FRAMES / 2 && info.poll_indicated <= FRAMES);
        } else {
            assert_int_equal(info.polls_registered, 0);
        }
        edge_hw_assist_stop(side[i].adapter, &hw[i]);
    }
    close_sides(side, image);
}

static void test_rss_receives_on_every_processor(void **state)
{
    (void)state;
    rss_receives_on_every_processor(SAMPLE_DRIVER, false);
}

/* The same through the sample's NDIS 6.85 build, whose per-processor queues are drained by
 * Poll objects (poll mode) in place of DPCs: the same frames, on the same processors. */
static void test_rss_receives_through_poll_objects(void **state)
{
    (void)state;
    rss_receives_on_every_processor(SAMPLE685_DRIVER, true);
}

/* The same with NBL recycling on, as `openndis run` has it: the driver frees and allocates
 * receive NBLs on several threads at once (a no-op in ASan builds, which never recycle). */
static void test_two_senders_recycling(void **state)
{
    ndis_nbl_set_recycling(true);
    test_two_senders_and_a_poller(state);
    ndis_nbl_set_recycling(false);
}

/* A sender keeps sending while the host pauses and restarts the adapter: the data path reads
 * the state without the adapter's mutex, and a pause must still wait for every send call in
 * progress and never see a send outstanding. Each frame is completed exactly once, either
 * sent or failed as paused. */
struct churn {
    struct side *side;
    volatile int stop;
};

static void *churn_sender(void *arg)
{
    struct churn *c = arg;
    UCHAR frame[60] = { 0 }, got[2048];
    memcpy(frame, c->side->peer, 6);
    memcpy(frame + 6, c->side->mac, 6);
    const void *frames[4] = { frame, frame, frame, frame };
    size_t len[4] = { 60, 60, 60, 60 };
    while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
        edge_loopback_send(c->side->edge, frames, len, 4);
        while (edge_loopback_recv(c->side->edge, got, sizeof got) >= 0)
            ;
    }
    return NULL;
}

static void test_pause_restart_while_sending(void **state)
{
    (void)state;
    struct side side[2];
    struct ld_image *image = open_sides(side, 256);

    struct churn c = { .side = &side[0] };
    pthread_t t;
    pthread_create(&t, NULL, churn_sender, &c);
    /* Each state is held until the sender has met it (bounded), so that on a loaded machine,
     * where the two threads may share one core, sends meet both a running and a paused
     * adapter; and the transitions keep coming while sends are in flight. */
    struct edge_loopback_stats now = { 0 };
    for (int round = 0; round < 200 || ((now.send_completed < 1000 || now.send_failed == 0) && round < 20000);
         round++) {
        uint64_t failed = now.send_failed, completed = now.send_completed;
        assert_int_equal(ndis_adapter_pause(side[0].adapter), NDIS_STATUS_SUCCESS);
        for (int spin = 0; spin < 100 && now.send_failed == failed; spin++) {
            sched_yield();
            edge_loopback_stats(side[0].edge, &now);
        }
        assert_int_equal(ndis_adapter_restart(side[0].adapter), NDIS_STATUS_SUCCESS);
        for (int spin = 0; spin < 100 && now.send_completed == completed; spin++) {
            sched_yield();
            edge_loopback_stats(side[0].edge, &now);
        }
    }
    __atomic_store_n(&c.stop, 1, __ATOMIC_RELAXED);
    pthread_join(t, NULL);

    struct edge_loopback_stats stats;
    edge_loopback_stats(side[0].edge, &stats);
    assert_true(stats.send_completed >= 1000);
    assert_true(stats.send_failed > 0); /* some sends met a paused adapter */
    assert_int_equal(stats.sent, stats.send_completed + stats.send_failed);
    /* Every failure was NDIS's own (the adapter was not running when the call came); had a
     * send reached the sample after its MiniportPause, the sample would have failed it. */
    assert_int_equal(stats.send_failed, atomic_load(&side[0].adapter->counters.send_failed));
    for (int i = 0; i < 2; i++) {
        assert_int_equal(ndis_adapter_halt(side[i].adapter, NdisHaltDeviceDisabled), NDIS_STATUS_SUCCESS);
        edge_loopback_close(side[i].edge);
    }
    assert_true(ld_unload(image));
    ld_free(image);
    assert_int_equal(vf_violation_count(), 0); /* no pause completed with a send outstanding */
}

/* Adapters come and go while another sends: every send walks the driver's adapters (to give
 * back what the sample indicated on them), so a third adapter initialized and halted over and
 * over on this thread must never be inserted or freed under that walk (ThreadSanitizer reports
 * the race, AddressSanitizer the freed adapter, when the list is not guarded). */
static void test_adapters_come_and_go_while_sending(void **state)
{
    (void)state;
    struct side side[2];
    struct ld_image *image = open_sides(side, 256);

    struct churn c = { .side = &side[0] };
    pthread_t t;
    pthread_create(&t, NULL, churn_sender, &c);
    struct edge_loopback_stats before, after;
    edge_loopback_stats(side[0].edge, &before);
    for (int round = 0; round < 300; round++) {
        NDIS_STATUS st;
        struct ndis_adapter *third = ndis_adapter_initialize(&image->object, &st);
        assert_non_null(third);
        assert_int_equal(ndis_adapter_restart(third), NDIS_STATUS_SUCCESS);
        sched_yield();
        assert_int_equal(ndis_adapter_halt(third, NdisHaltDeviceDisabled), NDIS_STATUS_SUCCESS);
    }
    /* The sender really ran during the churn (on a loaded machine, give it time to). */
    do {
        sched_yield();
        edge_loopback_stats(side[0].edge, &after);
    } while (after.send_completed < before.send_completed + 1000);
    __atomic_store_n(&c.stop, 1, __ATOMIC_RELAXED);
    pthread_join(t, NULL);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(ndis_adapter_halt(side[i].adapter, NdisHaltDeviceDisabled), NDIS_STATUS_SUCCESS);
        edge_loopback_close(side[i].edge);
    }
    assert_true(ld_unload(image));
    ld_free(image);
    assert_int_equal(vf_violation_count(), 0);
}

int main(void)
{
    setenv("OPENNDIS_PROCESSORS", "4", 1); /* more processors than most CI machines: DPCs contend */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_senders_and_a_poller),
        cmocka_unit_test(test_rss_receives_on_every_processor),
        cmocka_unit_test(test_rss_receives_through_poll_objects),
        cmocka_unit_test(test_two_senders_recycling),
        cmocka_unit_test(test_pause_restart_while_sending),
        cmocka_unit_test(test_adapters_come_and_go_while_sending),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
