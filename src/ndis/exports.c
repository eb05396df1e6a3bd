/* The export table, expanded from exports.def. */
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
