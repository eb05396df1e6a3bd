/* OpenNDIS: the WDM side of hardware (wdm.h includes it): interrupt objects and messages, the
 * buses and hardware resource lists PnP hands a driver, PCI configuration space and its
 * capability list, and register access. Written from the DDI reference pages; layouts are
 * the Windows x64 ones (checked at the end). NDIS's calls over them are in ndis/hardware.h. */
#ifndef OPENNDIS_WDM_HARDWARE_H
#define OPENNDIS_WDM_HARDWARE_H

OPENNDIS_EXTERN_C_BEGIN

/* ==== WDM: interrupts ======================================================================= */
typedef enum _KINTERRUPT_MODE {
    LevelSensitive,
    Latched
} KINTERRUPT_MODE;

typedef enum _KINTERRUPT_POLARITY {
    InterruptPolarityUnknown,
    InterruptActiveHigh,
    InterruptRisingEdge = InterruptActiveHigh,
    InterruptActiveLow,
    InterruptFallingEdge = InterruptActiveLow,
    InterruptActiveBoth,
    InterruptActiveBothTriggerLow = InterruptActiveBoth,
    InterruptActiveBothTriggerHigh
} KINTERRUPT_POLARITY, *PKINTERRUPT_POLARITY;

typedef struct _KINTERRUPT *PKINTERRUPT; /* an interrupt object: opaque to drivers */

/* One message-signaled interrupt granted to the driver. */
typedef struct _IO_INTERRUPT_MESSAGE_INFO_ENTRY {
    PHYSICAL_ADDRESS MessageAddress; /* where a write raises the interrupt */
    KAFFINITY TargetProcessorSet;
    PKINTERRUPT InterruptObject;
    ULONG MessageData; /* the value written to MessageAddress */
    ULONG Vector;
    KIRQL Irql;
    KINTERRUPT_MODE Mode;
    KINTERRUPT_POLARITY Polarity;
} IO_INTERRUPT_MESSAGE_INFO_ENTRY, *PIO_INTERRUPT_MESSAGE_INFO_ENTRY;

/* All of them: MessageCount entries follow in MessageInfo. */
typedef struct _IO_INTERRUPT_MESSAGE_INFO {
    KIRQL UnifiedIrql;
    ULONG MessageCount;
    IO_INTERRUPT_MESSAGE_INFO_ENTRY MessageInfo[1];
} IO_INTERRUPT_MESSAGE_INFO, *PIO_INTERRUPT_MESSAGE_INFO;

/* ==== WDM: buses and hardware resources ===================================================== */
typedef enum _INTERFACE_TYPE {
    InterfaceTypeUndefined = -1,
    Internal,
    Isa,
    Eisa,
    MicroChannel,
    TurboChannel,
    PCIBus,
    VMEBus,
    NuBus,
    PCMCIABus,
    CBus,
    MPIBus,
    MPSABus,
    ProcessorInternal,
    InternalPowerBus,
    PNPISABus,
    PNPBus,
    Vmcs,
    ACPIBus,
    MaximumInterfaceType
} INTERFACE_TYPE, *PINTERFACE_TYPE;

/* Resource types beyond CmResourceTypeNull..CmResourceTypeMemoryLarge (wdm.h). */
#define CmResourceTypeNonArbitrated 128
#define CmResourceTypeConfigData 128
#define CmResourceTypeDevicePrivate 129
#define CmResourceTypePcCardConfig 130
#define CmResourceTypeMfCardConfig 131
#define CmResourceTypeConnection 132

/* CM_PARTIAL_RESOURCE_DESCRIPTOR / IO_RESOURCE_DESCRIPTOR ShareDisposition */
typedef enum _CM_SHARE_DISPOSITION {
    CmResourceShareUndetermined = 0,
    CmResourceShareDeviceExclusive,
    CmResourceShareDriverExclusive,
    CmResourceShareShared
} CM_SHARE_DISPOSITION;

