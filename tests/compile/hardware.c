/* The hardware-miniport surface of include/ndis/hardware.h (interrupts, scatter/gather DMA
 * and shared memory, ports and mapped registers, PCI configuration space, PnP resources and
 * characteristics) as a driver such as virtio-win's NetKVM uses it: every function's
 * address is taken, every type named, the role types declare handlers, the register and
 * port macros take a port or register given as a pointer or as an integer, and the x64
 * layouts hold (the header's own C_ASSERTs). Built for NDIS 6.85 and, where the 6.20 forms
 * differ (DPC parameters, NdisMSynchronizeWithInterruptEx, NdisMQueueDpcEx), for NDIS 6.0,
 * as C and C++. */
#define NDIS_MINIPORT_DRIVER 1
#include <ndis.h>
#include <stddef.h>

#define NAMED(t) sizeof(t),
extern const size_t openndis_hardware_named[];
const size_t openndis_hardware_named[] = {
    NAMED(KINTERRUPT_MODE) NAMED(KINTERRUPT_POLARITY) NAMED(PKINTERRUPT_POLARITY) NAMED(PKINTERRUPT)
    NAMED(IO_INTERRUPT_MESSAGE_INFO_ENTRY) NAMED(PIO_INTERRUPT_MESSAGE_INFO_ENTRY) NAMED(IO_INTERRUPT_MESSAGE_INFO)
    NAMED(PIO_INTERRUPT_MESSAGE_INFO) NAMED(INTERFACE_TYPE) NAMED(PINTERFACE_TYPE) NAMED(CM_SHARE_DISPOSITION)
    NAMED(CM_PARTIAL_RESOURCE_DESCRIPTOR) NAMED(CM_PARTIAL_RESOURCE_LIST) NAMED(CM_FULL_RESOURCE_DESCRIPTOR)
    NAMED(PCM_FULL_RESOURCE_DESCRIPTOR) NAMED(CM_RESOURCE_LIST) NAMED(PCM_RESOURCE_LIST) NAMED(IRQ_DEVICE_POLICY)
    NAMED(PIRQ_DEVICE_POLICY) NAMED(IRQ_PRIORITY) NAMED(PIRQ_PRIORITY) NAMED(IO_RESOURCE_DESCRIPTOR)
    NAMED(PIO_RESOURCE_DESCRIPTOR) NAMED(IO_RESOURCE_LIST) NAMED(PIO_RESOURCE_LIST)
    NAMED(IO_RESOURCE_REQUIREMENTS_LIST) NAMED(PIO_RESOURCE_REQUIREMENTS_LIST) NAMED(PCI_COMMON_HEADER)
    NAMED(PPCI_COMMON_HEADER) NAMED(PCI_COMMON_CONFIG) NAMED(PPCI_COMMON_CONFIG) NAMED(PCI_CAPABILITIES_HEADER)
    NAMED(PPCI_CAPABILITIES_HEADER) NAMED(NDIS_PHYSICAL_ADDRESS) NAMED(PNDIS_PHYSICAL_ADDRESS)
    NAMED(SCATTER_GATHER_LIST) NAMED(MINIPORT_ISR_HANDLER) NAMED(MINIPORT_INTERRUPT_DPC_HANDLER)
    NAMED(MINIPORT_DISABLE_INTERRUPT_HANDLER) NAMED(MINIPORT_ENABLE_INTERRUPT_HANDLER)
    NAMED(MINIPORT_MSI_ISR_HANDLER) NAMED(MINIPORT_MSI_INTERRUPT_DPC_HANDLER)
    NAMED(MINIPORT_DISABLE_MSI_INTERRUPT_HANDLER) NAMED(MINIPORT_ENABLE_MSI_INTERRUPT_HANDLER)
    NAMED(MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER) NAMED(MINIPORT_SYNCHRONIZE_MSI_INTERRUPT_HANDLER)
    NAMED(NDIS_INTERRUPT_TYPE) NAMED(PNDIS_INTERRUPT_TYPE) NAMED(NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS)
    NAMED(PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS) NAMED(MINIPORT_PROCESS_SG_LIST_HANDLER)
    NAMED(MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER) NAMED(NDIS_SG_DMA_DESCRIPTION)
    NAMED(PNDIS_SG_DMA_DESCRIPTION) NAMED(MINIPORT_ADD_DEVICE_HANDLER) NAMED(MINIPORT_REMOVE_DEVICE_HANDLER)
    NAMED(MINIPORT_PNP_IRP_HANDLER) NAMED(MINIPORT_FILTER_RESOURCE_REQUIREMENTS_HANDLER)
    NAMED(MINIPORT_START_DEVICE_HANDLER) NAMED(NDIS_MINIPORT_PNP_CHARACTERISTICS)
    NAMED(PNDIS_MINIPORT_PNP_CHARACTERISTICS) NAMED(NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES)
    NAMED(PNDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES) NAMED(NDIS_DRIVER_OPTIONAL_HANDLERS)
    NAMED(PNDIS_DRIVER_OPTIONAL_HANDLERS)
    /* the sizes the DDI names */
    NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1, NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1,
    NDIS_SIZEOF_MINIPORT_PNP_CHARACTERISTICS_REVISION_1,
    NDIS_SIZEOF_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES_REVISION_1, PCI_COMMON_HDR_LENGTH,
};

