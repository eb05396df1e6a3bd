/* Tracked pool memory. Each block carries a header with its owner, tag, size and call site;
 * a global index of live blocks lets frees be validated without touching freed memory. */
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

#include "ke.h"
#include "../common/quick_lock.h"

struct ke_block {
    LIST_ENTRY link;
    struct ke_pool *pool;
    size_t size;
    const void *site;
    const char *api;
    ULONG tag;
} __attribute__((aligned(MEMORY_ALLOCATION_ALIGNMENT)));

static struct quick_lock ke_index_lock = QUICK_LOCK_INIT;
static struct ke_ptrmap ke_index; /* live struct ke_block * */

void ke_pool_init(struct ke_pool *pool)
{
    quick_lock_init(&pool->lock);
    InitializeListHead(&pool->blocks);
    pool->count = pool->bytes = 0;
}

void *ke_pool_alloc(struct ke_pool *pool, size_t size, ULONG tag, const void *site, const char *api)
{
    /* malloc already aligns for max_align_t (16 bytes on x86-64 and AArch64 glibc), which is
     * what a block needs; aligned_alloc would only add its own bookkeeping on every frame. */
    size_t bytes = (sizeof(struct ke_block) + size + alignof(struct ke_block) - 1) & ~(alignof(struct ke_block) - 1);
    struct ke_block *b = alignof(struct ke_block) <= alignof(max_align_t)
                             ? malloc(bytes)
                             : aligned_alloc(alignof(struct ke_block), bytes);
    if (b == NULL)
        return NULL;
    *b = (struct ke_block){ .pool = pool, .size = size, .site = site, .api = api, .tag = tag };

    quick_lock_acquire(&ke_index_lock);
    bool indexed = ke_ptrmap_put(&ke_index, b, 0);
    quick_lock_release(&ke_index_lock);
    if (!indexed) {
        free(b);
        return NULL;
    }
    quick_lock_acquire(&pool->lock);
    InsertTailList(&pool->blocks, &b->link);
    pool->count++;
    pool->bytes += size;
    quick_lock_release(&pool->lock);
    return b + 1;
}

static void ke_block_drop(struct ke_block *b)
{
    struct ke_pool *pool = b->pool;
    quick_lock_acquire(&pool->lock);
    RemoveEntryList(&b->link);
    pool->count--;
    pool->bytes -= b->size;
    quick_lock_release(&pool->lock);
    free(b);
}

bool ke_pool_free(void *p)
{
    if (p == NULL)
        return false;
    struct ke_block *b = (struct ke_block *)p - 1;
    quick_lock_acquire(&ke_index_lock);
    bool live = ke_ptrmap_remove(&ke_index, b);
    quick_lock_release(&ke_index_lock);
    if (live)
        ke_block_drop(b);
    return live;
}

bool ke_pool_live(const void *p)
{
    uintptr_t v;
    if (p == NULL)
        return false;
    quick_lock_acquire(&ke_index_lock);
    bool live = ke_ptrmap_get(&ke_index, (const struct ke_block *)p - 1, &v);
    quick_lock_release(&ke_index_lock);
    return live;
}

struct ke_pool *ke_pool_owner(const void *p)
{
    return ((const struct ke_block *)p - 1)->pool;
}

size_t ke_pool_size(const void *p)
{
    return ((const struct ke_block *)p - 1)->size;
}

static void ke_tag_text(ULONG tag, char out[5])
{
    /* Tags are four characters stored little-endian, e.g. 'pmaS' reads "Samp". */
    for (int i = 0; i < 4; i++) {
        char c = (char)((tag >> (8 * i)) & 0xff);
        out[i] = (c >= 0x20 && c < 0x7f) ? c : '.';
    }
    out[4] = '\0';
}

void (*_Atomic ke_pool_before_release)(struct ke_pool *pool);
struct ke_pool *(*_Atomic ke_pool_of_site)(const void *site);

struct ke_pool *ke_driver_pool_at(const void *site)
{
    struct ke_pool *(*of_site)(const void *) = atomic_load(&ke_pool_of_site);
    return of_site != NULL ? of_site(site) : NULL;
}

