/* ND1804 KernelObjectMisuse: timer characteristics without their object header. */
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
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    NdisZeroMemory(&Tc, sizeof(Tc));
    Tc.AllocationTag = 'mitR';
    Tc.TimerFunction = Tick;
    if (NdisAllocateTimerObject(RogueHandle, &Tc, &Timer) == NDIS_STATUS_SUCCESS) /* expect ND1804: rogue_timer_bad_characteristics */
        NdisFreeTimerObject(Timer);
    return NDIS_STATUS_SUCCESS;
}
