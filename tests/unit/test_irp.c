/* The I/O manager's requests (src/kernel/irp.c): opening a device, the IRPs of buffered,
 * direct and refused requests, pending and completion from another thread, cancellation
 * through a cancel-safe queue, cleanup and close, and the guard page after each buffer. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <ntifs.h>
#include <wdmsec.h>

#include "kernel/irp.h"
#include "kernel/ke.h"
#include "verifier/vf.h"

#define CODE(fn, method, access) CTL_CODE(FILE_DEVICE_UNKNOWN, (fn), (method), (access))

static DRIVER_OBJECT driver;
static PDEVICE_OBJECT device;
static struct ke_process *client;

/* what the driver saw */
static struct {
    int creates, cleanups, closes;
    PEPROCESS process;
    PVOID fs_context;
    UCHAR system[64];
    ULONG in_len, out_len;
    bool had_mdl;
    PIRP pended;
} seen;

/* the driver's queue of pended reads */
static IO_CSQ csq;
static LIST_ENTRY queue;
static KSPIN_LOCK queue_lock;
static VOID q_insert(PIO_CSQ c, PIRP irp) { (void)c; InsertTailList(&queue, &irp->Tail.Overlay.ListEntry); }
static VOID q_remove(PIO_CSQ c, PIRP irp) { (void)c; RemoveEntryList(&irp->Tail.Overlay.ListEntry); }
static PIRP q_peek(PIO_CSQ c, PIRP irp, PVOID ctx)
{
    (void)c, (void)ctx;
    PLIST_ENTRY next = irp == NULL ? queue.Flink : irp->Tail.Overlay.ListEntry.Flink;
    return next == &queue ? NULL : CONTAINING_RECORD(next, IRP, Tail.Overlay.ListEntry);
}
static VOID q_lock(PIO_CSQ c, PKIRQL irql) { (void)c; KeAcquireSpinLock(&queue_lock, irql); }
static VOID q_unlock(PIO_CSQ c, KIRQL irql) { (void)c; KeReleaseSpinLock(&queue_lock, irql); }
static VOID q_cancelled(PIO_CSQ c, PIRP irp)
{
    (void)c;
    irp->IoStatus.Status = STATUS_CANCELLED;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

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
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    seen.creates++;
    seen.process = IoGetCurrentProcess();
    sl->FileObject->FsContext = &seen;
    return complete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS d_cleanup(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    seen.cleanups++;
    PIRP p;
    while ((p = IoCsqRemoveNextIrp(&csq, NULL)) != NULL)
        complete(p, STATUS_CANCELLED, 0);
    return complete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS d_close(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    seen.closes++;
    return complete(irp, STATUS_SUCCESS, 0);
}

/* control code 1: echo the input reversed into the output; 2: pend, completed by a thread;
 * 3: report the direct output buffer filled with 0xAB; 4: overrun the system buffer */
static void *completer(void *arg)
{
    usleep(20000);
    PIRP irp = arg;
    ((UCHAR *)irp->AssociatedIrp.SystemBuffer)[0] = 0x5a;
    complete(irp, STATUS_SUCCESS, 1);
    return NULL;
}

static NTSTATUS d_ioctl(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    seen.fs_context = sl->FileObject->FsContext;
    seen.in_len = sl->Parameters.DeviceIoControl.InputBufferLength;
    seen.out_len = sl->Parameters.DeviceIoControl.OutputBufferLength;
    seen.had_mdl = irp->MdlAddress != NULL;
    UCHAR *buf = irp->AssociatedIrp.SystemBuffer;
    switch ((sl->Parameters.DeviceIoControl.IoControlCode >> 2) & 0xfff) {
    case 1: {
        UCHAR tmp[64];
        ULONG n = seen.in_len < seen.out_len ? seen.in_len : seen.out_len;
        memcpy(seen.system, buf, seen.in_len < sizeof seen.system ? seen.in_len : sizeof seen.system);
        for (ULONG i = 0; i < n; i++)
            tmp[i] = buf[n - 1 - i];
        memcpy(buf, tmp, n);
        return complete(irp, STATUS_SUCCESS, n);
    }
    case 2: {
        pthread_t t;
        IoMarkIrpPending(irp);
        pthread_create(&t, NULL, completer, irp);
        pthread_detach(t);
        return STATUS_PENDING;
    }
    case 3: {
        PMDL mdl = (PMDL)irp->MdlAddress;
        if (buf != NULL)
            memcpy(seen.system, buf, seen.in_len);
        if (mdl == NULL) /* no output buffer: no MDL */
            return complete(irp, STATUS_SUCCESS, 0);
        memset(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority), 0xab, MmGetMdlByteCount(mdl));
        return complete(irp, STATUS_SUCCESS, MmGetMdlByteCount(mdl));
    }
    case 4:
        buf[seen.out_len + 64] = 1; /* past the end, into the guard page */
        return complete(irp, STATUS_SUCCESS, 0);
    default:
        return complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
}

static NTSTATUS d_read(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    seen.pended = irp;
    IoCsqInsertIrp(&csq, irp, NULL); /* marks it pending */
    return STATUS_PENDING;
}

static NTSTATUS d_write(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    PMDL mdl = (PMDL)irp->MdlAddress;
    memcpy(seen.system, MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority), sl->Parameters.Write.Length);
    /* a write satisfies the oldest pended read */
    PIRP r = IoCsqRemoveNextIrp(&csq, NULL);
    if (r != NULL) {
        PMDL rm = (PMDL)r->MdlAddress;
        ULONG n = MmGetMdlByteCount(rm) < sl->Parameters.Write.Length ? MmGetMdlByteCount(rm) : sl->Parameters.Write.Length;
        memcpy(MmGetSystemAddressForMdlSafe(rm, NormalPagePriority), seen.system, n);
        complete(r, STATUS_SUCCESS, n);
    }
    return complete(irp, STATUS_SUCCESS, sl->Parameters.Write.Length);
}

struct result {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int ended;
    NTSTATUS status;
    ULONG_PTR information;
    UCHAR out[64];
    size_t out_len;
};
#define RESULT_INIT { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, { 0 }, 0 }

static void done(void *context, NTSTATUS status, ULONG_PTR information, const void *out, size_t out_len)
{
    struct result *r = context;
    pthread_mutex_lock(&r->lock);
    r->ended++;
    r->status = status;
    r->information = information;
    r->out_len = out_len;
    if (out_len)
        memcpy(r->out, out, out_len < sizeof r->out ? out_len : sizeof r->out);
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

static void wait_ended(struct result *r)
{
    pthread_mutex_lock(&r->lock);
    while (r->ended == 0)
        pthread_cond_wait(&r->cond, &r->lock);
    pthread_mutex_unlock(&r->lock);
}

static int setup(void **state)
{
    (void)state;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\OpenNdisIrpTest");
    UNICODE_STRING link = RTL_CONSTANT_STRING(u"\\DosDevices\\OpenNdisIrpTest");
    driver.MajorFunction[IRP_MJ_CREATE] = d_create;
    driver.MajorFunction[IRP_MJ_CLEANUP] = d_cleanup;
    driver.MajorFunction[IRP_MJ_CLOSE] = d_close;
    driver.MajorFunction[IRP_MJ_DEVICE_CONTROL] = d_ioctl;
    driver.MajorFunction[IRP_MJ_READ] = d_read;
    driver.MajorFunction[IRP_MJ_WRITE] = d_write;
    if (IoCreateDeviceSecure(&driver, 0, &name, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN, FALSE,
                             &SDDL_DEVOBJ_SYS_ALL_ADM_ALL, NULL, &device) != STATUS_SUCCESS ||
        IoCreateSymbolicLink(&link, &name) != STATUS_SUCCESS)
        return -1;
    device->Flags = (device->Flags | DO_DIRECT_IO) & ~(ULONG)DO_DEVICE_INITIALIZING;
    InitializeListHead(&queue);
    KeInitializeSpinLock(&queue_lock);
    IoCsqInitialize(&csq, q_insert, q_remove, q_peek, q_lock, q_unlock, q_cancelled);
    client = ke_process_create(getpid(), 0, 0, "test_irp"); /* root: an administrator */
    ke_io_set_close_wait(200);
    return client == NULL ? -1 : 0;
}

static void test_open_close(void **state)
{
    (void)state;
    struct ke_file *f;
    memset(&seen, 0, sizeof seen);
    assert_int_equal(ke_io_open(client, "\\??\\NoSuchDevice", FILE_READ_DATA, &f), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_null(f);
    /* the Win32 spellings of the link all reach the device */
    assert_int_equal(ke_io_open(client, "\\GLOBAL??\\openndisirptest", FILE_READ_DATA | FILE_WRITE_DATA, &f),
                     STATUS_SUCCESS);
    assert_int_equal(seen.creates, 1);
    assert_ptr_equal(seen.process, ke_process_eprocess(client)); /* on behalf of the client */
    assert_ptr_equal(ke_io_file_device(f), device);
    ke_io_close(f);
    assert_int_equal(seen.cleanups, 1);
    assert_int_equal(seen.closes, 1);
    /* the SDDL grants nothing to an unprivileged user */
    struct ke_process *user = ke_process_create(getpid(), 4242, 4242, "nobody");
    assert_int_equal(ke_io_open(user, "\\DosDevices\\OpenNdisIrpTest", FILE_READ_DATA, &f), STATUS_ACCESS_DENIED);
    assert_int_equal(seen.creates, 1);
    ke_process_destroy(user);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_buffered_and_direct(void **state)
{
    (void)state;
    struct ke_file *f;
    assert_int_equal(ke_io_open(client, "\\??\\OpenNdisIrpTest", FILE_READ_DATA | FILE_WRITE_DATA, &f), STATUS_SUCCESS);
    const UCHAR in[4] = { 1, 2, 3, 4 };
    /* buffered: input in the system buffer, IoStatus.Information bytes back */
    struct result r = RESULT_INIT;
    struct ke_io_request q = { .major = IRP_MJ_DEVICE_CONTROL, .code = CODE(1, METHOD_BUFFERED, FILE_ANY_ACCESS),
                               .in = in, .in_len = 4, .out_len = 8, .done = done, .context = &r };
    ke_io_submit(f, &q);
    wait_ended(&r);
    assert_int_equal(r.status, STATUS_SUCCESS);
    assert_int_equal(r.information, 4);
    assert_int_equal(r.out_len, 4);
    assert_memory_equal(r.out, ((UCHAR[]){ 4, 3, 2, 1 }), 4);
    assert_ptr_equal(seen.fs_context, &seen); /* the FsContext set at create */
    assert_int_equal(seen.in_len, 4);
    assert_int_equal(seen.out_len, 8);
    assert_false(seen.had_mdl);
    /* direct output: input buffered, output behind an MDL */
    struct result r2 = RESULT_INIT;
    q = (struct ke_io_request){ .major = IRP_MJ_DEVICE_CONTROL, .code = CODE(3, METHOD_OUT_DIRECT, FILE_ANY_ACCESS),
                                .in = in, .in_len = 4, .out_len = 32, .done = done, .context = &r2 };
    ke_io_submit(f, &q);
    wait_ended(&r2);
    assert_true(seen.had_mdl);
    assert_memory_equal(seen.system, in, 4);
    assert_int_equal(r2.out_len, 32);
    assert_int_equal(r2.out[31], 0xab);
    /* direct with input and no output: the input's buffer is freed all the same (LSan) */
    struct result r5 = RESULT_INIT;
    q = (struct ke_io_request){ .major = IRP_MJ_DEVICE_CONTROL, .code = CODE(3, METHOD_OUT_DIRECT, FILE_ANY_ACCESS),
                                .in = in, .in_len = 4, .out_len = 0, .done = done, .context = &r5 };
    ke_io_submit(f, &q);
    assert_int_equal(r5.ended, 1);
    /* an error status sends nothing back */
    struct result r3 = RESULT_INIT;
    q = (struct ke_io_request){ .major = IRP_MJ_DEVICE_CONTROL, .code = CODE(9, METHOD_BUFFERED, FILE_ANY_ACCESS),
                                .out_len = 8, .done = done, .context = &r3 };
    ke_io_submit(f, &q);
    assert_int_equal(r3.status, STATUS_INVALID_DEVICE_REQUEST);
    assert_int_equal(r3.out_len, 0);
    /* refused before the driver sees them: neither I/O on memory the client did not share,
     * oversized buffers */
    struct result r4 = RESULT_INIT;
    UCHAR mine[8];
    q = (struct ke_io_request){ .major = IRP_MJ_DEVICE_CONTROL, .code = CODE(1, METHOD_NEITHER, FILE_ANY_ACCESS),
                                .out_len = 8, .user_out = (uintptr_t)mine, .done = done, .context = &r4 };
    ke_io_submit(f, &q);
    assert_int_equal(r4.status, STATUS_ACCESS_VIOLATION);
    q.user_out = 0;
    q.code = CODE(1, METHOD_BUFFERED, FILE_ANY_ACCESS);
    q.out_len = KE_IO_MAX_BUFFER + 1;
    ke_io_submit(f, &q);
    assert_int_equal(r4.status, STATUS_INVALID_USER_BUFFER);
    ke_io_close(f);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_access_bits(void **state)
{
    (void)state;
    struct ke_file *f;
    assert_int_equal(ke_io_open(client, "\\??\\OpenNdisIrpTest", FILE_READ_DATA, &f), STATUS_SUCCESS);
    struct result r = RESULT_INIT;
    const UCHAR in[4] = { 0 };
    /* a code asking for write access on a file opened for reading only */
    struct ke_io_request q = { .major = IRP_MJ_DEVICE_CONTROL, .code = CODE(1, METHOD_BUFFERED, FILE_WRITE_ACCESS),
                               .in = in, .in_len = 4, .done = done, .context = &r };
    ke_io_submit(f, &q);
    assert_int_equal(r.status, STATUS_ACCESS_DENIED);
    q = (struct ke_io_request){ .major = IRP_MJ_WRITE, .in = in, .in_len = 4, .done = done, .context = &r };
    ke_io_submit(f, &q);
    assert_int_equal(r.status, STATUS_ACCESS_DENIED);
    ke_io_close(f);
}

static void test_pending_and_cancel(void **state)
{
    (void)state;
    struct ke_file *f;
    assert_int_equal(ke_io_open(client, "\\??\\OpenNdisIrpTest", FILE_READ_DATA | FILE_WRITE_DATA, &f), STATUS_SUCCESS);
    /* completed later on another thread */
    struct result r = RESULT_INIT;
    struct ke_io_request q = { .major = IRP_MJ_DEVICE_CONTROL, .code = CODE(2, METHOD_BUFFERED, FILE_ANY_ACCESS),
                               .out_len = 4, .done = done, .context = &r };
    ke_io_submit(f, &q);
    wait_ended(&r);
    assert_int_equal(r.status, STATUS_SUCCESS);
    assert_int_equal(r.out_len, 1);
    assert_int_equal(r.out[0], 0x5a);
    /* a read waits in the driver's queue until a write arrives */
    struct result rd = RESULT_INIT, wr = RESULT_INIT;
    q = (struct ke_io_request){ .major = IRP_MJ_READ, .out_len = 16, .tag = 7, .done = done, .context = &rd };
    ke_io_submit(f, &q);
    assert_int_equal(rd.ended, 0);
    assert_int_equal(ke_io_file_outstanding(f), 1);
    const char frame[] = "hello, driver";
    q = (struct ke_io_request){ .major = IRP_MJ_WRITE, .in = frame, .in_len = sizeof frame, .done = done, .context = &wr };
    ke_io_submit(f, &q);
    assert_int_equal(wr.status, STATUS_SUCCESS);
    assert_int_equal(wr.information, sizeof frame);
    assert_int_equal(rd.status, STATUS_SUCCESS);
    assert_string_equal((const char *)rd.out, frame);
    /* CancelIoEx: the queue's cancel routine completes it as cancelled */
    struct result rc = RESULT_INIT;
    q = (struct ke_io_request){ .major = IRP_MJ_READ, .out_len = 16, .tag = 8, .done = done, .context = &rc };
    ke_io_submit(f, &q);
    assert_false(ke_io_cancel(f, 99, false));
    assert_true(ke_io_cancel(f, 8, false));
    assert_int_equal(rc.ended, 1);
    assert_int_equal(rc.status, STATUS_CANCELLED);
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    /* closing with a read queued: the driver's cleanup completes it */
    struct result rl = RESULT_INIT;
    q = (struct ke_io_request){ .major = IRP_MJ_READ, .out_len = 16, .done = done, .context = &rl };
    ke_io_submit(f, &q);
    ke_io_close(f);
    assert_int_equal(rl.status, STATUS_CANCELLED);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_device_deleted_while_open(void **state)
{
    (void)state;
    static DRIVER_OBJECT other;
    PDEVICE_OBJECT d;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\OpenNdisIrpGone");
    other.MajorFunction[IRP_MJ_CREATE] = d_create;
    other.MajorFunction[IRP_MJ_CLOSE] = d_close;
    assert_int_equal(IoCreateDevice(&other, 0, &name, FILE_DEVICE_UNKNOWN, 0, TRUE, &d), STATUS_SUCCESS);
    struct ke_file *f, *g;
    assert_int_equal(ke_io_open(client, "\\Device\\OpenNdisIrpGone", FILE_READ_DATA, &f), STATUS_SUCCESS);
    /* exclusive: a second open is refused */
    assert_int_equal(ke_io_open(client, "\\Device\\OpenNdisIrpGone", FILE_READ_DATA, &g), STATUS_ACCESS_DENIED);
    IoDeleteDevice(d);
    assert_null(ke_device_lookup("\\Device\\OpenNdisIrpGone"));
    /* no cleanup routine: the default answer, and the file still closes */
    ke_io_close(f);
    assert_int_equal(vf_violation_count(), 0);
}

/* A driver that keeps every read and never completes it: at close each one is reported and
 * answered as cancelled, however many there are. */
static NTSTATUS keep_read(PDEVICE_OBJECT d, PIRP irp)
{
    (void)d;
    IoMarkIrpPending(irp);
    return STATUS_PENDING;
}

static void test_close_answers_every_abandoned_request(void **state)
{
    (void)state;
    static DRIVER_OBJECT keeper;
    PDEVICE_OBJECT d;
    UNICODE_STRING name = RTL_CONSTANT_STRING(u"\\Device\\OpenNdisIrpKeeper");
    keeper.MajorFunction[IRP_MJ_CREATE] = d_create;
    keeper.MajorFunction[IRP_MJ_CLOSE] = d_close;
    keeper.MajorFunction[IRP_MJ_READ] = keep_read;
    assert_int_equal(IoCreateDevice(&keeper, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &d), STATUS_SUCCESS);
    d->Flags |= DO_BUFFERED_IO;
    struct ke_file *f;
    assert_int_equal(ke_io_open(client, "\\Device\\OpenNdisIrpKeeper", FILE_READ_DATA, &f), STATUS_SUCCESS);
    static struct result r[20];
    for (int i = 0; i < 20; i++) {
        r[i] = (struct result)RESULT_INIT;
        struct ke_io_request q = { .major = IRP_MJ_READ, .out_len = 8, .done = done, .context = &r[i] };
        ke_io_submit(f, &q);
    }
    vf_reset();
    ke_io_close(f);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(r[i].ended, 1);
        assert_int_equal(r[i].status, STATUS_CANCELLED);
    }
    assert_int_equal(vf_violation_count_of(VF_IRP_NEVER_COMPLETED), 20);
    vf_reset();
    IoDeleteDevice(d);
}

/* The driver writes past its output buffer: it faults at once, in the guard page. */
static void on_segv(int sig)
{
    (void)sig;
    _exit(42);
}

static void test_guard_page(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct sigaction sa = { .sa_handler = on_segv };
        sigaction(SIGSEGV, &sa, NULL);
        struct ke_file *f;
        if (ke_io_open(client, "\\??\\OpenNdisIrpTest", FILE_READ_DATA | FILE_WRITE_DATA, &f) != STATUS_SUCCESS)
            _exit(2);
        struct result r = RESULT_INIT;
        struct ke_io_request q = { .major = IRP_MJ_DEVICE_CONTROL, .code = CODE(4, METHOD_BUFFERED, FILE_ANY_ACCESS),
                                   .out_len = 16, .done = done, .context = &r };
        ke_io_submit(f, &q);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 42);
}


/* ---- IRPs a driver allocates for requests it sends ------------------------------------------ */
static struct {
    int calls;
    PDEVICE_OBJECT device;
    PVOID context;
    NTSTATUS status;
    BOOLEAN pending_returned;
} routine_seen;

static NTSTATUS keep_irp(PDEVICE_OBJECT device, PIRP irp, PVOID context)
{
    routine_seen.calls++;
    routine_seen.device = device;
    routine_seen.context = context;
    routine_seen.status = irp->IoStatus.Status;
    routine_seen.pending_returned = irp->PendingReturned;
    return STATUS_MORE_PROCESSING_REQUIRED;
}


static VOID on_cancel_complete(PDEVICE_OBJECT device, PIRP irp)
{
    (void)device;
    IoReleaseCancelSpinLock(irp->CancelIrql);
    irp->IoStatus.Status = STATUS_CANCELLED;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

/* What a provider (WSK, a lower driver) does with a request it was handed: make the caller's
 * next location current, maybe pend, then complete. */
static void serve(PIRP irp, NTSTATUS status, bool pend)
{
    IoSetNextIrpStackLocation(irp);
    if (pend)
        IoMarkIrpPending(irp);
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = 7;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static void test_driver_allocated_irp(void **state)
{
    (void)state;
    vf_reset();
    PIRP irp = IoAllocateIrp(1, FALSE);
    assert_non_null(irp);
    assert_int_equal(irp->StackCount, 1);
    assert_int_equal(irp->CurrentLocation, 2); /* none current yet */
    assert_ptr_equal(IoGetNextIrpStackLocation(irp), (PIO_STACK_LOCATION)(irp + 1));
    int marker;
    memset(&routine_seen, 0, sizeof routine_seen);
    IoSetCompletionRoutine(irp, keep_irp, &marker, TRUE, TRUE, TRUE);
    serve(irp, STATUS_SUCCESS, true);
    assert_int_equal(routine_seen.calls, 1);
    assert_null(routine_seen.device); /* the caller had no location of its own */
    assert_ptr_equal(routine_seen.context, &marker);
    assert_int_equal(routine_seen.status, STATUS_SUCCESS);
    assert_true(routine_seen.pending_returned);
    assert_int_equal(irp->IoStatus.Information, 7);

    /* reused for the next request: an error the routine did not ask for is not reported to
     * it, and then nothing owns the IRP: a finding */
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    assert_int_equal(irp->CurrentLocation, 2);
    assert_int_equal(irp->IoStatus.Status, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, keep_irp, &marker, TRUE, FALSE, FALSE);
    serve(irp, STATUS_CONNECTION_REFUSED, false);
    assert_int_equal(routine_seen.calls, 1);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);
    assert_int_equal(vf_violation_count(), 1);

    /* completing it again without IoReuseIrp is a second completion */
    vf_reset();
    serve(irp, STATUS_SUCCESS, false);
    assert_int_equal(vf_violation_count_of(VF_IRP_COMPLETED_TWICE), 1);
    IoReuseIrp(irp, STATUS_SUCCESS);

    /* IoCancelIrp calls the cancel routine the provider set, with the cancel lock held */
    vf_reset();
    IoSetCompletionRoutine(irp, keep_irp, &marker, TRUE, TRUE, TRUE);
    IoSetNextIrpStackLocation(irp);
    IoSetCancelRoutine(irp, on_cancel_complete);
    assert_true(IoCancelIrp(irp));
    assert_true(irp->Cancel);
    assert_int_equal(routine_seen.calls, 2);
    assert_int_equal(routine_seen.status, STATUS_CANCELLED);
    assert_false(IoCancelIrp(irp)); /* no cancel routine any more */
    IoFreeIrp(irp);
    assert_int_equal(vf_violation_count(), 0);
    IoFreeIrp(irp);
    assert_int_equal(vf_violation_count_of(VF_FREE_INVALID), 1);
    vf_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_close),
        cmocka_unit_test(test_buffered_and_direct),
        cmocka_unit_test(test_access_bits),
        cmocka_unit_test(test_pending_and_cancel),
        cmocka_unit_test(test_device_deleted_while_open),
        cmocka_unit_test(test_close_answers_every_abandoned_request),
        cmocka_unit_test(test_guard_page),
        cmocka_unit_test(test_driver_allocated_irp),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
