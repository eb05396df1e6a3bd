/* The scratch device: a PCI function with nothing behind it but registers, interrupts and DMA,
 * for testing a driver's bus code (openndis run --device scratch[,msix=N]).
 *
 *   BAR0, 4 KiB of memory registers, each 32 bits:
 *     0x000 (read)   0x5C4A7C11, its ID
 *     0x004 (read)   the MSI-X messages it offers
 *     0x020 (read)   the interrupt cause; reading clears it
 *     0x040, 0x044   a bus address (low, high half)  0x048  a length, at most 2 KiB
 *     0x04C (write)  a DMA engine: 1 reads the length's bytes at the address into the
 *                    buffer at 0x800, 2 writes the buffer there; 0x050 reads 1 when the last
 *                    one reached memory the driver mapped, 2 when it did not
 *     0x058, 0x05C   a ring's bus address (low, high)  0x060  its length: writing a length
 *                    other than 0 gives the device the ring, which it then holds (the driver
 *                    must not free it) until 0 is written there
 *     0x080 + 4 m    a write of v sets cause bits v and raises message m (the line when m is
 *                    0 and the driver did not take MSI-X): software-raised interrupts, as
 *                    the interrupt-cause-set registers of real NICs give
 *     elsewhere      plain storage (0x800-0xFFF: the DMA buffer)
 *   BAR2, 64 I/O ports of plain storage. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"

#define SCRATCH_REGS 0x1000u
#define SCRATCH_PORTS 64u
#define SCRATCH_ID 0x5C4A7C11u
#define SCRATCH_CAUSE 0x020u
#define SCRATCH_RAISE 0x080u
#define SCRATCH_DMA_ADDRESS 0x040u
#define SCRATCH_DMA_LENGTH 0x048u
#define SCRATCH_DMA_GO 0x04Cu
#define SCRATCH_DMA_STATUS 0x050u
#define SCRATCH_DMA_BUFFER 0x800u
#define SCRATCH_RING_ADDRESS 0x058u
#define SCRATCH_RING_LENGTH 0x060u

struct scratch {
    unsigned messages;
    _Atomic(struct openndis_device *) bus;
    _Atomic uint32_t regs[SCRATCH_REGS / 4];
    _Atomic uint8_t ports[SCRATCH_PORTS];
};

static uint32_t scratch_read(void *device, unsigned bar, uint32_t offset, unsigned width)
{
    struct scratch *s = device;
    if (bar != 0) {
        uint32_t v = 0;
        for (unsigned i = 0; i < width && offset + i < SCRATCH_PORTS; i++)
            v |= (uint32_t)atomic_load(&s->ports[offset + i]) << (8 * i);
        return v;
    }
    uint32_t word = offset / 4, v;
    if (word == 0)
        v = SCRATCH_ID;
    else if (word == 1)
        v = s->messages;
    else if (offset / 4 * 4 == SCRATCH_CAUSE)
        v = atomic_exchange(&s->regs[word], 0);
    else
        v = atomic_load(&s->regs[word]);
    return v >> (8 * (offset % 4));
}

static void scratch_write(void *device, unsigned bar, uint32_t offset, unsigned width, uint32_t value)
{
    struct scratch *s = device;
    if (bar != 0) {
        for (unsigned i = 0; i < width && offset + i < SCRATCH_PORTS; i++)
            atomic_store(&s->ports[offset + i], (uint8_t)(value >> (8 * i)));
        return;
    }
    uint32_t word = offset / 4;
    if (offset >= SCRATCH_RAISE && offset < SCRATCH_RAISE + 4 * 32 && width == 4) {
        atomic_fetch_or(&s->regs[SCRATCH_CAUSE / 4], value);
        struct openndis_device *bus = atomic_load(&s->bus);
        if (bus != NULL)
            openndis_device_interrupt(bus, (offset - SCRATCH_RAISE) / 4);
        return;
    }
    if (word < 2)
        return; /* read-only */
    if (offset == SCRATCH_DMA_GO && width == 4 && (value == 1 || value == 2)) {
        uint64_t at = atomic_load(&s->regs[SCRATCH_DMA_ADDRESS / 4]) |
                      (uint64_t)atomic_load(&s->regs[SCRATCH_DMA_ADDRESS / 4 + 1]) << 32;
        uint32_t length = atomic_load(&s->regs[SCRATCH_DMA_LENGTH / 4]);
        uint8_t buffer[SCRATCH_REGS - SCRATCH_DMA_BUFFER];
        if (length > sizeof buffer)
            length = sizeof buffer;
        for (uint32_t i = 0; i < length; i++)
            buffer[i] = (uint8_t)(atomic_load(&s->regs[(SCRATCH_DMA_BUFFER + i) / 4]) >> (8 * (i % 4)));
        struct openndis_device *bus = atomic_load(&s->bus);
        bool ok = bus != NULL && (value == 1 ? openndis_device_dma_read(bus, at, buffer, length)
                                             : openndis_device_dma_write(bus, at, buffer, length));
        if (value == 1 && ok)
            for (uint32_t i = 0; i < length; i += 4) {
                uint32_t v = 0;
                for (uint32_t k = 0; k < 4 && i + k < length; k++)
                    v |= (uint32_t)buffer[i + k] << (8 * k);
                atomic_store(&s->regs[(SCRATCH_DMA_BUFFER + i) / 4], v);
            }
        atomic_store(&s->regs[SCRATCH_DMA_STATUS / 4], ok ? 1 : 2);
        return;
    }
    if (offset == SCRATCH_RING_LENGTH && width == 4) {
        uint64_t at = atomic_load(&s->regs[SCRATCH_RING_ADDRESS / 4]) |
                      (uint64_t)atomic_load(&s->regs[SCRATCH_RING_ADDRESS / 4 + 1]) << 32;
        struct openndis_device *bus = atomic_load(&s->bus);
        uint32_t old = atomic_exchange(&s->regs[word], value);
        if (bus != NULL && old != 0)
            openndis_device_dma_release(bus, at);
        if (bus != NULL && value != 0)
            openndis_device_dma_hold(bus, at, value);
        return;
    }
    uint32_t shift = 8 * (offset % 4), mask = width == 4 ? 0xFFFFFFFFu : ((1u << (8 * width)) - 1) << shift;
    uint32_t old = atomic_load(&s->regs[word]);
    while (!atomic_compare_exchange_weak(&s->regs[word], &old, (old & ~mask) | ((value << shift) & mask)))
        ;
}

