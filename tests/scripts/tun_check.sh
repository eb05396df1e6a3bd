#!/bin/sh
# tun_check.sh OPENNDIS SAMPLE.so WORKDIR
# An IP-medium adapter on the TAP edge is a TUN interface: the sample configured with
# Medium = IP (NdisMediumIP, no MAC) gets two TUN interfaces, each moved into a network
# namespace of its own; ping crosses the kernel, MiniportSendNetBufferLists, the driver's hub
# and a receive indication both ways as bare IP packets. SIGTERM ends the run cleanly.
# Needs root and /dev/net/tun; exits 77 (skipped) without them.
set -u
cli=$1 driver=$2 work=$3
[ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && command -v ip >/dev/null && command -v ping >/dev/null || {
    echo "skipped: needs root, /dev/net/tun, ip and ping"
    exit 77
}
tag=$$
ns1=ondu${tag}a ns2=ondu${tag}b
if0=ou${tag}x0 if1=ou${tag}x1
rm -rf "$work" && mkdir -p "$work"
pid=
cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    ip netns del "$ns1" 2>/dev/null
    ip netns del "$ns2" 2>/dev/null
    ip link del "$if0" 2>/dev/null
    ip link del "$if1" 2>/dev/null
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$work/run.json" "$work/run.err" 2>/dev/null; exit 1; }

printf '[adapter]\nMedium = IP\n' >"$work/ip.ini"
ip netns add "$ns1" && ip netns add "$ns2" || fail "cannot create network namespaces"
"$cli" run --edge tap --tap-name "ou${tag}x%d" --duration 60 --json --config "$work/ip.ini" \
    "$driver" >"$work/run.json" 2>"$work/run.err" &
pid=$!
for _ in $(seq 100); do
    ip link show "$if1" >/dev/null 2>&1 && break
    sleep 0.1
done
ip link show "$if1" >/dev/null 2>&1 || fail "the TUN interfaces did not appear"
# ARPHRD_NONE (65534): a TUN interface, no Ethernet header, no MAC address
[ "$(cat /sys/class/net/$if0/type)" = 65534 ] || fail "$if0 is not a TUN interface (type $(cat /sys/class/net/$if0/type))"
ip link set "$if0" netns "$ns1" && ip link set "$if1" netns "$ns2" || fail "cannot move the interfaces"
ip -n "$ns1" addr add 10.78.0.1/24 dev "$if0" && ip -n "$ns1" link set "$if0" up
ip -n "$ns2" addr add 10.78.0.2/24 dev "$if1" && ip -n "$ns2" link set "$if1" up
ip netns exec "$ns1" ping -c 3 -i 0.2 -W 2 10.78.0.2 || fail "no ping from $ns1 through the driver"
ip netns exec "$ns2" ping -c 3 -i 0.2 -W 2 10.78.0.1 || fail "no ping from $ns2 through the driver"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "openndis run exited with $rc after SIGTERM"
grep -q '"verdict": *"pass"' "$work/run.json" || fail "verdict is not pass"
echo "PASS: IP packets crossed the driver both ways as TUN interfaces"
