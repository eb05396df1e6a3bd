/* Kernel sockets (src/kernel/wsk.c) as a client uses them, on connection-oriented sockets:
 * connect (refused before bind, pended, refused by the peer), send, the receive and
 * disconnect events, bytes an event declines served to WskReceive, close cancelling what is
 * pending, and WskDeregister with a socket still open. The Linux peer is wsk_peer.c. */
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <wsk.h>

#include "kernel/ke.h"
#include "verifier/vf.h"
#include "wsk_peer.h"

static WSK_REGISTRATION registration;
static WSK_PROVIDER_NPI provider;
static const WSK_CLIENT_DISPATCH client_dispatch = { MAKE_WSK_VERSION(1, 0), 0, NULL };
static KEVENT irp_done, got_data, got_disconnect;
static PIRP irp;

/* what the events saw */
static struct {
    char bytes[64];
    size_t len;
    ULONG disconnect_flags;
} ev;
/* what the receive event returns: set before the peer sends, which TSan cannot see order */
static _Atomic NTSTATUS answer;

static NTSTATUS on_receive(PVOID ctx, ULONG flags, PWSK_DATA_INDICATION ind, SIZE_T indicated, SIZE_T *accepted)
{
    (void)ctx;
    assert_true(flags & WSK_FLAG_AT_DISPATCH_LEVEL);
    assert_int_equal(KeGetCurrentIrql(), DISPATCH_LEVEL);
    ev.len = 0;
    for (; ind != NULL; ind = ind->Next) {
        size_t n = ind->Buffer.Length;
        memcpy(ev.bytes + ev.len, (char *)MmGetMdlVirtualAddress(ind->Buffer.Mdl) + ind->Buffer.Offset, n);
        ev.len += n;
    }
    assert_int_equal(ev.len, indicated);
    NTSTATUS a = atomic_load(&answer);
    *accepted = a == STATUS_SUCCESS ? indicated : 0;
    KeSetEvent(&got_data, 0, FALSE);
    return a;
}

static NTSTATUS on_disconnect(PVOID ctx, ULONG flags)
{
    (void)ctx;
    ev.disconnect_flags = flags;
    KeSetEvent(&got_disconnect, 0, FALSE);
    return STATUS_SUCCESS;
}

static const WSK_CLIENT_CONNECTION_DISPATCH connection_events = { on_receive, on_disconnect, NULL };

