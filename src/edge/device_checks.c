/* verify's clients of the driver's own devices, so that the IRP rules run on its dispatch code.
 *
 * edge_control_exercise sends what any program may: control codes of each method, a write, a
 * read it then cancels, a close.
 *
 * edge_control_fuzz is a hostile client. From one seed it opens each device and sends control
 * requests with mutated codes, lengths and contents, plus reads and writes of odd sizes,
 * reopening the device now and then. The same seed sends the same requests, so a step that
 * crashes is reproduced by its seed.
 *
 * Control codes come from a dictionary read out of the driver's own image: every 32-bit value
 * in its readable segments that looks like a control code of one of its devices' types (or the
 * generic FILE_DEVICE_UNKNOWN and FILE_DEVICE_NETWORK) is a code its dispatch routine is likely
 * to compare against. Buffers end at guard pages (irp.c), so an out-of-bounds access faults at
 * the driver's instruction and verify reports its line. */
#include <link.h>
#include <unistd.h>

#include "edge.h"
#include "../kernel/irp.h"

#define FUZZ_DICT 256
#define EDGE_MAX_DEVICES 16

/* Calls fn for each device the driver has, as one client process ("openndis verify"). The list
 * is a snapshot: a dispatch routine may create or delete devices. */
static void edge_each_device(PDRIVER_OBJECT driver, void (*fn)(struct ke_process *client, PDEVICE_OBJECT d, void *ctx),
                             void *ctx)
{
    struct ke_process *client = ke_process_create(getpid(), getuid(), getgid(), "openndis verify");
    if (client == NULL)
        return;
    PDEVICE_OBJECT list[EDGE_MAX_DEVICES];
    size_t n = 0;
    for (PDEVICE_OBJECT d = driver->DeviceObject; d != NULL && n < EDGE_MAX_DEVICES; d = d->NextDevice)
        list[n++] = d;
    for (size_t i = 0; i < n; i++)
        if (ke_device_exists(list[i]))
            fn(client, list[i], ctx);
    ke_process_destroy(client);
}

/* ---- the conformance requests ------------------------------------------------------------ */

static void edge_exercise_device(struct ke_process *client, PDEVICE_OBJECT d, void *unused)
{
    (void)unused;
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
                                       .in = in, .in_len = len, .out_len = len, .out_in = out_in, .tag = tag++ };
            ke_io_submit(f, &r);
        }
    if (d->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO)) {
        struct ke_io_request w = { .major = IRP_MJ_WRITE, .in = in, .in_len = sizeof in, .tag = tag++ };
        ke_io_submit(f, &w);
        struct ke_io_request r = { .major = IRP_MJ_READ, .out_len = sizeof in, .tag = tag++ };
        ke_io_submit(f, &r);
        ke_io_cancel(f, r.tag, false); /* a read with nothing to read waits: cancel it as CancelIoEx does */
    }
    ke_io_close(f);
}

void edge_control_exercise(PDRIVER_OBJECT driver)
{
    edge_each_device(driver, edge_exercise_device, NULL);
}

/* ---- the fuzzer -------------------------------------------------------------------------- */

struct fuzz {
    uint64_t state;
    ULONG dict[FUZZ_DICT];
    size_t ndict;
    ULONG types[EDGE_MAX_DEVICES + 2];
    size_t ntypes;
    const void *base;
};

static uint64_t fuzz_next(struct fuzz *z)
{
    /* xorshift64*: enough for choosing requests, and the same on every machine */
    z->state ^= z->state >> 12;
    z->state ^= z->state << 25;
    z->state ^= z->state >> 27;
    return z->state * 0x2545F4914F6CDD1DULL;
}

static ULONG fuzz_below(struct fuzz *z, ULONG n)
{
    return n ? (ULONG)(fuzz_next(z) % n) : 0;
}

static bool fuzz_type_known(const struct fuzz *z, ULONG type)
{
    for (size_t i = 0; i < z->ntypes; i++)
        if (z->types[i] == type)
            return true;
    return false;
}

/* Reads the driver's segments byte by byte, its globals' redzones included: not for ASan. */
__attribute__((no_sanitize("address"))) static int fuzz_scan_module(struct dl_phdr_info *info, size_t size,
                                                                       void *arg)
{
    (void)size;
    struct fuzz *z = arg;
    if ((const void *)info->dlpi_addr != z->base)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_R))
            continue;
        const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        for (size_t off = 0; off + 4 <= ph->p_filesz && z->ndict < FUZZ_DICT; off++) {
            ULONG v = (ULONG)p[off] | (ULONG)p[off + 1] << 8 | (ULONG)p[off + 2] << 16 | (ULONG)p[off + 3] << 24;
            if (v == 0 || !fuzz_type_known(z, v >> 16))
                continue;
            bool seen = false;
            for (size_t k = 0; k < z->ndict && !seen; k++)
                seen = z->dict[k] == v;
            if (!seen)
                z->dict[z->ndict++] = v;
        }
    }
    return 1;
}

