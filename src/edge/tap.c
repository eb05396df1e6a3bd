/* The TAP edge: each adapter becomes a Linux Ethernet interface. Frames Linux sends are read
 * from the TAP descriptor (several per wake-up) and handed to MiniportSendNetBufferLists as
 * one chain; frames the driver indicates are written back. The interface gets the adapter's
 * MAC address and MTU, and its carrier follows NDIS_STATUS_LINK_STATE indications. While the
 * adapter is not running, frames from Linux are dropped and counted. An adapter whose medium
 * is IP (NdisMediumIP: a tunnel such as Wintun) becomes a TUN interface instead: IP packets
 * without an Ethernet header, no MAC address and no multicast list. An adapter with task
 * offloads turned on gets the interface opened with virtio-net headers (IFF_VNET_HDR): Linux
 * hands it checksums to finish and TCP segments to cut as its offloads allow (TUNSETOFFLOAD),
 * and its receive checksum results and coalesced segments reach Linux (offload.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "edge.h"
#include "frame.h"
#include "../common/inet.h"
#include "offload.h"

#define EDGE_TAP_BATCH 32
#define EDGE_TAP_MAX_MCAST 32
/* The TAP's transmit ring (txqueuelen): Linux drops what does not fit, and tun releases a
 * frame's socket accounting as it queues it, so TCP is not held back before the ring fills.
 * A ring that holds the send windows of a few TCP flows (net.ipv4.tcp_wmem's 4 MiB is ~2800
 * full frames each) lets TCP run at the reader's pace without loss; Linux's 1000 lost
 * thousands of frames a second under one iperf3 flow (docs/benchmarks.md). */
#define EDGE_TAP_TXQUEUELEN 10000

struct edge_tap {
    struct ndis_adapter *adapter;
    ULONG filter;               /* what the last sync set */
    UCHAR mcast[EDGE_TAP_MAX_MCAST][6];
    unsigned mcast_count;
    bool ip; /* a TUN interface for an NdisMediumIP adapter */
    bool vnet; /* each frame read and written starts with a struct virtio_net_hdr */
    bool encapsulated; /* under `lock`: the offloads were on when `offload` was read */
    ULONG mtu;
    struct edge_offload offload; /* under `lock`: what the adapter takes now */
    int fd;
    int tx_dropped_fd; /* the netdev's sysfs tx_dropped, opened at creation: still readable after
                        * the interface moves to another namespace or the run drops root */
    int wake[2]; /* writing a byte stops the reader */
    char name[IFNAMSIZ];
    pthread_t reader;
    bool reader_running;
    pthread_mutex_t lock;
    pthread_cond_t idle;        /* the reader stopped using `adapter` */
    unsigned users;             /* reader calls into the adapter under way (lock): sends, returns */
    struct edge_frames frames;
    struct edge_tap_stats stats;
};

/* The adapter, held until edge_tap_put: its detach (at halt) waits for the reader to let go. */
static struct ndis_adapter *edge_tap_take(struct edge_tap *t)
{
    pthread_mutex_lock(&t->lock);
    struct ndis_adapter *adapter = t->adapter;
    if (adapter != NULL)
        t->users++;
    pthread_mutex_unlock(&t->lock);
    return adapter;
}

static void edge_tap_put(struct edge_tap *t)
{
    pthread_mutex_lock(&t->lock);
    if (--t->users == 0)
        pthread_cond_broadcast(&t->idle);
    pthread_mutex_unlock(&t->lock);
}

/* Where a frame's IP header starts: after the Ethernet header and an 802.1Q tag if any. */
static size_t edge_tap_l3(const struct edge_tap *t, const UCHAR *frame, size_t len)
{
    if (t->ip)
        return 0;
    return len >= 18 && frame[12] == 0x81 && frame[13] == 0x00 ? 18 : 14;
}

