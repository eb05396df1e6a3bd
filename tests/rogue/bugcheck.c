/* ND1901 DriverCrashed: a driver that stops the system on purpose (KeBugCheckEx) stops its
 * process here; the crash is reported at the call. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    KeBugCheckEx(0xE2, 1, 2, 3, 4); /* expect ND1901: rogue_bugcheck */
}
