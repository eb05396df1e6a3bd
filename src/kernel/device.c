/* Device objects and symbolic links: the I/O manager's namespace. IoCreateDevice(Secure)
 * makes a DEVICE_OBJECT with its extension, linked into the driver's DriverObject->DeviceObject
 * list and, when named, into the namespace; IoCreateSymbolicLink names it for user mode
 * (\DosDevices\X, \??\X and \GLOBAL??\X are one namespace). Whatever a driver leaves at unload
 * is reported (ND2001, ND2002) and removed. Opens (irp.c) hold the device: one deleted while
 * a client has it open is unlinked at once and freed when its last file closes. */
#include <stdio.h>
#include <stdlib.h>
#include <wdmsec.h>

#include "irp.h"
#include "ke.h"
#include "ob.h"

#define KE_DEVICE_MAGIC 0x4b444556u /* "KDEV" */

struct ke_device {
    DEVICE_OBJECT object; /* first: a PDEVICE_OBJECT is a struct ke_device * */
    uint32_t magic;
    WCHAR *name;          /* NUL-terminated NT name; NULL when unnamed */
    WCHAR *sddl;          /* the security descriptor's SDDL; NULL (IoCreateDevice): no restriction */
    const void *site;     /* where the driver created it */
    unsigned opens;       /* files open on it (ke_io_lock) */
    bool deleted;         /* IoDeleteDevice ran while files were open: freed at the last close */
    LIST_ENTRY link;      /* ke_io_devices */
};

struct ke_symlink {
    WCHAR *name;   /* canonical: \??\X */
    WCHAR *target;
    struct ke_pool *pool;
    const void *site;
    LIST_ENTRY link;
};

static pthread_mutex_t ke_io_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_ENTRY ke_io_devices = { &ke_io_devices, &ke_io_devices };
static LIST_ENTRY ke_io_links = { &ke_io_links, &ke_io_links };

static WCHAR ke_fold(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? (WCHAR)(c - 'a' + 'A') : c;
}

/* Object names compare case-insensitively, as the object manager's do. */
static bool ke_name_equal(const WCHAR *a, const WCHAR *b)
{
    for (; *a && *b; a++, b++)
        if (ke_fold(*a) != ke_fold(*b))
            return false;
    return *a == *b;
}

static bool ke_name_prefix(const WCHAR *s, size_t n, const char *prefix, size_t *len)
{
    size_t i = 0;
    for (; prefix[i]; i++)
        if (i >= n || ke_fold(s[i]) != ke_fold((WCHAR)prefix[i]))
            return false;
    *len = i;
    return true;
}

/* A NUL-terminated copy of a counted name; NULL for an empty, odd-sized or embedded-NUL one. */
static WCHAR *ke_name_copy(PCUNICODE_STRING u, bool link)
{
    if (u == NULL || u->Buffer == NULL || u->Length == 0 || (u->Length & 1))
        return NULL;
    size_t n = u->Length / sizeof(WCHAR), skip = 0;
    static const char canon[] = "\\??\\";
    bool dos = link && (ke_name_prefix(u->Buffer, n, "\\DosDevices\\", &skip) ||
                        ke_name_prefix(u->Buffer, n, "\\GLOBAL??\\", &skip) || ke_name_prefix(u->Buffer, n, "\\??\\", &skip));
    size_t more;
    if (dos && ke_name_prefix(u->Buffer + skip, n - skip, "Global\\", &more))
        skip += more; /* \??\Global is the global namespace itself: \DosDevices\Global\X is \??\X */
    size_t head = dos ? sizeof canon - 1 : 0;
    if (n - skip == 0)
        return NULL;
    WCHAR *w = malloc((head + n - skip + 1) * sizeof *w);
    if (w == NULL)
        return NULL;
    for (size_t i = 0; i < head; i++)
        w[i] = (WCHAR)canon[i];
    for (size_t i = skip; i < n; i++) {
        if (u->Buffer[i] == 0) {
            free(w);
            return NULL;
        }
        w[head + i - skip] = u->Buffer[i];
    }
    w[head + n - skip] = 0;
    return w;
}

static struct ke_device *ke_device_named(const WCHAR *name)
{
    for (PLIST_ENTRY e = ke_io_devices.Flink; e != &ke_io_devices; e = e->Flink) {
        struct ke_device *d = CONTAINING_RECORD(e, struct ke_device, link);
        if (d->name != NULL && ke_name_equal(d->name, name))
            return d;
    }
    return NULL;
}

