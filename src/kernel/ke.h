/* OpenNDIS emulated kernel: IRQL, tracked pool memory, debug output. */
#ifndef OPENNDIS_KE_H
#define OPENNDIS_KE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <ndis.h>

#include "../verifier/vf.h"
#include "../common/quick_lock.h"

/* Per-thread state (IRQL, worker flag) is read on every call: initial-exec TLS avoids a
 * __tls_get_addr call each time. libopenndis is linked by the programs that use it, so the
 * static TLS block always has room for these few bytes. */
#define OPENNDIS_TLS __attribute__((tls_model("initial-exec")))

/* ---- IRQL (irql.c): per thread, as on a real processor ------------------------------- */
/* Read and written inline: every export checks it, so a call per check would be most of the
 * cost of a short export such as NdisDprAcquireSpinLock. */
OPENNDIS_API extern _Thread_local OPENNDIS_TLS KIRQL ke_current_irql;

static inline KIRQL ke_irql(void)
{
    return ke_current_irql;
}

/* ---- processors (processor.c): held while at DISPATCH_LEVEL or above ---------------- */
#define KE_MAX_PROCESSORS 64u /* one group */
OPENNDIS_API void ke_processor_take(void); /* this thread's last processor, else any free */
OPENNDIS_API void ke_processor_give(void);
void ke_processor_pin(unsigned k);          /* a DPC thread: processor k only */
unsigned ke_processor_current(void);
unsigned ke_processor_wanted(const char *text, unsigned online);

/* Sets this thread's IRQL; returns the old one. Every change of IRQL goes through here:
 * crossing DISPATCH_LEVEL takes or gives back a processor. */
static inline KIRQL ke_irql_set(KIRQL irql)
{
    KIRQL old = ke_current_irql;
    if ((old >= DISPATCH_LEVEL) != (irql >= DISPATCH_LEVEL)) {
        if (irql >= DISPATCH_LEVEL)
            ke_processor_take();
        else
            ke_processor_give();
    }
    ke_current_irql = irql;
    return old;
}

/* Records IrqlTooHigh for `function` running above `max`; returns false. */
OPENNDIS_API bool ke_irql_too_high(KIRQL max, const char *function, const void *site);

/* Checks that `function`, called from `site`, runs at or below `max`; records
 * IrqlTooHigh and returns false when it does not. */
static inline bool ke_irql_at_most(KIRQL max, const char *function, const void *site)
{
    return ke_current_irql <= max || ke_irql_too_high(max, function, site);
}

/* After a driver handler returns: it must leave the IRQL it was given. Restores it. */
void ke_irql_wrong_after_handler(KIRQL expected, const char *handler, const void *entry);
static inline void ke_irql_after_handler(KIRQL expected, const char *handler, const void *entry)
{
    if (ke_current_irql != expected)
        ke_irql_wrong_after_handler(expected, handler, entry);
}
const char *ke_irql_name(KIRQL irql);

/* status.c: the name of a status value (NULL when unknown), and the value of a name. */
const char *ke_status_name(NTSTATUS status);
bool ke_status_from_name(const char *name, NTSTATUS *out);

/* Checks that `function` runs at exactly DISPATCH_LEVEL (the ...AtDpcLevel calls and
 * NDIS_RWL_AT_DISPATCH_LEVEL); records IrqlTooHigh when it does not. */
void ke_not_dispatch(const char *fn, const void *site);
static inline void ke_require_dispatch(const char *fn, const void *site)
{
    if (__builtin_expect(ke_irql() != DISPATCH_LEVEL, 0))
        ke_not_dispatch(fn, site);
}

/* ---- pool (pool.c): every driver allocation with its owner, tag, size and call site -- */
/* ---- pointer map (ptrmap.c): pointer -> value, the caller locks ------------------------------ */
struct ke_ptrmap_slot {
    uintptr_t key;
    uintptr_t value;
};
struct ke_ptrmap {
    struct ke_ptrmap_slot *slots;
    size_t cap, used, filled; /* filled counts removed slots too */
};
/* False when the key is NULL or already present, or out of memory. */
bool ke_ptrmap_put(struct ke_ptrmap *m, const void *key, uintptr_t value);
bool ke_ptrmap_get(const struct ke_ptrmap *m, const void *key, uintptr_t *value);
bool ke_ptrmap_remove(struct ke_ptrmap *m, const void *key);
/* Calls fn with each key and its value; fn may remove the key it is given, nothing else. */
void ke_ptrmap_each(struct ke_ptrmap *m, void (*fn)(const void *key, uintptr_t value, void *arg), void *arg);

struct ke_pool {
    struct quick_lock lock;
    LIST_ENTRY blocks;
    size_t count;
    size_t bytes;
};

void ke_pool_init(struct ke_pool *pool);
/* Called by ke_pool_release before it reports what is still allocated, so that a layer
 * holding freed blocks for reuse (NET_BUFFER_LIST recycling) can return them first. */
