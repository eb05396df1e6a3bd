/* A NIC never reorders a flow: sequence-numbered frames sent on one adapter of the sample's
 * hub through the loopback edge, in chains of 1 to 32, arrive on the other in the order sent.
 * (The TAP edge's counterpart is tap_frames_order.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "edge/edge.h"

#define ORDER_FRAMES 20000u

static void test_loopback_keeps_order(void **state)
{
    (void)state;
    char err[512];
    NDIS_STATUS st;
    vf_reset();
    struct ld_image *image = ld_load(SAMPLE_DRIVER, err, sizeof err);
    assert_non_null(image);
    assert_int_equal(ld_driver_entry(image), NDIS_STATUS_SUCCESS);
    struct ndis_adapter *ad[2];
    struct edge_loopback *lb[2];
    UCHAR mac[2][6];
    for (int i = 0; i < 2; i++) {
        ad[i] = ndis_adapter_initialize(image, &st);
        assert_non_null(ad[i]);
        lb[i] = edge_loopback_open(ad[i], 4096);
        assert_int_equal(ndis_adapter_restart(ad[i]), NDIS_STATUS_SUCCESS);
        struct edge_bring_up up;
        edge_bring_up(ad[i], NDIS_PACKET_TYPE_DIRECTED, &up);
        assert_int_equal(up.mac_status, NDIS_STATUS_SUCCESS);
        memcpy(mac[i], up.mac, 6);
    }

    static UCHAR frames[32][64];
    const void *ptr[32];
    size_t len[32];
    UCHAR got[2048];
    uint64_t next_sent = 0, next_expected = 0, received = 0;
    for (unsigned chain = 1; next_sent < ORDER_FRAMES; chain = chain % 32 + 1) {
        for (unsigned k = 0; k < chain; k++, next_sent++) {
            memcpy(frames[k], mac[1], 6);
            memcpy(frames[k] + 6, mac[0], 6);
            frames[k][12] = 0x88;
            frames[k][13] = 0xB5;
            memcpy(frames[k] + 14, &next_sent, sizeof next_sent);
            ptr[k] = frames[k];
            len[k] = sizeof frames[k];
        }
        assert_int_equal(edge_loopback_send(lb[0], ptr, len, chain), chain);
        for (ssize_t n; (n = edge_loopback_recv(lb[1], got, sizeof got)) >= 0; received++) {
            uint64_t seq;
            assert_int_equal(n, 64);
            memcpy(&seq, got + 14, sizeof seq);
            if (seq != next_expected)
                fail_msg("frame %llu arrived where frame %llu was due", (unsigned long long)seq,
                         (unsigned long long)next_expected);
            next_expected++;
        }
    }
    assert_int_equal(received, next_sent); /* none lost either */

    for (int i = 0; i < 2; i++) {
        assert_int_equal(ndis_adapter_pause(ad[i]), NDIS_STATUS_SUCCESS);
        assert_int_equal(ndis_adapter_halt(ad[i], NdisHaltDeviceDisabled), NDIS_STATUS_SUCCESS);
        edge_loopback_close(lb[i]);
    }
    assert_true(ld_unload(image));
    ld_free(image);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_loopback_keeps_order) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
