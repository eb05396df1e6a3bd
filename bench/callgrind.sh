#!/usr/bin/env bash
# Instruction counts, the figure that stays put on a noisy machine: runs the data path (64-byte
# frames in chains of 32) and the re-entered lifecycle under valgrind's callgrind, counting
# only inside the measured function, and splits the instructions by the object they ran in.
#   bench/callgrind.sh BUILD_DIR [frames, default 200000] [cycles, default 2000]
# "driver" is the sample's own code; "openndis+libc" is libopenndis plus the C library and
# loader work done during the measured calls (nearly all of it on OpenNDIS's behalf: locks,
# allocation, copies); "harness" is the benchmark's own loop.
set -euo pipefail
build=${1:?usage: bench/callgrind.sh BUILD_DIR [frames] [cycles]}
frames=${2:-200000}
cycles=${3:-2000}
command -v valgrind >/dev/null || { echo "bench/callgrind.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# split FILE UNITS LABEL: per-object instruction totals divided by UNITS
split() {
    callgrind_annotate --threshold=100 "$1" 2>/dev/null | awk -v units="$2" -v label="$3" '
        /^ *[0-9,]+ \(.*\) .*\[.*\]$/ {
            n = $1; gsub(",", "", n)
            obj = $0; sub(/.*\[/, "", obj); sub(/\]$/, "", obj)
            if (obj ~ /libopenndis/) o += n
            else if (obj ~ /sample\.so/) d += n
            else if (obj ~ /bench\//) h += n
            else c += n
        }
        END {
            printf "%-28s %10.1f %10.1f %14.1f %10.1f\n", label, (o + c + d + h) / units, d / units, (o + c) / units, h / units
        }'
}

valgrind --tool=callgrind --callgrind-out-file="$out/datapath" --toggle-collect=through_driver \
    "$build/bench/datapath" "$build/drivers/sample.so" "$frames" 64x32 recycle >/dev/null 2>&1
valgrind --tool=callgrind --callgrind-out-file="$out/datapath-tracked" --toggle-collect=through_driver \
    "$build/bench/datapath" "$build/drivers/sample.so" "$frames" 64x32 tracked >/dev/null 2>&1
valgrind --tool=callgrind --callgrind-out-file="$out/lifecycle" --toggle-collect=cycle \
    "$build/bench/lifecycle" "$build/drivers/sample.so" "$cycles" 0 >/dev/null 2>&1

printf "%-28s %10s %10s %14s %10s\n" "instructions per" "total" "driver" "openndis+libc" "harness"
# datapath: measured frames plus the 10% warm-up run through the same function
split "$out/datapath" "$(( frames + frames / 10 ))" "frame (64 B, chains of 32)"
split "$out/datapath-tracked" "$(( frames + frames / 10 ))" "  same, NBLs not recycled"
# lifecycle: the re-entered cycles, the warm-up cycle, the reloaded ones (a tenth), and the
# one warm-up cycle of the (here empty) memory-growth run
split "$out/lifecycle" "$(( cycles + 2 + cycles / 10 ))" "lifecycle cycle"
