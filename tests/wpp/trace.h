/* The WPP configuration of the WPP test driver: one control GUID with two flags, and the
 * KMDF template's TraceEvents(LEVEL, FLAGS, MSG, ...) plus a flag-only TraceFlag. */
#ifndef WPP_TEST_TRACE_H
#define WPP_TEST_TRACE_H

#define WPP_CONTROL_GUIDS                                                            \
    WPP_DEFINE_CONTROL_GUID(WppTestGuid, (6e1a0c52, 2f3b, 4c1d, 9a0e, 5b7c3d2e1f00), \
        WPP_DEFINE_BIT(TRACE_DRIVER)                                                 \
        WPP_DEFINE_BIT(TRACE_DATAPATH)                                               \
        )

// begin_wpp config
// FUNC TraceEvents(LEVEL, FLAGS, MSG, ...);
// FUNC TraceError{LEVEL=TRACE_LEVEL_ERROR}(FLAGS, MSG, ...);
// USEPREFIX(TraceEvents, "%!STDPREFIX!");
// end_wpp

#endif
