/* OpenNDIS: NDIS poll mode (NDIS 6.85). A miniport registers a Poll object in place of a
 * DPC (NdisRegisterPoll) and queues it from its ISR (NdisRequestPoll); NDIS then calls the
 * object's NDIS_POLL handler with a receive and a transmit budget per iteration, and its
 * NDIS_SET_POLL_NOTIFICATION handler to turn the object's interrupt back on when polling
 * stops making progress. The WDK declares these in poll.h, which ndis.h includes. Field
 * order is the DDI reference's; layouts are the Windows x64 ones (checked at the end). */
#ifndef OPENNDIS_NDIS_POLL_H
#define OPENNDIS_NDIS_POLL_H

#include <ndis/version.h>
#include <ndis/miniport.h>

OPENNDIS_EXTERN_C_BEGIN

#if NDIS_SUPPORT_NDIS685

/* A registered Poll object, as NdisRegisterPoll returns it: opaque to the driver. */
typedef struct _NDIS_POLL_OBJECT *NDIS_POLL_HANDLE;

/* In MaxNblsToIndicate / MaxNblsToComplete: no limit this iteration. In NumberOfIndicatedNbls
 * / NumberOfCompletedNbls: NDIS counts the chain itself. In NumberOfRemainingNbls: more are
 * left, how many is not known. */
#define NDIS_ANY_NUMBER_OF_NBLS 0xFFFFFFFF
/* The poll-mode pages' name for NDIS_RECEIVE_FLAGS_SHARED_MEMORY_INFO_VALID in Receive.Flags. */
#define NDIS_RECEIVE_FLAGS_SHARED_MEMORY_VALID NDIS_RECEIVE_FLAGS_SHARED_MEMORY_INFO_VALID

/* ---- one iteration's work (NDIS_POLL's PollData) ------------------------------------------ */
/* Send completions: the driver links up to MaxNblsToComplete completed NBLs into
 * CompletedNblChain. SendCompleteFlags takes NDIS_SEND_COMPLETE_FLAGS_* values. Reserved
 * members must be zero. */
typedef struct _NDIS_POLL_TRANSMIT_DATA {
    ULONG MaxNblsToComplete;
    ULONG Reserved1[3];
    PNET_BUFFER_LIST CompletedNblChain;
    ULONG NumberOfCompletedNbls;
    ULONG NumberOfRemainingNbls;
    ULONG SendCompleteFlags;
    ULONG Reserved2;
    PVOID Reserved3[4];
} NDIS_POLL_TRANSMIT_DATA;

/* Receive indications: the driver links up to MaxNblsToIndicate received NBLs into
 * IndicatedNblChain. Flags takes NDIS_RECEIVE_FLAGS_* values (single EtherType, single VLAN,
 * perfect filtered, single queue, shared memory info valid). Reserved members must be zero. */
typedef struct _NDIS_POLL_RECEIVE_DATA {
    ULONG MaxNblsToIndicate;
    ULONG Reserved1[3];
    PNET_BUFFER_LIST IndicatedNblChain;
    ULONG NumberOfIndicatedNbls;
    ULONG NumberOfRemainingNbls;
    ULONG Flags;
    ULONG Reserved2;
    PVOID Reserved3[4];
} NDIS_POLL_RECEIVE_DATA;

#define NDIS_POLL_DATA_REVISION_1 1
typedef struct _NDIS_POLL_DATA {
    NDIS_OBJECT_HEADER Header; /* NDIS_OBJECT_TYPE_DEFAULT, revision 1 */
    NDIS_POLL_TRANSMIT_DATA Transmit;
    NDIS_POLL_RECEIVE_DATA Receive;
} NDIS_POLL_DATA;
#define NDIS_SIZEOF_NDIS_POLL_DATA_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_POLL_DATA, Receive)

/* ---- the object's interrupt (NDIS_SET_POLL_NOTIFICATION's Notification) ------------------- */
#define NDIS_POLL_NOTIFICATION_REVISION_1 1
typedef struct _NDIS_POLL_NOTIFICATION {
    NDIS_OBJECT_HEADER Header; /* NDIS_OBJECT_TYPE_DEFAULT, revision 1 */
    BOOLEAN Enabled;           /* TRUE: enable the object's interrupt; FALSE: disable it */
} NDIS_POLL_NOTIFICATION;
#define NDIS_SIZEOF_NDIS_POLL_NOTIFICATION_REVISION_1 RTL_SIZEOF_THROUGH_FIELD(NDIS_POLL_NOTIFICATION, Enabled)

/* ---- the driver's handlers, called with NdisRegisterPoll's Context ------------------------ */
/* One poll iteration, at PASSIVE_LEVEL or DISPATCH_LEVEL. */
typedef VOID(NDIS_POLL)(PVOID Context, NDIS_POLL_DATA *PollData);
typedef NDIS_POLL(*NDIS_POLL_HANDLER);
/* Enable or disable the interrupt that queues this object, at <= DISPATCH_LEVEL. */
typedef VOID(NDIS_SET_POLL_NOTIFICATION)(PVOID Context, NDIS_POLL_NOTIFICATION *Notification);
typedef NDIS_SET_POLL_NOTIFICATION(*NDIS_SET_POLL_NOTIFICATION_HANDLER);

