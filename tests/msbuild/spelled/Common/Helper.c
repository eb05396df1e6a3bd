/* A second source, in another directory, with the same spellings. */
#include <ndis.h>
#include "SUB\HELPER.h"

const char *HelperVersion(void)
{
    return HELPER_PREFIX SPELLED_VERSION;
}
