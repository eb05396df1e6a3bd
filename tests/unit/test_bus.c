/* The bus side of a hardware miniport (src/ndis/bus.c): a device model in this file, the
 * small miniport tests/hw/bus_miniport.c driving it. The miniport's MiniportInitializeEx
 * finds its BARs in AllocatedResources, reads its identity from configuration space, maps
 * the memory BAR, registers the port range, and leaves proof of each access in the model. */
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "loader/ld.h"
#include "ndis/ndis.h"
#include "verifier/vf.h"

#include "common/include/openndis/device.h"

struct test_device {
    uint32_t regs[96];
    uint8_t ports[16];
    unsigned reads, writes;
    _Atomic uint32_t cause; /* read (and cleared) at 0x20; the last nonzero one stays at 0x60 */
    struct openndis_device *bus;
    uint8_t tx[16384]; /* what the doorbell at 0x70 read through the descriptors */
    size_t tx_length;
    bool tx_ok;
};

#define REG(d, offset) ((d)->regs[(offset) / 4])

static uint32_t test_read(void *device, unsigned bar, uint32_t offset, unsigned width)
{
    struct test_device *d = device;
    d->reads++;
    if (bar == 0 && offset == 0x20) {
        uint32_t cause = atomic_exchange(&d->cause, 0);
        if (cause != 0)
            REG(d, 0x60) = cause;
        return cause;
    }
    if (bar == 0) {
        uint32_t v = offset < 4 ? 0x1234ABCDu : d->regs[offset / 4];
        return v >> (8 * (offset % 4));
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < width && offset + i < sizeof d->ports; i++)
        v |= (uint32_t)d->ports[offset + i] << (8 * i);
    return v;
}

static void test_write(void *device, unsigned bar, uint32_t offset, unsigned width, uint32_t value)
{
    struct test_device *d = device;
    d->writes++;
    if (bar == 0 && offset == 0x70) { /* the doorbell: read each descriptor's bytes by DMA */
        d->tx_length = 0;
        d->tx_ok = true;
        for (uint32_t i = 0; i < value && i < 8; i++) {
            uint64_t at = REG(d, 0x80 + 16 * i) | (uint64_t)REG(d, 0x84 + 16 * i) << 32;
            uint32_t n = REG(d, 0x88 + 16 * i);
            if (n > sizeof d->tx - d->tx_length)
                n = (uint32_t)(sizeof d->tx - d->tx_length);
            d->tx_ok &= openndis_device_dma_read(d->bus, at, d->tx + d->tx_length, n);
            d->tx_length += n;
        }
        return;
    }
    if (bar == 0) {
        uint8_t *bytes = (uint8_t *)d->regs;
        for (unsigned i = 0; i < width && offset + i < sizeof d->regs; i++)
            bytes[offset + i] = (uint8_t)(value >> (8 * i));
        return;
    }
    for (unsigned i = 0; i < width && offset + i < sizeof d->ports; i++)
        d->ports[offset + i] = (uint8_t)(value >> (8 * i));
}

static void test_attached(void *device, struct openndis_device *bus)
{
    ((struct test_device *)device)->bus = bus;
}

static const struct openndis_device_model test_model = {
    .name = "test",
    .vendor_id = 0x1AF4,
    .device_id = 0x10F1,
    .subsystem_vendor_id = 0x1AF4,
    .subsystem_id = 0x0001,
    .revision_id = 1,
    .class_code = 0x020000,
    .bars = { [0] = { .size = sizeof(((struct test_device *)0)->regs) }, [2] = { .size = 16, .io = true } },
    .read = test_read,
    .write = test_write,
    .attached = test_attached,
};

static struct ld_image *load_bus_miniport(void)
{
    char err[512];
    vf_reset();
    struct ld_image *image = ld_load(BUS_MINIPORT, err, sizeof err);
    assert_non_null(image);
    assert_int_equal(ld_driver_entry(image), NDIS_STATUS_SUCCESS);
    return image;
}

