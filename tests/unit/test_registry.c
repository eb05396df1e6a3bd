/* Registry keys behind handles (src/ndis/registry.c) over the parameter file's store: the
 * driver's service key and each adapter's class key open, their values read, enumerate, set
 * and delete with the statuses the DDI documents, and NdisReadConfiguration's view agrees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "kernel/ob.h"
#include "loader/ld.h"
#include "ndis/ndis.h"

static struct ld_image *image;

static void widen(UNICODE_STRING *u, WCHAR *buf, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i <= n; i++)
        buf[i] = (unsigned char)s[i];
    u->Buffer = buf;
    u->Length = (USHORT)(n * sizeof(WCHAR));
    u->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
}

static NTSTATUS open_key(const char *path, HANDLE root, ACCESS_MASK access, HANDLE *h)
{
    WCHAR buf[256];
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;
    widen(&name, buf, path);
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, root, NULL);
    return ZwOpenKey(h, access, &oa);
}

static NTSTATUS query(HANDLE h, const char *value, KEY_VALUE_INFORMATION_CLASS cls, void *out, ULONG len, ULONG *res)
{
    WCHAR buf[128];
    UNICODE_STRING name;
    widen(&name, buf, value);
    return ZwQueryValueKey(h, &name, cls, out, len, res);
}

static NTSTATUS set(HANDLE h, const char *value, ULONG type, const void *data, ULONG size)
{
    WCHAR buf[128];
    UNICODE_STRING name;
    widen(&name, buf, value);
    return ZwSetValueKey(h, &name, 0, type, (PVOID)data, size);
}

static int setup(void **state)
{
    (void)state;
    char path[] = "/tmp/openndis-registry-XXXXXX", err[512];
    int fd = mkstemp(path);
    static const char ini[] = "[driver]\nTraceLevel = 3\nName = tap0901\n[adapter]\nMTU = 1500\nSpeed = 10\n"
                              "[adapter.1]\nMTU = 9000\n";
    if (fd < 0 || write(fd, ini, sizeof ini - 1) != (ssize_t)(sizeof ini - 1))
        return -1;
    close(fd);
    bool ok = ndis_config_load(path, err, sizeof err);
    unlink(path);
    if (!ok)
        return -1;
    /* the service key exists only for a loaded driver: the sample's is "sample" */
    image = ld_load(SAMPLE_DRIVER, err, sizeof err);
    return image != NULL && NT_SUCCESS(ld_driver_entry(image)) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ld_unload(image);
    ld_free(image);
    ndis_config_clear();
    return 0;
}

