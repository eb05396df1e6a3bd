/* Which code follows the Microsoft x64 calling convention: the PE images the loader mapped.
 * A handful of ranges at most, read on every call into a driver without a lock. */
#include <stdio.h>
#include <stdlib.h>

#include "ke.h"

#define KE_MS_ABI_MAX 16

static struct {
    _Atomic(uintptr_t) start, end;
    /* set before `end` is published, read only after it is seen */
    const void *pdata;
    size_t pdata_size;
    char name[64];
} ke_ms_abi[KE_MS_ABI_MAX];
atomic_uint ke_ms_abi_ranges;
static atomic_uint ke_ms_abi_high; /* slots in use lie below it: the lookups stop there */
void *(*_Atomic ke_export_resolver)(const char *module, const char *name, bool *stub);

void ke_ms_abi_code_add(const void *start, size_t size, const char *name, const void *pdata, size_t pdata_size)
{
    for (size_t i = 0; i < KE_MS_ABI_MAX; i++) {
        uintptr_t expected = 0;
        if (atomic_compare_exchange_strong(&ke_ms_abi[i].start, &expected, (uintptr_t)start)) {
            ke_ms_abi[i].pdata = pdata;
            ke_ms_abi[i].pdata_size = pdata_size;
            snprintf(ke_ms_abi[i].name, sizeof ke_ms_abi[i].name, "%s", name ? name : "?");
            unsigned high = atomic_load(&ke_ms_abi_high);
            while (high < i + 1 && !atomic_compare_exchange_weak(&ke_ms_abi_high, &high, (unsigned)i + 1))
                ;
            atomic_store(&ke_ms_abi[i].end, (uintptr_t)start + size);
            atomic_fetch_add(&ke_ms_abi_ranges, 1);
            return;
        }
    }
    /* more PE drivers than slots in one process: OpenNDIS runs one driver per process */
    fprintf(stderr, "OpenNDIS: more than %d PE images in one process\n", KE_MS_ABI_MAX);
    abort();
}

void ke_ms_abi_code_remove(const void *start)
{
    for (size_t i = 0; i < KE_MS_ABI_MAX; i++)
        if (atomic_load(&ke_ms_abi[i].start) == (uintptr_t)start) {
            atomic_store(&ke_ms_abi[i].end, 0);
            atomic_store(&ke_ms_abi[i].start, 0);
            atomic_fetch_sub(&ke_ms_abi_ranges, 1);
            return;
        }
}

bool ke_pe_image_at(const void *address, struct ke_pe_image *out)
{
    uintptr_t a = (uintptr_t)address;
    for (size_t i = 0, high = atomic_load_explicit(&ke_ms_abi_high, memory_order_relaxed); i < high; i++) {
        uintptr_t start = atomic_load(&ke_ms_abi[i].start), end = atomic_load(&ke_ms_abi[i].end);
        if (a >= start && a < end) {
            out->base = (const uint8_t *)start;
            out->size = end - start;
            out->pdata = ke_ms_abi[i].pdata;
            out->pdata_size = ke_ms_abi[i].pdata_size;
            out->name = ke_ms_abi[i].name;
            return true;
        }
    }
    return false;
}

/* vf_image_locator: findings at a PE image's code name the image and the offset. */
static bool ke_pe_locate(const void *address, char *module, size_t len, const void **base)
{
    struct ke_pe_image im;
    if (atomic_load_explicit(&ke_ms_abi_ranges, memory_order_relaxed) == 0 || !ke_pe_image_at(address, &im))
        return false;
    snprintf(module, len, "%s", im.name);
    *base = im.base;
    return true;
}

__attribute__((constructor)) static void ke_pe_locator_install(void)
{
    atomic_store(&vf_image_locator, ke_pe_locate);
}

bool ke_ms_abi_code_slow(const void *address)
{
    uintptr_t a = (uintptr_t)address;
    for (size_t i = 0, high = atomic_load_explicit(&ke_ms_abi_high, memory_order_relaxed); i < high; i++)
        if (a >= atomic_load_explicit(&ke_ms_abi[i].start, memory_order_relaxed) &&
            a < atomic_load_explicit(&ke_ms_abi[i].end, memory_order_relaxed))
            return true;
    return false;
}
