/* A WPP configuration written as NetKVM's Common/trace.h writes one: a comment inside
 * WPP_DEFINE_CONTROL_GUID, {Flags=...} FUNCs whose condition is the driver's own
 * WPP_Flags_LEVEL_ENABLED / WPP_Flags_LEVEL_STATUS_ENABLED (comparing with
 * WPP_CONTROL(WPP_BIT_...).Level), USEPREFIX with %!STDPREFIX! and arguments, and FUNCs with
 * no MSG whose whole format is their prefix. */
#pragma once

extern int TreeDebugLevel;

#define WPP_CONTROL_GUIDS                                                  \
    WPP_DEFINE_CONTROL_GUID(                                               \
    TreeStyle,                                                             \
    (5666D67E,281E,43ED,8B8D,4347080198AB),                                \
        WPP_DEFINE_BIT(TRACE_DRIVER)             /* bit  0 = 0x00000001 */ \
        WPP_DEFINE_BIT(TRACE_OTHER)              /* bit  1 = 0x00000002 */ \
    )

// the driver's level 0 means TRACE_LEVEL_INFORMATION
#define WPP_LEVEL_COMPARE(level) \
    (WPP_CONTROL(WPP_BIT_ ## TRACE_DRIVER).Level >= (level + TRACE_LEVEL_INFORMATION))

#define WPP_Flags_LEVEL_LOGGER(Flags, level) WPP_LEVEL_LOGGER(Flags)
#define WPP_Flags_LEVEL_ENABLED(Flags, level) \
    (level <= TreeDebugLevel || (WPP_LEVEL_COMPARE(level)))
#define WPP_Flags_LEVEL_STATUS_LOGGER(Flags, level, status) WPP_LEVEL_LOGGER(Flags)
#define WPP_Flags_LEVEL_STATUS_ENABLED(Flags, level, status) \
    (level <= TreeDebugLevel || WPP_LEVEL_COMPARE(level))

// begin_wpp config
// USEPREFIX (DPrintf, "%!STDPREFIX![%!FUNC!] ");
// FUNC DPrintf{Flags=TRACE_DRIVER}(LEVEL, MSG, ...);
//
// USEPREFIX (DEBUG_ENTRY, "%!STDPREFIX![%!FUNC!]=>");
// FUNC DEBUG_ENTRY{Flags=TRACE_DRIVER}(LEVEL, ...);
//
// USEPREFIX (DEBUG_EXIT_STATUS, "%!STDPREFIX![%!FUNC!]<= 0x%x", STATUS);
// FUNC DEBUG_EXIT_STATUS{Flags=TRACE_DRIVER}(LEVEL, STATUS);
//
// USESUFFIX (TraceNoPrefix, " (end)");
// FUNC TraceNoPrefix{Flags=TRACE_OTHER}(LEVEL, MSG, ...);
// end_wpp
