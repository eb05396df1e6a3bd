/* One adapter-level mistake per build: tests/CMakeLists.txt builds this file once per
 * BREAK_* macro, and test_adapter_rules expects exactly the rule named next to each. The
 * unbroken parts form a minimal correct miniport: one adapter context, sends completed at
 * once, OIDs answered, no receives except where a rogue makes one. */
#include "rogue.h"

typedef struct _ROGUE_ADAPTER {
    NDIS_HANDLE Handle;
    NDIS_HANDLE Pool;
    NDIS_HANDLE ResetWork; /* completes a pended reset (BREAK_HANG_RESET_PENDING) */
    PNET_BUFFER_LIST Held; /* sends kept back by BREAK_PAUSE_WITH_SENDS */
    NDIS_SPIN_LOCK Lock;
} ROGUE_ADAPTER, *PROGUE_ADAPTER;

static NDIS_OID RogueOids[] = { OID_GEN_CURRENT_PACKET_FILTER, OID_802_3_CURRENT_ADDRESS };

static NDIS_STATUS SetGeneral(PROGUE_ADAPTER Adapter)
{
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES General;
    NdisZeroMemory(&General, sizeof(General));
    General.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
    General.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    General.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    General.MediaType = NdisMedium802_3;
    General.MtuSize = 1500;
    General.MediaConnectState = MediaConnectStateConnected;
    General.MacAddressLength = 6;
    General.CurrentMacAddress[0] = General.PermanentMacAddress[0] = 0x02;
    General.SupportedOidList = RogueOids;
    General.SupportedOidListLength = sizeof(RogueOids);
    return NdisMSetMiniportAttributes(Adapter->Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&General); /* expect ND1403: rogue_adapter_attributes_in_restart; expect ND1402: rogue_adapter_general_first */
}

static NDIS_STATUS SetRegistration(PROGUE_ADAPTER Adapter)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES Registration;
    NdisZeroMemory(&Registration, sizeof(Registration));
    Registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
    Registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    Registration.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
#if defined(BREAK_BAD_ATTRIBUTES_REVISION) /* ND1404 */
    Registration.Header.Revision = 9;
#endif
    Registration.MiniportAdapterContext = Adapter;
    Registration.CheckForHangTimeInSeconds = 2;
    return NdisMSetMiniportAttributes(Adapter->Handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&Registration); /* expect ND1404: rogue_adapter_bad_attributes_revision */
}

static NDIS_STATUS RogueInitializeEx(NDIS_HANDLE Handle, NDIS_HANDLE DriverContext, PNDIS_MINIPORT_INIT_PARAMETERS Params) /* expect ND1405: rogue_adapter_initialize_pending; expect ND1401: rogue_adapter_no_general_attributes */
{
    NET_BUFFER_LIST_POOL_PARAMETERS PoolParams;
    PROGUE_ADAPTER Adapter;
    NDIS_STATUS Status;
    UNREFERENCED_PARAMETER(DriverContext);
    UNREFERENCED_PARAMETER(Params);

    Adapter = NdisAllocateMemoryWithTagPriority(Handle, sizeof(*Adapter), 'ugoR', NormalPoolPriority);
    if (Adapter == NULL)
        return NDIS_STATUS_RESOURCES;
    NdisZeroMemory(Adapter, sizeof(*Adapter));
    Adapter->Handle = Handle;
    NdisAllocateSpinLock(&Adapter->Lock);
#if defined(BREAK_GENERAL_FIRST) /* ND1402 */
    Status = SetGeneral(Adapter);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
#endif
    Status = SetRegistration(Adapter);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
#if !defined(BREAK_NO_GENERAL_ATTRIBUTES) /* ND1401 when missing */
    Status = SetGeneral(Adapter);
    if (Status != NDIS_STATUS_SUCCESS)
        goto fail;
#else
    (void)SetGeneral;
#endif
    NdisZeroMemory(&PoolParams, sizeof(PoolParams));
    PoolParams.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    PoolParams.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    PoolParams.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
    PoolParams.fAllocateNetBuffer = TRUE;
    PoolParams.PoolTag = 'ugoR';
    PoolParams.DataSize = 64;
    Adapter->Pool = NdisAllocateNetBufferListPool(Handle, &PoolParams); /* expect ND1201: rogue_adapter_halt_leaks_pool; expect-sweep ND1201: rogue_adapter_error_path_leak */
    if (Adapter->Pool == NULL) {
        Status = NDIS_STATUS_RESOURCES;
        goto fail;
    }
    Adapter->ResetWork = NdisAllocateIoWorkItem(Handle);
    if (Adapter->ResetWork == NULL) {
#if !defined(BREAK_ERROR_PATH_LEAK) /* ND1201, seen only when this allocation fails */
        NdisFreeNetBufferListPool(Adapter->Pool);
#endif
        Status = NDIS_STATUS_RESOURCES;
        goto fail;
    }
#if defined(BREAK_INITIALIZE_PENDING) /* ND1405 */
    NdisFreeIoWorkItem(Adapter->ResetWork);
    NdisFreeNetBufferListPool(Adapter->Pool);
    NdisFreeMemory(Adapter, 0, 0);
    return NDIS_STATUS_PENDING;
#endif
    return NDIS_STATUS_SUCCESS;
fail:
    NdisFreeMemory(Adapter, 0, 0);
    return Status;
}

