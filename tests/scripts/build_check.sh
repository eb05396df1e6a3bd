#!/bin/sh
# `openndis build` end to end on tests/msbuild/spelled (a project written as Windows trees write
# them, includes spelt for a case-insensitive file system): the driver it builds registers and
# prints what the project's properties and configuration made of it, with gcc and clang;
# -D, --config, --print and --cmake do what they say; a failed build leaves -o as it was;
# outputs that are inputs or not files are refused; bad usage exits 2. With the PE toolchain
# (clang, lld-link), tests/msbuild/llp64 (typedefs that assume LLP64) builds with --abi windows
# into a .sys that runs, keeping the typedefs MSVC calls benign, and does not build as a .so.
# tests/msbuild/msvcisms (what NetKVM relies on MSVC for: a static library of another project,
# C++ clang refuses as written, PnP characteristics) builds with clang in both ABIs and its
# MiniportAddDevice, MiniportInitializeEx and MiniportRemoveDevice run in that order.
# usage: build_check.sh OPENNDIS TESTS_DIR WORK_DIR
set -eu
openndis=$1 tests=$2 work=$3
project=$tests/msbuild/spelled/Spelled.vcxproj
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
expect_line() { # FILE TEXT
    grep -qF -- "$2" "$1" || { cat "$1"; fail "missing: $2"; }
}

for cc in gcc clang; do
    "$openndis" build --cc "$cc" -o "$work/$cc.so" "$project" > "$work/$cc.log" 2>&1 || { cat "$work/$cc.log"; fail "build with $cc"; }
    expect_line "$work/$cc.log" "resolved by letter case"
    "$openndis" info "$work/$cc.so" > "$work/$cc.info" 2>&1 || { cat "$work/$cc.info"; fail "info on the $cc build"; }
    expect_line "$work/$cc.info" "[driver] spelled v1.2 release trace 4"
done

# a C++ driver's project, with each compiler pair: it lives its whole life under run
for pair in "gcc g++" "clang clang++"; do
    set -- $pair
    "$openndis" build --cc "$1" --cxx "$2" -o "$work/$2.so" "$tests/msbuild/cxx/Cxx.vcxproj" > "$work/$2.log" 2>&1 || { cat "$work/$2.log"; fail "C++ build with $2"; }
    "$openndis" run "$work/$2.so" > "$work/$2.run" 2>&1 || { cat "$work/$2.run"; fail "run on the $2 build"; }
    expect_line "$work/$2.run" "[driver] unloading: deleting the CDriverTracker"
done
"$openndis" build --print "$tests/msbuild/cxx/Cxx.vcxproj" > "$work/cxx.txt" 2>&1 || fail "--print on the C++ project"
expect_line "$work/cxx.txt" "cxx_miniport.cpp  [C++, -std=gnu++17]"

# WMI: the header a project's Mofcomp/Wmimofck items make, from the .mof; a malformed .mof
"$openndis" build -o "$work/wmi.so" "$tests/msbuild/wmi/Wmi.vcxproj" > "$work/wmi.log" 2>&1 || { cat "$work/wmi.log"; fail "the WMI project"; }
expect_line "$work/wmi.log" "wmidrvmof.h: 3 WMI classes from"
"$openndis" info "$work/wmi.so" > "$work/wmi.info" 2>&1 || { cat "$work/wmi.info"; fail "info on the WMI driver"; }
expect_line "$work/wmi.info" "wmi: 2 GUIDs, config 22 bytes, first 234e1fbf, defined 85888fe2"
if "$openndis" build --mof "$tests/msbuild/wmi/bad.mof=wmidrvmof.h" -o "$work/badmof.so" "$tests/msbuild/wmi/Wmi.vcxproj" > "$work/badmof.log" 2>&1; then
    fail "a malformed .mof was accepted"
fi
expect_line "$work/badmof.log" "bad.mof:6: error: expected ';' after a property"

# -D: a property the project reads (the version in the imported .props), then a define
"$openndis" build -D SpelledMinor=5 -D SPELLED_CONFIG='"override"' -o "$work/d.so" "$project" > "$work/d.log" 2>&1 || { cat "$work/d.log"; fail "build with -D"; }
"$openndis" info "$work/d.so" > "$work/d.info" 2>&1 || fail "info on the -D build"
expect_line "$work/d.info" "[driver] spelled v1.5 override trace 4"

