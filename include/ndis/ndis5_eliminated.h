/* NDIS 5.x entry points that NDIS 6.0 eliminated. Using one is a compile error that
 * names its NDIS 6 replacement; `openndis port` finds and rewrites them (docs/porting.md).
 * The table is ndis5_eliminated.def. */
#ifndef OPENNDIS_NDIS5_ELIMINATED_H
#define OPENNDIS_NDIS5_ELIMINATED_H

#define NDIS5_ELIMINATED(replacement, page) \
    __attribute__((unavailable("eliminated in NDIS 6.0: use " replacement " (porting guide: " page ")")))

#define NDIS5_FN(ret, name, replacement, page) NDIS5_ELIMINATED(replacement, page) void name(void);
#define NDIS5_TYPE(name, type, replacement, page) typedef type name NDIS5_ELIMINATED(replacement, page);
#include <ndis/ndis5_eliminated.def>
#undef NDIS5_FN
#undef NDIS5_TYPE

#endif
