/* The control socket under hostile clients (src/edge/control.c, src/client/client.c): bad
 * messages, foreign and closed handles, oversized requests, a flood of requests, a client
 * killed with a request pending, and socket paths that are not free. The server runs in this
 * process, in front of a device whose dispatch routines count what reaches them. */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <ntifs.h>

#include <openndis/client.h>

#include "common/wire.h"
#include "edge/edge.h"
#include "kernel/irp.h"
#include "kernel/ob.h"
#include "verifier/vf.h"

static DRIVER_OBJECT driver;
static PDEVICE_OBJECT device;
static struct edge_control *server;
static char sock[108];

static atomic_int cleanups, closes, cancels;
static LIST_ENTRY held;            /* pended reads */
static KSPIN_LOCK held_lock;

static NTSTATUS complete(PIRP irp, NTSTATUS s, ULONG_PTR info)
{
    irp->IoStatus.Status = s;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return s;
}

static NTSTATUS d_create(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    return complete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS d_cleanup(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    atomic_fetch_add(&cleanups, 1);
    return complete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS d_close(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    atomic_fetch_add(&closes, 1);
    return complete(irp, STATUS_SUCCESS, 0);
}

static VOID d_cancel(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    KIRQL irql;
    IoReleaseCancelSpinLock(irp->CancelIrql);
    KeAcquireSpinLock(&held_lock, &irql);
    RemoveEntryList(&irp->Tail.Overlay.ListEntry);
    KeReleaseSpinLock(&held_lock, irql);
    atomic_fetch_add(&cancels, 1);
    complete(irp, STATUS_CANCELLED, 0);
}

/* reads wait until cancelled */
static NTSTATUS d_read(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    KIRQL irql;
    KeAcquireSpinLock(&held_lock, &irql);
    InsertTailList(&held, &irp->Tail.Overlay.ListEntry);
    IoMarkIrpPending(irp);
    IoSetCancelRoutine(irp, d_cancel);
    KeReleaseSpinLock(&held_lock, irql);
    return STATUS_PENDING;
}

/* control code 1: echo; 2: Wintun-style registration: fill the client's shared memory the
 * request points at and set the client's event it names */
struct share_request {
    uint64_t address, length, event;
};

static NTSTATUS d_ioctl(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    ULONG in = sl->Parameters.DeviceIoControl.InputBufferLength, out = sl->Parameters.DeviceIoControl.OutputBufferLength;
    if (((sl->Parameters.DeviceIoControl.IoControlCode >> 2) & 0xfff) == 2) {
        struct share_request r;
        if (in != sizeof r)
            return complete(irp, STATUS_INVALID_PARAMETER, 0);
        memcpy(&r, irp->AssociatedIrp.SystemBuffer, sizeof r);
        PVOID event;
        NTSTATUS s = ObReferenceObjectByHandle((HANDLE)(ULONG_PTR)r.event, EVENT_MODIFY_STATE, *ExEventObjectType,
                                               UserMode, &event, NULL);
        if (!NT_SUCCESS(s))
            return complete(irp, s, 0);
        /* what ProbeForWrite decides: the current client's own shared memory only */
        if (!ke_usermem_current_ok((void *)(ULONG_PTR)r.address, (size_t)r.length, true)) {
            ObDereferenceObject(event);
            return complete(irp, STATUS_ACCESS_VIOLATION, 0);
        }
        memset((void *)(ULONG_PTR)r.address, 0x5a, (size_t)r.length);
        KeSetEvent(event, IO_NO_INCREMENT, FALSE);
        ObDereferenceObject(event);
        return complete(irp, STATUS_SUCCESS, 0);
    }
    if (((sl->Parameters.DeviceIoControl.IoControlCode >> 2) & 0xfff) == 3) { /* METHOD_NEITHER */
        ULONG *count = sl->Parameters.DeviceIoControl.Type3InputBuffer;
        UCHAR *dst = irp->UserBuffer;
        if (in < sizeof *count || !ke_usermem_current_ok(count, sizeof *count, false) ||
            !ke_usermem_current_ok(dst, out, true)) /* the probes a driver makes */
            return complete(irp, STATUS_ACCESS_VIOLATION, 0);
        ULONG n = *count < out ? *count : out;
        memset(dst, 0x77, n);
        return complete(irp, STATUS_SUCCESS, n);
    }
    return complete(irp, STATUS_SUCCESS, in < out ? in : out);
}

#define ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 1, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define SHARE CTL_CODE(FILE_DEVICE_UNKNOWN, 2, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define NEITHER CTL_CODE(FILE_DEVICE_UNKNOWN, 3, METHOD_NEITHER, FILE_ANY_ACCESS)

static int setup(void **state)
{
    (void)state;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\OpenNdisControlTest");
    UNICODE_STRING link = RTL_CONSTANT_STRING(u"\\DosDevices\\OpenNdisControlTest");
    driver.MajorFunction[IRP_MJ_CREATE] = d_create;
    driver.MajorFunction[IRP_MJ_CLEANUP] = d_cleanup;
    driver.MajorFunction[IRP_MJ_CLOSE] = d_close;
    driver.MajorFunction[IRP_MJ_READ] = d_read;
    driver.MajorFunction[IRP_MJ_DEVICE_CONTROL] = d_ioctl;
    InitializeListHead(&held);
    KeInitializeSpinLock(&held_lock);
    if (IoCreateDevice(&driver, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &device) != STATUS_SUCCESS ||
        IoCreateSymbolicLink(&link, &name) != STATUS_SUCCESS)
        return -1;
    device->Flags |= DO_BUFFERED_IO;
    snprintf(sock, sizeof sock, "/tmp/openndis-test-control-%d.sock", (int)getpid());
    char err[256];
    server = edge_control_listen(sock, err, sizeof err);
    if (server == NULL)
        fprintf(stderr, "%s\n", err);
    ke_io_set_close_wait(500);
    return server == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    edge_control_close(server);
    return 0;
}

/* Waits until no file is open on the device (a disconnected client's close runs on its server
 * thread, after openndis_disconnect returned). */
static void wait_no_open_files(void)
{
    char text[512];
    for (int i = 0; i < 500; i++) {
        ke_io_describe(text, sizeof text);
        if (strstr(text, "open 0") != NULL)
            return;
        usleep(10000);
    }
    fail_msg("files still open: %s", text);
}

static openndis_client *connect_open(uint32_t *h)
{
    openndis_client *c = openndis_connect(sock);
    assert_non_null(c);
    assert_int_equal(openndis_open(c, "\\\\.\\OpenNdisControlTest", OPENNDIS_GENERIC_READ | OPENNDIS_GENERIC_WRITE, h),
                     OPENNDIS_STATUS_SUCCESS);
    return c;
}

static void test_requests_and_bad_handles(void **state)
{
    (void)state;
    uint32_t h, h2;
    openndis_client *a = connect_open(&h), *b = openndis_connect(sock);
    assert_non_null(b);
    char in[8] = "abcdefg", out[8] = { 0 };
    size_t n = 99;
    assert_int_equal(openndis_ioctl(a, h, ECHO, in, 8, out, 4, &n), OPENNDIS_STATUS_SUCCESS);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "abcd", 4);
    /* another client's handle, a handle never opened, a closed one */
    assert_int_equal(openndis_ioctl(b, h, ECHO, in, 8, out, 4, &n), OPENNDIS_STATUS_INVALID_HANDLE);
    assert_int_equal(openndis_ioctl(a, 77, ECHO, in, 8, out, 4, &n), OPENNDIS_STATUS_INVALID_HANDLE);
    assert_int_equal(openndis_open(a, "\\??\\OpenNdisControlTest", OPENNDIS_GENERIC_READ, &h2), OPENNDIS_STATUS_SUCCESS);
    assert_int_equal(openndis_close(a, h2), OPENNDIS_STATUS_SUCCESS);
    assert_int_equal(openndis_close(a, h2), OPENNDIS_STATUS_INVALID_HANDLE);
    assert_int_equal(openndis_ioctl(a, h2, ECHO, in, 8, out, 4, &n), OPENNDIS_STATUS_INVALID_HANDLE);
    /* a name that is no device, an empty one */
    assert_int_equal(openndis_open(a, "\\\\.\\Nothing", OPENNDIS_GENERIC_READ, &h2), 0xC0000034u);
    assert_int_equal(openndis_open(a, "", OPENNDIS_GENERIC_READ, &h2), 0xC0000033u);
    /* no write routine: the I/O manager's answer */
    assert_int_equal(openndis_write(a, h, in, 8, &n), 0xC0000010u);
    openndis_disconnect(b);
    openndis_disconnect(a);
    assert_int_equal(vf_violation_count(), 0);
}

/* Raw messages a broken client could send: the server answers or disconnects that client,
 * and goes on serving the others. */
/* A connection without the client library, its WELCOME read into *w. */
static int raw_connect(struct wire_welcome *w)
{
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    strcpy(sa.sun_path, sock);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(recv(fd, w, sizeof *w, 0), sizeof *w);
    return fd;
}

static void test_malformed_messages(void **state)
{
    (void)state;
    struct wire_welcome w;
    int fd = raw_connect(&w);
    assert_int_equal(w.pid, getpid());
    /* a READ whose length field disagrees with the message, an unknown type */
    struct wire_read r = { .h = WIRE_HEADER_INIT(WIRE_READ, 5, 1, 0), .length = 1u << 30 };
    assert_int_equal(send(fd, &r, sizeof r, 0), sizeof r);
    struct wire_complete c;
    assert_int_equal(recv(fd, &c, sizeof c, 0), sizeof c);
    assert_int_equal(c.h.tag, 5);
    assert_int_equal(c.status, (uint32_t)STATUS_INVALID_HANDLE); /* handle 1 is not open on this connection */
    struct wire_header u = WIRE_HEADER_INIT(99, 6, 0, 0);
    assert_int_equal(send(fd, &u, sizeof u, 0), sizeof u);
    assert_int_equal(recv(fd, &c, sizeof c, 0), sizeof c);
    assert_int_equal(c.status, (uint32_t)STATUS_INVALID_PARAMETER);
    /* bad magic: disconnected */
    struct wire_header bad = WIRE_HEADER_INIT(WIRE_OPEN, 7, 0, 0);
    bad.magic = 0x12345678;
    assert_int_equal(send(fd, &bad, sizeof bad, 0), sizeof bad);
    assert_int_equal(recv(fd, &c, sizeof c, 0), 0);
    close(fd);
    /* a short message */
    fd = raw_connect(&w);
    assert_int_equal(send(fd, "x", 1, 0), 1);
    assert_int_equal(recv(fd, &c, sizeof c, 0), 0);
    close(fd);
    /* the server still serves */
    uint32_t h;
    openndis_client *a = connect_open(&h);
    openndis_disconnect(a);
}

/* A client killed with reads pending: the driver sees them cancelled, then cleanup and close. */
static void test_client_killed_mid_request(void **state)
{
    (void)state;
    wait_no_open_files();
    int before_cancels = atomic_load(&cancels), before_closes = atomic_load(&closes);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        openndis_client *c = openndis_connect(sock);
        uint32_t h;
        static char buf[3][64];
        if (c == NULL || openndis_open(c, "\\\\.\\OpenNdisControlTest", OPENNDIS_GENERIC_READ, &h) != 0)
            _exit(1);
        for (int i = 0; i < 3; i++)
            if (openndis_submit_read(c, h, buf[i], sizeof buf[i]) == 0)
                _exit(1);
        /* an answer to a later request means the reads before it were dispatched */
        size_t n;
        char in[4] = { 0 }, out[4];
        if (openndis_ioctl(c, h, ECHO, in, 4, out, 4, &n) != 0)
            _exit(1);
        (void)!write(ready[1], "r", 1);
        pause();
        _exit(0);
    }
    close(ready[1]);
    char r;
    assert_int_equal(read(ready[0], &r, 1), 1);
    close(ready[0]);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    for (int i = 0; i < 200 && atomic_load(&closes) == before_closes; i++)
        usleep(10000);
    assert_int_equal(atomic_load(&cancels) - before_cancels, 3);
    assert_int_equal(atomic_load(&closes) - before_closes, 1);
    assert_true(IsListEmpty(&held));
    assert_int_equal(vf_violation_count(), 0);
}

