/* Frames the edges own: a NET_BUFFER_LIST, its NET_BUFFER and MDL and the data in one block,
 * recycled through a free list; and copying an indicated NET_BUFFER out. */
#ifndef OPENNDIS_EDGE_FRAME_H
#define OPENNDIS_EDGE_FRAME_H

#include <pthread.h>

#include "../kernel/lock.h"

#include "../ndis/ndis.h"

#define EDGE_FRAME_DATA 2048

struct edge_frame {
    NET_BUFFER_LIST nbl; /* first: the NBL pointer is the frame pointer */
    NET_BUFFER nb;
    MDL mdl;
    struct edge_frame *next_free;
    UCHAR data[EDGE_FRAME_DATA];
};

struct edge_frames {
    struct ke_lock lock;
    struct edge_frame *free;
};

void edge_frames_init(struct edge_frames *pool);
void edge_frames_destroy(struct edge_frames *pool);
/* A frame holding a copy of `data`, ready to send; NULL when out of memory. */
struct edge_frame *edge_frame_get(struct edge_frames *pool, const void *data, size_t len, void *source);
/* Takes back a completed NBL if it is one of this pool's frames (the edge marks its own in
 * ProtocolReserved, as a protocol does); false, and untouched, if it is someone else's —
 * an NBL sent while another upper edge was attached and completed late. */
bool edge_frame_put(struct edge_frames *pool, PNET_BUFFER_LIST nbl);
/* Copies the NET_BUFFER's data (from its current MDL and offset) into `out`; returns its
 * length, or 0 when it does not fit or the MDL chain is shorter than DataLength. */
size_t edge_nb_copy(PNET_BUFFER nb, void *out, size_t cap);

#endif /* OPENNDIS_EDGE_FRAME_H */
