/* ND1803 CancelTimerObject: sets a one-minute timer and frees it without cancelling it. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_TIMER_CHARACTERISTICS Tc;
    NDIS_HANDLE Timer;
    LARGE_INTEGER Due;
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    RogueTimerCharacteristics(&Tc);
    if (NdisAllocateTimerObject(RogueHandle, &Tc, &Timer) == NDIS_STATUS_SUCCESS) {
        Due.QuadPart = -600000000LL; /* one minute */
        NdisSetTimerObject(Timer, Due, 0, NULL);
        NdisFreeTimerObject(Timer); /* expect ND1803: rogue_timer_freed_while_set */
    }
    return NDIS_STATUS_SUCCESS;
}
