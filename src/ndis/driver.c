/* Miniport driver registration: NdisMRegisterMiniportDriver, NdisMDeregisterMiniportDriver
 * and the seed page's rules around them (register in DriverEntry, deregister on every
 * failure after a successful registration and in MiniportDriverUnload).
 *
 * The checks of NdisMRegisterMiniportDriver run in a fixed order (docs/registration.md):
 *   IRQL, pointers, calling context, Header.Type, Header.Revision, Header.Size,
 *   MajorNdisVersion, MinorNdisVersion, revision vs version, required handlers,
 *   handler pairs, Flags, second registration, resources, MiniportSetOptions. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>


#include "ndis.h"

#define NDIS_DRIVER_MAGIC 0x4e444456u /* "NDDV" */

/* Guards the list of driver blocks and each block's registrations. */
static pthread_mutex_t ndis_driver_lock = PTHREAD_MUTEX_INITIALIZER;

struct ndis_handler_field {
    size_t offset;
    const char *field;
    const char *role;
    unsigned char revision; /* characteristics revision that introduced it */
    bool required;
};

#define NDIS_HANDLER(field, role, type, rev, req) \
    { offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, field), #field, #role, rev, req },
static const struct ndis_handler_field ndis_handlers[] = {
#include <ndis/miniport_handlers.def>
};
#undef NDIS_HANDLER

static const size_t ndis_revision_size[] = {
    0,
    NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1,
    NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2,
    NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3,
};

static const void *ndis_handler_at(const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c,
                                   const struct ndis_handler_field *h)
{
    const void *p;
    memcpy(&p, (const char *)c + h->offset, sizeof p);
    return p;
}

/* The newest characteristics revision an NDIS 6.minor driver can use. */
static unsigned ndis_max_revision(unsigned minor)
{
    return minor >= 80 ? 3 : minor >= 1 ? 2 : 1;
}

