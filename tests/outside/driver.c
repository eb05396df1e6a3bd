/* A driver outside the OpenNDIS tree, built the way its README says:
 *   cc -shared -fPIC $(pkg-config --cflags openndis) driver.c $(pkg-config --libs openndis) -o driver.so
 * or with find_package(OpenNDIS) + openndis_add_driver(). */
#define NDIS620_MINIPORT 1
#include <ndis.h>

#ifdef OUTSIDE_WPP /* the WPP build of the same driver: openndis_add_driver() makes driver.tmh */
#define WPP_CONTROL_GUIDS \
    WPP_DEFINE_CONTROL_GUID(OutsideGuid, (0d1e2f30, 4a5b, 6c7d, 8e9f, 0a1b2c3d4e5f), WPP_DEFINE_BIT(OUT_ALL))
#include "driver.tmh"
#endif

static NDIS_HANDLE DriverHandle;

DRIVER_INITIALIZE DriverEntry;
static MINIPORT_INITIALIZE OutInitialize;
static MINIPORT_HALT OutHalt;
static MINIPORT_UNLOAD OutUnload;
static MINIPORT_PAUSE OutPause;
static MINIPORT_RESTART OutRestart;
static MINIPORT_OID_REQUEST OutOid;
static MINIPORT_SEND_NET_BUFFER_LISTS OutSend;
static MINIPORT_RETURN_NET_BUFFER_LISTS OutReturn;
static MINIPORT_CANCEL_SEND OutCancelSend;
static MINIPORT_DEVICE_PNP_EVENT_NOTIFY OutPnp;
static MINIPORT_SHUTDOWN OutShutdown;
static MINIPORT_CANCEL_OID_REQUEST OutCancelOid;

_Use_decl_annotations_ static NDIS_STATUS OutInitialize(NDIS_HANDLE h, NDIS_HANDLE c, PNDIS_MINIPORT_INIT_PARAMETERS p)
{ UNREFERENCED_PARAMETER(h); UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(p); return NDIS_STATUS_FAILURE; }
_Use_decl_annotations_ static VOID OutHalt(NDIS_HANDLE c, NDIS_HALT_ACTION a) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(a); }
_Use_decl_annotations_ static NDIS_STATUS OutPause(NDIS_HANDLE c, PNDIS_MINIPORT_PAUSE_PARAMETERS p)
{ UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(p); return NDIS_STATUS_SUCCESS; }
_Use_decl_annotations_ static NDIS_STATUS OutRestart(NDIS_HANDLE c, PNDIS_MINIPORT_RESTART_PARAMETERS p)
{ UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(p); return NDIS_STATUS_SUCCESS; }
_Use_decl_annotations_ static NDIS_STATUS OutOid(NDIS_HANDLE c, PNDIS_OID_REQUEST r)
{ UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(r); return NDIS_STATUS_NOT_SUPPORTED; }
_Use_decl_annotations_ static VOID OutSend(NDIS_HANDLE c, PNET_BUFFER_LIST n, NDIS_PORT_NUMBER p, ULONG f)
{ UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(n); UNREFERENCED_PARAMETER(p); UNREFERENCED_PARAMETER(f); }
_Use_decl_annotations_ static VOID OutReturn(NDIS_HANDLE c, PNET_BUFFER_LIST n, ULONG f)
{ UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(n); UNREFERENCED_PARAMETER(f); }
_Use_decl_annotations_ static VOID OutCancelSend(NDIS_HANDLE c, PVOID id) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(id); }
_Use_decl_annotations_ static VOID OutPnp(NDIS_HANDLE c, PNET_DEVICE_PNP_EVENT e) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(e); }
_Use_decl_annotations_ static VOID OutShutdown(NDIS_HANDLE c, NDIS_SHUTDOWN_ACTION a) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(a); }
_Use_decl_annotations_ static VOID OutCancelOid(NDIS_HANDLE c, PVOID id) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(id); }

_Use_decl_annotations_ static VOID OutUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    NdisMDeregisterMiniportDriver(DriverHandle);
}

_Use_decl_annotations_
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS c;
#ifdef OUTSIDE_WPP
    WPP_INIT_TRACING(DriverObject, RegistryPath);
    DoTraceMessage(OUT_ALL, "outside driver %!FUNC! traced");
#endif
    NdisZeroMemory(&c, sizeof(c));
    c.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    c.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    c.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    c.MajorNdisVersion = NDIS_MINIPORT_MAJOR_VERSION;
    c.MinorNdisVersion = NDIS_MINIPORT_MINOR_VERSION;
    c.InitializeHandlerEx = OutInitialize;
    c.HaltHandlerEx = OutHalt;
    c.UnloadHandler = OutUnload;
    c.PauseHandler = OutPause;
    c.RestartHandler = OutRestart;
    c.OidRequestHandler = OutOid;
    c.SendNetBufferListsHandler = OutSend;
    c.ReturnNetBufferListsHandler = OutReturn;
    c.CancelSendHandler = OutCancelSend;
    c.DevicePnPEventNotifyHandler = OutPnp;
    c.ShutdownHandlerEx = OutShutdown;
    c.CancelOidRequestHandler = OutCancelOid;
    return NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &c, &DriverHandle);
}