/* More requests outstanding than a client may have: the excess is refused, nothing breaks. */
static void test_request_flood(void **state)
{
    (void)state;
    uint32_t h;
    openndis_client *c = connect_open(&h);
    static char bufs[1100][8];
    unsigned sent = 0;
    for (unsigned i = 0; i < 1100; i++)
        if (openndis_submit_read(c, h, bufs[i], sizeof bufs[i]) != 0)
            sent++;
    assert_int_equal(sent, 1100);
    /* the refused ones come back at once; the others wait for the cancel */
    unsigned refused = 0;
    uint64_t id;
    openndis_status s;
    size_t n;
    for (unsigned i = 0; i < 1100 - 1024; i++) {
        assert_int_equal(openndis_reap(c, 1, &id, &s, &n), 1);
        refused += s == 0xC000009Au;
    }
    assert_int_equal(refused, 1100 - 1024);
    assert_int_equal(openndis_cancel(c, h, 0), 0);
    unsigned cancelled = 0;
    while (openndis_reap(c, 1, &id, &s, &n) == 1)
        cancelled += s == OPENNDIS_STATUS_CANCELLED;
    assert_int_equal(cancelled, 1024);
    /* oversized requests are refused by the library before they are sent */
    static char big[OPENNDIS_MAX_TRANSFER + 1];
    assert_int_not_equal(openndis_write(c, h, big, sizeof big, &n), OPENNDIS_STATUS_SUCCESS);
    openndis_disconnect(c);
    assert_int_equal(vf_violation_count(), 0);
}

