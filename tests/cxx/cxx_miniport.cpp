/* An NDIS 6.30 miniport written in C++ as C++ drivers (NetKVM) write one: the driver's own
 * global operator new/delete on tagged pool, classes with virtual functions and a template,
 * an RAII spin-lock guard, static_cast from the NDIS contexts, extern "C" DriverEntry. An
 * IP-medium adapter with no traffic, so `openndis run` takes it through its whole life and
 * the verifier sees every allocation freed: if `delete` did not reach the driver's own
 * operator delete, the adapter's pool block would leak (ND1201) or be freed by the wrong
 * allocator. Built by openndis_add_driver() and by `openndis build` (tests/msbuild/cxx). */
#include <ndis.h>

#define CXX_TAG 'xxCT'

/* ---- the driver's allocator, as kernel C++ has none of its own ---- */

void *__cdecl operator new(size_t Size, POOL_TYPE Pool, ULONG Tag) noexcept
{
    void *p = ExAllocatePoolWithTag(Pool, Size, Tag);
    if (p)
        RtlZeroMemory(p, Size);
    return p;
}

void __cdecl operator delete(void *p) noexcept
{
    if (p)
        ExFreePoolWithTag(p, CXX_TAG);
}

void __cdecl operator delete(void *p, size_t) noexcept
{
    operator delete(p);
}

void __cdecl operator delete(void *p, POOL_TYPE, ULONG) noexcept /* for a constructor that throws: none do */
{
    operator delete(p);
}

/* ---- small C++ pieces of the kind drivers carry ---- */

class SpinLocker
{
public:
    explicit SpinLocker(NDIS_SPIN_LOCK &Lock) : m_Lock(Lock) { NdisAcquireSpinLock(&m_Lock); }
    ~SpinLocker() { NdisReleaseSpinLock(&m_Lock); }
    SpinLocker(const SpinLocker &) = delete;
    SpinLocker &operator=(const SpinLocker &) = delete;

private:
    NDIS_SPIN_LOCK &m_Lock;
};

template <typename T> class Counter
{
public:
    void Add(T Amount)
    {
        SpinLocker Guard(m_Lock);
        m_Value += Amount;
    }
    T Value() const { return m_Value; }
    void Init() { NdisAllocateSpinLock(&m_Lock); }
    void Done() { NdisFreeSpinLock(&m_Lock); }

private:
    NDIS_SPIN_LOCK m_Lock;
    T m_Value = 0;
};

class CNdisObject
{
public:
    virtual ~CNdisObject() {}
    virtual const char *Name() const = 0;
};

class CAdapter : public CNdisObject
{
public:
    explicit CAdapter(NDIS_HANDLE Handle) : m_Handle(Handle) { m_Sent.Init(); }
    ~CAdapter() override { m_Sent.Done(); }
    const char *Name() const override { return "CAdapter"; }
    NDIS_STATUS SetAttributes();
    void Send(PNET_BUFFER_LIST Nbls, ULONG SendFlags);
    NDIS_HANDLE Handle() const { return m_Handle; }

private:
    NDIS_HANDLE m_Handle;
    Counter<ULONG64> m_Sent;
};

static NDIS_HANDLE DriverHandle;
static CNdisObject *DriverObjectTracker; /* one object for the driver's life, deleted at unload */

class CDriverTracker : public CNdisObject
{
public:
    const char *Name() const override { return "CDriverTracker"; }
};

NDIS_STATUS CAdapter::SetAttributes()
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES Registration;
    NdisZeroMemory(&Registration, sizeof Registration);
    Registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
    Registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2;
    Registration.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2;
    Registration.AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND;
    Registration.InterfaceType = NdisInterfaceInternal;
    Registration.MiniportAdapterContext = this;
    NDIS_STATUS Status = NdisMSetMiniportAttributes(m_Handle, reinterpret_cast<PNDIS_MINIPORT_ADAPTER_ATTRIBUTES>(&Registration));
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;

    static NDIS_OID Oids[] = {OID_GEN_VENDOR_DRIVER_VERSION};
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES General;
    NdisZeroMemory(&General, sizeof General);
    General.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
    General.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2;
    General.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2;
    General.MediaType = NdisMediumIP;
    General.PhysicalMediumType = NdisPhysicalMediumUnspecified;
    General.MtuSize = 1500;
    General.MaxXmitLinkSpeed = General.MaxRcvLinkSpeed = 1000000000ULL;
    General.XmitLinkSpeed = General.RcvLinkSpeed = 1000000000ULL;
    General.MediaConnectState = MediaConnectStateDisconnected;
    General.LookaheadSize = 1500;
    General.MacOptions = NDIS_MAC_OPTION_NO_LOOPBACK;
    General.SupportedPacketFilters = NDIS_PACKET_TYPE_DIRECTED;
    General.AccessType = NET_IF_ACCESS_BROADCAST;
    General.DirectionType = NET_IF_DIRECTION_SENDRECEIVE;
    General.ConnectionType = NET_IF_CONNECTION_DEDICATED;
    General.IfType = IF_TYPE_PROP_VIRTUAL;
    General.SupportedStatistics = NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_RCV;
    General.SupportedOidList = Oids;
    General.SupportedOidListLength = sizeof Oids;
    return NdisMSetMiniportAttributes(m_Handle, reinterpret_cast<PNDIS_MINIPORT_ADAPTER_ATTRIBUTES>(&General));
}

