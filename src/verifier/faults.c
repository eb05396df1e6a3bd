/* Fault injection: every fallible call a driver makes asks here whether to fail. Three modes:
 * fail the N-th such call (the systematic sweep); fail each call with a probability drawn
 * from a seeded generator (random mode, reproducible from the seed); or fail the first call
 * whose call stack is not in a given set (one failure per unique stack: a loop that
 * allocates a thousand times is failed once, not a thousand times). Each injection is
 * recorded with its call site so a finding can be reproduced from the report. */
#include <dlfcn.h>
#include <execinfo.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>

#include "vf.h"
#include "../common/array.h"

static pthread_mutex_t vf_fault_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long vf_fault_nth;
/* Counted on every fallible call, so lock-free; `armed` says whether any mode could fail one
 * (the common case, a run without injection, then costs one atomic add). */
atomic_ulong vf_fault_calls;
atomic_bool vf_fault_armed;
static unsigned long vf_fault_seed;
static uint64_t vf_fault_rng;        /* 0 = random mode off */
static uint32_t vf_fault_threshold;  /* fail when the next 32 random bits fall below this */
static struct vf_injection *vf_fault_log; /* every injected failure, in order */
static size_t vf_fault_nlog, vf_fault_log_cap;
static uint64_t *vf_fault_seen;      /* unique-stack mode: stacks already failed */
static size_t vf_fault_nseen;
static bool vf_fault_unique, vf_fault_unique_spent;

static void vf_faults_clear_locked(void)
{
    vf_fault_nth = 0;
    vf_fault_rng = 0;
    atomic_store(&vf_fault_calls, 0);
    atomic_store(&vf_fault_armed, false);
    free(vf_fault_log);
    vf_fault_log = NULL;
    vf_fault_nlog = vf_fault_log_cap = 0;
    free(vf_fault_seen);
    vf_fault_seen = NULL;
    vf_fault_nseen = 0;
    vf_fault_unique = vf_fault_unique_spent = false;
}

void vf_faults_unique_stacks(const uint64_t *seen, size_t n)
{
    pthread_mutex_lock(&vf_fault_lock);
    vf_faults_clear_locked();
    vf_fault_unique = true;
    atomic_store(&vf_fault_armed, true);
    if (n > 0 && (vf_fault_seen = malloc(n * sizeof *seen)) != NULL) {
        memcpy(vf_fault_seen, seen, n * sizeof *seen);
        vf_fault_nseen = n;
    }
    pthread_mutex_unlock(&vf_fault_lock);
}

/* FNV-1a over the return addresses as offsets into their modules, so the signature is the
 * same in every process whatever the load addresses. */
static uint64_t vf_stack_signature(void)
{
    void *frames[24];
    int n = backtrace(frames, 24);
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < n; i++) {
        Dl_info info;
        uintptr_t off = (uintptr_t)frames[i];
        if (dladdr(frames[i], &info) && info.dli_fbase)
            off -= (uintptr_t)info.dli_fbase;
        for (int b = 0; b < 8; b++) {
            h ^= (off >> (8 * b)) & 0xff;
            h *= 0x100000001b3ull;
        }
    }
    return h;
}

void vf_faults_fail_nth(unsigned long n)
{
    pthread_mutex_lock(&vf_fault_lock);
    vf_faults_clear_locked();
    vf_fault_nth = n;
    atomic_store(&vf_fault_armed, n != 0);
    pthread_mutex_unlock(&vf_fault_lock);
}

void vf_faults_random(unsigned long seed, double rate)
{
    pthread_mutex_lock(&vf_fault_lock);
    vf_faults_clear_locked();
    if (rate > 0) {
        vf_fault_seed = seed;
        /* splitmix64 of the seed, so seeds 1, 2, 3 give unrelated streams; never zero */
        uint64_t z = (uint64_t)seed + 0x9e3779b97f4a7c15ull;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        vf_fault_rng = (z ^ (z >> 31)) | 1;
        atomic_store(&vf_fault_armed, true);
        vf_fault_threshold = rate >= 1 ? UINT32_MAX : (uint32_t)(rate * 4294967296.0);
    }
    pthread_mutex_unlock(&vf_fault_lock);
}

