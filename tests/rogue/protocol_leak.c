/* ND1201 MemoryLeak: a miniport that is also a protocol driver (as NetKVM is) registers its
 * protocol and never deregisters it. Registration is checked first: characteristics without
 * a ReceiveNetBufferListsHandler are refused with NDIS_STATUS_BAD_CHARACTERISTICS and a
 * MajorNdisVersion of 5 with NDIS_STATUS_BAD_VERSION; the valid registration succeeds, and
 * the handle it leaves behind at unload is the leak, at this line. */
#include "rogue.h"

static PROTOCOL_BIND_ADAPTER_EX Bind;
static NDIS_STATUS Bind(NDIS_HANDLE c, NDIS_HANDLE b, PNDIS_BIND_PARAMETERS p)
{
    UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(b); UNREFERENCED_PARAMETER(p);
    return NDIS_STATUS_FAILURE;
}
static NDIS_STATUS Unbind(NDIS_HANDLE u, NDIS_HANDLE c) { UNREFERENCED_PARAMETER(u); UNREFERENCED_PARAMETER(c); return NDIS_STATUS_SUCCESS; }
static VOID OpenComplete(NDIS_HANDLE c, NDIS_STATUS s) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(s); }
static VOID CloseComplete(NDIS_HANDLE c) { UNREFERENCED_PARAMETER(c); }
static NDIS_STATUS PnpEvent(NDIS_HANDLE c, PNET_PNP_EVENT_NOTIFICATION n) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(n); return NDIS_STATUS_SUCCESS; }
static VOID OidComplete(NDIS_HANDLE c, PNDIS_OID_REQUEST r, NDIS_STATUS s) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(r); UNREFERENCED_PARAMETER(s); }
static VOID StatusEx(NDIS_HANDLE c, PNDIS_STATUS_INDICATION i) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(i); }
static VOID Receive(NDIS_HANDLE c, PNET_BUFFER_LIST n, NDIS_PORT_NUMBER p, ULONG k, ULONG f)
{
    UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(n); UNREFERENCED_PARAMETER(p); UNREFERENCED_PARAMETER(k); UNREFERENCED_PARAMETER(f);
}
static VOID SendComplete(NDIS_HANDLE c, PNET_BUFFER_LIST n, ULONG f) { UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(n); UNREFERENCED_PARAMETER(f); }

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS Chars;
    NdisZeroMemory(&Chars, sizeof Chars);
    Chars.Header.Type = NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS;
    Chars.Header.Revision = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars.Header.Size = NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2;
    Chars.MajorNdisVersion = 6;
    Chars.MinorNdisVersion = 30;
    NdisInitUnicodeString(&Chars.Name, L"RogueProtocol");
    Chars.BindAdapterHandlerEx = Bind;
    Chars.UnbindAdapterHandlerEx = Unbind;
    Chars.OpenAdapterCompleteHandlerEx = OpenComplete;
    Chars.CloseAdapterCompleteHandlerEx = CloseComplete;
    Chars.NetPnPEventHandler = PnpEvent;
    Chars.OidRequestCompleteHandler = OidComplete;
    Chars.StatusHandlerEx = StatusEx;
    Chars.SendNetBufferListsCompleteHandler = SendComplete;
    NDIS_HANDLE Protocol = NULL;
    NDIS_STATUS Missing = NdisRegisterProtocolDriver(NULL, &Chars, &Protocol);
    Chars.ReceiveNetBufferListsHandler = Receive;
    Chars.MajorNdisVersion = 5;
    NDIS_STATUS OldVersion = NdisRegisterProtocolDriver(NULL, &Chars, &Protocol);
    Chars.MajorNdisVersion = 6;
    NDIS_STATUS Valid = NdisRegisterProtocolDriver(NULL, &Chars, &Protocol); /* expect ND1201: rogue_protocol_leak */
    DbgPrint("protocol: missing handler 0x%08x, version 5 0x%08x, valid 0x%08x\n", Missing, OldVersion, Valid);
    return NDIS_STATUS_SUCCESS; /* Protocol is never deregistered */
}
