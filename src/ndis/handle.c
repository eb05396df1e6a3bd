/* Every handle OpenNDIS gives a driver (driver, adapter, pools) is registered here with its
 * kind, so that a handle passed back can be validated without dereferencing it.
 *
 * The data path validates a handle on every call, so each thread remembers the handles it
 * validated last, stamped with the table's generation. Removing a handle starts a new
 * generation, which forgets every remembered answer at once: a freed (or freed and reused)
 * handle is always looked up again. Adding one needs no new generation: it cannot change
 * what an earlier lookup found. */
#include <stdatomic.h>

#include "ndis.h"
#include "../kernel/ke.h"
#include "../common/quick_lock.h"

static struct quick_lock ndis_handle_lock = QUICK_LOCK_INIT;
static struct ke_ptrmap ndis_handles; /* handle -> enum ndis_handle_kind */
static atomic_ulong ndis_handle_generation = 1;

#define NDIS_SEEN_BITS 4 /* 16 remembered handles per thread: a driver uses a few on its data path */
struct ndis_seen {
    const void *handle;
    unsigned long generation;
    enum ndis_handle_kind kind;
};
static _Thread_local OPENNDIS_TLS struct ndis_seen ndis_seen[1u << NDIS_SEEN_BITS];

bool ndis_handle_add(const void *handle, enum ndis_handle_kind kind)
{
    quick_lock_acquire(&ndis_handle_lock);
    /* A handle already at a new object's address is stale: its object was reclaimed as a leak
     * at halt or unload, never freed through NDIS. The new object takes the address. */
    uintptr_t stale;
    if (ke_ptrmap_get(&ndis_handles, handle, &stale)) {
        ke_ptrmap_remove(&ndis_handles, handle);
        atomic_fetch_add_explicit(&ndis_handle_generation, 1, memory_order_release);
    }
    bool ok = ke_ptrmap_put(&ndis_handles, handle, (uintptr_t)kind);
    quick_lock_release(&ndis_handle_lock);
    return ok;
}

void ndis_handle_remove(const void *handle)
{
    quick_lock_acquire(&ndis_handle_lock);
    ke_ptrmap_remove(&ndis_handles, handle);
    atomic_fetch_add_explicit(&ndis_handle_generation, 1, memory_order_release);
    quick_lock_release(&ndis_handle_lock);
}

/* The table lookup, remembered in `seen` if it found the handle; kept out of line so the
 * remembered case needs no stack frame. */
static __attribute__((noinline)) enum ndis_handle_kind ndis_handle_lookup(const void *handle, struct ndis_seen *seen,
                                                                          unsigned long generation)
{
    uintptr_t kind = NDIS_HANDLE_NONE;
    quick_lock_acquire(&ndis_handle_lock);
    ke_ptrmap_get(&ndis_handles, handle, &kind);
    quick_lock_release(&ndis_handle_lock);
    if (kind != NDIS_HANDLE_NONE)
        *seen = (struct ndis_seen){ handle, generation, (enum ndis_handle_kind)kind };
    return (enum ndis_handle_kind)kind;
}

enum ndis_handle_kind ndis_handle_kind(const void *handle)
{
    if (handle == NULL)
        return NDIS_HANDLE_NONE;
    /* Fibonacci hashing: the top bits of the product depend on all of the address's bits
     * (same-size heap blocks often share their low ones). */
    struct ndis_seen *seen = &ndis_seen[((uintptr_t)handle * 0x9e3779b97f4a7c15ull) >> (64 - NDIS_SEEN_BITS)];
    unsigned long generation = atomic_load_explicit(&ndis_handle_generation, memory_order_acquire);
    if (seen->handle == handle && seen->generation == generation)
        return seen->kind;
    return ndis_handle_lookup(handle, seen, generation);
}

/* ---- what a handle stands for, checked ----------------------------------------------------- */
struct ndis_adapter *ndis_adapter_from_handle(NDIS_HANDLE handle)
{
    return ndis_handle_kind(handle) == NDIS_HANDLE_ADAPTER ? handle : NULL;
}

struct ndis_adapter *ndis_adapter_checked(NDIS_HANDLE handle, const char *fn, const void *site)
{
    struct ndis_adapter *a = ndis_adapter_from_handle(handle);
    if (a == NULL)
        vf_violation(VF_INVALID_HANDLE, fn, site, "%p is not a miniport adapter handle", handle);
    return a;
}

struct ke_pool *ndis_pool_of_handle(NDIS_HANDLE handle)
{
    switch (ndis_handle_kind(handle)) {
    case NDIS_HANDLE_DRIVER: return ((struct ndis_driver *)handle)->block->pool;
    case NDIS_HANDLE_ADAPTER: return &((struct ndis_adapter *)handle)->pool;
    default: return NULL;
    }
}

struct ke_pool *ndis_owner_checked(NDIS_HANDLE handle, const char *param, const char *fn, const void *site)
{
    struct ke_pool *pool = ndis_pool_of_handle(handle);
    if (pool == NULL)
        vf_violation(VF_INVALID_HANDLE, fn, site, "%s %p is neither a driver nor a miniport adapter handle", param,
                     handle);
    return pool;
}
