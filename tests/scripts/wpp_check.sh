#!/bin/sh
# WPP end to end: the test driver's generated .tmh turns its trace calls into records with
# level, flag, function and line, the format extensions rendered; --trace and OPENNDIS_TRACE
# filter by level; malformed WPP configurations are refused with file:line.
# The tree-style driver (tests/wpp/tree_style: NetKVM's forms, C++) gets its prefixes, its
# own WPP_..._ENABLED conditions and FUNCs without MSG. The test driver built as a PE image
# (given when the PE toolchain is there) gives the same records as its .so.
# usage: wpp_check.sh OPENNDIS OPENNDIS_WPP WPP_DRIVER.so BAD_DIR WORK_DIR TREE_STYLE_DRIVER.so [WPP_DRIVER.sys]
set -eu
openndis=$1 gen=$2 driver=$3 bad=$4 work=$5 tree=$6 pe=${7:-}
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

"$openndis" info --trace verbose "$driver" > "$work/verbose.txt" 2>&1 || fail "openndis info --trace verbose: $(cat "$work/verbose.txt")"
for want in \
    "[wpp] tracing WppTestGuid" \
    "[wpp] INFO  TRACE_DRIVER DriverEntry:21 status NDIS_STATUS_RESOURCES (0xC000009A)" \
    "[wpp] WARN  TRACE_DATAPATH DriverEntry:22 mac 02-00-5e-10-20-30 ip 10.0.0.1" \
    "[wpp] VERB  TRACE_DRIVER DriverEntry:23 guid {12345678-9abc-def0-0123-456789abcdef} ready TRUE 42%" \
    "[wpp] ERROR TRACE_DRIVER DriverEntry:24 hr 0x80004005 at wpp_driver.c:24 in DriverEntry" \
    "[wpp] INFO  TRACE_DATAPATH DriverEntry:25 plain text 1099511627776" \
    "[wpp] VERB  TRACE_DRIVER WppUnload:13 WppUnload: unloading"; do
    grep -qF -- "$want" "$work/verbose.txt" || { cat "$work/verbose.txt"; fail "missing: $want"; }
done

grep -qF "[driver] wpp arguments evaluated 1 time(s)" "$work/verbose.txt" || fail "an enabled trace call did not evaluate its arguments"

if [ -n "$pe" ]; then
    "$openndis" info --trace verbose "$pe" > "$work/pe.txt" 2>&1 || { cat "$work/pe.txt"; fail "the PE build"; }
    grep '^\[wpp\]' "$work/verbose.txt" > "$work/so.records"
    grep '^\[wpp\]' "$work/pe.txt" > "$work/pe.records"
    [ -s "$work/pe.records" ] && cmp -s "$work/so.records" "$work/pe.records" ||
        { diff "$work/so.records" "$work/pe.records"; fail "the PE build's records differ from the .so's"; }
fi

"$openndis" info --trace error "$driver" > "$work/error.txt" 2>&1 || fail "openndis info --trace error"
grep -qF "[driver] wpp arguments evaluated 0 time(s)" "$work/error.txt" || fail "a disabled trace call evaluated its arguments"
[ "$(grep -c '^\[wpp\] [A-Z]' "$work/error.txt")" -eq 1 ] || { cat "$work/error.txt"; fail "--trace error shows more than the error record"; }
grep -qF "[wpp] ERROR TRACE_DRIVER DriverEntry:24" "$work/error.txt" || fail "--trace error hides the error record"

OPENNDIS_TRACE=warning "$openndis" info "$driver" > "$work/env.txt" 2>&1 || fail "OPENNDIS_TRACE=warning"
[ "$(grep -c '^\[wpp\] \(WARN\|ERROR\)' "$work/env.txt")" -eq 2 ] || { cat "$work/env.txt"; fail "OPENNDIS_TRACE=warning"; }
! grep -q '^\[wpp\] \(INFO\|VERB\)' "$work/env.txt" || fail "OPENNDIS_TRACE=warning shows lower levels"

"$openndis" info "$driver" > "$work/off.txt" 2>&1 || fail "openndis info"
! grep -q '^\[wpp\]' "$work/off.txt" || fail "records shown with tracing off"

status=0
"$openndis" info --trace loud "$driver" > "$work/badlevel.txt" 2>&1 || status=$?
[ "$status" -eq 2 ] && grep -q -- "--trace takes a WPP level" "$work/badlevel.txt" || fail "--trace loud: exit $status"

"$openndis" info --trace verbose "$tree" > "$work/tree.txt" 2>&1 || { cat "$work/tree.txt"; fail "tree-style driver"; }
for want in \
    "[wpp] tracing TreeStyle" \
    "[wpp] INFO  TRACE_DRIVER Traced:17 [Traced]=>" \
    "[wpp] INFO  TRACE_DRIVER Traced:18 [Traced] value 7" \
    "[wpp] INFO  TRACE_OTHER  Traced:20 plain text (end)" \
    "[wpp] INFO  TRACE_DRIVER Traced:22 [Traced]<= 0x0" \
    "[driver] tree-style arguments evaluated 0 time(s)"; do
    grep -qF -- "$want" "$work/tree.txt" || { cat "$work/tree.txt"; fail "tree style, missing: $want"; }
done
[ "$(grep -c '^\[wpp\] INFO' "$work/tree.txt")" -eq 4 ] || { cat "$work/tree.txt"; fail "tree style: a record too many"; }
"$openndis" info --trace warning "$tree" > "$work/tree_warn.txt" 2>&1 || fail "tree-style driver, --trace warning"
! grep -q '^\[wpp\] INFO' "$work/tree_warn.txt" || fail "tree style: information records shown at --trace warning"

check_bad() { # file expected-message
    status=0
    "$gen" --out "$work/bad" "$bad/$1" > "$work/$1.txt" 2>&1 || status=$?
    [ "$status" -eq 1 ] || fail "$1: openndis-wpp exited $status"
    grep -qF -- "$2" "$work/$1.txt" || { cat "$work/$1.txt"; fail "$1: want '$2'"; }
    [ ! -e "$work/bad/x.tmh" ] || fail "$1: a .tmh was written"
}
check_bad no_msg.c "no_msg.c:3: error: FUNC Trace: has no MSG parameter (the format string) and no USEPREFIX gives one"
check_bad bad_prefix.c "bad_prefix.c:3: error: USEPREFIX needs (FUNC, \"format\"[, arguments])"
check_bad no_end.c "no_end.c:2: error: begin_wpp without end_wpp"
check_bad unknown.c "unknown.c:3: error: unknown statement in a WPP configuration block: 'FUNCTION Trace(LEVEL, MSG, ...)'"
check_bad no_guids.c "no WPP_CONTROL_GUIDS definition"
check_bad no_bits.c "no_bits.c:1: error: WPP_CONTROL_GUIDS defines no WPP_DEFINE_BIT flag"
echo "PASS: WPP records, levels, extensions and configuration errors"