static size_t fuzz_length(struct fuzz *z)
{
    static const size_t lengths[] = { 0, 1, 2, 3, 4, 6, 8, 12, 16, 20, 24, 32, 48, 64, 128, 256, 1024, 4096 };
    return fuzz_below(z, 8) == 0 ? fuzz_below(z, 8192) : lengths[fuzz_below(z, sizeof lengths / sizeof *lengths)];
}

static void fuzz_fill(struct fuzz *z, UCHAR *buf, size_t len)
{
    switch (fuzz_below(z, 4)) {
    case 0: /* zeros with a few small numbers: lengths, indexes and counts */
        memset(buf, 0, len);
        for (size_t i = 0; i + 4 <= len; i += 4)
            if (fuzz_below(z, 3) == 0) {
                ULONG v = fuzz_below(z, 2) ? fuzz_below(z, 64) : (ULONG)len + fuzz_below(z, 16);
                memcpy(buf + i, &v, 4);
            }
        break;
    case 1: /* all ones */
        memset(buf, 0xff, len);
        break;
    default:
        for (size_t i = 0; i < len; i++)
            buf[i] = (UCHAR)fuzz_next(z);
    }
}

static ULONG fuzz_code(struct fuzz *z, const DEVICE_OBJECT *d)
{
    ULONG pick = fuzz_below(z, 10);
    if (z->ndict != 0 && pick < 7)
        return z->dict[fuzz_below(z, (ULONG)z->ndict)];
    if (z->ndict != 0 && pick < 8) /* a known code with another method or access */
        return (z->dict[fuzz_below(z, (ULONG)z->ndict)] & ~0xc003u) | fuzz_below(z, 4) | (fuzz_below(z, 4) << 14);
    if (pick < 9)
        return CTL_CODE(d->DeviceType, 0x800 + fuzz_below(z, 0x100), fuzz_below(z, 4), fuzz_below(z, 4));
    return (ULONG)fuzz_next(z);
}

struct fuzz_run {
    struct fuzz z;
    unsigned requests; /* per device */
};

static void fuzz_device(struct ke_process *client, PDEVICE_OBJECT d, void *ctx)
{
    struct fuzz *z = &((struct fuzz_run *)ctx)->z;
    const unsigned requests = ((struct fuzz_run *)ctx)->requests;
    static UCHAR in[8192], out_in[8192];
    struct ke_file *f = NULL;
    for (unsigned i = 0; i < requests; i++) {
        if (f != NULL && fuzz_below(z, 50) == 0) { /* now and then a new open: create and close paths */
            ke_io_cancel(f, 0, true);
            ke_io_close(f);
            f = NULL;
        }
        if (f == NULL && !NT_SUCCESS(ke_io_open_device(client, d, FILE_READ_DATA | FILE_WRITE_DATA, &f)))
            return;
        struct ke_io_request r = { .tag = i + 1 };
        ULONG kind = fuzz_below(z, 10);
        r.in_len = fuzz_length(z);
        r.out_len = fuzz_length(z);
        fuzz_fill(z, in, r.in_len);
        r.in = in;
        if (kind < 8) {
            r.major = fuzz_below(z, 8) ? IRP_MJ_DEVICE_CONTROL : IRP_MJ_INTERNAL_DEVICE_CONTROL;
            r.code = fuzz_code(z, d);
            fuzz_fill(z, out_in, r.out_len);
            r.out_in = out_in;
        } else if (kind == 8) {
            r.major = IRP_MJ_WRITE;
        } else {
            r.major = IRP_MJ_READ;
        }
        ke_io_submit(f, &r);
        if (fuzz_below(z, 4) == 0) /* what a program waiting no longer does */
            ke_io_cancel(f, r.tag, false);
    }
    if (f != NULL) {
        ke_io_cancel(f, 0, true);
        ke_io_close(f);
    }
}

void edge_control_fuzz(PDRIVER_OBJECT driver, uint64_t seed, unsigned requests)
{
    struct fuzz_run run = { .z = { .state = seed * 0x9E3779B97F4A7C15ULL + 1, .base = driver->DriverStart },
                            .requests = requests };
    struct fuzz *z = &run.z;
    for (PDEVICE_OBJECT d = driver->DeviceObject; d != NULL && z->ntypes < EDGE_MAX_DEVICES; d = d->NextDevice)
        if (!fuzz_type_known(z, d->DeviceType))
            z->types[z->ntypes++] = d->DeviceType;
    if (!fuzz_type_known(z, FILE_DEVICE_UNKNOWN))
        z->types[z->ntypes++] = FILE_DEVICE_UNKNOWN;
    if (!fuzz_type_known(z, FILE_DEVICE_NETWORK))
        z->types[z->ntypes++] = FILE_DEVICE_NETWORK;
    dl_iterate_phdr(fuzz_scan_module, z);
    edge_each_device(driver, fuzz_device, &run);
}