/* xorshift64*: small, fast, and the sequence depends only on the seed. */
static uint32_t vf_fault_next_locked(void)
{
    vf_fault_rng ^= vf_fault_rng >> 12;
    vf_fault_rng ^= vf_fault_rng << 25;
    vf_fault_rng ^= vf_fault_rng >> 27;
    return (uint32_t)((vf_fault_rng * 0x2545f4914f6cdd1dull) >> 32);
}

unsigned long vf_faults_calls(void)
{
    pthread_mutex_lock(&vf_fault_lock);
    unsigned long n = atomic_load(&vf_fault_calls);
    pthread_mutex_unlock(&vf_fault_lock);
    return n;
}

bool vf_fault_inject_armed(const char *function, const void *site)
{
    uint64_t stack = 0;
    pthread_mutex_lock(&vf_fault_lock);
    bool unique = vf_fault_unique && !vf_fault_unique_spent;
    pthread_mutex_unlock(&vf_fault_lock);
    if (unique)
        stack = vf_stack_signature();
    pthread_mutex_lock(&vf_fault_lock);
    unsigned long call = atomic_fetch_add(&vf_fault_calls, 1) + 1;
    bool fail = vf_fault_nth != 0 && call == vf_fault_nth;
    if (vf_fault_rng != 0)
        fail = vf_fault_next_locked() < vf_fault_threshold;
    if (unique && !vf_fault_unique_spent) {
        fail = true;
        for (size_t i = 0; i < vf_fault_nseen && fail; i++)
            fail = vf_fault_seen[i] != stack;
        vf_fault_unique_spent = fail; /* one new stack per run */
    }
    pthread_mutex_unlock(&vf_fault_lock);
    if (!fail)
        return false;

    struct vf_injection f = { .call = call, .has_stack = unique, .stack = stack };
    snprintf(f.function, sizeof f.function, "%s", function);
    vf_locate(site, true, &f.where);

    pthread_mutex_lock(&vf_fault_lock);
    struct vf_injection *grown = array_reserve(vf_fault_log, &vf_fault_log_cap, vf_fault_nlog + 1, sizeof *grown);
    if (grown == NULL) {
        pthread_mutex_unlock(&vf_fault_lock);
        fprintf(stderr, "openndis: out of memory recording the injected failure of %s (call %lu)\n", function,
                call);
        return true;
    }
    vf_fault_log = grown;
    vf_fault_log[vf_fault_nlog++] = f;
    pthread_mutex_unlock(&vf_fault_lock);
    return true;
}

void vf_faults_summary(struct vf_fault_summary *out)
{
    pthread_mutex_lock(&vf_fault_lock);
    *out = (struct vf_fault_summary){
        .mode = vf_fault_unique ? VF_FAULTS_UNIQUE_STACKS : vf_fault_rng != 0 ? VF_FAULTS_RANDOM : VF_FAULTS_NTH,
        .fail_nth = vf_fault_nth,
        .random_seed = vf_fault_seed,
        .random_rate = vf_fault_threshold / 4294967296.0,
        .unique_stacks_known = vf_fault_nseen,
        .fallible_calls = atomic_load(&vf_fault_calls),
    };
    pthread_mutex_unlock(&vf_fault_lock);
}

void vf_faults_each(void (*fn)(const struct vf_injection *f, void *arg), void *arg)
{
    pthread_mutex_lock(&vf_fault_lock);
    for (size_t i = 0; i < vf_fault_nlog; i++)
        fn(&vf_fault_log[i], arg);
    pthread_mutex_unlock(&vf_fault_lock);
}
