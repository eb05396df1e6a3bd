/* NdisMRegisterMiniportDriver's checks of the characteristics: any bytes a driver could put
 * in the structure get a status and a reason, never a crash or a read past its size. */
#include <stdint.h>
#include <string.h>

#include "ndis/ndis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
    char why[256];
    memset(&c, 0, sizeof c);
    memcpy(&c, data, size < sizeof c ? size : sizeof c);
    NDIS_STATUS st = ndis_check_characteristics(&c, why, sizeof why);
    /* every refusal says why */
    if (st != NDIS_STATUS_SUCCESS && why[0] == '\0')
        __builtin_trap();
    return 0;
}
