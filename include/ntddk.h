/* OpenNDIS: ntddk.h is wdm.h plus the kernel internals below. */
#ifndef OPENNDIS_NTDDK_H
#define OPENNDIS_NTDDK_H
#include <wdm.h>

OPENNDIS_EXTERN_C_BEGIN

/* Process-creation callbacks (process.c): at most 64 registered at once, as in Windows.
 * OpenNDIS creates no processes, so a registered routine is kept but never called. */
typedef VOID (*PCREATE_PROCESS_NOTIFY_ROUTINE)(HANDLE ParentId, HANDLE ProcessId, BOOLEAN Create);
NTKERNELAPI NTSTATUS PsSetCreateProcessNotifyRoutine(PCREATE_PROCESS_NOTIFY_ROUTINE NotifyRoutine, BOOLEAN Remove);

OPENNDIS_EXTERN_C_END
#endif
