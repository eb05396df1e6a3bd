/* bench/device: frames per second through a hardware miniport on a device model, against the
 * sample (a virtual miniport) measured in the same run: tests/hw/virtio_miniport.so on the
 * virtio-net model, two adapters on the loopback edge. Every frame the hardware driver sends
 * is copied into a transmit slot, read by the device through the DMA map, switched to the
 * other device, written into a receive buffer by DMA, and indicated from the interrupt's DPC
 * on a DPC thread; the sample hands it across in the sending thread. The ratio is what the
 * device path keeps of the virtual one. Each figure is the best of three rounds, the drivers
 * taking turns. The same driver built for the modern transport (MSI-X, a vector per queue)
 * has its own column, and so may any other driver for the model (NetKVM: a .sys built with
 * `openndis build --abi windows`), which is never in the repository.
 *
 * Usage: bench/device SAMPLE.so VIRTIO_MINIPORT.so VIRTIO_MINIPORT_MODERN.so [frames, default
 *        50000] [ANOTHER_DRIVER] */
#include "bench.h"

#include "devices/devices.h"

/* The sample as it is, or the driver with a virtio-net device behind each adapter. */
static double frame_rate(const char *path, bool device, size_t size, size_t chain, unsigned long total)
{
    ndis_device_attach_every(device ? devices_find("virtio-net", 10) : NULL, "");
    double rate = bench_frame_rate("bench/device", path, size, chain, total);
    ndis_device_attach_every(NULL, NULL);
    return rate;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench/device SAMPLE.so VIRTIO_MINIPORT.so VIRTIO_MINIPORT_MODERN.so [frames] "
                        "[ANOTHER_DRIVER]\n");
        return 2;
    }
    unsigned long total = argc > 4 ? strtoul(argv[4], NULL, 10) : 50000;
    if (total < 640)
        total = 640;
    const char *other = argc > 5 ? argv[5] : NULL;
    static const struct {
        const char *what;
        size_t size, chain;
    } rows[] = { { "frames/s, 64 B x 1", 64, 1 }, { "frames/s, 64 B x 32", 64, 32 }, { "frames/s, 1514 B x 32", 1514, 32 } };
    printf("%-24s %16s %12s %8s %12s %8s", "", "sample (baseline)", "legacy", "ratio", "modern", "ratio");
    if (other != NULL)
        printf(" %12s %8s", "other", "ratio");
    printf("\n");
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        double sample = 0, legacy = 0, modern = 0, another = 0;
        for (int round = 0; round < 3; round++) {
            sample = bench_best(sample, frame_rate(argv[1], false, rows[r].size, rows[r].chain, total));
            legacy = bench_best(legacy, frame_rate(argv[2], true, rows[r].size, rows[r].chain, total));
            modern = bench_best(modern, frame_rate(argv[3], true, rows[r].size, rows[r].chain, total));
            if (other != NULL)
                another = bench_best(another, frame_rate(other, true, rows[r].size, rows[r].chain, total));
        }
        printf("%-24s %16.0f %12.0f %8.3f %12.0f %8.3f", rows[r].what, sample, legacy, legacy / sample, modern,
               modern / sample);
        if (other != NULL)
            printf(" %12.0f %8.3f", another, another / sample);
        printf("\n");
    }
    return bench_verdict();
}
