#!/bin/sh
# tail_call.sh OPENNDIS CC INCLUDE_DIR LIB_DIR WORK_DIR SOURCE
# A driver that tail-calls an NDIS function leaves no return address in itself: the rule's
# location must say so, whichever module the runtime is linked into (libopenndis.so, or
# the openndis program), never point at OpenNDIS's own source.
set -u
cli=$1 cc=$2 inc=$3 lib=$4 work=$5/tail_call.$$ src=$6
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT INT TERM
"$cc" -shared -fPIC -O2 -foptimize-sibling-calls -I"$inc" -fshort-wchar -DNDIS680_MINIPORT=1 \
    -Wno-unknown-pragmas -Wno-multichar "$src" -L"$lib" -lopenndis -o "$work/tail.so" || exit 1
"$cli" info --json "$work/tail.so" > "$work/info.json"
where=$(jq -c '.violations[] | select(.rule == "ND1008") | .location' "$work/info.json")
case "$where" in
*"call site lost to a tail call"*) echo "ok: $where" ;;
*) echo "FAIL: the ND1008 location is not the lost tail call: $where"; cat "$work/info.json"; exit 1 ;;
esac
