/* Who owns a NET_BUFFER_LIST, recorded in its NdisReserved (which belongs to NDIS), shared by
 * the NBL objects (nbl.c) and the data path that hands them over (datapath.c):
 *   sent NBL:      NDIS -> miniport (MiniportSendNetBufferLists) -> NDIS (send complete)
 *   indicated NBL: miniport -> NDIS (indicate) -> miniport (MiniportReturnNetBufferLists) */
#ifndef OPENNDIS_SRC_NDIS_NBL_OWNER_H
#define OPENNDIS_SRC_NDIS_NBL_OWNER_H

#include <stdint.h>

#define NBL_OWNER(nbl) ((nbl)->NdisReserved[0])
#define NBL_STATE(nbl) ((nbl)->NdisReserved[1])
enum { NBL_IDLE = 0, NBL_AT_MINIPORT = 1, NBL_SEND_COMPLETED = 2, NBL_INDICATED = 3, NBL_RECYCLED = 4 };
/* Beside the state: a send that asked for LSO v1 or v2, whose completion owes LSO information. */
enum { NBL_SENT_LSO_V1 = 0x100, NBL_SENT_LSO_V2 = 0x200, NBL_STATE_MASK = 0xff };
#define NBL_STATE_IS(nbl, s) (((uintptr_t)NBL_STATE(nbl) & NBL_STATE_MASK) == (s))
#define NBL_STATE_FLAGS(nbl) ((uintptr_t)NBL_STATE(nbl) & ~(uintptr_t)NBL_STATE_MASK)
#define NBL_SET(nbl, owner, s) (NBL_OWNER(nbl) = (owner), NBL_STATE(nbl) = (PVOID)(uintptr_t)(s))

#endif
