/* OpenNDIS: netioddk.h, the Network Module Registrar's identifiers that kernel sockets
 * (wsk.h) name their interface with. */
#ifndef OPENNDIS_NETIODDK_H
#define OPENNDIS_NETIODDK_H
#include <ntdef.h>

typedef GUID NPIID, *PNPIID;

#endif /* OPENNDIS_NETIODDK_H */
