/* The TAP edge: each adapter becomes a Linux Ethernet interface. Frames Linux sends are read
 * from the TAP descriptor (several per wake-up) and handed to MiniportSendNetBufferLists as
 * one chain; frames the driver indicates are written back. The interface gets the adapter's
 * MAC address and MTU, and its carrier follows NDIS_STATUS_LINK_STATE indications. While the
 * adapter is not running, frames from Linux are dropped and counted. An adapter whose medium
 * is IP (NdisMediumIP: a tunnel such as Wintun) becomes a TUN interface instead: IP packets
 * without an Ethernet header, no MAC address and no multicast list. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
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

/* Writes one indicated frame to the TAP descriptor straight from the NET_BUFFER's MDLs (one
 * writev is one packet); a chain of more MDLs than the iovec holds is gathered into `scratch`. */
static bool edge_tap_write(struct edge_tap *t, PNET_BUFFER nb, UCHAR *scratch, size_t cap)
{
    struct iovec iov[16];
    int n = 0;
    ULONG left = nb->DataLength, offset = nb->CurrentMdlOffset;
    if (left == 0 || left > cap)
        return false;
    for (PMDL mdl = nb->CurrentMdl; mdl && left && n < 16; mdl = mdl->Next, offset = 0, n++) {
        ULONG len = mdl->ByteCount - offset < left ? mdl->ByteCount - offset : left;
        iov[n] = (struct iovec){ (UCHAR *)MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) + offset, len };
        left -= len;
    }
    if (left != 0) { /* more MDLs than iovecs, or a chain shorter than DataLength */
        size_t copied = edge_nb_copy(nb, scratch, cap);
        return copied > 0 && write(t->fd, scratch, copied) == (ssize_t)copied;
    }
    return writev(t->fd, iov, n) == (ssize_t)nb->DataLength;
}

static void edge_tap_receive(void *ctx, struct ndis_adapter *adapter, PNET_BUFFER_LIST nbls)
{
    struct edge_tap *t = ctx;
    UCHAR scratch[EDGE_FRAME_DATA];
    uint64_t written = 0, dropped = 0;
    (void)adapter;
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next)
        for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next) {
            if (edge_tap_write(t, nb, scratch, sizeof scratch))
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

static void edge_tap_status(void *ctx, struct ndis_adapter *adapter, const NDIS_STATUS_INDICATION *ind)
{
    (void)adapter;
    if (ind->StatusCode == NDIS_STATUS_LINK_STATE)
        edge_tap_carrier(ctx, ((const NDIS_LINK_STATE *)ind->StatusBuffer)->MediaConnectState);
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

static void *edge_tap_reader(void *arg)
{
    struct edge_tap *t = arg;
    UCHAR buf[EDGE_FRAME_DATA];
    struct pollfd p[2] = { { .fd = t->fd, .events = POLLIN }, { .fd = t->wake[0], .events = POLLIN } };
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
        PNET_BUFFER_LIST head = NULL, *tail = &head;
        unsigned n = 0;
        while (n < EDGE_TAP_BATCH) {
            ssize_t len = read(t->fd, buf, sizeof buf);
            if (len < 0 && (errno == EAGAIN || errno == EINTR))
                break;
            if (len < 0)
                goto gone; /* EBADFD: the interface was deleted */
            struct edge_frame *f = edge_frame_get(&t->frames, buf, (size_t)len, t);
            if (f == NULL)
                break;
            *tail = &f->nbl;
            tail = &f->nbl.Next;
            n++;
        }
        pthread_mutex_lock(&t->lock);
        t->stats.from_linux += n;
        pthread_mutex_unlock(&t->lock);
        struct ndis_adapter *adapter = head != NULL ? edge_tap_take(t) : NULL;
        if (adapter != NULL) {
            ndis_adapter_send(adapter, head);
            edge_tap_put(t);
        } else {
            for (PNET_BUFFER_LIST nbl = head, next; nbl; nbl = next) {
                next = nbl->Next;
                edge_frame_put(&t->frames, nbl);
            }
        }
    }
    return NULL;
gone:
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
    pthread_mutex_unlock(&adapter->lock);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = (t->ip ? IFF_TUN : IFF_TAP) | IFF_NO_PI;
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
    t->tx_dropped_fd = edge_tap_open_kernel_drops(t->name);

    UCHAR mac[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    pthread_mutex_lock(&adapter->lock);
    unsigned mac_len = t->ip ? 0 : adapter->general.MacAddressLength;
    memcpy(mac, adapter->general.CurrentMacAddress, sizeof mac);
    ULONG mtu = adapter->general.MtuSize;
    NDIS_MEDIA_CONNECT_STATE link = adapter->link.MediaConnectState;
    pthread_mutex_unlock(&adapter->lock);
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
    pthread_mutex_unlock(&t->lock);
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