/* Flags of a CmResourceTypeInterrupt descriptor */
#define CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE 0x0000
#define CM_RESOURCE_INTERRUPT_LATCHED 0x0001
#define CM_RESOURCE_INTERRUPT_MESSAGE 0x0002
#define CM_RESOURCE_INTERRUPT_POLICY_INCLUDED 0x0004
#define CM_RESOURCE_INTERRUPT_SECONDARY_INTERRUPT 0x0010
#define CM_RESOURCE_INTERRUPT_WAKE_HINT 0x0020
/* Flags of a CmResourceTypePort descriptor */
#define CM_RESOURCE_PORT_MEMORY 0x0000
#define CM_RESOURCE_PORT_IO 0x0001
#define CM_RESOURCE_PORT_10_BIT_DECODE 0x0004
#define CM_RESOURCE_PORT_12_BIT_DECODE 0x0008
#define CM_RESOURCE_PORT_16_BIT_DECODE 0x0010
#define CM_RESOURCE_PORT_POSITIVE_DECODE 0x0020
#define CM_RESOURCE_PORT_PASSIVE_DECODE 0x0040
#define CM_RESOURCE_PORT_WINDOW_DECODE 0x0080
/* Flags of a CmResourceTypeMemory (and CmResourceTypeMemoryLarge) descriptor */
#define CM_RESOURCE_MEMORY_READ_WRITE 0x0000
#define CM_RESOURCE_MEMORY_READ_ONLY 0x0001
#define CM_RESOURCE_MEMORY_WRITE_ONLY 0x0002
#define CM_RESOURCE_MEMORY_PREFETCHABLE 0x0004
#define CM_RESOURCE_MEMORY_COMBINEDWRITE 0x0008
#define CM_RESOURCE_MEMORY_24 0x0010
#define CM_RESOURCE_MEMORY_CACHEABLE 0x0020
#define CM_RESOURCE_MEMORY_LARGE_40 0x0200 /* u.Memory40 */
#define CM_RESOURCE_MEMORY_LARGE_48 0x0400 /* u.Memory48 */
#define CM_RESOURCE_MEMORY_LARGE_64 0x0800 /* u.Memory64 */
/* Flags of a CmResourceTypeDma descriptor */
#define CM_RESOURCE_DMA_8 0x0000
#define CM_RESOURCE_DMA_16 0x0001
#define CM_RESOURCE_DMA_32 0x0002
#define CM_RESOURCE_DMA_8_AND_16 0x0004
#define CM_RESOURCE_DMA_BUS_MASTER 0x0008
#define CM_RESOURCE_DMA_TYPE_A 0x0010
#define CM_RESOURCE_DMA_TYPE_B 0x0020
#define CM_RESOURCE_DMA_TYPE_F 0x0040
#define CM_RESOURCE_DMA_V3 0x0080 /* u.DmaV3 */
/* u.Connection of a CmResourceTypeConnection descriptor */
#define CM_RESOURCE_CONNECTION_CLASS_GPIO 0x01
#define CM_RESOURCE_CONNECTION_CLASS_SERIAL 0x02
#define CM_RESOURCE_CONNECTION_TYPE_GPIO_IO 0x02
#define CM_RESOURCE_CONNECTION_TYPE_SERIAL_I2C 0x01
#define CM_RESOURCE_CONNECTION_TYPE_SERIAL_SPI 0x02
#define CM_RESOURCE_CONNECTION_TYPE_SERIAL_UART 0x03

/* The resources assigned to a device (IRP_MN_START_DEVICE): CM_RESOURCE_LIST holds Count
 * full descriptors back to back, each a CM_PARTIAL_RESOURCE_LIST (wdm.h) for one bus. */
#pragma pack(push, 4)
typedef struct _CM_FULL_RESOURCE_DESCRIPTOR {
    INTERFACE_TYPE InterfaceType;
    ULONG BusNumber;
    CM_PARTIAL_RESOURCE_LIST PartialResourceList;
} CM_FULL_RESOURCE_DESCRIPTOR, *PCM_FULL_RESOURCE_DESCRIPTOR;

struct _CM_RESOURCE_LIST { /* typedef in wdm.h */
    ULONG Count;
    CM_FULL_RESOURCE_DESCRIPTOR List[1];
};
#pragma pack(pop)

/* The resources a device can use (IRP_MN_FILTER_RESOURCE_REQUIREMENTS): alternative lists
 * of ranges, each IO_RESOURCE_LIST followed directly by the next. */
