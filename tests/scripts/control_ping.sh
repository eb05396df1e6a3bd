#!/bin/sh
# control_ping.sh OPENNDIS SAMPLE.so BRIDGE WORKDIR
# A Linux program as the driver's user-mode half: `openndis run --edge tap --control SOCKET`
# makes the sample's adapter a TAP interface in one namespace; examples/bridge opens the
# sample's control device through libopenndis-client and bridges it to a TAP interface of
# its own in a second namespace. Ping crosses the kernel, the driver's send path, its hub, a
# pended ReadFile IRP completed with the frame, the client, and back through WriteFile IRPs
# and a receive indication. Then `openndis devices` shows the open file, and SIGTERM ends the
# run with a PASS verdict. Needs root and /dev/net/tun; exits 77 (skipped) without them.
set -u
cli=$1 driver=$2 bridge=$3 work=$4
[ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && command -v ip >/dev/null && command -v ping >/dev/null || {
    echo "skipped: needs root, /dev/net/tun, ip and ping"
    exit 77
}
tag=$$
ns1=ondc${tag}a ns2=ondc${tag}b
if0=oc${tag}x0 ifb=oc${tag}b
sock=$work/control.sock
rm -rf "$work" && mkdir -p "$work"
pid= bpid=
cleanup() {
    [ -n "$bpid" ] && kill -KILL "$bpid" 2>/dev/null
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    ip netns del "$ns1" 2>/dev/null
    ip netns del "$ns2" 2>/dev/null
    ip link del "$if0" 2>/dev/null
    ip link del "$ifb" 2>/dev/null
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$work/run.json" "$work/run.err" "$work/bridge.out" 2>/dev/null; exit 1; }

ip netns add "$ns1" && ip netns add "$ns2" || fail "cannot create network namespaces"
"$cli" run --edge tap --adapters 1 --tap-name "oc${tag}x%d" --control "$sock" --duration 60 --json \
    "$driver" >"$work/run.json" 2>"$work/run.err" &
pid=$!
for _ in $(seq 100); do
    [ -S "$sock" ] && break
    sleep 0.1
done
[ -S "$sock" ] || fail "the control socket did not appear"
"$cli" devices --control "$sock" | grep -q 'OpenNdisSample  link \\??\\OpenNdisSample  open 0' ||
    fail "openndis devices does not list the sample's control device"
"$bridge" "$sock" '\\.\Global\OpenNdisSample' "$ifb" --sample >"$work/bridge.out" 2>&1 &
bpid=$!
for _ in $(seq 100); do
    ip link show "$ifb" >/dev/null 2>&1 && break
    sleep 0.1
done
ip link show "$ifb" >/dev/null 2>&1 || fail "the bridge's TAP interface did not appear"
grep -q 'sample control interface 1.0' "$work/bridge.out" || fail "IOCTL_SAMPLE_GET_VERSION did not answer 1.0"
"$cli" devices --control "$sock" | grep -q 'OpenNdisSample.*open 1' || fail "openndis devices does not show the open file"
ip link set "$if0" netns "$ns1" && ip link set "$ifb" netns "$ns2" || fail "cannot move the interfaces"
ip -n "$ns1" addr add 10.79.0.1/24 dev "$if0" && ip -n "$ns1" link set "$if0" up
ip -n "$ns2" addr add 10.79.0.2/24 dev "$ifb" && ip -n "$ns2" link set "$ifb" up
ip netns exec "$ns1" ping -c 3 -i 0.2 -W 2 10.79.0.2 || fail "no ping from the adapter's side to the client's"
ip netns exec "$ns2" ping -c 3 -i 0.2 -W 2 10.79.0.1 || fail "no ping from the client's side to the adapter's"
# the sample's statistics through its control device: adapter 0 sent and received frames
out=$("$cli" ioctl --control "$sock" --in '00 00 00 00' --out 48 '\\.\OpenNdisSample' 0x8000e004) ||
    fail "IOCTL_SAMPLE_GET_STATS failed: $out"
echo "$out" | grep -q 'returned 48' || fail "IOCTL_SAMPLE_GET_STATS returned the wrong size: $out"

kill -TERM "$bpid"
wait "$bpid"
bpid=
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "openndis run exited with $rc after SIGTERM"
grep -q '"verdict": *"pass"' "$work/run.json" || fail "verdict is not pass"
echo "PASS: frames crossed the driver and its control device both ways"
