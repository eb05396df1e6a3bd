/* The emulated kernel: list helpers, counted strings, IRQL, Windows printf rules, and the
 * export table against the library's real dynamic symbols. */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <json-c/json.h>

#include <uchar.h>

#include <wdmsec.h>

#include "kernel/ke.h"
#include "kernel/ob.h"
#include "ndis/ndis.h"
#include "serialize.h"

static void test_lists(void **state)
{
    (void)state;
    LIST_ENTRY head, a, b, c;
    InitializeListHead(&head);
    assert_true(IsListEmpty(&head));
    InsertTailList(&head, &a);
    InsertTailList(&head, &b);
    InsertHeadList(&head, &c);
    assert_ptr_equal(head.Flink, &c);
    assert_ptr_equal(head.Blink, &b);
    assert_ptr_equal(RemoveHeadList(&head), &c);
    assert_ptr_equal(RemoveTailList(&head), &b);
    assert_true(RemoveEntryList(&a)); /* the list is empty afterwards */
    assert_true(IsListEmpty(&head));

    SINGLE_LIST_ENTRY s = { NULL }, x, y;
    PushEntryList(&s, &x);
    PushEntryList(&s, &y);
    assert_ptr_equal(PopEntryList(&s), &y);
    assert_ptr_equal(PopEntryList(&s), &x);
    assert_null(PopEntryList(&s));
}

static void test_append_tail_list(void **state)
{
    (void)state;
    LIST_ENTRY head, a, b, c;
    InitializeListHead(&head);
    InsertTailList(&head, &a);
    /* a headless ring b <-> c */
    b.Flink = &c; b.Blink = &c; c.Flink = &b; c.Blink = &b;
    AppendTailList(&head, &b);
    assert_ptr_equal(head.Flink, &a);
    assert_ptr_equal(a.Flink, &b);
    assert_ptr_equal(b.Flink, &c);
    assert_ptr_equal(c.Flink, &head);
    assert_ptr_equal(head.Blink, &c);
    assert_ptr_equal(c.Blink, &b);
    assert_ptr_equal(b.Blink, &a);
}

static void test_unicode_strings(void **state)
{
    (void)state;
    UNICODE_STRING u;
    static const WCHAR text[] = u"abc";
    RtlInitUnicodeString(&u, text);
    assert_int_equal(u.Length, 6);
    assert_int_equal(u.MaximumLength, 8);
    assert_ptr_equal(u.Buffer, text);
    RtlInitUnicodeString(&u, NULL);
    assert_int_equal(u.Length, 0);
    assert_int_equal(u.MaximumLength, 0);
    assert_null(u.Buffer);

    UNICODE_STRING k = RTL_CONSTANT_STRING(u"Key");
    assert_int_equal(k.Length, 6);
    assert_int_equal(k.MaximumLength, 8);
}

