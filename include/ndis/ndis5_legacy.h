/* NDIS 5.x names, declared only so that `openndis port` can read an NDIS 5.x driver's source
 * with a real C front end (OPENNDIS_PORT_ANALYSIS). Nothing here is implemented or meant to be
 * built against: a normal build gets ndis5_eliminated.h, which rejects every one of them.
 * The structure members follow the documented NDIS 5.1 characteristics; handler members are
 * untyped because the NDIS 5 handler types do not exist in NDIS 6. */
#ifndef OPENNDIS_NDIS5_LEGACY_H
#define OPENNDIS_NDIS5_LEGACY_H

#ifndef OPENNDIS_PORT_ANALYSIS
#error "ndis5_legacy.h is for `openndis port` only"
#endif

struct _NDIS51_MINIPORT_CHARACTERISTICS {
    UCHAR MajorNdisVersion;
    UCHAR MinorNdisVersion;
    UINT Reserved;
    PVOID CheckForHangHandler;
    PVOID DisableInterruptHandler;
    PVOID EnableInterruptHandler;
    PVOID HaltHandler;
    PVOID HandleInterruptHandler;
    PVOID InitializeHandler;
    PVOID ISRHandler;
    PVOID QueryInformationHandler;
    PVOID ReconfigureHandler;
    PVOID ResetHandler;
    PVOID SendHandler;
    PVOID SetInformationHandler;
    PVOID TransferDataHandler;
    PVOID ReturnPacketHandler;
    PVOID SendPacketsHandler;
    PVOID AllocateCompleteHandler;
    PVOID CoCreateVcHandler;
    PVOID CoDeleteVcHandler;
    PVOID CoActivateVcHandler;
    PVOID CoDeactivateVcHandler;
    PVOID CoSendPacketsHandler;
    PVOID CoRequestHandler;
    PVOID CancelSendPacketsHandler;
    PVOID PnPEventNotifyHandler;
    PVOID AdapterShutdownHandler;
};
#define _NDIS50_MINIPORT_CHARACTERISTICS _NDIS51_MINIPORT_CHARACTERISTICS
#define _NDIS_MINIPORT_CHARACTERISTICS _NDIS51_MINIPORT_CHARACTERISTICS

struct _NDIS_PACKET {
    PVOID Private[10];
    UCHAR MiniportReserved[2 * sizeof(PVOID)];
    UCHAR WrapperReserved[2 * sizeof(PVOID)];
    UCHAR ProtocolReserved[1];
};
typedef struct _NDIS_PACKET **PPNDIS_PACKET;

struct _NDIS_REQUEST {
    UCHAR MacReserved[4 * sizeof(PVOID)];
    ULONG RequestType;
    PVOID DATA[8];
};

/* Unprototyped on purpose: the analysis must accept every NDIS 5.x call shape. */
#define NDIS5_FN(ret, name, replacement, page) ret name();
#define NDIS5_TYPE(name, type, replacement, page) typedef type name;
#include <ndis/ndis5_eliminated.def>
#undef NDIS5_FN
#undef NDIS5_TYPE

#endif
