#!/bin/sh
# config_write.sh OPENNDIS CONFIG_WRITER.so WORKDIR
# `openndis run --config FILE --write-config`: what the driver set goes back into FILE, and
# only that. The driver (tests/config/config_writer.c) counts its runs in a REG_DWORD, sets a
# REG_BINARY, a REG_MULTI_SZ, a REG_SZ that looks like a typed value and one holding a line
# break, deletes a key, and writes an integer through NdisWriteConfiguration. The file keeps
# its comments, other keys and sections; the changed key keeps its comment; new keys join
# their section; the second run reads the first run's count; the file is changed through a
# symbolic link without replacing the link; an unwritable directory fails the run with exit
# 4 and leaves the file as it was; --write-config without --config is a usage error.
set -u
cli=$1 driver=$2 work=$3
rm -rf "$work" && mkdir -p "$work/dir"
fail() { echo "FAIL: $*"; cat "$work/dir/params.ini" "$work/run.out" 2>/dev/null; exit 1; }
cat > "$work/dir/params.ini" <<'INI'
; the parameters of config_writer
[driver]
Runs = dword:0 ; how many runs
Obsolete = 1
Keep = yes

[adapter]
*JumboPacket = 1514
INI
ln -s dir/params.ini "$work/link.ini"
"$cli" run --adapters 1 --frames 0 --config "$work/link.ini" --write-config "$driver" >"$work/run.out" 2>&1
grep -q 'runs before: 0' "$work/run.out" || fail "first run"
grep -q 'subkey Parameters: 0x00000000' "$work/run.out" || fail "NdisOpenConfigurationKeyByName(Parameters)"
grep -q 'subkey Other: 0xC0000001' "$work/run.out" || fail "NdisOpenConfigurationKeyByName of another subkey"
grep -q "NdisOpenConfigurationKeyByName is not supported (only the driver's Parameters subkey is kept" "$work/run.out" ||
    fail "the refused subkey is not named"
grep -q 'configuration: 6 values the driver set written back' "$work/run.out" || fail "the count of values written"
grep -q 'Broken.*not written.*line break' "$work/run.out" || fail "the value with a line break is not named"
[ -L "$work/link.ini" ] || fail "the link was replaced"
f=$work/dir/params.ini
for want in '; the parameters of config_writer' 'Runs = dword:1 ; how many runs' 'Keep = yes' \
    'Blob = hex:00a1ff' 'Names = multi_sz:alpha\0beta' 'Looks = sz:dword:7' 'Mode = 42' \
    '*JumboPacket = 1514'; do
    grep -qxF -- "$want" "$f" || fail "missing line: $want"
done
! grep -q 'Obsolete' "$f" || fail "the deleted key is still there"
! grep -q 'Broken' "$f" || fail "a value with a line break was written"
# new keys join [driver], before [adapter]
[ "$(grep -n '^\[adapter\]' "$f" | cut -d: -f1)" -gt "$(grep -n '^Mode' "$f" | cut -d: -f1)" ] || fail "new keys not in their section"
"$cli" run --adapters 1 --frames 0 --config "$f" --write-config "$driver" >"$work/run2.out" 2>&1
grep -q 'runs before: 1' "$work/run2.out" || { cat "$work/run2.out"; fail "the second run did not read the first run's value"; }
grep -qxF 'Runs = dword:2 ; how many runs' "$f" || fail "second write"
[ "$(grep -c '^Blob' "$f")" = 1 ] || fail "a key written twice"

# an unwritable directory: root writes anywhere, so as nobody when root (if it can reach the files)
as=
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && as="setpriv --reuid=65534 --regid=65534 --clear-groups"
chmod a+r "$f"
if [ -z "$as" ] && [ "$(id -u)" = 0 ] || ! $as test -r "$driver" -a -r "$f" -a -x "$cli" 2>/dev/null; then
    echo "skipped the unwritable-directory case: no unprivileged user can reach the files"
else
    cp "$f" "$work/before"
    chmod a-w "$work/dir"
    $as "$cli" run --adapters 1 --frames 0 --config "$f" --write-config "$driver" >"$work/ro.out" 2>&1; rc=$?
    chmod u+w "$work/dir"
    [ "$rc" = 4 ] && grep -q 'cannot write beside it' "$work/ro.out" || { cat "$work/ro.out"; fail "an unwritable directory: exit $rc"; }
    cmp -s "$f" "$work/before" || fail "the file changed although it could not be written"
fi
"$cli" run --write-config "$driver" >"$work/u.out" 2>&1; rc=$?
[ "$rc" = 2 ] && grep -q 'give one' "$work/u.out" || fail "--write-config without --config: exit $rc"
"$cli" run --adapters 1 --frames 0 --config "$f" "$driver" >/dev/null 2>&1
grep -qxF 'Runs = dword:2 ; how many runs' "$f" || fail "a run without --write-config changed the file"
echo "PASS: the driver's configuration written back, the rest of the file kept"