typedef enum _IRQ_DEVICE_POLICY {
    IrqPolicyMachineDefault = 0,
    IrqPolicyAllCloseProcessors = 1,
    IrqPolicyOneCloseProcessor = 2,
    IrqPolicyAllProcessorsInMachine = 3,
    IrqPolicySpecifiedProcessors = 4,
    IrqPolicySpreadMessagesAcrossAllProcessors = 5,
    IrqPolicyAllProcessorsInMachineWhenSteered = 6
} IRQ_DEVICE_POLICY, *PIRQ_DEVICE_POLICY;

typedef enum _IRQ_PRIORITY {
    IrqPriorityUndefined = 0,
    IrqPriorityLow,
    IrqPriorityNormal,
    IrqPriorityHigh
} IRQ_PRIORITY, *PIRQ_PRIORITY;

/* IO_RESOURCE_DESCRIPTOR Option (0: required) */
#define IO_RESOURCE_PREFERRED 0x01
#define IO_RESOURCE_DEFAULT 0x02
#define IO_RESOURCE_ALTERNATIVE 0x08

typedef struct _IO_RESOURCE_DESCRIPTOR {
    UCHAR Option;
    UCHAR Type;             /* CmResourceType* */
    UCHAR ShareDisposition; /* CM_SHARE_DISPOSITION */
    UCHAR Spare1;
    USHORT Flags; /* CM_RESOURCE_* of the type */
    USHORT Spare2;
    union {
        struct {
            ULONG Length;
            ULONG Alignment;
            PHYSICAL_ADDRESS MinimumAddress;
            PHYSICAL_ADDRESS MaximumAddress;
        } Port, Memory, Generic;
        struct {
            ULONG MinimumVector;
            ULONG MaximumVector;
            USHORT AffinityPolicy; /* an IRQ_DEVICE_POLICY, narrowed to make room for Group */
            USHORT Group;
            IRQ_PRIORITY PriorityPolicy;
            KAFFINITY TargetedProcessors;
        } Interrupt;
        struct {
            ULONG MinimumChannel;
            ULONG MaximumChannel;
        } Dma;
        struct {
            ULONG RequestLine;
            ULONG Reserved;
            ULONG Channel;
            ULONG TransferWidth;
        } DmaV3;
        struct {
            ULONG Data[3];
        } DevicePrivate;
        struct {
            ULONG Length;
            ULONG MinBusNumber;
            ULONG MaxBusNumber;
            ULONG Reserved;
        } BusNumber;
        struct {
            ULONG Priority;
            ULONG Reserved1;
            ULONG Reserved2;
        } ConfigData;
        struct {
            ULONG Length40; /* bits 8..39 of the length */
            ULONG Alignment40;
            PHYSICAL_ADDRESS MinimumAddress;
            PHYSICAL_ADDRESS MaximumAddress;
        } Memory40;
        struct {
            ULONG Length48; /* bits 16..47 */
            ULONG Alignment48;
            PHYSICAL_ADDRESS MinimumAddress;
            PHYSICAL_ADDRESS MaximumAddress;
        } Memory48;
        struct {
            ULONG Length64; /* bits 32..63 */
            ULONG Alignment64;
            PHYSICAL_ADDRESS MinimumAddress;
            PHYSICAL_ADDRESS MaximumAddress;
        } Memory64;
        struct {
            UCHAR Class;
            UCHAR Type;
            UCHAR Reserved1;
            UCHAR Reserved2;
            ULONG IdLowPart;
            ULONG IdHighPart;
        } Connection;
    } u;
} IO_RESOURCE_DESCRIPTOR, *PIO_RESOURCE_DESCRIPTOR;

typedef struct _IO_RESOURCE_LIST {
    USHORT Version;  /* 1 */
    USHORT Revision; /* 1 */
    ULONG Count;
    IO_RESOURCE_DESCRIPTOR Descriptors[1];
} IO_RESOURCE_LIST, *PIO_RESOURCE_LIST;