/* Every export of the area, by address. */
#define FN(f) (const void *)&f,
extern const void *const openndis_hardware_functions[];
const void *const openndis_hardware_functions[] = {
    FN(NdisMRegisterInterruptEx) FN(NdisMDeregisterInterruptEx) FN(NdisMSynchronizeWithInterruptEx)
    FN(NdisMQueueDpc)
#if NDIS_SUPPORT_NDIS620
    FN(NdisMQueueDpcEx)
#endif
    FN(NdisMRegisterScatterGatherDma) FN(NdisMDeregisterScatterGatherDma) FN(NdisMAllocateNetBufferSGList)
    FN(NdisMFreeNetBufferSGList) FN(NdisMAllocateSharedMemory) FN(NdisMFreeSharedMemory)
    FN(NdisMAllocateSharedMemoryAsyncEx) FN(NdisMRegisterIoPortRange) FN(NdisMDeregisterIoPortRange)
    FN(NdisMMapIoSpace) FN(NdisMUnmapIoSpace) FN(NdisRawReadPortUchar) FN(NdisRawReadPortUshort)
    FN(NdisRawReadPortUlong) FN(NdisRawWritePortUchar) FN(NdisRawWritePortUshort) FN(NdisRawWritePortUlong)
    FN(READ_REGISTER_UCHAR) FN(READ_REGISTER_USHORT) FN(READ_REGISTER_ULONG) FN(WRITE_REGISTER_UCHAR)
    FN(WRITE_REGISTER_USHORT) FN(WRITE_REGISTER_ULONG) FN(READ_PORT_UCHAR) FN(READ_PORT_USHORT) FN(READ_PORT_ULONG)
    FN(WRITE_PORT_UCHAR) FN(WRITE_PORT_USHORT) FN(WRITE_PORT_ULONG) FN(NdisMGetBusData) FN(NdisMSetBusData)
    FN(NdisSetOptionalHandlers)
};

/* Handlers declared with their role types, defined with matching parameter lists. */
MINIPORT_ISR hw_isr;
MINIPORT_INTERRUPT_DPC hw_dpc;
MINIPORT_DISABLE_INTERRUPT hw_disable;
MINIPORT_ENABLE_INTERRUPT hw_enable;
MINIPORT_MESSAGE_INTERRUPT hw_msi_isr;
MINIPORT_MESSAGE_INTERRUPT_DPC hw_msi_dpc;
MINIPORT_DISABLE_MESSAGE_INTERRUPT hw_msi_disable;
MINIPORT_ENABLE_MESSAGE_INTERRUPT hw_msi_enable;
MINIPORT_SYNCHRONIZE_INTERRUPT hw_sync;
MINIPORT_SYNCHRONIZE_MESSAGE_INTERRUPT hw_msi_sync;
MINIPORT_PROCESS_SG_LIST hw_sg_list;
MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE hw_shared_mem_complete;
MINIPORT_ADD_DEVICE hw_add_device;
MINIPORT_REMOVE_DEVICE hw_remove_device;
MINIPORT_FILTER_RESOURCE_REQUIREMENTS hw_filter_resources;
MINIPORT_START_DEVICE hw_start_device;

BOOLEAN hw_isr(NDIS_HANDLE MiniportInterruptContext, PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors)
{
    (void)MiniportInterruptContext;
    *QueueDefaultInterruptDpc = TRUE;
    *TargetProcessors = 0;
    return TRUE;
}

#if NDIS_SUPPORT_NDIS620
VOID hw_dpc(NDIS_HANDLE MiniportInterruptContext, PVOID MiniportDpcContext, PVOID ReceiveThrottleParameters,
            PVOID NdisReserved2)
{
    (void)MiniportInterruptContext, (void)MiniportDpcContext, (void)ReceiveThrottleParameters, (void)NdisReserved2;
}