NDIS_STATUS ndis_check_characteristics(const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c, char *why,
                                       size_t len)
{
    const unsigned rev = c->Header.Revision;
    unsigned major, minor;

    if (c->Header.Type != NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS) {
        snprintf(why, len, "Header.Type is 0x%02X, not NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS (0x8A)",
                 c->Header.Type);
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (rev < 1 || rev > 3) {
        snprintf(why, len, "Header.Revision is %u; NDIS_MINIPORT_DRIVER_CHARACTERISTICS has revisions 1, 2 and 3", rev);
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (c->Header.Size < ndis_revision_size[rev]) {
        snprintf(why, len, "Header.Size is %u; revision %u needs NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_%u (%zu)",
                 c->Header.Size, rev, rev, ndis_revision_size[rev]);
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (c->MajorNdisVersion != 6) {
        snprintf(why, len, "MajorNdisVersion is %u; an NDIS 6 miniport must say 6", c->MajorNdisVersion);
        return NDIS_STATUS_BAD_VERSION;
    }
    if (!ndis_minor_version_known(c->MinorNdisVersion)) {
        snprintf(why, len, "MinorNdisVersion %u is not an NDIS 6 version (0, 1, 20, 30, 40, 50, 51, 60, 70, 80-89)",
                 c->MinorNdisVersion);
        return NDIS_STATUS_BAD_VERSION;
    }
    ndis_get_version(&major, &minor);
    if (c->MinorNdisVersion > minor) {
        snprintf(why, len, "the driver is built for NDIS 6.%u but OpenNDIS emulates NDIS %u.%u; emulate NDIS 6.%u or "
                 "later to load it", c->MinorNdisVersion, major, minor, c->MinorNdisVersion);
        return NDIS_STATUS_BAD_VERSION;
    }
    if (rev > ndis_max_revision(c->MinorNdisVersion)) {
        snprintf(why, len, "Header.Revision %u describes the NDIS %s structure but MinorNdisVersion says NDIS 6.%u",
                 rev, rev == 3 ? "6.80" : "6.1", c->MinorNdisVersion);
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    for (size_t i = 0; i < sizeof ndis_handlers / sizeof ndis_handlers[0]; i++) {
        const struct ndis_handler_field *h = &ndis_handlers[i];
        if (h->required && ndis_handler_at(c, h) == NULL) {
            snprintf(why, len, "%s is NULL; every NDIS 6 miniport must provide %s", h->field, h->role);
            return NDIS_STATUS_BAD_CHARACTERISTICS;
        }
    }
    if (c->CheckForHangHandlerEx != NULL && c->ResetHandlerEx == NULL) {
        snprintf(why, len, "CheckForHangHandlerEx is set but ResetHandlerEx is NULL; MiniportResetEx is required with MiniportCheckForHangEx");
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (rev >= 2 && (c->DirectOidRequestHandler == NULL) != (c->CancelDirectOidRequestHandler == NULL)) {
        snprintf(why, len, "only one of DirectOidRequestHandler and CancelDirectOidRequestHandler is set; they come as a pair");
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (c->Flags & ~(ULONG)(NDIS_INTERMEDIATE_DRIVER | NDIS_WDM_DRIVER)) {
        snprintf(why, len, "Flags 0x%08X sets bits other than NDIS_INTERMEDIATE_DRIVER and NDIS_WDM_DRIVER%s",
                 c->Flags, (c->Flags & NDIS_DRIVER_FLAGS_RESERVED) ? " (NDIS_DRIVER_FLAGS_RESERVED is reserved)" : "");
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    return NDIS_STATUS_SUCCESS;
}

struct ndis_driver *ndis_driver_from_handle(NDIS_HANDLE handle)
{
    return ndis_handle_kind(handle) == NDIS_HANDLE_DRIVER ? handle : NULL;
}

static const char *ndis_status_text(NDIS_STATUS status, char buf[64])
{
    const char *name = ndis_status_name(status);
    snprintf(buf, 64, "%s (0x%08X)", name ? name : "status", (unsigned)status);
    return buf;
}

static void ndis_unload_dispatch(PDRIVER_OBJECT object);

static struct ndis_driver_block *ndis_blocks;

/* The block of the driver `object`, or NULL if NDIS never heard of it (never dereferences
 * `object`: a driver may pass anything). */
static struct ndis_driver_block *ndis_block_of(PDRIVER_OBJECT object)
{
    struct ndis_driver_block *found = NULL;
    pthread_mutex_lock(&ndis_driver_lock);
    for (struct ndis_driver_block *b = ndis_blocks; b && !found; b = b->next)
        if (b->object == object)
            found = b;
    pthread_mutex_unlock(&ndis_driver_lock);
    return found;
}

struct ndis_driver *ndis_registration_of(PDRIVER_OBJECT object)
{
    struct ndis_driver_block *b = ndis_block_of(object);
    for (struct ndis_driver *d = b ? b->registrations : NULL; d; d = d->next)
        if (!d->deregistered && !(d->chars.Flags & NDIS_INTERMEDIATE_DRIVER))
            return d;
    return NULL;
}

static void ndis_driver_unlink(struct ndis_driver *d)
{
    pthread_mutex_lock(&ndis_driver_lock);
    for (struct ndis_driver **p = &d->block->registrations; *p; p = &(*p)->next)
        if (*p == d) {
            *p = d->next;
            break;
        }
    pthread_mutex_unlock(&ndis_driver_lock);
    ndis_handle_remove(d);
}

static void ndis_driver_free(struct ndis_driver *d)
{
    pthread_rwlock_destroy(&d->adapters_lock);
    d->magic = 0;
    free(d);
}

NDISAPI NDIS_STATUS NdisMRegisterMiniportDriver(PDRIVER_OBJECT DriverObject,
                                                PUNICODE_STRING RegistryPath,
                                                NDIS_HANDLE MiniportDriverContext,
                                                PNDIS_MINIPORT_DRIVER_CHARACTERISTICS chars,
                                                PNDIS_HANDLE NdisMiniportDriverHandle)
{
    static const char fn[] = "NdisMRegisterMiniportDriver";
    const void *site = VF_CALLER;
    char why[320], st[64];

    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;

    struct ndis_driver_block *block = ndis_block_of(DriverObject);
    if (block == NULL || RegistryPath == NULL || NdisMiniportDriverHandle == NULL) {
        vf_violation(VF_REGISTER_BAD_ARGUMENT, fn, site, "%s is %s", 
                     block == NULL ? "DriverObject" : RegistryPath == NULL ? "RegistryPath" : "NdisMiniportDriverHandle",
                     block == NULL && DriverObject != NULL ? "not the DRIVER_OBJECT DriverEntry received" : "NULL");
        return NDIS_STATUS_FAILURE;
    }
    if (chars == NULL) {
        vf_violation(VF_REGISTER_BAD_ARGUMENT, fn, site, "MiniportDriverCharacteristics is NULL");
        return NDIS_STATUS_BAD_CHARACTERISTICS;
    }
    if (!block->in_entry || block->in_register) {
        vf_violation(VF_REGISTER_OUT_OF_CONTEXT, fn, site, "called %s; NDIS 6 miniports register only from DriverEntry",
                     block->in_register ? "from MiniportSetOptions" : "after DriverEntry returned");
        return NDIS_STATUS_FAILURE;
    }

    NDIS_STATUS status = ndis_check_characteristics(chars, why, sizeof why);
    if (status != NDIS_STATUS_SUCCESS) {
        vf_violation(VF_CHARACTERISTICS_INVALID, fn, site, "returned %s: %s", ndis_status_text(status, st), why);
        return status;
    }

    const bool intermediate = (chars->Flags & NDIS_INTERMEDIATE_DRIVER) != 0;
    for (struct ndis_driver *d = block->registrations; d; d = d->next)
        if (!d->deregistered && ((d->chars.Flags & NDIS_INTERMEDIATE_DRIVER) != 0) == intermediate) {
            vf_violation(VF_REGISTER_TWICE, fn, site, "the driver already registered%s; only a miniport-intermediate driver registers a second time, with NDIS_INTERMEDIATE_DRIVER",
                         intermediate ? " an intermediate miniport" : "");
            return NDIS_STATUS_FAILURE;
        }

    struct ndis_driver *d = vf_fault_inject(fn, site) ? NULL : calloc(1, sizeof *d);
    if (d == NULL)
        return NDIS_STATUS_RESOURCES;
    /* NDIS keeps its own copy: the caller's structure may live on DriverEntry's stack. */
    memcpy(&d->chars, chars, ndis_revision_size[chars->Header.Revision]);
    pthread_rwlock_init(&d->adapters_lock, NULL);
    d->magic = NDIS_DRIVER_MAGIC;
    d->block = block;
    d->context = MiniportDriverContext;
    d->register_site = site;

    pthread_mutex_lock(&ndis_driver_lock);
    struct ndis_driver **tail = &block->registrations;
    while (*tail)
        tail = &(*tail)->next;
    *tail = d;
    pthread_mutex_unlock(&ndis_driver_lock);
    if (!ndis_handle_add(d, NDIS_HANDLE_DRIVER)) {
        ndis_driver_unlink(d);
        ndis_driver_free(d);
        return NDIS_STATUS_RESOURCES;
    }

    if (d->chars.SetOptionsHandler != NULL) {
        block->in_register = true;
        status = KE_DRIVER_CALL(d->chars.SetOptionsHandler, (NDIS_HANDLE)d, MiniportDriverContext);
        ke_irql_after_handler(PASSIVE_LEVEL, "MiniportSetOptions", (const void *)d->chars.SetOptionsHandler);
        block->in_register = false;
        if (status != NDIS_STATUS_SUCCESS) {
            if (NT_SUCCESS(status)) {
                vf_report(VF_SET_OPTIONS_STATUS, "MiniportSetOptions", (const void *)d->chars.SetOptionsHandler, true,
                          "MiniportSetOptions returned %s; it completes synchronously with SUCCESS or a failure status",
                          ndis_status_text(status, st));
                status = NDIS_STATUS_FAILURE;
            }
            ndis_driver_unlink(d);
            ndis_driver_free(d);
            return status;
        }
    }

    /* The I/O manager's unload call now reaches NDIS, which calls MiniportDriverUnload. */
    DriverObject->DriverUnload = ndis_unload_dispatch;
    ndis_device_take_dispatch(DriverObject); /* and IRPs reach the devices' NdisRegisterDeviceEx tables */
    *NdisMiniportDriverHandle = (NDIS_HANDLE)d;
    return NDIS_STATUS_SUCCESS;
}

/* From MiniportSetOptions only. The PnP characteristics are kept: NDIS then calls
 * MiniportAddDevice before each MiniportInitializeEx and MiniportRemoveDevice after the halt
 * (adapter.c). The resource handlers (MiniportFilterResourceRequirements,
 * MiniportStartDevice) are kept and not called: a virtual adapter has no resources. The
 * other structures (selective suspend, NDK, connection-oriented, shared memory provider)
 * are not supported and say so. */
NDISAPI NDIS_STATUS NdisSetOptionalHandlers(NDIS_HANDLE NdisHandle, PNDIS_DRIVER_OPTIONAL_HANDLERS OptionalHandlers)
{
    static const char fn[] = "NdisSetOptionalHandlers";
    const void *site = VF_CALLER;
    if (!ke_irql_at_most(PASSIVE_LEVEL, fn, site))
        return NDIS_STATUS_FAILURE;
    struct ndis_driver *d = ndis_driver_from_handle(NdisHandle);
    if (d == NULL) {
        vf_violation(VF_INVALID_HANDLE, fn, site, "NdisHandle %p is not the NdisDriverHandle MiniportSetOptions received",
                     NdisHandle);
        return NDIS_STATUS_FAILURE;
    }
    if (!d->block->in_register) {
        vf_violation(VF_REGISTER_OUT_OF_CONTEXT, fn, site, "called outside MiniportSetOptions, where miniports call it");
        return NDIS_STATUS_FAILURE;
    }
    if (OptionalHandlers == NULL) {
        vf_violation(VF_CHARACTERISTICS_INVALID, fn, site, "OptionalHandlers is NULL");
        return NDIS_STATUS_FAILURE;
    }
    const NDIS_OBJECT_HEADER *h = &OptionalHandlers->Header;
    if (h->Type != NDIS_OBJECT_TYPE_MINIPORT_PNP_CHARACTERISTICS) {
        char why[96];
        snprintf(why, sizeof why, "optional handlers of Header.Type 0x%02X; only the PnP characteristics (0x%02X) are",
                 h->Type, NDIS_OBJECT_TYPE_MINIPORT_PNP_CHARACTERISTICS);
        ke_unsupported(fn, why, site);
        return NDIS_STATUS_NOT_SUPPORTED;
    }
    const NDIS_MINIPORT_PNP_CHARACTERISTICS *pnp = (const NDIS_MINIPORT_PNP_CHARACTERISTICS *)OptionalHandlers;
    if (h->Revision < NDIS_MINIPORT_PNP_CHARACTERISTICS_REVISION_1 ||
        h->Size < NDIS_SIZEOF_MINIPORT_PNP_CHARACTERISTICS_REVISION_1) {
        vf_violation(VF_CHARACTERISTICS_INVALID, fn, site,
                     "NDIS_MINIPORT_PNP_CHARACTERISTICS has Revision %u and Size %u; revision 1 is %u bytes",
                     h->Revision, h->Size, (unsigned)NDIS_SIZEOF_MINIPORT_PNP_CHARACTERISTICS_REVISION_1);
        return NDIS_STATUS_FAILURE;
    }
    /* only MiniportStartDevice is documented as optional */
    const char *missing = pnp->MiniportAddDeviceHandler == NULL      ? "MiniportAddDeviceHandler"
                          : pnp->MiniportRemoveDeviceHandler == NULL ? "MiniportRemoveDeviceHandler"
                          : pnp->MiniportFilterResourceRequirementsHandler == NULL
                              ? "MiniportFilterResourceRequirementsHandler"
                              : NULL;
    if (missing != NULL) {
        vf_violation(VF_CHARACTERISTICS_INVALID, fn, site,
                     "NDIS_MINIPORT_PNP_CHARACTERISTICS has no %s; only MiniportStartDeviceHandler may be NULL", missing);
        return NDIS_STATUS_FAILURE;
    }
    memset(&d->pnp, 0, sizeof d->pnp);
    memcpy(&d->pnp, pnp, NDIS_SIZEOF_MINIPORT_PNP_CHARACTERISTICS_REVISION_1);
    return NDIS_STATUS_SUCCESS;
}

NDISAPI VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE NdisMiniportDriverHandle)
{
    static const char fn[] = "NdisMDeregisterMiniportDriver";
    const void *site = VF_CALLER;

    ke_irql_at_most(PASSIVE_LEVEL, fn, site);
    if (NdisMiniportDriverHandle == NULL) {
        vf_violation(VF_DEREGISTER_BAD_HANDLE, fn, site, "called with a NULL handle");
        return;
    }
    struct ndis_driver *d = ndis_driver_from_handle(NdisMiniportDriverHandle);
    if (d == NULL) {
        vf_violation(VF_DEREGISTER_BAD_HANDLE, fn, site,
                     "%p is not a handle NdisMRegisterMiniportDriver returned to this driver", NdisMiniportDriverHandle);
        return;
    }
    if (d->deregistered) {
        struct vf_location first;
        char where[300];
        vf_locate(d->deregister_site, true, &first);
        vf_location_format(&first, where, sizeof where);
        vf_violation(VF_DEREGISTER_TWICE, fn, site, "the driver handle was already deregistered (at %s)", where);
        return;
    }

    struct ndis_driver_block *block = d->block;
    const bool in_entry = block->in_entry && !block->in_register;
    if (!in_entry && !block->in_unload)
        vf_violation(VF_DEREGISTER_OUT_OF_CONTEXT, fn, site, "called %s; deregister only on DriverEntry's failure path or in MiniportDriverUnload",
                     block->in_register ? "from MiniportSetOptions, inside NdisMRegisterMiniportDriver"
                                        : "after DriverEntry returned, outside MiniportDriverUnload");
    d->deregistered = true;
    d->deregister_site = site;
}

/* DriverEntry returned: the registration rules that depend on its status. */
static void ndis_driver_entry_returned(PDRIVER_OBJECT object, NTSTATUS status)
{
    struct ndis_driver_block *block = ndis_block_of(object);
    if (block == NULL)
        return;
    block->in_entry = false;
    char st[64], where[300];
    struct vf_location loc;
    bool live = false, deregistered_in_entry = false;

    for (struct ndis_driver *d = block->registrations; d; d = d->next) {
        if (!NT_SUCCESS(status) && !d->deregistered) {
            vf_locate(d->register_site, true, &loc);
            vf_location_format(&loc, where, sizeof where);
            vf_report(VF_DEREGISTER_ON_ENTRY_FAILURE, "DriverEntry", (const void *)object->DriverInit, true,
                      "DriverEntry returned %s after NdisMRegisterMiniportDriver succeeded (at %s) without calling NdisMDeregisterMiniportDriver; OpenNDIS deregistered the driver itself",
                      ndis_status_text(status, st), where);
            d->deregistered = true; /* clean up in the driver's place */
        }
        live |= !d->deregistered;
        deregistered_in_entry |= d->deregistered;
    }
    if (!NT_SUCCESS(status) || live)
        return;
    if (deregistered_in_entry) {
        for (struct ndis_driver *d = block->registrations; d; d = d->next)
            vf_violation(VF_DEREGISTER_OUT_OF_CONTEXT, "NdisMDeregisterMiniportDriver", d->deregister_site,
                         "deregistered during DriverEntry, which then returned %s: a deregistered driver cannot be loaded",
                         ndis_status_text(status, st));
    } else {
        vf_report(VF_ENTRY_SUCCESS_UNREGISTERED, "DriverEntry", (const void *)object->DriverInit, true,
                  "DriverEntry returned %s without a successful NdisMRegisterMiniportDriver",
                  ndis_status_text(status, st));
    }
}

/* NDIS's DriverUnload: call MiniportDriverUnload once per distinct handler, then check
 * that every registration was deregistered there. */
static void ndis_unload_dispatch(PDRIVER_OBJECT object)
{
    struct ndis_driver_block *block = ndis_block_of(object);
    if (block == NULL)
        return;

    /* MiniportDriverUnload runs only after every adapter was halted. */
    for (struct ndis_driver *d = block->registrations; d; d = d->next)
        ndis_driver_halt_adapters(d);
    for (struct ndis_driver *d = block->registrations; d; d = d->next) {
        MINIPORT_DRIVER_UNLOAD unload = d->chars.UnloadHandler;
        if (d->unload_called || d->deregistered || unload == NULL)
            continue; /* NDIS has nothing to unload for a registration already gone */
        for (struct ndis_driver *same = d; same; same = same->next)
            if (same->chars.UnloadHandler == unload)
                same->unload_called = true;
        KE_DRIVER_CALL(unload, object);
        ke_irql_after_handler(PASSIVE_LEVEL, "MiniportDriverUnload", (const void *)unload);
    }
    for (struct ndis_driver *d = block->registrations; d; d = d->next)
        if (!d->deregistered) {
            vf_report(VF_UNLOAD_DEREGISTERS, "MiniportDriverUnload", (const void *)d->chars.UnloadHandler, true,
                      "MiniportDriverUnload returned without calling NdisMDeregisterMiniportDriver; OpenNDIS deregistered the driver itself");
            d->deregistered = true;
        }
}

/* The loader is about to release the driver's pool and unmap it: whatever registration is
 * left goes, and with it NDIS's block. */
static void ndis_driver_unloaded(PDRIVER_OBJECT object)
{
    struct ndis_driver_block *block = ndis_block_of(object);
    if (block == NULL)
        return;
    while (block->registrations) {
        struct ndis_driver *d = block->registrations;
        ndis_driver_unlink(d);
        if (!d->deregistered)
            vf_report(VF_UNLOAD_DEREGISTERS, "DriverUnload", (const void *)object->DriverUnload, true,
                      "the driver was unloaded while still registered (its DriverUnload routine bypassed NDIS's, so MiniportDriverUnload never ran)");
        ndis_driver_free(d);
    }
    pthread_mutex_lock(&ndis_driver_lock);
    for (struct ndis_driver_block **p = &ndis_blocks; *p; p = &(*p)->next)
        if (*p == block) {
            *p = block->next;
            break;
        }
    pthread_mutex_unlock(&ndis_driver_lock);
    free(block);
}

/* DriverEntry is about to run: NDIS keeps the driver's state from here until it is unloaded. */
static void ndis_driver_entry_calling(PDRIVER_OBJECT object, struct ke_pool *pool)
{
    struct ndis_driver_block *block = ndis_block_of(object);
    if (block == NULL) {
        block = calloc(1, sizeof *block);
        if (block == NULL) {
            /* NdisMRegisterMiniportDriver will then refuse the DRIVER_OBJECT, in words */
            fprintf(stderr, "openndis: out of memory keeping NDIS's state for a driver\n");
            return;
        }
        block->object = object;
        block->pool = pool;
        pthread_mutex_lock(&ndis_driver_lock);
        block->next = ndis_blocks;
        ndis_blocks = block;
        pthread_mutex_unlock(&ndis_driver_lock);
    }
    block->in_entry = true;
}

static void ndis_driver_unload_calling(PDRIVER_OBJECT object)
{
    struct ndis_driver_block *block = ndis_block_of(object);
    if (block != NULL)
        block->in_unload = true;
}

static const struct ke_driver_events ndis_driver_events = {
    .entry_calling = ndis_driver_entry_calling,
    .entry_returned = ndis_driver_entry_returned,
    .unload_calling = ndis_driver_unload_calling,
    .unloaded = ndis_driver_unloaded,
};

/* NDIS listens from the start: every program that links the runtime loads drivers through
 * the loader, which knows nothing of NDIS. */
__attribute__((constructor)) static void ndis_driver_listen(void)
{
    ke_driver_listen(&ndis_driver_events);
}

_Static_assert(sizeof ndis_handlers / sizeof ndis_handlers[0] <= NDIS_HANDLER_ROLES_MAX,
               "raise NDIS_HANDLER_ROLES_MAX");

void ndis_registrations_each(PDRIVER_OBJECT object,
                             void (*fn)(const struct ndis_registration_info *r, void *arg), void *arg)
{
    struct ndis_driver_block *block = ndis_block_of(object);
    for (const struct ndis_driver *d = block ? block->registrations : NULL; d; d = d->next) {
        struct ndis_registration_info r = { .chars = &d->chars, .deregistered = d->deregistered };
        for (size_t i = 0; i < sizeof ndis_handlers / sizeof ndis_handlers[0]; i++) {
            const struct ndis_handler_field *h = &ndis_handlers[i];
            if (h->revision > d->chars.Header.Revision)
                continue;
            if (ndis_handler_at(&d->chars, h))
                r.present[r.npresent++] = h->role;
            else
                r.absent[r.nabsent++] = h->role;
        }
        const struct {
            const void *handler;
            const char *role;
        } pnp[] = { { (const void *)d->pnp.MiniportAddDeviceHandler, "MiniportAddDevice" },
                    { (const void *)d->pnp.MiniportRemoveDeviceHandler, "MiniportRemoveDevice" },
                    { (const void *)d->pnp.MiniportFilterResourceRequirementsHandler,
                      "MiniportFilterResourceRequirements" },
                    { (const void *)d->pnp.MiniportStartDeviceHandler, "MiniportStartDevice" } };
        for (size_t i = 0; i < sizeof pnp / sizeof pnp[0]; i++)
            if (pnp[i].handler != NULL)
                r.pnp[r.npnp++] = pnp[i].role;
        fn(&r, arg);
    }
}