/* Gathers the first `cap` bytes of the data `iov` points to into `out`; returns how many. */
static size_t edge_tap_gather(const struct iovec *iov, int n, UCHAR *out, size_t cap)
{
    size_t at = 0;
    for (int i = 0; i < n && at < cap; i++) {
        size_t k = iov[i].iov_len < cap - at ? iov[i].iov_len : cap - at;
        memcpy(out + at, iov[i].iov_base, k);
        at += k;
    }
    return at;
}

/* Writes one indicated frame to the TAP descriptor straight from the NET_BUFFER's MDLs (one
 * writev is one packet), after its virtio-net header if the interface has them (and the
 * edge's copy of the first bytes, when the header needs them changed); a chain of more MDLs
 * than the iovec holds is gathered into a copy first. */
static bool edge_tap_write(struct edge_tap *t, PNET_BUFFER_LIST nbl, PNET_BUFFER nb)
{
    struct iovec iov[18], *data = iov + 2;
    struct virtio_net_hdr hdr;
    UCHAR head[EDGE_OFFLOAD_HEAD]; /* written from, so it lives as long as the iovec */
    int n = 0;
    ULONG left = nb->DataLength, offset = nb->CurrentMdlOffset;
    if (left == 0 || left > EDGE_FRAME_MAX)
        return false;
    for (PMDL mdl = nb->CurrentMdl; mdl && left && n < 16; mdl = mdl->Next, offset = 0, n++) {
        ULONG len = mdl->ByteCount - offset < left ? mdl->ByteCount - offset : left;
        data[n] = (struct iovec){ (UCHAR *)MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) + offset, len };
        left -= len;
    }
    UCHAR *copy = NULL;
    if (left != 0) { /* more MDLs than iovecs, or a chain shorter than DataLength */
        if ((copy = malloc(nb->DataLength)) == NULL || edge_nb_copy(nb, copy, nb->DataLength) == 0) {
            free(copy);
            return false;
        }
        data[0] = (struct iovec){ copy, nb->DataLength };
        n = 1;
    }
    struct iovec *first = data;
    if (t->vnet) {
        size_t head_len = edge_tap_gather(data, n, head, sizeof head);
        size_t patched = edge_offload_to_linux(nbl, head, head_len, nb->DataLength, edge_tap_l3(t, head, head_len),
                                               t->mtu, &hdr);
        if (patched != 0) { /* the changed first bytes from the copy, the rest from the frame */
            for (size_t skip = patched; skip != 0;) {
                size_t k = data->iov_len < skip ? data->iov_len : skip;
                data->iov_base = (UCHAR *)data->iov_base + k;
                data->iov_len -= k;
                skip -= k;
                if (data->iov_len == 0) {
                    data++;
                    n--;
                }
            }
            *--data = (struct iovec){ head, patched };
            n++;
        }
        *--data = (struct iovec){ &hdr, sizeof hdr };
        n++;
        first = data;
    }
    bool ok = writev(t->fd, first, n) == (ssize_t)(nb->DataLength + (t->vnet ? sizeof hdr : 0));
    free(copy);
    return ok;
}

static void edge_tap_receive(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls)
{
    struct edge_tap *t = ctx;
    uint64_t written = 0, dropped = 0;
    (void)adapter;
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next)
        for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next) {
            if (edge_tap_write(t, nbl, nb))
                written++;
            else
                dropped++;
        }
    pthread_mutex_lock(&t->lock);
    t->stats.to_linux += written;
    t->stats.dropped += dropped;
    pthread_mutex_unlock(&t->lock);
}

static void edge_tap_send_complete(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls)
{
    struct edge_tap *t = ctx;
    uint64_t ok = 0, failed = 0;
    (void)adapter;
    edge_frames_put_chain(&t->frames, nbls, &ok, &failed);
    if (failed != 0) {
        pthread_mutex_lock(&t->lock);
        t->stats.dropped += failed;
        pthread_mutex_unlock(&t->lock);
    }
}

static void edge_tap_carrier(struct edge_tap *t, NDIS_MEDIA_CONNECT_STATE state)
{
#ifdef TUNSETCARRIER
    int on = state != MediaConnectStateDisconnected;
    ioctl(t->fd, TUNSETCARRIER, &on); /* older kernels lack it: the carrier then stays on */
#else
    (void)t;
    (void)state;
#endif
}

