/* OpenNDIS verifier: the rule catalogue, violation records, fault injection. */
#ifndef OPENNDIS_VF_H
#define OPENNDIS_VF_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ndis.h>

#define OPENNDIS_HOST OPENNDIS_API /* host-side API used by the command and the tests */

enum vf_severity { VF_WARNING, VF_ERROR };

enum vf_rule_id {
#define RULE(sym, id, name, sev, ref, summary, limits) VF_##sym,
#include "rules.def"
#undef RULE
    VF_RULE_COUNT
};

struct vf_rule {
    const char *id;
    const char *name;
    enum vf_severity severity;
    const char *reference;
    const char *summary;
    const char *limits; /* what the run-time check cannot see */
};

/* Where in the driver something happened, resolved while the driver is still loaded. */
struct vf_location {
    const void *address;
    char module[128];
    char function[128];
    char file[256];
    int line;
    bool in_image;            /* a PE image: `module` is its file name and `rva` the instruction's */
    bool entry;               /* in_image: `rva` is a function's entry point */
    unsigned long long rva;   /* offset from the image base (the call itself for a return address) */
};

/* Where PE images lie, which libdwfl does not know: set by the kernel, which registers them.
 * True with the image's file name and base when `address` is in one. */
OPENNDIS_API extern bool (*_Atomic vf_image_locator)(const void *address, char *module, size_t len,
                                                     const void **base);

/* A PE driver calls the exports through the Microsoft-ABI wrappers of src/ndis/ms_abi.c
 * (their own section): a return address in there stands for the driver's return address,
 * which the wrapper keeps in vf_ms_caller for the length of the call. */
extern _Thread_local __attribute__((tls_model("initial-exec"))) const void *vf_ms_caller;
extern const char vf_ms_thunks_start[] __asm__("__start_openndis_ms_thunks") __attribute__((visibility("hidden")));
extern const char vf_ms_thunks_stop[] __asm__("__stop_openndis_ms_thunks") __attribute__((visibility("hidden")));
static inline const void *vf_caller_of(const void *return_address)
{
    const char *a = (const char *)return_address;
    return a >= vf_ms_thunks_start && a < vf_ms_thunks_stop ? vf_ms_caller : return_address;
}
/* The return address of the current exported function: the driver's call site. */
#define VF_CALLER vf_caller_of(__builtin_extract_return_addr(__builtin_return_address(0)))

OPENNDIS_HOST const struct vf_rule *vf_rule(enum vf_rule_id id);
OPENNDIS_HOST const struct vf_rule *vf_rule_by_id(const char *id);

/* Records a violation of rule `id` by the driver. `function` is the NDIS function or
 * handler involved; `site` a code address in the driver (a return address, or a handler's
 * entry point when `site_is_entry`). */
OPENNDIS_HOST void vf_report(enum vf_rule_id id, const char *function, const void *site, bool site_is_entry,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define vf_violation(id, function, site, ...) vf_report(id, function, site, false, __VA_ARGS__)
/* While NDIS delivers what a driver handler handed back (a poll iteration's NBLs), the checks
 * along the way name that handler: this thread's reports with `site` == `entry` are located
 * as an entry point. NULL ends it. */
void vf_entry_site_set(const void *entry);

OPENNDIS_HOST size_t vf_violation_count(void);
OPENNDIS_HOST size_t vf_violation_count_of(enum vf_rule_id id);
/* One recorded violation, symbolized when it was recorded. */
struct vf_violation {
    enum vf_rule_id rule;
    char function[64]; /* the NDIS function or handler involved */
    char message[512];
    struct vf_location where;
};
/* Calls `fn` for each recorded violation in order, with the record list locked: `fn` must
 * not report a violation itself. */
OPENNDIS_HOST void vf_violations_each(void (*fn)(const struct vf_violation *v, void *arg), void *arg);
OPENNDIS_HOST void vf_reset(void);
/* RtlFailFast records that it is about to end the process, so the abort that follows is
 * known for the verifier's own stop (as a bugcheck would be), not a driver crash. */
void vf_note_fail_fast(void);
OPENNDIS_HOST bool vf_failed_fast(void);

/* symbolize.c */
OPENNDIS_HOST void vf_locate(const void *address, bool is_return_address, struct vf_location *out);
/* Reads the symbols and line tables of the module holding `address` now, so that processes
 * forked from here afterwards find them read. */
OPENNDIS_HOST void vf_symbols_preload(const void *address);
/* ND1903: reports each thread still running code of the driver that `driver_code` is part
 * of, by its start routine; returns how many. Call after unload, before unmapping it. */
OPENNDIS_HOST size_t vf_threads_after_unload(const void *driver_code);
/* Where the function at this entry address is defined. */
void vf_locate_entry(const void *function, struct vf_location *out);
/* True when the location is inside one of OpenNDIS's driver-facing headers. */
bool vf_in_openndis_header(const struct vf_location *loc);
OPENNDIS_HOST void vf_location_format(const struct vf_location *loc, char *buf, size_t len);

/* faults.c: fail the N-th fallible call the driver makes (0 = never), or each call with
 * probability rate from a generator seeded with seed (rate 0 = never). */
OPENNDIS_HOST void vf_faults_fail_nth(unsigned long n);
OPENNDIS_HOST void vf_faults_random(unsigned long seed, double rate);
/* Fail the first call whose stack signature is not among seen[0..n) (and no other). */
OPENNDIS_HOST void vf_faults_unique_stacks(const uint64_t *seen, size_t n);
OPENNDIS_HOST unsigned long vf_faults_calls(void);
/* How faults were being injected, for the report. */
enum vf_fault_mode { VF_FAULTS_NTH, VF_FAULTS_RANDOM, VF_FAULTS_UNIQUE_STACKS };
struct vf_fault_summary {
    enum vf_fault_mode mode;
    unsigned long fail_nth;     /* VF_FAULTS_NTH: the call failed (0 = none) */
    unsigned long random_seed;  /* VF_FAULTS_RANDOM */
    double random_rate;
    size_t unique_stacks_known; /* VF_FAULTS_UNIQUE_STACKS: stacks failed by earlier runs */
    unsigned long fallible_calls;
};
/* One injected failure: the call's number, the function failed and where the driver called it. */
struct vf_injection {
    unsigned long call;
    char function[64];
    bool has_stack; /* unique-stack mode: the stack signature that made it new */
    uint64_t stack;
    struct vf_location where;
};
OPENNDIS_HOST void vf_faults_summary(struct vf_fault_summary *out);
/* Calls `fn` for each injected failure in order, with the fault state locked. */
OPENNDIS_HOST void vf_faults_each(void (*fn)(const struct vf_injection *f, void *arg), void *arg);
/* Should this fallible call fail? Every fallible export asks, so the unarmed case (every
 * `run`) is inline: one load and the count of fallible calls. */
extern atomic_ulong vf_fault_calls;
extern atomic_bool vf_fault_armed;
bool vf_fault_inject_armed(const char *function, const void *site);
static inline bool vf_fault_inject(const char *function, const void *site)
{
    if (__builtin_expect(!atomic_load_explicit(&vf_fault_armed, memory_order_acquire), 1)) {
        atomic_fetch_add_explicit(&vf_fault_calls, 1, memory_order_relaxed);
        return false;
    }
    return vf_fault_inject_armed(function, site);
}

#endif /* OPENNDIS_VF_H */
