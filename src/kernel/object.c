/* What is left of the object and security calls outside ob.c and security.c: the
 * system-information query, the file generic mapping and the verifier query. */
#include <ntifs.h>

#include "ke.h"


/* Undocumented, but Wintun declares and imports them; the prototypes are here, not in a header. */
NTSYSAPI NTSTATUS ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                           ULONG SystemInformationLength, PULONG ReturnLength);

NTSYSAPI NTSTATUS ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                           ULONG SystemInformationLength, PULONG ReturnLength)
{
    (void)SystemInformationClass, (void)SystemInformation, (void)SystemInformationLength;
    if (ReturnLength != NULL)
        *ReturnLength = 0;
    return ke_unsupported("ZwQuerySystemInformation", "OpenNDIS lists no system-wide handle tables", VF_CALLER);
}

/* ---- security --------------------------------------------------------------------------- */
static GENERIC_MAPPING ke_file_mapping = {
    .GenericRead = STANDARD_RIGHTS_READ | FILE_READ_DATA | FILE_READ_ATTRIBUTES | FILE_READ_EA | SYNCHRONIZE,
    .GenericWrite = STANDARD_RIGHTS_WRITE | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA |
                    FILE_APPEND_DATA | SYNCHRONIZE,
    .GenericExecute = STANDARD_RIGHTS_EXECUTE | FILE_READ_ATTRIBUTES | FILE_EXECUTE | SYNCHRONIZE,
    .GenericAll = FILE_ALL_ACCESS,
};

NTKERNELAPI PGENERIC_MAPPING IoGetFileObjectGenericMapping(VOID)
{
    return &ke_file_mapping;
}

NTKERNELAPI NTSTATUS MmIsVerifierEnabled(PULONG VerifierFlags)
{
    /* Every driver OpenNDIS runs has its IRQL rules checked and its pool tracked. */
    if (VerifierFlags != NULL)
        *VerifierFlags = DRIVER_VERIFIER_FORCE_IRQL_CHECKING | DRIVER_VERIFIER_TRACK_POOL_ALLOCATIONS;
    return STATUS_SUCCESS;
}