/* What the adapter's offloads take now (none when it set no offload attributes); with
 * `in_use`, none either until they were turned on (OID_OFFLOAD_ENCAPSULATION). */
static struct edge_offload edge_tap_current_offloads(struct ndis_adapter *adapter, bool in_use)
{
    NDIS_OFFLOAD current;
    struct edge_offload o;
    memset(&o, 0, sizeof o);
    if (ndis_adapter_offload(adapter, &current) && (!in_use || ndis_adapter_offload_encapsulated(adapter)))
        edge_offload_from_ndis(&current, &o);
    return o;
}

/* Asks Linux for what the adapter's offloads take now (an interface with virtio-net headers). */
static void edge_tap_offloads(struct edge_tap *t, struct ndis_adapter *adapter)
{
    struct edge_offload o = edge_tap_current_offloads(adapter, true);
    pthread_mutex_lock(&t->lock);
    t->offload = o;
    t->encapsulated = ndis_adapter_offload_encapsulated(adapter);
    pthread_mutex_unlock(&t->lock);
    if (t->vnet)
        ioctl(t->fd, TUNSETOFFLOAD, (unsigned long)edge_offload_tun_flags(&o));
}

static void edge_tap_status(void *ctx, struct ndis_adapter *adapter, const NDIS_STATUS_INDICATION *ind)
{
    if (ind->StatusCode == NDIS_STATUS_LINK_STATE)
        edge_tap_carrier(ctx, ((const NDIS_LINK_STATE *)ind->StatusBuffer)->MediaConnectState);
    if (ind->StatusCode == NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG)
        edge_tap_offloads(ctx, adapter);
}

static void edge_tap_detached(void *ctx, struct ndis_adapter *adapter)
{
    struct edge_tap *t = ctx;
    (void)adapter;
    pthread_mutex_lock(&t->lock);
    t->adapter = NULL;
    while (t->users != 0) /* the reader may be handing the adapter frames or returns */
        pthread_cond_wait(&t->idle, &t->lock);
    pthread_mutex_unlock(&t->lock);
}

static const struct ndis_upper_edge edge_tap_ops = {
    .receive = edge_tap_receive,
    .send_complete = edge_tap_send_complete,
    .status = edge_tap_status,
    .detached = edge_tap_detached,
};

#define EDGE_TAP_RETURN_MS 20 /* how long receive returns may wait while Linux sends nothing */

/* A batch of frames read from Linux, becoming one chain to send. */
struct edge_tap_batch {
    struct edge_tap *t;
    PNET_BUFFER_LIST head, *tail;
    unsigned frames, dropped;
};

static bool edge_tap_add(void *ctx, const UCHAR *data, size_t len)
{
    struct edge_tap_batch *b = ctx;
    struct edge_frame *f = edge_frame_get(&b->t->frames, data, len, b->t);
    if (f == NULL) {
        b->dropped++;
        return false;
    }
    *b->tail = &f->nbl;
    b->tail = &f->nbl.Next;
    b->frames++;
    return true;
}

/* One frame read with its virtio-net header: sent with the offload information Linux's
 * header calls for, or cut into segments here when the adapter cannot take it whole. */
