/* The adapter's device objects (NdisMGetDeviceProperty) and the driver's own control devices
 * (NdisRegisterDeviceEx). */
#include <stdlib.h>
#include <wdmsec.h>

#include "ndis.h"
#include "../kernel/irp.h"
#include "../kernel/ob.h"

NDISAPI VOID NdisMGetDeviceProperty(NDIS_HANDLE MiniportAdapterHandle, PDEVICE_OBJECT *PhysicalDeviceObject,
                                    PDEVICE_OBJECT *FunctionalDeviceObject, PDEVICE_OBJECT *NextDeviceObject,
                                    PCM_RESOURCE_LIST *AllocatedResources,
                                    PCM_RESOURCE_LIST *AllocatedResourcesTranslated)
{
    static const char fn[] = "NdisMGetDeviceProperty";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_adapter *a = ndis_adapter_checked(MiniportAdapterHandle, fn, site);
    if (a == NULL)
        return;
    if (PhysicalDeviceObject)
        *PhysicalDeviceObject = &a->pdo;
    if (FunctionalDeviceObject)
        *FunctionalDeviceObject = a->fdo;
    if (NextDeviceObject)
        *NextDeviceObject = NULL; /* a virtual adapter has no device below it */
    if (AllocatedResources)
        *AllocatedResources = NULL;
    if (AllocatedResourcesTranslated)
        *AllocatedResourcesTranslated = NULL;
}

struct ndis_adapter *ndis_adapter_of_device(PDEVICE_OBJECT d)
{
    if (d == NULL)
        return NULL;
    /* the PDO lives in the adapter; the FDO is the I/O manager's, on the miniport's object */
    struct ndis_adapter *a = ndis_adapter_from_handle(CONTAINING_RECORD(d, struct ndis_adapter, pdo));
    if (a != NULL)
        return a;
    struct ndis_driver *drv = ke_device_exists(d) ? ndis_registration_of(d->DriverObject) : NULL;
    if (drv == NULL)
        return NULL;
    pthread_rwlock_rdlock(&drv->adapters_lock);
    for (struct ndis_adapter *x = drv->adapters; x != NULL && a == NULL; x = x->next)
        if (x->fdo == d)
            a = x;
    pthread_rwlock_unlock(&drv->adapters_lock);
    return a;
}

NDISAPI ULONG NdisGetSharedDataAlignment(VOID)
{
    return 64;
}

/* A driver's own control device (tap-windows6's per-adapter TAP device): a device object
 * made by the I/O manager (kernel/device.c) on the miniport driver's DRIVER_OBJECT, its
 * symbolic link, and the dispatch table NDIS keeps for it. The device extension starts with
 * NDIS's record; NdisGetDeviceReservedExtension hands out what follows. NDIS owns the miniport
 * driver's MajorFunction table and forwards each IRP to the table of the device it is for. */
#define NDIS_DEVICE_MAGIC 0x4e444556u /* "NDEV" */
struct ndis_device {
    uint32_t magic;
    PDRIVER_DISPATCH major[IRP_MJ_MAXIMUM_FUNCTION + 1];
    UNICODE_STRING link; /* Buffer NULL: no symbolic link */
    DECLSPEC_ALIGN(16) UCHAR reserved[];
};

/* The NDIS record of a device NdisRegisterDeviceEx made, or NULL. */
static struct ndis_device *ndis_device_of(PDEVICE_OBJECT d)
{
    if (d == NULL || !ke_device_exists(d) || d->DeviceExtension == NULL)
        return NULL;
    struct ndis_device *n = d->DeviceExtension;
    return n->magic == NDIS_DEVICE_MAGIC ? n : NULL;
}

/* What the driver's dispatch routine for `major` is on a device NdisRegisterDeviceEx made
 * (NULL: NDIS completes it with STATUS_INVALID_DEVICE_REQUEST). */
static PDRIVER_DISPATCH ndis_device_dispatch(PDEVICE_OBJECT d, UCHAR major)
{
    struct ndis_device *n = ndis_device_of(d);
    return n != NULL && major <= IRP_MJ_MAXIMUM_FUNCTION ? n->major[major] : NULL;
}

/* What NDIS puts in every MajorFunction slot of a miniport driver: the IRP goes to the routine
 * the device's NdisRegisterDeviceEx table names. Without one, opening and closing succeed and
 * anything else is STATUS_INVALID_DEVICE_REQUEST. */
static NTSTATUS ndis_device_forward(PDEVICE_OBJECT d, PIRP irp)
{
    UCHAR major = IoGetCurrentIrpStackLocation(irp)->MajorFunction;
    PDRIVER_DISPATCH fn = ndis_device_dispatch(d, major);
    if (fn != NULL) {
        NTSTATUS s = KE_DRIVER_CALL(fn, d, irp);
        /* a write to a virtual NIC's device is often a receive indication (tap-windows6 keeps
         * the IRP until the frame comes back): what the edges returned goes back now */
        struct ndis_driver *drv = ndis_registration_of(d->DriverObject);
        if (drv != NULL)
            ndis_driver_return_pending(drv);
        return s;
    }
    NTSTATUS s = major == IRP_MJ_CREATE || major == IRP_MJ_CLEANUP || major == IRP_MJ_CLOSE ? STATUS_SUCCESS
                                                                                           : STATUS_INVALID_DEVICE_REQUEST;
    irp->IoStatus.Status = s;
    irp->IoStatus.Information = 0;
    IofCompleteRequest(irp, IO_NO_INCREMENT);
    return s;
}

