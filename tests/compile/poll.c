/* NDIS poll mode (NDIS 6.85, ndis/poll.h): every type, member, constant and function the DDI
 * reference lists for Poll objects is used here, the way the network guide's example and
 * NetKVM (virtio-win) use them; as C++ also with captureless lambdas as the handlers and
 * references bound to the members, as NetKVM writes it. Built with NDIS685_MINIPORT; with
 * NDIS630_MINIPORT every poll-mode name must be left undeclared. */
#define NDIS_MINIPORT_DRIVER 1
#include <ndis.h>
#include <ndis/poll.h>

#if NDIS_SUPPORT_NDIS685

#define NAMED(t) sizeof(t),
extern const size_t openndis_poll_named[];
const size_t openndis_poll_named[] = {
    NAMED(NDIS_POLL_HANDLE) NAMED(NDIS_POLL_TRANSMIT_DATA) NAMED(NDIS_POLL_RECEIVE_DATA) NAMED(NDIS_POLL_DATA)
    NAMED(NDIS_POLL_NOTIFICATION) NAMED(NDIS_POLL_CHARACTERISTICS) NAMED(NDIS_POLL_HANDLER)
    NAMED(NDIS_SET_POLL_NOTIFICATION_HANDLER)
};

/* The constants are integer constant expressions of the documented values. */
C_ASSERT(NDIS_ANY_NUMBER_OF_NBLS == 0xFFFFFFFFu);
C_ASSERT(NDIS_POLL_CHARACTERISTICS_REVISION_1 == 1);
C_ASSERT(NDIS_POLL_DATA_REVISION_1 == 1);
C_ASSERT(NDIS_POLL_NOTIFICATION_REVISION_1 == 1);
C_ASSERT(NDIS_SIZEOF_NDIS_POLL_CHARACTERISTICS_REVISION_1 == 24);
C_ASSERT(NDIS_SIZEOF_NDIS_POLL_DATA_REVISION_1 == 152);
C_ASSERT(NDIS_SIZEOF_NDIS_POLL_NOTIFICATION_REVISION_1 == 5);

typedef struct POLL_CHECK_CONTEXT {
    NDIS_POLL_HANDLE RxPoll;
    PNET_BUFFER_LIST Ready;
    BOOLEAN InterruptOn;
} POLL_CHECK_CONTEXT;

/* The handlers, declared with their role types as the network guide does. */
NDIS_POLL PollCheckPoll;
NDIS_SET_POLL_NOTIFICATION PollCheckSetPollNotification;

VOID PollCheckPoll(PVOID Context, NDIS_POLL_DATA *PollData)
{
    POLL_CHECK_CONTEXT *ctx = (POLL_CHECK_CONTEXT *)Context;
    NDIS_POLL_RECEIVE_DATA *rx = &PollData->Receive;
    NDIS_POLL_TRANSMIT_DATA *tx = &PollData->Transmit;

    if (PollData->Header.Type != NDIS_OBJECT_TYPE_DEFAULT || PollData->Header.Revision < NDIS_POLL_DATA_REVISION_1 ||
        PollData->Header.Size < NDIS_SIZEOF_NDIS_POLL_DATA_REVISION_1)
        return;

    rx->NumberOfRemainingNbls = NDIS_ANY_NUMBER_OF_NBLS;
    rx->Flags = NDIS_RECEIVE_FLAGS_SINGLE_ETHER_TYPE | NDIS_RECEIVE_FLAGS_SINGLE_VLAN |
                NDIS_RECEIVE_FLAGS_PERFECT_FILTERED | NDIS_RECEIVE_FLAGS_SINGLE_QUEUE |
                NDIS_RECEIVE_FLAGS_SHARED_MEMORY_INFO_VALID;
    while (ctx->Ready != NULL &&
           (rx->MaxNblsToIndicate == NDIS_ANY_NUMBER_OF_NBLS || rx->NumberOfIndicatedNbls < rx->MaxNblsToIndicate)) {
        PNET_BUFFER_LIST nbl = ctx->Ready;
        ctx->Ready = NET_BUFFER_LIST_NEXT_NBL(nbl);
        NET_BUFFER_LIST_NEXT_NBL(nbl) = rx->IndicatedNblChain;
        rx->IndicatedNblChain = nbl;
        rx->NumberOfIndicatedNbls++;
    }
    if (ctx->Ready == NULL)
        rx->NumberOfRemainingNbls = 0;

    tx->CompletedNblChain = NULL;
    tx->NumberOfCompletedNbls = tx->MaxNblsToComplete == 0 ? 0 : NDIS_ANY_NUMBER_OF_NBLS;
    tx->NumberOfRemainingNbls = 0;
    tx->SendCompleteFlags = NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL;

    /* reserved, must be zero */
    (void)rx->Reserved1[0], (void)rx->Reserved2, (void)rx->Reserved3[3];
    (void)tx->Reserved1[2], (void)tx->Reserved2, (void)tx->Reserved3[0];
}

