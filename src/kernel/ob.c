/* The object manager: object headers with reference counts, per-process handle tables, and
 * the Ob and Zw calls on them. Objects are events, threads, processes, files and registry
 * keys; their bodies are what drivers see. docs/control-devices.md has the model. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ke.h"
#include "ob.h"
#include "../common/array.h"

#define KE_OB_MAGIC 0x4f624864u /* 'ObHd' */
#define KE_KERNEL_HANDLE_BIT ((ULONG_PTR)0xFFFFFFFF80000000ull)

struct ke_object_header {
    uint32_t magic;
    _Atomic long refs;
    POBJECT_TYPE type;
    ke_object_destroy *destroy;
    /* references the driver took (ObReference*, minus ObDereferenceObject), for the unload
     * check; `pool` is the driver's that took the first */
    _Atomic long driver_refs;
    struct ke_pool *_Atomic pool;
    const void *site;
    LIST_ENTRY link; /* ke_ob_lock */
    _Alignas(16) unsigned char body[];
};

struct _OBJECT_TYPE {
    const char *name;
    GENERIC_MAPPING mapping;
};
struct _OBJECT_TYPE ke_type_event = { "Event", { STANDARD_RIGHTS_READ | EVENT_QUERY_STATE,
                                                 STANDARD_RIGHTS_WRITE | EVENT_MODIFY_STATE,
                                                 STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, EVENT_ALL_ACCESS } },
                    ke_type_thread = { "Thread", { STANDARD_RIGHTS_READ | 0x48, STANDARD_RIGHTS_WRITE | 0x37,
                                                   STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, THREAD_ALL_ACCESS } },
                    ke_type_process = { "Process", { STANDARD_RIGHTS_READ | 0x410, STANDARD_RIGHTS_WRITE | 0xbea,
                                                     STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, PROCESS_ALL_ACCESS } },
                    ke_type_file = { "File", { STANDARD_RIGHTS_READ | FILE_READ_DATA | FILE_READ_ATTRIBUTES |
                                                   FILE_READ_EA | SYNCHRONIZE,
                                               STANDARD_RIGHTS_WRITE | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES |
                                                   FILE_WRITE_EA | FILE_APPEND_DATA | SYNCHRONIZE,
                                               STANDARD_RIGHTS_EXECUTE | FILE_READ_ATTRIBUTES | FILE_EXECUTE |
                                                   SYNCHRONIZE,
                                               FILE_ALL_ACCESS } },
                    ke_type_key = { "Key", { KEY_READ, KEY_WRITE, KEY_READ, KEY_ALL_ACCESS } };
static POBJECT_TYPE ke_event_type_p = &ke_type_event, ke_thread_type_p = &ke_type_thread,
                    ke_process_type_p = &ke_type_process, ke_file_type_p = &ke_type_file;
OPENNDIS_API POBJECT_TYPE *ExEventObjectType = &ke_event_type_p;
OPENNDIS_API POBJECT_TYPE *PsThreadType = &ke_thread_type_p;
OPENNDIS_API POBJECT_TYPE *PsProcessType = &ke_process_type_p;
OPENNDIS_API POBJECT_TYPE *IoFileObjectType = &ke_file_type_p;

pthread_mutex_t ke_ob_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_ENTRY ke_objects = { &ke_objects, &ke_objects };
static struct ke_ptrmap ke_object_map; /* body -> header, ke_ob_lock */

static struct ke_object_header *ke_header(const void *body)
{
    return (struct ke_object_header *)((const unsigned char *)body - offsetof(struct ke_object_header, body));
}

