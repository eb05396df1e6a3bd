/* The rule catalogue, expanded from rules.def. */
#include <string.h>

#include "vf.h"

static const struct vf_rule vf_rules[VF_RULE_COUNT] = {
#define RULE(sym, id_, name_, sev, ref, sum, lim) \
    [VF_##sym] = { .id = id_, .name = name_, .severity = VF_##sev, .reference = ref, .summary = sum, .limits = lim },
#include "rules.def"
#undef RULE
};

const struct vf_rule *vf_rule(enum vf_rule_id id)
{
    return (unsigned)id < VF_RULE_COUNT ? &vf_rules[id] : NULL;
}

const struct vf_rule *vf_rule_by_id(const char *id)
{
    for (size_t i = 0; i < VF_RULE_COUNT; i++)
        if (strcmp(vf_rules[i].id, id) == 0 || strcmp(vf_rules[i].name, id) == 0)
            return &vf_rules[i];
    return NULL;
}
