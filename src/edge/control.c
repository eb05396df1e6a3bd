/* The user side of a driver's control devices: what a Windows program does with them, played
 * by OpenNDIS. edge_control_exercise is verify's client: it opens each device the driver made
 * and sends it the requests any program may send (control codes of each method, reads,
 * writes, a cancel, a close), so the IRP rules are checked on the driver's own dispatch code. */
#include <stdatomic.h>
#include <unistd.h>

#include "edge.h"
#include "../kernel/irp.h"

struct edge_exercise {
    atomic_uint ended;
};

static void edge_exercise_done(void *context, NTSTATUS status, ULONG_PTR information, const void *out, size_t out_len)
{
    (void)status, (void)information, (void)out, (void)out_len;
    atomic_fetch_add(&((struct edge_exercise *)context)->ended, 1);
}

static void edge_exercise_device(struct ke_process *client, PDEVICE_OBJECT d, struct edge_exercise *x)
{
    struct ke_file *f;
    if (!NT_SUCCESS(ke_io_open_device(client, d, FILE_READ_DATA | FILE_WRITE_DATA, &f)))
        return;
    UCHAR in[64], out_in[64];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (UCHAR)(i * 7 + 1), out_in[i] = (UCHAR)~i;
    uint64_t tag = 1;
    for (ULONG method = METHOD_BUFFERED; method <= METHOD_OUT_DIRECT; method++)
        for (size_t len = 0; len <= 16; len += 16) {
            struct ke_io_request r = { .major = IRP_MJ_DEVICE_CONTROL,
                                       .code = CTL_CODE(d->DeviceType, 0x800, method, FILE_ANY_ACCESS),
                                       .in = in, .in_len = len, .out_len = len, .out_in = out_in,
                                       .tag = tag++, .done = edge_exercise_done, .context = x };
            ke_io_submit(f, &r);
        }
    if (d->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO)) {
        struct ke_io_request w = { .major = IRP_MJ_WRITE, .in = in, .in_len = sizeof in, .tag = tag++,
                                   .done = edge_exercise_done, .context = x };
        ke_io_submit(f, &w);
        struct ke_io_request r = { .major = IRP_MJ_READ, .out_len = sizeof in, .tag = tag++,
                                   .done = edge_exercise_done, .context = x };
        ke_io_submit(f, &r);
        ke_io_cancel(f, r.tag, false); /* a read with nothing to read waits: cancel it as CancelIoEx does */
    }
    ke_io_close(f);
}

void edge_control_exercise(PDRIVER_OBJECT driver)
{
    struct ke_process *client = ke_process_create(getpid(), getuid(), getgid(), "openndis verify");
    if (client == NULL)
        return;
    struct edge_exercise x = { 0 };
    /* a snapshot: a driver's dispatch routine may create or delete devices */
    PDEVICE_OBJECT list[16];
    size_t n = 0;
    for (PDEVICE_OBJECT d = driver->DeviceObject; d != NULL && n < sizeof list / sizeof *list; d = d->NextDevice)
        list[n++] = d;
    for (size_t i = 0; i < n; i++)
        if (ke_device_exists(list[i]))
            edge_exercise_device(client, list[i], &x);
    ke_process_destroy(client);
}
