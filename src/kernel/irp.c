/* The I/O manager's requests: files a client opens on a device, and the IRPs its reads,
 * writes and control requests become. One IRP per request, with one stack location, built as
 * Windows builds it for a user-mode caller: buffered I/O through a system buffer, direct I/O
 * through an MDL, the buffer choice for reads and writes taken from the device's flags and for
 * control requests from the code's method. Buffers end at a guard page, so a driver running
 * past the length it was given faults at once instead of corrupting its neighbour.
 *
 * An IRP lives until both the dispatch routine has returned and the IRP was completed: the
 * checks that need both (STATUS_PENDING without IoMarkIrpPending) can then be made safely. */
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <wdmsec.h>

#include "irp.h"
#include "ke.h"

#define KE_IRP_COMPLETED 0x4000000u /* in Irp->Flags of IRPs not ours: a bit Windows leaves to the I/O manager */

struct ke_file {
    FILE_OBJECT object; /* first: a PFILE_OBJECT is a struct ke_file * */
    struct ke_process *process;
    ACCESS_MASK granted;
    pthread_mutex_t lock;
    pthread_cond_t idle; /* signalled when the last outstanding request ends */
    LIST_ENTRY irps;     /* outstanding requests */
    size_t outstanding;  /* requests the driver has not completed (in `irps`) */
    size_t completing;   /* completed, their requester being answered: the file must live on */
    size_t abandoned;    /* requests the driver never completed: they still point here */
};

struct ke_irp {
    IRP irp; /* first, with its stack location after it, as Windows lays them out */
    IO_STACK_LOCATION stack;
    MDL mdl;
    struct ke_file *file;
    void *buffer;          /* the system buffer or the MDL's pages */
    void *input;           /* direct I/O's separate system buffer for the input, or NULL */
    void *map;             /* the buffer's mapping, guard page included */
    size_t map_len;
    size_t out_len;        /* what may go back to the requester */
    bool copy_back;        /* buffered or direct output */
    atomic_int refs;       /* dispatch + completion */
    atomic_bool completed;
    bool abandoned;        /* never completed by the driver: already reported, done already called */
    uint64_t tag;
    ke_io_done *done;
    void *context;
    PDRIVER_DISPATCH dispatch; /* for reports */
    LIST_ENTRY link;       /* file->irps */
};

PDRIVER_DISPATCH (*_Atomic ke_io_dispatch_target)(PDEVICE_OBJECT d, UCHAR major, PDRIVER_DISPATCH installed);
static atomic_uint ke_io_close_wait_ms = 2000;
static atomic_bool ke_io_guard = true;
static KSPIN_LOCK ke_cancel_lock;
/* Our live IRPs: IofCompleteRequest also sees IRPs drivers and tests build, which must not be
 * read past their end to look for a mark. */
static pthread_mutex_t ke_irps_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ke_ptrmap ke_irps;

void ke_io_set_close_wait(unsigned ms)
{
    atomic_store(&ke_io_close_wait_ms, ms);
}

static const char *ke_major_name(UCHAR major)
{
    switch (major) {
    case IRP_MJ_CREATE: return "IRP_MJ_CREATE";
    case IRP_MJ_CLOSE: return "IRP_MJ_CLOSE";
    case IRP_MJ_READ: return "IRP_MJ_READ";
    case IRP_MJ_WRITE: return "IRP_MJ_WRITE";
    case IRP_MJ_DEVICE_CONTROL: return "IRP_MJ_DEVICE_CONTROL";
    case IRP_MJ_INTERNAL_DEVICE_CONTROL: return "IRP_MJ_INTERNAL_DEVICE_CONTROL";
    case IRP_MJ_CLEANUP: return "IRP_MJ_CLEANUP";
    default: return "IRP";
    }
}

/* ---- buffers with a guard page after their end ------------------------------------------- */

/* Small buffers (one page and its guard) are kept for reuse: mapping, protecting and unmapping
 * them for each request would cost more than the request itself. */
#define KE_GUARD_CACHE 64
static pthread_mutex_t ke_guard_lock = PTHREAD_MUTEX_INITIALIZER;
static void *ke_guard_cache[KE_GUARD_CACHE];
static size_t ke_guard_cached;

static void *ke_guard_cache_take(void)
{
    pthread_mutex_lock(&ke_guard_lock);
    void *m = ke_guard_cached ? ke_guard_cache[--ke_guard_cached] : NULL;
    pthread_mutex_unlock(&ke_guard_lock);
    return m;
}

