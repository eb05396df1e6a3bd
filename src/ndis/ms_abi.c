/* The exports as a PE image calls them: one __attribute__((ms_abi)) C wrapper per export of
 * exports.def, generated at build time (cmake/MsAbiThunks.cmake reads each prototype) and
 * expanded here. A wrapper takes the Microsoft x64 convention's integer arguments (RCX, RDX,
 * R8, R9, then the stack) and calls the export in the host's System V convention; it
 * records the driver's return address for the verifier's call-site attribution (VF_CALLER)
 * and restores it after, since the export may call back into the driver.
 *
 * Every export takes integers and pointers only (the generator refuses a floating-point
 * parameter). Twelve arguments are forwarded whatever the prototype: the extra ones read
 * the caller's own stack frame and are ignored by the callee. "..." exports forward 32 slots
 * as a variadic call; a va_list parameter (the Microsoft va_list is a pointer to 8-byte slots)
 * becomes a System V va_list whose register areas are marked used, so every va_arg reads the
 * same slots in order. */
#include <stdint.h>
#include <string.h>

#include "ndis.h"

typedef uint64_t ms_u64;

#define MS_PARAMS                                                                                        \
    ms_u64 a0, ms_u64 a1, ms_u64 a2, ms_u64 a3, ms_u64 a4, ms_u64 a5, ms_u64 a6, ms_u64 a7, ms_u64 a8, \
        ms_u64 a9, ms_u64 a10, ms_u64 a11
#define MS_TYPES ms_u64, ms_u64, ms_u64, ms_u64, ms_u64, ms_u64, ms_u64, ms_u64, ms_u64, ms_u64, ms_u64, ms_u64
#define MS_ARGS a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11
#define MS_WRAPPER __attribute__((ms_abi, section("openndis_ms_thunks"), noinline)) static ms_u64
#define MS_ENTER                                                                                        \
    const void *ms_prev = vf_ms_caller;                                                                 \
    vf_ms_caller = __builtin_extract_return_addr(__builtin_return_address(0))
#define MS_LEAVE vf_ms_caller = ms_prev

/* The System V AMD64 va_list (psABI 3.5.7): offsets 48 and 304 mean "no register
 * arguments left", so va_arg takes every argument from overflow_arg_area. */
struct ms_host_va_list {
    unsigned gp_offset, fp_offset;
    void *overflow_arg_area, *reg_save_area;
};
_Static_assert(sizeof(va_list) == sizeof(struct ms_host_va_list), "System V va_list layout");

