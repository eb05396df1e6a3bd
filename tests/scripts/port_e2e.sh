#!/bin/sh
# End to end: an NDIS 5.1 DriverEntry that does not build against NDIS 6 headers goes through
# `openndis port --fix --in-place`, then builds warning-free with gcc and clang, registers
# under `openndis info` with no violation, and has nothing left to port.
# usage: port_e2e.sh OPENNDIS OPENNDIS_PORT INCLUDE_DIR SOURCE WORKDIR
set -eu
openndis=$1 port=$2 include=$3 source=$4 work=$5
rm -rf "$work"
mkdir -p "$work"
cp "$source" "$work/driver.c"
flags="-fshort-wchar -Wall -Wextra -Werror -Wno-unknown-pragmas -I$include"

if cc -fsyntax-only $flags "$work/driver.c" 2>/dev/null; then
    echo "FAIL: the NDIS 5.x source builds against NDIS 6 headers before porting"; exit 1
fi
status=0
"$port" --fix --in-place "$work/driver.c" || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: openndis port --fix exited $status (want 1: findings)"; exit 1; }

for c in gcc clang; do
    command -v $c >/dev/null || continue
    $c -shared -fPIC $flags -o "$work/driver-$c.so" "$work/driver.c"
    out=$("$openndis" info "$work/driver-$c.so") || { echo "$out"; echo "FAIL: openndis info ($c build)"; exit 1; }
    echo "$out" | grep -q "verdict         PASS" || { echo "$out"; echo "FAIL: no PASS verdict"; exit 1; }
done

"$port" "$work/driver.c" || { echo "FAIL: findings left after --fix"; exit 1; }
echo "PASS: ported, built, registered"
