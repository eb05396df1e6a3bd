/* A driver that uses kernel sockets (Winsock Kernel) from DriverEntry, built as a .so and as a
 * PE image: UDP between two of its own sockets on 127.0.0.1, one served by a receive event
 * that keeps its indication until WskRelease, the other by WskReceiveFrom IRPs (one
 * completed, one cancelled), then a listening socket refused. Each case prints one line; it
 * registers only if all held, so `openndis info` says PASS only then. */
#include <ndis.h>
#include <wsk.h>

#include "../rogue/rogue.h"

static int Passed, Failed;
static WSK_REGISTRATION Registration;
static WSK_PROVIDER_NPI Provider;
static KEVENT IrpDone, GotDatagram, RecvDone;
static PWSK_DATAGRAM_INDICATION Kept;
static CHAR Seen[16];
static ULONG SeenFlags;
static SOCKADDR_IN SeenFrom;

static void Check(const char *what, BOOLEAN ok)
{
    DbgPrint("wsk_driver: %s: %s\n", what, ok ? "ok" : "FAILED");
    if (ok)
        Passed++;
    else
        Failed++;
}

static NTSTATUS Completed(PDEVICE_OBJECT Device, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED; /* the IRP is ours: reused below */
}

static void Prepare(PIRP Irp)
{
    IoReuseIrp(Irp, STATUS_UNSUCCESSFUL);
    KeClearEvent(&IrpDone);
    IoSetCompletionRoutine(Irp, Completed, &IrpDone, TRUE, TRUE, TRUE);
}

static NTSTATUS Wait(PIRP Irp, NTSTATUS Returned)
{
    LARGE_INTEGER timeout;
    timeout.QuadPart = -50000000LL; /* 5 s */
    if (KeWaitForSingleObject(&IrpDone, Executive, KernelMode, FALSE, &timeout) == STATUS_TIMEOUT)
        return STATUS_IO_TIMEOUT;
    if (Returned != STATUS_PENDING && Returned != Irp->IoStatus.Status)
        return STATUS_UNSUCCESSFUL; /* the return value and the IRP must agree */
    return Irp->IoStatus.Status;
}

static NTSTATUS WSKAPI OnDatagram(PVOID SocketContext, ULONG Flags, PWSK_DATAGRAM_INDICATION Indication)
{
    UNREFERENCED_PARAMETER(SocketContext);
    if (Indication == NULL)
        return STATUS_SUCCESS;
    PUCHAR bytes = (PUCHAR)MmGetSystemAddressForMdlSafe(Indication->Buffer.Mdl, NormalPagePriority);
    SIZE_T n = Indication->Buffer.Length < sizeof Seen - 1 ? Indication->Buffer.Length : sizeof Seen - 1;
    RtlCopyMemory(Seen, bytes + Indication->Buffer.Offset, n);
    RtlCopyMemory(&SeenFrom, Indication->RemoteAddress, sizeof SeenFrom);
    SeenFlags = Flags;
    Kept = Indication;
    KeSetEvent(&GotDatagram, IO_NO_INCREMENT, FALSE);
    return STATUS_PENDING; /* kept: released with WskRelease */
}

static const WSK_CLIENT_DISPATCH ClientDispatch = { MAKE_WSK_VERSION(1, 0), 0, NULL };
static const WSK_CLIENT_DATAGRAM_DISPATCH DatagramEvents = { OnDatagram };

static PWSK_SOCKET OpenUdp(PIRP Irp, PVOID Context, const VOID *Events, PSOCKADDR_IN Local)
{
    Prepare(Irp);
    NTSTATUS s = Provider.Dispatch->WskSocket(Provider.Client, AF_INET, SOCK_DGRAM, IPPROTO_UDP,
                                              WSK_FLAG_DATAGRAM_SOCKET, Context, Events, NULL, NULL, NULL, Irp);
    if (!NT_SUCCESS(Wait(Irp, s)))
        return NULL;
    PWSK_SOCKET socket = (PWSK_SOCKET)Irp->IoStatus.Information;
    const WSK_PROVIDER_DATAGRAM_DISPATCH *d = (const WSK_PROVIDER_DATAGRAM_DISPATCH *)socket->Dispatch;
    SOCKADDR_IN any;
    RtlZeroMemory(&any, sizeof any);
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = RtlUlongByteSwap(INADDR_LOOPBACK);
    Prepare(Irp);
    if (!NT_SUCCESS(Wait(Irp, d->WskBind(socket, (PSOCKADDR)&any, 0, Irp))))
        return NULL;
    Prepare(Irp);
    if (!NT_SUCCESS(Wait(Irp, d->WskGetLocalAddress(socket, (PSOCKADDR)Local, Irp))))
        return NULL;
    return socket;
}

