/* The export table, expanded from exports.def. */
#include <dlfcn.h>
#include <string.h>

#include "ndis.h"

static const struct ndis_export_info ndis_exports[] = {
#define EXPORT_FN(module, name) { #module, #name, false },
#define EXPORT_STUB(module, name) { #module, #name, true },
#include "exports.def"
#undef EXPORT_FN
#undef EXPORT_STUB
};

size_t ndis_export_count(void)
{
    return sizeof ndis_exports / sizeof ndis_exports[0];
}

const struct ndis_export_info *ndis_export_at(size_t i)
{
    return i < ndis_export_count() ? &ndis_exports[i] : NULL;
}

/* MmGetSystemRoutineAddress: a routine of the kernel or the HAL by name, as drivers look up
 * what a Windows version may lack. OpenNDIS's implemented exports of those modules are
 * found; stubs and everything else are NULL, the documented "not there", so that a driver
 * takes its fallback instead of calling something that only fails. */
NTKERNELAPI PVOID MmGetSystemRoutineAddress(PUNICODE_STRING SystemRoutineName)
{
    ke_irql_at_most(PASSIVE_LEVEL, "MmGetSystemRoutineAddress", VF_CALLER);
    if (SystemRoutineName == NULL || SystemRoutineName->Buffer == NULL)
        return NULL;
    char name[128];
    size_t n = SystemRoutineName->Length / sizeof(WCHAR);
    if (n == 0 || n >= sizeof name)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        WCHAR c = SystemRoutineName->Buffer[i];
        if (c == 0 || c > 0x7e)
            return NULL;
        name[i] = (char)c;
    }
    name[n] = '\0';
    for (size_t i = 0; i < ndis_export_count(); i++) {
        const struct ndis_export_info *e = &ndis_exports[i];
        if (strcmp(e->name, name) == 0)
            return e->unsupported || strcmp(e->module, "NDIS") == 0 ? NULL : dlsym(RTLD_DEFAULT, name);
    }
    return NULL;
}
