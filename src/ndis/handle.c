/* Every handle OpenNDIS gives a driver (driver, adapter, pools) is registered here with its
 * kind, so that a handle passed back can be validated without dereferencing it. */
#include <pthread.h>

#include "ndis.h"
#include "../kernel/ke.h"

static pthread_mutex_t ndis_handle_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ke_ptrmap ndis_handles; /* handle -> enum ndis_handle_kind */

bool ndis_handle_add(const void *handle, enum ndis_handle_kind kind)
{
    pthread_mutex_lock(&ndis_handle_lock);
    bool ok = ke_ptrmap_put(&ndis_handles, handle, (uintptr_t)kind);
    pthread_mutex_unlock(&ndis_handle_lock);
    return ok;
}

void ndis_handle_remove(const void *handle)
{
    pthread_mutex_lock(&ndis_handle_lock);
    ke_ptrmap_remove(&ndis_handles, handle);
    pthread_mutex_unlock(&ndis_handle_lock);
}

enum ndis_handle_kind ndis_handle_kind(const void *handle)
{
    uintptr_t kind = NDIS_HANDLE_NONE;
    if (handle == NULL)
        return NDIS_HANDLE_NONE;
    pthread_mutex_lock(&ndis_handle_lock);
    ke_ptrmap_get(&ndis_handles, handle, &kind);
    pthread_mutex_unlock(&ndis_handle_lock);
    return (enum ndis_handle_kind)kind;
}
