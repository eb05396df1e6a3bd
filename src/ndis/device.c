/* The adapter's device objects (NdisMGetDeviceProperty) and the driver's own control devices
 * (NdisRegisterDeviceEx, which needs an I/O manager OpenNDIS does not have yet). */
#include "ndis.h"

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
        *FunctionalDeviceObject = &a->fdo;
    if (NextDeviceObject)
        *NextDeviceObject = NULL; /* a virtual adapter has no device below it */
    if (AllocatedResources)
        *AllocatedResources = NULL;
    if (AllocatedResourcesTranslated)
        *AllocatedResourcesTranslated = NULL;
}

NDISAPI ULONG NdisGetSharedDataAlignment(VOID)
{
    return 64;
}

/* Device objects for a driver's own I/O control need an I/O manager to route IRPs to them:
 * not supported yet. NdisRegisterDeviceEx fails with a status the driver must handle. */
NDISAPI NDIS_STATUS NdisRegisterDeviceEx(NDIS_HANDLE NdisHandle, PNDIS_DEVICE_OBJECT_ATTRIBUTES DeviceObjectAttributes,
                                         PDEVICE_OBJECT *pDeviceObject, PNDIS_HANDLE NdisDeviceHandle)
{
    const void *site = VF_CALLER;
    (void)NdisHandle, (void)DeviceObjectAttributes;
    ke_irql_at_most(PASSIVE_LEVEL, "NdisRegisterDeviceEx", site);
    if (pDeviceObject != NULL)
        *pDeviceObject = NULL;
    if (NdisDeviceHandle != NULL)
        *NdisDeviceHandle = NULL;
    ke_unsupported("NdisRegisterDeviceEx", "OpenNDIS has no I/O manager to route IRPs to device objects yet", site);
    return NDIS_STATUS_NOT_SUPPORTED;
}

NDISAPI VOID NdisDeregisterDeviceEx(NDIS_HANDLE NdisDeviceHandle)
{
    (void)NdisDeviceHandle;
    ke_unsupported("NdisDeregisterDeviceEx", "NdisRegisterDeviceEx never registers a device here", VF_CALLER);
}

NDISAPI PVOID NdisGetDeviceReservedExtension(PDEVICE_OBJECT DeviceObject)
{
    (void)DeviceObject;
    ke_unsupported("NdisGetDeviceReservedExtension", "NdisRegisterDeviceEx never creates a device here", VF_CALLER);
    return NULL;
}