#define NDIS_POLL_CHARACTERISTICS_REVISION_1 1
typedef struct _NDIS_POLL_CHARACTERISTICS {
    NDIS_OBJECT_HEADER Header; /* NDIS_OBJECT_TYPE_DEFAULT, revision 1 */
    NDIS_SET_POLL_NOTIFICATION_HANDLER SetPollNotificationHandler;
    NDIS_POLL_HANDLER PollHandler;
} NDIS_POLL_CHARACTERISTICS;
#define NDIS_SIZEOF_NDIS_POLL_CHARACTERISTICS_REVISION_1 \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_POLL_CHARACTERISTICS, PollHandler)

/* ---- functions ----------------------------------------------------------------------------- */
/* PASSIVE_LEVEL, typically one object per RSS processor from MiniportInitializeEx. */
NDISAPI NDIS_STATUS NdisRegisterPoll(NDIS_HANDLE NdisHandle, PVOID Context,
                                     NDIS_POLL_CHARACTERISTICS const *Characteristics,
                                     NDIS_POLL_HANDLE *PollHandle);
/* PASSIVE_LEVEL, typically from MiniportHaltEx; runs down any poll in progress. */
NDISAPI VOID NdisDeregisterPoll(NDIS_POLL_HANDLE PollHandle);
/* Any IRQL, typically the ISR: NDIS calls the NDIS_POLL handler at least once. Reserved: NULL. */
NDISAPI VOID NdisRequestPoll(NDIS_POLL_HANDLE PollHandle, PVOID Reserved);
/* <= DISPATCH_LEVEL: the processor later iterations run on (one more may still run on the
 * old one). */
NDISAPI VOID NdisSetPollAffinity(NDIS_POLL_HANDLE PollHandle, PROCESSOR_NUMBER const *PollAffinity);

/* ---- layout checks against the Windows x64 ABI ---------------------------------------- */
C_ASSERT(sizeof(NDIS_POLL_HANDLE) == 8);

C_ASSERT(offsetof(NDIS_POLL_TRANSMIT_DATA, Reserved1) == 0x04);
C_ASSERT(offsetof(NDIS_POLL_TRANSMIT_DATA, CompletedNblChain) == 0x10);
C_ASSERT(offsetof(NDIS_POLL_TRANSMIT_DATA, NumberOfCompletedNbls) == 0x18);
C_ASSERT(offsetof(NDIS_POLL_TRANSMIT_DATA, NumberOfRemainingNbls) == 0x1C);
C_ASSERT(offsetof(NDIS_POLL_TRANSMIT_DATA, SendCompleteFlags) == 0x20);
C_ASSERT(offsetof(NDIS_POLL_TRANSMIT_DATA, Reserved3) == 0x28);
C_ASSERT(sizeof(NDIS_POLL_TRANSMIT_DATA) == 0x48);

C_ASSERT(offsetof(NDIS_POLL_RECEIVE_DATA, Reserved1) == 0x04);
C_ASSERT(offsetof(NDIS_POLL_RECEIVE_DATA, IndicatedNblChain) == 0x10);
C_ASSERT(offsetof(NDIS_POLL_RECEIVE_DATA, NumberOfIndicatedNbls) == 0x18);
C_ASSERT(offsetof(NDIS_POLL_RECEIVE_DATA, NumberOfRemainingNbls) == 0x1C);
C_ASSERT(offsetof(NDIS_POLL_RECEIVE_DATA, Flags) == 0x20);
C_ASSERT(offsetof(NDIS_POLL_RECEIVE_DATA, Reserved3) == 0x28);
C_ASSERT(sizeof(NDIS_POLL_RECEIVE_DATA) == 0x48);

C_ASSERT(offsetof(NDIS_POLL_DATA, Transmit) == 0x08);
C_ASSERT(offsetof(NDIS_POLL_DATA, Receive) == 0x50);
C_ASSERT(NDIS_SIZEOF_NDIS_POLL_DATA_REVISION_1 == 0x98 && sizeof(NDIS_POLL_DATA) == 0x98);

C_ASSERT(offsetof(NDIS_POLL_NOTIFICATION, Enabled) == 0x04);
C_ASSERT(NDIS_SIZEOF_NDIS_POLL_NOTIFICATION_REVISION_1 == 5 && sizeof(NDIS_POLL_NOTIFICATION) == 6);

C_ASSERT(offsetof(NDIS_POLL_CHARACTERISTICS, SetPollNotificationHandler) == 0x08);
C_ASSERT(offsetof(NDIS_POLL_CHARACTERISTICS, PollHandler) == 0x10);
C_ASSERT(NDIS_SIZEOF_NDIS_POLL_CHARACTERISTICS_REVISION_1 == 0x18 && sizeof(NDIS_POLL_CHARACTERISTICS) == 0x18);

#endif /* NDIS_SUPPORT_NDIS685 */
OPENNDIS_EXTERN_C_END

#endif /* OPENNDIS_NDIS_POLL_H */
