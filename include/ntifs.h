/* OpenNDIS: ntifs.h is ntddk.h plus the process, security-descriptor and object parts that
 * file-system-level code (and Wintun) uses. Written from the DDI reference. */
#ifndef OPENNDIS_NTIFS_H
#define OPENNDIS_NTIFS_H
#include <ntddk.h>

OPENNDIS_EXTERN_C_BEGIN

/* ---- security descriptors (self-relative layout: the header, then offsets) ---------------- */
typedef USHORT SECURITY_DESCRIPTOR_CONTROL, *PSECURITY_DESCRIPTOR_CONTROL;
#define SE_OWNER_DEFAULTED 0x0001
#define SE_GROUP_DEFAULTED 0x0002
#define SE_DACL_PRESENT 0x0004
#define SE_DACL_DEFAULTED 0x0008
#define SE_SACL_PRESENT 0x0010
#define SE_SACL_DEFAULTED 0x0020
#define SE_DACL_PROTECTED 0x1000
#define SE_SACL_PROTECTED 0x2000
#define SE_SELF_RELATIVE 0x8000
#define SECURITY_DESCRIPTOR_REVISION 1
typedef struct _SID *PSID;
typedef struct _ACL {
    UCHAR AclRevision;
    UCHAR Sbz1;
    USHORT AclSize;
    USHORT AceCount;
    USHORT Sbz2;
} ACL, *PACL;
typedef struct _SECURITY_DESCRIPTOR {
    UCHAR Revision;
    UCHAR Sbz1;
    SECURITY_DESCRIPTOR_CONTROL Control;
    PSID Owner;
    PSID Group;
    PACL Sacl;
    PACL Dacl;
} SECURITY_DESCRIPTOR, *PISECURITY_DESCRIPTOR;
typedef struct _SECURITY_DESCRIPTOR_RELATIVE {
    UCHAR Revision;
    UCHAR Sbz1;
    SECURITY_DESCRIPTOR_CONTROL Control;
    ULONG Owner;
    ULONG Group;
    ULONG Sacl;
    ULONG Dacl;
} SECURITY_DESCRIPTOR_RELATIVE, *PISECURITY_DESCRIPTOR_RELATIVE;
C_ASSERT(sizeof(SECURITY_DESCRIPTOR) == 0x28 && sizeof(SECURITY_DESCRIPTOR_RELATIVE) == 0x14);

/* The generic-rights mapping of file objects: fixed, so it is answered for real. */
NTKERNELAPI PGENERIC_MAPPING IoGetFileObjectGenericMapping(VOID);

/* ---- processes (process.c) ---------------------------------------------------------------- */
typedef struct _KAPC_STATE {
    LIST_ENTRY ApcListHead[2];
    PKPROCESS Process;
    UCHAR InProgressFlags;
    BOOLEAN KernelApcPending;
    BOOLEAN UserApcPendingAll;
} KAPC_STATE, *PKAPC_STATE, *PRKAPC_STATE;
C_ASSERT(sizeof(KAPC_STATE) == 0x30);
/* A live process (a connected client, or the driver's own) by pid, referenced; attaching
 * makes it the thread's current process until the matching detach. */
NTKERNELAPI NTSTATUS PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process);
NTKERNELAPI VOID KeStackAttachProcess(PRKPROCESS Process, PRKAPC_STATE ApcState);
NTKERNELAPI VOID KeUnstackDetachProcess(PRKAPC_STATE ApcState);

OPENNDIS_EXTERN_C_END
#endif /* OPENNDIS_NTIFS_H */
