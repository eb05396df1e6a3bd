#!/bin/sh
# cxx_linkage.sh CXX EXPORTS_DEF INCLUDE_DIR WORK_DIR
# Every function OpenNDIS exports (src/ndis/exports.def) that the headers declare has C
# linkage in C++: a C++ driver referring to each one leaves no mangled (_Z) reference, so it
# binds to libopenndis's symbol. Names the headers do not declare (undocumented ones a
# driver declares itself, such as SeSddlSecurityDescriptorFromSDDL) are listed and skipped.
set -eu
export LC_ALL=C # plain quotes in the compilers' messages
cxx=$1 def=$2 inc=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
grep -oE '^EXPORT_FN\([A-Z]+, *[A-Za-z0-9_]+' "$def" | sed 's/.*, *//' | sort -u > "$work/names"
[ "$(wc -l < "$work/names")" -gt 100 ] || { echo "FAIL: too few names read from $def"; exit 1; }
make_source() {
    { for h in ndis.h ntddk.h ntifs.h ntstrsafe.h ntintsafe.h wdmsec.h netioapi.h openndis_wpp.h; do
          echo "#include <$h>"
      done
      echo 'void *openndis_refs[] = {'
      sed 's/.*/(void *)\&&,/' "$work/names"
      echo '};'; } > "$work/refs.cpp"
}
compile() {
    "$cxx" -std=c++17 -c -fshort-wchar -Wno-unknown-pragmas -Wno-multichar -DNDIS685_MINIPORT=1 \
        -I"$inc" "$work/refs.cpp" -o "$work/refs.o" > "$work/cc.log" 2>&1
}
make_source
if ! compile; then
    grep -oE "(undeclared identifier|was not declared in this scope)[^']*'[A-Za-z0-9_]+'|'[A-Za-z0-9_]+' was not declared" "$work/cc.log" |
        grep -oE "'[A-Za-z0-9_]+'" | tr -d "'" | sort -u > "$work/undeclared"
    echo "not declared by the headers (skipped): $(tr '\n' ' ' < "$work/undeclared")"
    grep -vxF -f "$work/undeclared" "$work/names" > "$work/names.declared"
    mv "$work/names.declared" "$work/names"
    make_source
    compile || { cat "$work/cc.log"; echo "FAIL: the headers do not compile as C++ with $cxx"; exit 1; }
fi
mangled=$(nm -u "$work/refs.o" | grep ' _Z' || true)
if [ -n "$mangled" ]; then
    echo "$mangled"
    echo "FAIL: these exports have C++ linkage in the headers: wrap them in OPENNDIS_EXTERN_C_BEGIN/END"
    exit 1
fi
echo "PASS: $(wc -l < "$work/names") exports, all with C linkage under $cxx"
