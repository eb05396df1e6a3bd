/* The library's one source. "VLIB.h" is vlib.h; MSVC's preprocessor drops the comma before
 * an empty __VA_ARGS__, which VTRACE(("...")) relies on, as VirtIO's DPrintf does. */
#include "VLIB.h"

static int VlibTraced;
static void VlibTrace(const char *Format, ...)
{
    (void)Format;
    VlibTraced++;
}
#define VTRACE(Msg, ...) VlibTrace(Msg, __VA_ARGS__)

int VlibValue(void)
{
    VTRACE(("vlib value"));
    return VLIB_RING_SIZE * 100 + VLIB_CONFIG + VlibTraced;
}