static void test_miniport_drives_the_device(void **state)
{
    (void)state;
    NDIS_STATUS st;
    struct ld_image *image = load_bus_miniport();
    struct test_device dev;
    memset(&dev, 0, sizeof dev);
    static const uint8_t vendor_cap[] = { 0x09, 0x00, 4, 0x5A }; /* one vendor capability, the last */
    struct openndis_device_model model = test_model;
    model.capabilities = vendor_cap;
    model.capabilities_length = sizeof vendor_cap;
    ndis_device_attach_next(&model, &dev);
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    assert_non_null(a);
    assert_int_equal(dev.regs[1], ~0x1234ABCDu);              /* the ID went through READ_REGISTER_ULONG */
    assert_int_equal(dev.regs[2], 0x1AF4u | 0x10F1u << 16);    /* the identity NdisMGetBusData read */
    assert_int_equal(dev.regs[3], 0x0042BEEFu);                /* USHORT and UCHAR writes */
    assert_int_equal(dev.regs[4], 0x5A);                       /* a port written and read back */
    assert_int_equal(dev.ports[4] | dev.ports[5] << 8 | dev.ports[6] << 16 | (uint32_t)dev.ports[7] << 24,
                     0xC0FFEE01u);
    assert_int_equal(dev.ports[8] | dev.ports[9] << 8, 0x5B); /* the HAL's port accessors */
    assert_int_equal(REG(&dev, 0x64), 0x22221111u);          /* WRITE_REGISTER_BUFFER_USHORT: consecutive */
    assert_int_equal(REG(&dev, 0x68), 0x44443333u);
    assert_int_equal(REG(&dev, 0x6C), 3 * 0x5A);              /* READ_PORT_BUFFER_UCHAR: one port, 3 times */
    assert_int_equal(dev.ports[10], 0x5A);
    /* every width of the register buffer forms: written, read back, written again */
    assert_int_equal(REG(&dev, 0x130), 0x04030201u);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(REG(&dev, 0x140 + 4 * i), REG(&dev, 0x130 + 4 * i));
    assert_int_equal(REG(&dev, 0x14C), 0xA1A2A3A4u);
    assert_int_equal(REG(&dev, 0x150), 0xB1B2B3B4u);
    /* and of the ports: one port per buffer, so each element lands on it in turn */
    assert_int_equal(REG(&dev, 0x154), 0x11CDEFu);
    assert_int_equal(REG(&dev, 0x158), 0x89ABCDEFu);
    assert_int_equal(REG(&dev, 0x15C), 2 * 0x5678u);
    assert_int_equal(REG(&dev, 0x160), 2 * 0x0A0B0C0Du);
    assert_int_equal(REG(&dev, 0x164), 2 * 0x23u);
    assert_int_equal(REG(&dev, 0x168), 0x5555u);
    assert_int_equal(REG(&dev, 0x16C), 0x600D600Du);
    USHORT command = 0, vendor = 0;
    ULONG bar2 = 0;
    assert_int_equal(NdisMGetBusData(a, PCI_WHICHSPACE_CONFIG, 4, &command, 2), 2);
    assert_int_equal(command, 0x0006); /* NdisMSetBusData took the command register */
    assert_int_equal(NdisMSetBusData(a, PCI_WHICHSPACE_CONFIG, 0, &(USHORT){ 0xFFFF }, 2), 2);
    assert_int_equal(NdisMGetBusData(a, PCI_WHICHSPACE_CONFIG, 0, &vendor, 2), 2);
    assert_int_equal(vendor, 0x1AF4); /* but not the identity */
    uint8_t status = 0, pointer = 0, cap[4] = { 0 };
    assert_int_equal(NdisMGetBusData(a, PCI_WHICHSPACE_CONFIG, 6, &status, 1), 1);
    assert_int_equal(NdisMGetBusData(a, PCI_WHICHSPACE_CONFIG, 0x34, &pointer, 1), 1);
    assert_true(status & 0x10); /* a capability list, at 0x40 */
    assert_int_equal(pointer, 0x40);
    assert_int_equal(NdisMSetBusData(a, PCI_WHICHSPACE_CONFIG, 0x40, &(uint32_t){ 0 }, 4), 4);
    assert_int_equal(NdisMGetBusData(a, PCI_WHICHSPACE_CONFIG, 0x40, cap, 4), 4);
    assert_memory_equal(cap, vendor_cap, 4); /* read-only, as the device's are */
    assert_int_equal(NdisMGetBusData(a, PCI_WHICHSPACE_CONFIG, 0x18, &bar2, 4), 4);
    assert_int_equal(bar2 & 1, 1); /* an I/O BAR */
    assert_int_equal(NdisMGetBusData(a, PCI_WHICHSPACE_CONFIG, 0xFE, &bar2, 4), 2); /* clipped at 256 */
    assert_int_equal(ndis_adapter_halt(a, NdisHaltDeviceDisabled), NDIS_STATUS_SUCCESS);
    assert_true(ld_unload(image));
    ld_free(image);
    assert_int_equal(vf_violation_count(), 0);
}

