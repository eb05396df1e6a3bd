/* Threads and processes. Every thread that runs driver code gets a KTHREAD of its own (its
 * priority is kept, not scheduled). OpenNDIS models no processes: the process-creation
 * callback table is real, but no process is ever created to call it. */
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ntifs.h>

#include "ke.h"

struct _KTHREAD {
    KPRIORITY priority;
};
static _Thread_local struct _KTHREAD ke_thread = { .priority = 8 }; /* normal thread priority */

NTKERNELAPI PKTHREAD KeGetCurrentThread(VOID)
{
    return &ke_thread;
}

NTKERNELAPI KPRIORITY KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, "KeSetPriorityThread", site);
    if (Priority < LOW_PRIORITY || Priority > HIGH_PRIORITY) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, "KeSetPriorityThread", site, "priority %ld is outside 0..31",
                     (long)Priority);
        return Thread->priority;
    }
    KPRIORITY old = Thread->priority;
    Thread->priority = Priority;
    return old;
}

NTKERNELAPI KPRIORITY KeQueryPriorityThread(PKTHREAD Thread)
{
    return Thread->priority;
}

/* The host process and thread are the ones the driver runs in. */
NTKERNELAPI HANDLE PsGetCurrentProcessId(VOID)
{
    return (HANDLE)(ULONG_PTR)getpid();
}

NTKERNELAPI HANDLE PsGetCurrentThreadId(VOID)
{
    return (HANDLE)(ULONG_PTR)syscall(SYS_gettid);
}

NTSYSAPI NTSTATUS ZwYieldExecution(VOID)
{
    ke_irql_at_most(PASSIVE_LEVEL, "ZwYieldExecution", VF_CALLER);
    sched_yield();
    return STATUS_SUCCESS;
}

NTKERNELAPI LARGE_INTEGER KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
    if (PerformanceFrequency != NULL)
        PerformanceFrequency->QuadPart = 10000000; /* 100 ns ticks */
    LARGE_INTEGER now;
    now.QuadPart = (LONGLONG)(ke_now_ns() / 100u);
    return now;
}

/* ---- process-creation callbacks ----------------------------------------------------------- */
#define KE_PROCESS_NOTIFY_MAX 64
static pthread_mutex_t ke_notify_lock = PTHREAD_MUTEX_INITIALIZER;
static PCREATE_PROCESS_NOTIFY_ROUTINE ke_notify[KE_PROCESS_NOTIFY_MAX];

NTKERNELAPI NTSTATUS PsSetCreateProcessNotifyRoutine(PCREATE_PROCESS_NOTIFY_ROUTINE NotifyRoutine, BOOLEAN Remove)
{
    ke_irql_at_most(PASSIVE_LEVEL, "PsSetCreateProcessNotifyRoutine", VF_CALLER);
    NTSTATUS status = Remove ? STATUS_PROCEDURE_NOT_FOUND : STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&ke_notify_lock);
    for (int i = 0; i < KE_PROCESS_NOTIFY_MAX; i++) {
        if (Remove && ke_notify[i] == NotifyRoutine) {
            ke_notify[i] = NULL;
            status = STATUS_SUCCESS;
            break;
        }
        if (!Remove && ke_notify[i] == NULL) {
            ke_notify[i] = NotifyRoutine;
            status = STATUS_SUCCESS;
            break;
        }
    }
    pthread_mutex_unlock(&ke_notify_lock);
    return status;
}

/* Whether `routine` is registered now (for the tests and the unload check). */
bool ke_process_notify_registered(PCREATE_PROCESS_NOTIFY_ROUTINE routine)
{
    bool found = false;
    pthread_mutex_lock(&ke_notify_lock);
    for (int i = 0; i < KE_PROCESS_NOTIFY_MAX && !found; i++)
        found = ke_notify[i] == routine;
    pthread_mutex_unlock(&ke_notify_lock);
    return found;
}

/* ---- what needs processes, threads as objects, or an object manager: not supported ----------- */
#define KE_NO_OB "OpenNDIS has no object manager for handles yet"
#define KE_NO_PROCESSES "OpenNDIS does not model processes"

NTKERNELAPI NTSTATUS PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
                                          struct _OBJECT_ATTRIBUTES *ObjectAttributes, HANDLE ProcessHandle,
                                          PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine, PVOID StartContext)
{
    (void)DesiredAccess, (void)ObjectAttributes, (void)ProcessHandle, (void)ClientId, (void)StartRoutine;
    (void)StartContext;
    if (ThreadHandle != NULL)
        *ThreadHandle = NULL;
    return ke_unsupported("PsCreateSystemThread", KE_NO_OB, VF_CALLER);
}

NTKERNELAPI NTSTATUS PsTerminateSystemThread(NTSTATUS ExitStatus)
{
    (void)ExitStatus;
    return ke_unsupported("PsTerminateSystemThread", "no thread was created by PsCreateSystemThread", VF_CALLER);
}

NTKERNELAPI NTSTATUS PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process)
{
    (void)ProcessId;
    if (Process != NULL)
        *Process = NULL;
    return ke_unsupported("PsLookupProcessByProcessId", KE_NO_PROCESSES, VF_CALLER);
}

/* No PEPROCESS is ever handed out, so a driver reaches these only with a pointer it made up. */
NTKERNELAPI VOID KeStackAttachProcess(PRKPROCESS Process, PRKAPC_STATE ApcState)
{
    (void)Process, (void)ApcState;
    ke_unsupported("KeStackAttachProcess", KE_NO_PROCESSES, VF_CALLER);
}

NTKERNELAPI VOID KeUnstackDetachProcess(PRKAPC_STATE ApcState)
{
    (void)ApcState;
    ke_unsupported("KeUnstackDetachProcess", KE_NO_PROCESSES, VF_CALLER);
}