static void test_open(void **state)
{
    (void)state;
    HANDLE h, p, q;
    assert_int_equal(open_key("\\Registry\\Machine\\System\\CurrentControlSet\\Services\\sample", NULL, KEY_READ, &h),
                     STATUS_SUCCESS);
    assert_int_equal(open_key("Parameters", h, KEY_READ, &p), STATUS_SUCCESS);
    assert_int_equal(open_key("Linkage", h, KEY_READ, &q), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_null(q);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    /* another service, a path outside both trees, a name that is not ASCII, no attributes */
    assert_int_equal(open_key("\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip", NULL, KEY_READ, &h),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(open_key("\\Registry\\Machine\\Software", NULL, KEY_READ, &h), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ZwOpenKey(&h, KEY_READ, NULL), STATUS_INVALID_PARAMETER);
    assert_null(h);
    /* the parent handle must be a key */
    assert_int_equal(open_key("Parameters", (HANDLE)0x12345, KEY_READ, &h), STATUS_INVALID_HANDLE);
    assert_int_equal(ZwClose(p), STATUS_SUCCESS);
    /* ZwCreateKey opens what exists; creating other keys is refused loudly */
    WCHAR buf[128];
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;
    ULONG disposition = 0;
    widen(&name, buf, "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\sample\\Parameters");
    InitializeObjectAttributes(&oa, &name, OBJ_KERNEL_HANDLE, NULL, NULL);
    assert_int_equal(ZwCreateKey(&h, KEY_ALL_ACCESS, &oa, 0, NULL, REG_OPTION_NON_VOLATILE, &disposition),
                     STATUS_SUCCESS);
    assert_int_equal(disposition, REG_OPENED_EXISTING_KEY);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    widen(&name, buf, "\\Registry\\Machine\\Software\\Vendor");
    assert_int_equal(ZwCreateKey(&h, KEY_ALL_ACCESS, &oa, 0, NULL, REG_OPTION_NON_VOLATILE, &disposition),
                     STATUS_NOT_IMPLEMENTED);
}

static void test_query_statuses(void **state)
{
    (void)state;
    HANDLE h;
    assert_int_equal(open_key("\\Registry\\Machine\\System\\CurrentControlSet\\Services\\sample\\Parameters", NULL,
                              KEY_READ, &h),
                     STATUS_SUCCESS);
    union {
        KEY_VALUE_PARTIAL_INFORMATION partial;
        KEY_VALUE_FULL_INFORMATION full;
        KEY_VALUE_BASIC_INFORMATION basic;
        UCHAR bytes[256];
    } u;
    ULONG res = 0;
    /* "3" as REG_SZ: L"3\0" is 4 bytes after the 12-byte header */
    assert_int_equal(query(h, "tracelevel", KeyValuePartialInformation, &u, sizeof u, &res), STATUS_SUCCESS);
    assert_int_equal(res, 16);
    assert_int_equal(u.partial.Type, REG_SZ);
    assert_int_equal(u.partial.DataLength, 4);
    assert_int_equal(((WCHAR *)u.partial.Data)[0], '3');
    /* header only: BUFFER_OVERFLOW with the header; less: BUFFER_TOO_SMALL, nothing written */
    memset(&u, 0xee, sizeof u);
    assert_int_equal(query(h, "TraceLevel", KeyValuePartialInformation, &u, 12, &res), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(res, 16);
    assert_int_equal(u.partial.DataLength, 4);
    assert_int_equal(u.bytes[12], 0xee);
    memset(&u, 0xee, sizeof u);
    assert_int_equal(query(h, "TraceLevel", KeyValuePartialInformation, &u, 11, &res), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(res, 16);
    assert_int_equal(u.bytes[0], 0xee);
    /* full: name then data at DataOffset */
    assert_int_equal(query(h, "Name", KeyValueFullInformation, &u, sizeof u, &res), STATUS_SUCCESS);
    assert_int_equal(u.full.NameLength, 8);
    assert_int_equal(u.full.DataOffset, 20 + 8);
    assert_int_equal(u.full.DataLength, 16); /* L"tap0901\0" */
    assert_int_equal(((WCHAR *)(u.bytes + u.full.DataOffset))[3], '0');
    assert_int_equal(query(h, "Missing", KeyValuePartialInformation, &u, sizeof u, &res),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(query(h, "Name", (KEY_VALUE_INFORMATION_CLASS)77, &u, sizeof u, &res), STATUS_INVALID_PARAMETER);
    /* a read-only handle cannot set */
    ULONG v = 7;
    assert_int_equal(set(h, "TraceLevel", REG_DWORD, &v, sizeof v), STATUS_ACCESS_DENIED);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(query(h, "Name", KeyValuePartialInformation, &u, sizeof u, &res), STATUS_INVALID_HANDLE);
}

static void test_set_enumerate_delete(void **state)
{
    (void)state;
    HANDLE h;
    assert_int_equal(open_key("\\Registry\\Machine\\System\\CurrentControlSet\\Control\\Class\\"
                              "{4D36E972-E325-11CE-BFC1-08002BE10318}\\0001",
                              NULL, KEY_READ | KEY_WRITE, &h),
                     STATUS_SUCCESS);
    union {
        KEY_VALUE_PARTIAL_INFORMATION partial;
        KEY_VALUE_BASIC_INFORMATION basic;
        UCHAR bytes[256];
    } u;
    ULONG res, v = 1234;
    ULONGLONG q = 1ull << 40;
    static const UCHAR blob[] = { 0x02, 0x00, 0x4c, 0xff };
    static const WCHAR multi[] = { 'a', 0, 'b', 'c', 0, 0 };
    assert_int_equal(set(h, "Dword", REG_DWORD, &v, sizeof v), STATUS_SUCCESS);
    assert_int_equal(set(h, "Qword", REG_QWORD, &q, sizeof q), STATUS_SUCCESS);
    assert_int_equal(set(h, "Blob", REG_BINARY, blob, sizeof blob), STATUS_SUCCESS);
    assert_int_equal(set(h, "Multi", REG_MULTI_SZ, multi, sizeof multi), STATUS_SUCCESS);
    assert_int_equal(set(h, "Short", REG_DWORD, &v, 3), STATUS_INVALID_PARAMETER);
    assert_int_equal(set(h, "Odd", 99, &v, sizeof v), STATUS_INVALID_PARAMETER);
    assert_int_equal(query(h, "Dword", KeyValuePartialInformation, &u, sizeof u, &res), STATUS_SUCCESS);
    assert_int_equal(u.partial.Type, REG_DWORD);
    assert_int_equal(*(ULONG *)u.partial.Data, 1234);
    assert_int_equal(query(h, "Qword", KeyValuePartialInformation, &u, sizeof u, &res), STATUS_SUCCESS);
    ULONGLONG back; /* Data sits at offset 12: not 8-byte aligned */
    memcpy(&back, u.partial.Data, sizeof back);
    assert_true(back == q);
    assert_int_equal(query(h, "Blob", KeyValuePartialInformation, &u, sizeof u, &res), STATUS_SUCCESS);
    assert_memory_equal(u.partial.Data, blob, sizeof blob);
    assert_int_equal(query(h, "Multi", KeyValuePartialInformation, &u, sizeof u, &res), STATUS_SUCCESS);
    assert_int_equal(u.partial.DataLength, sizeof multi);
    assert_memory_equal(u.partial.Data, multi, sizeof multi);
    /* the adapter's [adapter.1] value wins over [adapter]; both are visible */
    assert_int_equal(query(h, "MTU", KeyValuePartialInformation, &u, sizeof u, &res), STATUS_SUCCESS);
    assert_int_equal(((WCHAR *)u.partial.Data)[0], '9');
    /* NdisReadConfiguration's store sees what the registry view wrote, with its type */
    char text[64];
    ULONG type;
    assert_true(ndis_config_lookup("adapter.1", "DWORD", text, sizeof text, &type));
    assert_string_equal(text, "1234");
    assert_int_equal(type, REG_DWORD);
    /* enumeration: sorted, own values and the [adapter] ones not overridden, then no more */
    const char *want[] = { "Blob", "Dword", "MTU", "Multi", "Qword", "Speed" };
    for (ULONG i = 0; i < 6; i++) {
        assert_int_equal(ZwEnumerateValueKey(h, i, KeyValueBasicInformation, &u, sizeof u, &res), STATUS_SUCCESS);
        assert_int_equal(u.basic.NameLength, strlen(want[i]) * sizeof(WCHAR));
        assert_int_equal(u.basic.Name[0], want[i][0]);
    }
    assert_int_equal(ZwEnumerateValueKey(h, 6, KeyValueBasicInformation, &u, sizeof u, &res), STATUS_NO_MORE_ENTRIES);
    WCHAR buf[16];
    UNICODE_STRING name;
    widen(&name, buf, "Blob");
    assert_int_equal(ZwDeleteValueKey(h, &name), STATUS_SUCCESS);
    assert_int_equal(ZwDeleteValueKey(h, &name), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(query(h, "Blob", KeyValuePartialInformation, &u, sizeof u, &res), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
}

/* A QueryRoutine that records what it was given. */
static int calls;
static char seen_names[8][32];
static ULONG seen_types[8];
static NTSTATUS record(PWSTR ValueName, ULONG ValueType, PVOID ValueData, ULONG ValueLength, PVOID Context,
                       PVOID EntryContext)
{
    (void)ValueData, (void)ValueLength, (void)EntryContext;
    assert_ptr_equal(Context, &calls);
    if (calls < 8) {
        size_t i = 0;
        for (; ValueName && ValueName[i] && i + 1 < sizeof seen_names[0]; i++)
            seen_names[calls][i] = (char)ValueName[i];
        seen_names[calls][i] = 0;
        seen_types[calls] = ValueType;
    }
    calls++;
    return STATUS_SUCCESS;
}

static void test_query_registry_values(void **state)
{
    (void)state;
    /* DIRECT with TYPECHECK: a DWORD set through ZwSetValueKey, a string the file gave */
    HANDLE h;
    assert_int_equal(open_key("\\Registry\\Machine\\System\\CurrentControlSet\\Services\\sample", NULL, KEY_ALL_ACCESS, &h),
                     STATUS_SUCCESS);
    ULONG seven = 7;
    assert_int_equal(set(h, "Counter", REG_DWORD, &seven, sizeof seven), STATUS_SUCCESS);
    ULONG counter = 0, fallback = 0;
    UNICODE_STRING name = { 0, 0, NULL };
    ULONG dflt = 42;
    RTL_QUERY_REGISTRY_TABLE t[5];
    memset(t, 0, sizeof t);
    t[0] = (RTL_QUERY_REGISTRY_TABLE){ NULL, RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK, u"Counter",
                                       &counter, (REG_DWORD << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG_NONE, NULL, 0 };
    t[1] = (RTL_QUERY_REGISTRY_TABLE){ NULL, RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_TYPECHECK, u"Name", &name,
                                       (REG_SZ << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG_NONE, NULL, 0 };
    t[2] = (RTL_QUERY_REGISTRY_TABLE){ NULL, RTL_QUERY_REGISTRY_DIRECT, u"Missing", &fallback, REG_DWORD, &dflt,
                                       sizeof dflt };
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, u"sample\\Parameters", t, NULL, NULL), STATUS_SUCCESS);
    assert_int_equal(counter, 7);
    assert_int_equal(fallback, 42); /* the default, since the value is not there */
    assert_non_null(name.Buffer);   /* allocated for the caller */
    assert_int_equal(name.Length, 7 * sizeof(WCHAR));
    assert_memory_equal(name.Buffer, u"tap0901", 8 * sizeof(WCHAR));
    ExFreePool(name.Buffer);
    /* the type the caller expects is checked; a too small caller buffer is refused */
    t[0].DefaultType = (REG_SZ << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG_NONE;
    memset(&t[1], 0, sizeof t[1]);
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, u"sample", t, NULL, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    WCHAR small[3];
    name = (UNICODE_STRING){ 0, sizeof small, small };
    t[0] = (RTL_QUERY_REGISTRY_TABLE){ NULL, RTL_QUERY_REGISTRY_DIRECT, u"Name", &name, REG_NONE, NULL, 0 };
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, u"sample", t, NULL, NULL), STATUS_BUFFER_TOO_SMALL);
    /* REQUIRED and missing; a key that is not there, optional or not */
    t[0] = (RTL_QUERY_REGISTRY_TABLE){ record, RTL_QUERY_REGISTRY_REQUIRED, u"Missing", NULL, REG_NONE, NULL, 0 };
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, u"sample", t, &calls, NULL),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, u"nothing", t, &calls, NULL),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES | RTL_REGISTRY_OPTIONAL, u"nothing", t, &calls, NULL),
                     STATUS_SUCCESS);
    /* no name: the routine sees every value of the key (through a handle) */
    calls = 0;
    t[0] = (RTL_QUERY_REGISTRY_TABLE){ record, 0, NULL, NULL, REG_NONE, NULL, 0 };
    t[0].QueryRoutine = record;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_HANDLE, (PCWSTR)h, t, &calls, NULL), STATUS_SUCCESS);
    assert_true(calls >= 3); /* TraceLevel, Name, Counter */
    bool saw_counter = false;
    for (int i = 0; i < calls && i < 8; i++)
        saw_counter |= strcmp(seen_names[i], "Counter") == 0 && seen_types[i] == REG_DWORD;
    assert_true(saw_counter);
    /* a REG_MULTI_SZ reaches the routine one string at a time, unless NOEXPAND */
    static const WCHAR list[] = u"one\0two\0";
    assert_int_equal(set(h, "List", REG_MULTI_SZ, list, sizeof list), STATUS_SUCCESS);
    calls = 0;
    t[0] = (RTL_QUERY_REGISTRY_TABLE){ record, 0, u"List", NULL, REG_NONE, NULL, 0 };
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, u"sample", t, &calls, NULL), STATUS_SUCCESS);
    assert_int_equal(calls, 2);
    assert_int_equal(seen_types[0], REG_SZ);
    calls = 0;
    t[0].Flags = RTL_QUERY_REGISTRY_NOEXPAND;
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, u"sample", t, &calls, NULL), STATUS_SUCCESS);
    assert_int_equal(calls, 1);
    assert_int_equal(seen_types[0], REG_MULTI_SZ);
    /* DELETE removes what was read */
    t[0] = (RTL_QUERY_REGISTRY_TABLE){ NULL, RTL_QUERY_REGISTRY_DIRECT | RTL_QUERY_REGISTRY_DELETE, u"Counter",
                                       &counter, REG_NONE, NULL, 0 };
    assert_int_equal(RtlQueryRegistryValues(RTL_REGISTRY_SERVICES, u"sample", t, NULL, NULL), STATUS_SUCCESS);
    ULONG res;
    UCHAR info[64];
    assert_int_equal(query(h, "Counter", KeyValuePartialInformation, info, sizeof info, &res), STATUS_OBJECT_NAME_NOT_FOUND);
    ZwDeleteValueKey(h, &(UNICODE_STRING){ 8, 10, (PWCH)u"List" });
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
}

