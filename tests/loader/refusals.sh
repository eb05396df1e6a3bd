#!/bin/sh
# refusals.sh OPENNDIS DRIVER.so CC WORK_DIR
# Files the loader refuses: `info` and `info --imports` must both refuse them, with exit 2
# (not a loadable driver) and the same reason, and nothing of them may run.
set -u
cli=$1 driver=$2 cc=$3 work=$4/refusals.$$
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT INT TERM
failures=0

# patch FILE OFFSET BYTES...: overwrite bytes in place
patch() {
    f=$1 off=$2
    shift 2
    printf "$(printf '\\%03o' "$@")" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}
variant() { cp "$driver" "$work/$1.so" && chmod u+w "$work/$1.so"; }

variant elf32 && patch "$work/elf32.so" 4 1
variant aarch64 && patch "$work/aarch64.so" 18 183 0
variant ppc64be && patch "$work/ppc64be.so" 5 2 && patch "$work/ppc64be.so" 18 0 21
size=$(wc -c < "$driver")
head -c $((size / 2)) "$driver" > "$work/truncated.so"
head -c 40 "$driver" > "$work/header_only.so"
head -c 6000 "$driver" > "$work/segments_cut.so"
printf 'int main(void) { return 0; }\n' > "$work/main.c"
"$cc" -fPIE -pie "$work/main.c" -o "$work/pie" || exit 1
printf 'int ld_missing_lib_fn(void) { return 0; }\n' > "$work/lib.c"
printf 'int ld_missing_lib_fn(void);\nint DriverEntry(void *o, void *r) { (void)o; (void)r; return ld_missing_lib_fn(); }\n' \
    > "$work/needs.c"
"$cc" -shared -fPIC "$work/lib.c" -o "$work/libldmissing.so" || exit 1
"$cc" -shared -fPIC "$work/needs.c" -L"$work" -lldmissing -o "$work/needs_missing.so" || exit 1
rm "$work/libldmissing.so"
printf 'int NotTheEntry(void) { return 0; }\n' > "$work/noentry.c"
"$cc" -shared -fPIC "$work/noentry.c" -o "$work/no_entry.so" || exit 1

# refused NAME FILE WORDS: both commands exit 2 with one reason, which contains WORDS
refused() {
    name=$1 file=$2 words=$3
    "$cli" info --imports --json "$file" > "$work/imports.json" 2>"$work/imports.err"
    ri=$?
    "$cli" info --json "$file" > "$work/info.json" 2>"$work/info.err"
    rl=$?
    ei=$(jq -r .error "$work/imports.json" 2>/dev/null)
    el=$(jq -r .error "$work/info.json" 2>/dev/null)
    if [ "$ri" -ne 2 ] || [ "$rl" -ne 2 ]; then
        echo "FAIL $name: info --imports exited $ri, info exited $rl (both must be 2: not a loadable driver)"
        cat "$work/imports.json" "$work/info.json"
        failures=$((failures + 1))
    elif [ "$ei" != "$el" ]; then
        echo "FAIL $name: the two commands give different reasons:"
        echo "  info --imports: $ei"
        echo "  info:           $el"
        failures=$((failures + 1))
    elif ! printf '%s\n' "$ei" | grep -qF -- "$words"; then
        echo "FAIL $name: the reason does not say '$words': $ei"
        failures=$((failures + 1))
    else
        echo "ok   $name: $ei"
    fi
}

refused 32-bit "$work/elf32.so" "built for 32-bit x86-64; OpenNDIS loads 64-bit little-endian"
refused aarch64 "$work/aarch64.so" "built for AArch64;"
refused ppc64-big-endian "$work/ppc64be.so" "built for big-endian PowerPC 64; OpenNDIS loads 64-bit little-endian x86-64"
refused truncated "$work/truncated.so" "truncated"
refused segments-cut "$work/segments_cut.so" "truncated"
refused header-only "$work/header_only.so" "truncated"
refused pie-executable "$work/pie" "position-independent executable"
refused missing-library "$work/needs_missing.so" "needs the library libldmissing.so"
refused no-entry "$work/no_entry.so" "no DriverEntry"
refused directory "$work" "not a regular file"

# every command that loads a driver refuses a cut file the same way, in words, never a
# crash report (verify loads in its own process: it died of SIGBUS)
for cmd in info run verify; do
    "$cli" $cmd "$work/segments_cut.so" > "$work/out" 2>&1
    rc=$?
    if [ $rc -ne 2 ] || ! grep -q "truncated: segment" "$work/out"; then
        echo "FAIL $cmd on a cut file: exit $rc"; cat "$work/out"; failures=$((failures + 1))
    fi
done
# and a good driver still loads under both
"$cli" info --imports "$driver" > "$work/out" 2>&1 || { echo "FAIL: info --imports refuses $driver"; cat "$work/out"; failures=$((failures + 1)); }
"$cli" info "$driver" > "$work/out" 2>&1 || { echo "FAIL: info refuses $driver"; cat "$work/out"; failures=$((failures + 1)); }
[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all refusals agree"
