/* OPENNDIS_MINIPORT_RESERVED_AS_NBL: a driver that links NET_BUFFER_LISTs through the
 * reserved slots and picks the slot or a list head in one expression, as Wintun does. */
#define OPENNDIS_MINIPORT_RESERVED_AS_NBL 1
#define NDIS620_MINIPORT 1
#include <ndis.h>

PNET_BUFFER_LIST Append(PNET_BUFFER_LIST Head, PNET_BUFFER_LIST Tail, PNET_BUFFER_LIST Nbl)
{
    *(Tail ? &NET_BUFFER_LIST_MINIPORT_RESERVED(Tail)[1] : &Head) = Nbl;
    NET_BUFFER_LIST_MINIPORT_RESERVED(Nbl)[1] = NULL;
    return Head;
}
