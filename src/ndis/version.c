/* The NDIS version OpenNDIS emulates. Default: 6.89, the newest contract in ntddndis.h, so
 * that a driver built for any NDIS 6 contract registers; --ndis-version lowers it to test a
 * driver against an older NDIS. */
#include "ndis.h"

static unsigned ndis_major = 6, ndis_minor = 89;

/* MinorNdisVersion values of the NDIS 6 contracts (6.1 is spelled 1). */
static const unsigned char ndis_minors[] = { 0, 1, 20, 30, 40, 50, 51, 60, 70, 80, 81, 82,
                                             83, 84, 85, 86, 87, 88, 89 };

bool ndis_minor_version_known(unsigned minor)
{
    for (size_t i = 0; i < sizeof ndis_minors; i++)
        if (ndis_minors[i] == minor)
            return true;
    return false;
}

bool ndis_set_version(unsigned major, unsigned minor)
{
    if (major != 6 || !ndis_minor_version_known(minor))
        return false;
    ndis_major = major;
    ndis_minor = minor;
    return true;
}

void ndis_get_version(unsigned *major, unsigned *minor)
{
    *major = ndis_major;
    *minor = ndis_minor;
}

NDISAPI UINT NdisGetVersion(VOID)
{
    return (ndis_major << 16) | ndis_minor;
}
