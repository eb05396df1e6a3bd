/* NET_BUFFER_LIST shapes into the sample driver's send path: one NBL with 1-4 NET_BUFFERs,
 * each over a chain of 1-3 MDLs of any sizes, with any DataOffset, addressed to the other
 * adapter. The send must complete exactly once, what arrives must be what was sent, and no
 * rule may be violated. */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"

static PNET_BUFFER_LIST fuzz_completed;
static void fuzz_send_complete(void *ctx, struct ndis_adapter *a, PNET_BUFFER_LIST nbls)
{
    (void)ctx;
    (void)a;
    if (fuzz_completed != NULL)
        abort(); /* completed twice */
    fuzz_completed = nbls;
}
static const struct ndis_upper_edge fuzz_edge = { .send_complete = fuzz_send_complete };

static size_t take(const uint8_t **data, size_t *size)
{
    if (*size == 0)
        return 0;
    (*size)--;
    return *(*data)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_rig *r = fuzz_rig();
    static bool attached;
    if (!attached) {
        edge_loopback_close(r->edge[0]); /* this program is the protocol on adapter 0 */
        ndis_adapter_attach(r->adapter[0], &fuzz_edge, NULL);
        attached = true;
    }
    enum { MAX_NB = 4, MAX_MDL = 3 };
    static UCHAR bytes[MAX_NB][MAX_MDL][600];
    MDL mdl[MAX_NB][MAX_MDL];
    NET_BUFFER nb[MAX_NB];
    NET_BUFFER_LIST nbl;
    memset(nb, 0, sizeof nb);
    memset(&nbl, 0, sizeof nbl);
    size_t nnb = 1 + take(&data, &size) % MAX_NB, expect_len[MAX_NB];
    for (size_t i = 0; i < nnb; i++) {
        size_t nmdl = 1 + take(&data, &size) % MAX_MDL, total = 0;
        for (size_t k = 0; k < nmdl; k++) {
            size_t count = 1 + take(&data, &size) * 2; /* 1..511 bytes */
            for (size_t b = 0; b < count; b++)
                bytes[i][k][b] = (UCHAR)(i * 31 + k * 7 + b);
            mdl[i][k] = (MDL){ .Size = sizeof(MDL), .MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL,
                               .MappedSystemVa = bytes[i][k], .ByteCount = (ULONG)count,
                               .Next = k + 1 < nmdl ? &mdl[i][k + 1] : NULL };
            total += count;
        }
        size_t offset = take(&data, &size) % total;
        if (total - offset < 14)
            offset = total >= 14 ? total - 14 : 0;
        size_t length = total - offset;
        if (length < 14)
            return 0; /* shorter than an Ethernet header: no protocol sends that */
        if (length > 1514)
            length = 1514;
        /* the header: destination adapter 1, source adapter 0, written across MDL boundaries */
        UCHAR header[14];
        memcpy(header, r->mac[1], 6);
        memcpy(header + 6, r->mac[0], 6);
        header[12] = 0x88;
        header[13] = 0xB5;
        PMDL m = &mdl[i][0];
        size_t skip = offset;
        while (skip >= m->ByteCount) {
            skip -= m->ByteCount;
            m = m->Next;
        }
        nb[i].MdlChain = &mdl[i][0];
        nb[i].CurrentMdl = m;
        nb[i].CurrentMdlOffset = (ULONG)skip;
        nb[i].DataOffset = (ULONG)offset;
        nb[i].DataLength = (ULONG)length;
        nb[i].Next = i + 1 < nnb ? &nb[i + 1] : NULL;
        for (size_t h = 0; h < 14; h++) {
            ((UCHAR *)m->MappedSystemVa)[skip] = header[h];
            if (++skip == m->ByteCount) {
                m = m->Next;
                skip = 0;
            }
        }
        expect_len[i] = length;
    }
    nbl.FirstNetBuffer = &nb[0];
    fuzz_completed = NULL;
    ndis_adapter_send(r->adapter[0], &nbl);
    if (fuzz_completed != &nbl)
        abort(); /* the sample completes sends before returning */
    if (nbl.Status == NDIS_STATUS_SUCCESS) {
        UCHAR got[2048];
        for (size_t i = 0; i < nnb; i++) {
            ssize_t n = edge_loopback_recv(r->edge[1], got, sizeof got);
            if (n != (ssize_t)expect_len[i] || memcmp(got, r->mac[1], 6) != 0)
                abort();
        }
    }
    while (edge_loopback_recv(r->edge[1], (UCHAR[2048]){ 0 }, 2048) >= 0)
        ;
    fuzz_no_violations();
    return 0;
}