static bool ke_guard_cache_put(void *m)
{
    pthread_mutex_lock(&ke_guard_lock);
    bool kept = ke_guard_cached < KE_GUARD_CACHE;
    if (kept)
        ke_guard_cache[ke_guard_cached++] = m;
    pthread_mutex_unlock(&ke_guard_lock);
    return kept;
}

static bool ke_irp_buffer(struct ke_irp *k, size_t len)
{
    if (len == 0)
        return true;
    size_t rounded = (len + 15) & ~(size_t)15;
    if (!atomic_load(&ke_io_guard)) {
        k->buffer = k->map = calloc(1, rounded);
        k->map_len = 0;
        return k->buffer != NULL;
    }
    size_t data = (rounded + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
    void *m = data == PAGE_SIZE ? ke_guard_cache_take() : NULL;
    if (m == NULL) {
        m = mmap(NULL, data + PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return false;
        if (mprotect((char *)m + data, PAGE_SIZE, PROT_NONE) != 0) {
            munmap(m, data + PAGE_SIZE);
            return false;
        }
    } else {
        memset((char *)m + data - rounded, 0, rounded); /* what the last request left is not this one's */
    }
    k->map = m;
    k->map_len = data + PAGE_SIZE;
    k->buffer = (char *)m + data - rounded; /* 16-byte aligned, ending where the guard starts */
    return true;
}

static void ke_irp_free(struct ke_irp *k)
{
    pthread_mutex_lock(&ke_irps_lock);
    ke_ptrmap_remove(&ke_irps, k);
    pthread_mutex_unlock(&ke_irps_lock);
    bool cached = k->map_len == 2 * PAGE_SIZE && ke_guard_cache_put(k->map);
    if (!cached && k->map_len != 0)
        munmap(k->map, k->map_len);
    else if (k->map_len == 0)
        free(k->map);
    free(k);
}

static void ke_irp_unref(struct ke_irp *k)
{
    if (atomic_fetch_sub(&k->refs, 1) == 1)
        ke_irp_free(k);
}

static struct ke_irp *ke_irp_of(PIRP irp)
{
    uintptr_t v = 0;
    pthread_mutex_lock(&ke_irps_lock);
    bool ours = irp != NULL && ke_ptrmap_get(&ke_irps, irp, &v);
    pthread_mutex_unlock(&ke_irps_lock);
    return ours ? (struct ke_irp *)irp : NULL;
}

static bool ke_io_control(UCHAR major)
{
    return major == IRP_MJ_DEVICE_CONTROL || major == IRP_MJ_INTERNAL_DEVICE_CONTROL;
}

/* ---- building and sending ------------------------------------------------------------------ */

static struct ke_irp *ke_irp_new(struct ke_file *f, UCHAR major)
{
    struct ke_irp *k = calloc(1, sizeof *k);
    if (k == NULL)
        return NULL;
    pthread_mutex_lock(&ke_irps_lock);
    bool tracked = ke_ptrmap_put(&ke_irps, k, 1);
    pthread_mutex_unlock(&ke_irps_lock);
    if (!tracked) {
        free(k);
        return NULL;
    }
    k->file = f;
    PIRP irp = &k->irp;
    irp->Type = 6; /* IO_TYPE_IRP */
    irp->Size = (USHORT)sizeof *k;
    irp->StackCount = 1;
    irp->CurrentLocation = 1;
    irp->RequestorMode = UserMode;
    irp->IoStatus.Status = STATUS_PENDING; /* until the driver sets it */
    irp->Tail.Overlay.CurrentStackLocation = &k->stack;
    irp->Tail.Overlay.OriginalFileObject = &f->object;
    irp->Tail.Overlay.Thread = ke_process_eprocess(f->process);
    InitializeListHead(&irp->ThreadListEntry);
    k->stack.MajorFunction = major;
    k->stack.DeviceObject = f->object.DeviceObject;
    k->stack.FileObject = &f->object;
    atomic_init(&k->refs, 2);
    return k;
}

/* Describes the request's buffers in the IRP; false when out of memory. */
static bool ke_irp_buffers(struct ke_irp *k, const struct ke_io_request *r, PDEVICE_OBJECT d)
{
    PIRP irp = &k->irp;
    PIO_STACK_LOCATION sl = &k->stack;
    ULONG method = METHOD_BUFFERED;
    size_t in = r->in_len, out = r->out_len;
    bool control = ke_io_control(r->major);
    if (control) {
        method = r->code & 3;
        sl->Parameters.DeviceIoControl.IoControlCode = r->code;
        sl->Parameters.DeviceIoControl.InputBufferLength = (ULONG)in;
        sl->Parameters.DeviceIoControl.OutputBufferLength = (ULONG)out;
    } else {
        method = d->Flags & DO_BUFFERED_IO ? METHOD_BUFFERED : d->Flags & DO_DIRECT_IO ? METHOD_OUT_DIRECT : METHOD_NEITHER;
        if (r->major == IRP_MJ_WRITE) {
            sl->Parameters.Write.Length = (ULONG)in;
            out = 0;
        } else {
            sl->Parameters.Read.Length = (ULONG)out;
            in = 0;
        }
    }
    switch (method) {
    case METHOD_BUFFERED: /* one system buffer: input in, output back out */
        if (!ke_irp_buffer(k, in > out ? in : out))
            return false;
        if (in)
            memcpy(k->buffer, r->in, in);
        irp->AssociatedIrp.SystemBuffer = k->buffer;
        irp->Flags = IRP_BUFFERED_IO | (out ? IRP_INPUT_OPERATION : 0) | (k->buffer ? IRP_DEALLOCATE_BUFFER : 0);
        k->out_len = out;
        k->copy_back = out != 0;
        return true;
    case METHOD_IN_DIRECT:
    case METHOD_OUT_DIRECT: {
        /* control requests: input buffered, the output buffer behind an MDL; reads and writes:
         * the one buffer behind the MDL */
        size_t sys = control ? in : 0, mdl = control ? out : in + out;
        if (sys != 0) {
            void *b = malloc(sys);
            if (b == NULL)
                return false;
            memcpy(b, r->in, sys);
            irp->AssociatedIrp.SystemBuffer = k->input = b;
            irp->Flags = IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
        }
        if (mdl != 0) {
            if (!ke_irp_buffer(k, mdl))
                return false;
            const void *src = control ? (method == METHOD_IN_DIRECT ? r->out_in : NULL) : r->in;
            if (src != NULL)
                memcpy(k->buffer, src, mdl);
            MmInitializeMdl(&k->mdl, k->buffer, mdl);
            k->mdl.MdlFlags = MDL_PAGES_LOCKED | (method == METHOD_OUT_DIRECT && out ? MDL_WRITE_OPERATION : 0);
            k->mdl.Process = ke_process_eprocess(k->file->process);
            irp->MdlAddress = (struct _MDL *)&k->mdl;
        }
        k->out_len = method == METHOD_OUT_DIRECT ? out : 0;
        k->copy_back = k->out_len != 0;
        return true;
    }
    default: /* neither: the driver gets the client's own addresses (in memory it shared) */
        if (r->major == IRP_MJ_WRITE) {
            irp->UserBuffer = (PVOID)r->user_in;
        } else if (r->major == IRP_MJ_READ) {
            irp->UserBuffer = (PVOID)r->user_out;
        } else {
            sl->Parameters.DeviceIoControl.Type3InputBuffer = (PVOID)r->user_in;
            irp->UserBuffer = (PVOID)r->user_out;
        }
        k->out_len = 0; /* the driver writes the client's pages itself: nothing to copy back */
        return true;
    }
}

/* The system buffer of direct control requests was allocated apart from the MDL's pages. */
static void ke_irp_release_buffers(struct ke_irp *k)
{
    free(k->input);
    k->input = NULL;
    k->irp.AssociatedIrp.SystemBuffer = NULL;
}

/* Calls the device's dispatch routine for the IRP, on behalf of the file's process, and
 * checks what it returned against what it did. Drops the dispatch reference. */
static NTSTATUS ke_irp_dispatch(struct ke_irp *k)
{
    PDEVICE_OBJECT d = k->file->object.DeviceObject;
    UCHAR major = k->stack.MajorFunction;
    PDRIVER_DISPATCH fn = d->DriverObject->MajorFunction[major];
    PDRIVER_DISPATCH (*target)(PDEVICE_OBJECT, UCHAR, PDRIVER_DISPATCH) = atomic_load(&ke_io_dispatch_target);
    k->dispatch = target != NULL && fn != NULL ? target(d, major, fn) : fn;
    NTSTATUS s;
    if (fn == NULL) {
        /* no routine: what the I/O manager's default answers */
        k->irp.IoStatus.Status = s = STATUS_INVALID_DEVICE_REQUEST;
        IofCompleteRequest(&k->irp, IO_NO_INCREMENT);
    } else {
        struct ke_process *previous = ke_process_enter(k->file->process);
        KIRQL irql = ke_current_irql;
        s = KE_DRIVER_CALL(fn, d, &k->irp);
        ke_irql_after_handler(irql, ke_major_name(major), (const void *)k->dispatch);
        ke_process_leave(previous);
    }
    if (s == STATUS_PENDING) {
        if (!(k->stack.Control & SL_PENDING_RETURNED) && !k->irp.PendingReturned)
            vf_report(VF_IRP_PENDING_MISMATCH, ke_major_name(major), (const void *)k->dispatch, true,
                      "the %s dispatch routine returned STATUS_PENDING without calling IoMarkIrpPending first",
                      ke_major_name(major));
    } else if (!atomic_load(&k->completed)) {
        vf_report(VF_IRP_PENDING_MISMATCH, ke_major_name(major), (const void *)k->dispatch, true,
                  "the %s dispatch routine returned 0x%08x without completing the IRP (a routine that keeps an IRP "
                  "must mark it pending and return STATUS_PENDING)",
                  ke_major_name(major), (unsigned)s);
    }
    ke_irp_unref(k);
    return s;
}

/* The driver completed one of our IRPs (IofCompleteRequest): checks, hands the result to the
 * requester, drops the completion reference. */
static void ke_irp_complete(struct ke_irp *k, const void *site)
{
    PIRP irp = &k->irp;
    if (atomic_exchange(&k->completed, true)) {
        vf_violation(VF_IRP_COMPLETED_TWICE, "IoCompleteRequest", site, "%s IRP %p completed twice",
                     ke_major_name(k->stack.MajorFunction), (void *)irp);
        return; /* the first completion owns it */
    }
    if (irp->CancelRoutine != NULL)
        vf_violation(VF_IRP_COMPLETED_CANCELABLE, "IoCompleteRequest", site,
                     "%s IRP %p completed while its cancel routine is still set (call IoSetCancelRoutine(Irp, NULL) "
                     "first, and complete it only if that returned non-NULL)",
                     ke_major_name(k->stack.MajorFunction), (void *)irp);
    NTSTATUS status = irp->IoStatus.Status;
    if (status == STATUS_PENDING) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "IoCompleteRequest", site,
                     "IRP %p completed with STATUS_PENDING, which is not a final status", (void *)irp);
        status = STATUS_UNSUCCESSFUL;
    }
    irp->PendingReturned = (k->stack.Control & SL_PENDING_RETURNED) != 0;
    ULONG_PTR info = irp->IoStatus.Information;
    size_t back = 0;
    if (k->copy_back && !NT_ERROR(status)) {
        back = info;
        if (info > k->out_len) {
            vf_violation(VF_IRP_INFORMATION_TOO_LARGE, "IoCompleteRequest", site,
                         "%s IRP %p completed with IoStatus.Information %zu, larger than the %zu-byte output buffer",
                         ke_major_name(k->stack.MajorFunction), (void *)irp, (size_t)info, k->out_len);
            back = k->out_len;
        }
    }
    struct ke_file *f = k->file;
    /* off the list at once (close no longer finds it), but counted as completing until the
     * requester has its answer: close must not free the file under this thread */
    pthread_mutex_lock(&f->lock);
    bool abandoned = k->abandoned;
    if (!abandoned) {
        RemoveEntryList(&k->link);
        f->outstanding--;
        f->completing++;
    }
    pthread_mutex_unlock(&f->lock);
    if (!abandoned && k->done != NULL)
        k->done(k->context, status, info, back ? k->buffer : NULL, back);
    ke_irp_release_buffers(k);
    if (!abandoned) {
        pthread_mutex_lock(&f->lock);
        f->completing--;
        pthread_cond_broadcast(&f->idle);
        pthread_mutex_unlock(&f->lock);
    }
    ke_irp_unref(k);
}