static VOID RogueHaltEx(NDIS_HANDLE Context, NDIS_HALT_ACTION Action)
{
    PROGUE_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Action);
#if defined(BREAK_RECEIVE_WHILE_PAUSED) /* ND1501: the adapter is Paused during halt */
    PNET_BUFFER_LIST Nbl = NdisAllocateNetBufferList(Adapter->Pool, 0, 0);
    if (Nbl != NULL) {
        NdisMIndicateReceiveNetBufferLists(Adapter->Handle, Nbl, 0, 1, NDIS_RECEIVE_FLAGS_RESOURCES); /* expect ND1501: rogue_adapter_receive_while_paused */
        NdisFreeNetBufferList(Nbl);
    }
#endif
    if (Adapter->Held != NULL)
        NdisMSendNetBufferListsComplete(Adapter->Handle, Adapter->Held, 0);
    NdisFreeIoWorkItem(Adapter->ResetWork);
#if !defined(BREAK_HALT_LEAKS_POOL) /* ND1201 when kept */
    NdisFreeNetBufferListPool(Adapter->Pool);
#endif
    NdisFreeSpinLock(&Adapter->Lock);
    NdisFreeMemory(Adapter, 0, 0);
}

static NDIS_STATUS RoguePause(NDIS_HANDLE Context, PNDIS_MINIPORT_PAUSE_PARAMETERS Params) /* expect ND1406: rogue_adapter_pause_failure; expect ND1407: rogue_adapter_pause_complete_twice; expect ND1408: rogue_adapter_pause_never_completes; expect ND1409: rogue_adapter_pause_with_sends */
{
    PROGUE_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Params);
    UNREFERENCED_PARAMETER(Adapter);
#if defined(BREAK_PAUSE_FAILURE) /* ND1406 */
    return NDIS_STATUS_FAILURE;
#elif defined(BREAK_PAUSE_COMPLETE_TWICE) /* ND1407 */
    NdisMPauseComplete(Adapter->Handle);
    return NDIS_STATUS_SUCCESS;
#elif defined(BREAK_PAUSE_NEVER_COMPLETES) /* ND1408 */
    return NDIS_STATUS_PENDING;
#else
    return NDIS_STATUS_SUCCESS;
#endif
}

static NDIS_STATUS RogueRestart(NDIS_HANDLE Context, PNDIS_MINIPORT_RESTART_PARAMETERS Params)
{
    PROGUE_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Params);
    UNREFERENCED_PARAMETER(Adapter);
