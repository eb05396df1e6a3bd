/* ND1804 KernelObjectMisuse: timer characteristics without their object header. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_TIMER_CHARACTERISTICS Tc;
    NDIS_HANDLE Timer;
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    RogueTimerCharacteristics(&Tc);
    NdisZeroMemory(&Tc.Header, sizeof(Tc.Header));
    if (NdisAllocateTimerObject(RogueHandle, &Tc, &Timer) == NDIS_STATUS_SUCCESS) /* expect ND1804: rogue_timer_bad_characteristics */
        NdisFreeTimerObject(Timer);
    return NDIS_STATUS_SUCCESS;
}
