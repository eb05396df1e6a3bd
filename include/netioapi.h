/* OpenNDIS: netioapi.h (IP helper for kernel mode). Only the interface identity types are
 * here so far; no IP helper routine is implemented. */
#ifndef OPENNDIS_NETIOAPI_H
#define OPENNDIS_NETIOAPI_H
#include <ntddndis.h>

OPENNDIS_EXTERN_C_BEGIN
OPENNDIS_EXTERN_C_END

#endif
