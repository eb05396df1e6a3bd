/* Loading a native driver: a shared object built from WDK-style source against OpenNDIS's
 * headers. The loader plays the I/O manager: it builds the DRIVER_OBJECT and the registry
 * path, calls DriverEntry and later DriverUnload. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ld.h"

#define LD_IMAGE_MAGIC 0x4c44494du /* "LDIM" */

static pthread_mutex_t ld_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ld_image_node {
    struct ld_image *image;
    struct ld_image_node *next;
} *ld_images;

const char *ld_phase_name(enum ld_phase phase)
{
    static const char *const names[] = { "loaded", "DriverEntry", "running", "DriverEntry failed",
                                         "DriverUnload", "unloaded" };
    return (unsigned)phase < sizeof names / sizeof names[0] ? names[phase] : "?";
}

struct ld_image *ld_image_from_object(PDRIVER_OBJECT object)
{
    struct ld_image *found = NULL;
    pthread_mutex_lock(&ld_lock);
    for (struct ld_image_node *n = ld_images; n; n = n->next)
        if (&n->image->object == object)
            found = n->image;
    pthread_mutex_unlock(&ld_lock);
    return found;
}

/* ke_pool_of_site: allocations from a driver's code are charged to that driver. */
static struct ke_pool *ld_pool_of_site(const void *site)
{
    struct ld_image *image = ld_image_containing(site);
    return image != NULL ? &image->pool : NULL;
}

struct ld_image *ld_image_containing(const void *address)
{
    Dl_info info;
    struct ld_image *found = NULL;
    if (address == NULL)
        return NULL;
    if (ke_ms_abi_code(address)) { /* a PE image: its mapped range, which dladdr does not know */
        pthread_mutex_lock(&ld_lock);
        for (struct ld_image_node *n = ld_images; n; n = n->next)
            if (n->image->pe.base != NULL && (const uint8_t *)address >= n->image->pe.base &&
                (const uint8_t *)address < n->image->pe.base + n->image->pe.size)
                found = n->image;
        pthread_mutex_unlock(&ld_lock);
        return found;
    }
    if (dladdr(address, &info) == 0)
        return NULL;
    pthread_mutex_lock(&ld_lock);
    for (struct ld_image_node *n = ld_images; n; n = n->next)
        if (n->image->object.DriverStart == info.dli_fbase)
            found = n->image;
    pthread_mutex_unlock(&ld_lock);
    return found;
}

/* The code point of the UTF-8 sequence at p and its length in *n, or -1 when it is not
 * valid UTF-8 (a stray or missing continuation byte, an overlong form, a surrogate). */
static long ld_utf8(const unsigned char *p, size_t *n)
{
    static const long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
    size_t len = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0)
        return -1;
    long c = len == 1 ? p[0] : p[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return -1;
        c = c << 6 | (p[i] & 0x3f);
    }
    if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
        return -1;
    *n = len;
    return c;
}

/* prefix + name in UTF-16 (name is valid UTF-8: ld_service_name made it so). */
static PWCH ld_widen(const char *prefix, const char *name, USHORT *bytes)
{
    size_t n = strlen(prefix) + strlen(name); /* UTF-16 never needs more units than UTF-8 bytes */
    PWCH w = calloc(n + 1, sizeof(WCHAR));
    if (w == NULL)
        return NULL;
    size_t i = 0, step;
    for (const char *p = prefix; *p; p++)
        w[i++] = (unsigned char)*p;
    for (const unsigned char *p = (const unsigned char *)name; *p; p += step) {
        long c = ld_utf8(p, &step);
        if (c >= 0x10000) { /* a surrogate pair */
            w[i++] = (WCHAR)(0xd800 + ((c - 0x10000) >> 10));
            w[i++] = (WCHAR)(0xdc00 + ((c - 0x10000) & 0x3ff));
        } else {
            w[i++] = (WCHAR)c;
        }
    }
    *bytes = (USHORT)(i * sizeof(WCHAR));
    return w;
}

/* The service name Windows would take from the file name "libname.so": "name", in UTF-8 as
 * Linux file names are. A control character (it would break report lines) or a byte that is
 * not UTF-8 (it has no UTF-16 form) becomes '_'. */
static char *ld_service_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strncmp(base, "lib", 3) == 0 && base[3] != '\0' && base[3] != '.')
        base += 3;
    size_t len = strcspn(base, ".");
    char *name = strndup(base, len ? len : strlen(base));
    size_t step;
    for (unsigned char *p = (unsigned char *)name; p && *p; p += step)
        if (*p < 0x20 || *p == 0x7f || ld_utf8(p, &step) < 0) {
            *p = '_';
            step = 1;
        }
    return name;
}

