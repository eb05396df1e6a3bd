/* Lists under a spin lock (NdisInterlocked*): the list operations of the headers, with the
 * driver's NDIS spin lock taken around them. */
#include "ke.h"

NDISAPI PLIST_ENTRY NdisInterlockedInsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PNDIS_SPIN_LOCK SpinLock)
{
    NdisAcquireSpinLock(SpinLock);
    PLIST_ENTRY first = IsListEmpty(ListHead) ? NULL : ListHead->Flink;
    InsertHeadList(ListHead, ListEntry);
    NdisReleaseSpinLock(SpinLock);
    return first;
}

NDISAPI PLIST_ENTRY NdisInterlockedInsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PNDIS_SPIN_LOCK SpinLock)
{
    NdisAcquireSpinLock(SpinLock);
    PLIST_ENTRY last = IsListEmpty(ListHead) ? NULL : ListHead->Blink;
    InsertTailList(ListHead, ListEntry);
    NdisReleaseSpinLock(SpinLock);
    return last;
}

NDISAPI PLIST_ENTRY NdisInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PNDIS_SPIN_LOCK SpinLock)
{
    NdisAcquireSpinLock(SpinLock);
    PLIST_ENTRY first = IsListEmpty(ListHead) ? NULL : RemoveHeadList(ListHead);
    NdisReleaseSpinLock(SpinLock);
    return first;
}
