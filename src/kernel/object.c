/* Objects, handles and security checks. OpenNDIS has no object manager and no tokens yet, so
 * these are exported stubs: each call fails (or, for the VOID ones, says so) and names itself.
 * The object types are real data exports, so a driver can pass and compare them. */
#include <ntifs.h>

#include "ke.h"

#define KE_NO_OB "OpenNDIS has no object manager for handles yet"
#define KE_NO_TOKENS "OpenNDIS has no security tokens to check against"

struct _OBJECT_TYPE {
    const char *name;
};
static struct _OBJECT_TYPE ke_event_type = { "Event" }, ke_thread_type = { "Thread" },
                           ke_process_type = { "Process" }, ke_file_type = { "File" };
static POBJECT_TYPE ke_event_type_p = &ke_event_type, ke_thread_type_p = &ke_thread_type,
                    ke_process_type_p = &ke_process_type, ke_file_type_p = &ke_file_type;
OPENNDIS_API POBJECT_TYPE *ExEventObjectType = &ke_event_type_p;
OPENNDIS_API POBJECT_TYPE *PsThreadType = &ke_thread_type_p;
OPENNDIS_API POBJECT_TYPE *PsProcessType = &ke_process_type_p;
OPENNDIS_API POBJECT_TYPE *IoFileObjectType = &ke_file_type_p;

NTKERNELAPI NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                               KPROCESSOR_MODE AccessMode, PVOID *Object,
                                               POBJECT_HANDLE_INFORMATION HandleInformation)
{
    (void)Handle, (void)DesiredAccess, (void)ObjectType, (void)AccessMode, (void)HandleInformation;
    if (Object != NULL)
        *Object = NULL;
    return ke_unsupported("ObReferenceObjectByHandle", KE_NO_OB, VF_CALLER);
}

NTKERNELAPI LONG_PTR ObfReferenceObject(PVOID Object)
{
    (void)Object;
    ke_unsupported("ObReferenceObject", KE_NO_OB, VF_CALLER);
    return 0;
}

NTKERNELAPI LONG_PTR ObfDereferenceObject(PVOID Object)
{
    (void)Object;
    ke_unsupported("ObDereferenceObject", KE_NO_OB, VF_CALLER);
    return 0;
}

NTKERNELAPI NTSTATUS ObCloseHandle(HANDLE Handle, KPROCESSOR_MODE PreviousMode)
{
    (void)Handle, (void)PreviousMode;
    return ke_unsupported("ObCloseHandle", KE_NO_OB, VF_CALLER);
}

NTSYSAPI NTSTATUS ZwOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess, struct _OBJECT_ATTRIBUTES *ObjectAttributes)
{
    (void)DesiredAccess, (void)ObjectAttributes;
    if (KeyHandle != NULL)
        *KeyHandle = NULL;
    return ke_unsupported("ZwOpenKey", "OpenNDIS has no registry behind handles yet (NdisReadConfiguration works)",
                          VF_CALLER);
}

NTSYSAPI NTSTATUS ZwQueryValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                                  KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass, PVOID KeyValueInformation,
                                  ULONG Length, PULONG ResultLength)
{
    (void)KeyHandle, (void)ValueName, (void)KeyValueInformationClass, (void)KeyValueInformation, (void)Length;
    if (ResultLength != NULL)
        *ResultLength = 0;
    return ke_unsupported("ZwQueryValueKey", "ZwOpenKey never opens a key here", VF_CALLER);
}

/* Undocumented, but Wintun declares and imports them; the prototypes are here, not in a header. */
NTSYSAPI NTSTATUS ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                           ULONG SystemInformationLength, PULONG ReturnLength);
NTSTATUS SeSddlSecurityDescriptorFromSDDL(const PUNICODE_STRING SecurityDescriptorString,
                                          BOOLEAN SuppliedByDefaultMechanism, PSECURITY_DESCRIPTOR *SecurityDescriptor);

NTSYSAPI NTSTATUS ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                           ULONG SystemInformationLength, PULONG ReturnLength)
{
    (void)SystemInformationClass, (void)SystemInformation, (void)SystemInformationLength;
    if (ReturnLength != NULL)
        *ReturnLength = 0;
    return ke_unsupported("ZwQuerySystemInformation", KE_NO_OB, VF_CALLER);
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

/* A subject context holds tokens; there are none, so it stays empty (and says so). */
NTKERNELAPI VOID SeCaptureSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    RtlZeroMemory(SubjectContext, sizeof *SubjectContext);
    ke_unsupported("SeCaptureSubjectContext", KE_NO_TOKENS, VF_CALLER);
}

NTKERNELAPI VOID SeReleaseSubjectContext(PSECURITY_SUBJECT_CONTEXT SubjectContext)
{
    (void)SubjectContext;
}

/* Never grants: without tokens no access can be proven. */
NTKERNELAPI BOOLEAN SeAccessCheck(PSECURITY_DESCRIPTOR SecurityDescriptor,
                                  PSECURITY_SUBJECT_CONTEXT SubjectSecurityContext, BOOLEAN SubjectContextLocked,
                                  ACCESS_MASK DesiredAccess, ACCESS_MASK PreviouslyGrantedAccess,
                                  PPRIVILEGE_SET *Privileges, PGENERIC_MAPPING GenericMapping,
                                  KPROCESSOR_MODE AccessMode, PACCESS_MASK GrantedAccess, PNTSTATUS AccessStatus)
{
    (void)SecurityDescriptor, (void)SubjectSecurityContext, (void)SubjectContextLocked, (void)DesiredAccess;
    (void)PreviouslyGrantedAccess, (void)GenericMapping, (void)AccessMode;
    if (Privileges != NULL)
        *Privileges = NULL;
    if (GrantedAccess != NULL)
        *GrantedAccess = 0;
    NTSTATUS status = ke_unsupported("SeAccessCheck", KE_NO_TOKENS, VF_CALLER);
    if (AccessStatus != NULL)
        *AccessStatus = status;
    return FALSE;
}

OPENNDIS_API NTSTATUS SeSddlSecurityDescriptorFromSDDL(const PUNICODE_STRING SecurityDescriptorString,
                                          BOOLEAN SuppliedByDefaultMechanism, PSECURITY_DESCRIPTOR *SecurityDescriptor)
{
    (void)SecurityDescriptorString, (void)SuppliedByDefaultMechanism;
    if (SecurityDescriptor != NULL)
        *SecurityDescriptor = NULL;
    return ke_unsupported("SeSddlSecurityDescriptorFromSDDL", KE_NO_TOKENS, VF_CALLER);
}

NTKERNELAPI NTSTATUS MmIsVerifierEnabled(PULONG VerifierFlags)
{
    /* Every driver OpenNDIS runs has its IRQL rules checked and its pool tracked. */
    if (VerifierFlags != NULL)
        *VerifierFlags = DRIVER_VERIFIER_FORCE_IRQL_CHECKING | DRIVER_VERIFIER_TRACK_POOL_ALLOCATIONS;
    return STATUS_SUCCESS;
}
