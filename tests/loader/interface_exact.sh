#!/bin/sh
# interface_exact.sh LIBOPENNDIS.so EXPORTS.def RUNTIME_EXPORTS.def
# libopenndis.so's dynamic symbols are exactly the driver interface the two .def files list:
# nothing missing (a driver would not load), nothing more (a driver could link internals).
set -u
lib=$1
shift
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
sed -n 's/^[A-Z_]*([A-Za-z0-9_]*, *\([A-Za-z0-9_]*\)).*/\1/p' "$@" | sort > "$work/interface"
nm -D --defined-only "$lib" | awk '{print $3}' | sort > "$work/exported"
extra=$(comm -13 "$work/interface" "$work/exported")
missing=$(comm -23 "$work/interface" "$work/exported")
[ -z "$extra" ] || echo "FAIL: libopenndis exports what is not in the driver interface:" $extra
[ -z "$missing" ] || echo "FAIL: libopenndis does not export:" $missing
[ -z "$extra$missing" ] || exit 1
echo "libopenndis exports the $(wc -l < "$work/interface") names of the driver interface, nothing else"