#if defined(BREAK_ATTRIBUTES_IN_RESTART) /* ND1403 */
    SetGeneral(Adapter);
#elif defined(BREAK_BAD_STATUS_INDICATION) /* ND1701 */
    NDIS_STATUS_INDICATION Indication;
    NdisZeroMemory(&Indication, sizeof(Indication));
    Indication.SourceHandle = Adapter->Handle; /* Header left zero */
    Indication.StatusCode = NDIS_STATUS_LINK_STATE;
    NdisMIndicateStatusEx(Adapter->Handle, &Indication); /* expect ND1701: rogue_adapter_bad_status_indication */
#elif defined(BREAK_SPINLOCK_RELEASE_UNHELD) /* ND1801 */
    NdisReleaseSpinLock(&Adapter->Lock); /* expect ND1801: rogue_adapter_spinlock_release_unheld */
#elif defined(BREAK_LONG_STALL) /* ND1802 */
    NdisStallExecution(1000); /* expect ND1802: rogue_adapter_long_stall */
#endif
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS RogueOidRequest(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request) /* expect ND1602: rogue_adapter_oid_never_completes; expect ND1603: rogue_adapter_oid_overflow; expect ND1604: rogue_adapter_statistics_32bit */
{
    PROGUE_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Adapter);
    /* The broken variants break sets only, so queries (and NDISTest's counter checks) stay
     * clean and each variant shows exactly its own rule. */
    if (Request->RequestType == NdisRequestSetInformation) {
#if defined(BREAK_OID_COMPLETE_TWICE) /* ND1601 */
        NdisMOidRequestComplete(Adapter->Handle, Request, NDIS_STATUS_SUCCESS);
        NdisMOidRequestComplete(Adapter->Handle, Request, NDIS_STATUS_SUCCESS); /* expect ND1601: rogue_adapter_oid_complete_twice */
        return NDIS_STATUS_PENDING;
#elif defined(BREAK_OID_NEVER_COMPLETES) /* ND1602 */
        return NDIS_STATUS_PENDING;
#elif defined(BREAK_OID_OVERFLOW) /* ND1603 */
        Request->DATA.SET_INFORMATION.BytesRead = Request->DATA.SET_INFORMATION.InformationBufferLength + 100;
        return NDIS_STATUS_SUCCESS;
#endif
        Request->DATA.SET_INFORMATION.BytesRead = Request->DATA.SET_INFORMATION.InformationBufferLength;
        return NDIS_STATUS_SUCCESS;
    }
#if defined(BREAK_STATISTICS_32BIT) /* ND1604: a 32-bit counter where NDISTest wants 64 bits */
    if (Request->DATA.QUERY_INFORMATION.Oid == OID_GEN_XMIT_OK) {
        Request->DATA.QUERY_INFORMATION.BytesNeeded = sizeof(ULONG);
        if (Request->DATA.QUERY_INFORMATION.InformationBufferLength < sizeof(ULONG))
            return NDIS_STATUS_BUFFER_TOO_SHORT;
        *(PULONG)Request->DATA.QUERY_INFORMATION.InformationBuffer = 0;
        Request->DATA.QUERY_INFORMATION.BytesWritten = sizeof(ULONG);
        return NDIS_STATUS_SUCCESS;
    }
#endif
    return NDIS_STATUS_NOT_SUPPORTED;
}

static VOID RogueSend(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER Port, ULONG Flags)
{
    PROGUE_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(Port);
    UNREFERENCED_PARAMETER(Flags);
    for (PNET_BUFFER_LIST Nbl = Nbls; Nbl; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl))
        NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_SUCCESS;
#if defined(BREAK_PAUSE_WITH_SENDS) /* ND1409: completed only at halt */
    Adapter->Held = Nbls;
    return;
