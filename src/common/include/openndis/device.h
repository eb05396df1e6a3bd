/* OpenNDIS device models: a PCI device in software that a hardware miniport drives.
 *
 * A model declares its PCI identity and its base address registers (memory or I/O), and
 * answers register accesses. OpenNDIS gives the adapter it is attached to the resources a
 * PnP manager would (one CM_PARTIAL_RESOURCE_DESCRIPTOR per BAR in MiniportInitializeEx's
 * AllocatedResources), a PCI configuration space built from the identity and the BARs'
 * addresses (NdisMGetBusData, NdisMSetBusData), and routes the driver's register and port
 * accesses (READ_REGISTER_*, WRITE_REGISTER_*, NdisRawReadPort*, NdisRawWritePort*) through
 * what NdisMMapIoSpace and NdisMRegisterIoPortRange mapped to the model's callbacks. A
 * mapped BAR is not memory: the driver must use the accessors, as the DDI says, and a
 * direct dereference faults.
 *
 * A model raises interrupts with openndis_device_interrupt on the handle `attached` gave it:
 * a line-based interrupt (message 0) unless the model offers MSI-X messages and the driver
 * asks for them (MsiSupported), in which case each message is its own interrupt.
 *
 * This header is for hosts (tests, tools), not for drivers. */
#ifndef OPENNDIS_DEVICE_H
#define OPENNDIS_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OPENNDIS_DEVICE_BARS 6
#define OPENNDIS_DEVICE_BAR_MAX_MEMORY 0x100000u /* 1 MiB per memory BAR */
#define OPENNDIS_DEVICE_BAR_MAX_PORTS 0x100u     /* 256 ports per I/O BAR */
#define OPENNDIS_DEVICE_MAX_MESSAGES 32u        /* MSI-X messages a model may offer */

/* OpenNDIS's side of an attached device: what a model raises interrupts through. */
struct openndis_device;

struct openndis_device_bar {
    uint32_t size; /* bytes (memory) or ports (I/O); 0: the BAR is not implemented */
    bool io;       /* an I/O port range, else memory */
};

struct openndis_device_model {
    const char *name;
    uint16_t vendor_id, device_id, subsystem_vendor_id, subsystem_id;
    uint8_t revision_id;
    uint32_t class_code; /* base class, subclass, programming interface: 0x020000 is Ethernet */
    struct openndis_device_bar bars[OPENNDIS_DEVICE_BARS];
    unsigned messages; /* MSI-X messages offered (0: a line-based interrupt only) */
    /* Optional: the capability list, copied into configuration space at 0x40 (each `next`
     * pointer is an offset in configuration space, so the first is 0x40 + its own offset). */
    const uint8_t *capabilities;
    uint8_t capabilities_length; /* at most 192 */
    /* An access of `width` bytes (1, 2 or 4) at `offset` inside BAR `bar`, on the thread and
     * at the IRQL of the driver's call. */
    uint32_t (*read)(void *device, unsigned bar, uint32_t offset, unsigned width);
    void (*write)(void *device, unsigned bar, uint32_t offset, unsigned width, uint32_t value);
    /* Optional. `bus` is the device's handle once an adapter has it, NULL when the adapter
     * goes: from then on the model must not use it (a model with threads stops them here). */
    void (*attached)(void *device, struct openndis_device *bus);
    /* For models OpenNDIS instantiates itself (openndis run --device NAME[,OPTIONS]): one
     * instance per adapter, from the text after the name's comma ("" when none); it may
     * change `*messages` (preset to `messages`) for this instance. NULL, with the reason in
     * `error`, when the options are wrong or memory is short. */
    void *(*create)(const char *options, unsigned *messages, char *error, size_t cap);
    void (*destroy)(void *device);
    const char *summary; /* one line for `--device help` */
    /* Optional: the faults the device can show on demand (a NULL-ended list of names such as
     * "link-down"), and `fault`, which shows one now, from a thread of OpenNDIS's: what a
     * failing NIC or its cable would do, so a driver's error paths run. `openndis verify`
     * shows each in turn, in the list's order, once its adapters are up. */
    const char *const *faults;
    bool (*fault)(void *device, const char *name);
};

/* Raises interrupt `message` (0 for the line-based one), from any thread: the driver's
 * MiniportInterrupt (or MiniportMessageInterrupt) runs at DIRQL on the message's processor
 * soon after, unless the same interrupt is already pending there (it is edge-triggered).
 * False when the driver has no interrupt registered for it: the interrupt is lost, as on a
 * real bus. */
bool openndis_device_interrupt(struct openndis_device *bus, unsigned message);

/* How many MSI-X messages the driver's registered interrupt has: 0 when it took the line (or
 * has none registered), and message m is then its own interrupt. Like a real device's view of
 * its MSI-X capability's enable bit. */
unsigned openndis_device_messages(struct openndis_device *bus);

/* Bus-master DMA: `length` bytes at bus address `address` (what the driver wrote into the
 * device: a shared memory block's or a scatter/gather element's "physical" address). The
 * range must lie in one mapping the driver made for the device; else nothing moves (a read
 * gives zeros), the verifier reports DmaOutsideMapping, and the result is false. */
bool openndis_device_dma_read(struct openndis_device *bus, uint64_t address, void *to, size_t length);
bool openndis_device_dma_write(struct openndis_device *bus, uint64_t address, const void *from, size_t length);

/* The device keeps using [address, address + length) on its own from now on: a ring or a
 * buffer the driver handed it, which it may read or write at any time until released. The
 * driver freeing memory under a held range is SharedMemoryFreedInUse, since a real device
 * would go on writing into whatever takes the memory's place. False (nothing held) when no
 * single mapping covers the range. `release` drops the hold that starts at `address`, or
 * every hold when `address` is 0 (a device reset). */
bool openndis_device_dma_hold(struct openndis_device *bus, uint64_t address, size_t length);
void openndis_device_dma_release(struct openndis_device *bus, uint64_t address);

#ifdef __cplusplus
}
#endif
#endif
