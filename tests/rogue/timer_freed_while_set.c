/* ND1803 CancelTimerObject: sets a one-minute timer and frees it without cancelling it. */
#include "rogue.h"

static NDIS_TIMER_FUNCTION Tick;
static VOID Tick(PVOID SystemSpecific1, PVOID Context, PVOID SystemSpecific2, PVOID SystemSpecific3)
{
    UNREFERENCED_PARAMETER(SystemSpecific1); UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(SystemSpecific2); UNREFERENCED_PARAMETER(SystemSpecific3);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_TIMER_CHARACTERISTICS Tc;
    NDIS_HANDLE Timer;
    LARGE_INTEGER Due;
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    NdisZeroMemory(&Tc, sizeof(Tc));
    Tc.Header.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS;
    Tc.Header.Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1;
    Tc.Header.Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1;
    Tc.AllocationTag = 'mitR';
    Tc.TimerFunction = Tick;
    if (NdisAllocateTimerObject(RogueHandle, &Tc, &Timer) == NDIS_STATUS_SUCCESS) {
        Due.QuadPart = -600000000LL; /* one minute */
        NdisSetTimerObject(Timer, Due, 0, NULL);
        NdisFreeTimerObject(Timer); /* expect ND1803: rogue_timer_freed_while_set */
    }
    return NDIS_STATUS_SUCCESS;
}
