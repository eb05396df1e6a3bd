#!/usr/bin/env bash
# bench/iperf.sh BUILD_DIR [SECONDS] [ROUNDS]
# TCP between two network namespaces, iperf3 -t SECONDS, over five links in the same run:
#   openndis   the sample's two adapters as TAP interfaces (openndis run --edge tap), with
#              Linux's offloads turned off on them (ethtool -K), so every frame is MTU-sized
#   forwarder  a bare two-thread TAP forwarder (bench/tapfwd): the same interfaces, no driver
#   veth       a veth pair with offloads off
#   openndis+offloads  the sample again, offloads on: Linux hands it 64 KiB TCP segments
#              (LSO), the sample delivers them whole to the other adapter (RSC), and the TAP
#              edge carries them as GSO packets with partial checksums (docs/offloads.md)
#   veth+offloads      a veth pair with its offloads on (Linux's default)
#   virtio     tests/hw/virtio_miniport_modern.so on the virtio-net device model (--device
#              virtio-net), offloads off: a hardware driver, its rings, DMA and MSI-X
#   driver     with IPERF_DEVICE_DRIVER=PATH, that driver on the model the same way (NetKVM,
#              built by hand: it is never in the repository)
#   driver+offloads  the same with Linux's offloads on: a driver that advertises LSO and
#              checksum offload gets 64 KiB segments, which the model passes to the other
#              device whole (GUEST_TSO) or cuts (docs/devices.md)
#              IPERF_DEVICE_INF=PATH: its INF, whose defaults turn its offloads on (NetKVM's
#              are off without them)
# Usage: [IPERF_DEVICE_DRIVER=netkvm.sys [IPERF_DEVICE_INF=netkvm.inf]] bench/iperf.sh BUILD_DIR [SECONDS] [ROUNDS]
# Rounds alternate the links so that drift on a shared machine hits all alike; the table
# shows medians of throughput, TCP retransmits and the sending interface's TX dropped (frames
# its queue could not hold). Needs root, iperf3 and ethtool; skips (exit 0) without them.
set -uo pipefail
build=${1:?usage: bench/iperf.sh BUILD_DIR [SECONDS] [ROUNDS]}
secs=${2:-5} rounds=${3:-5}
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
    echo "skipped: needs root and /dev/net/tun"
    exit 0
fi
for tool in iperf3 ethtool jq; do
    command -v "$tool" >/dev/null || { echo "skipped: needs $tool (apt-get install -y $tool)"; exit 0; }
done
tag=$$
ns1=obi${tag}a ns2=obi${tag}b
if0=obi${tag}x0 if1=obi${tag}x1
work=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    ip netns del "$ns1" 2>/dev/null
    ip netns del "$ns2" 2>/dev/null
    ip link del "$if0" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
for n in "$ns1" "$ns2"; do
    ip netns add "$n" || exit 1
    f=/proc/sys/net/ipv6/conf/default/disable_ipv6
    ip netns exec "$n" sh -c "[ ! -e $f ] || echo 1 >$f"
done