/* IRPs a driver builds (irp_driver.c) or is handed by tests (not ours): their completion
 * routines, then their status block and event. */
NTKERNELAPI VOID IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
    const void *site = VF_CALLER;
    (void)PriorityBoost;
    ke_irql_at_most(DISPATCH_LEVEL, "IoCompleteRequest", site);
    struct ke_irp *k = ke_irp_of(Irp);
    if (k != NULL) {
        ke_irp_complete(k, site);
        return;
    }
    if (Irp->Flags & KE_IRP_COMPLETED) {
        vf_violation(VF_IRP_COMPLETED_TWICE, "IoCompleteRequest", site, "IRP %p completed twice", (void *)Irp);
        return;
    }
    if (Irp->IoStatus.Status == STATUS_PENDING)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "IoCompleteRequest", site,
                     "IRP %p completed with STATUS_PENDING, which is not a final status", (void *)Irp);
    Irp->Flags |= KE_IRP_COMPLETED;
    if (!ke_irp_run_completions(Irp, site))
        return;
    if (Irp->UserIosb != NULL)
        *Irp->UserIosb = Irp->IoStatus;
    if (Irp->UserEvent != NULL)
        KeSetEvent(Irp->UserEvent, 0, FALSE);
}

/* Links a new IRP into its file before the driver sees it (cancel and close find it there). */
static void ke_irp_track(struct ke_irp *k, uint64_t tag, ke_io_done *done, void *context)
{
    k->tag = tag;
    k->done = done;
    k->context = context;
    pthread_mutex_lock(&k->file->lock);
    InsertTailList(&k->file->irps, &k->link);
    k->file->outstanding++;
    pthread_mutex_unlock(&k->file->lock);
}