VOID hw_msi_dpc(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId, PVOID MiniportDpcContext,
                PVOID ReceiveThrottleParameters, PVOID NdisReserved2)
{
    (void)MiniportInterruptContext, (void)MessageId, (void)MiniportDpcContext, (void)ReceiveThrottleParameters,
        (void)NdisReserved2;
}
#else
VOID hw_dpc(NDIS_HANDLE MiniportInterruptContext, PVOID MiniportDpcContext, PULONG NdisReserved1,
            PULONG NdisReserved2)
{
    (void)MiniportInterruptContext, (void)MiniportDpcContext, (void)NdisReserved1, (void)NdisReserved2;
}

VOID hw_msi_dpc(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId, PVOID MiniportDpcContext,
                PULONG NdisReserved1, PULONG NdisReserved2)
{
    (void)MiniportInterruptContext, (void)MessageId, (void)MiniportDpcContext, (void)NdisReserved1,
        (void)NdisReserved2;
}
#endif

VOID hw_disable(NDIS_HANDLE MiniportInterruptContext)
{
    (void)MiniportInterruptContext;
}

VOID hw_enable(NDIS_HANDLE MiniportInterruptContext)
{
    (void)MiniportInterruptContext;
}

BOOLEAN hw_msi_isr(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId, PBOOLEAN QueueDefaultInterruptDpc,
                   PULONG TargetProcessors)
{
    (void)MiniportInterruptContext, (void)MessageId;
    *QueueDefaultInterruptDpc = FALSE;
    *TargetProcessors = 0;
    return TRUE;
}

VOID hw_msi_disable(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId)
{
    (void)MiniportInterruptContext, (void)MessageId;
}

VOID hw_msi_enable(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId)
{
    (void)MiniportInterruptContext, (void)MessageId;
}

BOOLEAN hw_sync(NDIS_HANDLE SynchronizeContext)
{
    return SynchronizeContext != NULL;
}

BOOLEAN hw_msi_sync(NDIS_HANDLE SynchronizeContext)
{
    return SynchronizeContext == NULL;
}

VOID hw_sg_list(PDEVICE_OBJECT pDO, PVOID Reserved, PSCATTER_GATHER_LIST pSGL, PVOID Context)
{
    (void)pDO, (void)Reserved, (void)pSGL, (void)Context;
}

VOID hw_shared_mem_complete(NDIS_HANDLE MiniportAdapterContext, PVOID VirtualAddress,
                            PNDIS_PHYSICAL_ADDRESS PhysicalAddress, ULONG Length, PVOID Context)
{
    (void)MiniportAdapterContext, (void)VirtualAddress, (void)PhysicalAddress, (void)Length, (void)Context;
}

NDIS_STATUS hw_add_device(NDIS_HANDLE NdisMiniportHandle, NDIS_HANDLE MiniportDriverContext)
{
    (void)NdisMiniportHandle, (void)MiniportDriverContext;
    return NDIS_STATUS_SUCCESS;
}

VOID hw_remove_device(NDIS_HANDLE MiniportAddDeviceContext)
{
    (void)MiniportAddDeviceContext;
}

