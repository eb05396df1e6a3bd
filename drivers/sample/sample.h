/* The OpenNDIS sample: a virtual Ethernet NIC, written as a WDK NDIS 6.30 miniport. */
#ifndef SAMPLE_H
#define SAMPLE_H

#include <ndis.h>

#define SAMPLE_TAG 'pmaS' /* "Samp" in pool dumps */
#define SAMPLE_MAJOR_DRIVER_VERSION 1
#define SAMPLE_MINOR_DRIVER_VERSION 0

/* Driver-wide state, allocated in DriverEntry after registration. */
typedef struct _SAMPLE_DRIVER {
    NDIS_HANDLE NdisDriverHandle;
    ULONG AdapterCount;
} SAMPLE_DRIVER, *PSAMPLE_DRIVER;

extern NDIS_HANDLE SampleDriverHandle;
extern PSAMPLE_DRIVER SampleDriver;

/* adapter.c: the per-adapter handlers NDIS 6 requires at registration. */
MINIPORT_INITIALIZE SampleInitializeEx;
MINIPORT_HALT SampleHaltEx;
MINIPORT_PAUSE SamplePause;
MINIPORT_RESTART SampleRestart;
MINIPORT_OID_REQUEST SampleOidRequest;
MINIPORT_CANCEL_OID_REQUEST SampleCancelOidRequest;
MINIPORT_SEND_NET_BUFFER_LISTS SampleSendNetBufferLists;
MINIPORT_RETURN_NET_BUFFER_LISTS SampleReturnNetBufferLists;
MINIPORT_CANCEL_SEND SampleCancelSend;
MINIPORT_DEVICE_PNP_EVENT_NOTIFY SampleDevicePnPEventNotify;
MINIPORT_SHUTDOWN SampleShutdownEx;

#endif /* SAMPLE_H */
