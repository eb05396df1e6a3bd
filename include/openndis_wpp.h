/* WPP software tracing for drivers built with OpenNDIS. Drivers never include this file
 * themselves: the .tmh headers that openndis-wpp generates from the driver's WPP
 * configuration do (docs/wpp.md). A trace call becomes an OpenNDIS log record with its
 * level, flag, function and line; the WPP format extensions (%!STATUS!, %!MACADDR!, ...) are
 * rendered when the record is shown. */
#ifndef OPENNDIS_WPP_H
#define OPENNDIS_WPP_H

#include <ntdef.h>

/* evntrace.h's levels */
#ifndef TRACE_LEVEL_NONE
#define TRACE_LEVEL_NONE 0
#define TRACE_LEVEL_CRITICAL 1
#define TRACE_LEVEL_FATAL 1
#define TRACE_LEVEL_ERROR 2
#define TRACE_LEVEL_WARNING 3
#define TRACE_LEVEL_INFORMATION 4
#define TRACE_LEVEL_VERBOSE 5
#endif

/* WPP_INIT_TRACING: names the driver's control GUIDs (shown once); WPP_CLEANUP: the end.
 * The driver's arguments (DriverObject, RegistryPath) are passed on and not used, so that a
 * parameter used only for tracing stays used. */
OPENNDIS_EXTERN_C_BEGIN
OPENNDIS_API VOID openndis_wpp_init(const char *control_guids, ...);
OPENNDIS_API VOID openndis_wpp_cleanup(int unused, ...);
/* Whether a record at `level` would be shown: as with WPP, a trace call's arguments are not
 * evaluated when it is not. */
OPENNDIS_API BOOLEAN openndis_wpp_enabled(int level);
/* One trace call. `flag` is the WPP_DEFINE_BIT name (or NULL), `level` a TRACE_LEVEL_*. */
OPENNDIS_API VOID openndis_wpp_trace(const char *macro, const char *flag, int level, const char *function,
                                     const char *file, int line, const char *format, ...);
OPENNDIS_EXTERN_C_END

/* WPP_CONTROL(WPP_BIT_X): what a driver's own WPP_<...>_ENABLED macros read (NetKVM compares
 * its levels with WPP_CONTROL(WPP_BIT_TRACE_DRIVER).Level): the level shown, every flag on. */
typedef struct {
    UCHAR Level;
    ULONG Flags[1];
} OPENNDIS_WPP_CONTROL_BLOCK;
static inline OPENNDIS_WPP_CONTROL_BLOCK openndis_wpp_control(void)
{
    OPENNDIS_WPP_CONTROL_BLOCK Block = {0, {0xFFFFFFFFu}};
    for (int Level = TRACE_LEVEL_VERBOSE; Level > TRACE_LEVEL_NONE && !Block.Level; Level--)
        if (openndis_wpp_enabled(Level))
            Block.Level = (UCHAR)Level;
    return Block;
}
#define WPP_CONTROL(bit) (openndis_wpp_control())

#endif
