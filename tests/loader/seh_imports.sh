#!/bin/sh
# seh_imports.sh OPENNDIS CC INCLUDE_DIR LIB_DIR WORK_DIR SOURCE
# A driver using __try, linked with the library after the sources and before them (where a
# linker that drops unneeded libraries leaves no DT_NEEDED on libopenndis): both ways it
# loads and runs its handler, and `info --imports` must say LOADS with the SEH helpers
# provided by OpenNDIS, not MISSING.
set -u
cli=$1 cc=$2 inc=$3 lib=$4 work=$5/seh_imports.$$ src=$6
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT INT TERM
cflags="-I$inc -fshort-wchar -Wno-unknown-pragmas -Wno-multichar -fno-optimize-sibling-calls"
failures=0
# shellcheck disable=SC2086 # the flags are words
"$cc" -shared -fPIC -g $cflags "$src" -L"$lib" -lopenndis -o "$work/after.so" || exit 1
# shellcheck disable=SC2086
"$cc" -shared -fPIC -g -Wl,--as-needed $cflags -L"$lib" -lopenndis "$src" -o "$work/before.so" || exit 1
for way in after before; do
    so=$work/$way.so
    "$cli" info --imports --json "$so" > "$work/imports.json"
    rc=$?
    verdict=$(jq -r .verdict "$work/imports.json")
    kind=$(jq -r '.imports[] | select(.name == "openndis_seh_enter") | .kind' "$work/imports.json")
    module=$(jq -r '.imports[] | select(.name == "openndis_seh_enter") | .module' "$work/imports.json")
    if [ $rc -ne 0 ] || [ "$verdict" != pass ] || [ "$kind" != implemented ] || [ "$module" != OpenNDIS ]; then
        echo "FAIL ($way): info --imports exit $rc, verdict $verdict, openndis_seh_enter $kind/$module"
        "$cli" info --imports "$so"
        failures=$((failures + 1))
    fi
    "$cli" info --imports "$so" | grep -q "^verdict *LOADS" ||
        { echo "FAIL ($way): the text report does not say LOADS"; failures=$((failures + 1)); }
    "$cli" info --json "$so" > "$work/info.json"
    status=$(jq -r .status "$work/info.json")
    if [ "$status" != STATUS_DEVICE_NOT_READY ]; then
        echo "FAIL ($way): DriverEntry's __except did not run (status $status)"
        cat "$work/info.json"
        failures=$((failures + 1))
    fi
    echo "$way: needed $(jq -c .needed "$work/imports.json"), imports verdict $verdict, DriverEntry $status"
done
[ $failures -eq 0 ] || exit 1
