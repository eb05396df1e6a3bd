/* ND2051 HandleLeakedAtUnload: opens an event handle in DriverEntry and never closes it. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    OBJECT_ATTRIBUTES Oa;
    HANDLE Event;
    InitializeObjectAttributes(&Oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    (void)ZwCreateEvent(&Event, EVENT_ALL_ACCESS, &Oa, NotificationEvent, FALSE); /* expect ND2051: rogue_handle_leak */
    return NDIS_STATUS_SUCCESS;
}
