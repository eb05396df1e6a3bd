#!/bin/sh
# fuzz_ioctl.sh OPENNDIS ROGUE_OOB.so SAMPLE.so ROGUE_SOURCE
# verify --fuzz-ioctl finds the out-of-bounds read of rogue_ioctl_oob_read (a request code only
# a hostile client sends) and names the rogue's line, with a reproducer that finds it again;
# the sample's control device survives the same fuzzing with no finding.
set -u
# in a sanitizer build the fault is OpenNDIS's to report (with the line), not ASan's
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
cli=$1 rogue=$2 sample=$3 source=$4
line=$(grep -n 'Buffer\[0\] = Buffer\[Index\]' "$source" | cut -d: -f1)
out=$("$cli" verify --fuzz-ioctl 1 --runs 20 --timeout 20 "$rogue" 2>&1)
rc=$?
echo "$out"
[ "$rc" = 1 ] || { echo "FAIL: verify --fuzz-ioctl exited $rc on the rogue, not 1"; exit 1; }
echo "$out" | grep -q "ioctl_oob_read.c:$line: error: .*\[ND1901 DriverCrashed\]" ||
    { echo "FAIL: the out-of-bounds read at ioctl_oob_read.c:$line was not reported"; exit 1; }
repro=$(echo "$out" | sed -n 's/.*reproduce with: openndis verify \(--fuzz-ioctl [0-9]* --runs 1\) .*/\1/p' | head -n 1)
[ -n "$repro" ] || { echo "FAIL: no reproducer"; exit 1; }
# shellcheck disable=SC2086 # the reproducer's options, split as printed
"$cli" verify $repro "$rogue" 2>&1 | grep -q "ioctl_oob_read.c:$line" ||
    { echo "FAIL: the reproducer ($repro) did not find it again"; exit 1; }
"$cli" verify --fuzz-ioctl 1 --runs 5 --timeout 60 "$sample" || { echo "FAIL: the sample did not survive the fuzzing"; exit 1; }
echo "PASS: found at line $line, reproduced with $repro; the sample is clean"
