/* Winsock Kernel's declarations (wsk.h, ws2def.h, netioddk.h): every structure and callback
 * type the WSK reference lists, used as a client uses them. WSK_WITH_NDIS includes ndis.h
 * first, as a miniport that opens sockets does. */
#ifdef WSK_WITH_NDIS
#include <ndis.h>
#else
#include <ntddk.h>
#endif
#include <wsk.h>

static NTSTATUS WSKAPI on_datagram(PVOID ctx, ULONG flags, PWSK_DATAGRAM_INDICATION ind)
{
    (void)ctx;
    (void)flags;
    for (; ind != NULL; ind = ind->Next)
        if (ind->RemoteAddress->sa_family == AF_INET6 && ind->Buffer.Length > 0)
            return STATUS_PENDING;
    return STATUS_SUCCESS;
}
static NTSTATUS WSKAPI on_receive(PVOID ctx, ULONG flags, PWSK_DATA_INDICATION ind, SIZE_T indicated, SIZE_T *accepted)
{
    (void)ctx, (void)flags, (void)ind;
    *accepted = indicated;
    return STATUS_SUCCESS;
}
static NTSTATUS WSKAPI on_disconnect(PVOID ctx, ULONG flags)
{
    (void)ctx;
    return (flags & WSK_FLAG_ABORTIVE) ? STATUS_SUCCESS : STATUS_SUCCESS;
}
static const WSK_CLIENT_DATAGRAM_DISPATCH datagram_events = { on_datagram };
static const WSK_CLIENT_CONNECTION_DISPATCH connection_events = { on_receive, on_disconnect, NULL };
static const WSK_CLIENT_LISTEN_DISPATCH listen_events = { NULL, NULL, NULL };
static const WSK_CLIENT_STREAM_DISPATCH stream_events = { &listen_events, &connection_events };
static const WSK_CLIENT_DISPATCH client_dispatch = { MAKE_WSK_VERSION(1, 0), 0, NULL };
static WSK_REGISTRATION registration;

NTSTATUS open_udp(PIRP irp, PWSK_SOCKET *out);
NTSTATUS open_udp(PIRP irp, PWSK_SOCKET *out)
{
    WSK_CLIENT_NPI client = { NULL, &client_dispatch };
    NTSTATUS s = WskRegister(&client, &registration);
    if (!NT_SUCCESS(s))
        return s;
    WSK_PROVIDER_NPI provider;
    s = WskCaptureProviderNPI(&registration, WSK_INFINITE_WAIT, &provider);
    if (!NT_SUCCESS(s))
        return s;
    s = provider.Dispatch->WskSocket(provider.Client, AF_INET, SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_DATAGRAM_SOCKET, NULL,
                                     &datagram_events, NULL, NULL, NULL, irp);
    *out = (PWSK_SOCKET)irp->IoStatus.Information;
    const WSK_PROVIDER_DATAGRAM_DISPATCH *d = (const WSK_PROVIDER_DATAGRAM_DISPATCH *)(*out)->Dispatch;
    SOCKADDR_IN local = { AF_INET, 0, { { { 127, 0, 0, 1 } } }, { 0 } };
    local.sin_addr.s_addr = INADDR_ANY;
    d->WskBind(*out, (PSOCKADDR)&local, 0, irp);
    WSK_EVENT_CALLBACK_CONTROL events = { (PNPIID)&NPI_WSK_INTERFACE_ID, WSK_EVENT_RECEIVE_FROM };
    d->WskControlSocket(*out, WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET, sizeof events, &events, 0, NULL, NULL,
                        NULL);
    WSK_BUF buf = { NULL, 0, 0 };
    d->WskSendTo(*out, &buf, 0, (PSOCKADDR)&local, 0, NULL, irp);
    d->Basic.WskCloseSocket(*out, irp);
    (void)stream_events;
    WskReleaseProviderNPI(&registration);
    WskDeregister(&registration);
    return s;
}

C_ASSERT(sizeof(WSK_BUF_LIST) == 32 && sizeof(WSK_INSPECT_ID) == 16 && sizeof(WSK_PROVIDER_CHARACTERISTICS) == 4);
C_ASSERT(sizeof(WSK_EXTENSION_CONTROL_IN) == 24 && sizeof(WSK_EXTENSION_CONTROL_OUT) == 16);
C_ASSERT(sizeof(WSK_PROVIDER_LISTEN_DISPATCH) == 48 && sizeof(WSK_PROVIDER_NPI) == 16 && sizeof(SOCKADDR_IN6) == 28);
C_ASSERT(SO_WSK_EVENT_CALLBACK == 0x4002 && WSK_EVENT_RECEIVE_FROM == 0x100 && AF_INET6 == 23);