typedef struct _IO_RESOURCE_REQUIREMENTS_LIST {
    ULONG ListSize; /* bytes, all alternative lists included */
    INTERFACE_TYPE InterfaceType;
    ULONG BusNumber;
    ULONG SlotNumber;
    ULONG Reserved[3];
    ULONG AlternativeLists;
    IO_RESOURCE_LIST List[1];
} IO_RESOURCE_REQUIREMENTS_LIST, *PIO_RESOURCE_REQUIREMENTS_LIST;

/* ==== WDM: PCI configuration space ========================================================== */
/* WhichSpace of NdisMGetBusData / NdisMSetBusData */
#define PCI_WHICHSPACE_CONFIG 0x0
#define PCI_WHICHSPACE_ROM 0x52696350

#define PCI_TYPE0_ADDRESSES 6
#define PCI_TYPE1_ADDRESSES 2
#define PCI_TYPE2_ADDRESSES 5

/* The part of the 64-byte header that depends on HeaderType: a device (type 0), a
 * PCI-to-PCI bridge (type 1) or a CardBus bridge (type 2). */
union openndis_pci_header_layouts {
    struct {
        ULONG BaseAddresses[PCI_TYPE0_ADDRESSES]; /* 0x10 */
        ULONG CIS;
        USHORT SubVendorID;
        USHORT SubSystemID;
        ULONG ROMBaseAddress;
        UCHAR CapabilitiesPtr; /* 0x34 */
        UCHAR Reserved1[3];
        ULONG Reserved2;
        UCHAR InterruptLine; /* 0x3C */
        UCHAR InterruptPin;
        UCHAR MinimumGrant;
        UCHAR MaximumLatency;
    } type0;
    struct {
        ULONG BaseAddresses[PCI_TYPE1_ADDRESSES]; /* 0x10 */
        UCHAR PrimaryBus;
        UCHAR SecondaryBus;
        UCHAR SubordinateBus;
        UCHAR SecondaryLatency;
        UCHAR IOBase; /* 0x1C */
        UCHAR IOLimit;
        USHORT SecondaryStatus;
        USHORT MemoryBase;
        USHORT MemoryLimit;
        USHORT PrefetchBase;
        USHORT PrefetchLimit;
        ULONG PrefetchBaseUpper32; /* 0x28 */
        ULONG PrefetchLimitUpper32;
        USHORT IOBaseUpper16;
        USHORT IOLimitUpper16;
        UCHAR CapabilitiesPtr; /* 0x34 */
        UCHAR Reserved1[3];
        ULONG ROMBaseAddress;
        UCHAR InterruptLine; /* 0x3C */
        UCHAR InterruptPin;
        USHORT BridgeControl;
    } type1;
    struct {
        ULONG SocketRegistersBaseAddress; /* 0x10 */
        UCHAR CapabilitiesPtr;            /* 0x14 */
        UCHAR Reserved;
        USHORT SecondaryStatus;
        UCHAR PrimaryBus;
        UCHAR SecondaryBus;
        UCHAR SubordinateBus;
        UCHAR SecondaryLatency;
        struct {
            ULONG Base;
            ULONG Limit;
        } Range[PCI_TYPE2_ADDRESSES - 1]; /* 0x1C */
        UCHAR InterruptLine;              /* 0x3C */
        UCHAR InterruptPin;
        USHORT BridgeControl;
    } type2;
};

/* The fields every header starts with; PCI_COMMON_CONFIG adds the device-specific rest of
 * the 256 bytes. The two are spelt out alike, so that both are standard-layout in C++. */
#define OPENNDIS_PCI_COMMON_HEADER_FIELDS                                                           \
    USHORT VendorID;                                                                                \
    USHORT DeviceID;                                                                                \
    USHORT Command;                                                                                 \
    USHORT Status;                                                                                  \
    UCHAR RevisionID;                                                                               \
    UCHAR ProgIf;                                                                                   \
    UCHAR SubClass;                                                                                 \
    UCHAR BaseClass;                                                                                \
    UCHAR CacheLineSize;                                                                            \
    UCHAR LatencyTimer;                                                                             \
    UCHAR HeaderType; /* PCI_*_TYPE, | PCI_MULTIFUNCTION */                                         \
    UCHAR BIST;                                                                                     \
    union openndis_pci_header_layouts u
