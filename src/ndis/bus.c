/* The bus side of a hardware miniport: a device model (openndis/device.h, installed for
 * hosts) attached to an adapter gets the resources PnP would assign (a CM_PARTIAL_RESOURCE_DESCRIPTOR per
 * BAR in MiniportInitializeEx's AllocatedResources), a type 0 PCI configuration space, and
 * the driver's register and port accesses.
 *
 * NdisMMapIoSpace reserves address space the driver cannot touch (PROT_NONE) and remembers
 * which BAR it stands for; READ_REGISTER_* and WRITE_REGISTER_* look the address up and call
 * the model. Ports are numbers: NdisMRegisterIoPortRange hands back the first port, and
 * NdisRawReadPort* and NdisRawWritePort* look the port up. An access that falls in no
 * mapping is RegisterAccessOutsideBar (ND2301), and reads all ones, as a bus read from no
 * device does. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "ndis.h"

#include "../common/include/openndis/device.h"

#define NDIS_BUS_MEMORY_BASE 0xC0000000ull /* adapter n's BAR k: + (n % 64) * 16 MiB + k * 1 MiB, below 4 GiB */
#define NDIS_BUS_PORT_BASE 0xC000u         /* adapter n's BAR k: + n * 0x800 + k * 0x100 */

struct ndis_device {
    struct ndis_adapter *adapter;
    const struct openndis_device_model *model;
    void *context;
    bool owned;        /* created by ndis_device_attach_every's model: destroyed with the adapter */
    struct ndis_dma *dma; /* dma.c: what the device may reach */
    unsigned messages; /* MSI-X messages this instance offers */
    uint64_t base[OPENNDIS_DEVICE_BARS]; /* physical address, or first port */
    uint8_t config[256];
    union {
        CM_PARTIAL_RESOURCE_LIST list;
        uint8_t room[sizeof(CM_PARTIAL_RESOURCE_LIST) + (OPENNDIS_DEVICE_BARS + OPENNDIS_DEVICE_MAX_MESSAGES) *
                                                           sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR)];
    } resources;
};

/* A range of the driver's view (virtual addresses, or ports) that stands for part of a BAR. */
struct ndis_bus_window {
    struct ndis_bus_window *next;
    struct ndis_adapter *adapter;
    uintptr_t start;
    size_t length;
    bool io;
    unsigned bar;
    uint32_t offset; /* of `start` in the BAR */
};

static pthread_rwlock_t ndis_bus_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct ndis_bus_window *ndis_bus_windows;
static _Thread_local OPENNDIS_TLS const struct openndis_device_model *ndis_bus_next_model;
static _Thread_local OPENNDIS_TLS void *ndis_bus_next_context;

static const struct openndis_device_model *ndis_bus_every_model;
static char ndis_bus_every_options[256];

void ndis_device_attach_next(const struct openndis_device_model *model, void *device)
{
    ndis_bus_next_model = model;
    ndis_bus_next_context = device;
}

void ndis_device_attach_every(const struct openndis_device_model *model, const char *options)
{
    ndis_bus_every_model = model;
    snprintf(ndis_bus_every_options, sizeof ndis_bus_every_options, "%s", options != NULL ? options : "");
}

static void ndis_bus_put16(uint8_t *at, uint16_t v)
{
    at[0] = (uint8_t)v, at[1] = (uint8_t)(v >> 8);
}

static void ndis_bus_put32(uint8_t *at, uint32_t v)
{
    ndis_bus_put16(at, (uint16_t)v), ndis_bus_put16(at + 2, (uint16_t)(v >> 16));
}

