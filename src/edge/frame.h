/* Frames the edges own: a NET_BUFFER_LIST, its NET_BUFFER and MDL and the data in one block,
 * recycled through a free list; and copying an indicated NET_BUFFER out. */
#ifndef OPENNDIS_EDGE_FRAME_H
#define OPENNDIS_EDGE_FRAME_H

#include <pthread.h>

#include "../common/quick_lock.h"

#include "../ndis/ndis.h"

#define EDGE_FRAME_DATA 2048 /* the recycled frames' room */
#define EDGE_FRAME_MAX (65536 + 64) /* a TCP segment for LSO, with its headers: allocated alone */

struct edge_frame {
    NET_BUFFER_LIST nbl; /* first: the NBL pointer is the frame pointer */
    NET_BUFFER nb;
    MDL mdl;
    struct edge_frame *next_free;
    bool big; /* longer than EDGE_FRAME_DATA: freed, not recycled */
    UCHAR data[EDGE_FRAME_DATA]; /* a big frame's is longer */
};

struct edge_frames {
    struct quick_lock lock;
    struct edge_frame *free;
};

void edge_frames_init(struct edge_frames *pool);
void edge_frames_destroy(struct edge_frames *pool);
/* A frame holding a copy of `data` (up to EDGE_FRAME_MAX bytes), ready to send; NULL when
 * out of memory or longer. */
struct edge_frame *edge_frame_get(struct edge_frames *pool, const void *data, size_t len, void *source);
/* Takes back a completed NBL if it is one of this pool's frames (the edge marks its own in
 * ProtocolReserved, as a protocol does); false, and untouched, if it is someone else's —
 * an NBL sent while another upper edge was attached and completed late. */
bool edge_frame_put(struct edge_frames *pool, PNET_BUFFER_LIST nbl);
/* Frames for the first payloads of `data`/`len` (at most `count`) as one NBL chain in
 * *chain, taking free frames a batch at a time; returns how many were made: fewer than
 * `count` when a payload is bigger than EDGE_FRAME_DATA or memory ran out (it stops there). */
size_t edge_frames_get_chain(struct edge_frames *pool, const void *const *data, const size_t *len, size_t count,
                             void *source, PNET_BUFFER_LIST *chain);
/* Takes back, under one lock, every NBL of a completed chain that is one of this pool's
 * frames, adding to *ok those completed with NDIS_STATUS_SUCCESS and to *failed the others;
 * NBLs that are not this pool's are left untouched. */
void edge_frames_put_chain(struct edge_frames *pool, PNET_BUFFER_LIST nbls, uint64_t *ok, uint64_t *failed);
/* Copies the NET_BUFFER's data (from its current MDL and offset) into `out`; returns its
 * length, or 0 when it does not fit or the MDL chain is shorter than DataLength. */
size_t edge_nb_copy(PNET_BUFFER nb, void *out, size_t cap);

#endif /* OPENNDIS_EDGE_FRAME_H */
