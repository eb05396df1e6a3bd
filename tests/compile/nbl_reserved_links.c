/* A driver that links NET_BUFFER_LISTs through the reserved slots and picks the slot or a list
 * head in one expression, as Wintun does: valid C with OpenNDIS's headers as they are (the
 * slots read as PNET_BUFFER_LIST in C), and other values still fit with a cast. */
#define NDIS620_MINIPORT 1
#include <ndis.h>

PNET_BUFFER_LIST Append(PNET_BUFFER_LIST Head, PNET_BUFFER_LIST Tail, PNET_BUFFER_LIST Nbl)
{
    *(Tail ? &NET_BUFFER_LIST_MINIPORT_RESERVED(Tail)[1] : &Head) = Nbl;
    NET_BUFFER_LIST_MINIPORT_RESERVED(Nbl)[1] = NULL;
    return Head;
}

VOID Stash(PNET_BUFFER_LIST Nbl, ULONG_PTR Offset, PVOID Context)
{
    NET_BUFFER_LIST_MINIPORT_RESERVED(Nbl)[0] = (PVOID)Offset;
    NET_BUFFER_LIST_MINIPORT_RESERVED(Nbl)[1] = Context;
}