PNDIS_RESOURCE_LIST ndis_bus_adapter_begin(struct ndis_adapter *a)
{
    const struct openndis_device_model *m = ndis_bus_next_model;
    void *context = ndis_bus_next_context;
    bool owned = m == NULL && ndis_bus_every_model != NULL;
    unsigned messages = m != NULL ? m->messages : 0;
    if (owned) {
        m = ndis_bus_every_model;
        messages = m->messages;
        char why[256] = "";
        context = m->create(ndis_bus_every_options, &messages, why, sizeof why);
        if (context == NULL) {
            fprintf(stderr, "openndis: adapter %u gets no %s device: %s\n", a->index, m->name, why);
            return NULL;
        }
    }
    if (m == NULL)
        return NULL;
    ndis_bus_next_model = NULL;
    struct ndis_device *dev = calloc(1, sizeof *dev);
    if (dev == NULL) {
        if (owned)
            m->destroy(context);
        return NULL;
    }
    dev->dma = ndis_dma_new();
    if (dev->dma == NULL) {
        free(dev);
        if (owned)
            m->destroy(context);
        return NULL;
    }
    dev->adapter = a;
    dev->model = m;
    dev->context = context;
    dev->owned = owned;
    dev->messages = messages < OPENNDIS_DEVICE_MAX_MESSAGES ? messages : OPENNDIS_DEVICE_MAX_MESSAGES;
    uint8_t *c = dev->config;
    ndis_bus_put16(c + 0x00, m->vendor_id);
    ndis_bus_put16(c + 0x02, m->device_id);
    ndis_bus_put16(c + 0x04, 0x0007); /* command: I/O, memory, bus master on */
    c[0x08] = m->revision_id;
    c[0x09] = (uint8_t)m->class_code, c[0x0A] = (uint8_t)(m->class_code >> 8), c[0x0B] = (uint8_t)(m->class_code >> 16);
    ndis_bus_put16(c + 0x2C, m->subsystem_vendor_id);
    ndis_bus_put16(c + 0x2E, m->subsystem_id);
    if (m->capabilities_length != 0) { /* the model's list, at 0x40; status bit 4 says it is there */
        size_t n = m->capabilities_length < sizeof dev->config - 0x40 ? m->capabilities_length
                                                                       : sizeof dev->config - 0x40;
        memcpy(c + 0x40, m->capabilities, n);
        c[0x06] |= 0x10;
        c[0x34] = 0x40;
    }
    CM_PARTIAL_RESOURCE_LIST *list = &dev->resources.list;
    list->Version = 1, list->Revision = 1;
    for (unsigned k = 0; k < OPENNDIS_DEVICE_BARS; k++) {
        const struct openndis_device_bar *b = &m->bars[k];
        if (b->size == 0)
            continue;
        CM_PARTIAL_RESOURCE_DESCRIPTOR *d = &list->PartialDescriptors[list->Count++];
        d->ShareDisposition = CmResourceShareDeviceExclusive;
        if (b->io) {
            dev->base[k] = NDIS_BUS_PORT_BASE + a->index % 16 * 0x800u + k * OPENNDIS_DEVICE_BAR_MAX_PORTS;
            d->Type = CmResourceTypePort;
            d->Flags = CM_RESOURCE_PORT_IO;
            d->u.Port.Start.QuadPart = (LONGLONG)dev->base[k];
            d->u.Port.Length = b->size;
            ndis_bus_put32(c + 0x10 + 4 * k, (uint32_t)dev->base[k] | 1u);
        } else {
            dev->base[k] = NDIS_BUS_MEMORY_BASE + (uint64_t)(a->index % 64) * 0x1000000u +
                           (uint64_t)k * OPENNDIS_DEVICE_BAR_MAX_MEMORY;
            d->Type = CmResourceTypeMemory;
            d->Flags = CM_RESOURCE_MEMORY_READ_WRITE;
            d->u.Memory.Start.QuadPart = (LONGLONG)dev->base[k];
            d->u.Memory.Length = b->size;
            ndis_bus_put32(c + 0x10 + 4 * k, (uint32_t)dev->base[k]);
        }
    }
    /* the line (pin INTA#), then one descriptor per MSI-X message, as PnP translates them */
    c[0x3C] = (uint8_t)(16 + a->index % 8), c[0x3D] = 1;
    for (unsigned i = 0; i <= dev->messages; i++) {
        CM_PARTIAL_RESOURCE_DESCRIPTOR *d = &list->PartialDescriptors[list->Count++];
        d->Type = CmResourceTypeInterrupt;
        d->ShareDisposition = i == 0 ? CmResourceShareShared : CmResourceShareDeviceExclusive;
        d->Flags = i == 0 ? CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE : CM_RESOURCE_INTERRUPT_LATCHED | CM_RESOURCE_INTERRUPT_MESSAGE;
        d->u.Interrupt.Level = 5; /* the DIRQL interrupt.c runs ISRs at */
        d->u.Interrupt.Vector = i == 0 ? c[0x3C] : 0x40 + i - 1;
        d->u.Interrupt.Affinity = (KAFFINITY)1 << (i == 0 ? 0 : (i - 1) % ke_processor_count());
    }
    a->device = dev;
    if (m->attached != NULL)
        m->attached(dev->context, (struct openndis_device *)dev);
    return list;
}

