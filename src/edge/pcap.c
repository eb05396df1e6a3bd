/* Capture: every frame crossing an adapter's upper edge, both directions, into one pcap
 * file written with libpcap's dump API (Ethernet link type), readable by tcpdump and
 * Wireshark. */
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

#include "edge.h"
#include "frame.h"

struct edge_pcap {
    pthread_mutex_t lock;
    pcap_t *dead;
    pcap_dumper_t *dumper;
    uint64_t frames;
};

struct edge_pcap *edge_pcap_open(const char *path, char *err, size_t len)
{
    struct edge_pcap *pc = calloc(1, sizeof *pc);
    if (pc == NULL) {
        snprintf(err, len, "out of memory");
        return NULL;
    }
    pc->dead = pcap_open_dead(DLT_EN10MB, EDGE_FRAME_DATA);
    pc->dumper = pc->dead ? pcap_dump_open(pc->dead, path) : NULL;
    if (pc->dumper == NULL) {
        snprintf(err, len, "%s: cannot write the capture file: %s", path, pc->dead ? pcap_geterr(pc->dead) : "libpcap");
        if (pc->dead)
            pcap_close(pc->dead);
        free(pc);
        return NULL;
    }
    pthread_mutex_init(&pc->lock, NULL);
    return pc;
}

static void edge_pcap_observer(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls, bool to_driver)
{
    struct edge_pcap *pc = ctx;
    UCHAR frame[EDGE_FRAME_DATA];
    (void)adapter;
    (void)to_driver;
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next)
        for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next) {
            size_t n = edge_nb_copy(nb, frame, sizeof frame);
            if (n == 0)
                continue;
            struct pcap_pkthdr h = { .caplen = (bpf_u_int32)n, .len = (bpf_u_int32)n };
            gettimeofday(&h.ts, NULL);
            pthread_mutex_lock(&pc->lock);
            pcap_dump((u_char *)pc->dumper, &h, frame);
            pc->frames++;
            pthread_mutex_unlock(&pc->lock);
        }
}

void edge_pcap_observe(struct edge_pcap *pc, struct ndis_adapter *adapter)
{
    ndis_adapter_observe(adapter, edge_pcap_observer, pc);
}

uint64_t edge_pcap_close(struct edge_pcap *pc)
{
    if (pc == NULL)
        return 0;
    uint64_t frames = pc->frames;
    pcap_dump_close(pc->dumper);
    pcap_close(pc->dead);
    pthread_mutex_destroy(&pc->lock);
    free(pc);
    return frames;
}
