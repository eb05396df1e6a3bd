/* Included as "Trace.h". */
#define SPELLED_TRACE_LEVEL 4
