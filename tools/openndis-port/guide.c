/* The rest of the porting guide: every NDIS 5.x call and type outside the DriverEntry rewrite,
 * named with its NDIS 6.0 replacement and the guide page. The eliminated list is the same
 * table the headers use (ndis/ndis5_eliminated.def). */
#include <stdlib.h>
#include <string.h>

#include "port.h"

struct legacy {
    const char *name, *replacement, *page;
    bool is_type;
};

static const struct legacy eliminated[] = {
#define NDIS5_FN(ret, name, replacement, page) { #name, replacement, page, false },
#define NDIS5_TYPE(name, type, replacement, page) { #name, replacement, page, true },
#include <ndis/ndis5_eliminated.def>
#undef NDIS5_FN
#undef NDIS5_TYPE
};

/* NDIS 5.x calls the guide does not list as eliminated but that have an NDIS 6.0 successor,
 * which is what OpenNDIS implements (the NDIS 5.x forms are not exported). */
static const struct legacy successors[] = {
    { "NdisMInitializeTimer", "NdisAllocateTimerObject (NDIS_TIMER_CHARACTERISTICS)", "ddi: nf-ndis-ndisallocatetimerobject", false },
    { "NdisInitializeTimer", "NdisAllocateTimerObject (NDIS_TIMER_CHARACTERISTICS)", "ddi: nf-ndis-ndisallocatetimerobject", false },
    { "NdisMSetTimer", "NdisSetTimerObject", "ddi: nf-ndis-ndissettimerobject", false },
    { "NdisSetTimer", "NdisSetTimerObject", "ddi: nf-ndis-ndissettimerobject", false },
    { "NdisMSetPeriodicTimer", "NdisSetTimerObject with a period", "ddi: nf-ndis-ndissettimerobject", false },
    { "NdisMCancelTimer", "NdisCancelTimerObject", "ddi: nf-ndis-ndiscanceltimerobject", false },
    { "NdisCancelTimer", "NdisCancelTimerObject", "ddi: nf-ndis-ndiscanceltimerobject", false },
    { "NdisAllocatePacket", "NdisAllocateNetBufferAndNetBufferList", "porting-ndis-miniport-driver-send-data-handling", false },
    { "NdisDprAllocatePacket", "NdisAllocateNetBufferAndNetBufferList", "porting-ndis-miniport-driver-send-data-handling", false },
    { "NdisFreePacket", "NdisFreeNetBufferList", "porting-ndis-miniport-driver-send-data-handling", false },
    { "NdisAllocateBufferPool", "NdisAllocateMdl (no pool)", "ddi: nf-ndis-ndisallocatemdl", false },
    { "NdisAllocateBuffer", "NdisAllocateMdl", "ddi: nf-ndis-ndisallocatemdl", false },
    { "NdisFreeBuffer", "NdisFreeMdl", "ddi: nf-ndis-ndisfreemdl", false },
    { "NdisMSynchronizeWithInterrupt", "NdisMSynchronizeWithInterruptEx", "porting-miniport-driver-interrupt-operations-to-ndis-6-0", false },
};

/* The four DriverEntry calls have their own, finer diagnostics (driver_entry.c). */
static const char *const driver_entry_calls[] = {
    "NdisMInitializeWrapper", "NdisMRegisterMiniport", "NdisMRegisterUnloadHandler", "NdisTerminateWrapper",
};
static const char *const driver_entry_types[] = {
    "NDIS_MINIPORT_CHARACTERISTICS", "PNDIS_MINIPORT_CHARACTERISTICS", "NDIS50_MINIPORT_CHARACTERISTICS",
    "NDIS51_MINIPORT_CHARACTERISTICS",
};

static const char *area_of(const char *page)
{
    static const struct { const char *key, *id; } areas[] = {
        { "driverentry", "port-driver-entry" }, { "unload", "port-unload-handler" },
        { "attributes", "port-attributes" },    { "registry", "port-configuration" },
        { "allocating-memory", "port-memory" }, { "bus-specific", "port-bus-data" },
        { "condis", "port-condis" },            { "mcm", "port-condis" },
        { "intermediate", "port-intermediate" }, { "timer", "port-timer" },
        { "send", "port-send-receive" },        { "receive", "port-send-receive" },
        { "network-data-pools", "port-send-receive" }, { "mdl", "port-send-receive" },
        { "oid", "port-oid" },                  { "status", "port-status" },
        { "interrupt", "port-interrupt" },      { "shutdown", "port-shutdown" },
        { "dma", "port-dma" },                  { "characteristics", "port-characteristics" },
    };
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++)
        if (strstr(page, areas[i].key))
            return areas[i].id;
    return "port-ndis5";
}

static const struct legacy *lookup(const char *name, bool type)
{
    for (size_t i = 0; i < sizeof eliminated / sizeof eliminated[0]; i++)
        if (eliminated[i].is_type == type && !strcmp(eliminated[i].name, name))
            return &eliminated[i];
    for (size_t i = 0; !type && i < sizeof successors / sizeof successors[0]; i++)
        if (!strcmp(successors[i].name, name))
            return &successors[i];
    return NULL;
}

static bool listed(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], name))
            return true;
    return false;
}

struct scan {
    struct port_tu *t;
    bool in_driver_entry;
    char *seen_types[64]; /* one type finding per function */
    size_t nseen;
};

static bool scan_node(CXCursor c, CXCursor parent, void *ctx)
{
    (void)parent;
    struct scan *s = ctx;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_CallExpr) {
        char *name = port_callee_name(c);
        const struct legacy *l = name ? lookup(name, false) : NULL;
        if (l && !(s->in_driver_entry && listed(name, driver_entry_calls, 4)))
            port_diag(s->t->report, PORT_WARNING, area_of(l->page), l->page, c,
                      "%s is NDIS 5.x: NDIS 6.0 uses %s", name, l->replacement);
        free(name);
    } else if (k == CXCursor_TypeRef) {
        char *name = port_spelling(c);
        const struct legacy *l = lookup(name, true);
        bool dup = listed(name, (const char *const *)s->seen_types, s->nseen);
        if (l && !dup && !(s->in_driver_entry && listed(name, driver_entry_types, 4))) {
            port_diag(s->t->report, PORT_WARNING, area_of(l->page), l->page, c,
                      "%s is NDIS 5.x: NDIS 6.0 uses %s", name, l->replacement);
            if (s->nseen < 64) {
                s->seen_types[s->nseen++] = name;
                name = NULL;
            }
        }
        free(name);
    }
    return true;
}

static void forget_types(struct scan *s)
{
    for (size_t i = 0; i < s->nseen; i++)
        free(s->seen_types[i]);
    s->nseen = 0;
}

void port_check_guide(struct port_tu *t)
{
    CXCursor *k;
    size_t n = port_children(clang_getTranslationUnitCursor(t->tu), &k);
    struct scan s = { .t = t };
    for (size_t i = 0; i < n; i++) {
        if (!port_in_main_file(k[i]))
            continue;
        s.in_driver_entry = port_is_registration_routine(k[i]);
        scan_node(k[i], clang_getTranslationUnitCursor(t->tu), &s);
        port_walk(k[i], scan_node, &s);
        if (clang_getCursorKind(k[i]) == CXCursor_FunctionDecl && clang_isCursorDefinition(k[i]))
            forget_types(&s);
    }
    forget_types(&s);
    free(k);
}
