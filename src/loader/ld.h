/* OpenNDIS loader: a driver image, its DRIVER_OBJECT and its life from load to unload. */
#ifndef OPENNDIS_LD_H
#define OPENNDIS_LD_H

#include <stdbool.h>

#include <ndis.h>

#include "../kernel/ke.h"
#include "pe.h"

enum ld_phase {
    LD_LOADED,        /* mapped, DriverEntry not called yet */
    LD_IN_ENTRY,      /* inside DriverEntry */
    LD_RUNNING,       /* DriverEntry succeeded */
    LD_ENTRY_FAILED,  /* DriverEntry failed: the image is only waiting to be unmapped */
    LD_IN_UNLOAD,     /* inside the DriverUnload routine */
    LD_UNLOADED,
};

struct ld_image {
    DRIVER_OBJECT object; /* handed to the driver; what the layers above key their state by */
    DRIVER_EXTENSION extension;
    UNICODE_STRING registry_path;
    uint32_t magic;
    enum ld_phase phase;
    NTSTATUS entry_status;
    PDRIVER_INITIALIZE entry;
    void *dl;               /* a .so driver: its dlopen handle */
    struct ld_pe_mapping pe; /* a PE driver: its mapped image (pe.base NULL otherwise) */
    bool is_pe;
    char *path;
    char *name;             /* service name: the file name without directory and suffix */
    struct ke_pool pool;    /* driver-wide allocations */
    bool keep_mapped;       /* unload leaves the code mapped, so DriverEntry can run again */
};

/* Whether `path` can be loaded as a driver, decided from the file alone without running
 * any of it: a regular, complete 64-bit ELF shared object for this machine (not a program),
 * whose needed libraries are found and that exports DriverEntry; or a complete, undamaged
 * x64 PE driver image (native subsystem, an entry point, imports, NDIS 6). On false, `err` says why
 * and what to do. ld_load asks this first; `info --imports` asks the same. */
OPENNDIS_API bool ld_check(const char *path, char *err, size_t errlen);
/* Whether the file at `path` starts like a PE image (ld_check then judges it as one). */
OPENNDIS_API bool ld_is_pe_file(const char *path);
/* Whether an import that nothing provides names one of OpenNDIS's own host functions (a
 * layer prefix: ndis_, ke_, ld_, vf_, edge_, ...). The driver interface is Windows names and
 * openndis_* helpers only, so such a driver reached for internals. */
OPENNDIS_API bool ld_host_only_name(const char *name);
/* Maps the driver and resolves DriverEntry. On failure returns NULL and a message. */
OPENNDIS_API struct ld_image *ld_load(const char *path, char *err, size_t errlen);
/* Calls DriverEntry at PASSIVE_LEVEL with the image's DRIVER_OBJECT and registry path. */
OPENNDIS_API NTSTATUS ld_driver_entry(struct ld_image *image);
/* Calls the image's DriverUnload (if DriverEntry succeeded), checks what the driver left
 * behind, unmaps it. Returns false when the driver could not be unloaded (no unload routine). */
OPENNDIS_API bool ld_unload(struct ld_image *image);
OPENNDIS_API void ld_free(struct ld_image *image);
/* Makes ld_unload leave the image mapped, so that ld_driver_entry may start it again with
 * its static data as the last life left it (benchmarks; Windows reloads instead). */
OPENNDIS_API void ld_keep_mapped(struct ld_image *image);
/* The image that owns `object`, or NULL if OpenNDIS did not create it. */
struct ld_image *ld_image_from_object(PDRIVER_OBJECT object);
/* The loaded driver whose code contains `address` (a call site), or NULL. */
struct ld_image *ld_image_containing(const void *address);
OPENNDIS_API const char *ld_phase_name(enum ld_phase phase);

/* Puts the PE exception dispatcher back in front of the process's fault handlers when a PE
 * image with exception data is loaded: a crash handler installed after the load (a
 * supervised child forked from the process that loaded the driver) would otherwise take the
 * image's faults before its __except blocks see them. */
OPENNDIS_API void ld_pe_faults_rearm(void);

#endif /* OPENNDIS_LD_H */