static void test_irql(void **state)
{
    (void)state;
    vf_reset();
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_int_equal(old, PASSIVE_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    assert_false(ke_irql_at_most(PASSIVE_LEVEL, "TestFunction", NULL));
    assert_true(ke_irql_at_most(DISPATCH_LEVEL, "TestFunction", NULL));
    KeLowerIrql(old);
    assert_int_equal(KeRaiseIrqlToDpcLevel(), PASSIVE_LEVEL);
    KeLowerIrql(PASSIVE_LEVEL);
    assert_int_equal(vf_violation_count_of(VF_IRQL_TOO_HIGH), 1);
    assert_int_equal(vf_violation_count(), 1);
    vf_reset();
}

static size_t fmt(char *out, size_t cap, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    size_t n = ke_vformat(out, cap, f, ap);
    va_end(ap);
    return n;
}

/* Windows' printf: `l` is 32 bits, I64 is 64, %ws and %wZ are UTF-16, %Z counted ANSI. */
static void test_windows_format(void **state)
{
    (void)state;
    char out[256];
    UNICODE_STRING u = RTL_CONSTANT_STRING(u"N\u00e9t");
    ANSI_STRING a = { 3, 4, "abcdef" };

    fmt(out, sizeof out, "%lu %ld %lx", (ULONG)4000000000u, (LONG)-5, (ULONG)0xbeef);
    assert_string_equal(out, "4000000000 -5 beef");
    fmt(out, sizeof out, "%I64u %I64x %llu", (ULONG64)1 << 40, (ULONG64)0xabcdef0123ull, 7ull);
    assert_string_equal(out, "1099511627776 abcdef0123 7");
    fmt(out, sizeof out, "[%ws] [%wZ] [%Z] [%S]", u"wide", &u, &a, u"big");
    assert_string_equal(out, "[wide] [N\xc3\xa9t] [abc] [big]");
    fmt(out, sizeof out, "%08x|%-4d|%5s|%c|%%|%hu", 0x1234u, 7, "ab", 'z', 70000);
    assert_string_equal(out, "00001234|7   |   ab|z|%|4464");
    fmt(out, sizeof out, "%s %wZ", (char *)NULL, (UNICODE_STRING *)NULL);
    assert_string_equal(out, "(null) (null)");
    /* Truncation keeps the terminator and reports the full length. */
    assert_int_equal(fmt(out, 4, "%s", "abcdef"), 6);
    assert_string_equal(out, "abc");
    assert_int_equal(fmt(out, 4, "%ws", u"abcdef"), 6);
    assert_string_equal(out, "abc");
    /* a surrogate pair becomes one 4-byte character; a lone surrogate U+FFFD */
    fmt(out, sizeof out, "%ws|%ws", u"a\U0001F600b", (const WCHAR[]){ 'x', 0xd800, 'y', 0 });
    assert_string_equal(out, "a\xf0\x9f\x98\x80" "b|x\xef\xbf\xbd" "y");
}

/* Every name in src/ndis/exports.def is a real dynamic symbol of libopenndis. */
static void test_exports_resolve(void **state)
{
    (void)state;
    void *self = dlopen("libopenndis.so.0", RTLD_NOW | RTLD_NOLOAD);
    assert_non_null(self);
    struct json_object *list = exports_json();
    assert_true(json_object_array_length(list) > 10);
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *name;
        json_object_object_get_ex(json_object_array_get_idx(list, i), "name", &name);
        if (dlsym(self, json_object_get_string(name)) == NULL)
            fail_msg("%s is in exports.def but not exported", json_object_get_string(name));
    }
    json_object_put(list);
    dlclose(self);
}

/* Internal helpers stay hidden: only the driver interface is exported (tests/loader checks it whole). */
static void test_internals_hidden(void **state)
{
    (void)state;
    void *self = dlopen("libopenndis.so.0", RTLD_NOW | RTLD_NOLOAD);
    assert_non_null(self);
    assert_null(dlsym(self, "ke_pool_alloc"));
    assert_null(dlsym(self, "vf_fault_inject"));
    dlclose(self);
}

