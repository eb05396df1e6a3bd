/* Requests into the sample driver's control device, as hostile clients send them: the I/O
 * manager's side (buffers for each method, access checks, pending, cancel) and the driver's
 * dispatch routines under it. No crash, no overrun (ASan, guard pages), no IRP rule broken.
 *
 * The input is a sequence of up to 16 requests, each
 *   byte 0   what: 0-4 a control request, 5 a read, 6 a write, 7 close and reopen the file
 *   byte 1   input length (0-255), byte 2 output length (0-255)
 *   byte 3   0-2 one of the sample's control codes (version, statistics, link), 3-255 the code
 *            in the next 4 bytes (its method and access bits as given)
 *   then the input bytes (zeros past the end of the input).
 * Reads a request left waiting are cancelled at the end, as CancelIoEx would. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "kernel/irp.h"
#include "../drivers/sample/sample_ioctl.h"

#define FUZZ_IOCTL_MAX_REQUESTS 16

static struct ke_process *fuzz_client;
static struct ke_file *fuzz_file;

static void fuzz_ioctl_done(void *context, NTSTATUS status, ULONG_PTR information, const void *out, size_t out_len)
{
    (void)context, (void)status, (void)information;
    /* what goes back to the client must be readable: touch it (ASan checks the copy) */
    volatile UCHAR sum = 0;
    for (size_t i = 0; i < out_len; i++)
        sum += ((const UCHAR *)out)[i];
    (void)sum;
}

static void fuzz_ioctl_open(void)
{
    if (!NT_SUCCESS(ke_io_open(fuzz_client, "\\??\\OpenNdisSample", FILE_READ_DATA | FILE_WRITE_DATA, &fuzz_file))) {
        fprintf(stderr, "fuzz: the sample's control device does not open\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ULONG codes[] = { IOCTL_SAMPLE_GET_VERSION, IOCTL_SAMPLE_GET_STATS, IOCTL_SAMPLE_SET_LINK };
    static UCHAR in[256], out_in[256];
    size_t at = 0;
    for (int n = 0; n < FUZZ_IOCTL_MAX_REQUESTS && size - at >= 4; n++) {
        const uint8_t what = data[at] % 8, in_len = data[at + 1], out_len = data[at + 2], pick = data[at + 3];
        at += 4;
        ULONG code = codes[pick % 3];
        if (pick >= 3 && size - at >= 4) {
            memcpy(&code, data + at, 4);
            at += 4;
        }
        size_t have = size - at < in_len ? size - at : in_len;
        memset(in, 0, sizeof in);
        memcpy(in, data + at, have);
        at += have;
        memcpy(out_in, in, sizeof out_in);
        struct ke_io_request r = { .in = in, .in_len = in_len, .out_len = out_len, .out_in = out_in,
                                   .tag = (uint64_t)n + 1, .done = fuzz_ioctl_done };
        if (what == 7) {
            ke_io_cancel(fuzz_file, 0, true);
            ke_io_close(fuzz_file);
            fuzz_ioctl_open();
            continue;
        }
        r.major = what == 5 ? IRP_MJ_READ : what == 6 ? IRP_MJ_WRITE : IRP_MJ_DEVICE_CONTROL;
        r.code = code;
        if (what == 5)
            r.in_len = 0;
        ke_io_submit(fuzz_file, &r);
    }
    ke_io_cancel(fuzz_file, 0, true);
    /* leave the adapters as they were: link up, running */
    for (ULONG i = 0; i < 2; i++) {
        struct sample_link up = { i, 1 };
        struct ke_io_request r = { .major = IRP_MJ_DEVICE_CONTROL, .code = IOCTL_SAMPLE_SET_LINK, .in = &up,
                                   .in_len = sizeof up, .done = fuzz_ioctl_done };
        ke_io_submit(fuzz_file, &r);
    }
    struct fuzz_rig *rig = fuzz_rig();
    for (int i = 0; i < 2; i++) { /* frames the writes put on the hub */
        UCHAR frame[2048];
        while (edge_loopback_recv(rig->edge[i], frame, sizeof frame) >= 0)
            ;
    }
    fuzz_no_violations();
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_rig();
    fuzz_client = ke_process_create(getpid(), 0, 0, "fuzz_ioctl"); /* root: the device is for administrators */
    ke_io_set_close_wait(100);
    fuzz_ioctl_open();
    return 0;
}
