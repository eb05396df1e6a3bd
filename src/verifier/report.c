/* Violation records. Checks call vf_report(); the host turns the records into reports. */
#include <dlfcn.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vf.h"
#include "../common/array.h"

_Thread_local __attribute__((tls_model("initial-exec"))) const void *vf_ms_caller;

static pthread_mutex_t vf_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vf_violation *vf_records;
static size_t vf_nrecords, vf_capacity;

/* The site is in a header helper the compiler did not inline (e.g. at -O0): walk the
 * stack past it to the driver's own line. */
static void vf_locate_beyond_headers(const void *site, struct vf_location *where)
{
    void *frames[48];
    int n = backtrace(frames, 48);
    for (int i = 0; i < n; i++) {
        if (frames[i] != site)
            continue;
        for (int j = i + 1; j < n; j++) {
            struct vf_location loc;
            vf_locate(frames[j], true, &loc);
            if (loc.file[0] && !vf_in_openndis_header(&loc)) {
                *where = loc;
                return;
            }
        }
        return;
    }
}

/* Whether `address` lies in the module the runtime is linked into: libopenndis.so, or the
 * program that links the runtime in (openndis, a test), whatever either is called. */
static bool vf_in_runtime(const void *address)
{
    Dl_info site, self;
    return address != NULL && dladdr(address, &site) != 0 && dladdr((const void *)vf_in_runtime, &self) != 0 &&
           site.dli_fbase == self.dli_fbase;
}

static _Thread_local __attribute__((tls_model("initial-exec"))) const void *vf_entry_site;

void vf_entry_site_set(const void *entry)
{
    vf_entry_site = entry;
}

void vf_report(enum vf_rule_id id, const char *function, const void *site, bool site_is_entry,
               const char *fmt, ...)
{
    struct vf_violation rec = { .rule = id };
    va_list ap;

    if (site != NULL && site == vf_entry_site)
        site_is_entry = true;

    snprintf(rec.function, sizeof rec.function, "%s", function ? function : "");
    va_start(ap, fmt);
    vsnprintf(rec.message, sizeof rec.message, fmt, ap);
    va_end(ap);
    /* Symbolize now: the driver may be unloaded by the time anyone reads the report. */
    if (site_is_entry)
        vf_locate_entry(site, &rec.where);
    else
        vf_locate(site, true, &rec.where);
    if (!site_is_entry && vf_in_openndis_header(&rec.where))
        vf_locate_beyond_headers(site, &rec.where);
    if (vf_in_runtime(rec.where.address)) {
        /* The driver tail-called the NDIS function, so no return address points into it. */
        snprintf(rec.where.function, sizeof rec.where.function,
                 "(call site lost to a tail call in the driver; build it with -fno-optimize-sibling-calls)");
        rec.where.file[0] = '\0';
        rec.where.line = 0;
    }

    pthread_mutex_lock(&vf_lock);
    struct vf_violation *grown = array_reserve(vf_records, &vf_capacity, vf_nrecords + 1, sizeof *grown);
    if (grown == NULL) {
        pthread_mutex_unlock(&vf_lock);
        fprintf(stderr, "openndis: out of memory recording %s: %s\n", vf_rule(id)->name, rec.message);
        return;
    }
    vf_records = grown;
    vf_records[vf_nrecords++] = rec;
    pthread_mutex_unlock(&vf_lock);
}

size_t vf_violation_count(void)
{
    pthread_mutex_lock(&vf_lock);
    size_t n = vf_nrecords;
    pthread_mutex_unlock(&vf_lock);
    return n;
}

size_t vf_violation_count_of(enum vf_rule_id id)
{
    size_t n = 0;
    pthread_mutex_lock(&vf_lock);
    for (size_t i = 0; i < vf_nrecords; i++)
        n += vf_records[i].rule == id;
    pthread_mutex_unlock(&vf_lock);
    return n;
}

void vf_violations_each(void (*fn)(const struct vf_violation *v, void *arg), void *arg)
{
    pthread_mutex_lock(&vf_lock);
    for (size_t i = 0; i < vf_nrecords; i++)
        fn(&vf_records[i], arg);
    pthread_mutex_unlock(&vf_lock);
}

void vf_reset(void)
{
    pthread_mutex_lock(&vf_lock);
    free(vf_records);
    vf_records = NULL;
    vf_nrecords = vf_capacity = 0;
    pthread_mutex_unlock(&vf_lock);
}

static volatile bool vf_fast_failed;

void vf_note_fail_fast(void)
{
    vf_fast_failed = true;
}

bool vf_failed_fast(void)
{
    return vf_fast_failed;
}
