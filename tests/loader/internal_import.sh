#!/bin/sh
# internal_import.sh OPENNDIS CC INCLUDE_DIR LIB_DIR WORK_DIR SOURCE
# libopenndis.so exports the driver interface only: a driver that imports one of OpenNDIS's
# host functions (ndis_adapter_send) cannot link with -z defs, and if linked anyway it does
# not load, with a message that names the function and says why.
set -u
cli=$1 cc=$2 inc=$3 lib=$4 work=$5/internal_import.$$ src=$6
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT INT TERM
cflags="-I$inc -fshort-wchar -Wno-unknown-pragmas -Wno-multichar"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# shellcheck disable=SC2086 # the flags are words
if "$cc" -shared -fPIC $cflags "$src" -L"$lib" -lopenndis -Wl,-z,defs -o "$work/defs.so" 2>"$work/link.err"; then
    fail "a driver importing ndis_adapter_send links against libopenndis with -z defs"
else
    grep -q "ndis_adapter_send" "$work/link.err" || { cat "$work/link.err"; fail "the link error does not name the symbol"; }
fi
# shellcheck disable=SC2086
"$cc" -shared -fPIC $cflags "$src" -L"$lib" -lopenndis -o "$work/internal.so" || exit 1

"$cli" info --json "$work/internal.so" > "$work/info.json"
rc=$?
err=$(jq -r .error "$work/info.json")
[ $rc -eq 2 ] || fail "info exited $rc (2: not a loadable driver): $(cat "$work/info.json")"
case "$err" in
*"imports ndis_adapter_send, one of OpenNDIS's own host functions"*) ;;
*) fail "info's message does not say what the driver did wrong: $err" ;;
esac

"$cli" info --imports --json "$work/internal.so" > "$work/imports.json"
rc=$?
kind=$(jq -r '.imports[] | select(.name == "ndis_adapter_send") | .kind + "/" + .module' "$work/imports.json")
[ $rc -eq 1 ] || fail "info --imports exited $rc (1: an import nobody provides)"
[ "$kind" = "missing/OpenNDIS host only" ] || fail "info --imports classifies ndis_adapter_send as $kind"
[ $failures -eq 0 ] || exit 1
echo "refused: $err"
