/* OpenNDIS: the surface of NDIS 6 a miniport for a physical (or emulated PCI) NIC uses:
 * interrupts (line-based and MSI/MSI-X), bus-master scatter/gather DMA and shared memory,
 * I/O ports and memory-mapped registers, PCI configuration space, the hardware resource
 * lists of PnP and the PnP characteristics a driver sets with NdisSetOptionalHandlers,
 * over the WDM types of wdm/hardware.h. Written from the DDI reference pages; layouts are the
 * Windows x64 ones (checked at the end). Behind them OpenNDIS puts a device model
 * (src/ndis/bus.c, interrupt.c, dma.c). */
#ifndef OPENNDIS_NDIS_HARDWARE_H
#define OPENNDIS_NDIS_HARDWARE_H

#include <ndis/miniport.h>
#include <ndis/nbl.h>

OPENNDIS_EXTERN_C_BEGIN

/* ==== NDIS: interrupts ====================================================================== */
/* MiniportInterrupt: the line-based ISR, at DIRQL. TRUE if the NIC raised the interrupt;
 * a DPC is queued on the current processor if *QueueDefaultInterruptDpc, else on each
 * processor set in *TargetProcessors (group 0; 6.20+ drivers leave it 0 and call
 * NdisMQueueDpcEx). */
typedef BOOLEAN(MINIPORT_ISR)(NDIS_HANDLE MiniportInterruptContext, PBOOLEAN QueueDefaultInterruptDpc,
                              PULONG TargetProcessors);
typedef MINIPORT_ISR(*MINIPORT_ISR_HANDLER);

/* MiniportInterruptDPC. In NDIS 6.1 and earlier the last two parameters are PULONGs
 * reserved for NDIS; from 6.20 the first is a PNDIS_RECEIVE_THROTTLE_PARAMETERS. */
#if NDIS_SUPPORT_NDIS620
typedef VOID(MINIPORT_INTERRUPT_DPC)(NDIS_HANDLE MiniportInterruptContext, PVOID MiniportDpcContext,
                                     PVOID ReceiveThrottleParameters, PVOID NdisReserved2);
#else
typedef VOID(MINIPORT_INTERRUPT_DPC)(NDIS_HANDLE MiniportInterruptContext, PVOID MiniportDpcContext,
                                     PULONG NdisReserved1, PULONG NdisReserved2);
#endif
typedef MINIPORT_INTERRUPT_DPC(*MINIPORT_INTERRUPT_DPC_HANDLER);

typedef VOID(MINIPORT_DISABLE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext);
typedef MINIPORT_DISABLE_INTERRUPT(*MINIPORT_DISABLE_INTERRUPT_HANDLER);
typedef VOID(MINIPORT_ENABLE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext);
typedef MINIPORT_ENABLE_INTERRUPT(*MINIPORT_ENABLE_INTERRUPT_HANDLER);

/* The same for a message-signaled interrupt: MessageId indexes the MessageInfo entries of
 * the IO_INTERRUPT_MESSAGE_INFO NDIS gave in MessageInfoTable. */
typedef BOOLEAN(MINIPORT_MESSAGE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                            PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors);
typedef MINIPORT_MESSAGE_INTERRUPT(*MINIPORT_MSI_ISR_HANDLER);
#if NDIS_SUPPORT_NDIS620
typedef VOID(MINIPORT_MESSAGE_INTERRUPT_DPC)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                             PVOID MiniportDpcContext, PVOID ReceiveThrottleParameters,
                                             PVOID NdisReserved2);
#else
typedef VOID(MINIPORT_MESSAGE_INTERRUPT_DPC)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                             PVOID MiniportDpcContext, PULONG NdisReserved1, PULONG NdisReserved2);
#endif
typedef MINIPORT_MESSAGE_INTERRUPT_DPC(*MINIPORT_MSI_INTERRUPT_DPC_HANDLER);
typedef VOID(MINIPORT_DISABLE_MESSAGE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId);
typedef MINIPORT_DISABLE_MESSAGE_INTERRUPT(*MINIPORT_DISABLE_MSI_INTERRUPT_HANDLER);
typedef VOID(MINIPORT_ENABLE_MESSAGE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId);
typedef MINIPORT_ENABLE_MESSAGE_INTERRUPT(*MINIPORT_ENABLE_MSI_INTERRUPT_HANDLER);

