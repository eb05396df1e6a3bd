/* NDIS 5.x entry points that NDIS 6.0 eliminated. Using one is a compile error that
 * names its NDIS 6 replacement (see docs/porting.md). Facts from the porting guide. */
#ifndef OPENNDIS_NDIS5_ELIMINATED_H
#define OPENNDIS_NDIS5_ELIMINATED_H

#define NDIS5_ELIMINATED(replacement, page) \
    __attribute__((unavailable("eliminated in NDIS 6.0: use " replacement " (porting guide: " page ")")))

/* Registration (DriverEntry) and driver unload */
NDIS5_ELIMINATED("NdisMRegisterMiniportDriver", "updating-the-driverentry-routine-for-an-ndis-6-0-miniport-driver")
void NdisMInitializeWrapper(void);
NDIS5_ELIMINATED("NdisMRegisterMiniportDriver", "updating-the-driverentry-routine-for-an-ndis-6-0-miniport-driver")
void NdisMRegisterMiniport(void);
NDIS5_ELIMINATED("the MiniportDriverUnload member of NDIS_MINIPORT_DRIVER_CHARACTERISTICS (NdisMRegisterMiniportDriver)", "porting-miniport-driver-unload-operations-to-ndis-6-0")
void NdisMRegisterUnloadHandler(void);
NDIS5_ELIMINATED("NdisMDeregisterMiniportDriver after a successful NdisMRegisterMiniportDriver", "updating-the-driverentry-routine-for-an-ndis-6-0-miniport-driver")
void NdisTerminateWrapper(void);
NDIS5_ELIMINATED("NdisMRegisterMiniportDriver with the NDIS_INTERMEDIATE_DRIVER flag", "summary-of-changes-required-to-port-an-intermediate-driver-to-ndis-6-0")
void NdisIMRegisterLayeredMiniport(void);

/* Driver characteristics structures (names only; NDIS 6 uses a versioned NDIS_OBJECT_HEADER) */
typedef struct _NDIS51_MINIPORT_CHARACTERISTICS NDIS_MINIPORT_CHARACTERISTICS
    NDIS5_ELIMINATED("NDIS_MINIPORT_DRIVER_CHARACTERISTICS", "updating-the-ndis-6-0-miniport-driver-characteristics-structure");
typedef struct _NDIS51_MINIPORT_CHARACTERISTICS *PNDIS_MINIPORT_CHARACTERISTICS
    NDIS5_ELIMINATED("PNDIS_MINIPORT_DRIVER_CHARACTERISTICS", "updating-the-ndis-6-0-miniport-driver-characteristics-structure");
typedef struct _NDIS50_MINIPORT_CHARACTERISTICS NDIS50_MINIPORT_CHARACTERISTICS
    NDIS5_ELIMINATED("NDIS_MINIPORT_DRIVER_CHARACTERISTICS", "updating-the-ndis-6-0-miniport-driver-characteristics-structure");
typedef struct _NDIS51_MINIPORT_CHARACTERISTICS NDIS51_MINIPORT_CHARACTERISTICS
    NDIS5_ELIMINATED("NDIS_MINIPORT_DRIVER_CHARACTERISTICS", "updating-the-ndis-6-0-miniport-driver-characteristics-structure");

/* Miniport adapter attributes */
NDIS5_ELIMINATED("NdisMSetMiniportAttributes", "setting-the-ndis-6-0-miniport-adapter-attributes")
void NdisMSetAttributes(void);
NDIS5_ELIMINATED("NdisMSetMiniportAttributes", "setting-the-ndis-6-0-miniport-adapter-attributes")
void NdisMSetAttributesEx(void);

/* Adapter initialization helpers: registry, memory, bus configuration space */
NDIS5_ELIMINATED("NdisOpenConfigurationEx", "reading-the-registry-in-an-ndis-6-0-miniport-driver")
void NdisOpenConfiguration(void);
NDIS5_ELIMINATED("NdisAllocateMemoryWithTagPriority", "allocating-memory-in-an-ndis-6-0-miniport-driver")
void NdisAllocateMemory(void);
NDIS5_ELIMINATED("NdisMGetBusData", "updating-bus-specific-configuration-space-access-for-ndis-6-0")
void NdisReadPciSlotInformation(void);
NDIS5_ELIMINATED("NdisMSetBusData", "updating-bus-specific-configuration-space-access-for-ndis-6-0")
void NdisWritePciSlotInformation(void);

/* Send and receive (the NDIS_PACKET world gives way to NET_BUFFER_LIST / NET_BUFFER) */
typedef struct _NDIS_PACKET NDIS_PACKET
    NDIS5_ELIMINATED("NET_BUFFER_LIST", "porting-miniport-driver-send-and-receive-operations-to-ndis-6-0");
typedef struct _NDIS_PACKET *PNDIS_PACKET
    NDIS5_ELIMINATED("PNET_BUFFER_LIST", "porting-miniport-driver-send-and-receive-operations-to-ndis-6-0");