/* An IRP a driver completes: status copied to the requester, event set, once only. */
static void test_irp_completion(void **state)
{
    (void)state;
    IRP irp;
    IO_STACK_LOCATION stack;
    IO_STATUS_BLOCK iosb = { 0 };
    KEVENT done;
    memset(&irp, 0, sizeof irp);
    memset(&stack, 0, sizeof stack);
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    stack.MajorFunction = IRP_MJ_DEVICE_CONTROL;
    stack.Parameters.DeviceIoControl.IoControlCode = CTL_CODE(FILE_DEVICE_NETWORK, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
    irp.Tail.Overlay.CurrentStackLocation = &stack;
    irp.UserIosb = &iosb;
    irp.UserEvent = &done;
    assert_int_equal(IoGetCurrentIrpStackLocation(&irp)->Parameters.DeviceIoControl.IoControlCode, 0x00122000);
    vf_reset();
    irp.IoStatus.Status = STATUS_SUCCESS;
    irp.IoStatus.Information = 42;
    IoCompleteRequest(&irp, IO_NO_INCREMENT);
    assert_int_equal(iosb.Information, 42);
    assert_int_equal(KeReadStateEvent(&done), 1);
    assert_int_equal(vf_violation_count(), 0);
    IoCompleteRequest(&irp, IO_NO_INCREMENT);
    assert_int_equal(vf_violation_count_of(VF_IRP_COMPLETED_TWICE), 1);
    vf_reset();

    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Registry\\Machine");
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    assert_int_equal(oa.Length, sizeof oa);
    assert_ptr_equal(oa.ObjectName, &name);
    assert_int_equal(ZwClose((HANDLE)0x1234), STATUS_INVALID_HANDLE);
}

/* wdmsec.h: the predefined SDDL strings; device objects and symbolic links (kernel/device.c). */
static void test_wdmsec(void **state)
{
    (void)state;
    static const char16_t want[] = u"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)";
    const UNICODE_STRING *s = &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX;
    assert_int_equal(s->Length, sizeof want - sizeof(WCHAR));
    assert_int_equal(s->MaximumLength, sizeof want);
    assert_memory_equal(s->Buffer, want, sizeof want);
    assert_int_equal(SDDL_DEVOBJ_KERNEL_ONLY.Length, 3 * sizeof(WCHAR));
    assert_int_equal(SDDL_DEVOBJ_SYS_ALL_ADM_ALL.Length, 27 * sizeof(WCHAR));
}

static void test_devices(void **state)
{
    (void)state;
    static DRIVER_OBJECT driver;
    PDEVICE_OBJECT a = (PDEVICE_OBJECT)0x1, b, c;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\OpenNdisTestA");
    UNICODE_STRING same = RTL_CONSTANT_STRING(u"\\DEVICE\\openndistesta");
    UNICODE_STRING other = RTL_CONSTANT_STRING(u"\\Device\\OpenNdisTestB");
    UNICODE_STRING bad_sddl = RTL_CONSTANT_STRING(u"D:P(X;;;)");
    /* no driver object, no SDDL for the secure form, an SDDL that does not parse */
    assert_int_equal(IoCreateDeviceSecure(NULL, 0, &name, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN, FALSE,
                                          &SDDL_DEVOBJ_SYS_ALL, NULL, &a),
                     STATUS_INVALID_PARAMETER);
    assert_null(a);
    assert_int_equal(IoCreateDeviceSecure(&driver, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, NULL, NULL, &a),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(IoCreateDeviceSecure(&driver, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &bad_sddl, NULL, &a),
                     STATUS_INVALID_PARAMETER);
    /* a device with its extension, linked into the driver's list; names collide case-insensitively */
    assert_int_equal(IoCreateDeviceSecure(&driver, 40, &name, FILE_DEVICE_NETWORK, FILE_DEVICE_SECURE_OPEN, TRUE,
                                          &SDDL_DEVOBJ_SYS_ALL_ADM_ALL, NULL, &a),
                     STATUS_SUCCESS);
    assert_int_equal(a->Type, IO_TYPE_DEVICE);
    assert_ptr_equal(a->DriverObject, &driver);
    assert_ptr_equal(driver.DeviceObject, a);
    assert_non_null(a->DeviceExtension);
    assert_int_equal((uintptr_t)a->DeviceExtension % 16, 0);
    assert_int_equal(((UCHAR *)a->DeviceExtension)[39], 0);
    assert_true(a->Flags & DO_DEVICE_INITIALIZING);
    assert_true(a->Flags & DO_EXCLUSIVE);
    assert_int_equal(IoCreateDevice(&driver, 0, &same, FILE_DEVICE_UNKNOWN, 0, FALSE, &b), STATUS_OBJECT_NAME_COLLISION);
    assert_int_equal(IoCreateDevice(&driver, 0, &other, FILE_DEVICE_UNKNOWN, 0, FALSE, &b), STATUS_SUCCESS);
    assert_int_equal(IoCreateDevice(&driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &c), STATUS_SUCCESS);
    assert_ptr_equal(driver.DeviceObject, c);
    assert_ptr_equal(c->NextDevice, b);
    assert_ptr_equal(b->NextDevice, a);
    /* links: the DOS spellings are one namespace, and lead to the device */
    UNICODE_STRING link = RTL_CONSTANT_STRING(u"\\DosDevices\\OpenNdisTest");
    UNICODE_STRING link2 = RTL_CONSTANT_STRING(u"\\??\\OPENNDISTEST");
    UNICODE_STRING link3 = RTL_CONSTANT_STRING(u"\\GLOBAL??\\OpenNdisTest");
    assert_int_equal(IoCreateSymbolicLink(&link, &name), STATUS_SUCCESS);
    assert_int_equal(IoCreateSymbolicLink(&link2, &other), STATUS_OBJECT_NAME_COLLISION);
    assert_ptr_equal(ke_device_lookup("\\??\\openndistest"), a);
    assert_ptr_equal(ke_device_lookup("\\Device\\OpenNdisTestB"), b);
    assert_null(ke_device_lookup("\\??\\Nothing"));
    /* \??\Global is the global namespace: tap-windows6 names its links \DosDevices\Global\X */
    UNICODE_STRING global = RTL_CONSTANT_STRING(u"\\DosDevices\\Global\\OpenNdisTestG");
    assert_int_equal(IoCreateSymbolicLink(&global, &other), STATUS_SUCCESS);
    assert_ptr_equal(ke_device_lookup("\\??\\OpenNdisTestG"), b);
    assert_ptr_equal(ke_device_lookup("\\GLOBAL??\\openndistestg"), b);
    assert_int_equal(IoDeleteSymbolicLink(&global), STATUS_SUCCESS);
    assert_int_equal(IoDeleteSymbolicLink(&link3), STATUS_SUCCESS);
    assert_int_equal(IoDeleteSymbolicLink(&link), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_null(ke_device_lookup("\\??\\OpenNdisTest"));
    /* deletion unlinks; deleting twice is a finding, not a crash */
    size_t before = vf_violation_count();
    IoDeleteDevice(b);
    assert_ptr_equal(c->NextDevice, a);
    IoDeleteDevice(c);
    IoDeleteDevice(a);
    assert_null(driver.DeviceObject);
    assert_int_equal(vf_violation_count(), before);
    IoDeleteDevice(a);
    assert_int_equal(vf_violation_count(), before + 1);
    assert_null(ke_device_lookup("\\Device\\OpenNdisTestA"));
}

static void test_rule_catalogue(void **state)
{
    (void)state;
    for (int i = 0; i < VF_RULE_COUNT; i++) {
        const struct vf_rule *r = vf_rule((enum vf_rule_id)i);
        assert_non_null(r->id);
        assert_ptr_equal(vf_rule_by_id(r->id), r);
        assert_ptr_equal(vf_rule_by_id(r->name), r);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(vf_rule((enum vf_rule_id)j)->id, r->id);
    }
    assert_null(vf_rule_by_id("ND9999"));
}

/* The processor model answers consistently (one group; index <-> number round-trips; a
 * processor that does not exist is refused), ExAllocatePool2 zeroes and insists on exactly
 * one pool type, and the bit scans find the ends of a set. */
static void test_processors_pool2_bits(void **state)
{
    (void)state;
    vf_reset();
    ULONG n = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
    assert_true(n >= 1);
    assert_int_equal(KeQueryActiveProcessorCountEx(0), n);
    assert_int_equal(KeQueryActiveProcessorCountEx(1), 0);
    KAFFINITY mask = 0;
    assert_int_equal(KeQueryActiveProcessorCount(&mask), n);
    assert_int_equal(RtlNumberOfSetBitsUlongPtr(mask), (CCHAR)n);
    PROCESSOR_NUMBER pn;
    ULONG index = KeGetCurrentProcessorNumberEx(&pn);
    assert_true(index < n);
    assert_int_equal(KeGetProcessorIndexFromNumber(&pn), index);
    assert_int_equal(KeGetProcessorNumberFromIndex(n, &pn), STATUS_INVALID_PARAMETER);
    PROCESSOR_NUMBER nowhere = { 0, (UCHAR)n, 0 };
    assert_int_equal(KeGetProcessorIndexFromNumber(&nowhere), INVALID_PROCESSOR_INDEX);
    KDPC dpc;
    KeInitializeDpc(&dpc, NULL, NULL);
    assert_int_equal(KeSetTargetProcessorDpcEx(&dpc, &nowhere), STATUS_INVALID_PARAMETER);
    assert_int_equal(KeSetTargetProcessorDpcEx(&dpc, &pn), STATUS_SUCCESS);

    PUCHAR p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, 0x54736554u);
    assert_non_null(p);
    for (int i = 0; i < 64; i++)
        assert_int_equal(p[i], 0);
    ExFreePoolWithTag(p, 0x54736554u);
    assert_int_equal(vf_violation_count(), 0);
    assert_null(ExAllocatePool2(POOL_FLAG_UNINITIALIZED, 64, 0x54736554u));
    assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, 64, 0x54736554u));
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 2);
    vf_reset();

    assert_int_equal(RtlFindLeastSignificantBit(0), -1);
    assert_int_equal(RtlFindMostSignificantBit(0), -1);
    assert_int_equal(RtlFindLeastSignificantBit(0x8000000000000100ULL), 8);
    assert_int_equal(RtlFindMostSignificantBit(0x8000000000000100ULL), 63);
    assert_int_equal(RtlNumberOfSetBitsInRange(0xF0F0, 4, 8), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_append_tail_list),
        cmocka_unit_test(test_unicode_strings),
        cmocka_unit_test(test_irql),
        cmocka_unit_test(test_windows_format),
        cmocka_unit_test(test_exports_resolve),
        cmocka_unit_test(test_internals_hidden),
        cmocka_unit_test(test_irp_completion),
        cmocka_unit_test(test_wdmsec),
        cmocka_unit_test(test_devices),
        cmocka_unit_test(test_rule_catalogue),
        cmocka_unit_test(test_processors_pool2_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
