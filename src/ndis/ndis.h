/* OpenNDIS NDIS layer: internal interfaces between its areas. */
#ifndef OPENNDIS_NDIS_INTERNAL_H
#define OPENNDIS_NDIS_INTERNAL_H

#include <stdbool.h>

#include <ndis.h>

#include "../loader/ld.h"

struct json_object;

/* One NdisMRegisterMiniportDriver: its handle points here. Kept (marked deregistered)
 * until the image is freed so that a second deregistration is recognised, not a crash. */
struct ndis_driver {
    uint32_t magic;
    struct ndis_driver *next;     /* in image->registrations */
    struct ndis_driver *all_next; /* in the list of every live handle */
    struct ld_image *image;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars; /* NDIS's own copy, zero beyond Header.Size */
    NDIS_HANDLE context;                        /* MiniportDriverContext */
    bool deregistered;
    bool unload_called;
    const void *register_site;
    const void *deregister_site;
};

/* driver.c */
/* NdisMRegisterMiniportDriver's checks of the characteristics, in their documented order.
 * Returns NDIS_STATUS_SUCCESS or the status to fail with, and says why in `why`. */
OPENNDIS_API NDIS_STATUS ndis_check_characteristics(const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c,
                                                    char *why, size_t len);
/* The loader reports DriverEntry's return; the seed's rules are checked here. */
void ndis_driver_entry_returned(struct ld_image *image, NTSTATUS status);
/* Called by the loader before it unmaps the image (after unload or a failed DriverEntry). */
void ndis_driver_release(struct ld_image *image);
/* The driver handle `handle`, or NULL when it is not one (never dereferences it). */
struct ndis_driver *ndis_driver_from_handle(NDIS_HANDLE handle);
OPENNDIS_API struct json_object *ndis_registrations_json(const struct ld_image *image);

OPENNDIS_API struct json_object *ndis_exports_json(void);

/* version.c: the NDIS version OpenNDIS reports and accepts (default 6.89). */
OPENNDIS_API bool ndis_set_version(unsigned major, unsigned minor);
OPENNDIS_API void ndis_get_version(unsigned *major, unsigned *minor);
OPENNDIS_API bool ndis_minor_version_known(unsigned minor);

/* status.c */
OPENNDIS_API const char *ndis_status_name(NDIS_STATUS status);
OPENNDIS_API bool ndis_status_from_name(const char *name, NDIS_STATUS *out);

#endif /* OPENNDIS_NDIS_INTERNAL_H */
