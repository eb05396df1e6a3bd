#!/bin/sh
# refusals.sh OPENNDIS SAMPLE.sys CLANG LLD_LINK DLLTOOL WORK_DIR
# PE images the loader refuses: `info` and `info --imports` both refuse them with exit 2
# and the same one-line reason, before any of their code runs. The bad images are made
# here, from the repository's own PE sample and small drivers built on the spot.
set -u
cli=$1 driver=$2 clang=$3 lld=$4 dlltool=$5 work=$6/pe-refusals.$$
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT INT TERM
failures=0

# patch FILE OFFSET BYTES...: overwrite bytes in place
patch() {
    f=$1 off=$2
    shift 2
    printf "$(printf '\\%03o' "$@")" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
u16() { od -An -tu2 -j "$2" -N2 "$1" | tr -d ' '; }
variant() { cp "$driver" "$work/$1.sys" && chmod u+w "$work/$1.sys"; }

pe=$(u32 "$driver" 60)              # e_lfanew
opt=$((pe + 24))                    # optional header
sect=$((opt + $(u16 "$driver" $((pe + 20)))))  # first section header
variant x86 && patch "$work/x86.sys" $((pe + 4)) 0x4c 0x01
variant arm64 && patch "$work/arm64.sys" $((pe + 4)) 0x64 0xaa
variant console && patch "$work/console.sys" $((opt + 68)) 3 0
variant gui_dll && patch "$work/gui_dll.sys" $((opt + 68)) 2 0 && patch "$work/gui_dll.sys" $((pe + 23)) 0x20
variant pe32 && patch "$work/pe32.sys" $opt 0x0b 0x01
variant no_signature && patch "$work/no_signature.sys" $pe 0x4e 0x45
variant lfanew_far && patch "$work/lfanew_far.sys" 60 0 0 0 0x7f
variant section_outside && patch "$work/section_outside.sys" $((sect + 8)) 0 0 0 0x10
variant raw_outside && patch "$work/raw_outside.sys" $((sect + 20)) 0 0 0 0x10
variant no_sections && patch "$work/no_sections.sys" $((pe + 6)) 0 0
variant image_huge && patch "$work/image_huge.sys" $((opt + 56)) 0 0 0 0x40
variant import_outside && patch "$work/import_outside.sys" $((opt + 120)) 0 0 0 0x10
size=$(wc -c < "$driver")
head -c $((size / 2)) "$driver" > "$work/truncated.sys"
head -c 40 "$driver" > "$work/header_only.sys"
head -c $((sect + 20)) "$driver" > "$work/sections_cut.sys"

# small drivers: one importing nothing, one NDIS 5 miniport, one built as a console program
build() { # NAME SOURCE DEF... : compiles SOURCE and links it against import libraries from DEFs
    name=$1 src=$2
    shift 2
    libs=""
    for def in "$@"; do
        printf '%b' "$def" > "$work/$name.$#.def"
        "$dlltool" -m i386:x86-64 -d "$work/$name.$#.def" -l "$work/$name.$#.lib" || exit 1
        libs="$libs $work/$name.$#.lib"
        shift
    done
    printf '%s\n' "$src" > "$work/$name.c"
    "$clang" --target=x86_64-pc-windows-msvc -ffreestanding -O2 -c "$work/$name.c" -o "$work/$name.obj" || exit 1
    "$lld" /nologo /driver /subsystem:native /entry:DriverEntry /nodefaultlib /out:"$work/$name.sys" \
        "$work/$name.obj" $libs || exit 1
}
build no_imports 'long DriverEntry(void *o, void *r) { (void)o; (void)r; return 0; }'
build ndis5 'void NdisMRegisterMiniport(void *, void *, unsigned);
long DriverEntry(void *o, void *r) { (void)r; NdisMRegisterMiniport(o, 0, 0); return 0; }' \
    'LIBRARY ndis.sys\nEXPORTS\n  NdisMRegisterMiniport\n'

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
        cat "$work/imports.json" "$work/info.json" "$work/info.err"
        failures=$((failures + 1))
    elif [ "$ei" != "$el" ]; then
        echo "FAIL $name: the two commands give different reasons:"
        echo "  info --imports: $ei"
        echo "  info:           $el"
        failures=$((failures + 1))
    elif ! printf '%s\n' "$ei" | grep -qF -- "$words"; then
        echo "FAIL $name: the reason does not say '$words': $ei"
        failures=$((failures + 1))
    elif [ "$(printf '%s\n' "$ei" | wc -l)" -ne 1 ]; then
        echo "FAIL $name: the reason is not one line: $ei"
        failures=$((failures + 1))
    else
        echo "ok   $name: $ei"
    fi
}

