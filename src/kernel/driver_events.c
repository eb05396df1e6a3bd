/* A driver's life, relayed: the loader says what happened to a DRIVER_OBJECT and each
 * listener (NDIS keeps its registrations per driver) hears it, in the order they listened. */
#include <stdio.h>
#include <stdlib.h>

#include "ke.h"
#include "ob.h"

#define KE_DRIVER_LISTENERS 4
static const struct ke_driver_events *_Atomic ke_listeners[KE_DRIVER_LISTENERS];

void ke_driver_listen(const struct ke_driver_events *events)
{
    for (size_t i = 0; i < KE_DRIVER_LISTENERS; i++) {
        const struct ke_driver_events *expected = NULL;
        if (atomic_load(&ke_listeners[i]) == events ||
            atomic_compare_exchange_strong(&ke_listeners[i], &expected, events))
            return;
    }
    fprintf(stderr, "openndis: more than %d driver listeners; raise KE_DRIVER_LISTENERS\n", KE_DRIVER_LISTENERS);
    abort(); /* OpenNDIS's own bug: a listener that never hears would corrupt its state */
}

#define KE_RELAY(event, ...)                                                   \
    for (size_t i = 0; i < KE_DRIVER_LISTENERS; i++) {                         \
        const struct ke_driver_events *l = atomic_load(&ke_listeners[i]);      \
        if (l != NULL && l->event != NULL)                                     \
            l->event(__VA_ARGS__);                                             \
    }

/* Each driver's pool, so that what it still holds at unload (handles, object references)
 * can be found: the kernel's own check, made before the listeners hear of the unload. */
static pthread_mutex_t ke_driver_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ke_ptrmap ke_driver_pools; /* DRIVER_OBJECT -> pool */

void ke_driver_entry_calling(PDRIVER_OBJECT object, struct ke_pool *pool)
{
    pthread_mutex_lock(&ke_driver_pool_lock);
    ke_ptrmap_remove(&ke_driver_pools, object);
    ke_ptrmap_put(&ke_driver_pools, object, (uintptr_t)pool);
    pthread_mutex_unlock(&ke_driver_pool_lock);
    KE_RELAY(entry_calling, object, pool)
}

void ke_driver_entry_returned(PDRIVER_OBJECT object, NTSTATUS status)
{
    KE_RELAY(entry_returned, object, status)
}

void ke_driver_unload_calling(PDRIVER_OBJECT object)
{
    KE_RELAY(unload_calling, object)
}

void ke_driver_unloaded(PDRIVER_OBJECT object)
{
    uintptr_t pool = 0;
    pthread_mutex_lock(&ke_driver_pool_lock);
    if (ke_ptrmap_get(&ke_driver_pools, object, &pool))
        ke_ptrmap_remove(&ke_driver_pools, object);
    pthread_mutex_unlock(&ke_driver_pool_lock);
    ke_io_driver_unloaded(object, (struct ke_pool *)pool);
    ke_ob_driver_unloaded((struct ke_pool *)pool);
    ke_wsk_driver_unloaded((struct ke_pool *)pool);
    KE_RELAY(unloaded, object)
}
