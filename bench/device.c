/* bench/device: frames per second through a hardware miniport on a device model, against the
 * sample (a virtual miniport) measured in the same run: tests/hw/virtio_miniport.so on the
 * virtio-net model, two adapters on the loopback edge. Every frame the hardware driver sends
 * is copied into a transmit slot, read by the device through the DMA map, switched to the
 * other device, written into a receive buffer by DMA, and indicated from the interrupt's DPC
 * on a DPC thread; the sample hands it across in the sending thread. The ratio is what the
 * device path keeps of the virtual one. Each figure is the best of three rounds, the two
 * taking turns.
 *
 * Usage: bench/device SAMPLE.so VIRTIO_MINIPORT.so [frames, default 50000] */
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
    if (argc < 3) {
        fprintf(stderr, "usage: bench/device SAMPLE.so VIRTIO_MINIPORT.so [frames]\n");
        return 2;
    }
    unsigned long total = argc > 3 ? strtoul(argv[3], NULL, 10) : 50000;
    if (total < 640)
        total = 640;
    static const struct {
        const char *what;
        size_t size, chain;
    } rows[] = { { "frames/s, 64 B x 1", 64, 1 }, { "frames/s, 64 B x 32", 64, 32 }, { "frames/s, 1514 B x 32", 1514, 32 } };
    printf("%-24s %16s %16s %8s\n", "", "sample (baseline)", "virtio-net", "ratio");
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        double sample = 0, hw = 0;
        for (int round = 0; round < 3; round++) {
            sample = bench_best(sample, frame_rate(argv[1], false, rows[r].size, rows[r].chain, total));
            hw = bench_best(hw, frame_rate(argv[2], true, rows[r].size, rows[r].chain, total));
        }
        printf("%-24s %16.0f %16.0f %8.3f\n", rows[r].what, sample, hw, hw / sample);
    }
    return bench_verdict();
}