refused x86 "$work/x86.sys" "built for x86 (32-bit); OpenNDIS loads x64 (AMD64) drivers"
refused arm64 "$work/arm64.sys" "built for ARM64"
refused console-program "$work/console.sys" "console subsystem), not a kernel-mode driver"
refused gui-dll "$work/gui_dll.sys" "a Windows DLL (GUI subsystem), not a kernel-mode driver"
refused pe32 "$work/pe32.sys" "32-bit PE32 image"
refused no-signature "$work/no_signature.sys" "no PE signature"
refused lfanew-far "$work/lfanew_far.sys" "PE header offset"
refused section-outside "$work/section_outside.sys" "lies outside the image"
refused raw-data-outside "$work/raw_outside.sys" "truncated: section"
refused no-sections "$work/no_sections.sys" "0 sections"
refused image-huge "$work/image_huge.sys" "damaged: an image size of"
refused import-dir-outside "$work/import_outside.sys" "import directory"
refused truncated "$work/truncated.sys" "truncated"
refused header-only "$work/header_only.sys" "truncated: 40 bytes"
refused sections-cut "$work/sections_cut.sys" "truncated or damaged: headers of"
refused import-less "$work/no_imports.sys" "imports nothing"
refused ndis5 "$work/ndis5.sys" "an NDIS 5.x miniport (it imports NdisMRegisterMiniport from ndis.sys)"
grep -q "openndis port" "$work/info.json" || { echo "FAIL ndis5: the reason does not point at openndis port"; failures=$((failures + 1)); }

# imports nothing provides: the image is well formed (info --imports lists them, exit 1),
# and loading it stops before DriverEntry, naming each one
build missing 'void NdisNotAFunction(void); void KeNotEither(void);
long DriverEntry(void *o, void *r) { (void)o; (void)r; NdisNotAFunction(); KeNotEither(); return 0; }' \
    'LIBRARY ndis.sys\nEXPORTS\n  NdisNotAFunction\n' 'LIBRARY ntoskrnl.exe\nEXPORTS\n  KeNotEither\n'
build ordinal 'void NdisMRegisterMiniportDriver(void);
long DriverEntry(void *o, void *r) { (void)o; (void)r; NdisMRegisterMiniportDriver(); return 0; }' \
    'LIBRARY ndis.sys\nEXPORTS\n  NdisMRegisterMiniportDriver @7 NONAME\n'
build other_module 'void Foo(void);
long DriverEntry(void *o, void *r) { (void)o; (void)r; Foo(); return 0; }' 'LIBRARY wdf01000.sys\nEXPORTS\n  Foo\n'
not_loaded() { # NAME FILE WORDS
    "$cli" info --imports "$2" > "$work/imports.txt" 2>&1
    ri=$?
    "$cli" info "$2" > "$work/info.txt" 2>&1
    rl=$?
    if [ $ri -ne 1 ] || ! grep -q "WOULD NOT LOAD" "$work/imports.txt"; then
        echo "FAIL $1: info --imports exited $ri"; cat "$work/imports.txt"; failures=$((failures + 1))
    elif [ $rl -ne 2 ] || ! grep -qF -- "$3" "$work/info.txt" || grep -q "DriverEntry for\|^DriverEntry" "$work/info.txt"; then
        echo "FAIL $1: info exited $rl without saying '$3' before DriverEntry"; cat "$work/info.txt"; failures=$((failures + 1))
    else
        echo "ok   $1: $(grep -F -- "$3" "$work/info.txt")"
    fi
}
not_loaded missing-imports "$work/missing.sys" "2 functions OpenNDIS does not implement yet: ndis.sys!NdisNotAFunction, ntoskrnl.exe!KeNotEither"
not_loaded ordinal-import "$work/ordinal.sys" "imports ndis.sys!#7 by ordinal"
not_loaded other-module "$work/other_module.sys" "from a module OpenNDIS does not provide"

# the good image still loads under both
"$cli" info --imports "$driver" > "$work/out" 2>&1 || { echo "FAIL: info --imports refuses $driver"; cat "$work/out"; failures=$((failures + 1)); }
"$cli" info "$driver" > "$work/out" 2>&1 || { echo "FAIL: info refuses $driver"; cat "$work/out"; failures=$((failures + 1)); }
[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all PE refusals agree"