/* Without a device the adapter gets no resources; with one, an access past the mapping's end
 * is ND2301 and reads all ones, and the model never sees it. */
static void test_no_device_and_accesses_outside(void **state)
{
    (void)state;
    NDIS_STATUS st;
    struct ld_image *image = load_bus_miniport();
    assert_null(ndis_adapter_initialize(&image->object, &st));
    assert_int_equal(st, NDIS_STATUS_RESOURCES);

    struct test_device dev;
    memset(&dev, 0, sizeof dev);
    ndis_device_attach_next(&test_model, &dev);
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    assert_non_null(a);
    PVOID va = NULL;
    NDIS_PHYSICAL_ADDRESS pa = { .QuadPart = (LONGLONG)a->init_parameters.AllocatedResources->PartialDescriptors[0].u.Memory.Start.QuadPart };
    assert_int_equal(NdisMMapIoSpace(&va, a, pa, 8), NDIS_STATUS_SUCCESS);
    unsigned reads = dev.reads;
    assert_int_equal(READ_REGISTER_ULONG((volatile ULONG *)va + 1), ~0x1234ABCDu); /* inside: what the miniport wrote */
    assert_int_equal(vf_violation_count_of(VF_REGISTER_OUTSIDE_BAR), 0);
    assert_int_equal(READ_REGISTER_ULONG((volatile ULONG *)((PUCHAR)va + 6)), 0xFFFFFFFFu); /* straddles the end */
    assert_int_equal(vf_violation_count_of(VF_REGISTER_OUTSIDE_BAR), 1);
    assert_int_equal(dev.reads, reads + 1);
    pa.QuadPart += 0x100000; /* past the BAR */
    PVOID none = (PVOID)1;
    assert_int_equal(NdisMMapIoSpace(&none, a, pa, 8), NDIS_STATUS_RESOURCES);
    assert_null(none);
    assert_int_equal(vf_violation_count_of(VF_REGISTER_OUTSIDE_BAR), 2);
    NdisMUnmapIoSpace(a, va, 8);
    assert_int_equal(vf_violation_count_of(VF_REGISTER_OUTSIDE_BAR), 2);
    assert_int_equal(ndis_adapter_halt(a, NdisHaltDeviceDisabled), NDIS_STATUS_SUCCESS);
    assert_true(ld_unload(image));
    ld_free(image);
}

/* Raises interrupt `message` with `cause` and waits until its ISR and DPCs are done. */
static void raise_and_wait(struct test_device *dev, unsigned message, uint32_t cause, bool delivered)
{
    atomic_store(&dev->cause, cause);
    assert_int_equal(openndis_device_interrupt(dev->bus, message), delivered);
    KeFlushQueuedDpcs();
}