# --config Debug: its item definitions, DBG=1, -O0
"$openndis" build --config Debug --print "$project" > "$work/debug.txt" 2>&1 || { cat "$work/debug.txt"; fail "--print --config Debug"; }
expect_line "$work/debug.txt" "configuration Debug|x64 (debug: -O0, DBG=1)"
expect_line "$work/debug.txt" 'SPELLED_CONFIG="debug"'
expect_line "$work/debug.txt" "DBG=1"

# --print: the sources (not the excluded one), the files read and skipped, what is not built
"$openndis" build --print "$project" > "$work/print.txt" 2>&1 || fail "--print"
expect_line "$work/print.txt" "spelled/Driver.c  [C]"
expect_line "$work/print.txt" "spelled/Common/Helper.c  [C]"
expect_line "$work/print.txt" 'SPELLED_VERSION="1.2"'
expect_line "$work/print.txt" "msbuild/props/Version.props"
expect_line "$work/print.txt" '$(VCTargetsPath)\Microsoft.Cpp.props (needs $(VCTargetsPath), set by Visual Studio)'
expect_line "$work/print.txt" "Inf spelled.inf is read, not built"
if grep -q "Broken.c" "$work/print.txt"; then fail "an ExcludedFromBuild source is listed"; fi
[ ! -e spelled.so ] || fail "--print built something"

# --cmake: the CMakeLists for the same driver (built through the installed package by
# install_check.sh)
mkdir -p "$work/cm"
"$openndis" build --cmake "$work/cm/CMakeLists.txt" "$project" > "$work/cm.log" 2>&1 || { cat "$work/cm.log"; fail "--cmake"; }
expect_line "$work/cm/CMakeLists.txt" "openndis_add_driver(spelled"
expect_line "$work/cm/CMakeLists.txt" '[==[SPELLED_VERSION="1.2"]==]'

# a failed build leaves the previous driver untouched, and says which source failed
cp "$work/gcc.so" "$work/keep.so"
if "$openndis" build -o "$work/keep.so" "$tests/msbuild/broken/Broken.vcxproj" > "$work/broken.log" 2>&1; then fail "a broken source built"; fi
expect_line "$work/broken.log" "1 of 1 sources did not compile"
cmp -s "$work/gcc.so" "$work/keep.so" || fail "a failed build changed -o"
[ -z "$(ls -A "$work" | grep '^\.openndis-build')" ] || fail "a failed build left its temporary file"

# outputs that are inputs, or not regular files
mkdir -p "$work/t"
cp -r "$tests/msbuild" "$tests/rogue" "$work/t/"
copy=$work/t/msbuild/spelled
set +e
"$openndis" build -o "$copy/Spelled.vcxproj" "$copy/Spelled.vcxproj" > "$work/o1.log" 2>&1; rc1=$?
"$openndis" build -o "$copy/Driver.c" "$copy/Spelled.vcxproj" > "$work/o2.log" 2>&1; rc2=$?
mkfifo "$work/fifo"
"$openndis" build -o "$work/fifo" "$copy/Spelled.vcxproj" > "$work/o3.log" 2>&1; rc3=$?
"$openndis" build > "$work/u1.log" 2>&1; rc4=$?
"$openndis" build a.dsp > "$work/u2.log" 2>&1; rc5=$?
"$openndis" build -j 0 "$copy/Spelled.vcxproj" > "$work/u3.log" 2>&1; rc6=$?
set -e
[ "$rc1" = 1 ] && expect_line "$work/o1.log" "is the project file" || fail "-o the project: exit $rc1"
cmp -s "$tests/msbuild/spelled/Spelled.vcxproj" "$copy/Spelled.vcxproj" || fail "the project was written over"
[ "$rc2" = 1 ] && expect_line "$work/o2.log" "is the source" || fail "-o a source: exit $rc2"
cmp -s "$tests/msbuild/spelled/Driver.c" "$copy/Driver.c" || fail "a source was written over"
[ "$rc3" = 1 ] && expect_line "$work/o3.log" "is not a regular file" || fail "-o a FIFO: exit $rc3"
[ "$rc4" = 2 ] || fail "no project: exit $rc4"
[ "$rc5" = 2 ] && expect_line "$work/u2.log" "Visual C++ 6" || fail ".dsp: exit $rc5"
[ "$rc6" = 2 ] || fail "-j 0: exit $rc6"

