#!/usr/bin/env bash
# Every benchmark, one after the other, on the sample driver: bench/run.sh BUILD_DIR
# The TAP benchmarks need root (TAP interfaces, packet sockets, namespaces), the iperf3 row
# needs iperf3 and ethtool, and the instruction counts need valgrind; each is skipped with a note when its need is not met. Figures are never
# pass/fail; the exit status is non-zero only if a benchmark could not run or the driver
# broke a rule while being measured.
set -uo pipefail
build=${1:?usage: bench/run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
driver=$build/drivers/sample.so
for f in "$build/bench/datapath" "$build/bench/rss" "$build/bench/lifecycle" "$build/bench/control" "$build/bench/verify" "$build/openndis" "$driver"; do
    [ -e "$f" ] || { echo "bench/run.sh: $f is missing; build first (cmake --build $build)" >&2; exit 2; }
done
status=0
section() { printf '\n== %s\n' "$1"; }
run() { "$@" 2> >(grep -v '^\[driver\]' >&2) || status=1; }

section "data path (64 and 1514 bytes, chains of 1 and 32)"
run "$build/bench/datapath" "$driver"
section "RSS: the sample on 1, 2, the machine's and twice the machine's processors"
run "$build/bench/rss" "$driver"
section "RSS through Poll objects: the sample's NDIS 6.85 build, the same processor counts"
if [ -e "$build/drivers/sample685.so" ]; then
    run "$build/bench/rss" "$build/drivers/sample685.so"
else
    echo "skipped: no $build/drivers/sample685.so"
fi
section "lifecycle and memory"
run "$build/bench/lifecycle" "$driver"
section "PE image vs. .so: the sample built both ways"
if [ -e "$build/drivers/sample_pe.sys" ]; then
    run "$build/bench/pe" "$driver" "$build/drivers/sample_pe.sys"
else
    echo "skipped: no $build/drivers/sample_pe.sys (needs clang, lld and llvm)"
fi
section "device model: the sample vs. tests/hw/virtio_miniport.so on the virtio-net model"
if [ -e "$build/bench/device" ] && [ -e "$build/tests/virtio_miniport.so" ] && [ -e "$build/tests/virtio_miniport_modern.so" ]; then
    run "$build/bench/device" "$driver" "$build/tests/virtio_miniport.so" "$build/tests/virtio_miniport_modern.so"
else
    echo "skipped: no $build/bench/device or $build/tests/virtio_miniport(_modern).so"
fi
section "control device: DeviceIoControl round trip vs. a bare socket round trip, ReadFile/WriteFile"
run "$build/bench/control" "$driver"
section "verify: full systematic fault sweep"
run "$build/bench/verify" "$build/openndis" "$driver"
section "TAP edge vs. a bare TAP loop"
if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ]; then
    run "$build/bench/tap" "$driver"
else
    echo "skipped: needs root and /dev/net/tun"
fi
section "iperf3: the sample vs. a bare TAP forwarder vs. veth, offloads off and on"
for f in "$build/bench/tapfwd"; do [ -e "$f" ] || { echo "bench/run.sh: $f is missing" >&2; exit 2; }; done
run bash "$here/iperf.sh" "$build" # says why and skips when not root or iperf3/ethtool is missing
section "instruction counts (callgrind)"
if command -v valgrind >/dev/null; then
    run bash "$here/callgrind.sh" "$build"
else
    echo "skipped: needs valgrind (apt-get install valgrind)"
fi
wait
exit $status