#endif
#if defined(BREAK_INDICATE_COUNT) /* ND1503: says 3 NBLs, gives 1 */
    PNET_BUFFER_LIST Rx = NdisAllocateNetBufferList(Adapter->Pool, 0, 0);
    if (Rx != NULL) {
        NdisMIndicateReceiveNetBufferLists(Adapter->Handle, Rx, 0, 3, /* expect ND1503: rogue_adapter_indicate_count */
                                           NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL | NDIS_RECEIVE_FLAGS_RESOURCES);
        NdisFreeNetBufferList(Rx);
    }
#endif
    NdisMSendNetBufferListsComplete(Adapter->Handle, Nbls, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
#if defined(BREAK_SEND_COMPLETE_TWICE) /* ND1502 */
    NdisMSendNetBufferListsComplete(Adapter->Handle, Nbls, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL); /* expect ND1502: rogue_adapter_send_complete_twice */
#endif
}

/* Hang once, then reset: pended and completed from a work item, or (rogue) never. */
static volatile LONG HangChecks;
static BOOLEAN RogueCheckForHangOnce(NDIS_HANDLE Context)
{
    UNREFERENCED_PARAMETER(Context);
    return InterlockedIncrement(&HangChecks) == 1;
}

static VOID RogueResetDone(PVOID Context, NDIS_HANDLE WorkItem)
{
    PROGUE_ADAPTER Adapter = Context;
    UNREFERENCED_PARAMETER(WorkItem);
    NdisMResetComplete(Adapter->Handle, NDIS_STATUS_SUCCESS, FALSE);
}

static NDIS_STATUS RogueResetEx(NDIS_HANDLE Context, PBOOLEAN AddressingReset) /* expect ND1410: rogue_adapter_reset_never_completes */
{
    PROGUE_ADAPTER Adapter = Context;
    *AddressingReset = FALSE;
#if !defined(BREAK_RESET_NEVER_COMPLETES) /* ND1410 when it never completes */
    NdisQueueIoWorkItem(Adapter->ResetWork, RogueResetDone, Adapter);
#else
    UNREFERENCED_PARAMETER(Adapter);
    (void)RogueResetDone;
#endif
    return NDIS_STATUS_PENDING;
}

/* Direct and synchronous OID paths (NDIS 6.1 / 6.80 handlers). */
static NDIS_STATUS RogueDirectOid(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request)
{
    UNREFERENCED_PARAMETER(Context);
    Request->DATA.QUERY_INFORMATION.BytesWritten = 0;
    return NDIS_STATUS_SUCCESS;
}

static VOID RogueCancelDirectOid(NDIS_HANDLE Context, PVOID RequestId)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(RequestId);
}

static NDIS_STATUS RogueSynchronousOid(NDIS_HANDLE Context, PNDIS_OID_REQUEST Request) /* expect ND1601: rogue_adapter_synchronous_oid_pends */
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Request);
#if defined(BREAK_SYNCHRONOUS_OID_PENDS) /* ND1601 */
    return NDIS_STATUS_PENDING;
#else
    return NDIS_STATUS_SUCCESS;
#endif
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    RogueCharacteristics(&Chars);
    Chars.CheckForHangHandlerEx = RogueCheckForHangOnce;
    Chars.ResetHandlerEx = RogueResetEx;
    Chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3;
    Chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3;
    Chars.MinorNdisVersion = 80;
    Chars.DirectOidRequestHandler = RogueDirectOid;
    Chars.CancelDirectOidRequestHandler = RogueCancelDirectOid;
    Chars.SynchronousOidRequestHandler = RogueSynchronousOid;
    Chars.InitializeHandlerEx = RogueInitializeEx;
    Chars.HaltHandlerEx = RogueHaltEx;
    Chars.PauseHandler = RoguePause;
    Chars.RestartHandler = RogueRestart;
    Chars.OidRequestHandler = RogueOidRequest;
    Chars.SendNetBufferListsHandler = RogueSend;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &RogueHandle);
}
/* expect clean: rogue_adapter_none */