void CAdapter::Send(PNET_BUFFER_LIST Nbls, ULONG SendFlags)
{
    for (PNET_BUFFER_LIST Nbl = Nbls; Nbl; Nbl = NET_BUFFER_LIST_NEXT_NBL(Nbl)) {
        m_Sent.Add(1);
        NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_SUCCESS;
    }
    NdisMSendNetBufferListsComplete(m_Handle, Nbls,
                                    (SendFlags & NDIS_SEND_FLAGS_DISPATCH_LEVEL) ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL : 0);
}

/* ---- the miniport handlers ---- */

static NDIS_STATUS CxxInitialize(NDIS_HANDLE AdapterHandle, NDIS_HANDLE, PNDIS_MINIPORT_INIT_PARAMETERS)
{
    CAdapter *Adapter = new (NonPagedPoolNx, CXX_TAG) CAdapter(AdapterHandle);
    if (!Adapter)
        return NDIS_STATUS_RESOURCES;
    NDIS_STATUS Status = Adapter->SetAttributes();
    if (Status != NDIS_STATUS_SUCCESS)
        delete Adapter;
    return Status;
}

static VOID CxxHalt(NDIS_HANDLE Context, NDIS_HALT_ACTION)
{
    CNdisObject *Object = static_cast<CAdapter *>(Context);
    DbgPrint("halting a %s\n", Object->Name());
    delete Object; /* virtual destructor: ~CAdapter frees its spin lock */
}

static NDIS_STATUS CxxPause(NDIS_HANDLE, PNDIS_MINIPORT_PAUSE_PARAMETERS) { return NDIS_STATUS_SUCCESS; }
static NDIS_STATUS CxxRestart(NDIS_HANDLE, PNDIS_MINIPORT_RESTART_PARAMETERS) { return NDIS_STATUS_SUCCESS; }

static NDIS_STATUS CxxOidRequest(NDIS_HANDLE, PNDIS_OID_REQUEST Request)
{
    if (Request->RequestType == NdisRequestSetInformation &&
        Request->DATA.SET_INFORMATION.Oid == OID_GEN_CURRENT_PACKET_FILTER) {
        if (Request->DATA.SET_INFORMATION.InformationBufferLength < sizeof(ULONG)) {
            Request->DATA.SET_INFORMATION.BytesNeeded = sizeof(ULONG);
            return NDIS_STATUS_INVALID_LENGTH;
        }
        Request->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
        return NDIS_STATUS_SUCCESS;
    }
    if (Request->RequestType != NdisRequestQueryInformation ||
        Request->DATA.QUERY_INFORMATION.Oid != OID_GEN_VENDOR_DRIVER_VERSION)
        return NDIS_STATUS_NOT_SUPPORTED;
    if (Request->DATA.QUERY_INFORMATION.InformationBufferLength < sizeof(ULONG)) {
        Request->DATA.QUERY_INFORMATION.BytesNeeded = sizeof(ULONG);
        return NDIS_STATUS_BUFFER_TOO_SHORT;
    }
    *static_cast<ULONG *>(Request->DATA.QUERY_INFORMATION.InformationBuffer) = 0x00010000;
    Request->DATA.QUERY_INFORMATION.BytesWritten = sizeof(ULONG);
    return NDIS_STATUS_SUCCESS;
}

static VOID CxxSend(NDIS_HANDLE Context, PNET_BUFFER_LIST Nbls, NDIS_PORT_NUMBER, ULONG SendFlags)
{
    static_cast<CAdapter *>(Context)->Send(Nbls, SendFlags);
}

static VOID CxxReturn(NDIS_HANDLE, PNET_BUFFER_LIST, ULONG) {}
static VOID CxxCancelSend(NDIS_HANDLE, PVOID) {}
static VOID CxxPnp(NDIS_HANDLE, PNET_DEVICE_PNP_EVENT) {}
static VOID CxxShutdown(NDIS_HANDLE, NDIS_SHUTDOWN_ACTION) {}
static VOID CxxCancelOid(NDIS_HANDLE, PVOID) {}

static VOID CxxUnload(PDRIVER_OBJECT)
{
    DbgPrint("unloading: deleting the %s\n", DriverObjectTracker->Name());
    delete DriverObjectTracker;
    NdisMDeregisterMiniportDriver(DriverHandle);
}

extern "C" DRIVER_INITIALIZE DriverEntry;

extern "C" NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    DriverObjectTracker = new (NonPagedPoolNx, CXX_TAG) CDriverTracker();
    if (!DriverObjectTracker)
        return STATUS_INSUFFICIENT_RESOURCES;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars;
    NdisZeroMemory(&Chars, sizeof Chars);
    Chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    Chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars.MajorNdisVersion = 6;
    Chars.MinorNdisVersion = 30;
    Chars.MajorDriverVersion = 1;
    Chars.InitializeHandlerEx = CxxInitialize;
    Chars.HaltHandlerEx = CxxHalt;
    Chars.UnloadHandler = CxxUnload;
    Chars.PauseHandler = CxxPause;
    Chars.RestartHandler = CxxRestart;
    Chars.OidRequestHandler = CxxOidRequest;
    Chars.SendNetBufferListsHandler = CxxSend;
    Chars.ReturnNetBufferListsHandler = CxxReturn;
    Chars.CancelSendHandler = CxxCancelSend;
    Chars.DevicePnPEventNotifyHandler = CxxPnp;
    Chars.ShutdownHandlerEx = CxxShutdown;
    Chars.CancelOidRequestHandler = CxxCancelOid;
    NDIS_STATUS Status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, nullptr, &Chars, &DriverHandle);
    if (Status != NDIS_STATUS_SUCCESS) {
        delete DriverObjectTracker;
        DriverObjectTracker = nullptr;
    }
    return Status;
}
