#!/bin/sh
# `openndis port` against hostile input (issue 15 #5): sources that are not regular text files
# of bounded size are refused with exit 2 and a message, promptly.
# usage: port_hostile.sh OPENNDIS_PORT NDIS5_SOURCE WORKDIR
set -u
port=$1 source=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
chmod 755 "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run EXPECTED_STATUS EXPECTED_STDERR_TEXT command...: bounded in time, status and message checked
run() {
    want=$1 text=$2
    shift 2
    timeout 30 "$@" >"$work/out" 2>"$work/err"
    got=$?
    [ "$got" -eq "$want" ] || { fail "$* exited $got, want $want"; cat "$work/err"; return; }
    [ -z "$text" ] || grep -q -- "$text" "$work/err" || { fail "$*: no \"$text\" in:"; cat "$work/err"; }
}

# --- #5: only regular text files of bounded size are read -------------------------------------
run 2 "/dev/zero is a character device" "$port" /dev/zero
mkfifo "$work/fifo.c"
run 2 "is a FIFO" "$port" "$work/fifo.c"
run 2 "is a directory" "$port" "$work"
cp "$port" "$work/binary.c"
run 2 "is not text (byte 0x" "$port" "$work/binary.c"
printf 'int x;\n\0int y;\n' >"$work/nul.c"
run 2 "is not text (byte 0x00 at offset 7)" "$port" "$work/nul.c"
truncate -s 17M "$work/huge.c"
run 2 "at most 16 MiB" "$port" "$work/huge.c"
# A refused source is refused under --fix --in-place too, and left alone.
run 2 "is not text" "$port" --fix --in-place "$work/binary.c"
cmp -s "$port" "$work/binary.c" || fail "a refused binary was changed"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "PASS: port refuses hostile input"