/* IoOpenDeviceRegistryKey on an adapter's device object opens its class key. */
static void test_device_registry_key(void **state)
{
    (void)state;
    NDIS_STATUS st;
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    assert_non_null(a);
    PDEVICE_OBJECT pdo, fdo;
    NdisMGetDeviceProperty((NDIS_HANDLE)a, &pdo, &fdo, NULL, NULL, NULL);
    HANDLE h = NULL;
    assert_int_equal(IoOpenDeviceRegistryKey(pdo, PLUGPLAY_REGKEY_DRIVER, KEY_READ, &h), STATUS_SUCCESS);
    ULONG res;
    UCHAR info[64];
    assert_int_equal(query(h, "MTU", KeyValuePartialInformation, info, sizeof info, &res), STATUS_SUCCESS);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(IoOpenDeviceRegistryKey(fdo, PLUGPLAY_REGKEY_DEVICE, KEY_READ, &h), STATUS_SUCCESS);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(IoOpenDeviceRegistryKey(fdo, PLUGPLAY_REGKEY_DEVICE | PLUGPLAY_REGKEY_DRIVER, KEY_READ, &h),
                     STATUS_INVALID_PARAMETER);
    static DEVICE_OBJECT stranger;
    assert_int_equal(IoOpenDeviceRegistryKey(&stranger, PLUGPLAY_REGKEY_DRIVER, KEY_READ, &h),
                     STATUS_INVALID_DEVICE_REQUEST);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open),
        cmocka_unit_test(test_query_statuses),
        cmocka_unit_test(test_set_enumerate_delete),
        cmocka_unit_test(test_query_registry_values),
        cmocka_unit_test(test_device_registry_key),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
