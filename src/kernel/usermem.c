/* Client memory. The driver's process reserves one address window (PROT_NONE) and gives each
 * client a disjoint slice of it. A client maps its shared buffers (memfds) inside its slice
 * and sends them; they are mapped here at the same address, so the pointers a client puts in
 * its requests (Wintun's rings) are valid in the driver unchanged. A user-mode probe made on
 * behalf of a client accepts only that client's mappings: one client never reaches another's
 * memory, nor the driver's own. docs/control-devices.md has the protocol. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ke.h"
#include "ob.h"
#include "../common/array.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define KE_SLICE_SIZE ((size_t)1 << 30) /* 1 GiB of address space per client */
#define KE_SLICES 64
#define KE_WINDOW_HINT ((uintptr_t)0x6f0000000000ull)

static pthread_mutex_t ke_usermem_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t ke_window_once = PTHREAD_ONCE_INIT;
static uintptr_t ke_window;                    /* 0: none could be reserved */
static struct ke_process *ke_slice_owner[KE_SLICES]; /* ke_usermem_lock */

static void ke_window_reserve(void)
{
    size_t size = KE_SLICE_SIZE * KE_SLICES;
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    void *p = MAP_FAILED;
#if !defined(__SANITIZE_THREAD__) /* the hint lies in ThreadSanitizer's shadow, which it may not touch */
    p = mmap((void *)KE_WINDOW_HINT, size, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
#endif
    if (p == MAP_FAILED)
        p = mmap(NULL, size, PROT_NONE, flags, -1, 0); /* anywhere: clients then try the same */
    if (p != MAP_FAILED)
        ke_window = (uintptr_t)p;
}

/* The slice of p, assigned on first use; false when the window or every slice is taken. */
static bool ke_slice_of(struct ke_process *p, uintptr_t *base)
{
    pthread_once(&ke_window_once, ke_window_reserve);
    if (ke_window == 0 || p->system)
        return false;
    if (p->slice == SIZE_MAX)
        for (size_t i = 0; i < KE_SLICES; i++)
            if (ke_slice_owner[i] == NULL) {
                ke_slice_owner[i] = p;
                p->slice = i;
                break;
            }
    if (p->slice == SIZE_MAX)
        return false;
    *base = ke_window + p->slice * KE_SLICE_SIZE;
    return true;
}

bool ke_process_window(const struct ke_process *p, uintptr_t *base, size_t *size)
{
    pthread_mutex_lock(&ke_usermem_lock);
    bool ok = ke_slice_of((struct ke_process *)p, base);
    pthread_mutex_unlock(&ke_usermem_lock);
    *size = ok ? KE_SLICE_SIZE : 0;
    return ok;
}

/* Puts the window's PROT_NONE reservation back over a range. */
static void ke_rereserve(uintptr_t addr, size_t len)
{
    mmap((void *)addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

NTSTATUS ke_process_map_shared(struct ke_process *p, int fd, uintptr_t addr, size_t len, bool writable)
{
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    struct stat st;
    pthread_mutex_lock(&ke_usermem_lock);
    uintptr_t base;
    if (!ke_slice_of(p, &base) || len == 0 || (addr | len) % PAGE_SIZE != 0 || addr < base ||
        addr - base > KE_SLICE_SIZE || len > KE_SLICE_SIZE - (addr - base))
        goto out;
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size < len)
        goto out; /* pages past the end of the file would fault in the driver */
    for (size_t i = 0; i < p->map_count; i++)
        if (addr < p->maps[i].addr + p->maps[i].len && p->maps[i].addr < addr + len) {
            status = STATUS_CONFLICTING_ADDRESSES;
            goto out;
        }
    size_t cap = p->map_cap;
    struct ke_usermap *maps = array_reserve(p->maps, &cap, p->map_count + 1, sizeof *maps);
    if (maps == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto out;
    }
    p->maps = maps;
    p->map_cap = cap;
    int prot = PROT_READ | (writable ? PROT_WRITE : 0);
    if (mmap((void *)addr, len, prot, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
        status = errno == ENOMEM ? STATUS_INSUFFICIENT_RESOURCES : STATUS_INVALID_PARAMETER;
        ke_rereserve(addr, len);
        goto out;
    }
    p->maps[p->map_count++] = (struct ke_usermap){ addr, len, writable };
    status = STATUS_SUCCESS;
out:
    pthread_mutex_unlock(&ke_usermem_lock);
    close(fd);
    return status;
}

NTSTATUS ke_process_unmap_shared(struct ke_process *p, uintptr_t addr, size_t len)
{
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&ke_usermem_lock);
    for (size_t i = 0; i < p->map_count; i++)
        if (p->maps[i].addr == addr && p->maps[i].len == len) {
            if (atomic_load(&p->locked) != 0) {
                status = STATUS_DEVICE_BUSY; /* a driver holds pages of it locked */
                break;
            }
            ke_rereserve(addr, len);
            p->maps[i] = p->maps[--p->map_count];
            status = STATUS_SUCCESS;
            break;
        }
    pthread_mutex_unlock(&ke_usermem_lock);
    return status;
}

static bool ke_range_ok_locked(const struct ke_process *p, uintptr_t a, size_t len, bool write)
{
    /* the range may span adjacent mappings: walk it mapping by mapping */
    uintptr_t end = a + len;
    if (end < a)
        return false;
    while (a < end) {
        size_t i = 0;
        while (i < p->map_count && !(p->maps[i].addr <= a && a < p->maps[i].addr + p->maps[i].len))
            i++;
        if (i == p->map_count || (write && !p->maps[i].writable))
            return false;
        a = p->maps[i].addr + p->maps[i].len;
    }
    return true;
}

bool ke_process_range_ok(const struct ke_process *p, const void *addr, size_t len, bool write)
{
    pthread_mutex_lock(&ke_usermem_lock);
    bool ok = ke_range_ok_locked(p, (uintptr_t)addr, len, write);
    pthread_mutex_unlock(&ke_usermem_lock);
    return ok;
}

bool ke_usermem_current_ok(const void *addr, size_t len, bool write)
{
    struct ke_process *p = ke_process_current();
    return p->system || len == 0 || ke_process_range_ok(p, addr, len, write);
}

void *ke_usermem_lock_pages(void)
{
    struct ke_process *p = ke_process_current();
    if (p->system)
        return NULL;
    ke_process_ref(p);
    atomic_fetch_add(&p->locked, 1);
    return ke_process_eprocess(p);
}

void ke_usermem_unlock_pages(void *process)
{
    struct ke_process *p = ke_process_from_eprocess(process);
    if (p == NULL || p->system)
        return;
    atomic_fetch_sub(&p->locked, 1);
    ke_process_unref(p);
}

void ke_usermem_release(struct ke_process *p)
{
    pthread_mutex_lock(&ke_usermem_lock);
    for (size_t i = 0; i < p->map_count; i++)
        ke_rereserve(p->maps[i].addr, p->maps[i].len);
    free(p->maps);
    p->maps = NULL;
    p->map_count = p->map_cap = 0;
    if (p->slice != SIZE_MAX)
        ke_slice_owner[p->slice] = NULL;
    p->slice = SIZE_MAX;
    pthread_mutex_unlock(&ke_usermem_lock);
}
