/* The export table, expanded from exports.def. */
#include <json-c/json.h>

#include "ndis.h"

static const struct {
    const char *module, *name;
    bool stub;
} ndis_exports[] = {
#define EXPORT_FN(module, name) { #module, #name, false },
#define EXPORT_STUB(module, name) { #module, #name, true },
#include "exports.def"
#undef EXPORT_FN
#undef EXPORT_STUB
};

struct json_object *ndis_exports_json(void)
{
    struct json_object *list = json_object_new_array();
    for (size_t i = 0; i < sizeof ndis_exports / sizeof ndis_exports[0]; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "module", json_object_new_string(ndis_exports[i].module));
        json_object_object_add(o, "name", json_object_new_string(ndis_exports[i].name));
        json_object_object_add(o, "status", json_object_new_string(ndis_exports[i].stub ? "unsupported" : "implemented"));
        json_object_array_add(list, o);
    }
    return list;
}