/* Memory and an event the client shares, used by the driver through a request's pointers. */
static void test_shared_memory_and_events(void **state)
{
    (void)state;
    uint32_t h;
    openndis_client *c = connect_open(&h), *other = openndis_connect(sock);
    unsigned char *mem = openndis_alloc_shared(c, 3000);
    assert_non_null(mem);
    assert_int_equal((uintptr_t)mem % 4096, 0);
    int efd = eventfd(0, EFD_CLOEXEC);
    uint64_t handle = 0;
    assert_int_equal(openndis_share_event(c, efd, 1, &handle), OPENNDIS_STATUS_SUCCESS);
    assert_true(handle != 0);
    struct share_request r = { (uintptr_t)mem, 3000, handle };
    size_t n;
    assert_int_equal(openndis_ioctl(c, h, SHARE, &r, sizeof r, NULL, 0, &n), OPENNDIS_STATUS_SUCCESS);
    assert_int_equal(mem[0], 0x5a);
    assert_int_equal(mem[2999], 0x5a); /* the driver wrote the client's very pages */
    struct pollfd p = { efd, POLLIN, 0 };
    assert_int_equal(poll(&p, 1, 1000), 1); /* and its KeSetEvent reached the client's eventfd */
    /* memory that is not shared, a handle that is not the client's, another client's handle */
    static unsigned char mine[64];
    r = (struct share_request){ (uintptr_t)mine, sizeof mine, handle };
    assert_int_equal(openndis_ioctl(c, h, SHARE, &r, sizeof r, NULL, 0, &n), 0xC0000005u);
    r = (struct share_request){ (uintptr_t)mem, 16, 0x1234 };
    assert_int_equal(openndis_ioctl(c, h, SHARE, &r, sizeof r, NULL, 0, &n), OPENNDIS_STATUS_INVALID_HANDLE);
    uint32_t h2;
    assert_int_equal(openndis_open(other, "\\??\\OpenNdisControlTest", OPENNDIS_GENERIC_READ, &h2), 0);
    r = (struct share_request){ (uintptr_t)mem, 16, handle };
    assert_int_equal(openndis_ioctl(other, h2, SHARE, &r, sizeof r, NULL, 0, &n), OPENNDIS_STATUS_INVALID_HANDLE);
    /* METHOD_NEITHER: the driver reads and writes the client's shared buffers themselves */
    uint32_t want = 100;
    memcpy(mem, &want, 4);
    memset(mem + 512, 0, 256);
    assert_int_equal(openndis_ioctl(c, h, NEITHER, mem, 4, mem + 512, 256, &n), OPENNDIS_STATUS_SUCCESS);
    assert_int_equal(n, 100);
    assert_int_equal(mem[512], 0x77);
    assert_int_equal(mem[611], 0x77);
    assert_int_equal(mem[612], 0);
    /* buffers outside shared memory never reach the driver */
    assert_int_equal(openndis_ioctl(c, h, NEITHER, &want, 4, mine, sizeof mine, &n), 0xC0000005u);
    /* a SHARE message without its descriptor */
    struct wire_welcome w;
    int fd = raw_connect(&w);
    assert_true(w.window != 0 && w.window_size != 0);
    struct wire_share m = { .h = WIRE_HEADER_INIT(WIRE_SHARE, 9, 0, 0), .address = w.window, .length = 4096 };
    assert_int_equal(send(fd, &m, sizeof m, 0), sizeof m);
    struct wire_complete cm;
    assert_int_equal(recv(fd, &cm, sizeof cm, 0), sizeof cm);
    assert_int_equal(cm.status, (uint32_t)STATUS_INVALID_PARAMETER);
    close(fd);
    close(efd);
    openndis_disconnect(other);
    openndis_disconnect(c);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_socket_paths(void **state)
{
    (void)state;
    char err[256];
    /* a second server on a live socket */
    assert_null(edge_control_listen(sock, err, sizeof err));
    assert_non_null(strstr(err, "another openndis run"));
    /* a regular file at the path is left alone */
    char file[64];
    snprintf(file, sizeof file, "/tmp/openndis-test-control-%d.txt", (int)getpid());
    FILE *f = fopen(file, "w");
    fputs("keep me", f);
    fclose(f);
    assert_null(edge_control_listen(file, err, sizeof err));
    assert_non_null(strstr(err, "not a socket"));
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_size, 7);
    unlink(file);
    /* a stale socket (nobody listening) is replaced */
    char stale[64];
    snprintf(stale, sizeof stale, "/tmp/openndis-test-control-%d.old", (int)getpid());
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    strcpy(sa.sun_path, stale);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    close(fd);
    struct edge_control *s2 = edge_control_listen(stale, err, sizeof err);
    assert_non_null(s2);
    edge_control_close(s2);
    assert_int_not_equal(access(stale, F_OK), 0); /* removed at close */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_and_bad_handles),
        cmocka_unit_test(test_malformed_messages),
        cmocka_unit_test(test_client_killed_mid_request),
        cmocka_unit_test(test_request_flood),
        cmocka_unit_test(test_shared_memory_and_events),
        cmocka_unit_test(test_socket_paths),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