/* MiniportSynchronizeInterrupt: run by NdisMSynchronizeWithInterruptEx at the interrupt's
 * DIRQL, holding its lock. */
typedef BOOLEAN(MINIPORT_SYNCHRONIZE_INTERRUPT)(NDIS_HANDLE SynchronizeContext);
typedef MINIPORT_SYNCHRONIZE_INTERRUPT(*MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER);
typedef MINIPORT_SYNCHRONIZE_INTERRUPT MINIPORT_SYNCHRONIZE_MESSAGE_INTERRUPT;
typedef MINIPORT_SYNCHRONIZE_MESSAGE_INTERRUPT(*MINIPORT_SYNCHRONIZE_MSI_INTERRUPT_HANDLER);

/* The kind of interrupt NDIS granted (InterruptType). */
typedef enum _NDIS_INTERRUPT_TYPE {
    NDIS_CONNECT_LINE_BASED = 1,
    NDIS_CONNECT_MESSAGE_BASED
} NDIS_INTERRUPT_TYPE, *PNDIS_INTERRUPT_TYPE;

#define NDIS_MINIPORT_INTERRUPT_REVISION_1 1
typedef struct _NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS {
    NDIS_OBJECT_HEADER Header; /* NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT */
    MINIPORT_ISR_HANDLER InterruptHandler;
    MINIPORT_INTERRUPT_DPC_HANDLER InterruptDpcHandler;
    MINIPORT_DISABLE_INTERRUPT_HANDLER DisableInterruptHandler;
    MINIPORT_ENABLE_INTERRUPT_HANDLER EnableInterruptHandler;
    BOOLEAN MsiSupported;           /* the four message handlers are given */
    BOOLEAN MsiSyncWithAllMessages; /* serialize all message handlers */
    MINIPORT_MSI_ISR_HANDLER MessageInterruptHandler;
    MINIPORT_MSI_INTERRUPT_DPC_HANDLER MessageInterruptDpcHandler;
    MINIPORT_DISABLE_MSI_INTERRUPT_HANDLER DisableMessageInterruptHandler;
    MINIPORT_ENABLE_MSI_INTERRUPT_HANDLER EnableMessageInterruptHandler;
    NDIS_INTERRUPT_TYPE InterruptType;            /* set by NDIS */
    PIO_INTERRUPT_MESSAGE_INFO MessageInfoTable; /* set by NDIS, message-based only */
} NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, *PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS;
#define NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, MessageInfoTable)

NDISAPI NDIS_STATUS NdisMRegisterInterruptEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportInterruptContext,
                                             PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS MiniportInterruptCharacteristics,
                                             PNDIS_HANDLE NdisInterruptHandle);
NDISAPI VOID NdisMDeregisterInterruptEx(NDIS_HANDLE NdisInterruptHandle);
/* Returns what SynchronizeFunction returned. Before NDIS 6.20 the function is a PVOID. */
#if NDIS_SUPPORT_NDIS620
NDISAPI BOOLEAN NdisMSynchronizeWithInterruptEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                                                MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER SynchronizeFunction,
                                                PVOID SynchronizeContext);
#else
NDISAPI BOOLEAN NdisMSynchronizeWithInterruptEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                                                PVOID SynchronizeFunction, PVOID SynchronizeContext);
#endif
/* Queue the interrupt's DPC on processors; both return the processors it was queued on
 * (a DPC already queued there is not queued again). NdisMQueueDpc (6.0, 6.1) takes the
 * first 32 processors of group 0; NdisMQueueDpcEx (6.20+) any one group. */
NDISAPI ULONG NdisMQueueDpc(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, ULONG TargetProcessors,
                            PVOID MiniportDpcContext);
#if NDIS_SUPPORT_NDIS620
NDISAPI KAFFINITY NdisMQueueDpcEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                                  PGROUP_AFFINITY TargetProcessors, PVOID MiniportDpcContext);
#endif

