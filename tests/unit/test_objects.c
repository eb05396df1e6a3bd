/* Processes, handles and objects, security from Linux credentials, and client memory
 * (src/kernel/ob.c, process.c, security.c, usermem.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <ntifs.h>

#include "kernel/ke.h"
#include "kernel/ob.h"

NTSTATUS SeSddlSecurityDescriptorFromSDDL(const PUNICODE_STRING SecurityDescriptorString,
                                          BOOLEAN SuppliedByDefaultMechanism, PSECURITY_DESCRIPTOR *SecurityDescriptor);

static void test_event_handles(void **state)
{
    (void)state;
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    HANDLE h;
    assert_int_equal(ZwCreateEvent(&h, EVENT_ALL_ACCESS, &oa, NotificationEvent, FALSE), STATUS_SUCCESS);
    assert_true(((ULONG_PTR)h & 0x80000000u) != 0); /* a kernel handle */
    PKEVENT e;
    assert_int_equal(ObReferenceObjectByHandle(h, SYNCHRONIZE, *ExEventObjectType, KernelMode, (PVOID *)&e, NULL),
                     STATUS_SUCCESS);
    PVOID t;
    assert_int_equal(ObReferenceObjectByHandle(h, 0, *PsThreadType, KernelMode, &t, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    /* user mode cannot name a kernel handle */
    assert_int_equal(ObReferenceObjectByHandle(h, 0, NULL, UserMode, &t, NULL), STATUS_INVALID_HANDLE);
    KeSetEvent(e, 0, FALSE);
    LARGE_INTEGER zero = { .QuadPart = 0 };
    assert_int_equal(KeWaitForSingleObject(e, Executive, KernelMode, FALSE, &zero), STATUS_SUCCESS);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(ZwClose(h), STATUS_INVALID_HANDLE);
    assert_true(ke_object_live(e, NULL)); /* our reference keeps it */
    ObDereferenceObject(e);
    assert_false(ke_object_live(e, NULL));
}

static void test_client_eventfd(void **state)
{
    (void)state;
    struct ke_process *p = ke_process_create(4242, 1000, 1000, "client");
    assert_non_null(p);
    int fd = eventfd(0, EFD_CLOEXEC);
    int client = dup(fd);
    HANDLE h;
    assert_int_equal(ke_process_insert_eventfd(p, fd, true, &h), STATUS_SUCCESS);
    /* the handle is the client's: not valid in System's table */
    PKEVENT e;
    assert_int_equal(ObReferenceObjectByHandle(h, EVENT_MODIFY_STATE, *ExEventObjectType, UserMode, (PVOID *)&e, NULL),
                     STATUS_INVALID_HANDLE);
    struct ke_process *prev = ke_process_enter(p);
    assert_int_equal((pid_t)(ULONG_PTR)PsGetCurrentProcessId(), 4242);
    assert_int_equal(ObReferenceObjectByHandle(h, EVENT_MODIFY_STATE, *ExEventObjectType, UserMode, (PVOID *)&e, NULL),
                     STATUS_SUCCESS);
    ke_process_leave(prev);
    LARGE_INTEGER zero = { .QuadPart = 0 }, ms50 = { .QuadPart = -500000 };
    assert_int_equal(KeWaitForSingleObject(e, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);
    uint64_t one = 1, got = 0;
    assert_int_equal(write(client, &one, sizeof one), 8); /* the client sets it */
    assert_int_equal(KeWaitForSingleObject(e, Executive, KernelMode, FALSE, &ms50), STATUS_SUCCESS);
    assert_int_equal(KeWaitForSingleObject(e, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT); /* auto-reset */
    KeSetEvent(e, 0, FALSE); /* the driver sets it: the client reads it */
    assert_int_equal(read(client, &got, sizeof got), 8);
    assert_int_equal(got, 1);
    ke_process_destroy(p); /* closes the handle; our reference keeps the event */
    ObDereferenceObject(e);
    close(client);
}

static int thread_ran;
static VOID thread_main(PVOID ctx)
{
    thread_ran = (int)(ULONG_PTR)ctx;
    PsTerminateSystemThread(STATUS_SUCCESS);
    thread_ran = -1; /* never reached */
}

static void test_system_thread(void **state)
{
    (void)state;
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    HANDLE h;
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, &oa, NULL, NULL, thread_main, (PVOID)7),
                     STATUS_SUCCESS);
    PVOID t;
    assert_int_equal(ObReferenceObjectByHandle(h, SYNCHRONIZE, NULL, KernelMode, &t, NULL), STATUS_SUCCESS);
    assert_int_equal(KeWaitForSingleObject(t, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    assert_int_equal(thread_ran, 7);
    ObDereferenceObject(t);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
}

static const WCHAR *w(const char *s)
{
    static WCHAR buf[256];
    size_t i = 0;
    for (; s[i]; i++)
        buf[i] = (WCHAR)s[i];
    buf[i] = 0;
    return buf;
}

static void test_sddl_access(void **state)
{
    (void)state;
    struct ke_process *root = ke_process_create(5001, 0, 0, "root"), *user = ke_process_create(5002, 1000, 1000, "u");
    PGENERIC_MAPPING m = IoGetFileObjectGenericMapping();
    ACCESS_MASK g;
    const char *wintun = "O:SYD:P(A;;FA;;;SY)(A;;FA;;;BA)";
    assert_int_equal(ke_access_check_sddl(w(wintun), root, FILE_WRITE_DATA, m, &g), STATUS_SUCCESS);
    assert_int_equal(ke_access_check_sddl(w(wintun), user, FILE_WRITE_DATA, m, &g), STATUS_ACCESS_DENIED);
    const char *world_r = "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)";
    assert_int_equal(ke_access_check_sddl(w(world_r), user, FILE_READ_DATA, m, &g), STATUS_SUCCESS);
    assert_int_equal(ke_access_check_sddl(w(world_r), user, FILE_WRITE_DATA, m, &g), STATUS_ACCESS_DENIED);
    assert_int_equal(ke_access_check_sddl(w("D:P(D;;GA;;;WD)(A;;GA;;;BA)"), root, FILE_READ_DATA, m, &g),
                     STATUS_ACCESS_DENIED); /* deny first */
    assert_int_equal(ke_access_check_sddl(w("D:P(X;;GA;;;WD)"), root, FILE_READ_DATA, m, &g), STATUS_INVALID_PARAMETER);
    ke_security_set_owner(1000, (gid_t)-1); /* the device owner counts as an administrator */
    assert_int_equal(ke_access_check_sddl(w(wintun), user, FILE_WRITE_DATA, m, &g), STATUS_SUCCESS);
    ke_security_set_owner((uid_t)-1, (gid_t)-1);

    /* the driver's view: SeSddlSecurityDescriptorFromSDDL, SeAccessCheck, privileges */
    UNICODE_STRING s;
    RtlInitUnicodeString(&s, w(wintun));
    PSECURITY_DESCRIPTOR sd;
    assert_int_equal(SeSddlSecurityDescriptorFromSDDL(&s, FALSE, &sd), STATUS_SUCCESS);
    struct ke_process *prev = ke_process_enter(user);
    SECURITY_SUBJECT_CONTEXT ctx;
    SeCaptureSubjectContext(&ctx);
    NTSTATUS st;
    assert_false(SeAccessCheck(sd, &ctx, FALSE, FILE_WRITE_DATA, 0, NULL, m, UserMode, &g, &st));
    assert_int_equal(st, STATUS_ACCESS_DENIED);
    SeReleaseSubjectContext(&ctx);
    assert_false(SeSinglePrivilegeCheck(RtlConvertLongToLuid(SE_LOAD_DRIVER_PRIVILEGE), UserMode));
    ke_process_leave(prev);
    prev = ke_process_enter(root);
    SeCaptureSubjectContext(&ctx);
    assert_true(SeAccessCheck(sd, &ctx, FALSE, FILE_WRITE_DATA, 0, NULL, m, UserMode, &g, &st));
    SeReleaseSubjectContext(&ctx);
    assert_true(SeSinglePrivilegeCheck(RtlConvertLongToLuid(SE_LOAD_DRIVER_PRIVILEGE), UserMode));
    ke_process_leave(prev);
    ExFreePool(sd);
    ke_process_destroy(root);
    ke_process_destroy(user);
}

static void test_shared_memory(void **state)
{
    (void)state;
    struct ke_process *a = ke_process_create(6001, 1000, 1000, "a"), *b = ke_process_create(6002, 1000, 1000, "b");
    uintptr_t base_a, base_b;
    size_t size;
    assert_true(ke_process_window(a, &base_a, &size));
    assert_true(ke_process_window(b, &base_b, &size));
    assert_true(base_a + size <= base_b || base_b + size <= base_a); /* disjoint slices */
    int fd = memfd_create("ring", 0);
    assert_int_equal(ftruncate(fd, 2 * PAGE_SIZE), 0);
    void *client_view = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    assert_int_equal(ke_process_map_shared(a, dup(fd), base_a, 2 * PAGE_SIZE, true), STATUS_SUCCESS);
    assert_int_equal(ke_process_map_shared(a, dup(fd), base_a, PAGE_SIZE, true), STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(ke_process_map_shared(a, dup(fd), base_b, PAGE_SIZE, true), STATUS_INVALID_PARAMETER);
    strcpy(client_view, "same pages");
    assert_string_equal((char *)base_a, "same pages");
    assert_true(ke_process_range_ok(a, (void *)base_a, 2 * PAGE_SIZE, true));
    assert_false(ke_process_range_ok(b, (void *)base_a, 1, false));

    /* a probe for b of a's memory raises; for a it passes */
    struct ke_process *prev = ke_process_enter(b);
    volatile NTSTATUS code = 0;
    __try {
        ProbeForRead((void *)base_a, 16, 1);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    assert_int_equal(code, STATUS_ACCESS_VIOLATION);
    ke_process_leave(prev);
    prev = ke_process_enter(a);
    code = 0;
    __try {
        ProbeForWrite((void *)base_a, 16, 1);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    assert_int_equal(code, 0);
    /* a locked MDL keeps the pages mapped after the client is gone */
    PMDL mdl = IoAllocateMdl((void *)base_a, PAGE_SIZE, FALSE, FALSE, NULL);
    MmProbeAndLockPages(mdl, UserMode, IoWriteAccess);
    ke_process_leave(prev);
    assert_int_equal(ke_process_unmap_shared(a, base_a, 2 * PAGE_SIZE), STATUS_DEVICE_BUSY);
    ke_process_destroy(a);
    char *sys = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
    assert_string_equal(sys, "same pages");
    MmUnlockPages(mdl);
    IoFreeMdl(mdl);
    ke_process_destroy(b);
    munmap(client_view, 2 * PAGE_SIZE);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_handles), cmocka_unit_test(test_client_eventfd),
        cmocka_unit_test(test_system_thread), cmocka_unit_test(test_sddl_access),
        cmocka_unit_test(test_shared_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