extern void (*_Atomic ke_pool_before_release)(struct ke_pool *pool);
/* `api` names the NDIS function that allocated, for leak reports. */
void *ke_pool_alloc(struct ke_pool *pool, size_t size, ULONG tag, const void *site, const char *api);
/* False when `p` is not a live block of any pool (foreign pointer or double free). */
bool ke_pool_free(void *p);
/* Whether p is a live block of some pool (a lookup: safe on any pointer). */
bool ke_pool_live(const void *p);
/* The pool a live block belongs to. */
struct ke_pool *ke_pool_owner(const void *p);
/* The size a live block was allocated with. */
size_t ke_pool_size(const void *p);
/* Reports every block still held as MemoryLeak (`when` says at which point) and frees it. */
void ke_pool_release(struct ke_pool *pool, const char *when);

/* The pool of the driver whose code holds `site`, or NULL: the loader sets this, since only
 * it knows where each driver was mapped. */
extern struct ke_pool *(*_Atomic ke_pool_of_site)(const void *site);
struct ke_pool *ke_driver_pool_at(const void *site);

/* Memory for the driver whose code is at `site` (or a shared pool outside any driver), with
 * fault injection: what ExAllocatePoolWithTag and allocating Rtl calls use. */
void *ke_ex_alloc(size_t size, ULONG tag, const void *site, const char *fn);
/* The calling driver's pool (from the call site), or the one shared by callers outside any driver. */
struct ke_pool *ke_caller_pool(const void *site);
ULONG ke_processor_count(void); /* processors modelled (processor.c) */

/* ---- the driver's calling convention (abi.c) -------------------------------------------
 * A driver built as a Linux .so uses the System V ABI, a PE image the Microsoft x64 ABI.
 * The loader registers each PE image's range; every call OpenNDIS makes into a driver goes
 * through KE_DRIVER_CALL, which picks the convention from the address called. */
OPENNDIS_API void ke_ms_abi_code_add(const void *start, size_t size, const char *name, const void *pdata,
                                     size_t pdata_size);
OPENNDIS_API void ke_ms_abi_code_remove(const void *start);
OPENNDIS_API extern atomic_uint ke_ms_abi_ranges; /* how many are registered: 0 on the .so path */
bool ke_ms_abi_code_slow(const void *address);
/* The PE image whose mapped range holds `address`: its base, its exception directory
 * (RUNTIME_FUNCTION entries, for unwinding) and its file name. */
struct ke_pe_image {
    const uint8_t *base;
    size_t size;
    const void *pdata;
    size_t pdata_size;
    const char *name;
};
bool ke_pe_image_at(const void *address, struct ke_pe_image *out);

/* ---- structured exceptions (seh.c, seh_pe.c) ---------------------------------------------- */
/* Puts the fault handler in front of SIGSEGV/SIGBUS/SIGFPE/SIGILL's current handlers: on
 * each outermost .so __try, and when a PE image with exception data is loaded. */
OPENNDIS_API void ke_seh_arm(void);
/* MSVC's pure-virtual-call handler, which a PE image built from C++ imports (rtl.c). */
OPENNDIS_API DECLSPEC_NORETURN void _purecall(void);
unsigned ke_seh_depth(void); /* .so __try frames open on this thread */
#include <signal.h>
/* A fault at an instruction of a PE image, dispatched to the image's handlers; returns only
 * when none takes it. */
bool ke_pe_dispatch_fault(int sig, const siginfo_t *si, void *context);
/* An exception raised inside an export a PE image called: dispatched to the image's handlers
 * unless `so_depth` says an OpenNDIS __try is nearer; returns only when none takes it. */
void ke_pe_raise(const EXCEPTION_RECORD *r, unsigned so_depth);
/* The return addresses of the PE frames above a signal's context (a ucontext_t) whose
 * instruction lies in a PE image, walked through the image's .pdata: what a crash report
 * shows where glibc's unwinder, which reads DWARF, stops. Returns how many (0 elsewhere). */
OPENNDIS_API size_t ke_pe_backtrace(const void *context, const void **pcs, size_t max);
static inline bool ke_ms_abi_code(const void *address)
{
    return atomic_load_explicit(&ke_ms_abi_ranges, memory_order_relaxed) != 0 && ke_ms_abi_code_slow(address);
}
/* Calls driver function pointer `fn` (typed as the header declares it) with its arguments,
 * in the convention of the code it points to. */
#define KE_DRIVER_CALL(fn, ...)                                                                     \
    (ke_ms_abi_code((const void *)(fn))                                                             \
         ? ((__typeof__(*(fn)) __attribute__((ms_abi)) *)(fn))(__VA_ARGS__)                         \
         : (fn)(__VA_ARGS__))
/* Binds a PE image's imports: the Microsoft-ABI entry point of export `name` of `module`
 * ("NDIS", "NTOSKRNL"), `*stub` when it only fails. Installed by NDIS, which owns the
 * export table. */
OPENNDIS_API extern void *(*_Atomic ke_export_resolver)(const char *module, const char *name, bool *stub);