void ke_pool_release(struct ke_pool *pool, const char *when)
{
    void (*before)(struct ke_pool *) = atomic_load(&ke_pool_before_release);
    if (before != NULL)
        before(pool); /* caches give back what the driver freed */
    for (;;) {
        quick_lock_acquire(&pool->lock);
        if (IsListEmpty(&pool->blocks)) {
            quick_lock_release(&pool->lock);
            return;
        }
        struct ke_block *b = CONTAINING_RECORD(pool->blocks.Flink, struct ke_block, link);
        quick_lock_release(&pool->lock);

        char tag[5];
        ke_tag_text(b->tag, tag);
        vf_violation(VF_MEMORY_LEAK, b->api, b->site, "%zu bytes from %s with tag '%s' (0x%08x) still allocated %s",
                     b->size, b->api, tag, b->tag, when);
        quick_lock_acquire(&ke_index_lock);
        ke_ptrmap_remove(&ke_index, b);
        quick_lock_release(&ke_index_lock);
        ke_block_drop(b);
    }
}

/* ---- Ex pool: the calling driver's pool (found from the call site), so a block it never
 * frees is reported at unload like NDIS memory. Callers outside any driver (tests) share one. */
static struct ke_pool ke_ex_pool_other;
static pthread_once_t ke_ex_pool_once = PTHREAD_ONCE_INIT;

static void ke_ex_pool_init(void)
{
    ke_pool_init(&ke_ex_pool_other);
}

struct ke_pool *ke_caller_pool(const void *site)
{
    struct ke_pool *pool = ke_driver_pool_at(site);
    pthread_once(&ke_ex_pool_once, ke_ex_pool_init);
    return pool != NULL ? pool : &ke_ex_pool_other;
}

void *ke_ex_alloc(size_t size, ULONG tag, const void *site, const char *fn)
{
    if (vf_fault_inject(fn, site))
        return NULL;
    return ke_pool_alloc(ke_caller_pool(site), size, tag, site, fn);
}

NTKERNELAPI PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    static const char fn[] = "ExAllocatePoolWithTag";
    const void *site = VF_CALLER;
    /* Paged pool may fault, so it needs APC_LEVEL or lower; non-paged pool DISPATCH_LEVEL. */
    if (!ke_irql_at_most(PoolType == PagedPool ? APC_LEVEL : DISPATCH_LEVEL, fn, site))
        return NULL;
    if (Tag == 0)
        vf_violation(VF_ALLOCATE_ZERO_TAG, fn, site, "Tag is 0; pass a four-character pool tag");
    return ke_ex_alloc(NumberOfBytes, Tag, site, fn);
}

NTKERNELAPI PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    static const char fn[] = "ExAllocatePool2";
    const void *site = VF_CALLER;
    POOL_FLAGS kinds = Flags & (POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED);
    if (kinds == 0 || (kinds & (kinds - 1)) != 0) {
        vf_violation(VF_KERNEL_OBJECT_MISUSE, fn, site,
                     "Flags 0x%llx name %s pool type; pass exactly one of POOL_FLAG_NON_PAGED, "
                     "POOL_FLAG_NON_PAGED_EXECUTE, POOL_FLAG_PAGED",
                     (unsigned long long)Flags, kinds == 0 ? "no" : "more than one");
        return NULL;
    }
    if (!ke_irql_at_most(kinds == POOL_FLAG_PAGED ? APC_LEVEL : DISPATCH_LEVEL, fn, site))
        return NULL;
    if (Tag == 0)
        vf_violation(VF_ALLOCATE_ZERO_TAG, fn, site, "Tag is 0; pass a four-character pool tag");
    PVOID p = ke_ex_alloc(NumberOfBytes, Tag, site, fn);
    if (p != NULL && !(Flags & POOL_FLAG_UNINITIALIZED))
        memset(p, 0, NumberOfBytes);
    return p;
}

static void ke_ex_free(PVOID P, const char *fn, const void *site)
{
    ke_irql_at_most(DISPATCH_LEVEL, fn, site);
    if (!ke_pool_free(P))
        vf_violation(VF_FREE_INVALID, fn, site, "%p was not returned by ExAllocatePoolWithTag or was already freed", P);
}

NTKERNELAPI VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    (void)Tag; /* Windows checks it only for PROTECTED_POOL tags, which OpenNDIS does not have */
    ke_ex_free(P, "ExFreePoolWithTag", VF_CALLER);
}

NTKERNELAPI VOID ExFreePool(PVOID P)
{
    ke_ex_free(P, "ExFreePool", VF_CALLER);
}
