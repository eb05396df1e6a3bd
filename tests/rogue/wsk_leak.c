/* ND1201 MemoryLeak: opens a kernel socket (Winsock Kernel) with its receive event enabled and
 * unloads with it open and the registration never deregistered. Both are leaks, named at
 * their calls; the socket is closed without calling the unloaded driver. */
#include "rogue.h"
#include <wsk.h>

static WSK_REGISTRATION Registration;
static const WSK_CLIENT_DISPATCH ClientDispatch = { MAKE_WSK_VERSION(1, 0), 0, NULL };

static NTSTATUS WSKAPI OnDatagram(PVOID Context, ULONG Flags, PWSK_DATAGRAM_INDICATION Indication)
{
    UNREFERENCED_PARAMETER(Context); UNREFERENCED_PARAMETER(Flags); UNREFERENCED_PARAMETER(Indication);
    return STATUS_SUCCESS;
}
static const WSK_CLIENT_DATAGRAM_DISPATCH Events = { OnDatagram };

static NTSTATUS Keep(PDEVICE_OBJECT Device, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(Device); UNREFERENCED_PARAMETER(Irp); UNREFERENCED_PARAMETER(Context);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NDIS_STATUS Status = RogueRegister(DriverObject, RegistryPath);
    if (Status != NDIS_STATUS_SUCCESS)
        return Status;
    WSK_CLIENT_NPI Client = { NULL, &ClientDispatch };
    WSK_PROVIDER_NPI Provider;
    if (!NT_SUCCESS(WskRegister(&Client, &Registration))) /* expect ND1201: rogue_wsk_leak */
        return NDIS_STATUS_SUCCESS;
    if (!NT_SUCCESS(WskCaptureProviderNPI(&Registration, WSK_NO_WAIT, &Provider)))
        return NDIS_STATUS_SUCCESS;
    PIRP Irp = IoAllocateIrp(1, FALSE);
    if (Irp == NULL)
        return NDIS_STATUS_SUCCESS;
    IoSetCompletionRoutine(Irp, Keep, NULL, TRUE, TRUE, TRUE);
    Provider.Dispatch->WskSocket(Provider.Client, AF_INET, SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_DATAGRAM_SOCKET, NULL, /* expect ND1201: rogue_wsk_leak */
                                 &Events, NULL, NULL, NULL, Irp);
    PWSK_SOCKET Socket = (PWSK_SOCKET)Irp->IoStatus.Information;
    IoFreeIrp(Irp);
    if (Socket != NULL) {
        WSK_EVENT_CALLBACK_CONTROL Control = { (PNPIID)&NPI_WSK_INTERFACE_ID, WSK_EVENT_RECEIVE_FROM };
        ((const WSK_PROVIDER_DATAGRAM_DISPATCH *)Socket->Dispatch)->WskControlSocket(
            Socket, WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET, sizeof Control, &Control, 0, NULL, NULL, NULL);
    }
    WskReleaseProviderNPI(&Registration);
    return NDIS_STATUS_SUCCESS;
}
