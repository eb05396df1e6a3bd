/* Every handle OpenNDIS gives a driver (driver, adapter, pools) is registered here with its
 * kind, so that a handle passed back can be validated without dereferencing it. */
#include <pthread.h>
#include <search.h>
#include <stdlib.h>

#include "ndis.h"

struct ndis_handle_entry {
    const void *handle;
    enum ndis_handle_kind kind;
};

static pthread_mutex_t ndis_handle_lock = PTHREAD_MUTEX_INITIALIZER;
static void *ndis_handles;

static int ndis_handle_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct ndis_handle_entry *)a)->handle;
    uintptr_t y = (uintptr_t)((const struct ndis_handle_entry *)b)->handle;
    return x < y ? -1 : x > y;
}

bool ndis_handle_add(const void *handle, enum ndis_handle_kind kind)
{
    struct ndis_handle_entry *e = malloc(sizeof *e);
    if (e == NULL)
        return false;
    *e = (struct ndis_handle_entry){ handle, kind };
    pthread_mutex_lock(&ndis_handle_lock);
    struct ndis_handle_entry **slot = tsearch(e, &ndis_handles, ndis_handle_cmp);
    bool ok = slot != NULL && *slot == e;
    pthread_mutex_unlock(&ndis_handle_lock);
    if (!ok)
        free(e);
    return ok;
}

void ndis_handle_remove(const void *handle)
{
    struct ndis_handle_entry key = { handle, NDIS_HANDLE_NONE }, *found = NULL;
    pthread_mutex_lock(&ndis_handle_lock);
    struct ndis_handle_entry **slot = tfind(&key, &ndis_handles, ndis_handle_cmp);
    if (slot != NULL) {
        found = *slot;
        tdelete(&key, &ndis_handles, ndis_handle_cmp);
    }
    pthread_mutex_unlock(&ndis_handle_lock);
    free(found);
}

enum ndis_handle_kind ndis_handle_kind(const void *handle)
{
    struct ndis_handle_entry key = { handle, NDIS_HANDLE_NONE };
    enum ndis_handle_kind kind = NDIS_HANDLE_NONE;
    if (handle == NULL)
        return kind;
    pthread_mutex_lock(&ndis_handle_lock);
    struct ndis_handle_entry **slot = tfind(&key, &ndis_handles, ndis_handle_cmp);
    if (slot != NULL)
        kind = (*slot)->kind;
    pthread_mutex_unlock(&ndis_handle_lock);
    return kind;
}
