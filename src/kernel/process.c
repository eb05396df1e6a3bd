/* Threads and processes. Every thread that runs driver code has a KTHREAD (its priority is
 * kept, not scheduled); PsCreateSystemThread's threads are real threads whose KTHREAD is a
 * waitable object. Processes: the driver's own ("System", pid = the host process's) and one
 * per connected client, each with its handle table and credentials; the thread's current
 * process is set around work done for a client (docs/control-devices.md). */
#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ntifs.h>

#include "ke.h"
#include "ob.h"

struct _KTHREAD {
    DISPATCHER_HEADER header; /* a system thread's: signalled when it ends */
    KPRIORITY priority;
    bool system;              /* made by PsCreateSystemThread */
    PKSTART_ROUTINE start;
    PVOID context;
    jmp_buf exit;             /* PsTerminateSystemThread returns here */
    pid_t tid;
};
static _Thread_local struct _KTHREAD ke_thread = { .priority = 8 }; /* normal thread priority */
static _Thread_local struct _KTHREAD *ke_thread_self;                /* a system thread's object */
static _Thread_local struct ke_process *ke_current_process;          /* NULL: System */

NTKERNELAPI PKTHREAD KeGetCurrentThread(VOID)
{
    return ke_thread_self != NULL ? ke_thread_self : &ke_thread;
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

/* The client's pid while working for a client, the host process's otherwise. */
NTKERNELAPI HANDLE PsGetCurrentProcessId(VOID)
{
    return (HANDLE)(ULONG_PTR)ke_process_current()->pid;
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


/* Calls each registered process-creation routine at PASSIVE_LEVEL, outside the lock. */
static void ke_process_notify(struct ke_process *p, bool create)
{
    PCREATE_PROCESS_NOTIFY_ROUTINE routines[KE_PROCESS_NOTIFY_MAX];
    pthread_mutex_lock(&ke_notify_lock);
    memcpy(routines, ke_notify, sizeof routines);
    pthread_mutex_unlock(&ke_notify_lock);
    KIRQL old = ke_irql_set(PASSIVE_LEVEL);
    for (int i = 0; i < KE_PROCESS_NOTIFY_MAX; i++)
        if (routines[i] != NULL) {
            routines[i](NULL, (HANDLE)(ULONG_PTR)p->pid, create ? TRUE : FALSE);
            ke_irql_after_handler(PASSIVE_LEVEL, "process notify routine", (const void *)routines[i]);
        }
    ke_irql_set(old);
}

/* ---- processes ------------------------------------------------------------------------------- */
LIST_ENTRY ke_processes = { &ke_processes, &ke_processes }; /* ke_ob_lock */
static struct ke_process *ke_system;
static pthread_once_t ke_system_once = PTHREAD_ONCE_INIT;

static void ke_process_destroyed(void *body)
{
    struct ke_process *p = body;
    ke_usermem_release(p);
    pthread_mutex_lock(&ke_ob_lock);
    RemoveEntryList(&p->link);
    pthread_mutex_unlock(&ke_ob_lock);
    free(p->handles);
}

static struct ke_process *ke_process_new(pid_t pid, uid_t uid, gid_t gid, const char *name, bool system)
{
    struct ke_process *p = ke_object_create(&ke_type_process, sizeof *p, ke_process_destroyed);
    if (p == NULL)
        return NULL;
    p->header.Type = KE_PROCESS_OBJECT;
    InitializeListHead(&p->header.WaitListHead);
    p->pid = pid;
    p->uid = uid;
    p->gid = gid;
    p->system = system;
    p->slice = SIZE_MAX;
    snprintf(p->name, sizeof p->name, "%s", name != NULL ? name : "");
    pthread_mutex_lock(&ke_ob_lock);
    InsertTailList(&ke_processes, &p->link);
    pthread_mutex_unlock(&ke_ob_lock);
    return p;
}

static void ke_system_create(void)
{
    ke_system = ke_process_new(getpid(), getuid(), getgid(), "System", true);
    if (ke_system == NULL) {
        fprintf(stderr, "openndis: out of memory creating the System process\n");
        abort();
    }
}

struct ke_process *ke_process_system(void)
{
    pthread_once(&ke_system_once, ke_system_create);
    return ke_system;
}

struct ke_process *ke_process_create(pid_t pid, uid_t uid, gid_t gid, const char *name)
{
    ke_process_system(); /* System exists before any client */
    struct ke_process *p = ke_process_new(pid, uid, gid, name, false);
    if (p != NULL)
        ke_process_notify(p, true);
    return p;
}

void ke_process_destroy(struct ke_process *p)
{
    if (p == NULL || p->system)
        return;
    struct ke_process *prev = ke_process_enter(p);
    ke_process_notify(p, false);
    ke_process_leave(prev);
    ke_handle_table_close_all(p);
    ke_dispatcher_signal(&p->header);
    ke_object_unref(p);
}

struct ke_process *ke_process_current(void)
{
    return ke_current_process != NULL ? ke_current_process : ke_process_system();
}

struct ke_process *ke_process_enter(struct ke_process *p)
{
    struct ke_process *prev = ke_current_process;
    ke_current_process = p != NULL && !p->system ? p : NULL;
    return prev;
}

void ke_process_leave(struct ke_process *previous)
{
    ke_current_process = previous;
}

pid_t ke_process_pid(const struct ke_process *p)
{
    return p->pid;
}

uid_t ke_process_uid(const struct ke_process *p)
{
    return p->uid;
}

gid_t ke_process_gid(const struct ke_process *p)
{
    return p->gid;
}

bool ke_process_is_system(const struct ke_process *p)
{
    return p->system;
}

PEPROCESS ke_process_eprocess(struct ke_process *p)
{
    return (PEPROCESS)p;
}

struct ke_process *ke_process_from_eprocess(PEPROCESS e)
{
    return ke_object_live(e, &ke_type_process) ? (struct ke_process *)e : NULL;
}

void ke_process_ref(struct ke_process *p)
{
    ke_object_ref(p);
}

void ke_process_unref(struct ke_process *p)
{
    ke_object_unref(p);
}

NTKERNELAPI PEPROCESS IoGetCurrentProcess(VOID)
{
    return ke_process_eprocess(ke_process_current());
}

NTKERNELAPI NTSTATUS PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process)
{
    ke_irql_at_most(PASSIVE_LEVEL, "PsLookupProcessByProcessId", VF_CALLER);
    ke_process_system();
    struct ke_process *found = NULL;
    pthread_mutex_lock(&ke_ob_lock);
    for (PLIST_ENTRY e = ke_processes.Flink; e != &ke_processes; e = e->Flink) {
        struct ke_process *p = CONTAINING_RECORD(e, struct ke_process, link);
        if ((HANDLE)(ULONG_PTR)p->pid == ProcessId && p->header.SignalState == 0) {
            found = p;
            ke_object_ref(p);
            break;
        }
    }
    pthread_mutex_unlock(&ke_ob_lock);
    *Process = (PEPROCESS)found;
    return found != NULL ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/* Attaching makes the process current for the thread: its handles and memory are the ones
 * user-mode pointers and handles refer to. The previous one is kept in the APC state. */
NTKERNELAPI VOID KeStackAttachProcess(PRKPROCESS Process, PRKAPC_STATE ApcState)
{
    const void *site = VF_CALLER;
    struct ke_process *p = ke_process_from_eprocess((PEPROCESS)Process);
    if (p == NULL) {
        vf_violation(VF_OBJECT_NOT_REFERENCED, "KeStackAttachProcess", site, "%p is not a live process",
                     (void *)Process);
        return;
    }
    memset(ApcState, 0, sizeof *ApcState);
    ApcState->Process = (PKPROCESS)ke_process_enter(p);
}

NTKERNELAPI VOID KeUnstackDetachProcess(PRKAPC_STATE ApcState)
{
    ke_process_leave((struct ke_process *)ApcState->Process);
}

/* ---- system threads --------------------------------------------------------------------------- */
static void *ke_system_thread_main(void *arg)
{
    struct _KTHREAD *t = arg;
    ke_thread_self = t;
    ke_current_process = NULL; /* system threads run in System */
    ke_irql_set(PASSIVE_LEVEL);
    t->tid = (pid_t)syscall(SYS_gettid);
    if (setjmp(t->exit) == 0)
        KE_DRIVER_CALL(t->start, t->context); /* a PE driver's routine takes its argument in RCX */
    ke_dispatcher_signal(&t->header);
    ke_thread_self = NULL;
    ke_object_unref(t); /* the running thread's own reference */
    return NULL;
}

NTKERNELAPI NTSTATUS PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
                                          struct _OBJECT_ATTRIBUTES *ObjectAttributes, HANDLE ProcessHandle,
                                          PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine, PVOID StartContext)
{
    static const char fn[] = "PsCreateSystemThread";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    if (ThreadHandle == NULL || StartRoutine == NULL)
        return STATUS_INVALID_PARAMETER;
    *ThreadHandle = NULL;
    if (ProcessHandle != NULL && ProcessHandle != (HANDLE)(LONG_PTR)-1)
        return ke_unsupported("PsCreateSystemThread in another process",
                              "threads run in the driver's process; pass a NULL ProcessHandle", site);
    if (vf_fault_inject(fn, site))
        return STATUS_INSUFFICIENT_RESOURCES;
    struct _KTHREAD *t = ke_object_create(&ke_type_thread, sizeof *t, NULL);
    if (t == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    t->header.Type = KE_THREAD_OBJECT;
    InitializeListHead(&t->header.WaitListHead);
    t->priority = 8;
    t->system = true;
    t->start = StartRoutine;
    t->context = StartContext;
    bool kernel = ObjectAttributes != NULL && (ObjectAttributes->Attributes & OBJ_KERNEL_HANDLE);
    /* without OBJ_KERNEL_HANDLE the handle goes to the current process's table, as on Windows */
    NTSTATUS status = ke_handle_insert(ke_process_current(), t, DesiredAccess ? DesiredAccess : THREAD_ALL_ACCESS,
                                       kernel, site, ThreadHandle);
    if (!NT_SUCCESS(status)) {
        ke_object_unref(t);
        return status;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t tid;
    int rc = pthread_create(&tid, &attr, ke_system_thread_main, t); /* the thread takes our reference */
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        ZwClose(*ThreadHandle);
        *ThreadHandle = NULL;
        ke_object_unref(t);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (ClientId != NULL)
        *ClientId = (CLIENT_ID){ (HANDLE)(ULONG_PTR)getpid(), (HANDLE)t };
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS PsTerminateSystemThread(NTSTATUS ExitStatus)
{
    (void)ExitStatus;
    const void *site = VF_CALLER;
    struct _KTHREAD *t = ke_thread_self;
    if (t == NULL || !t->system)
        return ke_unsupported("PsTerminateSystemThread", "called on a thread PsCreateSystemThread did not create",
                              site);
    longjmp(t->exit, 1);
}

/* Clients are 64-bit Linux processes speaking the 64-bit layouts. */
NTKERNELAPI BOOLEAN IoIs32bitProcess(PIRP Irp)
{
    (void)Irp;
    return FALSE;
}