/* For findings: the driver routine behind NDIS's forwarder. */
static PDRIVER_DISPATCH ndis_device_target(PDEVICE_OBJECT d, UCHAR major, PDRIVER_DISPATCH installed)
{
    if (installed != ndis_device_forward)
        return installed;
    PDRIVER_DISPATCH fn = ndis_device_dispatch(d, major);
    return fn != NULL ? fn : installed;
}

void ndis_device_take_dispatch(PDRIVER_OBJECT object)
{
    for (size_t i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        object->MajorFunction[i] = ndis_device_forward;
    atomic_store(&ke_io_dispatch_target, ndis_device_target);
}

NDISAPI NDIS_STATUS NdisRegisterDeviceEx(NDIS_HANDLE NdisHandle, PNDIS_DEVICE_OBJECT_ATTRIBUTES DeviceObjectAttributes,
                                         PDEVICE_OBJECT *pDeviceObject, PNDIS_HANDLE NdisDeviceHandle)
{
    static const char fn[] = "NdisRegisterDeviceEx";
    const void *site = VF_CALLER;
    if (pDeviceObject != NULL)
        *pDeviceObject = NULL;
    if (NdisDeviceHandle != NULL)
        *NdisDeviceHandle = NULL;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    struct ndis_driver *drv = ndis_driver_from_handle(NdisHandle);
    /* The DDI asks for the driver handle; tap-windows6 passes its adapter handle, which
     * Windows accepts, so its driver's is taken here too. */
    struct ndis_adapter *adapter = drv == NULL ? ndis_adapter_from_handle(NdisHandle) : NULL;
    if (adapter != NULL)
        drv = adapter->driver;
    PNDIS_DEVICE_OBJECT_ATTRIBUTES a = DeviceObjectAttributes;
    if (drv == NULL) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is neither a driver handle from NdisMRegisterMiniportDriver nor a miniport adapter handle",
                     NdisHandle);
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (a == NULL || pDeviceObject == NULL || NdisDeviceHandle == NULL ||
        a->Header.Type != NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES || a->Header.Revision < NDIS_DEVICE_OBJECT_ATTRIBUTES_REVISION_1 ||
        a->Header.Size < NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1 || a->DeviceName == NULL) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "the attributes need NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES, revision 1, its size and a DeviceName; "
                     "the two out pointers must not be NULL");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (a->ExtensionSize > (1u << 28))
        return NDIS_STATUS_INVALID_PARAMETER;
    PDEVICE_OBJECT d;
    NTSTATUS s = ke_io_create_device(drv->block->object, (ULONG)(sizeof(struct ndis_device) + a->ExtensionSize),
                                     a->DeviceName, FILE_DEVICE_NETWORK, FILE_DEVICE_SECURE_OPEN, FALSE,
                                     a->DefaultSDDLString, &d, fn, site);
    if (!NT_SUCCESS(s))
        return s == STATUS_INSUFFICIENT_RESOURCES ? NDIS_STATUS_RESOURCES : (NDIS_STATUS)s;
    struct ndis_device *n = d->DeviceExtension;
    n->magic = NDIS_DEVICE_MAGIC;
    if (a->MajorFunctions != NULL)
        memcpy(n->major, a->MajorFunctions, sizeof n->major);
    if (a->SymbolicName != NULL && a->SymbolicName->Length != 0) {
        size_t len = a->SymbolicName->Length;
        n->link.Buffer = malloc(len + sizeof(WCHAR));
        if (n->link.Buffer == NULL) {
            IoDeleteDevice(d);
            return NDIS_STATUS_RESOURCES;
        }
        memcpy(n->link.Buffer, a->SymbolicName->Buffer, len);
        n->link.Length = (USHORT)len;
        n->link.MaximumLength = (USHORT)(len + sizeof(WCHAR));
        s = ke_io_create_symlink(&n->link, a->DeviceName, site);
        if (!NT_SUCCESS(s)) {
            free(n->link.Buffer);
            IoDeleteDevice(d);
            return s == STATUS_INSUFFICIENT_RESOURCES ? NDIS_STATUS_RESOURCES : (NDIS_STATUS)s;
        }
    }
    d->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING; /* NDIS finishes the device for the driver */
    *pDeviceObject = d;
    *NdisDeviceHandle = d;
    return NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisDeregisterDeviceEx(NDIS_HANDLE NdisDeviceHandle)
{
    static const char fn[] = "NdisDeregisterDeviceEx";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    struct ndis_device *n = ndis_device_of(NdisDeviceHandle);
    if (n == NULL) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not a handle from NdisRegisterDeviceEx (or it was deregistered)",
                     NdisDeviceHandle);
        return;
    }
    if (n->link.Buffer != NULL) {
        IoDeleteSymbolicLink(&n->link);
        free(n->link.Buffer);
    }
    n->magic = 0;
    IoDeleteDevice(NdisDeviceHandle);
}

NDISAPI PVOID NdisGetDeviceReservedExtension(PDEVICE_OBJECT DeviceObject)
{
    struct ndis_device *n = ndis_device_of(DeviceObject);
    if (n == NULL) {
        vf_violation(VF_INVALID_HANDLE, "NdisGetDeviceReservedExtension", VF_CALLER,
                     "%p is not a device object NdisRegisterDeviceEx made", (void *)DeviceObject);
        return NULL;
    }
    return n->reserved;
}
