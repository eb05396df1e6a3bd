/* ND1301 ListEntryCorruption: corrupts a list, then removes from it; the WDK helpers fail
 * fast, so the driver process dies and OpenNDIS reports both the rule and the crash. */
#include "rogue.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    LIST_ENTRY Head, A, B;
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    InitializeListHead(&Head);
    InsertTailList(&Head, &A);
    InsertTailList(&Head, &B);
    A.Blink = &B; /* the corruption */
    RemoveEntryList(&A); /* expect ND1301: rogue_list_corruption */
    return NDIS_STATUS_SUCCESS;
}
