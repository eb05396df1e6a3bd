#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS (default 10) over its corpus in fuzz/corpus/<name>,
# with fuzz/<name>.dict as its dictionary where there is one.
# New inputs go to a scratch directory, so the kept corpus only changes when you copy them in
# (add -merge=1 runs by hand). A crash or rule violation fails the run and names the input.
#   fuzz/run.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS]}
secs=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for target in characteristics config oid send pe ioctl; do
    bin="$build/fuzz/fuzz_$target"
    [ -x "$bin" ] || { echo "fuzz: $bin not built (configure with CC=clang -DOPENNDIS_FUZZ=ON)" >&2; exit 2; }
    mkdir -p "$scratch/$target"
    # the PE parser's seed is the repository's own sample built as a .sys (no binary is kept)
    [ "$target" = pe ] && [ -f "$build/drivers/sample_pe.sys" ] && cp "$build/drivers/sample_pe.sys" "$scratch/$target/"
    dict=()
    [ -f "$here/$target.dict" ] && dict=(-dict="$here/$target.dict")
    if "$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 -artifact_prefix="$scratch/$target-" "${dict[@]}" \
        "$scratch/$target" "$here/corpus/$target" >"$scratch/$target.log" 2>&1; then
        echo "fuzz: $target: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$scratch/$target.log" || true)" \
             "$(grep -E 'DONE' "$scratch/$target.log" | grep -o 'cov: [0-9]*' | tail -1)"
    else
        echo "fuzz: $target FAILED; its log:" >&2
        tail -40 "$scratch/$target.log" >&2
        mkdir -p "$build/fuzz-artifacts"
        cp "$scratch/$target"-* "$build/fuzz-artifacts/" 2>/dev/null || true
        echo "fuzz: crashing input kept in $build/fuzz-artifacts/" >&2
        status=1
    fi
done
exit $status