struct ndis_dma *ndis_bus_dma(const struct ndis_adapter *a)
{
    return a->device->dma;
}

struct ndis_adapter *ndis_bus_adapter_of(struct openndis_device *bus)
{
    return ((struct ndis_device *)bus)->adapter;
}

/* The driver's register or port access whose model callback this thread is in: a device that
 * acts on it at once (a DMA started by a doorbell write) is the driver's doing there. */
static _Thread_local OPENNDIS_TLS const void *ndis_bus_site;
static _Thread_local OPENNDIS_TLS const char *ndis_bus_fn;

const void *ndis_bus_access_site(const char **fn)
{
    *fn = ndis_bus_fn;
    return ndis_bus_site;
}

int ndis_bus_messages(const struct ndis_adapter *a)
{
    if (a->device == NULL)
        return -1;
    return (int)a->device->messages;
}

unsigned ndis_bus_interrupt_storm(struct ndis_adapter *a, unsigned rounds)
{
    if (a->device == NULL)
        return 0;
    unsigned raised = 0, vectors = ndis_interrupt_messages(a);
    for (unsigned r = 0; r < rounds; r++) {
        for (unsigned m = 0; m < (vectors != 0 ? vectors : 1); m++)
            raised += ndis_interrupt_raise(a, m);
        if (r % 16 == 15)
            KeFlushQueuedDpcs(); /* let each burst's ISRs and DPCs run, so the next is not coalesced away */
    }
    KeFlushQueuedDpcs();
    return raised;
}

const char *const *ndis_bus_faults(const struct ndis_adapter *a)
{
    return a->device != NULL && a->device->model->fault != NULL ? a->device->model->faults : NULL;
}

bool ndis_bus_fault(struct ndis_adapter *a, const char *name)
{
    if (ndis_bus_faults(a) == NULL)
        return false;
    bool shown = a->device->model->fault(a->device->context, name);
    KeFlushQueuedDpcs(); /* the interrupt it raised is handled before the caller goes on */
    return shown;
}

OPENNDIS_API unsigned openndis_device_messages(struct openndis_device *bus)
{
    struct ndis_device *dev = (struct ndis_device *)bus;
    return dev != NULL ? ndis_interrupt_messages(dev->adapter) : 0;
}

OPENNDIS_API bool openndis_device_interrupt(struct openndis_device *bus, unsigned message)
{
    struct ndis_device *dev = (struct ndis_device *)bus;
    return dev != NULL && ndis_interrupt_raise(dev->adapter, message);
}

/* Takes the adapter's windows out of the table; returns them. Write lock held. */
static struct ndis_bus_window *ndis_bus_unlink(struct ndis_adapter *a, bool io, uintptr_t start)
{
    struct ndis_bus_window *gone = NULL;
    for (struct ndis_bus_window **w = &ndis_bus_windows; *w != NULL;) {
        struct ndis_bus_window *x = *w;
        if (x->adapter == a && (start == 0 || (x->io == io && x->start == start))) {
            *w = x->next;
            x->next = gone;
            gone = x;
        } else {
            w = &x->next;
        }
    }
    return gone;
}

static void ndis_bus_free_windows(struct ndis_bus_window *w)
{
    while (w != NULL) {
        struct ndis_bus_window *next = w->next;
        if (!w->io)
            munmap((void *)w->start, w->length);
        free(w);
        w = next;
    }
}

void ndis_bus_adapter_end(struct ndis_adapter *a)
{
    if (a->device == NULL)
        return;
    if (a->device->model->attached != NULL)
        a->device->model->attached(a->device->context, NULL); /* it raises nothing from here */
    ndis_interrupt_adapter_end(a);
    ndis_dma_halted(a, "the adapter's end"); /* empty unless the adapter never halted */
    ndis_dma_free(a->device->dma);
    pthread_rwlock_wrlock(&ndis_bus_lock);
    struct ndis_bus_window *gone = ndis_bus_unlink(a, false, 0);
    pthread_rwlock_unlock(&ndis_bus_lock);
    ndis_bus_free_windows(gone);
    if (a->device->owned)
        a->device->model->destroy(a->device->context);
    free(a->device);
    a->device = NULL;
}

