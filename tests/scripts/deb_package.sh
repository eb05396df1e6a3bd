#!/bin/sh
# deb_package.sh BUILD_DIR SOURCE_DIR WORK_DIR
# The Debian packages build (cpack -G DEB), carry the dependencies they should, unpack into a
# clean root (dpkg -x), and the driver of tests/outside and the bundled sample build against the
# unpacked files only (pkg-config) and pass under the unpacked openndis; its man page is there.
set -u
build=$1 src=$2 work=$3
for t in cpack dpkg-deb dpkg-shlibdeps; do
    command -v $t >/dev/null || { echo "skipped: needs $t (dpkg-dev)"; exit 77; }
done
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work/root"
(cd "$build" && cpack -G DEB -B "$work/pkgs" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack -G DEB failed"; }
for p in openndis libopenndis0 libopenndis-dev; do
    deb=$(ls "$work/pkgs/${p}_"*.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || fail "no $p package"
    echo "== $(dpkg-deb -f "$deb" Package): $(dpkg-deb -f "$deb" Depends)"
    dpkg -x "$deb" "$work/root" || fail "dpkg -x $deb"
done
dpkg-deb -f "$work/pkgs/libopenndis-dev_"*.deb Depends | grep -q 'libopenndis0 (=' || fail "-dev does not depend on libopenndis0"
dpkg-deb -f "$work/pkgs/openndis_"*.deb Depends | grep -q 'libjson-c' || fail "openndis does not depend on json-c"
r=$work/root/usr
for f in bin/openndis bin/openndis-port bin/openndis-wpp include/openndis/ndis.h include/openndis/client.h \
         share/man/man1/openndis-verify.1 share/bash-completion/completions/openndis; do
    [ -e "$r/$f" ] || fail "the packages lack /usr/$f"
done
dpkg-deb -c "$work/pkgs/libopenndis0_"*.deb | grep -q 'libopenndis.so.0' || fail "libopenndis0 lacks libopenndis.so.0"
pc=$(find "$r" -name openndis.pc | head -n 1)
[ -n "$pc" ] || fail "no openndis.pc"
export PKG_CONFIG_PATH="$(dirname "$pc")"
# shellcheck disable=SC2046
cc -shared -fPIC $(pkg-config --cflags openndis) "$src/tests/outside/driver.c" $(pkg-config --libs openndis) \
    -o "$work/driver.so" || fail "the driver does not build against the unpacked -dev package"
pkg-config --cflags openndis | grep -q "$work/root" || fail "pkg-config points outside the unpacked root"
"$r/bin/openndis" info "$work/driver.so" >"$work/info.txt" 2>&1 || { cat "$work/info.txt"; fail "the unpacked openndis does not pass the driver"; }
# the bundled sample driver too, from its sources, against the unpacked files only
# shellcheck disable=SC2046
cc -shared -fPIC -DNDIS630_MINIPORT=1 $(pkg-config --cflags openndis) "$src"/drivers/sample/*.c $(pkg-config --libs openndis) \
    -o "$work/sample.so" || fail "the sample driver does not build against the unpacked -dev package"
"$r/bin/openndis" run "$work/sample.so" >"$work/run.txt" 2>&1 || { cat "$work/run.txt"; fail "the sample does not pass under the unpacked openndis"; }
if command -v man >/dev/null; then
    MANPATH="$r/share/man" man openndis-verify 2>/dev/null | grep -q -- '--fuzz-ioctl' || fail "man openndis-verify does not show the page"
fi
echo "PASS: three packages, unpacked into a clean root, build and run the sample and a driver"