static void edge_tap_add_offloaded(struct edge_tap_batch *b, const struct edge_offload *o, UCHAR *buf, size_t len)
{
    struct virtio_net_hdr hdr;
    if (len < sizeof hdr) {
        b->dropped++;
        return;
    }
    memcpy(&hdr, buf, sizeof hdr);
    UCHAR *data = buf + sizeof hdr;
    len -= sizeof hdr;
    size_t l3 = edge_tap_l3(b->t, data, len);
    NET_BUFFER_LIST info; /* where the decision leaves the NBL information */
    memset(info.NetBufferListInfo, 0, sizeof info.NetBufferListInfo);
    switch (edge_offload_from_linux(o, &hdr, data, len, l3, &info)) {
    case EDGE_OFFLOAD_SEND: {
        PNET_BUFFER_LIST *at = b->tail;
        if (edge_tap_add(b, data, len))
            memcpy((*at)->NetBufferListInfo, info.NetBufferListInfo, sizeof info.NetBufferListInfo);
        return;
    }
    case EDGE_OFFLOAD_SEGMENT:
        if (!inet_segment_tcp(data, len, l3, hdr.csum_start ? hdr.csum_start : l3 + (size_t)(data[l3] & 0x0f) * 4,
                              hdr.gso_size, edge_tap_add, b))
            b->dropped++;
        return;
    case EDGE_OFFLOAD_DROP:
        b->dropped++;
        return;
    }
}

static void *edge_tap_reader(void *arg)
{
    struct edge_tap *t = arg;
    size_t cap = EDGE_FRAME_MAX + sizeof(struct virtio_net_hdr);
    UCHAR *buf = malloc(cap);
    struct pollfd p[2] = { { .fd = t->fd, .events = POLLIN }, { .fd = t->wake[0], .events = POLLIN } };
    if (buf == NULL)
        goto gone;
    for (;;) {
        int ready = poll(p, 2, EDGE_TAP_RETURN_MS);
        if (ready < 0 && errno != EINTR)
            break;
        if (ready == 0) {
            /* Quiet: what the kernel side took of the driver's receives still goes back. A
             * driver may wait for its NBLs (Wintun, closing a client's rings) while Linux
             * sends nothing that would carry the returns along. */
            struct ndis_adapter *adapter = edge_tap_take(t);
            if (adapter != NULL) {
                ndis_adapter_return_pending(adapter);
                edge_tap_put(t);
            }
            continue;
        }
        if (p[1].revents)
            break;
        if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
            goto gone;
        /* Take what is there, up to a batch, and send it as one chain. */
        struct edge_tap_batch b = { .t = t };
        b.tail = &b.head;
        struct edge_offload o;
        pthread_mutex_lock(&t->lock);
        o = t->offload;
        pthread_mutex_unlock(&t->lock);
        for (unsigned reads = 0; reads < EDGE_TAP_BATCH; reads++) {
            ssize_t len = read(t->fd, buf, cap);
            if (len < 0 && (errno == EAGAIN || errno == EINTR))
                break;
            if (len < 0)
                goto gone; /* EBADFD: the interface was deleted */
            if (t->vnet)
                edge_tap_add_offloaded(&b, &o, buf, (size_t)len);
            else if (!edge_tap_add(&b, buf, (size_t)len))
                break;
        }
        pthread_mutex_lock(&t->lock);
        t->stats.from_linux += b.frames;
        t->stats.dropped += b.dropped;
        pthread_mutex_unlock(&t->lock);
        struct ndis_adapter *adapter = b.head != NULL ? edge_tap_take(t) : NULL;
        if (adapter != NULL) {
            ndis_adapter_send(adapter, b.head);
            edge_tap_put(t);
        } else {
            for (PNET_BUFFER_LIST nbl = b.head, next; nbl; nbl = next) {
                next = nbl->Next;
                edge_frame_put(&t->frames, nbl);
            }
        }
    }
    free(buf);
    return NULL;
gone:
    free(buf);
    pthread_mutex_lock(&t->lock);
    t->stats.gone = true;
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

/* Sets MAC, MTU, transmit queue length and IFF_UP through an ordinary socket's interface ioctls. */
static bool edge_tap_configure(struct edge_tap *t, const UCHAR *mac, unsigned mac_len, ULONG mtu, char *err,
                               size_t len)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        snprintf(err, len, "socket: %s", strerror(errno));
        return false;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", t->name);
    bool ok = true;
    if (mac_len == 6) {
        ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
        memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
        if (ioctl(s, SIOCSIFHWADDR, &ifr) < 0) {
            snprintf(err, len, "%s: setting the MAC address: %s", t->name, strerror(errno));
            ok = false;
        }
    }
    if (ok && mtu >= 68) {
        ifr.ifr_mtu = (int)mtu;
        if (ioctl(s, SIOCSIFMTU, &ifr) < 0) {
            snprintf(err, len, "%s: setting the MTU to %u: %s", t->name, mtu, strerror(errno));
            ok = false;
        }
    }
    if (ok) {
        ifr.ifr_qlen = EDGE_TAP_TXQUEUELEN;
        if (ioctl(s, SIOCSIFTXQLEN, &ifr) < 0) {
            snprintf(err, len, "%s: setting the transmit queue to %d frames: %s", t->name, EDGE_TAP_TXQUEUELEN,
                     strerror(errno));
            ok = false;
        }
    }
    if (ok && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
            snprintf(err, len, "%s: bringing it up: %s", t->name, strerror(errno));
            ok = false;
        }
    }
    close(s);
    return ok;
}

