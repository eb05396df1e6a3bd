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
 * This header is for hosts (tests, tools), not for drivers. */
#ifndef OPENNDIS_DEVICE_H
#define OPENNDIS_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OPENNDIS_DEVICE_BARS 6
#define OPENNDIS_DEVICE_BAR_MAX_MEMORY 0x100000u /* 1 MiB per memory BAR */
#define OPENNDIS_DEVICE_BAR_MAX_PORTS 0x100u     /* 256 ports per I/O BAR */

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
    /* An access of `width` bytes (1, 2 or 4) at `offset` inside BAR `bar`, on the thread and
     * at the IRQL of the driver's call. */
    uint32_t (*read)(void *device, unsigned bar, uint32_t offset, unsigned width);
    void (*write)(void *device, unsigned bar, uint32_t offset, unsigned width, uint32_t value);
};

#ifdef __cplusplus
}
#endif
#endif
