/* I/O request completion and handles. There is no I/O manager issuing IRPs yet; what a
 * driver's dispatch routine does with an IRP it is given is still checked. */
#include <wdmsec.h>

#include "ke.h"

#define KE_IRP_COMPLETED 0x4000000u /* in Irp->Flags: a bit Windows leaves to the I/O manager */

NTKERNELAPI VOID IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
    const void *site = VF_CALLER;
    (void)PriorityBoost;
    ke_irql_at_most(DISPATCH_LEVEL, "IoCompleteRequest", site);
    if (Irp->Flags & KE_IRP_COMPLETED) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "IoCompleteRequest", site, "IRP %p completed twice", (void *)Irp);
        return;
    }
    if (Irp->IoStatus.Status == STATUS_PENDING)
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "IoCompleteRequest", site,
                     "IRP %p completed with STATUS_PENDING, which is not a final status", (void *)Irp);
    Irp->Flags |= KE_IRP_COMPLETED;
    if (Irp->UserIosb != NULL)
        *Irp->UserIosb = Irp->IoStatus;
    if (Irp->UserEvent != NULL)
        KeSetEvent(Irp->UserEvent, 0, FALSE);
}

NTSYSAPI NTSTATUS ZwClose(HANDLE Handle)
{
    (void)Handle;
    ke_irql_at_most(PASSIVE_LEVEL, "ZwClose", VF_CALLER);
    return STATUS_INVALID_HANDLE;
}

NTKERNELAPI NTSTATUS IoCreateDeviceSecure(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                                          PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
                                          ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                                          PCUNICODE_STRING DefaultSDDLString, LPCGUID DeviceClassGuid,
                                          PDEVICE_OBJECT *DeviceObject)
{
    const void *site = VF_CALLER;
    (void)DriverObject, (void)DeviceExtensionSize, (void)DeviceName, (void)DeviceType;
    (void)DeviceCharacteristics, (void)Exclusive, (void)DefaultSDDLString, (void)DeviceClassGuid;
    ke_irql_at_most(PASSIVE_LEVEL, "IoCreateDeviceSecure", site);
    if (DeviceObject != NULL)
        *DeviceObject = NULL;
    return ke_unsupported("IoCreateDeviceSecure", "OpenNDIS has no I/O manager to own device objects yet", site);
}
