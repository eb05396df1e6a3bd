/* Fault injection: every fallible call a driver makes asks here whether to fail. Two modes:
 * fail the N-th such call (the systematic sweep), or fail each call with a probability drawn
 * from a seeded generator (random mode, reproducible from the seed). Each injection is
 * recorded with its call site so a finding can be reproduced from the report. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "vf.h"

static pthread_mutex_t vf_fault_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long vf_fault_nth, vf_fault_calls;
static unsigned long vf_fault_seed;
static uint64_t vf_fault_rng;        /* 0 = random mode off */
static uint32_t vf_fault_threshold;  /* fail when the next 32 random bits fall below this */
static struct json_object *vf_fault_log;

static void vf_faults_clear_locked(void)
{
    vf_fault_nth = 0;
    vf_fault_rng = 0;
    vf_fault_calls = 0;
    json_object_put(vf_fault_log);
    vf_fault_log = NULL;
}

void vf_faults_fail_nth(unsigned long n)
{
    pthread_mutex_lock(&vf_fault_lock);
    vf_faults_clear_locked();
    vf_fault_nth = n;
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
    unsigned long n = vf_fault_calls;
    pthread_mutex_unlock(&vf_fault_lock);
    return n;
}

bool vf_fault_inject(const char *function, const void *site)
{
    pthread_mutex_lock(&vf_fault_lock);
    unsigned long call = ++vf_fault_calls;
    bool fail = vf_fault_nth != 0 && call == vf_fault_nth;
    if (vf_fault_rng != 0)
        fail = vf_fault_next_locked() < vf_fault_threshold;
    pthread_mutex_unlock(&vf_fault_lock);
    if (!fail)
        return false;

    struct vf_location where;
    vf_locate(site, true, &where);
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "call", json_object_new_uint64(call));
    json_object_object_add(o, "function", json_object_new_string(function));
    json_object_object_add(o, "location", vf_location_json(&where));

    pthread_mutex_lock(&vf_fault_lock);
    if (vf_fault_log == NULL)
        vf_fault_log = json_object_new_array();
    json_object_array_add(vf_fault_log, o);
    pthread_mutex_unlock(&vf_fault_lock);
    return true;
}

struct json_object *vf_faults_json(void)
{
    struct json_object *o = json_object_new_object();

    pthread_mutex_lock(&vf_fault_lock);
    if (vf_fault_rng != 0) {
        json_object_object_add(o, "random_seed", json_object_new_uint64(vf_fault_seed));
        json_object_object_add(o, "random_rate",
                               json_object_new_double(vf_fault_threshold / 4294967296.0));
    } else {
        json_object_object_add(o, "fail_nth", json_object_new_uint64(vf_fault_nth));
    }
    json_object_object_add(o, "fallible_calls", json_object_new_uint64(vf_fault_calls));
    json_object_object_add(o, "injected",
                           vf_fault_log ? json_object_get(vf_fault_log) : json_object_new_array());
    pthread_mutex_unlock(&vf_fault_lock);
    return o;
}