/* The interface's sysfs tx_dropped, if /sys shows this network namespace: a /sys mounted for
 * another one (unshare -n without a remount) may hold a namesake, told apart by ifindex. */
static int edge_tap_open_kernel_drops(const char *name)
{
    char path[64 + IFNAMSIZ], buf[32];
    snprintf(path, sizeof path, "/sys/class/net/%s/ifindex", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    if (strtoul(buf, NULL, 10) != if_nametoindex(name))
        return -1;
    snprintf(path, sizeof path, "/sys/class/net/%s/statistics/tx_dropped", name);
    return open(path, O_RDONLY | O_CLOEXEC);
}

/* Caps the TCP segments Linux builds for the interface at `max` bytes (IFLA_GSO_MAX_SIZE,
 * over rtnetlink), so that they fit the adapter's LSO whole instead of being cut here. Best
 * effort: a kernel that refuses leaves the edge cutting what does not fit. */
static void edge_tap_gso_limit(const char *name, ULONG max)
{
    struct {
        struct nlmsghdr h;
        struct ifinfomsg i;
        struct rtattr a;
        uint32_t size;
    } req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = RTM_NEWLINK;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    req.i.ifi_family = AF_UNSPEC;
    req.i.ifi_index = (int)if_nametoindex(name);
    req.a.rta_type = IFLA_GSO_MAX_SIZE;
    req.a.rta_len = RTA_LENGTH(sizeof req.size);
    req.size = max;
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (s < 0 || req.i.ifi_index == 0) {
        if (s >= 0)
            close(s);
        return;
    }
    char ack[256];
    if (send(s, &req, sizeof req, 0) == (ssize_t)sizeof req)
        (void)!recv(s, ack, sizeof ack, 0); /* the ack; a refusal changes nothing */
    close(s);
}

struct edge_tap *edge_tap_open(struct ndis_adapter *adapter, const char *name, char *err, size_t len)
{
    struct edge_tap *t = calloc(1, sizeof *t);
    if (t == NULL) {
        snprintf(err, len, "out of memory");
        return NULL;
    }
    t->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (t->fd < 0) {
        if (errno == ENOENT || errno == ENODEV)
            snprintf(err, len, "/dev/net/tun is missing: load the tun module (modprobe tun) or use the loopback edge");
        else
            snprintf(err, len, "cannot open /dev/net/tun: %s (creating a TAP interface needs root or CAP_NET_ADMIN; the loopback edge needs neither)",
                     strerror(errno));
        free(t);
        return NULL;
    }
    pthread_mutex_lock(&adapter->lock);
    t->ip = adapter->general.MediaType == NdisMediumIP;
    t->mtu = adapter->general.MtuSize;
    pthread_mutex_unlock(&adapter->lock);
    /* headers if the adapter advertises offloads; using them waits until they are turned on */
    struct edge_offload advertised = edge_tap_current_offloads(adapter, false);
    t->vnet = edge_offload_tun_flags(&advertised) != 0 || advertised.rx_any;
    t->offload = edge_tap_current_offloads(adapter, true);
    t->encapsulated = ndis_adapter_offload_encapsulated(adapter);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = (t->ip ? IFF_TUN : IFF_TAP) | IFF_NO_PI | (t->vnet ? IFF_VNET_HDR : 0);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name ? name : "ndis%d");
    if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
        snprintf(err, len, "cannot create %s interface %s: %s%s", t->ip ? "TUN" : "TAP", ifr.ifr_name, strerror(errno),
                 errno == EPERM ? " (it needs root or CAP_NET_ADMIN; the loopback edge needs neither)"
                 : errno == EBUSY ? " (the name is taken)" : "");
        close(t->fd);
        free(t);
        return NULL;
    }
    snprintf(t->name, sizeof t->name, "%s", ifr.ifr_name);
    int hdr_size = sizeof(struct virtio_net_hdr);
    if (t->vnet && (ioctl(t->fd, TUNSETVNETHDRSZ, &hdr_size) < 0 ||
                    ioctl(t->fd, TUNSETOFFLOAD, (unsigned long)edge_offload_tun_flags(&t->offload)) < 0)) {
        snprintf(err, len, "%s: setting up virtio-net headers for the adapter's task offloads: %s", ifr.ifr_name,
                 strerror(errno));
        close(t->fd);
        free(t);
        return NULL;
    }
    t->tx_dropped_fd = edge_tap_open_kernel_drops(t->name);

    UCHAR mac[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    pthread_mutex_lock(&adapter->lock);
    unsigned mac_len = t->ip ? 0 : adapter->general.MacAddressLength;
    memcpy(mac, adapter->general.CurrentMacAddress, sizeof mac);
    ULONG mtu = adapter->general.MtuSize;
    NDIS_MEDIA_CONNECT_STATE link = adapter->link.MediaConnectState;
    pthread_mutex_unlock(&adapter->lock);
    ULONG lso = advertised.lso_v4_max;
    if (advertised.lso_v6_max != 0 && (lso == 0 || advertised.lso_v6_max < lso))
        lso = advertised.lso_v6_max;
    if (t->vnet && lso != 0 && lso < 65536)
        edge_tap_gso_limit(t->name, lso);
    if (!edge_tap_configure(t, mac, mac_len, mtu, err, len) || pipe2(t->wake, O_CLOEXEC) != 0) {
        if (t->tx_dropped_fd >= 0)
            close(t->tx_dropped_fd);
        close(t->fd);
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->idle, NULL);
    edge_frames_init(&t->frames);
    t->adapter = adapter;
    edge_tap_carrier(t, link);
    ndis_adapter_attach(adapter, &edge_tap_ops, t);
    t->reader_running = pthread_create(&t->reader, NULL, edge_tap_reader, t) == 0;
    return t;
}