typedef struct _PCI_COMMON_HEADER {
    OPENNDIS_PCI_COMMON_HEADER_FIELDS;
} PCI_COMMON_HEADER, *PPCI_COMMON_HEADER;
typedef struct _PCI_COMMON_CONFIG {
    OPENNDIS_PCI_COMMON_HEADER_FIELDS;
    UCHAR DeviceSpecific[192];
} PCI_COMMON_CONFIG, *PPCI_COMMON_CONFIG;
#undef OPENNDIS_PCI_COMMON_HEADER_FIELDS

#define PCI_COMMON_HDR_LENGTH (FIELD_OFFSET(PCI_COMMON_CONFIG, DeviceSpecific))
#define PCI_MAX_DEVICES 32
#define PCI_MAX_FUNCTION 8
#define PCI_MAX_BRIDGE_NUMBER 0xFF
#define PCI_INVALID_VENDORID 0xFFFF

/* HeaderType */
#define PCI_MULTIFUNCTION 0x80
#define PCI_DEVICE_TYPE 0x00
#define PCI_BRIDGE_TYPE 0x01
#define PCI_CARDBUS_BRIDGE_TYPE 0x02
/* Status */
#define PCI_STATUS_CAPABILITIES_LIST 0x0010
/* u.type0.BaseAddresses */
#define PCI_ADDRESS_IO_SPACE 0x00000001
#define PCI_ADDRESS_MEMORY_TYPE_MASK 0x00000006
#define PCI_ADDRESS_MEMORY_PREFETCHABLE 0x00000008
#define PCI_ADDRESS_IO_ADDRESS_MASK 0xfffffffc
#define PCI_ADDRESS_MEMORY_ADDRESS_MASK 0xfffffff0
#define PCI_ADDRESS_ROM_ADDRESS_MASK 0xfffff800
#define PCI_TYPE_32BIT 0
#define PCI_TYPE_20BIT 2
#define PCI_TYPE_64BIT 4
/* u.type0.ROMBaseAddress */
#define PCI_ROMADDRESS_ENABLED 0x00000001

/* The capability list (from CapabilitiesPtr when Status has PCI_STATUS_CAPABILITIES_LIST). */
typedef struct _PCI_CAPABILITIES_HEADER {
    UCHAR CapabilityID; /* PCI_CAPABILITY_ID_* */
    UCHAR Next;         /* configuration-space offset of the next one, 0 at the end */
} PCI_CAPABILITIES_HEADER, *PPCI_CAPABILITIES_HEADER;
#define PCI_CAPABILITY_ID_POWER_MANAGEMENT 0x01
#define PCI_CAPABILITY_ID_AGP 0x02
#define PCI_CAPABILITY_ID_VPD 0x03
#define PCI_CAPABILITY_ID_SLOT_ID 0x04
#define PCI_CAPABILITY_ID_MSI 0x05
#define PCI_CAPABILITY_ID_CPCI_HOTSWAP 0x06
#define PCI_CAPABILITY_ID_PCIX 0x07
#define PCI_CAPABILITY_ID_HYPERTRANSPORT 0x08
#define PCI_CAPABILITY_ID_VENDOR_SPECIFIC 0x09
#define PCI_CAPABILITY_ID_DEBUG_PORT 0x0A
#define PCI_CAPABILITY_ID_CPCI_RES_CTRL 0x0B
#define PCI_CAPABILITY_ID_SHPC 0x0C
#define PCI_CAPABILITY_ID_P2P_SSID 0x0D
#define PCI_CAPABILITY_ID_AGP_TARGET 0x0E
#define PCI_CAPABILITY_ID_SECURE 0x0F
#define PCI_CAPABILITY_ID_PCI_EXPRESS 0x10
#define PCI_CAPABILITY_ID_MSIX 0x11