VOID PollCheckSetPollNotification(PVOID Context, NDIS_POLL_NOTIFICATION *Notification)
{
    POLL_CHECK_CONTEXT *ctx = (POLL_CHECK_CONTEXT *)Context;
    if (Notification->Header.Revision >= NDIS_POLL_NOTIFICATION_REVISION_1 &&
        Notification->Header.Size >= NDIS_SIZEOF_NDIS_POLL_NOTIFICATION_REVISION_1)
        ctx->InterruptOn = Notification->Enabled;
}

NDIS_STATUS PollCheckInitialize(NDIS_HANDLE MiniportAdapterHandle, POLL_CHECK_CONTEXT *ctx)
{
    NDIS_POLL_CHARACTERISTICS chars;
    NDIS_STATUS status;

    NdisZeroMemory(&chars, sizeof chars);
    chars.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    chars.Header.Revision = NDIS_POLL_CHARACTERISTICS_REVISION_1;
    chars.Header.Size = NDIS_SIZEOF_NDIS_POLL_CHARACTERISTICS_REVISION_1;
    chars.SetPollNotificationHandler = PollCheckSetPollNotification;
    chars.PollHandler = PollCheckPoll;
    status = NdisRegisterPoll(MiniportAdapterHandle, ctx, &chars, &ctx->RxPoll);
    if (status != NDIS_STATUS_SUCCESS || ctx->RxPoll == NULL)
        return status;
    return NDIS_STATUS_SUCCESS;
}

/* From the ISR: queue the Poll object. */
BOOLEAN PollCheckIsr(POLL_CHECK_CONTEXT *ctx)
{
    NdisRequestPoll(ctx->RxPoll, NULL);
    return TRUE;
}

VOID PollCheckAffinity(POLL_CHECK_CONTEXT *ctx, USHORT Group, UCHAR Number)
{
    PROCESSOR_NUMBER procNo;
    procNo.Group = Group;
    procNo.Number = Number;
    procNo.Reserved = 0;
    NdisSetPollAffinity(ctx->RxPoll, &procNo);
}

VOID PollCheckHalt(POLL_CHECK_CONTEXT *ctx)
{
    if (ctx->RxPoll != NULL)
        NdisDeregisterPoll(ctx->RxPoll);
    ctx->RxPoll = NULL;
}

/* The functions' types, as the header declares them. */
NDIS_STATUS (*poll_check_register)(NDIS_HANDLE, PVOID, NDIS_POLL_CHARACTERISTICS const *,
                                   NDIS_POLL_HANDLE *) = NdisRegisterPoll;
VOID (*poll_check_deregister)(NDIS_POLL_HANDLE) = NdisDeregisterPoll;
VOID (*poll_check_request)(NDIS_POLL_HANDLE, PVOID) = NdisRequestPoll;
VOID (*poll_check_affinity)(NDIS_POLL_HANDLE, PROCESSOR_NUMBER const *) = NdisSetPollAffinity;
NDIS_POLL_HANDLER poll_check_poll_handler = PollCheckPoll;
NDIS_SET_POLL_NOTIFICATION_HANDLER poll_check_notification_handler = PollCheckSetPollNotification;

#ifdef __cplusplus
/* NetKVM's forms: captureless lambdas as the handlers, `this` as the context, references to
 * the counters and the chain head. */
struct PollCheckHandler {
    NDIS_POLL_HANDLE m_PollContext = NULL;
    PROCESSOR_NUMBER m_ProcessorNumber = {};
    ULONG m_Polls = 0;