static void run_interrupts(unsigned messages)
{
    NDIS_STATUS st;
    struct ld_image *image = load_bus_miniport();
    struct test_device dev;
    memset(&dev, 0, sizeof dev);
    struct openndis_device_model model = test_model;
    model.messages = messages;
    ndis_device_attach_next(&model, &dev);
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    assert_non_null(a);
    assert_non_null(dev.bus);
    /* what NdisMRegisterInterruptEx granted: the line, or every message offered */
    assert_int_equal(REG(&dev, 0x30), messages == 0 ? NDIS_CONNECT_LINE_BASED : NDIS_CONNECT_MESSAGE_BASED | messages << 8);
    PNDIS_RESOURCE_LIST res = a->init_parameters.AllocatedResources;
    ULONG lines = 0, msis = 0;
    for (ULONG i = 0; i < res->Count; i++)
        if (res->PartialDescriptors[i].Type == CmResourceTypeInterrupt)
            (res->PartialDescriptors[i].Flags & CM_RESOURCE_INTERRUPT_MESSAGE) ? msis++ : lines++;
    assert_int_equal(lines, 1);
    assert_int_equal(msis, messages);

    unsigned last = messages == 0 ? 0 : messages - 1;
    raise_and_wait(&dev, last, 1, true);
    assert_int_equal(REG(&dev, 0x24), 5);                    /* the ISR at DIRQL */
    assert_int_equal(REG(&dev, 0x3C), last + 1);            /* with its MessageId */
    assert_int_equal(REG(&dev, 0x2C), DISPATCH_LEVEL);      /* the DPC at DISPATCH_LEVEL */
    assert_int_equal(REG(&dev, 0x28), 1);                   /* one DPC, counted... */
    assert_int_equal(REG(&dev, 0x34), 5);                   /* ...synchronized at DIRQL */
    if (messages != 0) /* the message's ISR ran on a processor of its TargetProcessorSet */
        assert_true(REG(&dev, 0x174) >> (REG(&dev, 0x170) - 1) & 1);
    struct ndis_hw_assist_info hw;
    ndis_adapter_hw_assist(a, &hw);
    assert_int_equal(hw.interrupts_claimed, 1);

    raise_and_wait(&dev, last, 0, true); /* a shared line: another device's interrupt */
    assert_int_equal(REG(&dev, 0x28), 1);
    ndis_adapter_hw_assist(a, &hw);
    assert_int_equal(hw.interrupts_serviced, 2);
    assert_int_equal(hw.interrupts_claimed, 1);

    /* the DPC asks for itself on every processor: queued on each, and run there */
    ULONG processors = KeQueryActiveProcessorCountEx(0);
    raise_and_wait(&dev, last, 2, true);
    assert_int_equal(REG(&dev, 0x38), (1u << processors) - 1);
    assert_int_equal(REG(&dev, 0x28), 2 + processors);
    /* NdisMQueueDpc (before 6.20) queues it on processor 0 alone */
    raise_and_wait(&dev, last, 4, true);
    assert_int_equal(REG(&dev, 0x38), 1);
    assert_int_equal(REG(&dev, 0x28), 4 + processors);
    /* MoreNblsPending left set twice: NDIS calls the DPC twice more */
    raise_and_wait(&dev, last, 8, true);
    KeFlushQueuedDpcs();
    assert_int_equal(REG(&dev, 0x28), 7 + processors);
    /* the ISR names every processor in TargetProcessors: the DPC runs on each, not by default */
    raise_and_wait(&dev, last, 0x10, true);
    assert_int_equal(REG(&dev, 0x28), 7 + 2 * processors);

    assert_false(openndis_device_interrupt(dev.bus, messages + 1)); /* no such message */
    assert_int_equal(ndis_adapter_halt(a, NdisHaltDeviceDisabled), NDIS_STATUS_SUCCESS);
    assert_null(dev.bus); /* the model was told the adapter went */
    assert_true(ld_unload(image));
    ld_free(image);
    assert_int_equal(vf_violation_count(), 0);
}

static uint64_t reg64(struct test_device *d, uint32_t offset)
{
    return REG(d, offset) | (uint64_t)REG(d, offset + 4) << 32;
}

/* The device reaches what the driver mapped for it, and nothing else: shared memory for its
 * life, a NET_BUFFER's pages while its scatter/gather list lives. */