#define MS_THUNK(module, name)                                                                          \
    extern char ms_target_##name[] __asm__(#name);                                                      \
    MS_WRAPPER ms_##name(MS_PARAMS)                                                                     \
    {                                                                                                   \
        MS_ENTER;                                                                                       \
        ms_u64 r = ((ms_u64(*)(MS_TYPES))(void *)ms_target_##name)(MS_ARGS);                            \
        MS_LEAVE;                                                                                       \
        return r;                                                                                       \
    }
/* Exactly n arguments, as the prototype has them: a wrapper then copies no stack slots the
 * export never reads (bench/pe measures what the boundary costs). */
#define MS_P0 void
#define MS_P1 ms_u64 a0
#define MS_P2 MS_P1, ms_u64 a1
#define MS_P3 MS_P2, ms_u64 a2
#define MS_P4 MS_P3, ms_u64 a3
#define MS_P5 MS_P4, ms_u64 a4
#define MS_P6 MS_P5, ms_u64 a5
#define MS_P7 MS_P6, ms_u64 a6
#define MS_P8 MS_P7, ms_u64 a7
#define MS_P9 MS_P8, ms_u64 a8
#define MS_P10 MS_P9, ms_u64 a9
#define MS_P11 MS_P10, ms_u64 a10
#define MS_P12 MS_P11, ms_u64 a11
#define MS_T0 void
#define MS_T1 ms_u64
#define MS_T2 MS_T1, ms_u64
#define MS_T3 MS_T2, ms_u64
#define MS_T4 MS_T3, ms_u64
#define MS_T5 MS_T4, ms_u64
#define MS_T6 MS_T5, ms_u64
#define MS_T7 MS_T6, ms_u64
#define MS_T8 MS_T7, ms_u64
#define MS_T9 MS_T8, ms_u64
#define MS_T10 MS_T9, ms_u64
#define MS_T11 MS_T10, ms_u64
#define MS_T12 MS_T11, ms_u64
#define MS_A0
#define MS_A1 a0
#define MS_A2 MS_A1, a1
#define MS_A3 MS_A2, a2
#define MS_A4 MS_A3, a3
#define MS_A5 MS_A4, a4
#define MS_A6 MS_A5, a5
#define MS_A7 MS_A6, a6
#define MS_A8 MS_A7, a7
#define MS_A9 MS_A8, a8
#define MS_A10 MS_A9, a9
#define MS_A11 MS_A10, a10
#define MS_A12 MS_A11, a11
#define MS_THUNK_N(module, name, n)                                                                     \
    extern char ms_target_##name[] __asm__(#name);                                                      \
    MS_WRAPPER ms_##name(MS_P##n)                                                                       \
    {                                                                                                   \
        MS_ENTER;                                                                                       \
        ms_u64 r = ((ms_u64(*)(MS_T##n))(void *)ms_target_##name)(MS_A##n);                             \
        MS_LEAVE;                                                                                       \
        return r;                                                                                       \
    }
/* A "..." export: the wrapper is variadic in the Microsoft convention, which spills RCX-R9
 * to their home slots so that every argument is one 8-byte slot in order, and forwards
 * MS_VARIADIC_SLOTS of them. Slots past the caller's last argument are read from the frames
 * above it and ignored by the callee, which reads only what its format names: those reads
 * are meant, so AddressSanitizer does not check them (they may fall in a redzone of a frame
 * up the stack). */
#define MS_VARIADIC_SLOTS 32
#define MS_S8(s, i) s[i], s[i + 1], s[i + 2], s[i + 3], s[i + 4], s[i + 5], s[i + 6], s[i + 7]
#define MS_THUNK_VARIADIC(module, name)                                                                 \
    extern char ms_target_##name[] __asm__(#name);                                                      \
    __attribute__((ms_abi, section("openndis_ms_thunks"), noinline, no_sanitize("address"))) static ms_u64 \
    ms_##name(ms_u64 a0, ...)                                                                           \
    {                                                                                                   \
        MS_ENTER;                                                                                       \
        ms_u64 s[MS_VARIADIC_SLOTS] = { a0 };                                                           \
        __builtin_ms_va_list ap;                                                                        \
        __builtin_ms_va_start(ap, a0);                                                                  \
        for (int i = 1; i < MS_VARIADIC_SLOTS; i++)                                                     \
            s[i] = __builtin_va_arg(ap, ms_u64);                                                        \
        __builtin_ms_va_end(ap);                                                                        \
        ms_u64 r = ((ms_u64(*)(ms_u64, ...))(void *)ms_target_##name)(MS_S8(s, 0), MS_S8(s, 8),        \
                                                                      MS_S8(s, 16), MS_S8(s, 24));      \
        MS_LEAVE;                                                                                       \
        return r;                                                                                       \
    }
_Static_assert(MS_VARIADIC_SLOTS == 32, "MS_THUNK_VARIADIC forwards four groups of eight");
#define MS_THUNK_VALIST(module, name, index)                                                            \
    extern char ms_target_##name[] __asm__(#name);                                                      \
    MS_WRAPPER ms_##name(MS_PARAMS)                                                                     \
    {                                                                                                   \
        MS_ENTER;                                                                                       \
        ms_u64 a[12] = { MS_ARGS };                                                                     \
        va_list host;                                                                                   \
        struct ms_host_va_list *v = (struct ms_host_va_list *)(void *)host;                             \
        v->gp_offset = 48;                                                                              \
        v->fp_offset = 304;                                                                             \
        v->overflow_arg_area = (void *)(uintptr_t)a[index];                                             \
        v->reg_save_area = NULL;                                                                        \
        a[index] = (ms_u64)(uintptr_t)host;                                                             \
        ms_u64 r = ((ms_u64(*)(MS_TYPES))(void *)ms_target_##name)(a[0], a[1], a[2], a[3], a[4], a[5], \
                                                                   a[6], a[7], a[8], a[9], a[10], a[11]); \
        MS_LEAVE;                                                                                       \
        return r;                                                                                       \
    }
#include "ms_abi_thunks.gen.h"
/* The C run-time functions' argument counts (their prototypes are the C standard's). */
#define MS_CRT_memcpy 3
#define MS_CRT_memmove 3
#define MS_CRT_memset 3
#define MS_CRT_memcmp 3
#define MS_CRT_strlen 1
#define MS_CRT_strcmp 2
#define MS_CRT_strncmp 3
#define MS_CRT_strcpy 2
#define MS_CRT_strncpy 3
#define MS_CRT_strchr 2
#define MS_CRT_KeReleaseSpinLock 2
#define MS_CRT__purecall 0
#define MS_THUNK_N_(module, name, n) MS_THUNK_N(module, name, n)
#define CRT_EXPORT(module, name) MS_THUNK_N_(module, name, MS_CRT_##name)
#define CRT_EXPORT_VARIADIC(module, name) MS_THUNK_VARIADIC(module, name)
#include "crt_exports.def"
#undef CRT_EXPORT
#undef CRT_EXPORT_VARIADIC
#undef MS_THUNK
#undef MS_THUNK_N
#undef MS_THUNK_VARIADIC
#undef MS_THUNK_VALIST

struct ms_entry {
    const char *module, *name;
    void *address;
};

static const struct ms_entry ms_table[] = {
#define MS_THUNK(module, name) { #module, #name, (void *)ms_##name },
#define MS_THUNK_N(module, name, n) MS_THUNK(module, name)
#define MS_THUNK_VARIADIC(module, name) MS_THUNK(module, name)
#define MS_THUNK_VALIST(module, name, index) MS_THUNK(module, name)
#include "ms_abi_thunks.gen.h"
#define CRT_EXPORT(module, name) MS_THUNK(module, name)
#define CRT_EXPORT_VARIADIC(module, name) MS_THUNK(module, name)
#include "crt_exports.def"
#undef CRT_EXPORT
#undef CRT_EXPORT_VARIADIC
#undef MS_THUNK
#undef MS_THUNK_N
#undef MS_THUNK_VARIADIC
#undef MS_THUNK_VALIST
};

/* The kernel's exported variables (ExEventObjectType, ...): an import of data binds to the
 * variable itself. OpenNDIS's own helpers of runtime_exports.def are for .so drivers only. */
#define RUNTIME_EXPORT(module, name) extern char ms_data_##name[] __asm__(#name);
#include "runtime_exports.def"
#undef RUNTIME_EXPORT
static const struct ms_entry ms_data[] = {
#define RUNTIME_EXPORT(module, name) { #module, #name, (void *)ms_data_##name },
#include "runtime_exports.def"
#undef RUNTIME_EXPORT
};

/* The exports that raise exceptions: their PE entry first records the caller's registers
 * (ke_pe_capture_call, src/kernel/seh_pe_x64.S), so that a raise inside them is dispatched to
 * the caller's __except blocks as on Windows. The entry loads the System V export into R10. */
#if defined(__x86_64__)
#define MS_RAISING_EXPORTS(X)                                                                           \
    X(ExRaiseStatus) X(ExRaiseAccessViolation) X(ExRaiseDatatypeMisalignment) X(ProbeForRead)           \
    X(ProbeForWrite) X(MmProbeAndLockPages)
#define MS_RAISING(name)                                                                                \
    extern char ms_raising_##name[] __asm__("ms_raising_" #name);                                       \
    __asm__(".text\n.p2align 4\n.type ms_raising_" #name ", @function\nms_raising_" #name ":\n"          \
            "\tmovq " #name "@GOTPCREL(%rip), %r10\n\tjmp ke_pe_capture_call\n");
MS_RAISING_EXPORTS(MS_RAISING)
#undef MS_RAISING
static const struct ms_entry ms_raising[] = {
#define MS_RAISING(name) { "NTOSKRNL", #name, (void *)ms_raising_##name },
    MS_RAISING_EXPORTS(MS_RAISING)
#undef MS_RAISING
};
#endif

static void *ms_resolve(const char *module, const char *name, bool *stub)
{
#if defined(__x86_64__)
    for (size_t i = 0; i < sizeof ms_raising / sizeof ms_raising[0]; i++)
        if (strcmp(ms_raising[i].name, name) == 0 && strcmp(ms_raising[i].module, module) == 0) {
            *stub = false;
            return ms_raising[i].address;
        }
#endif
    for (size_t i = 0; i < sizeof ms_table / sizeof ms_table[0]; i++)
        if (strcmp(ms_table[i].name, name) == 0) {
            /* ntoskrnl.exe also serves the HAL's and WPP's (cmake/ImportLibs.cmake) */
            if (strcmp(ms_table[i].module, module) != 0 &&
                !(strcmp(module, "NTOSKRNL") == 0 &&
                  (strcmp(ms_table[i].module, "HAL") == 0 || strcmp(ms_table[i].module, "WPP") == 0)))
                return NULL;
            *stub = false;
            for (size_t k = 0; k < ndis_export_count(); k++)
                if (strcmp(ndis_export_at(k)->name, name) == 0)
                    *stub = ndis_export_at(k)->unsupported;
            return ms_table[i].address;
        }
    for (size_t i = 0; i < sizeof ms_data / sizeof ms_data[0]; i++)
        if (strcmp(ms_data[i].name, name) == 0 && strcmp(ms_data[i].module, module) == 0) {
            *stub = false;
            return ms_data[i].address;
        }
    return NULL;
}

__attribute__((constructor)) static void ms_install(void)
{
    atomic_store(&ke_export_resolver, ms_resolve);
}