static struct ke_symlink *ke_symlink_named(const WCHAR *name)
{
    for (PLIST_ENTRY e = ke_io_links.Flink; e != &ke_io_links; e = e->Flink) {
        struct ke_symlink *l = CONTAINING_RECORD(e, struct ke_symlink, link);
        if (ke_name_equal(l->name, name))
            return l;
    }
    return NULL;
}

/* Is `object` a device IoCreateDevice made and IoDeleteDevice has not removed? ke_io_lock held. */
static bool ke_device_live(const DEVICE_OBJECT *object)
{
    for (PLIST_ENTRY e = ke_io_devices.Flink; e != &ke_io_devices; e = e->Flink)
        if (&CONTAINING_RECORD(e, struct ke_device, link)->object == object)
            return true;
    return false;
}

bool ke_device_exists(const DEVICE_OBJECT *object)
{
    pthread_mutex_lock(&ke_io_lock);
    bool live = object != NULL && ke_device_live(object);
    pthread_mutex_unlock(&ke_io_lock);
    return live;
}

static void ke_device_free(struct ke_device *d)
{
    free(d->name);
    free(d->sddl);
    d->magic = 0;
    free(d);
}

NTSTATUS ke_io_create_device(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize, PUNICODE_STRING DeviceName,
                                 DEVICE_TYPE DeviceType, ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                                 PCUNICODE_STRING Sddl, PDEVICE_OBJECT *DeviceObject, const char *fn, const void *site)
{
    if (fn != NULL)
        ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    if (DeviceObject != NULL)
        *DeviceObject = NULL;
    if (DriverObject == NULL || DeviceObject == NULL || DeviceExtensionSize > (1u << 30))
        return STATUS_INVALID_PARAMETER;
    WCHAR *name = NULL, *sddl = NULL;
    if (DeviceName != NULL && DeviceName->Length != 0 && (name = ke_name_copy(DeviceName, false)) == NULL)
        return STATUS_OBJECT_NAME_INVALID;
    if (Sddl != NULL) {
        ACCESS_MASK granted;
        if ((sddl = ke_name_copy(Sddl, false)) == NULL ||
            ke_access_check_sddl(sddl, ke_process_system(), 0, IoGetFileObjectGenericMapping(), &granted) ==
                STATUS_INVALID_PARAMETER) {
            free(name);
            free(sddl);
            return STATUS_INVALID_PARAMETER; /* an SDDL string Windows would not parse either */
        }
    }
    if (fn != NULL && vf_fault_inject(fn, site)) { /* fn NULL: a device OpenNDIS makes for itself */
        free(name);
        free(sddl);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    size_t head = (sizeof(struct ke_device) + 15) & ~(size_t)15;
    struct ke_device *d = NULL;
    if (posix_memalign((void **)&d, 16, head + DeviceExtensionSize) != 0) {
        free(name);
        free(sddl);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memset(d, 0, head + DeviceExtensionSize);
    d->magic = KE_DEVICE_MAGIC;
    d->name = name;
    d->sddl = sddl;
    d->site = site;
    PDEVICE_OBJECT o = &d->object;
    o->Type = IO_TYPE_DEVICE;
    o->Size = (USHORT)(sizeof *o + (DeviceExtensionSize < 0xffff - sizeof *o ? DeviceExtensionSize : 0));
    o->DriverObject = DriverObject;
    o->DeviceExtension = DeviceExtensionSize ? (UCHAR *)d + head : NULL;
    o->DeviceType = DeviceType;
    o->Characteristics = DeviceCharacteristics;
    o->Flags = DO_DEVICE_INITIALIZING | (Exclusive ? DO_EXCLUSIVE : 0);
    o->StackSize = 1;
    KeInitializeEvent(&o->DeviceLock, SynchronizationEvent, TRUE);
    pthread_mutex_lock(&ke_io_lock);
    if (name != NULL && ke_device_named(name) != NULL) {
        pthread_mutex_unlock(&ke_io_lock);
        ke_device_free(d);
        return STATUS_OBJECT_NAME_COLLISION;
    }
    InsertTailList(&ke_io_devices, &d->link);
    o->NextDevice = DriverObject->DeviceObject; /* newest first, as Windows links them */
    DriverObject->DeviceObject = o;
    pthread_mutex_unlock(&ke_io_lock);
    *DeviceObject = o;
    return STATUS_SUCCESS;
}

NTKERNELAPI NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize, PUNICODE_STRING DeviceName,
                                    DEVICE_TYPE DeviceType, ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                                    PDEVICE_OBJECT *DeviceObject)
{
    return ke_io_create_device(DriverObject, DeviceExtensionSize, DeviceName, DeviceType, DeviceCharacteristics, Exclusive,
                            NULL, DeviceObject, "IoCreateDevice", VF_CALLER);
}

NTKERNELAPI NTSTATUS IoCreateDeviceSecure(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                                          PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
                                          ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                                          PCUNICODE_STRING DefaultSDDLString, LPCGUID DeviceClassGuid,
                                          PDEVICE_OBJECT *DeviceObject)
{
    (void)DeviceClassGuid; /* a class GUID only selects a registry override of the SDDL */
    if (DefaultSDDLString == NULL || DefaultSDDLString->Length == 0) {
        if (DeviceObject != NULL)
            *DeviceObject = NULL;
        return STATUS_INVALID_PARAMETER; /* the DDI requires one */
    }
    return ke_io_create_device(DriverObject, DeviceExtensionSize, DeviceName, DeviceType, DeviceCharacteristics, Exclusive,
                            DefaultSDDLString, DeviceObject, "IoCreateDeviceSecure", VF_CALLER);
}

/* Unlinks `o` from its driver's list; ke_io_lock held. */
static void ke_device_unlink(PDEVICE_OBJECT o)
{
    for (PDEVICE_OBJECT *p = &o->DriverObject->DeviceObject; *p; p = &(*p)->NextDevice)
        if (*p == o) {
            *p = o->NextDevice;
            break;
        }
    RemoveEntryList(&CONTAINING_RECORD(o, struct ke_device, object)->link);
}

NTKERNELAPI VOID IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
    static const char fn[] = "IoDeleteDevice";
    const void *site = VF_CALLER;
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    pthread_mutex_lock(&ke_io_lock);
    bool live = DeviceObject != NULL && ke_device_live(DeviceObject);
    bool in_use = false;
    if (live) {
        ke_device_unlink(DeviceObject);
        struct ke_device *d = CONTAINING_RECORD(DeviceObject, struct ke_device, object);
        in_use = d->opens != 0;
        d->deleted = in_use;
    }
    pthread_mutex_unlock(&ke_io_lock);
    if (!live) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site, "%p is not a device object IoCreateDevice made (or it was deleted)",
                     (void *)DeviceObject);
        return;
    }
    if (!in_use)
        ke_device_free(CONTAINING_RECORD(DeviceObject, struct ke_device, object));
}

