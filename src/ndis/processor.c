/* NDIS's processor queries: the RSS processor set of an adapter and the machine's processor
 * topology, answered from the kernel's model (one group; ke_processor_count processors,
 * one socket, one core each, no hyper-threading, one NUMA node). */
#include "ndis.h"

NDISAPI NDIS_STATUS NdisGetRssProcessorInformation(NDIS_HANDLE NdisHandle, PNDIS_RSS_PROCESSOR_INFO RssProcessorInfo,
                                                   PSIZE_T Size)
{
    static const char fn[] = "NdisGetRssProcessorInformation";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    if (ndis_adapter_checked(NdisHandle, fn, site) == NULL || Size == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    ULONG n = ke_processor_count();
    size_t head = ALIGN_UP_BY(sizeof(NDIS_RSS_PROCESSOR_INFO), sizeof(ULONG_PTR));
    size_t needed = head + n * sizeof(NDIS_RSS_PROCESSOR);
    if (RssProcessorInfo == NULL || *Size < needed) {
        *Size = needed;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    PNDIS_RSS_PROCESSOR_INFO info = RssProcessorInfo;
    memset(info, 0, needed);
    info->Header.Type = NDIS_OBJECT_TYPE_RSS_PROCESSOR_INFO;
    info->Header.Revision = NDIS_RSS_PROCESSOR_INFO_REVISION_2;
    info->Header.Size = NDIS_SIZEOF_RSS_PROCESSOR_INFO_REVISION_2;
    info->MaxNumRssProcessors = n;
    info->RssProcessorArrayOffset = (ULONG)head;
    info->RssProcessorCount = n;
    info->RssProcessorEntrySize = sizeof(NDIS_RSS_PROCESSOR);
    info->RssMaxProcessor.Number = (UCHAR)(n - 1);
    info->RssProfile = NdisRssProfileClosest;
    PNDIS_RSS_PROCESSOR procs = (PNDIS_RSS_PROCESSOR)((PUCHAR)info + head);
    for (ULONG i = 0; i < n; i++)
        procs[i].ProcNum.Number = (UCHAR)i;
    *Size = needed;
    return NDIS_STATUS_SUCCESS;
}

NDISAPI NDIS_STATUS NdisGetProcessorInformationEx(NDIS_HANDLE NdisHandle,
                                                  PNDIS_SYSTEM_PROCESSOR_INFO_EX SystemProcessorInfo,
                                                  SIZE_T BufferSize, PSIZE_T OutputSize)
{
    static const char fn[] = "NdisGetProcessorInformationEx";
    const void *site = VF_CALLER;
    (void)NdisHandle; /* optional: the answer is the machine's, not an adapter's */
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    if (OutputSize == NULL)
        return NDIS_STATUS_INVALID_PARAMETER;
    ULONG n = ke_processor_count();
    size_t head = ALIGN_UP_BY(sizeof(NDIS_SYSTEM_PROCESSOR_INFO_EX), sizeof(ULONG_PTR));
    size_t needed = head + n * sizeof(NDIS_PROCESSOR_INFO_EX);
    *OutputSize = needed;
    if (SystemProcessorInfo == NULL || BufferSize < needed)
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    PNDIS_SYSTEM_PROCESSOR_INFO_EX info = SystemProcessorInfo;
    memset(info, 0, needed);
    info->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    info->Header.Revision = NDIS_SYSTEM_PROCESSOR_INFO_EX_REVISION_1;
    info->Header.Size = NDIS_SIZEOF_SYSTEM_PROCESSOR_INFO_EX_REVISION_1;
    info->ProcessorVendor = NdisProcessorVendorUnknown;
    info->NumSockets = 1;
    info->NumCores = n;
    info->NumCoresPerSocket = n;
    info->MaxHyperThreadingProcsPerCore = 1;
    info->ProcessorInfoOffset = (ULONG)head;
    info->NumberOfProcessors = n;
    info->ProcessorInfoEntrySize = sizeof(NDIS_PROCESSOR_INFO_EX);
    PNDIS_PROCESSOR_INFO_EX procs = (PNDIS_PROCESSOR_INFO_EX)((PUCHAR)info + head);
    for (ULONG i = 0; i < n; i++) {
        procs[i].ProcNum.Number = (UCHAR)i;
        procs[i].CoreId = i;
    }
    return NDIS_STATUS_SUCCESS;
}

NDISAPI ULONG NdisGroupActiveProcessorCount(USHORT Group)
{
    return KeQueryActiveProcessorCountEx(Group);
}

NDISAPI ULONG NdisGroupMaxProcessorCount(USHORT Group)
{
    return KeQueryMaximumProcessorCountEx(Group);
}

NDISAPI KAFFINITY NdisGroupActiveProcessorMask(USHORT Group)
{
    return KeQueryGroupAffinity(Group);
}

NDISAPI ULONG NdisSystemActiveProcessorCount(PKAFFINITY ActiveProcessors)
{
    return KeQueryActiveProcessorCount(ActiveProcessors);
}

NDISAPI CCHAR NdisSystemProcessorCount(VOID)
{
    return (CCHAR)ke_processor_count();
}

NDISAPI USHORT NdisActiveGroupCount(VOID)
{
    return KeQueryActiveGroupCount();
}

NDISAPI USHORT NdisMaxGroupCount(VOID)
{
    return KeQueryActiveGroupCount();
}

NDISAPI ULONG NdisCurrentProcessorIndex(VOID)
{
    return KeGetCurrentProcessorNumberEx(NULL);
}

NDISAPI PROCESSOR_NUMBER NdisCurrentGroupAndProcessor(VOID)
{
    PROCESSOR_NUMBER p;
    KeGetCurrentProcessorNumberEx(&p);
    return p;
}

NDISAPI ULONG NdisProcessorNumberToIndex(PROCESSOR_NUMBER ProcNum)
{
    return KeGetProcessorIndexFromNumber(&ProcNum);
}

NDISAPI NTSTATUS NdisProcessorIndexToNumber(ULONG ProcIndex, PPROCESSOR_NUMBER ProcNum)
{
    return KeGetProcessorNumberFromIndex(ProcIndex, ProcNum);
}