NDIS_STATUS hw_filter_resources(NDIS_HANDLE MiniportAddDeviceContext, PIRP Irp)
{
    /* walk the alternative lists the way the DDI page shows */
    PIO_RESOURCE_REQUIREMENTS_LIST reqs = (PIO_RESOURCE_REQUIREMENTS_LIST)Irp->IoStatus.Information;
    PIO_RESOURCE_LIST list = reqs->List;
    (void)MiniportAddDeviceContext;
    for (ULONG i = 0; i < reqs->AlternativeLists; i++) {
        for (ULONG j = 0; j < list->Count; j++) {
            PIO_RESOURCE_DESCRIPTOR d = &list->Descriptors[j];
            if (d->Type == CmResourceTypeInterrupt && (d->Flags & CM_RESOURCE_INTERRUPT_MESSAGE)) {
                d->Flags |= CM_RESOURCE_INTERRUPT_POLICY_INCLUDED;
                d->u.Interrupt.AffinityPolicy = IrqPolicySpecifiedProcessors;
                d->u.Interrupt.Group = 0;
                d->u.Interrupt.TargetedProcessors = 1;
                d->u.Interrupt.PriorityPolicy = IrqPriorityNormal;
            }
            if (d->Option & IO_RESOURCE_ALTERNATIVE)
                d->Option &= (UCHAR)~IO_RESOURCE_ALTERNATIVE;
        }
        list = (PIO_RESOURCE_LIST)(list->Descriptors + list->Count);
    }
    return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS hw_start_device(NDIS_HANDLE MiniportAddDeviceContext, PIRP Irp)
{
    (void)MiniportAddDeviceContext, (void)Irp;
    return NDIS_STATUS_SUCCESS;
}

/* The calls, as a driver makes them. */
NDIS_STATUS hw_initialize(NDIS_HANDLE adapter, PNDIS_RESOURCE_LIST resources);
NDIS_STATUS hw_initialize(NDIS_HANDLE adapter, PNDIS_RESOURCE_LIST resources)
{
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS ic = { { NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT,
                                                     NDIS_MINIPORT_INTERRUPT_REVISION_1,
                                                     NDIS_SIZEOF_MINIPORT_INTERRUPT_CHARACTERISTICS_REVISION_1 },
                                                   hw_isr, hw_dpc, hw_disable, hw_enable, TRUE, FALSE,
                                                   hw_msi_isr, hw_msi_dpc, hw_msi_disable, hw_msi_enable,
                                                   NDIS_CONNECT_LINE_BASED, NULL };
    NDIS_HANDLE interrupt = NULL, dma = NULL;
    NDIS_STATUS status = NdisMRegisterInterruptEx(adapter, NULL, &ic, &interrupt);
    if (status == NDIS_STATUS_SUCCESS && ic.InterruptType == NDIS_CONNECT_MESSAGE_BASED) {
        PIO_INTERRUPT_MESSAGE_INFO info = ic.MessageInfoTable;
        for (ULONG i = 0; i < info->MessageCount; i++)
            if (info->MessageInfo[i].Mode == Latched && info->MessageInfo[i].Polarity == InterruptRisingEdge)
                (void)info->MessageInfo[i].TargetProcessorSet;
    }
#if NDIS_SUPPORT_NDIS620
    (void)NdisMSynchronizeWithInterruptEx(interrupt, 0, hw_sync, NULL);
#else
    (void)NdisMSynchronizeWithInterruptEx(interrupt, 0, (PVOID)hw_sync, NULL); /* a PVOID before 6.20 */
#endif
    (void)NdisMQueueDpc(interrupt, 0, 1, NULL);
#if NDIS_SUPPORT_NDIS620
    GROUP_AFFINITY affinity = { 1, 0, { 0, 0, 0 } };
    (void)NdisMQueueDpcEx(interrupt, 0, &affinity, NULL);
#endif

    NDIS_SG_DMA_DESCRIPTION sg = { { NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION, NDIS_SG_DMA_DESCRIPTION_REVISION_1,
                                     NDIS_SIZEOF_SG_DMA_DESCRIPTION_REVISION_1 },
                                   NDIS_SG_DMA_64_BIT_ADDRESS, 0x10000, hw_sg_list, hw_shared_mem_complete, 0 };
#if NDIS_SUPPORT_NDIS650
    sg.Flags |= NDIS_SG_DMA_V3_HAL_API;
#endif
#if NDIS_SUPPORT_NDIS685
    (void)NDIS_SG_DMA_HYBRID_DMA;
#endif
    status = NdisMRegisterScatterGatherDma(adapter, &sg, &dma);
    (void)NdisMAllocateNetBufferSGList(dma, NULL, NULL, NDIS_SG_LIST_WRITE_TO_DEVICE, NULL, sg.ScatterGatherListSize);
    NdisMFreeNetBufferSGList(dma, NULL, NULL);
    (void)NdisMAllocateSharedMemoryAsyncEx(dma, 4096, TRUE, NULL);
    PVOID va = NULL;
    NDIS_PHYSICAL_ADDRESS pa;
    NdisMAllocateSharedMemory(adapter, 4096, TRUE, &va, &pa);
    NdisMFreeSharedMemory(adapter, 4096, TRUE, va, pa);

    /* registers and ports, given as pointers and as integers */
    PVOID regs = NULL, ports = NULL;
    ULONG_PTR port = 0xC000;
    UCHAR b;
    USHORT w;
    ULONG l;
    status = NdisMMapIoSpace(&regs, adapter, pa, 0x1000);
    NdisReadRegisterUchar((PUCHAR)regs + 1, &b);
    NdisReadRegisterUshort((ULONG_PTR)regs + 2, &w);
    NdisReadRegisterUlong((PULONG)regs, &l);
    NdisWriteRegisterUchar((PUCHAR)regs, b);
    NdisWriteRegisterUshort((ULONG_PTR)regs + 2, w);
    NdisWriteRegisterUlong(regs, l);
    NdisMUnmapIoSpace(adapter, regs, 0x1000);
    status = NdisMRegisterIoPortRange(&ports, adapter, 0xC000, 0x40);
    NdisRawReadPortUchar(port, &b);
    NdisRawReadPortUshort((PUCHAR)ports + 2, &w);
    NdisRawReadPortUlong(port + 4, &l);
    NdisRawWritePortUchar(port, b);
    NdisRawWritePortUshort((PUCHAR)ports + 2, w);
    NdisRawWritePortUlong(port + 4, l);
    NdisMDeregisterIoPortRange(adapter, 0xC000, 0x40, ports);

    /* configuration space and assigned resources */
    PCI_COMMON_HEADER header;
    if (NdisMGetBusData(adapter, PCI_WHICHSPACE_CONFIG, 0, &header, sizeof header) == sizeof header &&
        (header.Status & PCI_STATUS_CAPABILITIES_LIST)) {
        UCHAR cap = (header.HeaderType & ~PCI_MULTIFUNCTION) == PCI_DEVICE_TYPE  ? header.u.type0.CapabilitiesPtr
                    : (header.HeaderType & ~PCI_MULTIFUNCTION) == PCI_BRIDGE_TYPE ? header.u.type1.CapabilitiesPtr
                                                                                   : header.u.type2.CapabilitiesPtr;
        PCI_CAPABILITIES_HEADER ch;
        (void)NdisMGetBusData(adapter, PCI_WHICHSPACE_CONFIG, cap, &ch, sizeof ch);
        if (ch.CapabilityID == PCI_CAPABILITY_ID_VENDOR_SPECIFIC || ch.CapabilityID == PCI_CAPABILITY_ID_MSIX)
            (void)ch.Next;
        ULONG bar = header.u.type0.BaseAddresses[PCI_TYPE0_ADDRESSES - 1];
        if (!(bar & PCI_ADDRESS_IO_SPACE) && (bar & PCI_ADDRESS_MEMORY_TYPE_MASK) == PCI_TYPE_64BIT)
            (void)(bar & PCI_ADDRESS_MEMORY_ADDRESS_MASK);
    }
    (void)NdisMSetBusData(adapter, PCI_WHICHSPACE_CONFIG, 4, &header.Command, sizeof header.Command);
    for (ULONG i = 0; resources != NULL && i < resources->Count; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = &resources->PartialDescriptors[i];
        if (d->Type == CmResourceTypePort && (d->Flags & CM_RESOURCE_PORT_IO) &&
            d->ShareDisposition != CmResourceShareShared)
            (void)d->u.Port.Start;
    }
    (void)PCI_TYPE1_ADDRESSES, (void)PCI_MAX_DEVICES, (void)PCI_MAX_FUNCTION, (void)PCI_WHICHSPACE_ROM;
    (void)sizeof(PCI_COMMON_CONFIG);

    if (interrupt != NULL)
        NdisMDeregisterInterruptEx(interrupt);
    if (dma != NULL)
        NdisMDeregisterScatterGatherDma(dma);
    return status;
}

/* MiniportSetOptions registering the PnP handlers; MiniportAddDevice's attributes. */
NDIS_STATUS hw_set_options(NDIS_HANDLE driver, NDIS_HANDLE context);
NDIS_STATUS hw_set_options(NDIS_HANDLE driver, NDIS_HANDLE context)
{
    NDIS_MINIPORT_PNP_CHARACTERISTICS pnp = { { NDIS_OBJECT_TYPE_MINIPORT_PNP_CHARACTERISTICS,
                                                NDIS_MINIPORT_PNP_CHARACTERISTICS_REVISION_1,
                                                NDIS_SIZEOF_MINIPORT_PNP_CHARACTERISTICS_REVISION_1 },
                                              hw_add_device, hw_remove_device, hw_filter_resources,
                                              hw_start_device, 0 };
    NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES add = {
        { NDIS_OBJECT_TYPE_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES,
          NDIS_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES_REVISION_1,
          NDIS_SIZEOF_MINIPORT_ADD_DEVICE_REGISTRATION_ATTRIBUTES_REVISION_1 },
        context, 0 };
    (void)add;
    return NdisSetOptionalHandlers(driver, (PNDIS_DRIVER_OPTIONAL_HANDLERS)&pnp);
}