/* The BAR of `a`'s device holding [start, start + length) (physical addresses or ports). */
static int ndis_bus_bar_of(const struct ndis_adapter *a, bool io, uint64_t start, uint64_t length, uint32_t *offset)
{
    const struct ndis_device *dev = a->device;
    for (unsigned k = 0; dev != NULL && k < OPENNDIS_DEVICE_BARS; k++) {
        const struct openndis_device_bar *b = &dev->model->bars[k];
        if (b->size == 0 || b->io != io || start < dev->base[k] || length > b->size ||
            start - dev->base[k] > b->size - length)
            continue;
        *offset = (uint32_t)(start - dev->base[k]);
        return (int)k;
    }
    return -1;
}

static bool ndis_bus_add(struct ndis_adapter *a, bool io, uintptr_t start, size_t length, unsigned bar,
                         uint32_t offset)
{
    struct ndis_bus_window *w = calloc(1, sizeof *w);
    if (w == NULL)
        return false;
    *w = (struct ndis_bus_window){ .adapter = a, .start = start, .length = length, .io = io, .bar = bar,
                                   .offset = offset };
    pthread_rwlock_wrlock(&ndis_bus_lock);
    w->next = ndis_bus_windows;
    ndis_bus_windows = w;
    pthread_rwlock_unlock(&ndis_bus_lock);
    return true;
}

/* An access of `width` bytes at `at` (address or port): the model's answer, or all ones
 * and ND2301 when no window holds it. */
static uint32_t ndis_bus_access(bool io, uintptr_t at, unsigned width, bool write, uint32_t value, const char *fn,
                                const void *site)
{
    const struct openndis_device_model *model = NULL;
    void *context = NULL;
    unsigned bar = 0;
    uint32_t offset = 0;
    pthread_rwlock_rdlock(&ndis_bus_lock);
    for (struct ndis_bus_window *w = ndis_bus_windows; w != NULL; w = w->next)
        if (w->io == io && at >= w->start && at - w->start < w->length && width <= w->length - (at - w->start)) {
            model = w->adapter->device->model;
            context = w->adapter->device->context;
            bar = w->bar;
            offset = w->offset + (uint32_t)(at - w->start);
            break;
        }
    pthread_rwlock_unlock(&ndis_bus_lock);
    uint32_t all_ones = width == 4 ? 0xFFFFFFFFu : width == 2 ? 0xFFFFu : 0xFFu;
    if (model == NULL) {
        vf_violation(VF_REGISTER_OUTSIDE_BAR, fn, site,
                     "%s %#lx is in no %s: %s", io ? "port" : "register", (unsigned long)at,
                     io ? "range NdisMRegisterIoPortRange registered" : "BAR NdisMMapIoSpace mapped",
                     write ? "the write goes nowhere" : "the read gives all ones");
        return all_ones;
    }
    const void *outer_site = ndis_bus_site;
    const char *outer_fn = ndis_bus_fn;
    ndis_bus_site = site, ndis_bus_fn = fn;
    uint32_t v = 0;
    if (write) {
        if (model->write != NULL)
            model->write(context, bar, offset, width, value);
    } else {
        v = model->read != NULL ? model->read(context, bar, offset, width) & all_ones : all_ones;
    }
    ndis_bus_site = outer_site, ndis_bus_fn = outer_fn;
    return v;
}