/* ==== NDIS: bus-master scatter/gather DMA and shared memory ================================= */
/* MiniportProcessSGList: the scatter/gather list NdisMAllocateNetBufferSGList asked for is
 * built. */
typedef VOID(MINIPORT_PROCESS_SG_LIST)(PDEVICE_OBJECT pDO, PVOID Reserved, PSCATTER_GATHER_LIST pSGL,
                                       PVOID Context);
typedef MINIPORT_PROCESS_SG_LIST(*MINIPORT_PROCESS_SG_LIST_HANDLER);

/* MiniportSharedMemoryAllocateComplete: the end of NdisMAllocateSharedMemoryAsyncEx (NULL
 * addresses when it failed). */
typedef VOID(MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE)(NDIS_HANDLE MiniportAdapterContext, PVOID VirtualAddress,
                                                    PNDIS_PHYSICAL_ADDRESS PhysicalAddress, ULONG Length,
                                                    PVOID Context);
typedef MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE(*MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER);

/* NDIS_SG_DMA_DESCRIPTION Flags */
#define NDIS_SG_DMA_64_BIT_ADDRESS 0x00000001
#if NDIS_SUPPORT_NDIS650
#define NDIS_SG_DMA_V3_HAL_API 0x00000002
#endif
#if NDIS_SUPPORT_NDIS685
#define NDIS_SG_DMA_HYBRID_DMA 0x00000004
#endif

#define NDIS_SG_DMA_DESCRIPTION_REVISION_1 1
typedef struct _NDIS_SG_DMA_DESCRIPTION {
    NDIS_OBJECT_HEADER Header; /* NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION */
    ULONG Flags;               /* NDIS_SG_DMA_* */
    ULONG MaximumPhysicalMapping; /* bytes the NIC moves in one DMA operation */
    MINIPORT_PROCESS_SG_LIST_HANDLER ProcessSGListHandler;
    MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER SharedMemAllocateCompleteHandler; /* optional */
    ULONG ScatterGatherListSize; /* set by NDIS: bytes for one list */
} NDIS_SG_DMA_DESCRIPTION, *PNDIS_SG_DMA_DESCRIPTION;
#define NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_SG_DMA_DESCRIPTION, ScatterGatherListSize)

/* NdisMAllocateNetBufferSGList Flags: the transfer goes from the NET_BUFFER to the device */
#define NDIS_SG_LIST_WRITE_TO_DEVICE 0x00000001

NDISAPI NDIS_STATUS NdisMRegisterScatterGatherDma(NDIS_HANDLE MiniportAdapterHandle,
                                                  PNDIS_SG_DMA_DESCRIPTION DmaDescription,
                                                  PNDIS_HANDLE NdisMiniportDmaHandle);
NDISAPI VOID NdisMDeregisterScatterGatherDma(NDIS_HANDLE NdisMiniportDmaHandle);
NDISAPI NDIS_STATUS NdisMAllocateNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, PNET_BUFFER NetBuffer,
                                                 PVOID Context, ULONG Flags, PVOID ScatterGatherListBuffer,
                                                 ULONG ScatterGatherListBufferSize);
NDISAPI VOID NdisMFreeNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, PSCATTER_GATHER_LIST pSGL,
                                      PNET_BUFFER NetBuffer);
/* *VirtualAddress is NULL when the memory could not be allocated. */
NDISAPI VOID NdisMAllocateSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                                       PVOID *VirtualAddress, PNDIS_PHYSICAL_ADDRESS PhysicalAddress);
NDISAPI VOID NdisMFreeSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                                   PVOID VirtualAddress, NDIS_PHYSICAL_ADDRESS PhysicalAddress);
/* NDIS_STATUS_PENDING (MiniportSharedMemoryAllocateComplete follows) or NDIS_STATUS_FAILURE. */
NDISAPI NDIS_STATUS NdisMAllocateSharedMemoryAsyncEx(NDIS_HANDLE MiniportDmaHandle, ULONG Length, BOOLEAN Cached,
                                                     PVOID Context);
/* The alignment, in bytes, DMA buffers are rounded up to (a cache line); after
 * NdisMRegisterScatterGatherDma. */