static struct ld_image *ld_load_pe(const char *path, char *err, size_t errlen);
static struct ld_image *ld_new_image(const char *path, void *dl, const struct ld_pe_mapping *pe,
                                     PDRIVER_INITIALIZE entry, void *start, ULONG size, char *err, size_t errlen);

bool ld_host_only_name(const char *name)
{
    static const char *const prefixes[] = { "ndis_", "ke_", "ld_", "vf_", "edge_", "sv_", "port_" };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

struct ld_image *ld_load(const char *path, char *err, size_t errlen)
{
    if (!ld_check(path, err, errlen))
        return NULL;

    if (ld_is_pe_file(path))
        return ld_load_pe(path, err, errlen);
    /* dlopen searches the library path for a bare file name: give it the file itself. */
    char *resolved = realpath(path, NULL);
    void *dl = resolved ? dlopen(resolved, RTLD_NOW | RTLD_LOCAL) : NULL;
    free(resolved);
    if (dl == NULL) {
        const char *e = dlerror();
        const char *undef = e ? strstr(e, "undefined symbol: ") : NULL;
        const char *name = undef ? undef + strlen("undefined symbol: ") : NULL;
        if (name != NULL && ld_host_only_name(name))
            snprintf(err, errlen, "%s: the driver imports %s, one of OpenNDIS's own host functions, which drivers "
                     "cannot call (the driver interface is listed in docs/exports.md)", path, name);
        else if (name != NULL)
            snprintf(err, errlen, "%s: the driver imports %s, which OpenNDIS does not implement yet", path, name);
        else
            snprintf(err, errlen, "%s: cannot load: %s", path, e ? e : "unknown dlopen error");
        return NULL;
    }
    PDRIVER_INITIALIZE entry;
    *(void **)&entry = dlsym(dl, "DriverEntry");
    if (entry == NULL) {
        snprintf(err, errlen, "%s: no DriverEntry export (is this an NDIS driver? DriverEntry needs default visibility)", path);
        dlclose(dl);
        return NULL;
    }
    Dl_info info;
    if (dladdr((void *)entry, &info) == 0 || info.dli_fbase == NULL) {
        snprintf(err, errlen, "%s: cannot locate the loaded image", path);
        dlclose(dl);
        return NULL;
    }

    struct ld_image *image = ld_new_image(path, dl, NULL, entry, info.dli_fbase, 0, err, errlen);
    if (image == NULL)
        dlclose(dl);
    return image;
}

static atomic_uint ld_pe_with_pdata;

void ld_pe_faults_rearm(void)
{
    if (atomic_load(&ld_pe_with_pdata) != 0)
        ke_seh_arm();
}

/* A PE driver: mapped by pe.c, its code registered as Microsoft x64 ABI code. */
static struct ld_image *ld_load_pe(const char *path, char *err, size_t errlen)
{
    struct ld_pe_mapping m;
    if (!ld_pe_map(path, &m, err, errlen))
        return NULL;
    PDRIVER_INITIALIZE entry;
    *(void **)&entry = m.entry;
    const char *slash = strrchr(path, '/');
    ke_ms_abi_code_add(m.base, m.size, slash ? slash + 1 : path, m.pdata, m.pdata_size);
    if (m.pdata != NULL) {
        atomic_fetch_add(&ld_pe_with_pdata, 1); /* never lowered: arming again costs nothing */
        ke_seh_arm();                          /* its faults go to its own __except blocks first */
    }
    struct ld_image *image = ld_new_image(path, NULL, &m, entry, m.base, m.image_size, err, errlen);
    if (image == NULL) {
        ke_ms_abi_code_remove(m.base);
        ld_pe_unmap(&m);
    }
    return image;
}

static struct ld_image *ld_new_image(const char *path, void *dl, const struct ld_pe_mapping *pe,
                                     PDRIVER_INITIALIZE entry, void *start, ULONG size, char *err, size_t errlen)
{
    struct ld_image *image = calloc(1, sizeof *image);
    struct ld_image_node *node = calloc(1, sizeof *node);
    if (image == NULL || node == NULL || (image->path = strdup(path)) == NULL ||
        (image->name = ld_service_name(path)) == NULL)
        goto nomem;
    image->registry_path.Buffer =
        ld_widen("\\Registry\\Machine\\System\\CurrentControlSet\\Services\\", image->name,
                 &image->registry_path.Length);
    image->object.DriverName.Buffer = ld_widen("\\Driver\\", image->name, &image->object.DriverName.Length);
    image->extension.ServiceKeyName.Buffer = ld_widen("", image->name, &image->extension.ServiceKeyName.Length);
    if (!image->registry_path.Buffer || !image->object.DriverName.Buffer ||
        !image->extension.ServiceKeyName.Buffer)
        goto nomem;
    image->registry_path.MaximumLength = image->registry_path.Length + sizeof(WCHAR);
    image->object.DriverName.MaximumLength = image->object.DriverName.Length + sizeof(WCHAR);
    image->extension.ServiceKeyName.MaximumLength = image->extension.ServiceKeyName.Length + sizeof(WCHAR);

    image->magic = LD_IMAGE_MAGIC;
    image->dl = dl;
    if (pe != NULL) {
        image->pe = *pe;
        image->is_pe = true;
        /* Windows points DriverSection at its loader's record of the module (an undocumented
         * structure): here the loader's own record, opaque to the driver as there. */
        image->object.DriverSection = image;
    }
    image->object.DriverSize = size;
    image->entry = entry;
    image->phase = LD_LOADED;
    image->object.Type = IO_TYPE_DRIVER;
    image->object.Size = sizeof image->object;
    image->object.DriverStart = start;
    image->object.DriverExtension = &image->extension;
    image->object.DriverInit = entry;
    image->extension.DriverObject = &image->object;
    ke_pool_init(&image->pool);

    atomic_store(&ke_pool_of_site, ld_pool_of_site);
    pthread_mutex_lock(&ld_lock);
    node->image = image;
    node->next = ld_images;
    ld_images = node;
    pthread_mutex_unlock(&ld_lock);
    return image;

nomem:
    snprintf(err, errlen, "%s: out of memory", path);
    if (image) {
        free(image->path);
        free(image->name);
        free(image->registry_path.Buffer);
        free(image->object.DriverName.Buffer);
        free(image->extension.ServiceKeyName.Buffer);
    }
    free(image);
    free(node);
    return NULL;
}

NTSTATUS ld_driver_entry(struct ld_image *image)
{
    if (image->dl == NULL && image->pe.base == NULL)
        return STATUS_INVALID_DEVICE_STATE; /* unloaded and unmapped: load it again */
    image->phase = LD_IN_ENTRY;
    ke_driver_entry_calling(&image->object, &image->pool);
    ke_irql_at_most(PASSIVE_LEVEL, "DriverEntry", NULL); /* OpenNDIS's own bug if it fires */
    NTSTATUS status = KE_DRIVER_CALL(image->entry, &image->object, &image->registry_path);
    ke_irql_after_handler(PASSIVE_LEVEL, "DriverEntry", (const void *)image->entry);
    image->entry_status = status;
    image->phase = NT_SUCCESS(status) ? LD_RUNNING : LD_ENTRY_FAILED;
    ke_driver_entry_returned(&image->object, status);
    return status;
}

static void ld_unmap(struct ld_image *image)
{
    if (image->dl != NULL)
        dlclose(image->dl);
    image->dl = NULL;
    if (image->pe.base != NULL) {
        ke_ms_abi_code_remove(image->pe.base);
        ld_pe_unmap(&image->pe);
    }
}

bool ld_unload(struct ld_image *image)
{
    bool unloaded = true;
    const char *when = "after DriverEntry failed";

    if (image->phase == LD_RUNNING) {
        when = "when the driver unloaded";
        PDRIVER_UNLOAD unload = image->object.DriverUnload;
        if (unload != NULL) {
            image->phase = LD_IN_UNLOAD;
            ke_driver_unload_calling(&image->object);
            KE_DRIVER_CALL(unload, &image->object);
            ke_irql_after_handler(PASSIVE_LEVEL, "DriverUnload", (const void *)unload);
        } else {
            unloaded = false; /* Windows keeps a driver without an unload routine loaded */
        }
    }
    image->phase = LD_UNLOADED;
    ke_driver_unloaded(&image->object);
    ke_pool_release(&image->pool, when);
    if (!image->keep_mapped)
        ld_unmap(image);
    return unloaded;
}

void ld_keep_mapped(struct ld_image *image)
{
    image->keep_mapped = true;
}

void ld_free(struct ld_image *image)
{
    if (image == NULL)
        return;
    if (image->phase != LD_UNLOADED)
        ld_unload(image);
    pthread_mutex_lock(&ld_lock);
    for (struct ld_image_node **p = &ld_images; *p; p = &(*p)->next)
        if ((*p)->image == image) {
            struct ld_image_node *n = *p;
            *p = n->next;
            free(n);
            break;
        }
    pthread_mutex_unlock(&ld_lock);
    ld_unmap(image);
    free(image->path);
    free(image->name);
    free(image->registry_path.Buffer);
    free(image->object.DriverName.Buffer);
    free(image->extension.ServiceKeyName.Buffer);
    image->magic = 0;
    free(image);
}