static NTSTATUS completed(PDEVICE_OBJECT d, PIRP i, PVOID ctx)
{
    (void)d, (void)i;
    KeSetEvent(ctx, 0, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static PIRP prepare(PIRP i, PKEVENT done)
{
    IoReuseIrp(i, STATUS_UNSUCCESSFUL);
    KeClearEvent(done);
    IoSetCompletionRoutine(i, completed, done, TRUE, TRUE, TRUE);
    return i;
}

static NTSTATUS wait_irp(PIRP i, PKEVENT done, NTSTATUS returned)
{
    LARGE_INTEGER t = { .QuadPart = -50000000LL };
    if (KeWaitForSingleObject(done, Executive, KernelMode, FALSE, &t) != STATUS_SUCCESS)
        return STATUS_IO_TIMEOUT;
    if (returned != STATUS_PENDING)
        assert_int_equal(returned, i->IoStatus.Status);
    return i->IoStatus.Status;
}
#define CALL(expr) wait_irp(irp, &irp_done, (prepare(irp, &irp_done), (expr)))

static bool wait_event(PKEVENT e)
{
    LARGE_INTEGER t = { .QuadPart = -50000000LL };
    return KeWaitForSingleObject(e, Executive, KernelMode, FALSE, &t) == STATUS_SUCCESS;
}

static SOCKADDR_IN loopback(USHORT port)
{
    SOCKADDR_IN a = { .sin_family = AF_INET, .sin_port = port };
    a.sin_addr.s_addr = RtlUlongByteSwap(INADDR_LOOPBACK);
    return a;
}

static int setup(void **state)
{
    (void)state;
    KeInitializeEvent(&irp_done, NotificationEvent, FALSE);
    KeInitializeEvent(&got_data, NotificationEvent, FALSE);
    KeInitializeEvent(&got_disconnect, NotificationEvent, FALSE);
    WSK_CLIENT_NPI client = { NULL, &client_dispatch };
    if (WskRegister(&client, &registration) != STATUS_SUCCESS ||
        WskCaptureProviderNPI(&registration, WSK_INFINITE_WAIT, &provider) != STATUS_SUCCESS)
        return -1;
    irp = IoAllocateIrp(1, FALSE);
    return irp == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    IoFreeIrp(irp);
    WskReleaseProviderNPI(&registration);
    WskDeregister(&registration);
    return vf_violation_count() == 0 ? 0 : -1;
}

static PWSK_SOCKET open_tcp(void)
{
    NTSTATUS s = CALL(provider.Dispatch->WskSocket(provider.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                                                     WSK_FLAG_CONNECTION_SOCKET, NULL, &connection_events, NULL, NULL,
                                                     NULL, irp));
    assert_int_equal(s, STATUS_SUCCESS);
    return (PWSK_SOCKET)irp->IoStatus.Information;
}

static const WSK_PROVIDER_CONNECTION_DISPATCH *conn(PWSK_SOCKET s)
{
    return s->Dispatch;
}

static NTSTATUS send_text(PWSK_SOCKET s, const char *text)
{
    PMDL mdl = IoAllocateMdl((PVOID)text, (ULONG)strlen(text), FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(mdl);
    WSK_BUF buf = { mdl, 0, strlen(text) };
    NTSTATUS st = CALL(conn(s)->WskSend(s, &buf, 0, irp));
    IoFreeMdl(mdl);
    return st;
}

static void close_socket(PWSK_SOCKET s)
{
    assert_int_equal(CALL(conn(s)->Basic.WskCloseSocket(s, irp)), STATUS_SUCCESS);
}

static void test_tcp_client(void **state)
{
    (void)state;
    vf_reset();
    USHORT port;
    int listener = peer_listen(&port);
    assert_true(listener >= 0);
    PWSK_SOCKET s = open_tcp();
    SOCKADDR_IN remote = loopback(port), local = loopback(0);

    /* WSK connects only a bound socket */
    assert_int_equal(CALL(conn(s)->WskConnect(s, (PSOCKADDR)&remote, 0, irp)), STATUS_INVALID_DEVICE_STATE);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);
    vf_reset();
    assert_int_equal(CALL(conn(s)->WskBind(s, (PSOCKADDR)&local, 0, irp)), STATUS_SUCCESS);
    assert_int_equal(CALL(conn(s)->WskConnect(s, (PSOCKADDR)&remote, 0, irp)), STATUS_SUCCESS);
    int peer = peer_accept(listener, 5000);
    assert_true(peer >= 0);
    SOCKADDR_IN seen = { 0 };
    assert_int_equal(CALL(conn(s)->WskGetRemoteAddress(s, (PSOCKADDR)&seen, irp)), STATUS_SUCCESS);
    assert_int_equal(seen.sin_family, AF_INET);
    assert_int_equal(seen.sin_port, port);

    /* a send arrives */
    assert_int_equal(send_text(s, "hello"), STATUS_SUCCESS);
    assert_int_equal(irp->IoStatus.Information, 5);
    char got[16] = { 0 };
    assert_int_equal(peer_recv(peer, got, sizeof got, 5000), 5);
    assert_memory_equal(got, "hello", 5);

    /* the receive event, accepting */
    WSK_EVENT_CALLBACK_CONTROL events = { (PNPIID)&NPI_WSK_INTERFACE_ID, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT };
    assert_int_equal(conn(s)->Basic.WskControlSocket(s, WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET,
                                                     sizeof events, &events, 0, NULL, NULL, NULL),
                     STATUS_SUCCESS);
    atomic_store(&answer, STATUS_SUCCESS);
    KeClearEvent(&got_data);
    assert_int_equal(peer_send(peer, "world", 5), 5);
    assert_true(wait_event(&got_data));
    assert_int_equal(ev.len, 5);
    assert_memory_equal(ev.bytes, "world", 5);

    /* declined: the bytes wait for WskReceive */
    atomic_store(&answer, STATUS_DATA_NOT_ACCEPTED);
    KeClearEvent(&got_data);
    assert_int_equal(peer_send(peer, "abc", 3), 3);
    assert_true(wait_event(&got_data));
    char back[16] = { 0 };
    PMDL mdl = IoAllocateMdl(back, sizeof back, FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(mdl);
    WSK_BUF buf = { mdl, 0, sizeof back };
    assert_int_equal(CALL(conn(s)->WskReceive(s, &buf, 0, irp)), STATUS_SUCCESS);
    assert_int_equal(irp->IoStatus.Information, 3);
    assert_memory_equal(back, "abc", 3);

    /* the peer's graceful close: the disconnect event, then receives end with 0 bytes */
    KeClearEvent(&got_disconnect);
    peer_close(peer);
    assert_true(wait_event(&got_disconnect));
    assert_int_equal(ev.disconnect_flags & WSK_FLAG_ABORTIVE, 0);
    assert_int_equal(CALL(conn(s)->WskReceive(s, &buf, 0, irp)), STATUS_SUCCESS);
    assert_int_equal(irp->IoStatus.Information, 0);
    IoFreeMdl(mdl);
    close_socket(s);
    peer_close(listener);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_close_cancels_pending_receive(void **state)
{
    (void)state;
    vf_reset();
    USHORT port;
    int listener = peer_listen(&port);
    SOCKADDR_IN remote = loopback(port), local = loopback(0);
    /* WskSocketConnect: socket, bind and connect in one IRP */
    NTSTATUS st = CALL(provider.Dispatch->WskSocketConnect(provider.Client, SOCK_STREAM, IPPROTO_TCP, (PSOCKADDR)&local,
                                                            (PSOCKADDR)&remote, 0, NULL, NULL, NULL, NULL, NULL, irp));
    assert_int_equal(st, STATUS_SUCCESS);
    PWSK_SOCKET s = (PWSK_SOCKET)irp->IoStatus.Information;
    int peer = peer_accept(listener, 5000);
    assert_true(peer >= 0);
    char back[8];
    PMDL mdl = IoAllocateMdl(back, sizeof back, FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(mdl);
    WSK_BUF buf = { mdl, 0, sizeof back };
    KEVENT recv_done;
    KeInitializeEvent(&recv_done, NotificationEvent, FALSE);
    PIRP recv = IoAllocateIrp(1, FALSE);
    IoSetCompletionRoutine(recv, completed, &recv_done, TRUE, TRUE, TRUE);
    assert_int_equal(conn(s)->WskReceive(s, &buf, 0, recv), STATUS_PENDING);
    close_socket(s);
    assert_true(wait_event(&recv_done));
    assert_int_equal(recv->IoStatus.Status, STATUS_CANCELLED);
    IoFreeIrp(recv);
    IoFreeMdl(mdl);
    peer_close(peer);
    peer_close(listener);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_connect_refused(void **state)
{
    (void)state;
    vf_reset();
    SOCKADDR_IN remote = loopback(peer_free_port()), local = loopback(0);
    NTSTATUS st = CALL(provider.Dispatch->WskSocketConnect(provider.Client, SOCK_STREAM, IPPROTO_TCP, (PSOCKADDR)&local,
                                                            (PSOCKADDR)&remote, 0, NULL, NULL, NULL, NULL, NULL, irp));
    assert_int_equal(st, STATUS_CONNECTION_REFUSED);
    assert_int_equal(irp->IoStatus.Information, 0);
    assert_int_equal(vf_violation_count(), 0);
}

static void test_misuse(void **state)
{
    (void)state;
    vf_reset();
    PWSK_SOCKET s = open_tcp();
    /* a call without its IRP, and a release of something never handed out */
    WSK_BUF none = { 0 };
    assert_int_equal(conn(s)->WskSend(s, &none, 0, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);
    WSK_DATA_INDICATION fake = { 0 };
    assert_int_equal(conn(s)->WskRelease(s, &fake), STATUS_INVALID_PARAMETER);
    assert_int_equal(vf_violation_count_of(VF_FREE_INVALID), 1);
    /* an event whose callback the client left NULL */
    WSK_EVENT_CALLBACK_CONTROL events = { (PNPIID)&NPI_WSK_INTERFACE_ID, WSK_EVENT_SEND_BACKLOG };
    assert_int_equal(conn(s)->Basic.WskControlSocket(s, WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET,
                                                     sizeof events, &events, 0, NULL, NULL, NULL),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 2);
    const WSK_PROVIDER_CONNECTION_DISPATCH *d = conn(s);
    close_socket(s);
    /* a closed socket is no socket (its memory is gone: only the table is read) */
    assert_int_equal(CALL(d->Basic.WskCloseSocket(s, irp)), STATUS_INVALID_PARAMETER);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 3);
    vf_reset();
}

/* Windows waits in WskDeregister until every socket is closed: here the wait is bounded and
 * what is left is a finding. */
static void test_deregister_with_socket_open(void **state)
{
    (void)state;
    vf_reset();
    WSK_REGISTRATION r2;
    WSK_PROVIDER_NPI p2;
    WSK_CLIENT_NPI client = { NULL, &client_dispatch };
    assert_int_equal(WskRegister(&client, &r2), STATUS_SUCCESS);
    assert_int_equal(WskCaptureProviderNPI(&r2, WSK_NO_WAIT, &p2), STATUS_SUCCESS);
    NTSTATUS s = CALL(p2.Dispatch->WskSocket(p2.Client, AF_INET, SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_DATAGRAM_SOCKET, NULL,
                                              NULL, NULL, NULL, NULL, irp));
    assert_int_equal(s, STATUS_SUCCESS);
    PWSK_SOCKET sock = (PWSK_SOCKET)irp->IoStatus.Information;
    WskReleaseProviderNPI(&r2);
    WskDeregister(&r2);
    assert_int_equal(vf_violation_count_of(VF_KERNEL_OBJECT_MISUSE), 1);
    assert_int_equal(WskCaptureProviderNPI(&r2, WSK_NO_WAIT, &p2), STATUS_INVALID_PARAMETER); /* gone */
    assert_int_equal(CALL(((const WSK_PROVIDER_BASIC_DISPATCH *)sock->Dispatch)->WskCloseSocket(sock, irp)),
                     STATUS_SUCCESS);
    vf_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_client),
        cmocka_unit_test(test_close_cancels_pending_receive),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_deregister_with_socket_open),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