/* The multicast addresses Linux has joined on the interface, from /proc/net/dev_mcast. */
static unsigned edge_tap_read_mcast(unsigned ifindex, UCHAR out[][6], unsigned max, bool *overflow)
{
    FILE *f = fopen("/proc/net/dev_mcast", "r");
    unsigned n = 0, idx, users, global;
    char name[IFNAMSIZ + 1], hex[64];
    *overflow = false;
    if (f == NULL)
        return 0;
    while (fscanf(f, "%u %16s %u %u %63s", &idx, name, &users, &global, hex) == 5) {
        if (idx != ifindex || strlen(hex) != 12)
            continue;
        if (n == max) {
            *overflow = true;
            continue;
        }
        for (int i = 0; i < 6; i++) {
            char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };
            out[n][i] = (UCHAR)strtoul(byte, NULL, 16);
        }
        n++;
    }
    fclose(f);
    return n;
}

ULONG edge_tap_sync_filter(struct edge_tap *t)
{
    unsigned ifindex = if_nametoindex(t->name);
    pthread_mutex_lock(&t->lock);
    struct ndis_adapter *adapter = t->adapter;
    ULONG current = t->filter;
    bool encapsulated = t->encapsulated;
    pthread_mutex_unlock(&t->lock);
    if (adapter != NULL && ndis_adapter_offload_encapsulated(adapter) != encapsulated)
        edge_tap_offloads(t, adapter); /* a protocol turned the offloads on (or off) */
    if (ifindex == 0 || adapter == NULL || t->ip)
        return current; /* moved to another namespace, or halted, or IP: keep what was set */
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", t->name);
    short flags = (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) ? ifr.ifr_flags : 0;
    if (s >= 0)
        close(s);

    UCHAR mcast[EDGE_TAP_MAX_MCAST][6];
    ULONG done, needed, max_list = adapter->general.MaxMulticastListSize;
    bool overflow;
    unsigned limit = max_list < EDGE_TAP_MAX_MCAST ? max_list : EDGE_TAP_MAX_MCAST;
    unsigned count = edge_tap_read_mcast(ifindex, mcast, limit, &overflow);
    ULONG filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;
    if (flags & IFF_PROMISC)
        filter |= NDIS_PACKET_TYPE_PROMISCUOUS;
    if ((flags & IFF_ALLMULTI) || overflow)
        filter |= NDIS_PACKET_TYPE_ALL_MULTICAST;
    else if (count > 0)
        filter |= NDIS_PACKET_TYPE_MULTICAST;
    filter &= adapter->general.SupportedPacketFilters ? adapter->general.SupportedPacketFilters : ~0u;

    if (count != t->mcast_count || memcmp(mcast, t->mcast, count * 6) != 0) {
        if (ndis_adapter_oid(adapter, NdisRequestSetInformation, OID_802_3_MULTICAST_LIST, mcast, count * 6, &done,
                             &needed) == NDIS_STATUS_SUCCESS) {
            memcpy(t->mcast, mcast, count * 6);
            t->mcast_count = count;
        }
    }
    if (filter != current &&
        ndis_adapter_oid(adapter, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, sizeof filter,
                         &done, &needed) == NDIS_STATUS_SUCCESS) {
        pthread_mutex_lock(&t->lock);
        t->filter = filter;
        pthread_mutex_unlock(&t->lock);
        current = filter;
    }
    return current;
}

