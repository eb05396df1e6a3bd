#!/bin/sh
# install_check.sh BUILD_DIR OUTSIDE_SRC WORK_DIR
# Installs OpenNDIS into WORK_DIR/prefix, builds tests/outside/driver.c there the two ways
# the README gives (pkg-config one-liner, find_package), and runs `openndis info` on each.
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
cc -shared -fPIC $(pkg-config --cflags --libs openndis) "$outside/driver.c" -o "$work/driver.so"
(cd "$work" && "$cli" info driver.so) # a bare file name is the file, not a library search

echo "== find_package(OpenNDIS)"
cmake -S "$outside" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
"$cli" info "$work/cmake-build/outside.so"
echo "install check passed"
