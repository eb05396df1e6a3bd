/* The I/O manager's user side (irp.c): what a user-mode client's CreateFile, DeviceIoControl,
 * ReadFile, WriteFile, CancelIoEx and CloseHandle become. Each turns into an IRP with the
 * Windows x64 layout, sent to the device's driver through its DRIVER_OBJECT's MajorFunction
 * table, on behalf of the client's process (IoGetCurrentProcess, access checks). */
#ifndef OPENNDIS_IRP_H
#define OPENNDIS_IRP_H

#include "ob.h"

struct ke_file; /* a FILE_OBJECT a client opened */

/* How a request ended: the final status, IoStatus.Information, and the bytes that go back to
 * the requester (buffered or direct output; none for an error status). Runs exactly once per
 * request, on whichever thread completes the IRP, possibly before ke_io_submit returns. */
typedef void ke_io_done(void *context, NTSTATUS status, ULONG_PTR information, const void *out, size_t out_len);

struct ke_io_request {
    UCHAR major;        /* IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_(INTERNAL_)DEVICE_CONTROL */
    ULONG code;         /* the control code (its method picks buffered, direct or neither I/O) */
    const void *in;     /* input bytes (DeviceIoControl input, WriteFile data) */
    size_t in_len;
    size_t out_len;     /* output buffer size (DeviceIoControl output, ReadFile length) */
    const void *out_in; /* METHOD_IN_DIRECT: the output buffer's contents, which the driver reads */
    uintptr_t user_in;  /* neither I/O (METHOD_NEITHER, devices with neither DO_ flag): the client's */
    uintptr_t user_out; /* own input and output addresses, which must lie in memory it shared */
    uint64_t tag;       /* the requester's name for it (ke_io_cancel) */
    ke_io_done *done;
    void *context;
};

/* The largest buffer one request may carry each way. */
#define KE_IO_MAX_BUFFER (1u << 20)

/* Opens device `name` (a symbolic link or \Device\ name) for process p: checks the device's
 * security descriptor for `desired` access, makes the FILE_OBJECT and sends IRP_MJ_CREATE,
 * waiting for it when the driver pends it. STATUS_OBJECT_NAME_NOT_FOUND for no such device. */
OPENNDIS_API NTSTATUS ke_io_open(struct ke_process *p, const char *name, ACCESS_MASK desired, struct ke_file **file);
/* The same for a device object known by its address (it may be unnamed). */
OPENNDIS_API NTSTATUS ke_io_open_device(struct ke_process *p, PDEVICE_OBJECT d, ACCESS_MASK desired,
                                        struct ke_file **file);
/* Sends a request on an open file; its end is reported through r->done. */
OPENNDIS_API void ke_io_submit(struct ke_file *f, const struct ke_io_request *r);
/* CancelIoEx for the request called `tag` (all of the file's when `all`): sets Irp->Cancel and
 * calls the IRP's cancel routine, if it has one. False when no such request is outstanding. */
OPENNDIS_API bool ke_io_cancel(struct ke_file *f, uint64_t tag, bool all);
/* CloseHandle: IRP_MJ_CLEANUP, then waits (bounded) for the file's outstanding requests,
 * then IRP_MJ_CLOSE. A request the driver never completes is a finding (IrpNeverCompleted),
 * its `done` reported with STATUS_CANCELLED. Frees f. */
OPENNDIS_API void ke_io_close(struct ke_file *f);
/* The file's device, and how many of its requests are outstanding (for `openndis devices`). */
OPENNDIS_API PDEVICE_OBJECT ke_io_file_device(const struct ke_file *f);
OPENNDIS_API size_t ke_io_file_outstanding(struct ke_file *f);
/* How long ke_io_close waits for outstanding requests after CLEANUP (ms; default 2000). */
OPENNDIS_API void ke_io_set_close_wait(unsigned ms);

/* The routine findings name for an IRP to device d: the layer that owns a driver's
 * MajorFunction table (NDIS) installs this to see through its own forwarder. */
extern PDRIVER_DISPATCH (*_Atomic ke_io_dispatch_target)(PDEVICE_OBJECT d, UCHAR major, PDRIVER_DISPATCH installed);

/* device.c: one line per named device: its name, the links to it, how many files are open
 * on it. Returns the length written (at most cap - 1, NUL-terminated). */
OPENNDIS_API size_t ke_io_describe(char *out, size_t cap);
/* device.c: calls fn with each symbolic link whose device exists ("\??\X", ASCII, other
 * characters as '?'), under the I/O namespace's lock: fn only copies. */
OPENNDIS_API void ke_io_links_each(void (*fn)(const char *link, void *arg), void *arg);
/* device.c: an open on a device: its security check, exclusivity and reference. */
NTSTATUS ke_device_open(PDEVICE_OBJECT d, struct ke_process *p, ACCESS_MASK desired, ACCESS_MASK *granted);
void ke_device_close(PDEVICE_OBJECT d);
/* irp_driver.c: the completion routines of an IRP not ours, from its current stack location
 * up; false when one kept the IRP (STATUS_MORE_PROCESSING_REQUIRED) or it was the driver's
 * own and must not be finished further. */
bool ke_irp_run_completions(PIRP Irp, const void *site);

#endif /* OPENNDIS_IRP_H */