void *ke_object_create(POBJECT_TYPE type, size_t body_size, ke_object_destroy *destroy)
{
    struct ke_object_header *h = calloc(1, sizeof *h + body_size);
    if (h == NULL)
        return NULL;
    h->magic = KE_OB_MAGIC;
    atomic_init(&h->refs, 1);
    h->type = type;
    h->destroy = destroy;
    pthread_mutex_lock(&ke_ob_lock);
    bool ok = ke_ptrmap_put(&ke_object_map, h->body, (uintptr_t)h);
    if (ok)
        InsertTailList(&ke_objects, &h->link);
    pthread_mutex_unlock(&ke_ob_lock);
    if (!ok) {
        free(h);
        return NULL;
    }
    return h->body;
}

static bool ke_object_live_locked(const void *body, POBJECT_TYPE type)
{
    uintptr_t v;
    return body != NULL && ke_ptrmap_get(&ke_object_map, body, &v) && (type == NULL || ke_header(body)->type == type);
}

bool ke_object_live(const void *body, POBJECT_TYPE type)
{
    pthread_mutex_lock(&ke_ob_lock);
    bool live = ke_object_live_locked(body, type);
    pthread_mutex_unlock(&ke_ob_lock);
    return live;
}

POBJECT_TYPE ke_object_type(const void *body)
{
    return ke_header(body)->type;
}

void ke_object_ref(void *body)
{
    atomic_fetch_add(&ke_header(body)->refs, 1);
}

void ke_object_unref(void *body)
{
    struct ke_object_header *h = ke_header(body);
    if (atomic_fetch_sub(&h->refs, 1) != 1)
        return;
    pthread_mutex_lock(&ke_ob_lock);
    ke_ptrmap_remove(&ke_object_map, body);
    RemoveEntryList(&h->link);
    pthread_mutex_unlock(&ke_ob_lock);
    if (h->destroy != NULL)
        h->destroy(body);
    h->magic = 0;
    free(h);
}

/* A reference the driver's code took (at `site`): counted for the unload check. */
static void ke_object_driver_ref(void *body, const void *site)
{
    struct ke_object_header *h = ke_header(body);
    struct ke_pool *pool = ke_driver_pool_at(site);
    if (pool == NULL)
        return;
    struct ke_pool *none = NULL;
    if (atomic_compare_exchange_strong(&h->pool, &none, pool))
        h->site = site;
    atomic_fetch_add(&h->driver_refs, 1);
}

/* ---- handle tables ------------------------------------------------------------------------------- */
static HANDLE ke_handle_value(size_t index, bool kernel)
{
    ULONG_PTR v = (ULONG_PTR)(index + 1) * 4u;
    return (HANDLE)(kernel ? v | KE_KERNEL_HANDLE_BIT : v);
}

/* The table `handle` lives in and its slot; false when it is not a handle value at all. */
static bool ke_handle_slot(struct ke_process *p, HANDLE handle, bool user_mode, struct ke_process **table,
                           size_t *index)
{
    ULONG_PTR v = (ULONG_PTR)handle;
    bool kernel = (v & KE_KERNEL_HANDLE_BIT) == KE_KERNEL_HANDLE_BIT;
    if (kernel && user_mode)
        return false; /* a request from user mode cannot name a kernel handle */
    if (kernel)
        v &= ~KE_KERNEL_HANDLE_BIT;
    if (v == 0 || (v & 3u) != 0 || v > (ULONG_PTR)1 << 30)
        return false;
    *table = kernel ? ke_process_system() : p;
    *index = v / 4u - 1u;
    return true;
}

