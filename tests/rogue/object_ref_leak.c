/* ND2052 ObjectReferenceLeakedAtUnload: references an event through its handle, closes the
 * handle, and never releases the reference. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    OBJECT_ATTRIBUTES Oa;
    HANDLE Event;
    PVOID Object;
    InitializeObjectAttributes(&Oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    if (NT_SUCCESS(ZwCreateEvent(&Event, EVENT_ALL_ACCESS, &Oa, NotificationEvent, FALSE))) {
        (void)ObReferenceObjectByHandle(Event, SYNCHRONIZE, *ExEventObjectType, KernelMode, &Object, NULL); /* expect ND2052: rogue_object_ref_leak */
        ZwClose(Event);
    }
    return NDIS_STATUS_SUCCESS;
}
