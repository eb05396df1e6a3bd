/* OpenNDIS: the NDIS 6 miniport interface, source-compatible with the WDK's ndis.h.
 * Written from the DDI reference; see docs/headers.md for what each part covers. */
#ifndef OPENNDIS_NDIS_H
#define OPENNDIS_NDIS_H

#include <ntddk.h>
#include <ntddndis.h>
#include <ndis/status.h>
#include <ndis/version.h>
#include <ndis/miniport.h>
#include <ndis/memory.h>
#include <ndis/oids.h>
#include <ndis/oid_structs.h>
#include <ndis/nbl.h>
#include <ndis/adapter.h>
#include <ndis/sync.h>
#include <ndis/config.h>
#include <ndis/rss.h>
#include <ndis/vmq.h>
#include <ndis/qos.h>
#include <ndis/hardware.h>
#include <ndis/offload.h>
#include <ndis/protocol.h>
#include <ndis/poll.h>
#ifdef OPENNDIS_PORT_ANALYSIS
#include <ndis/ndis5_legacy.h> /* only when `openndis port` reads NDIS 5.x source */
#else
#include <ndis/ndis5_eliminated.h>
#endif

#define NDIS_INIT_FUNCTION(f)
#define NDIS_PAGEABLE_FUNCTION(f)
/* Static Driver Verifier's annotation functions: nothing to do at run time */
#define __sdv_save_adapter_context(context) ((void)(context))
#define __sdv_save_request(request) ((void)(request))
#define NdisInitUnicodeString(destination, source) RtlInitUnicodeString((destination), (source))

#endif /* OPENNDIS_NDIS_H */