/* ==== WDM: memory-mapped device registers (ntoskrnl) ======================================== */
/* Each reads or writes one register with a memory barrier around the access. */
NTKERNELAPI UCHAR READ_REGISTER_UCHAR(volatile UCHAR *Register);
NTKERNELAPI USHORT READ_REGISTER_USHORT(volatile USHORT *Register);
NTKERNELAPI ULONG READ_REGISTER_ULONG(volatile ULONG *Register);
NTKERNELAPI VOID WRITE_REGISTER_UCHAR(volatile UCHAR *Register, UCHAR Value);
NTKERNELAPI VOID WRITE_REGISTER_USHORT(volatile USHORT *Register, USHORT Value);
NTKERNELAPI VOID WRITE_REGISTER_ULONG(volatile ULONG *Register, ULONG Value);
/* Count values from or to consecutive registers, as x64's string moves copy them. */
NTKERNELAPI VOID READ_REGISTER_BUFFER_UCHAR(volatile UCHAR *Register, PUCHAR Buffer, ULONG Count);
NTKERNELAPI VOID READ_REGISTER_BUFFER_USHORT(volatile USHORT *Register, PUSHORT Buffer, ULONG Count);
NTKERNELAPI VOID READ_REGISTER_BUFFER_ULONG(volatile ULONG *Register, PULONG Buffer, ULONG Count);
NTKERNELAPI VOID WRITE_REGISTER_BUFFER_UCHAR(volatile UCHAR *Register, PUCHAR Buffer, ULONG Count);
NTKERNELAPI VOID WRITE_REGISTER_BUFFER_USHORT(volatile USHORT *Register, PUSHORT Buffer, ULONG Count);
NTKERNELAPI VOID WRITE_REGISTER_BUFFER_ULONG(volatile ULONG *Register, PULONG Buffer, ULONG Count);

/* ==== WDM: I/O ports (hal) ================================================================== */
/* Each reads or writes one port; Port is the port number as a pointer (on x64, what
 * NdisMRegisterIoPortRange hands back, plus the register's offset). */
NTHALAPI UCHAR READ_PORT_UCHAR(PUCHAR Port);
NTHALAPI USHORT READ_PORT_USHORT(PUSHORT Port);
NTHALAPI ULONG READ_PORT_ULONG(PULONG Port);
NTHALAPI VOID WRITE_PORT_UCHAR(PUCHAR Port, UCHAR Value);
NTHALAPI VOID WRITE_PORT_USHORT(PUSHORT Port, USHORT Value);
NTHALAPI VOID WRITE_PORT_ULONG(PULONG Port, ULONG Value);
/* Count values through one port (a FIFO), as x86's string port instructions move them. */
NTHALAPI VOID READ_PORT_BUFFER_UCHAR(PUCHAR Port, PUCHAR Buffer, ULONG Count);
NTHALAPI VOID READ_PORT_BUFFER_USHORT(PUSHORT Port, PUSHORT Buffer, ULONG Count);
NTHALAPI VOID READ_PORT_BUFFER_ULONG(PULONG Port, PULONG Buffer, ULONG Count);
NTHALAPI VOID WRITE_PORT_BUFFER_UCHAR(PUCHAR Port, PUCHAR Buffer, ULONG Count);
NTHALAPI VOID WRITE_PORT_BUFFER_USHORT(PUSHORT Port, PUSHORT Buffer, ULONG Count);
NTHALAPI VOID WRITE_PORT_BUFFER_ULONG(PULONG Port, PULONG Buffer, ULONG Count);

OPENNDIS_EXTERN_C_END

