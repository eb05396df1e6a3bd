/* IRQL. Each thread carries its own; OpenNDIS raises it for DISPATCH work and checks it on
 * every export and after every handler. */
#include "ke.h"

_Thread_local OPENNDIS_TLS KIRQL ke_current_irql = PASSIVE_LEVEL;

const char *ke_irql_name(KIRQL irql)
{
    switch (irql) {
    case PASSIVE_LEVEL: return "PASSIVE_LEVEL";
    case APC_LEVEL: return "APC_LEVEL";
    case DISPATCH_LEVEL: return "DISPATCH_LEVEL";
    case HIGH_LEVEL: return "HIGH_LEVEL";
    default: return "device IRQL";
    }
}

bool ke_irql_too_high(KIRQL max, const char *function, const void *site)
{
    KIRQL now = ke_current_irql;
    vf_violation(VF_IRQL_TOO_HIGH, function, site, "%s called at %s (%u); it requires %s%s", function,
                 ke_irql_name(now), now, max == PASSIVE_LEVEL ? "" : "<= ", ke_irql_name(max));
    return false;
}

void ke_irql_wrong_after_handler(KIRQL expected, const char *handler, const void *entry)
{
    KIRQL now = ke_current_irql;
    vf_report(VF_IRQL_NOT_RESTORED, handler, entry, true, "%s returned at %s (%u) but was called at %s (%u)",
              handler, ke_irql_name(now), now, ke_irql_name(expected), expected);
    ke_irql_set(expected);
}

NTKERNELAPI KIRQL KeGetCurrentIrql(VOID)
{
    return ke_current_irql;
}

NTKERNELAPI KIRQL KfRaiseIrql(KIRQL NewIrql)
{
    KIRQL old = ke_current_irql;
    if (NewIrql < old)
        vf_violation(VF_IRQL_BAD_TRANSITION, "KeRaiseIrql", VF_CALLER,
                     "KeRaiseIrql to %s (%u) from the higher %s (%u)", ke_irql_name(NewIrql), NewIrql,
                     ke_irql_name(old), old);
    ke_irql_set(NewIrql);
    return old;
}

NTKERNELAPI KIRQL KeRaiseIrqlToSynchLevel(VOID)
{
    KIRQL old = ke_current_irql;
    if (SYNCH_LEVEL < old)
        vf_violation(VF_IRQL_BAD_TRANSITION, "KeRaiseIrqlToSynchLevel", VF_CALLER,
                     "KeRaiseIrqlToSynchLevel from the higher %s (%u)", ke_irql_name(old), old);
    ke_irql_set(SYNCH_LEVEL);
    return old;
}

NTKERNELAPI VOID KeLowerIrql(KIRQL NewIrql)
{
    KIRQL old = ke_current_irql;
    if (NewIrql > old)
        vf_violation(VF_IRQL_BAD_TRANSITION, "KeLowerIrql", VF_CALLER,
                     "KeLowerIrql to %s (%u) from the lower %s (%u)", ke_irql_name(NewIrql), NewIrql,
                     ke_irql_name(old), old);
    ke_irql_set(NewIrql);
}

NTKERNELAPI KIRQL KeRaiseIrqlToDpcLevel(VOID)
{
    KIRQL old = ke_current_irql;
    if (old > DISPATCH_LEVEL)
        vf_violation(VF_IRQL_BAD_TRANSITION, "KeRaiseIrqlToDpcLevel", VF_CALLER,
                     "KeRaiseIrqlToDpcLevel from the higher %s (%u)", ke_irql_name(old), old);
    ke_irql_set(DISPATCH_LEVEL);
    return old;
}