NDISAPI ULONG NdisMGetDmaAlignment(NDIS_HANDLE MiniportAdapterHandle);
/* x86 and x64 keep caches coherent with DMA: Windows' headers make this a macro that does
 * nothing there, so no driver imports it. */
#define KeFlushIoBuffers(Mdl, ReadOperation, DmaOperation) ((void)(Mdl), (void)(ReadOperation), (void)(DmaOperation))

/* ==== NDIS: I/O ports and memory-mapped registers =========================================== */
NDISAPI NDIS_STATUS NdisMRegisterIoPortRange(PVOID *PortOffset, NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort,
                                             UINT NumberOfPorts);
NDISAPI VOID NdisMDeregisterIoPortRange(NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort, UINT NumberOfPorts,
                                        PVOID PortOffset);
/* *VirtualAddress is NULL unless NDIS_STATUS_SUCCESS. */
NDISAPI NDIS_STATUS NdisMMapIoSpace(PVOID *VirtualAddress, NDIS_HANDLE MiniportAdapterHandle,
                                    NDIS_PHYSICAL_ADDRESS PhysicalAddress, UINT Length);
NDISAPI VOID NdisMUnmapIoSpace(NDIS_HANDLE MiniportAdapterHandle, PVOID VirtualAddress, UINT Length);

/* Ports mapped by NdisMRegisterIoPortRange. Functions here (macros in the WDK); the macros
 * of the same names take a port given as a pointer or as an integer, as the WDK's do. */
NDISAPI VOID NdisRawReadPortUchar(ULONG_PTR Port, PUCHAR Data);
NDISAPI VOID NdisRawReadPortUshort(ULONG_PTR Port, PUSHORT Data);
NDISAPI VOID NdisRawReadPortUlong(ULONG_PTR Port, PULONG Data);
NDISAPI VOID NdisRawWritePortUchar(ULONG_PTR Port, UCHAR Data);
NDISAPI VOID NdisRawWritePortUshort(ULONG_PTR Port, USHORT Data);
NDISAPI VOID NdisRawWritePortUlong(ULONG_PTR Port, ULONG Data);
#define NdisRawReadPortUchar(Port, Data) (NdisRawReadPortUchar)((ULONG_PTR)(Port), (Data))
#define NdisRawReadPortUshort(Port, Data) (NdisRawReadPortUshort)((ULONG_PTR)(Port), (Data))
#define NdisRawReadPortUlong(Port, Data) (NdisRawReadPortUlong)((ULONG_PTR)(Port), (Data))
#define NdisRawWritePortUchar(Port, Data) (NdisRawWritePortUchar)((ULONG_PTR)(Port), (Data))
#define NdisRawWritePortUshort(Port, Data) (NdisRawWritePortUshort)((ULONG_PTR)(Port), (Data))
#define NdisRawWritePortUlong(Port, Data) (NdisRawWritePortUlong)((ULONG_PTR)(Port), (Data))
/* The buffer forms: Length elements, each to or from the one port (macros in the WDK too, so
 * a binary imports the HAL's READ_PORT_BUFFER_* and WRITE_PORT_BUFFER_*). */
#define NdisRawReadPortBufferUchar(Port, Buffer, Length) \
    READ_PORT_BUFFER_UCHAR((PUCHAR)(ULONG_PTR)(Port), (PUCHAR)(Buffer), (Length))
#define NdisRawReadPortBufferUshort(Port, Buffer, Length) \
    READ_PORT_BUFFER_USHORT((PUSHORT)(ULONG_PTR)(Port), (PUSHORT)(Buffer), (Length))
#define NdisRawReadPortBufferUlong(Port, Buffer, Length) \
    READ_PORT_BUFFER_ULONG((PULONG)(ULONG_PTR)(Port), (PULONG)(Buffer), (Length))
#define NdisRawWritePortBufferUchar(Port, Buffer, Length) \
    WRITE_PORT_BUFFER_UCHAR((PUCHAR)(ULONG_PTR)(Port), (PUCHAR)(Buffer), (Length))
