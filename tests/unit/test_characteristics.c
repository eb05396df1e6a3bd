/* NdisMRegisterMiniportDriver's characteristics checks: each documented status, and the
 * order in which the checks run (docs/registration.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ndis/ndis.h"

static NDIS_STATUS dummy_status(void) { return NDIS_STATUS_SUCCESS; }

/* A complete, valid revision-1 NDIS 6.0 structure; handlers only need to be non-NULL. */
static void valid(NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c)
{
    memset(c, 0, sizeof *c);
    c->Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    c->Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    c->Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    c->MajorNdisVersion = 6;
    void *f = (void *)dummy_status;
    memcpy(&c->InitializeHandlerEx, &f, sizeof f);
    memcpy(&c->HaltHandlerEx, &f, sizeof f);
    memcpy(&c->UnloadHandler, &f, sizeof f);
    memcpy(&c->PauseHandler, &f, sizeof f);
    memcpy(&c->RestartHandler, &f, sizeof f);
    memcpy(&c->OidRequestHandler, &f, sizeof f);
    memcpy(&c->SendNetBufferListsHandler, &f, sizeof f);
    memcpy(&c->ReturnNetBufferListsHandler, &f, sizeof f);
    memcpy(&c->CancelSendHandler, &f, sizeof f);
    memcpy(&c->DevicePnPEventNotifyHandler, &f, sizeof f);
    memcpy(&c->ShutdownHandlerEx, &f, sizeof f);
    memcpy(&c->CancelOidRequestHandler, &f, sizeof f);
}

static NDIS_STATUS check(const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c, char *why)
{
    return ndis_check_characteristics(c, why, 320);
}

static void test_valid_revisions(void **state)
{
    (void)state;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
    char why[320];
    valid(&c);
    assert_int_equal(check(&c, why), NDIS_STATUS_SUCCESS);
    c.Header.Revision = 2;
    c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    c.MinorNdisVersion = 1;
    assert_int_equal(check(&c, why), NDIS_STATUS_SUCCESS);
    c.Header.Revision = 3;
    c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3;
    c.MinorNdisVersion = 80;
    assert_int_equal(check(&c, why), NDIS_STATUS_SUCCESS);
    /* An older revision is accepted for a newer NDIS version, and a larger Size too. */
    c.Header.Revision = 1;
    assert_int_equal(check(&c, why), NDIS_STATUS_SUCCESS);
}

static void test_each_status(void **state)
{
    (void)state;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
    char why[320];

    valid(&c); c.Header.Type = 0x80;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_non_null(strstr(why, "Header.Type"));
    valid(&c); c.Header.Revision = 0;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    valid(&c); c.Header.Revision = 4;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    valid(&c); c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 - 1;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_non_null(strstr(why, "Header.Size"));
    valid(&c); c.Header.Revision = 2; /* Size still revision 1's */
    c.MinorNdisVersion = 20;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    valid(&c); c.MajorNdisVersion = 5;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_VERSION);
    valid(&c); c.MajorNdisVersion = 7;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_VERSION);
    valid(&c); c.MinorNdisVersion = 2;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_VERSION);
    valid(&c); c.MinorNdisVersion = 90;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_VERSION);
    valid(&c); c.Header.Revision = 3;
    c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3;
    c.MinorNdisVersion = 30;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_non_null(strstr(why, "6.80"));
    valid(&c); c.UnloadHandler = NULL;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_non_null(strstr(why, "MiniportDriverUnload"));
    valid(&c); memcpy(&c.CheckForHangHandlerEx, &c.PauseHandler, sizeof(void *));
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_non_null(strstr(why, "ResetHandlerEx"));
    valid(&c); memcpy(&c.ResetHandlerEx, &c.PauseHandler, sizeof(void *)); /* reset alone is fine */
    assert_int_equal(check(&c, why), NDIS_STATUS_SUCCESS);
    valid(&c); c.Header.Revision = 2; c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    c.MinorNdisVersion = 20;
    memcpy(&c.CancelDirectOidRequestHandler, &c.PauseHandler, sizeof(void *));
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    valid(&c); c.Flags = NDIS_DRIVER_FLAGS_RESERVED;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    valid(&c); c.Flags = NDIS_INTERMEDIATE_DRIVER | NDIS_WDM_DRIVER;
    assert_int_equal(check(&c, why), NDIS_STATUS_SUCCESS);
}

/* Every required handler, one at a time. */
static void test_each_required_handler(void **state)
{
    (void)state;
    static const size_t required[] = {
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, InitializeHandlerEx),
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, HaltHandlerEx),
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, UnloadHandler),
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, PauseHandler),
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, RestartHandler),
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, OidRequestHandler),
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, SendNetBufferListsHandler),
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, ReturnNetBufferListsHandler),
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelSendHandler),
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, DevicePnPEventNotifyHandler),
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, ShutdownHandlerEx),
        offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelOidRequestHandler),
    };
    char why[320];
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
        valid(&c);
        memset((char *)&c + required[i], 0, sizeof(void *));
        assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
        assert_non_null(strstr(why, "is NULL"));
    }
}

/* With several faults, the documented order decides which one is reported. */
static void test_order(void **state)
{
    (void)state;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
    char why[320];

    valid(&c);
    c.MajorNdisVersion = 5;   /* BAD_VERSION ... */
    c.Header.Size = 8;        /* ... but the size check comes first */
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_non_null(strstr(why, "Header.Size"));

    valid(&c);
    c.UnloadHandler = NULL;   /* BAD_CHARACTERISTICS ... */
    c.MinorNdisVersion = 3;   /* ... but the version check comes first */
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_VERSION);

    valid(&c);
    c.Header.Type = 0;        /* the type is checked before everything else */
    c.Header.Revision = 9;
    assert_non_null(memset(why, 0, 320));
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_CHARACTERISTICS);
    assert_non_null(strstr(why, "Header.Type"));
}

/* The emulated version bounds what a driver may claim. */
static void test_emulated_version(void **state)
{
    (void)state;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
    char why[320];
    unsigned major, minor;

    assert_true(ndis_set_version(6, 20));
    ndis_get_version(&major, &minor);
    assert_int_equal(major, 6);
    assert_int_equal(minor, 20);
    assert_int_equal(NdisGetVersion(), 0x00060014);
    valid(&c);
    c.MinorNdisVersion = 30;
    assert_int_equal(check(&c, why), NDIS_STATUS_BAD_VERSION);
    assert_non_null(strstr(why, "emulates NDIS 6.20"));
    c.MinorNdisVersion = 20;
    assert_int_equal(check(&c, why), NDIS_STATUS_SUCCESS);
    assert_false(ndis_set_version(5, 1));
    assert_false(ndis_set_version(6, 25));
    assert_true(ndis_set_version(6, 89));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_revisions),
        cmocka_unit_test(test_each_status),
        cmocka_unit_test(test_each_required_handler),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_emulated_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