/* A synchronous request of the I/O manager's own (CREATE, CLEANUP, CLOSE): waits for it. */
struct ke_sync {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
    NTSTATUS status;
};

static void ke_sync_done(void *context, NTSTATUS status, ULONG_PTR information, const void *out, size_t out_len)
{
    (void)information, (void)out, (void)out_len;
    struct ke_sync *s = context;
    pthread_mutex_lock(&s->lock);
    s->done = true;
    s->status = status;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

/* An absolute CLOCK_REALTIME time `ms` from now, for pthread_cond_timedwait. */
static struct timespec ke_io_deadline(unsigned ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static NTSTATUS ke_io_sync(struct ke_file *f, UCHAR major)
{
    struct ke_sync s = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, STATUS_PENDING };
    struct ke_irp *k = ke_irp_new(f, major);
    if (k == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    ke_irp_track(k, UINT64_MAX, ke_sync_done, &s);
    ke_irp_dispatch(k);
    struct timespec until = ke_io_deadline(atomic_load(&ke_io_close_wait_ms));
    pthread_mutex_lock(&s.lock);
    while (!s.done)
        if (pthread_cond_timedwait(&s.cond, &s.lock, &until) != 0)
            break;
    bool done = s.done;
    pthread_mutex_unlock(&s.lock);
    if (done)
        return s.status;
    /* the driver pended it and never completed it: report, and let a late completion find nothing */
    pthread_mutex_lock(&f->lock);
    bool still = !atomic_load(&k->completed);
    if (still) {
        k->abandoned = true;
        RemoveEntryList(&k->link);
        f->outstanding--;
        f->abandoned++;
    }
    pthread_mutex_unlock(&f->lock);
    if (!still) { /* it completed between the wait and the lock */
        pthread_mutex_lock(&s.lock);
        while (!s.done)
            pthread_cond_wait(&s.cond, &s.lock);
        pthread_mutex_unlock(&s.lock);
        return s.status;
    }
    vf_report(VF_IRP_NEVER_COMPLETED, ke_major_name(major), (const void *)k->dispatch, true,
              "the %s IRP this routine pended was not completed within %u ms", ke_major_name(major),
              atomic_load(&ke_io_close_wait_ms));
    return STATUS_CANCELLED;
}

/* An abandoned IRP still points at its file: such a file is kept (a small leak per driver bug). */
static void ke_file_free(struct ke_file *f)
{
    pthread_mutex_lock(&f->lock);
    bool keep = f->abandoned != 0;
    pthread_mutex_unlock(&f->lock);
    if (keep)
        return;
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->idle);
    free(f);
}

NTSTATUS ke_io_open(struct ke_process *p, const char *name, ACCESS_MASK desired, struct ke_file **file)
{
    *file = NULL;
    PDEVICE_OBJECT d = ke_device_lookup(name);
    if (d == NULL)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    return ke_io_open_device(p, d, desired, file);
}

NTSTATUS ke_io_open_device(struct ke_process *p, PDEVICE_OBJECT d, ACCESS_MASK desired, struct ke_file **file)
{
    *file = NULL;
    ACCESS_MASK granted = 0;
    NTSTATUS s = ke_device_open(d, p, desired, &granted);
    if (!NT_SUCCESS(s))
        return s;
    struct ke_file *f = calloc(1, sizeof *f);
    if (f == NULL) {
        ke_device_close(d);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    f->object.Type = IO_TYPE_FILE;
    f->object.Size = (CSHORT)sizeof f->object;
    f->object.DeviceObject = d;
    f->object.ReadAccess = (granted & FILE_READ_DATA) != 0;
    f->object.WriteAccess = (granted & FILE_WRITE_DATA) != 0;
    KeInitializeEvent(&f->object.Lock, SynchronizationEvent, FALSE);
    KeInitializeEvent(&f->object.Event, NotificationEvent, FALSE);
    InitializeListHead(&f->object.IrpList);
    f->process = p;
    ke_process_ref(p);
    f->granted = granted;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->idle, NULL);
    InitializeListHead(&f->irps);
    s = ke_io_sync(f, IRP_MJ_CREATE);
    if (!NT_SUCCESS(s)) {
        /* a failed create is never closed: the driver has no state for it */
        ke_process_unref(p);
        ke_device_close(d);
        ke_file_free(f);
        return s;
    }
    *file = f;
    return STATUS_SUCCESS;
}

PDEVICE_OBJECT ke_io_file_device(const struct ke_file *f)
{
    return f->object.DeviceObject;
}

size_t ke_io_file_outstanding(struct ke_file *f)
{
    pthread_mutex_lock(&f->lock);
    size_t n = f->outstanding;
    pthread_mutex_unlock(&f->lock);
    return n;
}

/* Neither I/O hands the driver the client's own addresses. Windows passes any address and
 * leaves the probe to the driver; here they must lie in memory the client shared (the only
 * memory of its that exists in this process), or a hostile client could make a driver that
 * probes correctly touch the host's own memory. */
static bool ke_io_user_buffers_ok(const struct ke_file *f, const struct ke_io_request *r, size_t in, size_t out)
{
    return (in == 0 || ke_process_range_ok(f->process, (const void *)r->user_in, in, false)) &&
           (out == 0 || ke_process_range_ok(f->process, (const void *)r->user_out, out, true));
}

void ke_io_submit(struct ke_file *f, const struct ke_io_request *r)
{
    NTSTATUS refused = STATUS_SUCCESS;
    bool control = ke_io_control(r->major);
    if (!control && r->major != IRP_MJ_READ && r->major != IRP_MJ_WRITE)
        refused = STATUS_INVALID_PARAMETER;
    else if (r->in_len > KE_IO_MAX_BUFFER || r->out_len > KE_IO_MAX_BUFFER ||
             (r->in_len && r->in == NULL && !(control && (r->code & 3) == METHOD_NEITHER)))
        refused = STATUS_INVALID_USER_BUFFER;
    else if (control) {
        /* the code's access bits ask for what the file was opened with */
        ULONG access = (r->code >> 14) & 3;
        if (((access & FILE_READ_ACCESS) && !(f->granted & FILE_READ_DATA)) ||
            ((access & FILE_WRITE_ACCESS) && !(f->granted & FILE_WRITE_DATA)))
            refused = STATUS_ACCESS_DENIED;
        else if ((r->code & 3) == METHOD_NEITHER && !ke_io_user_buffers_ok(f, r, r->in_len, r->out_len))
            refused = STATUS_ACCESS_VIOLATION;
    } else if (!(f->granted & (r->major == IRP_MJ_READ ? FILE_READ_DATA : FILE_WRITE_DATA)))
        refused = STATUS_ACCESS_DENIED;
    else {
        ULONG flags = f->object.DeviceObject->Flags;
        if (!(flags & (DO_BUFFERED_IO | DO_DIRECT_IO)) &&
            !ke_io_user_buffers_ok(f, r, r->major == IRP_MJ_WRITE ? r->in_len : 0,
                                   r->major == IRP_MJ_READ ? r->out_len : 0))
            refused = STATUS_ACCESS_VIOLATION;
    }
    struct ke_irp *k = NULL;
    if (refused == STATUS_SUCCESS) {
        k = ke_irp_new(f, r->major);
        if (k == NULL || !ke_irp_buffers(k, r, f->object.DeviceObject)) {
            if (k != NULL) {
                ke_irp_release_buffers(k);
                ke_irp_free(k);
            }
            k = NULL;
            refused = STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    if (k == NULL) {
        if (r->done != NULL)
            r->done(r->context, refused, 0, NULL, 0);
        return;
    }
    ke_irp_track(k, r->tag, r->done, r->context);
    ke_irp_dispatch(k);
}

/* CancelIoEx: IoCancelIrp (irp_driver.c) on behalf of the requester's process. k holds a
 * reference. */
static void ke_irp_cancel(struct ke_irp *k)
{
    struct ke_process *previous = ke_process_enter(k->file->process);
    IoCancelIrp(&k->irp);
    ke_process_leave(previous);
}

bool ke_io_cancel(struct ke_file *f, uint64_t tag, bool all)
{
    bool found = false;
    for (;;) {
        /* one at a time, holding a reference: the cancel routine may complete (and end) it */
        struct ke_irp *k = NULL;
        pthread_mutex_lock(&f->lock);
        for (PLIST_ENTRY e = f->irps.Flink; e != &f->irps; e = e->Flink) {
            struct ke_irp *c = CONTAINING_RECORD(e, struct ke_irp, link);
            if ((all || c->tag == tag) && !c->irp.Cancel && !atomic_load(&c->completed)) {
                k = c;
                atomic_fetch_add(&k->refs, 1);
                k->irp.Cancel = TRUE; /* seen by this loop; set again under the cancel lock */
                break;
            }
        }
        pthread_mutex_unlock(&f->lock);
        if (k == NULL)
            return found;
        found = true;
        ke_irp_cancel(k);
        ke_irp_unref(k);
        if (!all)
            return true;
    }
}

/* Under the file's lock. */
static struct ke_irp *ke_file_first_uncompleted(struct ke_file *f)
{
    for (PLIST_ENTRY e = f->irps.Flink; e != &f->irps; e = e->Flink) {
        struct ke_irp *k = CONTAINING_RECORD(e, struct ke_irp, link);
        if (!atomic_load(&k->completed))
            return k;
    }
    return NULL;
}

void ke_io_close(struct ke_file *f)
{
    ke_io_sync(f, IRP_MJ_CLEANUP);
    /* what the driver still holds after CLEANUP: Windows waits; here the wait is bounded */
    unsigned ms = atomic_load(&ke_io_close_wait_ms);
    struct timespec until = ke_io_deadline(ms);
    pthread_mutex_lock(&f->lock);
    while (f->outstanding != 0)
        if (pthread_cond_timedwait(&f->idle, &f->lock, &until) != 0)
            break;
    /* never completed: each reported, answered as cancelled, and left to the driver (one the
     * driver is completing this instant is its completer's to answer) */
    struct ke_irp *k;
    while ((k = ke_file_first_uncompleted(f)) != NULL) {
        RemoveEntryList(&k->link);
        k->abandoned = true;
        f->outstanding--;
        f->abandoned++;
        atomic_fetch_add(&k->refs, 1);
        pthread_mutex_unlock(&f->lock);
        vf_report(VF_IRP_NEVER_COMPLETED, ke_major_name(k->stack.MajorFunction), (const void *)k->dispatch, true,
                  "an %s IRP this routine pended was still not completed %u ms after IRP_MJ_CLEANUP",
                  ke_major_name(k->stack.MajorFunction), ms);
        if (k->done != NULL)
            k->done(k->context, STATUS_CANCELLED, 0, NULL, 0);
        ke_irp_unref(k);
        pthread_mutex_lock(&f->lock);
    }
    /* what is left is being completed right now, on another thread: wait for it */
    while (f->outstanding != 0 || f->completing != 0)
        pthread_cond_wait(&f->idle, &f->lock);
    pthread_mutex_unlock(&f->lock);
    ke_io_sync(f, IRP_MJ_CLOSE);
    PDEVICE_OBJECT d = f->object.DeviceObject;
    ke_process_unref(f->process);
    ke_file_free(f);
    ke_device_close(d);
}

/* ---- the cancel spin lock ------------------------------------------------------------------ */

NTKERNELAPI VOID IoAcquireCancelSpinLock(PKIRQL Irql)
{
    *Irql = KfAcquireSpinLock(&ke_cancel_lock);
}

NTKERNELAPI VOID IoReleaseCancelSpinLock(KIRQL Irql)
{
    KfReleaseSpinLock(&ke_cancel_lock, Irql);
}