NTSTATUS ke_device_open(PDEVICE_OBJECT o, struct ke_process *p, ACCESS_MASK desired, ACCESS_MASK *granted)
{
    pthread_mutex_lock(&ke_io_lock);
    NTSTATUS s = STATUS_NO_SUCH_DEVICE;
    if (ke_device_live(o)) {
        struct ke_device *d = CONTAINING_RECORD(o, struct ke_device, object);
        if ((o->Flags & DO_EXCLUSIVE) && d->opens != 0)
            s = STATUS_ACCESS_DENIED; /* an exclusive device has one open file at most */
        else
            s = ke_access_check_sddl(d->sddl, p, desired, IoGetFileObjectGenericMapping(), granted);
        if (NT_SUCCESS(s)) {
            d->opens++;
            o->ReferenceCount++;
        }
    }
    pthread_mutex_unlock(&ke_io_lock);
    return s;
}

void ke_device_close(PDEVICE_OBJECT o)
{
    struct ke_device *d = CONTAINING_RECORD(o, struct ke_device, object);
    pthread_mutex_lock(&ke_io_lock);
    o->ReferenceCount--;
    bool last = --d->opens == 0 && d->deleted;
    pthread_mutex_unlock(&ke_io_lock);
    if (last)
        ke_device_free(d);
}

NTKERNELAPI NTSTATUS IoCreateSymbolicLink(PUNICODE_STRING SymbolicLinkName, PUNICODE_STRING DeviceName)
{
    return ke_io_create_symlink(SymbolicLinkName, DeviceName, VF_CALLER);
}