static void scratch_attached(void *device, struct openndis_device *bus)
{
    atomic_store(&((struct scratch *)device)->bus, bus);
}

static void *scratch_create(const char *options, unsigned *offered, char *error, size_t cap)
{
    unsigned long messages = 0;
    if (*options != '\0') {
        char *end;
        if (strncmp(options, "msix=", 5) != 0 || (messages = strtoul(options + 5, &end, 10), *end != '\0') ||
            options[5] == '\0' || messages > OPENNDIS_DEVICE_MAX_MESSAGES) {
            snprintf(error, cap, "scratch takes msix=N (0 to %u MSI-X messages), not '%s'",
                     OPENNDIS_DEVICE_MAX_MESSAGES, options);
            return NULL;
        }
    }
    struct scratch *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(error, cap, "out of memory");
        return NULL;
    }
    s->messages = *offered = (unsigned)messages;
    return s;
}

static void scratch_destroy(void *device)
{
    free(device);
}

/* The model's identity: Red Hat's vendor ID with a device ID from its range for tests. */
const struct openndis_device_model openndis_device_scratch = {
    .name = "scratch",
    .vendor_id = 0x1B36,
    .device_id = 0x0005,
    .subsystem_vendor_id = 0x1B36,
    .subsystem_id = 0x0005,
    .revision_id = 1,
    .class_code = 0x020000,
    .bars = { [0] = { .size = SCRATCH_REGS }, [2] = { .size = SCRATCH_PORTS, .io = true } },
    .read = scratch_read,
    .write = scratch_write,
    .attached = scratch_attached,
    .create = scratch_create,
    .destroy = scratch_destroy,
    .summary = "registers, software-raised interrupts and a DMA engine (options: msix=N)",
};
