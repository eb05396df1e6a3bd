#!/bin/sh
# tap_frames.sh drops|order|tcp OPENNDIS DRIVER.so WORKDIR FRAMECHECK TCPCHECK [RUN-OPTIONS]
# Frames Linux sends on the driver's first TAP interface, counted and ordered (the sample's,
# or with RUN-OPTIONS such as --device virtio-net, a hardware driver's). The run lives
# in a network namespace of its own with IPv6 off, so the only frames on its interfaces are
# the test's (ethertype 0x88B5, sequence-numbered, sent straight to the driver).
#   drops: a blast far faster than the edge reads overflows the TAP transmit queue; every
#          frame handed to the interface must either reach MiniportSendNetBufferLists (the
#          adapter's sent_frames) or be counted as dropped by the kernel (kernel_tx_dropped)
#          — also after the run dropped root (--user nobody) and the interface moved to
#          another namespace, as users run it.
#   order: paced frames from ndis0 arrive on ndis1, through the driver's hub (or the
#          devices' wire), in the order sent (loss is allowed, reordering never).
#   tcp:   a 512 MB TCP transfer between the two interfaces, content checked, loses no frame
#          in the kernel: the TAP transmit queue holds what TCP sends ahead (kernel_tx_dropped
#          is 0 on both adapters).
# Needs root and /dev/net/tun; exits 77 (skipped) without them.
set -u
mode=$1 cli=$2 driver=$3 work=$4 framecheck=$5 tcpcheck=$6 options=${7:-}
[ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && command -v ip >/dev/null && command -v jq >/dev/null || {
    echo "skipped: needs root, /dev/net/tun, ip and jq"
    exit 77
}
tag=$$
ns=ondf${tag} ns2=ondf${tag}b
if0=of${tag}x0 if1=of${tag}x1
rm -rf "$work" && mkdir -p "$work"
pid=
cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    ip netns del "$ns2" 2>/dev/null
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$work/run.json" "$work/run.err" 2>/dev/null; exit 1; }
in_ns() { ip netns exec "$ns" "$@"; }

for n in "$ns" "$ns2"; do
    ip netns add "$n" || fail "cannot create a network namespace"
    # (no IPv6 in the kernel: nothing to turn off)
    ip netns exec "$n" sh -c 'for c in all default; do f=/proc/sys/net/ipv6/conf/$c/disable_ipv6
        [ ! -e $f ] || echo 1 >$f || exit 1; done' || fail "cannot turn IPv6 off in $n"
done
user=
[ "$mode" = drops ] && id nobody >/dev/null 2>&1 && user="--user nobody"
# shellcheck disable=SC2086 # $user and $options are options and their values, or nothing
ip netns exec "$ns" "$cli" run --edge tap --tap-name "of${tag}x%d" --duration 60 --json $user $options "$driver" \
    >"$work/run.json" 2>"$work/run.err" &
pid=$!
for _ in $(seq 100); do
    in_ns ip link show "$if1" >/dev/null 2>&1 && break
    sleep 0.1
done
in_ns ip link show "$if1" >/dev/null 2>&1 || fail "the TAP interfaces did not appear"
sleep 0.5 # both up and restarted
mac1=$(in_ns cat "/sys/class/net/$if1/address")

case $mode in
drops)
    n=300000
    ip -n "$ns" link set "$if0" netns "$ns2" && ip -n "$ns2" link set "$if0" up || fail "cannot move $if0"
    sent=$(ip netns exec "$ns2" "$framecheck" blast "$if0" "$mac1" "$n" | sed -n 's/^sent \([0-9]*\) .*/\1/p')
    [ "$sent" = "$n" ] || fail "the blast did not run"
    sleep 1 # what the kernel queued is read by now
    ;;
order)
    n=20000
    ip netns exec "$ns" "$framecheck" recv "$if1" "$n" 3 >"$work/recv.out" 2>&1 &
    receiver=$!
    sleep 0.3
    sent=$(in_ns "$framecheck" blast "$if0" "$mac1" "$n" 20 | sed -n 's/^sent \([0-9]*\) .*/\1/p')
    wait "$receiver" || fail "frames crossed the hub out of order: $(cat "$work/recv.out")"
    got=$(sed -n 's/^received \([0-9]*\) .*/\1/p' "$work/recv.out")
    [ "${got:-0}" -ge $((n / 2)) ] || fail "only ${got:-0} of $sent frames arrived: $(cat "$work/recv.out")"
    echo "order: $got of $sent frames arrived, in order"
    ;;
tcp)
    ip -n "$ns" link set "$if0" netns "$ns2" || fail "cannot move $if0"
    ip -n "$ns2" addr add 10.79.0.1/24 dev "$if0" && ip -n "$ns2" link set "$if0" up
    in_ns ip addr add 10.79.0.2/24 dev "$if1" || fail "cannot address $if1"
    ip netns exec "$ns" "$tcpcheck" serve 10.79.0.2 5001 512000000 >"$work/serve.out" 2>&1 &
    server=$!
    sleep 0.3
    ip netns exec "$ns2" "$tcpcheck" send 10.79.0.2 5001 512000000 >"$work/send.out" 2>&1 ||
        fail "the TCP sender failed: $(cat "$work/send.out")"
    wait "$server" || fail "the TCP transfer was not intact: $(cat "$work/serve.out")"
    ;;
*) fail "mode is drops, order or tcp, not $mode" ;;
esac

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "openndis run exited with $rc after SIGTERM"
[ "$(jq -r .verdict "$work/run.json")" = pass ] || fail "verdict is not pass"
if [ "$mode" = drops ]; then
    a0=$(jq '.adapters[0]' "$work/run.json")
    to_driver=$(echo "$a0" | jq -r .sent_frames) kernel=$(echo "$a0" | jq -r .kernel_tx_dropped)
    edge=$(echo "$a0" | jq -r .dropped)
    echo "drops: sent $sent, to the driver $to_driver, dropped by the edge $edge, by the kernel $kernel"
    [ "$kernel" != null ] || fail "no kernel_tx_dropped in the report"
    [ "$kernel" -gt 0 ] || fail "the blast did not overflow the TAP queue: the test proves nothing"
    [ $((to_driver + edge + kernel)) = "$sent" ] ||
        fail "$sent frames sent, $to_driver reached the driver, $edge dropped by the edge, $kernel by the kernel"
fi
if [ "$mode" = tcp ]; then
    for i in 0 1; do
        kernel=$(jq -r ".adapters[$i].kernel_tx_dropped" "$work/run.json")
        echo "tcp: adapter $i: $(jq -r ".adapters[$i].from_linux" "$work/run.json") frames from Linux, $kernel dropped by the kernel"
        [ "$kernel" = 0 ] || fail "adapter $i: $kernel frames dropped by the kernel under one TCP flow"
    done
fi
echo "tap $mode check passed"