NTSTATUS ke_io_create_symlink(PUNICODE_STRING SymbolicLinkName, PUNICODE_STRING DeviceName, const void *site)
{
    static const char fn[] = "IoCreateSymbolicLink";
    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    WCHAR *name = ke_name_copy(SymbolicLinkName, true), *target = ke_name_copy(DeviceName, false);
    NTSTATUS status = STATUS_SUCCESS;
    struct ke_symlink *l = NULL;
    if (name == NULL || target == NULL)
        status = STATUS_OBJECT_NAME_INVALID;
    else if (vf_fault_inject(fn, site) || (l = calloc(1, sizeof *l)) == NULL)
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (status == STATUS_SUCCESS) {
        pthread_mutex_lock(&ke_io_lock);
        if (ke_symlink_named(name) != NULL) {
            status = STATUS_OBJECT_NAME_COLLISION;
        } else {
            *l = (struct ke_symlink){ name, target, ke_driver_pool_at(site), site, { NULL, NULL } };
            InsertTailList(&ke_io_links, &l->link);
        }
        pthread_mutex_unlock(&ke_io_lock);
    }
    if (status != STATUS_SUCCESS) {
        free(name);
        free(target);
        free(l);
    }
    return status;
}

NTKERNELAPI NTSTATUS IoDeleteSymbolicLink(PUNICODE_STRING SymbolicLinkName)
{
    ke_irql_at_most(PASSIVE_LEVEL, "IoDeleteSymbolicLink", VF_CALLER);
    WCHAR *name = ke_name_copy(SymbolicLinkName, true);
    if (name == NULL)
        return STATUS_OBJECT_NAME_INVALID;
    pthread_mutex_lock(&ke_io_lock);
    struct ke_symlink *l = ke_symlink_named(name);
    if (l != NULL)
        RemoveEntryList(&l->link);
    pthread_mutex_unlock(&ke_io_lock);
    free(name);
    if (l == NULL)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    free(l->name);
    free(l->target);
    free(l);
    return STATUS_SUCCESS;
}

/* The device a symbolic link or device name leads to (what a user-mode open will resolve), or
 * NULL. Narrow ASCII names: "\??\tap0901", "\Device\X". */
PDEVICE_OBJECT ke_device_lookup(const char *name)
{
    WCHAR w[256];
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof w / sizeof *w)
        return NULL;
    for (size_t i = 0; i < n; i++)
        w[i] = (unsigned char)name[i];
    UNICODE_STRING u = { (USHORT)(n * sizeof(WCHAR)), (USHORT)(n * sizeof(WCHAR)), w };
    WCHAR *canon = ke_name_copy(&u, true);
    if (canon == NULL)
        return NULL;
    PDEVICE_OBJECT found = NULL;
    pthread_mutex_lock(&ke_io_lock);
    struct ke_symlink *l = ke_symlink_named(canon);
    struct ke_device *d = ke_device_named(l != NULL ? l->target : canon);
    if (d != NULL)
        found = &d->object;
    pthread_mutex_unlock(&ke_io_lock);
    free(canon);
    return found;
}