NDIS5_ELIMINATED("NdisAllocateNetBufferListPool and NdisAllocateNetBufferPool", "allocating-network-data-pools-in-an-ndis-6-0-miniport-driver")
void NdisAllocatePacketPool(void);
NDIS5_ELIMINATED("NdisFreeNetBufferListPool and NdisFreeNetBufferPool", "allocating-network-data-pools-in-an-ndis-6-0-miniport-driver")
void NdisFreePacketPool(void);
NDIS5_ELIMINATED("NdisMSendNetBufferListsComplete (status goes in NET_BUFFER_LIST_STATUS)", "porting-ndis-miniport-driver-send-data-handling")
void NdisMSendComplete(void);
NDIS5_ELIMINATED("NdisMIndicateReceiveNetBufferLists", "porting-ndis-miniport-driver-receive-data-handling")
void NdisMIndicateReceivePacket(void);

/* OID requests (MiniportOidRequest and NDIS_OID_REQUEST take over) */
typedef struct _NDIS_REQUEST NDIS_REQUEST
    NDIS5_ELIMINATED("NDIS_OID_REQUEST", "porting-miniport-driver-oid-request-handling-to-ndis-6-0");
typedef struct _NDIS_REQUEST *PNDIS_REQUEST
    NDIS5_ELIMINATED("PNDIS_OID_REQUEST", "porting-miniport-driver-oid-request-handling-to-ndis-6-0");
NDIS5_ELIMINATED("NdisMOidRequestComplete", "porting-miniport-driver-oid-request-handling-to-ndis-6-0")
void NdisMQueryInformationComplete(void);
NDIS5_ELIMINATED("NdisMOidRequestComplete", "porting-miniport-driver-oid-request-handling-to-ndis-6-0")
void NdisMSetInformationComplete(void);

/* Status indications */
NDIS5_ELIMINATED("NdisMIndicateStatusEx", "porting-miniport-driver-status-indications-to-ndis-6-0")
void NdisMIndicateStatus(void);
NDIS5_ELIMINATED("NdisMIndicateStatusEx (it needs no separate completion call)", "porting-miniport-driver-status-indications-to-ndis-6-0")
void NdisMIndicateStatusComplete(void);

/* Interrupts (handlers move to NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS) */
NDIS5_ELIMINATED("NdisMRegisterInterruptEx", "porting-interrupt-registration-to-ndis-6-0")
void NdisMRegisterInterrupt(void);
NDIS5_ELIMINATED("NdisMDeregisterInterruptEx", "porting-interrupt-registration-to-ndis-6-0")
void NdisMDeregisterInterrupt(void);

/* Shutdown (MiniportShutdownEx is a characteristics member) */
NDIS5_ELIMINATED("the ShutdownHandlerEx (MiniportShutdownEx) member of NDIS_MINIPORT_DRIVER_CHARACTERISTICS", "porting-miniport-adapter-shutdown-operations-to-ndis-6-0")
void NdisMRegisterAdapterShutdownHandler(void);
NDIS5_ELIMINATED("the ShutdownHandlerEx (MiniportShutdownEx) member of NDIS_MINIPORT_DRIVER_CHARACTERISTICS (no deregistration call)", "porting-miniport-adapter-shutdown-operations-to-ndis-6-0")
void NdisMDeregisterAdapterShutdownHandler(void);

/* DMA and shared memory */
NDIS5_ELIMINATED("NdisMRegisterScatterGatherDma (NDIS_SG_DMA_DESCRIPTION)", "porting-miniport-driver-dma-operations-to-ndis-6-0")
void NdisMInitializeScatterGatherDma(void);
NDIS5_ELIMINATED("NdisMAllocateSharedMemoryAsyncEx", "porting-miniport-driver-dma-operations-to-ndis-6-0")
void NdisMAllocateSharedMemoryAsync(void);

/* CoNDIS miniport drivers and miniport call managers (MCMs) */
NDIS5_ELIMINATED("NdisMCoSendNetBufferListsComplete (status goes in NET_BUFFER_LIST_STATUS)", "porting-condis-miniport-driver-send-data-handling")
void NdisMCoSendComplete(void);
NDIS5_ELIMINATED("NdisMCoIndicateReceiveNetBufferLists", "porting-condis-miniport-driver-receive-data-handling")
void NdisMCoIndicateReceivePacket(void);
NDIS5_ELIMINATED("NdisMCoIndicateStatusEx", "porting-miniport-driver-status-indications-to-condis-6-0")
void NdisMCoIndicateStatus(void);
NDIS5_ELIMINATED("NdisMCoOidRequestComplete", "summary-of-changes-required-to-port-a-condis-driver-to-condis-6-0")
void NdisMCoRequestComplete(void);
NDIS5_ELIMINATED("NdisMCmOidRequest", "porting-mcm-oid-request-handling-to-condis-6-0")
void NdisMCmRequest(void);
NDIS5_ELIMINATED("NdisMCmOidRequestComplete", "porting-mcm-oid-request-handling-to-condis-6-0")
void NdisMCmRequestComplete(void);
NDIS5_ELIMINATED("NdisMCmRegisterAddressFamilyEx", "porting-condis-mcm-registration")
void NdisMCmRegisterAddressFamily(void);

#endif
