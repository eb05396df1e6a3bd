/* OpenNDIS edges: what sits above an adapter where a protocol driver would. The loopback
 * edge is in-process and doubles as the C harness tests use to drive an adapter. */
#ifndef OPENNDIS_EDGE_H
#define OPENNDIS_EDGE_H

#include <stddef.h>
#include <sys/types.h>

#include "../ndis/ndis.h"

struct edge_loopback;

struct edge_loopback_stats {
    uint64_t sent;           /* frames handed to the adapter */
    uint64_t send_completed; /* completed with NDIS_STATUS_SUCCESS */
    uint64_t send_failed;    /* completed with another status (e.g. NDIS_STATUS_PAUSED) */
    uint64_t received;       /* frames indicated up and queued */
    uint64_t dropped;        /* indicated while the receive queue was full */
    uint64_t link_changes;   /* NDIS_STATUS_LINK_STATE indications */
};

/* Attaches a loopback edge above `adapter`. Received frames wait in a queue of `queue_len`
 * frames; when it is full further frames are dropped and counted. */
OPENNDIS_API struct edge_loopback *edge_loopback_open(struct ndis_adapter *adapter, size_t queue_len);
/* Detaches (if the adapter is still up) and frees the edge. Closing before or after the
 * adapter halts are both fine; frames being sent must have completed (pause first). */
OPENNDIS_API void edge_loopback_close(struct edge_loopback *lb);
/* Sends `count` frames as one chain of NET_BUFFER_LISTs, one NET_BUFFER each. Returns how
 * many were handed down (fewer when out of memory). */
OPENNDIS_API size_t edge_loopback_send(struct edge_loopback *lb, const void *const *frames, const size_t *lengths,
                                       size_t count);
/* Takes the oldest received frame: its length, or -1 when none is queued (or `cap` is too
 * small, in which case the frame stays queued). */
OPENNDIS_API ssize_t edge_loopback_recv(struct edge_loopback *lb, void *buffer, size_t cap);
OPENNDIS_API void edge_loopback_stats(struct edge_loopback *lb, struct edge_loopback_stats *out);

#endif /* OPENNDIS_EDGE_H */