const char *edge_tap_name(const struct edge_tap *t)
{
    return t->name;
}

/* Frames Linux queued on the interface that never reached the reader: the TAP's transmit
 * ring was full (or the interface could not take them). The open sysfs attribute follows the
 * device across namespaces; once the device is gone the read fails and the last value stays. */
static bool edge_tap_read_kernel_drops(struct edge_tap *t, uint64_t *out)
{
    char buf[32];
    ssize_t n = t->tx_dropped_fd >= 0 ? pread(t->tx_dropped_fd, buf, sizeof buf - 1, 0) : -1;
    if (n <= 0)
        return false;
    buf[n] = 0;
    *out = strtoull(buf, NULL, 10);
    return true;
}

void edge_tap_stats(struct edge_tap *t, struct edge_tap_stats *out)
{
    uint64_t kernel;
    bool counted = edge_tap_read_kernel_drops(t, &kernel); /* outside the lock the reader takes */
    pthread_mutex_lock(&t->lock);
    if (counted) {
        t->stats.kernel_tx_dropped = kernel;
        t->stats.kernel_counted = true;
    }
    *out = t->stats;
    pthread_mutex_unlock(&t->lock);
}

void edge_tap_close(struct edge_tap *t)
{
    if (t == NULL)
        return;
    if (t->reader_running) {
        (void)!write(t->wake[1], "x", 1);
        pthread_join(t->reader, NULL);
    }
    pthread_mutex_lock(&t->lock);
    struct ndis_adapter *adapter = t->adapter;
    pthread_mutex_unlock(&t->lock);
    if (adapter != NULL)
        ndis_adapter_attach(adapter, NULL, NULL);
    close(t->wake[0]);
    close(t->wake[1]);
    if (t->tx_dropped_fd >= 0)
        close(t->tx_dropped_fd);
    close(t->fd); /* the last descriptor: the kernel deletes the interface */
    edge_frames_destroy(&t->frames);
    pthread_cond_destroy(&t->idle);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