static void test_dma_through_the_map(void **state)
{
    (void)state;
    NDIS_STATUS st;
    struct ld_image *image = load_bus_miniport();
    struct test_device dev;
    memset(&dev, 0, sizeof dev);
    ndis_device_attach_next(&test_model, &dev);
    struct ndis_adapter *a = ndis_adapter_initialize(&image->object, &st);
    assert_non_null(a);
    uint8_t *shared = (uint8_t *)(uintptr_t)reg64(&dev, 0x50);
    uint64_t shared_bus = reg64(&dev, 0x74);
    assert_non_null(shared);
    assert_true(shared_bus >= 0x100000000ull); /* a 64-bit bus address, not the host's */
    assert_true(openndis_device_dma_write(dev.bus, shared_bus + 3, "hello", 5));
    assert_memory_equal(shared + 3, "hello", 5);
    assert_int_equal(vf_violation_count_of(VF_DMA_OUTSIDE_MAPPING), 0);
    char got[16];
    assert_false(openndis_device_dma_read(dev.bus, shared_bus + 250, got, 10)); /* past the 256 bytes */
    assert_int_equal(vf_violation_count_of(VF_DMA_OUTSIDE_MAPPING), 1);

    /* a frame in two MDLs, the second across a page boundary: the list the miniport gets
     * has a piece per page, and the device reads the frame back through it */
    static uint8_t head[14], body[6000] __attribute__((aligned(4096)));
    for (size_t i = 0; i < sizeof head; i++)
        head[i] = (uint8_t)(0xA0 + i);
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (uint8_t)(i * 7);
    MDL m2 = { .Size = sizeof(MDL), .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL, .MappedSystemVa = body + 100, .ByteCount = 5000 };
    MDL m1 = { .Size = sizeof(MDL), .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL, .MappedSystemVa = head, .ByteCount = 14, .Next = &m2 };
    NET_BUFFER nb = { .MdlChain = &m1, .CurrentMdl = &m1, .DataLength = 14 + 5000 };
    NDIS_HANDLE dma = (NDIS_HANDLE)(uintptr_t)reg64(&dev, 0x40);
    assert_int_equal(NdisMAllocateNetBufferSGList(dma, &nb, a->context, NDIS_SG_LIST_WRITE_TO_DEVICE, NULL, 0),
                     NDIS_STATUS_SUCCESS);
    assert_true(dev.tx_ok);
    assert_int_equal(dev.tx_length, 14 + 5000);
    assert_memory_equal(dev.tx, head, 14);
    assert_memory_equal(dev.tx + 14, body + 100, 5000);
    PSCATTER_GATHER_LIST sgl = (PSCATTER_GATHER_LIST)(uintptr_t)reg64(&dev, 0x48);
    assert_int_equal(sgl->NumberOfElements, 3); /* the header; body + 100 to its page's end; the rest */
    uint64_t first = (uint64_t)sgl->Elements[1].Address.QuadPart;
    NdisMFreeNetBufferSGList(dma, sgl, &nb);
    assert_false(openndis_device_dma_read(dev.bus, first, got, 4)); /* the list is gone: so is the mapping */
    assert_int_equal(vf_violation_count_of(VF_DMA_OUTSIDE_MAPPING), 2);
    NdisMFreeNetBufferSGList(dma, sgl, &nb); /* twice */
    assert_int_equal(vf_violation_count_of(VF_DMA_MISUSE), 1);

    /* NdisMGetDmaAlignment; the asynchronous block, handed over at PASSIVE_LEVEL with the
     * call's context; NDIS 6.20's block, whose list element carries its bus address */
    assert_int_equal(REG(&dev, 0x100), 64);
    ke_work_flush();
    assert_int_equal(REG(&dev, 0x118), PASSIVE_LEVEL + 1);
    assert_int_equal(REG(&dev, 0x11C), 1);
    uint8_t *async = (uint8_t *)(uintptr_t)reg64(&dev, 0x108);
    uint8_t *block = (uint8_t *)(uintptr_t)reg64(&dev, 0x120);
    uint64_t async_bus = reg64(&dev, 0x110), block_bus = reg64(&dev, 0x128);
    assert_true(async_bus >= 0x100000000ull && block_bus >= 0x100000000ull);
    assert_true(openndis_device_dma_write(dev.bus, async_bus + 500, "async", 5));
    assert_memory_equal(async + 500, "async", 5);
    assert_true(openndis_device_dma_write(dev.bus, block_bus + 1000, "block", 5));
    assert_memory_equal(block + 1000, "block", 5);
    assert_int_equal(vf_violation_count_of(VF_DMA_OUTSIDE_MAPPING), 2);

    /* what the device holds: only inside one mapping; released, it may be freed; held, its
     * free is SharedMemoryFreedInUse */
    assert_false(openndis_device_dma_hold(dev.bus, block_bus + 1000, 100)); /* past the block */
    assert_true(openndis_device_dma_hold(dev.bus, block_bus, 64));
    openndis_device_dma_release(dev.bus, block_bus);
    assert_true(openndis_device_dma_hold(dev.bus, shared_bus + 16, 32));

    assert_int_equal(ndis_adapter_halt(a, NdisHaltDeviceDisabled), NDIS_STATUS_SUCCESS);
    assert_int_equal(vf_violation_count_of(VF_DMA_FREED_IN_USE), 1); /* the 256-byte block, at its free in halt */
    assert_int_equal(vf_violation_count_of(VF_DMA_NOT_RELEASED), 0); /* the miniport freed its blocks and deregistered */
    assert_true(ld_unload(image));
    ld_free(image);
}

static void test_line_based_interrupt(void **state)
{
    (void)state;
    run_interrupts(0);
}

static void test_message_based_interrupts(void **state)
{
    (void)state;
    run_interrupts(4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dma_through_the_map),
        cmocka_unit_test(test_line_based_interrupt),
        cmocka_unit_test(test_message_based_interrupts),
        cmocka_unit_test(test_miniport_drives_the_device),
        cmocka_unit_test(test_no_device_and_accesses_outside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