    bool Register(NDIS_HANDLE MiniportHandle)
    {
        NDIS_POLL_CHARACTERISTICS chars;
        chars.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
        chars.Header.Revision = NDIS_POLL_CHARACTERISTICS_REVISION_1;
        chars.Header.Size = NDIS_SIZEOF_NDIS_POLL_CHARACTERISTICS_REVISION_1;
        chars.PollHandler = [](void *Context, NDIS_POLL_DATA *PollData) {
            PollCheckHandler *poll = (PollCheckHandler *)Context;
            ULONG &collected = PollData->Receive.NumberOfIndicatedNbls;
            PNET_BUFFER_LIST &indicate = PollData->Receive.IndicatedNblChain;
            collected = 0;
            indicate = nullptr;
            if (PollData->Receive.MaxNblsToIndicate != 0)
                PollData->Receive.NumberOfRemainingNbls = NDIS_ANY_NUMBER_OF_NBLS;
            PollData->Transmit.NumberOfRemainingNbls = NDIS_ANY_NUMBER_OF_NBLS;
            poll->m_Polls++;
        };
        chars.SetPollNotificationHandler = [](void *Context, NDIS_POLL_NOTIFICATION *Notification) {
            PollCheckHandler *poll = (PollCheckHandler *)Context;
            if (Notification->Enabled)
                poll->m_Polls = 0;
        };
        NDIS_STATUS status = NdisRegisterPoll(MiniportHandle, this, &chars, &m_PollContext);
        (void)status;
        return m_PollContext != NULL;
    }
    void Notify() { NdisRequestPoll(m_PollContext, NULL); }
    void Affinity(const PROCESSOR_NUMBER &Number)
    {
        m_ProcessorNumber = Number;
        NdisSetPollAffinity(m_PollContext, &m_ProcessorNumber);
    }
    void Unregister()
    {
        if (m_PollContext)
            NdisDeregisterPoll(m_PollContext);
    }
};
void PollCheckRxPoll(NDIS_POLL_RECEIVE_DATA &RxData)
{
    ULONG &collected = RxData.NumberOfIndicatedNbls;
    ULONG MaxPacketsToIndicate = RxData.MaxNblsToIndicate;
    PNET_BUFFER_LIST &indicate = RxData.IndicatedNblChain;
    collected = 0;
    if (MaxPacketsToIndicate == 0)
        return;
    indicate = NULL;
    RxData.NumberOfRemainingNbls = NDIS_ANY_NUMBER_OF_NBLS;
}
#endif

#else /* before NDIS 6.85: nothing of poll mode is declared */

#if defined(NDIS_ANY_NUMBER_OF_NBLS) || defined(NDIS_POLL_CHARACTERISTICS_REVISION_1) ||                  \
    defined(NDIS_POLL_DATA_REVISION_1) || defined(NDIS_POLL_NOTIFICATION_REVISION_1) ||                    \
    defined(NDIS_SIZEOF_NDIS_POLL_CHARACTERISTICS_REVISION_1) || defined(NDIS_SIZEOF_NDIS_POLL_DATA_REVISION_1) || \
    defined(NDIS_SIZEOF_NDIS_POLL_NOTIFICATION_REVISION_1)
#error "poll-mode constants declared before NDIS 6.85"
#endif
/* The names are free: declaring each as something else compiles only if the header did not. */
typedef int NDIS_POLL_HANDLE, NDIS_POLL_TRANSMIT_DATA, NDIS_POLL_RECEIVE_DATA, NDIS_POLL_DATA,
    NDIS_POLL_NOTIFICATION, NDIS_POLL_CHARACTERISTICS, NDIS_POLL, NDIS_POLL_HANDLER, NDIS_SET_POLL_NOTIFICATION,
    NDIS_SET_POLL_NOTIFICATION_HANDLER, NdisRegisterPoll, NdisDeregisterPoll, NdisRequestPoll, NdisSetPollAffinity;
struct _NDIS_POLL_TRANSMIT_DATA { int free; };
struct _NDIS_POLL_RECEIVE_DATA { int free; };
struct _NDIS_POLL_DATA { int free; };
struct _NDIS_POLL_NOTIFICATION { int free; };
struct _NDIS_POLL_CHARACTERISTICS { int free; };

#endif
