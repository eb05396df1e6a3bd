/* The sample's driver-wide part: DriverEntry, MiniportSetOptions and MiniportDriverUnload,
 * following "Updating the DriverEntry Routine for an NDIS 6.0 Miniport Driver" step by step. */
#include "sample.h"

NDIS_HANDLE SampleDriverHandle;
PSAMPLE_DRIVER SampleDriver;

DRIVER_INITIALIZE DriverEntry;
MINIPORT_SET_OPTIONS SampleSetOptions;
MINIPORT_UNLOAD SampleDriverUnload;

#pragma NDIS_INIT_FUNCTION(DriverEntry)

_Use_decl_annotations_
NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;

    DbgPrint("sample: DriverEntry for %wZ\n", RegistryPath);

    /* NDIS 6.0 has no NdisMInitializeWrapper: DriverObject and RegistryPath go straight to
     * NdisMRegisterMiniportDriver, together with the characteristics. NDIS copies them, so
     * they can live on this stack. */
    NdisZeroMemory(&Chars, sizeof(Chars));
    Chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    Chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars.MajorNdisVersion = NDIS_MINIPORT_MAJOR_VERSION;
    Chars.MinorNdisVersion = NDIS_MINIPORT_MINOR_VERSION;
    Chars.MajorDriverVersion = SAMPLE_MAJOR_DRIVER_VERSION;
    Chars.MinorDriverVersion = SAMPLE_MINOR_DRIVER_VERSION;

    Chars.SetOptionsHandler = SampleSetOptions;
    Chars.InitializeHandlerEx = SampleInitializeEx;
    Chars.HaltHandlerEx = SampleHaltEx;
    /* No NdisMRegisterUnloadHandler in NDIS 6.0: the unload routine is a characteristic,
     * and it is mandatory. */
    Chars.UnloadHandler = SampleDriverUnload;
    Chars.PauseHandler = SamplePause;
    Chars.RestartHandler = SampleRestart;
    Chars.OidRequestHandler = SampleOidRequest;
    Chars.CancelOidRequestHandler = SampleCancelOidRequest;
    Chars.SendNetBufferListsHandler = SampleSendNetBufferLists;
    Chars.ReturnNetBufferListsHandler = SampleReturnNetBufferLists;
    Chars.CancelSendHandler = SampleCancelSend;
    Chars.DevicePnPEventNotifyHandler = SampleDevicePnPEventNotify;
    Chars.ShutdownHandlerEx = SampleShutdownEx;
    /* A virtual miniport has no hardware to hang: no CheckForHang or Reset handler. */

    /* NDIS returns the handle that identifies this driver; keep it. */
    Status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &Chars, &SampleDriverHandle);
    if (Status != NDIS_STATUS_SUCCESS) {
        /* Registration failed: nothing to deregister, and no NdisTerminateWrapper in 6.0. */
        DbgPrint("sample: NdisMRegisterMiniportDriver failed: 0x%08x\n", Status);
        return Status;
    }

    /* From here on, any failure must deregister before DriverEntry returns. */
    SampleDriver = NdisAllocateMemoryWithTagPriority(SampleDriverHandle, sizeof(*SampleDriver),
                                                     SAMPLE_TAG, NormalPoolPriority);
    if (SampleDriver == NULL) {
        NdisMDeregisterMiniportDriver(SampleDriverHandle);
        SampleDriverHandle = NULL;
        return NDIS_STATUS_RESOURCES;
    }
    NdisZeroMemory(SampleDriver, sizeof(*SampleDriver));
    SampleDriver->NdisDriverHandle = SampleDriverHandle;
    NdisAllocateSpinLock(&SampleDriver->HubLock);
    InitializeListHead(&SampleDriver->Hub);
    NdisAllocateSpinLock(&SampleDriver->PortLock);
    InitializeListHead(&SampleDriver->Ports);
    SampleControlCreate();
    return NDIS_STATUS_SUCCESS;
}

/* Called inside NdisMRegisterMiniportDriver; a virtual NIC has no optional services. */
_Use_decl_annotations_
NDIS_STATUS
SampleSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext)
{
    UNREFERENCED_PARAMETER(NdisDriverHandle);
    UNREFERENCED_PARAMETER(DriverContext);
    return NDIS_STATUS_SUCCESS;
}

/* Undo DriverEntry in reverse: free driver-wide state, then deregister (the seed's rule:
 * a successful NdisMRegisterMiniportDriver is paired with a deregistration here). */
_Use_decl_annotations_
VOID
SampleDriverUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    PAGED_CODE();

    SampleControlDelete();
    if (SampleDriver != NULL) {
        NdisFreeSpinLock(&SampleDriver->PortLock);
        NdisFreeSpinLock(&SampleDriver->HubLock);
        NdisFreeMemory(SampleDriver, sizeof(*SampleDriver), 0);
        SampleDriver = NULL;
    }
    NdisMDeregisterMiniportDriver(SampleDriverHandle);
    SampleDriverHandle = NULL;
}
