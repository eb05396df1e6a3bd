#!/bin/sh
# tap_offloads.sh OPENNDIS SAMPLE.so WORKDIR TCPCHECK
# Task offloads through the TAP edge, end to end. The sample advertises checksum, LSO v2 and
# RSC offloads, so its TAP interfaces carry virtio-net headers: Linux hands adapter 0 large
# TCP segments (TSO), the sample delivers each whole to adapter 1 as a coalesced segment, and
# Linux in the other namespace receives them as GSO packets. A second run turns RSC off on
# the adapters (*RscIPv4 = 0): the sample must then cut each large send into MSS-sized
# segments with correct headers and checksums, which Linux's TCP checks. Both transfers are
# checked byte for byte, both runs must end with no rule violated, and the receiving
# interface's frame sizes tell which path ran. Needs root and /dev/net/tun; exits 77 without.
set -u
cli=$1 driver=$2 work=$3 tcpcheck=$4
[ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && command -v ip >/dev/null || {
    echo "skipped: needs root, /dev/net/tun and ip"
    exit 77
}
tag=$$
ns1=ondo${tag}a ns2=ondo${tag}b
if0=oo${tag}x0 if1=oo${tag}x1
rm -rf "$work" && mkdir -p "$work"
pid=
cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    ip netns del "$ns1" 2>/dev/null
    ip netns del "$ns2" 2>/dev/null
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$work/run.err" 2>/dev/null; exit 1; }

# One run: $1 names it, $2 is a --config file or empty; leaves "bytes packets" received in $work/$1.rx.
transfer() {
    ip netns add "$ns1" && ip netns add "$ns2" || fail "cannot create network namespaces"
    if [ -n "$2" ]; then
        "$cli" run --edge tap --tap-name "oo${tag}x%d" --duration 60 --json --config "$2" "$driver" \
            >"$work/$1.json" 2>"$work/run.err" &
    else
        "$cli" run --edge tap --tap-name "oo${tag}x%d" --duration 60 --json "$driver" >"$work/$1.json" 2>"$work/run.err" &
    fi
    pid=$!
    for _ in $(seq 100); do ip link show "$if1" >/dev/null 2>&1 && break; sleep 0.1; done
    ip link set "$if0" netns "$ns1" && ip link set "$if1" netns "$ns2" || fail "$1: cannot move the interfaces"
    # Linux builds no TCP segment larger than the adapter's LSO takes (the sample's: 65535)
    gso=$(ip -n "$ns1" -d link show "$if0" | grep -o 'gso_max_size [0-9]*' | head -1)
    [ "$gso" = "gso_max_size 65535" ] || fail "$1: the interface says '$gso', not the adapter's LSO size 65535"
    ip -n "$ns1" addr add 10.76.0.1/24 dev "$if0" && ip -n "$ns1" link set "$if0" up
    ip -n "$ns2" addr add 10.76.0.2/24 dev "$if1" && ip -n "$ns2" link set "$if1" up
    ip netns exec "$ns2" "$tcpcheck" serve 10.76.0.2 5001 32000000 >"$work/serve.out" 2>&1 &
    server=$!
    sleep 0.3
    ip netns exec "$ns1" timeout 30 "$tcpcheck" send 10.76.0.2 5001 32000000 >"$work/send.out" 2>&1 ||
        fail "$1: the TCP sender failed: $(cat "$work/send.out")"
    wait "$server" || fail "$1: the TCP transfer was not intact: $(cat "$work/serve.out")"
    bytes=$(ip netns exec "$ns2" cat "/sys/class/net/$if1/statistics/rx_bytes")
    packets=$(ip netns exec "$ns2" cat "/sys/class/net/$if1/statistics/rx_packets")
    kill -TERM "$pid" && wait "$pid" || fail "$1: openndis run failed"
    pid=
    grep -q '"verdict": *"pass"' "$work/$1.json" || fail "$1: verdict is not pass: $(grep -o '"rule":"[^"]*"' "$work/$1.json" | sort | uniq -c)"
    ip netns del "$ns1" && ip netns del "$ns2"
    echo "$bytes $packets" >"$work/$1.rx"
}

transfer coalesced ""
read -r bytes packets <"$work/coalesced.rx"
[ "$packets" -gt 0 ] && [ $((bytes / packets)) -gt 3000 ] ||
    fail "with RSC on, frames of $((bytes / packets)) bytes on average arrived: large sends were not delivered whole"
echo "RSC on: $packets frames, $((bytes / packets)) bytes on average"

printf '[adapter]\n*RscIPv4 = 0\n' >"$work/norsc.ini"
transfer segmented "$work/norsc.ini"
read -r bytes packets <"$work/segmented.rx"
[ "$packets" -gt 0 ] && [ $((bytes / packets)) -le 1514 ] ||
    fail "with RSC off, frames of $((bytes / packets)) bytes on average arrived: large sends were not cut"
echo "RSC off: $packets frames, $((bytes / packets)) bytes on average"
echo "tap offloads check passed"
