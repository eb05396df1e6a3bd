/* OID requests into the sample driver, as a protocol and NDIS make them. Each must complete
 * within the rules: no crash, no overrun (ASan), no rule violated (byte counts, completion).
 *
 * The input is a sequence of up to 16 requests, so that a set (packet filter, lookahead,
 * multicast list) changes what later requests see. Each request is
 *   byte 0   bits 0-1: request type (query, set, statistics, method); bit 2: adapter;
 *            bits 3-4: 2 the synchronous path, 3 the direct path, else the regular one
 *   byte 1   an index into the OIDs below (the driver's supported list, those NDIS answers
 *            itself, some it knows nothing of), or 0xFF and the OID in the next 4 bytes
 *   byte 2   the buffer's length, 0-255 (exact, so that ASan sees any overrun)
 *   then the buffer's content (zeros past the end of the input).
 * The length is its own byte, so that short and exact sizes (4, 6, 8, 6n) are one mutation
 * away; fuzz/oid.dict gives the raw OIDs and values. docs/fuzzing.md has the coverage. */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"

#define FUZZ_OID_MAX_REQUESTS 16

/* Beside the driver's list: OIDs NDIS answers from the attributes, and some nobody supports. */
static const NDIS_OID fuzz_oid_extra[] = {
    OID_GEN_MAC_OPTIONS, OID_GEN_MEDIA_CONNECT_STATUS, OID_GEN_DRIVER_VERSION, OID_GEN_RCV_CRC_ERROR,
    OID_802_3_RCV_ERROR_ALIGNMENT, 0, 0xFFFFFFFFu,
};

static NDIS_OID fuzz_oids[256];
static size_t fuzz_noids;

static void fuzz_oid_table(struct fuzz_rig *r)
{
    ULONG done = 0, needed;
    ndis_adapter_oid(r->adapter[0], NdisRequestQueryInformation, OID_GEN_SUPPORTED_LIST, fuzz_oids,
                     sizeof fuzz_oids - sizeof fuzz_oid_extra, &done, &needed);
    fuzz_noids = done / sizeof(NDIS_OID);
    memcpy(fuzz_oids + fuzz_noids, fuzz_oid_extra, sizeof fuzz_oid_extra);
    fuzz_noids += sizeof fuzz_oid_extra / sizeof fuzz_oid_extra[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_rig *r = fuzz_rig(); /* brought up in LLVMFuzzerInitialize */
    static const NDIS_REQUEST_TYPE types[] = { NdisRequestQueryInformation, NdisRequestSetInformation,
                                               NdisRequestQueryStatistics, NdisRequestMethod };
    size_t at = 0;
    for (int n = 0; n < FUZZ_OID_MAX_REQUESTS && size - at >= 3; n++) {
        const uint8_t how = data[at], pick = data[at + 1];
        at += 2;
        NDIS_OID oid;
        if (pick == 0xFF && size - at >= 4) {
            memcpy(&oid, data + at, 4);
            at += 4;
        } else {
            oid = fuzz_oids[pick % fuzz_noids];
        }
        size_t len = at < size ? data[at++] : 0, have = size - at < len ? size - at : len;
        UCHAR *buf = calloc(1, len ? len : 1);
        memcpy(buf, data + at, have);
        at += have;
        /* Never power the adapter down mid-run: that is another test. */
        if (oid != OID_PNP_SET_POWER) {
            struct ndis_adapter *a = r->adapter[(how >> 2) & 1];
            enum ndis_oid_path path = ((how >> 3) & 3) == 2 ? NDIS_OID_SYNCHRONOUS
                                    : ((how >> 3) & 3) == 3 ? NDIS_OID_DIRECT : NDIS_OID_REGULAR;
            ULONG done = 0, needed = 0;
            if (path == NDIS_OID_REGULAR)
                ndis_adapter_oid(a, types[how & 3], oid, buf, (ULONG)len, &done, &needed);
            else
                ndis_adapter_oid_path(a, path, types[how & 3], oid, buf, (ULONG)len, &done, &needed);
        }
        free(buf);
        fuzz_no_violations();
    }
    return 0;
}

/* The driver is loaded before libFuzzer starts, so that its coverage counters are a module
 * of their own from the first input on. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_oid_table(fuzz_rig());
    return 0;
}