static NTSTATUS SendTo(PIRP Irp, PWSK_SOCKET Socket, const char *Text, ULONG Length, PSOCKADDR_IN To)
{
    PMDL mdl = IoAllocateMdl((PVOID)Text, Length, FALSE, FALSE, NULL);
    if (mdl == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    MmBuildMdlForNonPagedPool(mdl);
    WSK_BUF buf = { mdl, 0, Length };
    const WSK_PROVIDER_DATAGRAM_DISPATCH *d = (const WSK_PROVIDER_DATAGRAM_DISPATCH *)Socket->Dispatch;
    Prepare(Irp);
    NTSTATUS s = Wait(Irp, d->WskSendTo(Socket, &buf, 0, (PSOCKADDR)To, 0, NULL, Irp));
    if (NT_SUCCESS(s) && Irp->IoStatus.Information != Length)
        s = STATUS_UNSUCCESSFUL;
    IoFreeMdl(mdl);
    return s;
}

static void CloseSocket(PIRP Irp, PWSK_SOCKET Socket)
{
    const WSK_PROVIDER_BASIC_DISPATCH *b = (const WSK_PROVIDER_BASIC_DISPATCH *)Socket->Dispatch;
    Prepare(Irp);
    Check("WskCloseSocket", NT_SUCCESS(Wait(Irp, b->WskCloseSocket(Socket, Irp))));
}

static void Cases(PIRP Irp)
{
    WSK_PROVIDER_CHARACTERISTICS chars;
    Check("WskQueryProviderCharacteristics",
          NT_SUCCESS(WskQueryProviderCharacteristics(&Registration, &chars)) &&
              WSK_MAJOR_VERSION(chars.HighestVersion) == 1);
    SOCKADDR_IN aAddr, bAddr;
    PWSK_SOCKET a = OpenUdp(Irp, &Registration, &DatagramEvents, &aAddr);
    PWSK_SOCKET b = OpenUdp(Irp, NULL, NULL, &bAddr);
    Check("two UDP sockets bound on 127.0.0.1", a != NULL && b != NULL && aAddr.sin_port != 0 && bAddr.sin_port != 0 &&
                                                    aAddr.sin_port != bAddr.sin_port);
    if (a == NULL || b == NULL)
        return;
    const WSK_PROVIDER_DATAGRAM_DISPATCH *da = (const WSK_PROVIDER_DATAGRAM_DISPATCH *)a->Dispatch;
    const WSK_PROVIDER_DATAGRAM_DISPATCH *db = (const WSK_PROVIDER_DATAGRAM_DISPATCH *)b->Dispatch;

    /* a's receive event */
    WSK_EVENT_CALLBACK_CONTROL events = { (PNPIID)&NPI_WSK_INTERFACE_ID, WSK_EVENT_RECEIVE_FROM };
    Check("SO_WSK_EVENT_CALLBACK", NT_SUCCESS(da->WskControlSocket(a, WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET,
                                                                     sizeof events, &events, 0, NULL, NULL, NULL)));
    Check("WskSendTo b -> a", NT_SUCCESS(SendTo(Irp, b, "ping", 4, &aAddr)));
    LARGE_INTEGER timeout;
    timeout.QuadPart = -50000000LL;
    NTSTATUS waited = KeWaitForSingleObject(&GotDatagram, Executive, KernelMode, FALSE, &timeout);
    Check("WskReceiveFromEvent: the datagram, its sender, at DISPATCH_LEVEL",
          waited == STATUS_SUCCESS && RtlCompareMemory(Seen, "ping", 4) == 4 && SeenFrom.sin_port == bAddr.sin_port &&
              (SeenFlags & WSK_FLAG_AT_DISPATCH_LEVEL) != 0);
    Check("WskRelease of the kept indication", Kept != NULL && NT_SUCCESS(da->WskRelease(a, Kept)));

    /* b's receive IRP: pended until a answers */
    CHAR reply[16];
    RtlZeroMemory(reply, sizeof reply);
    PMDL mdl = IoAllocateMdl(reply, sizeof reply, FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(mdl);
    WSK_BUF buf = { mdl, 0, sizeof reply };
    SOCKADDR_IN from;
    RtlZeroMemory(&from, sizeof from);
    PIRP recv = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(recv, Completed, &RecvDone, TRUE, TRUE, TRUE);
    NTSTATUS r = db->WskReceiveFrom(b, &buf, 0, (PSOCKADDR)&from, NULL, NULL, NULL, recv);
    Check("WskReceiveFrom pends with nothing to read", r == STATUS_PENDING);
    Check("WskSendTo a -> b", NT_SUCCESS(SendTo(Irp, a, "pong", 4, &bAddr)));
    timeout.QuadPart = -50000000LL;
    waited = KeWaitForSingleObject(&RecvDone, Executive, KernelMode, FALSE, &timeout);
    Check("WskReceiveFrom completes with the datagram and its sender",
          waited == STATUS_SUCCESS && recv->IoStatus.Status == STATUS_SUCCESS && recv->IoStatus.Information == 4 &&
              RtlCompareMemory(reply, "pong", 4) == 4 && from.sin_port == aAddr.sin_port);

    /* a receive cancelled */
    IoReuseIrp(recv, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(recv, Completed, &RecvDone, TRUE, TRUE, TRUE);
    KeClearEvent(&RecvDone);
    r = db->WskReceiveFrom(b, &buf, 0, NULL, NULL, NULL, NULL, recv);
    BOOLEAN cancelled = IoCancelIrp(recv);
    Check("IoCancelIrp on a pended WskReceiveFrom", r == STATUS_PENDING && cancelled &&
                                                        NT_SUCCESS(KeWaitForSingleObject(&RecvDone, Executive, KernelMode,
                                                                                         FALSE, &timeout)) &&
                                                        recv->IoStatus.Status == STATUS_CANCELLED);
    IoFreeIrp(recv);
    IoFreeMdl(mdl);

    /* not implemented: said, and failed */
    Prepare(Irp);
    r = Provider.Dispatch->WskSocket(Provider.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_LISTEN_SOCKET, NULL,
                                     NULL, NULL, NULL, NULL, Irp);
    Check("a listening socket is refused", !NT_SUCCESS(Wait(Irp, r)));

    CloseSocket(Irp, a);
    CloseSocket(Irp, b);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    KeInitializeEvent(&IrpDone, NotificationEvent, FALSE);
    KeInitializeEvent(&GotDatagram, NotificationEvent, FALSE);
    KeInitializeEvent(&RecvDone, NotificationEvent, FALSE);
    WSK_CLIENT_NPI client = { NULL, &ClientDispatch };
    Check("WskRegister", NT_SUCCESS(WskRegister(&client, &Registration)));
    Check("WskCaptureProviderNPI", NT_SUCCESS(WskCaptureProviderNPI(&Registration, WSK_INFINITE_WAIT, &Provider)));
    PIRP irp = IoAllocateIrp(1, FALSE);
    if (irp != NULL && Failed == 0)
        Cases(irp);
    if (irp != NULL)
        IoFreeIrp(irp);
    WskReleaseProviderNPI(&Registration);
    WskDeregister(&Registration);
    DbgPrint("wsk_driver: %d of %d cases passed\n", Passed, Passed + Failed);
    if (Failed != 0)
        return STATUS_UNSUCCESSFUL;
    return RogueRegister(DriverObject, RegistryPath);
}