#define NdisRawWritePortBufferUshort(Port, Buffer, Length) \
    WRITE_PORT_BUFFER_USHORT((PUSHORT)(ULONG_PTR)(Port), (PUSHORT)(Buffer), (Length))
#define NdisRawWritePortBufferUlong(Port, Buffer, Length) \
    WRITE_PORT_BUFFER_ULONG((PULONG)(ULONG_PTR)(Port), (PULONG)(Buffer), (Length))

/* Registers mapped by NdisMMapIoSpace: (Register, Data), Data the out pointer of a read. */
#define NdisReadRegisterUchar(Register, Data) \
    (*(Data) = READ_REGISTER_UCHAR((volatile UCHAR *)(ULONG_PTR)(Register)))
#define NdisReadRegisterUshort(Register, Data) \
    (*(Data) = READ_REGISTER_USHORT((volatile USHORT *)(ULONG_PTR)(Register)))
#define NdisReadRegisterUlong(Register, Data) \
    (*(Data) = READ_REGISTER_ULONG((volatile ULONG *)(ULONG_PTR)(Register)))
#define NdisWriteRegisterUchar(Register, Data) \
    WRITE_REGISTER_UCHAR((volatile UCHAR *)(ULONG_PTR)(Register), (Data))
#define NdisWriteRegisterUshort(Register, Data) \
    WRITE_REGISTER_USHORT((volatile USHORT *)(ULONG_PTR)(Register), (Data))
#define NdisWriteRegisterUlong(Register, Data) \
    WRITE_REGISTER_ULONG((volatile ULONG *)(ULONG_PTR)(Register), (Data))

/* ==== NDIS: bus configuration space ========================================================= */
/* Both return the number of bytes read or written. WhichSpace: PCI_WHICHSPACE_*. */
NDISAPI ULONG NdisMGetBusData(NDIS_HANDLE NdisMiniportHandle, ULONG WhichSpace, ULONG Offset, PVOID Buffer,
                              ULONG Length);
NDISAPI ULONG NdisMSetBusData(NDIS_HANDLE NdisMiniportHandle, ULONG WhichSpace, ULONG Offset, PVOID Buffer,
                              ULONG Length);

/* ==== NDIS: PnP characteristics (NdisSetOptionalHandlers from MiniportSetOptions) =========== */
/* MiniportAddDevice: sets NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES with
 * NdisMSetMiniportAttributes; MiniportRemoveDevice frees what it allocated. */
typedef NDIS_STATUS(MINIPORT_ADD_DEVICE)(NDIS_HANDLE NdisMiniportHandle, NDIS_HANDLE MiniportDriverContext);
typedef MINIPORT_ADD_DEVICE(*MINIPORT_ADD_DEVICE_HANDLER);
typedef VOID(MINIPORT_REMOVE_DEVICE)(NDIS_HANDLE MiniportAddDeviceContext);
typedef MINIPORT_REMOVE_DEVICE(*MINIPORT_REMOVE_DEVICE_HANDLER);

/* MiniportFilterResourceRequirements (IRP_MN_FILTER_RESOURCE_REQUIREMENTS: the
 * IO_RESOURCE_REQUIREMENTS_LIST is at Irp->IoStatus.Information) and MiniportStartDevice
 * (IRP_MN_START_DEVICE) share one role type. */
typedef NDIS_STATUS(MINIPORT_PNP_IRP)(NDIS_HANDLE MiniportAddDeviceContext, PIRP Irp);
typedef MINIPORT_PNP_IRP(*MINIPORT_PNP_IRP_HANDLER);
typedef MINIPORT_PNP_IRP MINIPORT_FILTER_RESOURCE_REQUIREMENTS;
typedef MINIPORT_PNP_IRP(*MINIPORT_FILTER_RESOURCE_REQUIREMENTS_HANDLER);
typedef MINIPORT_PNP_IRP MINIPORT_START_DEVICE;
typedef MINIPORT_PNP_IRP(*MINIPORT_START_DEVICE_HANDLER);

