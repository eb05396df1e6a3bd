/* Fault injection: every fallible call a driver makes asks here whether to fail. This
 * first mode fails the N-th such call; each injection is recorded with its call site so a
 * finding can be reproduced from the report. */
#include <pthread.h>
#include <stdio.h>

#include <json-c/json.h>

#include "vf.h"

static pthread_mutex_t vf_fault_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long vf_fault_nth, vf_fault_calls;
static struct json_object *vf_fault_log;

void vf_faults_fail_nth(unsigned long n)
{
    pthread_mutex_lock(&vf_fault_lock);
    vf_fault_nth = n;
    vf_fault_calls = 0;
    json_object_put(vf_fault_log);
    vf_fault_log = NULL;
    pthread_mutex_unlock(&vf_fault_lock);
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
    json_object_object_add(o, "fail_nth", json_object_new_uint64(vf_fault_nth));
    json_object_object_add(o, "fallible_calls", json_object_new_uint64(vf_fault_calls));
    json_object_object_add(o, "injected",
                           vf_fault_log ? json_object_get(vf_fault_log) : json_object_new_array());
    pthread_mutex_unlock(&vf_fault_lock);
    return o;
}