# One measurement of link $1: prints "Gbit/s retransmits tx_dropped".
measure() {
    local offloads=off
    case $1 in *+offloads) offloads=on ;; esac
    case ${1%+offloads} in
    openndis) "$build/openndis" run --edge tap --tap-name "obi${tag}x%d" "$build/drivers/sample.so" >/dev/null 2>&1 &
        pid=$! ;;
    virtio | driver)
        local drv="$build/tests/virtio_miniport_modern.so"
        local inf=()
        [ "${1%+offloads}" = driver ] && drv=$IPERF_DEVICE_DRIVER && [ -n "${IPERF_DEVICE_INF:-}" ] &&
            inf=(--inf "$IPERF_DEVICE_INF")
        "$build/openndis" run --device virtio-net --edge tap --tap-name "obi${tag}x%d" "${inf[@]}" "$drv" >/dev/null 2>&1 &
        pid=$! ;;
    forwarder) "$build/bench/tapfwd" "$if0" "$if1" >/dev/null &
        pid=$! ;;
    veth) ip link add "$if0" type veth peer name "$if1" || return 1 ;;
    esac
    for _ in $(seq 100); do ip link show "$if1" >/dev/null 2>&1 && break; sleep 0.05; done
    ip link set "$if0" netns "$ns1" && ip link set "$if1" netns "$ns2" || return 1
    ip -n "$ns1" addr add 10.78.0.1/24 dev "$if0" && ip -n "$ns1" link set "$if0" up
    ip -n "$ns2" addr add 10.78.0.2/24 dev "$if1" && ip -n "$ns2" link set "$if1" up
    if [ "$offloads" = off ]; then
        ip netns exec "$ns1" ethtool -K "$if0" tso off gso off gro off tx off rx off sg off >/dev/null 2>&1
        ip netns exec "$ns2" ethtool -K "$if1" tso off gso off gro off tx off rx off sg off >/dev/null 2>&1
    fi
    ip netns exec "$ns2" iperf3 -s -1 >/dev/null 2>&1 &
    local server=$!
    sleep 0.5
    ip netns exec "$ns1" iperf3 -c 10.78.0.2 -t "$secs" -J >"$work/out.json" 2>/dev/null
    wait "$server"
    local dropped
    dropped=$(ip netns exec "$ns1" cat "/sys/class/net/$if0/statistics/tx_dropped")
    if [ -n "$pid" ]; then
        kill -TERM "$pid" && wait "$pid"
        pid=
    else
        ip -n "$ns1" link del "$if0"
    fi
    for _ in $(seq 100); do ip -n "$ns1" link show "$if0" >/dev/null 2>&1 || break; sleep 0.05; done
    jq -r --arg d "$dropped" '"\(.end.sum_sent.bits_per_second / 1e9) \(.end.sum_sent.retransmits) \($d)"' \
        "$work/out.json"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

links="openndis forwarder veth openndis+offloads veth+offloads virtio"
[ -n "${IPERF_DEVICE_DRIVER:-}" ] && links="$links driver driver+offloads"
for r in $(seq "$rounds"); do
    for l in $links; do
        m=$(measure "$l") || { echo "bench/iperf.sh: measuring $l failed" >&2; exit 1; }
        echo "$m" >>"$work/$l"
        echo "  round $r $l: $m" >&2
    done
done
printf '%-22s %8s %12s %18s\n' "iperf3 -t $secs, $rounds rounds" "Gbit/s" "retransmits" "sender TX dropped"
for l in $links; do
    printf '%-22s %8.2f %12.0f %18.0f\n' "$l" "$(cut -d' ' -f1 "$work/$l" | median)" \
        "$(cut -d' ' -f2 "$work/$l" | median)" "$(cut -d' ' -f3 "$work/$l" | median)"
done
veth=$(cut -d' ' -f1 "$work/veth" | median) ond=$(cut -d' ' -f1 "$work/openndis" | median)
fwd=$(cut -d' ' -f1 "$work/forwarder" | median)
awk -v o="$ond" -v f="$fwd" -v v="$veth" 'BEGIN { printf "openndis: %.2fx the forwarder, %.2fx veth\n", o / f, o / v }'
vetho=$(cut -d' ' -f1 "$work/veth+offloads" | median) ondo=$(cut -d' ' -f1 "$work/openndis+offloads" | median)
awk -v o="$ondo" -v v="$vetho" 'BEGIN { printf "openndis with offloads: %.2fx veth with offloads\n", o / v }'
vio=$(cut -d' ' -f1 "$work/virtio" | median)
awk -v d="$vio" -v o="$ond" 'BEGIN { printf "virtio_miniport on virtio-net: %.2fx the sample\n", d / o }'
if [ -n "${IPERF_DEVICE_DRIVER:-}" ]; then
    drv=$(cut -d' ' -f1 "$work/driver" | median)
    awk -v d="$drv" -v o="$ond" 'BEGIN { printf "driver on virtio-net: %.2fx the sample\n", d / o }'
    drvo=$(cut -d' ' -f1 "$work/driver+offloads" | median)
    awk -v d="$drvo" -v o="$ondo" 'BEGIN { printf "driver on virtio-net with offloads: %.2fx the sample with offloads\n", d / o }'
fi
