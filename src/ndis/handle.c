/* Every handle OpenNDIS gives a driver (driver, adapter, pools) is registered here with its
 * kind, so that a handle passed back can be validated without dereferencing it. */
#include <pthread.h>

#include "ndis.h"
#include "../kernel/ke.h"
#include "../kernel/lock.h"

static struct ke_lock ndis_handle_lock = KE_LOCK_INIT;
static struct ke_ptrmap ndis_handles; /* handle -> enum ndis_handle_kind */

bool ndis_handle_add(const void *handle, enum ndis_handle_kind kind)
{
    ke_lock(&ndis_handle_lock);
    bool ok = ke_ptrmap_put(&ndis_handles, handle, (uintptr_t)kind);
    ke_unlock(&ndis_handle_lock);
    return ok;
}

void ndis_handle_remove(const void *handle)
{
    ke_lock(&ndis_handle_lock);
    ke_ptrmap_remove(&ndis_handles, handle);
    ke_unlock(&ndis_handle_lock);
}

enum ndis_handle_kind ndis_handle_kind(const void *handle)
{
    uintptr_t kind = NDIS_HANDLE_NONE;
    if (handle == NULL)
        return NDIS_HANDLE_NONE;
    ke_lock(&ndis_handle_lock);
    ke_ptrmap_get(&ndis_handles, handle, &kind);
    ke_unlock(&ndis_handle_lock);
    return (enum ndis_handle_kind)kind;
}
