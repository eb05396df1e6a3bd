/* OID requests into the sample driver: any request type, OID (mostly from the driver's own
 * supported list) and buffer. Each must complete within the rules: no crash, no overrun
 * (ASan), no rule violated (byte counts, completion). */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_rig *r = fuzz_rig();
    static NDIS_OID supported[256];
    static ULONG nsupported;
    if (nsupported == 0) {
        ULONG done, needed;
        ndis_adapter_oid(r->adapter[0], NdisRequestQueryInformation, OID_GEN_SUPPORTED_LIST, supported,
                         sizeof supported, &done, &needed);
        nsupported = done / sizeof(NDIS_OID);
    }
    if (size < 2)
        return 0;
    /* byte 0: request type; byte 1: index into the supported list, or 0xFF then a raw OID */
    static const NDIS_REQUEST_TYPE types[] = { NdisRequestQueryInformation, NdisRequestSetInformation,
                                               NdisRequestQueryStatistics, NdisRequestMethod };
    NDIS_REQUEST_TYPE type = types[data[0] % 4];
    NDIS_OID oid;
    size_t at = 2;
    if (data[1] == 0xFF && size >= 6) {
        memcpy(&oid, data + 2, 4);
        at = 6;
    } else {
        oid = nsupported ? supported[data[1] % nsupported] : OID_GEN_SUPPORTED_LIST;
    }
    /* Never power the adapter down or change its address mid-run: that is another test. */
    if (oid == OID_PNP_SET_POWER)
        return 0;
    size_t len = size - at;
    UCHAR *buf = malloc(len ? len : 1); /* exact size, so ASan sees any overrun */
    memcpy(buf, data + at, len);
    ULONG done = 0, needed = 0;
    ndis_adapter_oid(r->adapter[0], type, oid, buf, (ULONG)len, &done, &needed);
    free(buf);
    fuzz_no_violations();
    return 0;
}
