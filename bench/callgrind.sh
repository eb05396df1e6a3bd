#!/usr/bin/env bash
# Instruction counts, the figure that stays put on a noisy machine: runs the data path (64-byte
# frames in chains of 32) and the re-entered lifecycle under valgrind's callgrind, counting
# only inside the measured function, and splits the instructions by whose work they were
# (the C library's instructions go to the object that called it).
#   bench/callgrind.sh BUILD_DIR [frames, default 200000] [cycles, default 2000]
# "driver" is the sample's own code and the C library work it asked for (its copies);
# "openndis" is libopenndis and the C library work it asked for (copies, memset, malloc);
# "harness" is the benchmark's own loop.
set -euo pipefail
build=${1:?usage: bench/callgrind.sh BUILD_DIR [frames] [cycles]}
frames=${2:-200000}
cycles=${3:-2000}
command -v valgrind >/dev/null || { echo "bench/callgrind.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# split FILE UNITS LABEL: instructions per unit by whose work they were. Each object's own
# instructions count for it; the C library's (memcpy, memset, pthread) count for whoever
# called it — the inclusive cost of every call from a non-library function into libc or the
# loader goes to the caller's object. So the driver's own memcpy is the driver's, and the
# locks OpenNDIS takes are OpenNDIS's. The start-up frames that enclose the whole run
# (__libc_start_main) are not work done by anyone and are skipped.
split() {
    awk -v units="$2" -v label="$3" '
        # The benchmarks link the runtime in: in their object, OpenNDIS is what comes from src/.
        function kind(o, f) {
            if (o ~ /libopenndis/) return "openndis"
            if (o ~ /sample\.so/) return "driver"
            if (o ~ /\/bench\//) return f ~ /\/src\// ? "openndis" : "harness"
            return "libc"
        }
        # callgrind compresses names: "(id) name" the first time, "(id)" after
        function name(k, s,    id, rest) {
            if (match(s, /^\([0-9]+\)/)) {
                id = substr(s, 2, RLENGTH - 2); rest = substr(s, RLENGTH + 1); sub(/^ /, "", rest)
                if (rest != "") names[k, id] = rest
                return names[k, id]
            }
            return s
        }
        /^ob=/   { ob = name("ob", substr($0, 4)); next }
        /^cob=/  { cob = name("ob", substr($0, 5)); next }
        # the file of the function (fl=) decides; code inlined from headers (fi=, fe=) counts for it
        /^fl=/   { fl = name("fl", substr($0, 4)); next }
        /^f[ie]=/ { name("fl", substr($0, 4)); next }
        /^cf[il]=/ { name("fl", substr($0, 5)); next }
        /^fn=/   { name("fn", substr($0, 4)); cob = ""; next }
        /^cfn=/  { cfn = name("fn", substr($0, 5)); next }
        /^calls=/ { incall = 1; next }
        /^[0-9+*-]/ {
            n = $NF
            if (incall) { # the next cost line is the call'"'"'s inclusive cost
                callee = cob != "" ? cob : ob
                if (kind(ob, fl) != "libc" && kind(callee, "") == "libc" && cfn !~ /libc_start|below main/)
                    share[kind(ob, fl)] += n
                incall = 0; cob = ""
            } else if (kind(ob, fl) != "libc") {
                share[kind(ob, fl)] += n
            }
        }
        END {
            t = share["openndis"] + share["driver"] + share["harness"]
            printf "%-28s %10.1f %10.1f %10.1f %10.1f\n", label, t / units, share["driver"] / units,
                share["openndis"] / units, share["harness"] / units
        }' "$1"
}

valgrind --tool=callgrind --callgrind-out-file="$out/datapath" --toggle-collect=through_driver \
    "$build/bench/datapath" "$build/drivers/sample.so" "$frames" 64x32 recycle >/dev/null 2>&1
valgrind --tool=callgrind --callgrind-out-file="$out/datapath-tracked" --toggle-collect=through_driver \
    "$build/bench/datapath" "$build/drivers/sample.so" "$frames" 64x32 tracked >/dev/null 2>&1
valgrind --tool=callgrind --callgrind-out-file="$out/lifecycle" --toggle-collect=cycle \
    "$build/bench/lifecycle" "$build/drivers/sample.so" "$cycles" 0 >/dev/null 2>&1

printf "%-28s %10s %10s %10s %10s\n" "instructions per" "total" "driver" "openndis" "harness"
# datapath: measured frames plus the 10% warm-up run through the same function
split "$out/datapath" "$(( frames + frames / 10 ))" "frame (64 B, chains of 32)"
split "$out/datapath-tracked" "$(( frames + frames / 10 ))" "  same, NBLs not recycled"
# lifecycle: the re-entered cycles, the warm-up cycle, the reloaded ones (a tenth), and the
# one warm-up cycle of the (here empty) memory-growth run
split "$out/lifecycle" "$(( cycles + 2 + cycles / 10 ))" "lifecycle cycle"