/* ---- mapped device memory and I/O ports ------------------------------------------------------ */
NDISAPI NDIS_STATUS NdisMMapIoSpace(PVOID *VirtualAddress, NDIS_HANDLE MiniportAdapterHandle,
                                    NDIS_PHYSICAL_ADDRESS PhysicalAddress, UINT Length)
{
    static const char fn[] = "NdisMMapIoSpace";
    const void *site = VF_CALLER;
    if (VirtualAddress != NULL)
        *VirtualAddress = NULL; /* as the page says of any failure */
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    if (a == NULL || VirtualAddress == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    uint32_t offset;
    int bar = Length == 0 ? -1 : ndis_bus_bar_of(a, false, (uint64_t)PhysicalAddress.QuadPart, Length, &offset);
    if (bar < 0) {
        vf_violation(VF_REGISTER_OUTSIDE_BAR, fn, site,
                     "%u bytes at physical address %#llx are in no memory BAR of adapter %u's device", Length,
                     (unsigned long long)PhysicalAddress.QuadPart, a->index);
        return NDIS_STATUS_RESOURCES;
    }
    if (vf_fault_inject(fn, site))
        return NDIS_STATUS_RESOURCES;
    /* address space the driver cannot touch: registers are read through the accessors */
    void *va = mmap(NULL, Length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (va == MAP_FAILED)
        return NDIS_STATUS_RESOURCES;
    if (!ndis_bus_add(a, false, (uintptr_t)va, Length, (unsigned)bar, offset)) {
        munmap(va, Length);
        return NDIS_STATUS_RESOURCES;
    }
    *VirtualAddress = va;
    return NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisMUnmapIoSpace(NDIS_HANDLE MiniportAdapterHandle, PVOID VirtualAddress, UINT Length)
{
    static const char fn[] = "NdisMUnmapIoSpace";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    if (a == NULL)
        return;
    pthread_rwlock_wrlock(&ndis_bus_lock);
    struct ndis_bus_window *gone = VirtualAddress == NULL ? NULL : ndis_bus_unlink(a, false, (uintptr_t)VirtualAddress);
    pthread_rwlock_unlock(&ndis_bus_lock);
    if (gone == NULL)
        vf_violation(VF_REGISTER_OUTSIDE_BAR, fn, site, "%p is not an address NdisMMapIoSpace returned for adapter %u",
                     VirtualAddress, a->index);
    else if (gone->length != Length)
        vf_violation(VF_REGISTER_OUTSIDE_BAR, fn, site, "%u bytes unmapped at %p, but %zu were mapped", Length,
                     VirtualAddress, gone->length);
    ndis_bus_free_windows(gone);
}

NDISAPI NDIS_STATUS NdisMRegisterIoPortRange(PVOID *PortOffset, NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort,
                                             UINT NumberOfPorts)
{
    static const char fn[] = "NdisMRegisterIoPortRange";
    const void *site = VF_CALLER;
    if (PortOffset != NULL)
        *PortOffset = NULL;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    if (a == NULL || PortOffset == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    uint32_t offset;
    int bar = NumberOfPorts == 0 ? -1 : ndis_bus_bar_of(a, true, InitialPort, NumberOfPorts, &offset);
    if (bar < 0) {
        vf_violation(VF_REGISTER_OUTSIDE_BAR, fn, site, "ports %#x..%#x are in no I/O BAR of adapter %u's device",
                     InitialPort, InitialPort + NumberOfPorts - 1, a->index);
        return NDIS_STATUS_RESOURCES;
    }
    if (vf_fault_inject(fn, site))
        return NDIS_STATUS_RESOURCES;
    if (!ndis_bus_add(a, true, InitialPort, NumberOfPorts, (unsigned)bar, offset))
        return NDIS_STATUS_RESOURCES;
    *PortOffset = (PVOID)(uintptr_t)InitialPort; /* on x64 the port numbers themselves */
    return NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisMDeregisterIoPortRange(NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort, UINT NumberOfPorts,
                                        PVOID PortOffset)
{
    static const char fn[] = "NdisMDeregisterIoPortRange";
    const void *site = VF_CALLER;
    (void)PortOffset;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    if (a == NULL)
        return;
    pthread_rwlock_wrlock(&ndis_bus_lock);
    struct ndis_bus_window *gone = ndis_bus_unlink(a, true, InitialPort);
    pthread_rwlock_unlock(&ndis_bus_lock);
    if (gone == NULL || gone->length != NumberOfPorts)
        vf_violation(VF_REGISTER_OUTSIDE_BAR, fn, site, "ports %#x (%u) were not registered as one range for adapter %u",
                     InitialPort, NumberOfPorts, a->index);
    ndis_bus_free_windows(gone);
}

/* The macros of the same names (hardware.h) stand in front of these definitions. */
NDISAPI VOID(NdisRawReadPortUchar)(ULONG_PTR Port, PUCHAR Data)
{
    *Data = (UCHAR)ndis_bus_access(true, Port, 1, false, 0, "NdisRawReadPortUchar", VF_CALLER);
}

NDISAPI VOID(NdisRawReadPortUshort)(ULONG_PTR Port, PUSHORT Data)
{
    *Data = (USHORT)ndis_bus_access(true, Port, 2, false, 0, "NdisRawReadPortUshort", VF_CALLER);
}

NDISAPI VOID(NdisRawReadPortUlong)(ULONG_PTR Port, PULONG Data)
{
    *Data = ndis_bus_access(true, Port, 4, false, 0, "NdisRawReadPortUlong", VF_CALLER);
}

NDISAPI VOID(NdisRawWritePortUchar)(ULONG_PTR Port, UCHAR Data)
{
    ndis_bus_access(true, Port, 1, true, Data, "NdisRawWritePortUchar", VF_CALLER);
}

NDISAPI VOID(NdisRawWritePortUshort)(ULONG_PTR Port, USHORT Data)
{
    ndis_bus_access(true, Port, 2, true, Data, "NdisRawWritePortUshort", VF_CALLER);
}

NDISAPI VOID(NdisRawWritePortUlong)(ULONG_PTR Port, ULONG Data)
{
    ndis_bus_access(true, Port, 4, true, Data, "NdisRawWritePortUlong", VF_CALLER);
}

/* The HAL's port accessors, which drivers such as NetKVM call directly. */
NTHALAPI UCHAR READ_PORT_UCHAR(PUCHAR Port)
{
    return (UCHAR)ndis_bus_access(true, (uintptr_t)Port, 1, false, 0, "READ_PORT_UCHAR", VF_CALLER);
}

NTHALAPI USHORT READ_PORT_USHORT(PUSHORT Port)
{
    return (USHORT)ndis_bus_access(true, (uintptr_t)Port, 2, false, 0, "READ_PORT_USHORT", VF_CALLER);
}

NTHALAPI ULONG READ_PORT_ULONG(PULONG Port)
{
    return ndis_bus_access(true, (uintptr_t)Port, 4, false, 0, "READ_PORT_ULONG", VF_CALLER);
}

NTHALAPI VOID WRITE_PORT_UCHAR(PUCHAR Port, UCHAR Value)
{
    ndis_bus_access(true, (uintptr_t)Port, 1, true, Value, "WRITE_PORT_UCHAR", VF_CALLER);
}

NTHALAPI VOID WRITE_PORT_USHORT(PUSHORT Port, USHORT Value)
{
    ndis_bus_access(true, (uintptr_t)Port, 2, true, Value, "WRITE_PORT_USHORT", VF_CALLER);
}

NTHALAPI VOID WRITE_PORT_ULONG(PULONG Port, ULONG Value)
{
    ndis_bus_access(true, (uintptr_t)Port, 4, true, Value, "WRITE_PORT_ULONG", VF_CALLER);
}

/* What NdisRead/WriteRegisterXxx expand to. */
NTKERNELAPI UCHAR READ_REGISTER_UCHAR(volatile UCHAR *Register)
{
    return (UCHAR)ndis_bus_access(false, (uintptr_t)Register, 1, false, 0, "READ_REGISTER_UCHAR", VF_CALLER);
}

NTKERNELAPI USHORT READ_REGISTER_USHORT(volatile USHORT *Register)
{
    return (USHORT)ndis_bus_access(false, (uintptr_t)Register, 2, false, 0, "READ_REGISTER_USHORT", VF_CALLER);
}

NTKERNELAPI ULONG READ_REGISTER_ULONG(volatile ULONG *Register)
{
    return ndis_bus_access(false, (uintptr_t)Register, 4, false, 0, "READ_REGISTER_ULONG", VF_CALLER);
}

NTKERNELAPI VOID WRITE_REGISTER_UCHAR(volatile UCHAR *Register, UCHAR Value)
{
    ndis_bus_access(false, (uintptr_t)Register, 1, true, Value, "WRITE_REGISTER_UCHAR", VF_CALLER);
}

NTKERNELAPI VOID WRITE_REGISTER_USHORT(volatile USHORT *Register, USHORT Value)
{
    ndis_bus_access(false, (uintptr_t)Register, 2, true, Value, "WRITE_REGISTER_USHORT", VF_CALLER);
}

NTKERNELAPI VOID WRITE_REGISTER_ULONG(volatile ULONG *Register, ULONG Value)
{
    ndis_bus_access(false, (uintptr_t)Register, 4, true, Value, "WRITE_REGISTER_ULONG", VF_CALLER);
}

/* The buffer forms: a port is a FIFO (the same port each time); registers are consecutive. */
#define NDIS_BUS_BUFFERS(KIND, TYPE, WIDTH, IO, STEP, API, Q)                                                          \
    API VOID READ_##KIND##_BUFFER_##TYPE(Q TYPE *At, P##TYPE Buffer, ULONG Count)                         \
    {                                                                                                               \
        const void *site = VF_CALLER;                                                                               \
        for (ULONG i = 0; i < Count; i++)                                                                           \
            Buffer[i] = (TYPE)ndis_bus_access(IO, (uintptr_t)At + (STEP ? i * WIDTH : 0), WIDTH, false, 0,           \
                                              "READ_" #KIND "_BUFFER_" #TYPE, site);                                \
    }                                                                                                               \
    API VOID WRITE_##KIND##_BUFFER_##TYPE(Q TYPE *At, P##TYPE Buffer, ULONG Count)                        \
    {                                                                                                               \
        const void *site = VF_CALLER;                                                                               \
        for (ULONG i = 0; i < Count; i++)                                                                           \
            ndis_bus_access(IO, (uintptr_t)At + (STEP ? i * WIDTH : 0), WIDTH, true, Buffer[i],                      \
                            "WRITE_" #KIND "_BUFFER_" #TYPE, site);                                                 \
    }
NDIS_BUS_BUFFERS(PORT, UCHAR, 1, true, false, NTHALAPI, )
NDIS_BUS_BUFFERS(PORT, USHORT, 2, true, false, NTHALAPI, )
NDIS_BUS_BUFFERS(PORT, ULONG, 4, true, false, NTHALAPI, )
NDIS_BUS_BUFFERS(REGISTER, UCHAR, 1, false, true, NTKERNELAPI, volatile)
NDIS_BUS_BUFFERS(REGISTER, USHORT, 2, false, true, NTKERNELAPI, volatile)
NDIS_BUS_BUFFERS(REGISTER, ULONG, 4, false, true, NTKERNELAPI, volatile)

/* ---- PCI configuration space: the bytes moved; none without a device ------------------------- */
static ULONG ndis_bus_config(NDIS_HANDLE handle, ULONG space, ULONG offset, PVOID buffer, ULONG length, bool write,
                             const char *fn, const void *site)
{
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(handle, fn, site);
    if (a == NULL || a->device == NULL || space != PCI_WHICHSPACE_CONFIG || buffer == NULL ||
        offset >= sizeof a->device->config)
        return 0;
    ULONG n = length < sizeof a->device->config - offset ? length : (ULONG)sizeof a->device->config - offset;
    uint8_t *c = a->device->config;
    if (!write) {
        memcpy(buffer, c + offset, n);
        return n;
    }
    /* identity, class, BARs, subsystem IDs and the capabilities are read-only here: the BARs
     * stay where PnP put them */
    for (ULONG i = 0; i < n; i++) {
        ULONG at = offset + i;
        bool fixed = at < 0x04 || (at >= 0x08 && at < 0x0C) || (at >= 0x10 && at < 0x30) || at == 0x34 ||
                     (at >= 0x40 && at < 0x40u + a->device->model->capabilities_length);
        if (!fixed)
            c[at] = ((const uint8_t *)buffer)[i];
    }
    return n;
}

NDISAPI ULONG NdisMGetBusData(NDIS_HANDLE NdisMiniportHandle, ULONG WhichSpace, ULONG Offset, PVOID Buffer,
                              ULONG Length)
{
    return ndis_bus_config(NdisMiniportHandle, WhichSpace, Offset, Buffer, Length, false, "NdisMGetBusData",
                           VF_CALLER);
}

NDISAPI ULONG NdisMSetBusData(NDIS_HANDLE NdisMiniportHandle, ULONG WhichSpace, ULONG Offset, PVOID Buffer,
                              ULONG Length)
{
    return ndis_bus_config(NdisMiniportHandle, WhichSpace, Offset, Buffer, Length, true, "NdisMSetBusData",
                           VF_CALLER);
}