/* At unload: the driver's devices and the links it made, reported and removed. */
void ke_io_driver_unloaded(PDRIVER_OBJECT object, struct ke_pool *pool)
{
    for (;;) {
        pthread_mutex_lock(&ke_io_lock);
        PDEVICE_OBJECT o = object->DeviceObject;
        while (o != NULL && CONTAINING_RECORD(o, struct ke_device, object)->site == NULL)
            o = o->NextDevice; /* NDIS's own (an adapter's FDO): its owner deletes it */
        bool in_use = false;
        if (o != NULL) {
            ke_device_unlink(o);
            struct ke_device *d = CONTAINING_RECORD(o, struct ke_device, object);
            in_use = d->deleted = d->opens != 0;
        }
        pthread_mutex_unlock(&ke_io_lock);
        if (o == NULL)
            break;
        struct ke_device *d = CONTAINING_RECORD(o, struct ke_device, object);
        char name[128] = "(unnamed)";
        for (size_t i = 0; d->name && d->name[i] && i + 1 < sizeof name; i++)
            name[i] = d->name[i] < 0x80 ? (char)d->name[i] : '?', name[i + 1] = 0;
        vf_violation(VF_DEVICE_NOT_DELETED, "DriverUnload", d->site,
                     "device object %s, created here, still exists at unload (IoDeleteDevice or NdisDeregisterDeviceEx)",
                     name);
        if (!in_use)
            ke_device_free(d);
    }
    for (;;) {
        struct ke_symlink *l = NULL;
        pthread_mutex_lock(&ke_io_lock);
        for (PLIST_ENTRY e = ke_io_links.Flink; e != &ke_io_links && l == NULL; e = e->Flink) {
            struct ke_symlink *c = CONTAINING_RECORD(e, struct ke_symlink, link);
            if (pool != NULL && c->pool == pool)
                l = c;
        }
        if (l != NULL)
            RemoveEntryList(&l->link);
        pthread_mutex_unlock(&ke_io_lock);
        if (l == NULL)
            break;
        char name[128] = "";
        for (size_t i = 0; l->name[i] && i + 1 < sizeof name; i++)
            name[i] = l->name[i] < 0x80 ? (char)l->name[i] : '?', name[i + 1] = 0;
        vf_violation(VF_SYMLINK_NOT_DELETED, "DriverUnload", l->site,
                     "symbolic link %s, created here, still exists at unload (IoDeleteSymbolicLink)", name);
        free(l->name);
        free(l->target);
        free(l);
    }
}

static size_t ke_name_put(char *out, size_t cap, size_t at, const WCHAR *w)
{
    for (; w != NULL && *w && at + 1 < cap; w++)
        out[at++] = *w < 0x80 && *w >= 0x20 ? (char)*w : '?';
    if (at < cap)
        out[at] = 0;
    return at;
}

size_t ke_io_describe(char *out, size_t cap)
{
    size_t at = 0;
    if (cap == 0)
        return 0;
    out[0] = 0;
    pthread_mutex_lock(&ke_io_lock);
    for (PLIST_ENTRY e = ke_io_devices.Flink; e != &ke_io_devices && at + 64 < cap; e = e->Flink) {
        struct ke_device *d = CONTAINING_RECORD(e, struct ke_device, link);
        if (d->name == NULL)
            continue; /* nothing can open an unnamed device */
        at = ke_name_put(out, cap, at, d->name);
        for (PLIST_ENTRY l = ke_io_links.Flink; l != &ke_io_links && at + 64 < cap; l = l->Flink) {
            struct ke_symlink *s = CONTAINING_RECORD(l, struct ke_symlink, link);
            if (ke_name_equal(s->target, d->name)) {
                at = ke_name_put(out, cap, at, u"  link ");
                at = ke_name_put(out, cap, at, s->name);
            }
        }
        int n = snprintf(out + at, cap - at, "  open %u%s\n", d->opens,
                         d->object.Flags & DO_EXCLUSIVE ? "  exclusive" : "");
        at = n < 0 || (size_t)n >= cap - at ? cap - 1 : at + (size_t)n;
    }
    pthread_mutex_unlock(&ke_io_lock);
    return at < cap ? at : cap - 1;
}

void ke_io_links_each(void (*fn)(const char *link, void *arg), void *arg)
{
    pthread_mutex_lock(&ke_io_lock);
    for (PLIST_ENTRY l = ke_io_links.Flink; l != &ke_io_links; l = l->Flink) {
        struct ke_symlink *s = CONTAINING_RECORD(l, struct ke_symlink, link);
        char name[256];
        if (ke_device_named(s->target) == NULL)
            continue;
        ke_name_put(name, sizeof name, 0, s->name);
        fn(name, arg);
    }
    pthread_mutex_unlock(&ke_io_lock);
}

/* Device properties come from a bus driver's PnP enumeration, which OpenNDIS does not model:
 * the caller hears so and fails. */
NTKERNELAPI NTSTATUS IoGetDeviceProperty(PDEVICE_OBJECT DeviceObject, DEVICE_REGISTRY_PROPERTY DeviceProperty,
                                         ULONG BufferLength, PVOID PropertyBuffer, PULONG ResultLength)
{
    (void)DeviceObject, (void)DeviceProperty, (void)BufferLength, (void)PropertyBuffer;
    if (ResultLength)
        *ResultLength = 0;
    return ke_unsupported("IoGetDeviceProperty", "OpenNDIS enumerates no bus, so no device has PnP properties",
                          VF_CALLER);
}
