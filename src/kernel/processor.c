/* Processors: OpenNDIS models one processor group holding KE_PROCESSORS processors. Every
 * DPC and every driver call runs on the one emulated processor today, so the answers say
 * so: count 1, number 0. Targeting a DPC elsewhere is refused, as Windows refuses a
 * processor that does not exist. */
#include "ke.h"

#define KE_PROCESSORS 1u

ULONG ke_processor_count(void)
{
    return KE_PROCESSORS;
}

static bool ke_processor_valid(const PROCESSOR_NUMBER *p)
{
    return p != NULL && p->Group == 0 && p->Number < KE_PROCESSORS && p->Reserved == 0;
}

NTKERNELAPI ULONG KeQueryActiveProcessorCount(PKAFFINITY ActiveProcessors)
{
    if (ActiveProcessors != NULL)
        *ActiveProcessors = ((KAFFINITY)1 << KE_PROCESSORS) - 1;
    return KE_PROCESSORS;
}

NTKERNELAPI ULONG KeQueryActiveProcessorCountEx(USHORT GroupNumber)
{
    return GroupNumber == 0 || GroupNumber == ALL_PROCESSOR_GROUPS ? KE_PROCESSORS : 0;
}

NTKERNELAPI ULONG KeQueryMaximumProcessorCountEx(USHORT GroupNumber)
{
    return KeQueryActiveProcessorCountEx(GroupNumber);
}

NTKERNELAPI USHORT KeQueryActiveGroupCount(VOID)
{
    return 1;
}

NTKERNELAPI KAFFINITY KeQueryGroupAffinity(USHORT GroupNumber)
{
    return GroupNumber == 0 ? ((KAFFINITY)1 << KE_PROCESSORS) - 1 : 0;
}

NTKERNELAPI ULONG KeGetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber)
{
    if (ProcNumber != NULL)
        *ProcNumber = (PROCESSOR_NUMBER){ 0, 0, 0 };
    return 0;
}

NTKERNELAPI NTSTATUS KeGetProcessorNumberFromIndex(ULONG ProcIndex, PPROCESSOR_NUMBER ProcNumber)
{
    if (ProcIndex >= KE_PROCESSORS)
        return STATUS_INVALID_PARAMETER;
    *ProcNumber = (PROCESSOR_NUMBER){ 0, (UCHAR)ProcIndex, 0 };
    return STATUS_SUCCESS;
}

NTKERNELAPI ULONG KeGetProcessorIndexFromNumber(PPROCESSOR_NUMBER ProcNumber)
{
    return ke_processor_valid(ProcNumber) ? ProcNumber->Number : INVALID_PROCESSOR_INDEX;
}

NTKERNELAPI NTSTATUS KeSetTargetProcessorDpcEx(PKDPC Dpc, PPROCESSOR_NUMBER ProcNumber)
{
    if (!ke_processor_valid(ProcNumber))
        return STATUS_INVALID_PARAMETER;
    KeSetTargetProcessorDpc(Dpc, (CCHAR)ProcNumber->Number);
    return STATUS_SUCCESS;
}