# msvcisms: ABI ("" for a .so, else windows) and output
msvcisms() {
    abi=$1 out=$2
    set -- -o "$out" "$tests/msbuild/msvcisms/Msvcisms.vcxproj"
    [ -z "$abi" ] || set -- --abi "$abi" "$@"
    "$openndis" build "$@" > "$out.log" 2>&1 || { cat "$out.log"; fail "msvcisms ${abi:-linux}"; }
    expect_line "$out.log" "vlib.lib: 1 source from"
    expect_line "$out.log" "Quirks.cpp: warning: a virtual destructor reaches a private operator delete"
    expect_line "$out.log" "Quirks.cpp: warning: 1 functional cast to a type of several words"
    if grep -q 'ndis.lib' "$out.log"; then cat "$out.log"; fail "the WDK's ndis.lib was looked for"; fi
    set +e
    "$openndis" run --adapters 1 "$out" > "$out.run" 2>&1; rc=$?
    set -e
    [ "$rc" = 1 ] || { cat "$out.run"; fail "msvcisms run: exit $rc, not the failed initialize"; }
    expect_line "$out.run" "[driver] msvcisms quirks 8 vlib 411"
    expect_line "$out.run" "[driver] args 1 2 3 4 5 6 7 8 9 10 11 12 13 14"
    "$openndis" info "$out" > "$out.info" 2>&1 || { cat "$out.info"; fail "msvcisms info"; }
    expect_line "$out.info" "PnP handlers  MiniportAddDevice MiniportRemoveDevice MiniportFilterResourceRequirements"
    # PnP order: add, initialize with the context add registered, remove after the failure
    grep -E '^\[driver\] (add|initialize|remove)' "$out.run" > "$out.order"
    printf '%s\n' "[driver] add device: 0x00000000" "[driver] initialize: its add-device context" \
        "[driver] remove device: its context" | cmp -s - "$out.order" || { cat "$out.run"; fail "PnP order"; }
}
if command -v clang >/dev/null; then
    msvcisms "" "$work/msvcisms.so"
fi

if command -v clang >/dev/null && { command -v lld-link >/dev/null || command -v lld-link-14 >/dev/null; }; then
    llp64=$tests/msbuild/llp64/Llp64.vcxproj
    "$openndis" build --abi windows -o "$work/llp64.sys" "$llp64" > "$work/w.log" 2>&1 || { cat "$work/w.log"; fail "--abi windows"; }
    expect_line "$work/w.log" "keeps its own typedef of CHAR, as MSVC does"
    expect_line "$work/w.log" "keeps its own typedef of BOOL, as MSVC does"
    [ -s "$work/llp64.pdb" ] || fail "--abi windows wrote no PDB beside the image"
    "$openndis" info "$work/llp64.sys" > "$work/w.info" 2>&1 || { cat "$work/w.info"; fail "the .sys did not pass"; }
    expect_line "$work/w.info" "[driver] llp64: DWORD 32 bits, CHAR signed 1"
    set +e
    "$openndis" build -o "$work/llp64.so" "$llp64" > "$work/l.log" 2>&1; rc7=$?
    "$openndis" build --abi macos "$llp64" > "$work/u4.log" 2>&1; rc8=$?
    set -e
    [ "$rc7" = 1 ] && expect_line "$work/l.log" "typedef redefinition" || fail "LP64 build of llp64: exit $rc7"
    [ ! -e "$work/llp64.so" ] || fail "a failed build left a .so"
    [ "$rc8" = 2 ] && expect_line "$work/u4.log" "--abi is windows or linux" || fail "--abi macos: exit $rc8"
    # the same driver from a Visual Studio 2008 .vcproj (Shift_JIS, a source excluded, a Win32 configuration)
    "$openndis" build --abi windows -o "$work/llp64v.sys" "$tests/msbuild/llp64/Llp64.vcproj" > "$work/v.log" 2>&1 || { cat "$work/v.log"; fail ".vcproj --abi windows"; }
    "$openndis" info "$work/llp64v.sys" > "$work/v.info" 2>&1 || { cat "$work/v.info"; fail "the .vcproj's .sys did not pass"; }
    expect_line "$work/v.info" "[driver] llp64: DWORD 32 bits, CHAR signed 1"
    msvcisms windows "$work/msvcisms.sys"
else
    echo "skipped --abi windows: no clang or lld-link"
fi
echo "PASS"