/* ---- a driver's life (driver_events.c) ----------------------------------------------------
 * The loader reports each step of a DRIVER_OBJECT's life here, and the layers that keep
 * per-driver state (NDIS) listen: the kernel relays without knowing either of them. */
struct ke_driver_events {
    /* DriverEntry is about to run; `pool` takes the driver's driver-wide allocations. */
    void (*entry_calling)(PDRIVER_OBJECT object, struct ke_pool *pool);
    void (*entry_returned)(PDRIVER_OBJECT object, NTSTATUS status);
    void (*unload_calling)(PDRIVER_OBJECT object); /* the DriverUnload routine is about to run */
    void (*unloaded)(PDRIVER_OBJECT object);       /* before the pool is released and the code unmapped */
};
/* Adds a listener (static storage; a few at most, added before drivers load). */
OPENNDIS_API void ke_driver_listen(const struct ke_driver_events *events);
void ke_driver_entry_calling(PDRIVER_OBJECT object, struct ke_pool *pool);
void ke_driver_entry_returned(PDRIVER_OBJECT object, NTSTATUS status);
void ke_driver_unload_calling(PDRIVER_OBJECT object);
void ke_driver_unloaded(PDRIVER_OBJECT object);

/* ---- deferred work (dispatcher.c) --------------------------------------------------------- */
uint64_t ke_now_ns(void);

/* A timer run by the DPC thread at DISPATCH_LEVEL: `fire` is called when it expires. */
struct ke_timer {
    uint64_t due_ns;
    uint32_t period_ms;
    bool queued;
    struct ke_timer *next;
    void (*fire)(struct ke_timer *timer);
};
/* Returns whether it was queued before (and is now re-armed). */
bool ke_timer_set(struct ke_timer *timer, uint64_t due_ns, uint32_t period_ms);
bool ke_timer_cancel(struct ke_timer *timer);
/* Waits until no DPC or timer callback for `object` is running (not from that callback). */
void ke_timer_wait_idle(const void *object);

/* Work run by the worker thread at PASSIVE_LEVEL. */
struct ke_work {
    bool queued;
    unsigned running; /* how many workers run it now (0 or 1, unless re-queued while running) */
    struct ke_work *next;
    void (*run)(struct ke_work *work);
    void *arg1, *arg2; /* set with the queueing, read by `run` */
};
/* Queues `work` with its arguments; false (and nothing changed) when it was already queued. */
bool ke_work_queue(struct ke_work *work, void *arg1, void *arg2);
/* Waits until `work` is neither queued nor running; false when called from `work` itself.
 * `was_queued` says whether it had not even started. */
bool ke_work_wait_idle(struct ke_work *work, bool *was_queued);
OPENNDIS_API void ke_work_flush(void);
bool ke_work_self(void);

/* ---- structured exceptions (seh.c) ----------------------------------------------------- */
/* Raises STATUS_ACCESS_VIOLATION (at `site`) unless every page of the range allows the
 * access; `user` also rejects ranges beyond user space. */
void ke_probe_pages_or_raise(const void *address, SIZE_T length, bool user, bool write, const void *site);

/* ---- debug output (debug.c) ---------------------------------------------------------- */
/* An EXPORT_STUB export was called: says so on stderr, naming the function, why, and the
 * driver's call site; returns STATUS_NOT_IMPLEMENTED for the stub to return. */
NTSTATUS ke_unsupported(const char *function, const char *why, const void *site);
#include <stdarg.h>
/* Formats with the Windows printf rules (l = 32 bits, I64, %ws, %wZ, ...). */
OPENNDIS_API size_t ke_vformat(char *out, size_t cap, const char *fmt, va_list ap);
OPENNDIS_API size_t ke_format(char *out, size_t cap, const char *fmt, ...);
/* The same with a wide printf's defaults (%s and %c take WCHARs, %S and %C chars). */
size_t ke_vformat_as(char *out, size_t cap, const char *fmt, va_list ap, bool wide_printf);
/* Renders one %!NAME! extension into out (NUL-terminated), taking its argument from *ap;
 * returns the length. */
typedef size_t (*ke_format_ext)(char *out, size_t cap, const char *name, va_list *ap, void *ctx);
size_t ke_vformat_ex(char *out, size_t cap, const char *fmt, va_list ap, bool wide_printf, ke_format_ext ext,
                     void *ctx);

/* ---- WPP trace records (wpp.c) ---------------------------------------------------------- */
/* "verbose", "info", "3", "off", ... -> 0 (off) to 5 (TRACE_LEVEL_VERBOSE). */
OPENNDIS_API bool ke_wpp_parse_level(const char *text, int *level);
OPENNDIS_API void ke_wpp_set_level(int level);
/* Takes the level from OPENNDIS_TRACE (unset: off); false, and why in err, for a bad value. */
OPENNDIS_API bool ke_wpp_level_from_env(char *err, size_t len);

#endif /* OPENNDIS_KE_H */