#define NDIS_MINIPORT_PNP_CHARACTERISTICS_REVISION_1 1
typedef struct _NDIS_MINIPORT_PNP_CHARACTERISTICS {
    NDIS_OBJECT_HEADER Header; /* NDIS_OBJECT_TYPE_MINIPORT_PNP_CHARACTERISTICS */
    MINIPORT_ADD_DEVICE_HANDLER MiniportAddDeviceHandler;
    MINIPORT_REMOVE_DEVICE_HANDLER MiniportRemoveDeviceHandler;
    MINIPORT_FILTER_RESOURCE_REQUIREMENTS_HANDLER MiniportFilterResourceRequirementsHandler;
    MINIPORT_START_DEVICE_HANDLER MiniportStartDeviceHandler; /* optional */
    ULONG Flags;                                              /* reserved */
} NDIS_MINIPORT_PNP_CHARACTERISTICS, *PNDIS_MINIPORT_PNP_CHARACTERISTICS;
#define NDIS_SIZEOF_MINIPORT_PNP_CHARACTERISTICS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_MINIPORT_PNP_CHARACTERISTICS, Flags)

/* NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES, what MiniportAddDevice registers, is in
 * ndis/adapter.h: NDIS_MINIPORT_ADAPTER_ATTRIBUTES has it as a member. */

/* Any optional-handler structure (NDIS_MINIPORT_PNP_CHARACTERISTICS, ...), told apart by
 * its header's Type. */
typedef struct _NDIS_DRIVER_OPTIONAL_HANDLERS {
    NDIS_OBJECT_HEADER Header;
} NDIS_DRIVER_OPTIONAL_HANDLERS, *PNDIS_DRIVER_OPTIONAL_HANDLERS;

NDISAPI NDIS_STATUS NdisSetOptionalHandlers(NDIS_HANDLE NdisHandle, PNDIS_DRIVER_OPTIONAL_HANDLERS OptionalHandlers);

OPENNDIS_EXTERN_C_END

/* ---- layout checks against the Windows x64 ABI -------------------------------------------- */
C_ASSERT(offsetof(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, InterruptHandler) == 0x08);
C_ASSERT(offsetof(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, EnableInterruptHandler) == 0x20);
C_ASSERT(offsetof(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, MsiSupported) == 0x28);
C_ASSERT(offsetof(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, MsiSyncWithAllMessages) == 0x29);
C_ASSERT(offsetof(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, MessageInterruptHandler) == 0x30);
C_ASSERT(offsetof(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, EnableMessageInterruptHandler) == 0x48);
C_ASSERT(offsetof(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, InterruptType) == 0x50);
C_ASSERT(offsetof(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, MessageInfoTable) == 0x58);
C_ASSERT(NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1 == 0x60);
C_ASSERT(sizeof(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS) == 0x60);
C_ASSERT(offsetof(NDIS_SG_DMA_DESCRIPTION, MaximumPhysicalMapping) == 0x08);
C_ASSERT(offsetof(NDIS_SG_DMA_DESCRIPTION, ProcessSGListHandler) == 0x10);
C_ASSERT(offsetof(NDIS_SG_DMA_DESCRIPTION, SharedMemAllocateCompleteHandler) == 0x18);
C_ASSERT(NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1 == 0x24 && sizeof(NDIS_SG_DMA_DESCRIPTION) == 0x28);
C_ASSERT(offsetof(NDIS_MINIPORT_PNP_CHARACTERISTICS, MiniportAddDeviceHandler) == 0x08);
C_ASSERT(offsetof(NDIS_MINIPORT_PNP_CHARACTERISTICS, MiniportStartDeviceHandler) == 0x20);
C_ASSERT(NDIS_SIZEOF_MINIPORT_PNP_CHARACTERISTICS_REVISION_1 == 0x2C);
C_ASSERT(sizeof(NDIS_MINIPORT_PNP_CHARACTERISTICS) == 0x30);
C_ASSERT(offsetof(NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES, MiniportAddDeviceContext) == 0x08);
C_ASSERT(NDIS_SIZEOF_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES_REVISION_1 == 0x14);
C_ASSERT(sizeof(NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES) == 0x18);
C_ASSERT(sizeof(NDIS_DRIVER_OPTIONAL_HANDLERS) == 4);

#endif /* OPENNDIS_NDIS_HARDWARE_H */