/* ---- layout checks against the Windows x64 ABI -------------------------------------------- */
C_ASSERT(offsetof(IO_INTERRUPT_MESSAGE_INFO_ENTRY, TargetProcessorSet) == 0x08);
C_ASSERT(offsetof(IO_INTERRUPT_MESSAGE_INFO_ENTRY, InterruptObject) == 0x10);
C_ASSERT(offsetof(IO_INTERRUPT_MESSAGE_INFO_ENTRY, MessageData) == 0x18);
C_ASSERT(offsetof(IO_INTERRUPT_MESSAGE_INFO_ENTRY, Irql) == 0x20);
C_ASSERT(offsetof(IO_INTERRUPT_MESSAGE_INFO_ENTRY, Mode) == 0x24);
C_ASSERT(offsetof(IO_INTERRUPT_MESSAGE_INFO_ENTRY, Polarity) == 0x28);
C_ASSERT(sizeof(IO_INTERRUPT_MESSAGE_INFO_ENTRY) == 0x30);
C_ASSERT(offsetof(IO_INTERRUPT_MESSAGE_INFO, MessageCount) == 0x04);
C_ASSERT(offsetof(IO_INTERRUPT_MESSAGE_INFO, MessageInfo) == 0x08 && sizeof(IO_INTERRUPT_MESSAGE_INFO) == 0x38);
C_ASSERT(sizeof(INTERFACE_TYPE) == 4 && sizeof(KINTERRUPT_MODE) == 4 && sizeof(KINTERRUPT_POLARITY) == 4);
C_ASSERT(offsetof(CM_FULL_RESOURCE_DESCRIPTOR, PartialResourceList) == 0x08);
C_ASSERT(sizeof(CM_FULL_RESOURCE_DESCRIPTOR) == 0x24);
C_ASSERT(offsetof(CM_RESOURCE_LIST, List) == 0x04 && sizeof(CM_RESOURCE_LIST) == 0x28);
C_ASSERT(offsetof(IO_RESOURCE_DESCRIPTOR, Flags) == 0x04 && offsetof(IO_RESOURCE_DESCRIPTOR, u) == 0x08);
C_ASSERT(offsetof(IO_RESOURCE_DESCRIPTOR, u.Port.MinimumAddress) == 0x10);
C_ASSERT(offsetof(IO_RESOURCE_DESCRIPTOR, u.Port.MaximumAddress) == 0x18);
C_ASSERT(offsetof(IO_RESOURCE_DESCRIPTOR, u.Interrupt.AffinityPolicy) == 0x10);
C_ASSERT(offsetof(IO_RESOURCE_DESCRIPTOR, u.Interrupt.Group) == 0x12);
C_ASSERT(offsetof(IO_RESOURCE_DESCRIPTOR, u.Interrupt.PriorityPolicy) == 0x14);
C_ASSERT(offsetof(IO_RESOURCE_DESCRIPTOR, u.Interrupt.TargetedProcessors) == 0x18);
C_ASSERT(offsetof(IO_RESOURCE_DESCRIPTOR, u.Connection.IdLowPart) == 0x0C);
C_ASSERT(sizeof(IO_RESOURCE_DESCRIPTOR) == 0x20);
C_ASSERT(offsetof(IO_RESOURCE_LIST, Descriptors) == 0x08 && sizeof(IO_RESOURCE_LIST) == 0x28);
C_ASSERT(offsetof(IO_RESOURCE_REQUIREMENTS_LIST, SlotNumber) == 0x0C);
C_ASSERT(offsetof(IO_RESOURCE_REQUIREMENTS_LIST, AlternativeLists) == 0x1C);
C_ASSERT(offsetof(IO_RESOURCE_REQUIREMENTS_LIST, List) == 0x20);
C_ASSERT(sizeof(IO_RESOURCE_REQUIREMENTS_LIST) == 0x48);
C_ASSERT(offsetof(PCI_COMMON_HEADER, Status) == 0x06 && offsetof(PCI_COMMON_HEADER, HeaderType) == 0x0E);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type0.BaseAddresses) == 0x10);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type0.SubVendorID) == 0x2C);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type0.ROMBaseAddress) == 0x30);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type0.CapabilitiesPtr) == 0x34);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type0.InterruptLine) == 0x3C);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type1.PrimaryBus) == 0x18);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type1.PrefetchBaseUpper32) == 0x28);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type1.CapabilitiesPtr) == 0x34);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type1.BridgeControl) == 0x3E);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type2.CapabilitiesPtr) == 0x14);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type2.Range) == 0x1C);
C_ASSERT(offsetof(PCI_COMMON_HEADER, u.type2.BridgeControl) == 0x3E);
C_ASSERT(sizeof(PCI_COMMON_HEADER) == 0x40);
C_ASSERT(offsetof(PCI_COMMON_CONFIG, u) == 0x10 && offsetof(PCI_COMMON_CONFIG, DeviceSpecific) == 0x40);
C_ASSERT(sizeof(PCI_COMMON_CONFIG) == 0x100 && sizeof(PCI_CAPABILITIES_HEADER) == 2);

#endif /* OPENNDIS_WDM_HARDWARE_H */