NTSTATUS ke_handle_insert(struct ke_process *p, void *body, ACCESS_MASK access, bool kernel, const void *site,
                          HANDLE *handle)
{
    struct ke_process *t = kernel ? ke_process_system() : p;
    pthread_mutex_lock(&ke_ob_lock);
    size_t i = 0;
    while (i < t->handle_cap && t->handles[i].body != NULL)
        i++;
    if (i == t->handle_cap) {
        size_t cap = t->handle_cap;
        struct ke_handle_entry *grown = array_reserve(t->handles, &cap, i + 1, sizeof *grown);
        if (grown == NULL) {
            pthread_mutex_unlock(&ke_ob_lock);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        memset(grown + t->handle_cap, 0, (cap - t->handle_cap) * sizeof *grown);
        t->handles = grown;
        t->handle_cap = cap;
    }
    ke_object_ref(body);
    t->handles[i] = (struct ke_handle_entry){ body, access, ke_driver_pool_at(site), site };
    pthread_mutex_unlock(&ke_ob_lock);
    *handle = ke_handle_value(i, kernel);
    return STATUS_SUCCESS;
}

ACCESS_MASK ke_map_generic(ACCESS_MASK m, const GENERIC_MAPPING *g)
{
    if (g == NULL)
        return m;
    if (m & GENERIC_READ)
        m |= g->GenericRead;
    if (m & GENERIC_WRITE)
        m |= g->GenericWrite;
    if (m & GENERIC_EXECUTE)
        m |= g->GenericExecute;
    if (m & GENERIC_ALL)
        m |= g->GenericAll;
    return m & ~(ACCESS_MASK)(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
}

ACCESS_MASK ke_object_access(POBJECT_TYPE type, ACCESS_MASK desired)
{
    return ke_map_generic(desired, &type->mapping);
}

NTSTATUS ke_handle_reference(struct ke_process *p, HANDLE handle, POBJECT_TYPE type, bool user_mode, void **body,
                             ACCESS_MASK *granted)
{
    struct ke_process *t;
    size_t i;
    if (!ke_handle_slot(p, handle, user_mode, &t, &i))
        return STATUS_INVALID_HANDLE;
    pthread_mutex_lock(&ke_ob_lock);
    NTSTATUS status = STATUS_INVALID_HANDLE;
    if (i < t->handle_cap && t->handles[i].body != NULL) {
        void *b = t->handles[i].body;
        if (type != NULL && ke_header(b)->type != type) {
            status = STATUS_OBJECT_TYPE_MISMATCH;
        } else {
            ke_object_ref(b);
            *body = b;
            *granted = t->handles[i].access;
            status = STATUS_SUCCESS;
        }
    }
    pthread_mutex_unlock(&ke_ob_lock);
    return status;
}

static void *ke_handle_take(struct ke_process *p, HANDLE handle, bool user_mode, NTSTATUS *status)
{
    struct ke_process *t;
    size_t i;
    void *body = NULL;
    *status = STATUS_INVALID_HANDLE;
    if (!ke_handle_slot(p, handle, user_mode, &t, &i))
        return NULL;
    pthread_mutex_lock(&ke_ob_lock);
    if (i < t->handle_cap && t->handles[i].body != NULL) {
        body = t->handles[i].body;
        t->handles[i] = (struct ke_handle_entry){ 0 };
        *status = STATUS_SUCCESS;
    }
    pthread_mutex_unlock(&ke_ob_lock);
    return body;
}

NTSTATUS ke_process_close_handle(struct ke_process *p, HANDLE handle)
{
    NTSTATUS status;
    void *body = ke_handle_take(p, handle, true, &status);
    if (body != NULL)
        ke_object_unref(body);
    return status;
}

void ke_handle_table_close_all(struct ke_process *p)
{
    for (;;) {
        void *body = NULL;
        pthread_mutex_lock(&ke_ob_lock);
        for (size_t i = 0; i < p->handle_cap && body == NULL; i++)
            if (p->handles[i].body != NULL) {
                body = p->handles[i].body;
                p->handles[i] = (struct ke_handle_entry){ 0 };
            }
        pthread_mutex_unlock(&ke_ob_lock);
        if (body == NULL)
            return;
        ke_object_unref(body); /* may run a destroy routine: not under the lock */
    }
}

size_t ke_handle_count(const struct ke_process *p)
{
    size_t n = 0;
    pthread_mutex_lock(&ke_ob_lock);
    for (size_t i = 0; i < p->handle_cap; i++)
        n += p->handles[i].body != NULL;
    pthread_mutex_unlock(&ke_ob_lock);
    return n;
}

/* ---- events ------------------------------------------------------------------------------------ */
static void ke_user_event_destroy(void *body)
{
    ke_user_event_close(body);
}

NTSTATUS ke_process_insert_eventfd(struct ke_process *p, int fd, bool synchronization, HANDLE *handle)
{
    struct ke_user_event *e = ke_object_create(&ke_type_event, sizeof *e, NULL);
    if (e == NULL) {
        close(fd);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (!ke_user_event_init(e, fd, synchronization)) {
        close(fd);
        ke_object_unref(e);
        return STATUS_INVALID_HANDLE;
    }
    ke_header(e)->destroy = ke_user_event_destroy;
    NTSTATUS status = ke_handle_insert(p, e, EVENT_ALL_ACCESS, false, NULL, handle);
    ke_object_unref(e); /* the handle holds it now */
    return status;
}

NTSYSAPI NTSTATUS ZwCreateEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                EVENT_TYPE EventType, BOOLEAN InitialState)
{
    static const char fn[] = "ZwCreateEvent";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    if (EventHandle == NULL || (EventType != NotificationEvent && EventType != SynchronizationEvent))
        return STATUS_INVALID_PARAMETER;
    *EventHandle = NULL;
    if (ObjectAttributes != NULL && ObjectAttributes->ObjectName != NULL && ObjectAttributes->ObjectName->Length)
        return ke_unsupported("ZwCreateEvent with a name", "named objects have no namespace here", site);
    if (vf_fault_inject(fn, site))
        return STATUS_INSUFFICIENT_RESOURCES;
    PKEVENT e = ke_object_create(&ke_type_event, sizeof *e, NULL);
    if (e == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    KeInitializeEvent(e, EventType, InitialState);
    bool kernel = ObjectAttributes != NULL && (ObjectAttributes->Attributes & OBJ_KERNEL_HANDLE);
    NTSTATUS status = ke_handle_insert(ke_process_current(), e,
                                       ke_map_generic(DesiredAccess ? DesiredAccess : EVENT_ALL_ACCESS,
                                                      &ke_type_event.mapping),
                                       kernel, site, EventHandle);
    ke_object_unref(e);
    return status;
}

/* Named notification events (IoCreateNotificationEvent): the name leads to the event while it
 * lives; the table holds no reference, the handles do. */
#define KE_NAMED_EVENTS 64
static struct {
    WCHAR name[64];
    PKEVENT event;
} ke_named_events[KE_NAMED_EVENTS];
static pthread_mutex_t ke_named_lock = PTHREAD_MUTEX_INITIALIZER;

NTKERNELAPI PKEVENT IoCreateNotificationEvent(PUNICODE_STRING EventName, PHANDLE EventHandle)
{
    static const char fn[] = "IoCreateNotificationEvent";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    size_t n = EventName && EventName->Buffer ? EventName->Length / sizeof(WCHAR) : 0;
    if (EventHandle == NULL || n == 0 || n >= 64)
        return NULL; /* the DDI's only failure report */
    *EventHandle = NULL;
    pthread_mutex_lock(&ke_named_lock);
    PKEVENT e = NULL;
    size_t free_slot = KE_NAMED_EVENTS;
    for (size_t i = 0; i < KE_NAMED_EVENTS; i++) {
        PKEVENT c = ke_named_events[i].event;
        if (c != NULL && !ke_object_live(c, &ke_type_event))
            ke_named_events[i].event = c = NULL; /* its last handle was closed */
        if (c == NULL) {
            if (free_slot == KE_NAMED_EVENTS)
                free_slot = i;
            continue;
        }
        if (memcmp(ke_named_events[i].name, EventName->Buffer, n * sizeof(WCHAR)) == 0 &&
            ke_named_events[i].name[n] == 0) {
            e = c;
            ke_object_ref(e);
            break;
        }
    }
    if (e == NULL && free_slot < KE_NAMED_EVENTS && !vf_fault_inject(fn, site) &&
        (e = ke_object_create(&ke_type_event, sizeof *e, NULL)) != NULL) {
        KeInitializeEvent(e, NotificationEvent, TRUE); /* created signalled, as the DDI says */
        memcpy(ke_named_events[free_slot].name, EventName->Buffer, n * sizeof(WCHAR));
        ke_named_events[free_slot].name[n] = 0;
        ke_named_events[free_slot].event = e;
    }
    pthread_mutex_unlock(&ke_named_lock);
    if (e == NULL)
        return NULL;
    NTSTATUS status = ke_handle_insert(ke_process_current(), e, ke_map_generic(EVENT_ALL_ACCESS, &ke_type_event.mapping),
                                       true, site, EventHandle);
    ke_object_unref(e); /* the handle holds it now */
    return NT_SUCCESS(status) ? e : NULL;
}

/* ---- the Ob calls --------------------------------------------------------------------------------- */
NTKERNELAPI NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                               KPROCESSOR_MODE AccessMode, PVOID *Object,
                                               POBJECT_HANDLE_INFORMATION HandleInformation)
{
    static const char fn[] = "ObReferenceObjectByHandle";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    if (Object == NULL)
        return STATUS_INVALID_PARAMETER;
    *Object = NULL;
    struct ke_process *cur = ke_process_current();
    void *body = NULL;
    ACCESS_MASK granted = 0;
    NTSTATUS status;
    if (Handle == (HANDLE)(LONG_PTR)-1) { /* NtCurrentProcess() */
        status = ObjectType != NULL && ObjectType != &ke_type_process ? STATUS_OBJECT_TYPE_MISMATCH : STATUS_SUCCESS;
        if (NT_SUCCESS(status)) {
            body = cur;
            ke_object_ref(body);
            granted = PROCESS_ALL_ACCESS;
        }
    } else if (Handle == (HANDLE)(LONG_PTR)-2) { /* NtCurrentThread() */
        body = KeGetCurrentThread();
        status = ke_object_live(body, NULL) ? STATUS_SUCCESS : STATUS_INVALID_HANDLE;
        if (NT_SUCCESS(status) && ObjectType != NULL && ObjectType != &ke_type_thread)
            status = STATUS_OBJECT_TYPE_MISMATCH;
        if (NT_SUCCESS(status)) {
            ke_object_ref(body);
            granted = THREAD_ALL_ACCESS;
        }
    } else {
        status = ke_handle_reference(cur, Handle, ObjectType, AccessMode == UserMode, &body, &granted);
    }
    if (!NT_SUCCESS(status))
        return status;
    if (AccessMode == UserMode) {
        ACCESS_MASK want = ke_map_generic(DesiredAccess, &ke_header(body)->type->mapping);
        if (want & ~granted) {
            ke_object_unref(body);
            return STATUS_ACCESS_DENIED;
        }
    }
    ke_object_driver_ref(body, site);
    *Object = body;
    if (HandleInformation != NULL)
        *HandleInformation = (OBJECT_HANDLE_INFORMATION){ 0, granted };
    return STATUS_SUCCESS;
}

NTKERNELAPI LONG_PTR ObfReferenceObject(PVOID Object)
{
    const void *site = VF_CALLER;
    pthread_mutex_lock(&ke_ob_lock);
    bool live = ke_object_live_locked(Object, NULL);
    if (live)
        ke_object_ref(Object);
    pthread_mutex_unlock(&ke_ob_lock);
    if (!live) {
        vf_violation(VF_OBJECT_NOT_REFERENCED, "ObReferenceObject", site, "%p is not a live object", Object);
        return 0;
    }
    ke_object_driver_ref(Object, site);
    return atomic_load(&ke_header(Object)->refs);
}

NTKERNELAPI LONG_PTR ObfDereferenceObject(PVOID Object)
{
    const void *site = VF_CALLER;
    ke_irql_at_most(DISPATCH_LEVEL, "ObDereferenceObject", site);
    pthread_mutex_lock(&ke_ob_lock);
    bool live = ke_object_live_locked(Object, NULL);
    pthread_mutex_unlock(&ke_ob_lock);
    if (!live) {
        vf_violation(VF_OBJECT_NOT_REFERENCED, "ObDereferenceObject", site,
                     "%p is not a live object (never one, or its last reference is gone)", Object);
        return 0;
    }
    struct ke_object_header *h = ke_header(Object);
    if (ke_driver_pool_at(site) != NULL)
        atomic_fetch_sub(&h->driver_refs, 1);
    long left = atomic_load(&h->refs) - 1;
    ke_object_unref(Object);
    return left;
}

NTKERNELAPI NTSTATUS ObCloseHandle(HANDLE Handle, KPROCESSOR_MODE PreviousMode)
{
    ke_irql_at_most(PASSIVE_LEVEL, "ObCloseHandle", VF_CALLER);
    NTSTATUS status;
    void *body = ke_handle_take(ke_process_current(), Handle, PreviousMode == UserMode, &status);
    if (body != NULL)
        ke_object_unref(body);
    return status;
}

NTSYSAPI NTSTATUS ZwClose(HANDLE Handle)
{
    ke_irql_at_most(PASSIVE_LEVEL, "ZwClose", VF_CALLER);
    NTSTATUS status;
    void *body = ke_handle_take(ke_process_current(), Handle, false, &status);
    if (body != NULL)
        ke_object_unref(body);
    return status;
}

/* ---- at unload: what the driver still holds ------------------------------------------------------ */
void ke_ob_driver_unloaded(struct ke_pool *pool)
{
    if (pool == NULL)
        return;
    /* handles the driver made and never closed, in any table */
    for (;;) {
        void *body = NULL;
        const void *site = NULL;
        HANDLE value = NULL;
        pthread_mutex_lock(&ke_ob_lock);
        for (PLIST_ENTRY e = ke_processes.Flink; e != &ke_processes && body == NULL; e = e->Flink) {
            struct ke_process *p = CONTAINING_RECORD(e, struct ke_process, link);
            for (size_t i = 0; i < p->handle_cap && body == NULL; i++)
                if (p->handles[i].body != NULL && p->handles[i].pool == pool) {
                    body = p->handles[i].body;
                    site = p->handles[i].site;
                    value = ke_handle_value(i, p->system);
                    p->handles[i] = (struct ke_handle_entry){ 0 };
                }
        }
        pthread_mutex_unlock(&ke_ob_lock);
        if (body == NULL)
            break;
        vf_violation(VF_HANDLE_LEAKED, "DriverUnload", site, "handle %p to a %s object, opened here, still open at unload",
                     value, ke_header(body)->type->name);
        ke_object_unref(body);
    }
    /* references the driver took and never gave back */
    pthread_mutex_lock(&ke_ob_lock);
    struct leak {
        const void *site;
        const char *type;
        long refs;
    } leaks[16];
    size_t n = 0;
    for (PLIST_ENTRY e = ke_objects.Flink; e != &ke_objects; e = e->Flink) {
        struct ke_object_header *h = CONTAINING_RECORD(e, struct ke_object_header, link);
        long refs = atomic_load(&h->driver_refs);
        if (atomic_load(&h->pool) == pool && refs > 0 && n < 16) {
            leaks[n++] = (struct leak){ h->site, h->type->name, refs };
            atomic_store(&h->driver_refs, 0);
        }
    }
    pthread_mutex_unlock(&ke_ob_lock);
    for (size_t i = 0; i < n; i++)
        vf_violation(VF_OBJECT_REFERENCE_LEAKED, "DriverUnload", leaks[i].site,
                     "%ld reference(s) to a %s object, first taken here, not released by unload", leaks[i].refs,
                     leaks[i].type);
}
