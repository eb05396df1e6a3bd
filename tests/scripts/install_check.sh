#!/bin/sh
# install_check.sh BUILD_DIR OUTSIDE_SRC WORK_DIR
# Installs OpenNDIS into WORK_DIR/prefix, builds tests/outside/driver.c there the two ways
# the README gives (pkg-config one-liner, find_package), and runs `openndis info` on each;
# then `openndis build` and its --cmake output on tests/msbuild/spelled, installed.
set -eu
build=$1 outside=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
pc=$(find "$work/prefix" -name openndis.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: no openndis.pc installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
cli="$work/prefix/bin/openndis"

echo "== pkg-config: $(pkg-config --cflags --libs openndis)"
# shellcheck disable=SC2046 # word splitting of the pkg-config flags is intended
cc -shared -fPIC $(pkg-config --cflags openndis) "$outside/driver.c" $(pkg-config --libs openndis) -o "$work/driver.so"
(cd "$work" && "$cli" info driver.so) # a bare file name is the file, not a library search

echo "== a client program: pkg-config openndis-client, the examples' bridge"
# shellcheck disable=SC2046
san=
readelf -d "$work/prefix/lib/libopenndis-client.so" | grep -q libasan && san=-fsanitize=address,undefined # an ASan build's
cc $san $(pkg-config --cflags openndis-client) "$outside/../../examples/bridge.c" $(pkg-config --libs openndis-client) \
    -lpthread -Wl,-rpath,"$work/prefix/lib" -o "$work/bridge"
"$work/bridge" 2>&1 | grep -q "usage: bridge" || { echo "FAIL: the client built against the installed library does not run"; exit 1; }

echo "== find_package(OpenNDIS)"
cmake -S "$outside" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
"$cli" info "$work/cmake-build/outside.so"
"$cli" info --trace information "$work/cmake-build/outside_wpp.so" 2>&1 | tee "$work/wpp.txt"
grep -qF "[wpp] INFO  OUT_ALL      DriverEntry:" "$work/wpp.txt" ||
    { echo "FAIL: the installed openndis-wpp did not make the WPP build's trace visible"; exit 1; }

echo "== openndis build with the installed headers and library, and its --cmake output"
"$cli" build -o "$work/spelled.so" "$outside/../msbuild/spelled/Spelled.vcxproj"
"$cli" info "$work/spelled.so" 2>&1 | grep -qF "[driver] spelled v1.2 release trace 4" ||
    { echo "FAIL: the driver the installed openndis build made does not register"; exit 1; }
mkdir -p "$work/cm"
"$cli" build --cmake "$work/cm/CMakeLists.txt" "$outside/../msbuild/spelled/Spelled.vcxproj"
cmake -S "$work/cm" -B "$work/cm/b" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cm/b" >/dev/null
"$cli" info "$work/cm/b/spelled.so" 2>&1 | grep -qF "[driver] spelled v1.2 release trace 4" ||
    { echo "FAIL: the --cmake output does not build the same driver"; exit 1; }

if [ -e "$work/prefix/lib/openndis/pe/ndis.lib" ] || find "$work/prefix" -path "*openndis/pe/ndis.lib" | grep -q .; then
    echo "== openndis build --abi windows with the installed headers and import libraries"
    "$cli" build --abi windows -o "$work/llp64.sys" "$outside/../msbuild/llp64/Llp64.vcxproj" > "$work/pe.log" 2>&1 ||
        { cat "$work/pe.log"; echo "FAIL: the installed openndis build --abi windows"; exit 1; }
    "$cli" info "$work/llp64.sys" 2>&1 | grep -qF "[driver] llp64: DWORD 32 bits" ||
        { echo "FAIL: the .sys the installed openndis build made does not run"; exit 1; }
fi

echo "== openndis port reads the installed headers"
status=0
"$cli" port --json "$outside/../port/ndis6_entry.c" > "$work/port.json" || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: installed openndis port exited $status"; exit 1; }
grep -q '"parse_errors":0' "$work/port.json" || { echo "FAIL: openndis port could not parse"; exit 1; }
grep -q "\"headers\":\"$work/prefix/bin/../include/openndis\"" "$work/port.json" ||
    { grep headers "$work/port.json"; echo "FAIL: installed openndis port does not use the installed headers"; exit 1; }
echo "install check passed"
