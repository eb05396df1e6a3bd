/* ND2053 DereferenceOfDeadObject: releases its one reference to an event twice. */
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
    if (NT_SUCCESS(ZwCreateEvent(&Event, EVENT_ALL_ACCESS, &Oa, NotificationEvent, FALSE)) &&
        NT_SUCCESS(ObReferenceObjectByHandle(Event, SYNCHRONIZE, *ExEventObjectType, KernelMode, &Object, NULL))) {
        ZwClose(Event);
        ObDereferenceObject(Object);
        ObDereferenceObject(Object); /* expect ND2053: rogue_deref_dead_object */
    }
    return NDIS_STATUS_SUCCESS;
}
