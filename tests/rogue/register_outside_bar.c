/* ND2301 RegisterAccessOutsideBar: reads a register at a physical-looking address it never
 * mapped with NdisMMapIoSpace (there is no device behind it at all). The read gives all ones. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    ULONG Id = READ_REGISTER_ULONG((volatile ULONG *)(ULONG_PTR)0xF0000000); /* expect ND2301: rogue_register_outside_bar */
    return Id == 0xFFFFFFFF ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}
