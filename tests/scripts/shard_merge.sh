#!/bin/sh
# shard_merge.sh OPENNDIS SAMPLE.so ROGUE.so WORK_DIR
# verify --shard K/N splits a run over N processes (machines, CI jobs) and `report merge` joins
# their JSON reports into the report the unsharded run gives: compared field by field, leaving
# out only `address` (absolute code addresses of the injected faults' stacks, which differ
# from process to process with ASLR). The sweep of the sample (no findings), the sweep of a
# rogue whose finding only a failed call reaches, and a --random run; then shards that do not
# make one run are refused.
set -u
cli=$1 sample=$2 rogue=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
command -v jq >/dev/null || { echo "skipped: needs jq"; exit 77; }
norm='walk(if type=="object" then del(.address) else . end)'
fail() { echo "FAIL: $*"; exit 1; }
same() { # name, unsharded report, N, verify options...
    name=$1 full=$2 n=$3
    shift 3
    k=1
    while [ $k -le $n ]; do
        "$cli" verify --json --shard $k/$n "$@" >"$name-$k.json" 2>/dev/null
        [ $? -le 1 ] || fail "$name: shard $k/$n did not run"
        k=$((k + 1))
    done
    # shellcheck disable=SC2046
    "$cli" report merge --json --junit "$name.xml" --sarif "$name.sarif" $(ls "$name"-*.json) >"$name-merged.json" 2>/dev/null
    [ $? -le 1 ] || fail "$name: merge failed"
    jq -S "$norm" "$full" >"$name.a" && jq -S "$norm" "$name-merged.json" >"$name.b" || fail "$name: not JSON"
    diff "$name.a" "$name.b" >"$name.diff" || { head -20 "$name.diff"; fail "$name: merged report differs from the unsharded one"; }
    [ -s "$name.xml" ] && [ -s "$name.sarif" ] || fail "$name: merge wrote no JUnit or SARIF"
    echo "$name: $n shards merged = unsharded ($(jq '.step_count' "$full") steps, $(jq '.findings|length' "$full") findings)"
}
"$cli" verify --json "$sample" >sample.json 2>/dev/null
same sample sample.json 3 "$sample"
"$cli" verify --json "$rogue" >rogue.json 2>/dev/null
[ "$(jq '.findings|length' rogue.json)" -ge 1 ] || fail "the rogue's sweep found nothing to merge"
same rogue rogue.json 2 "$rogue"
"$cli" verify --json --random 5 --runs 6 "$rogue" >random.json 2>/dev/null
same random random.json 2 --random 5 --runs 6 "$rogue"
# shards that are not one run
"$cli" report merge sample-1.json sample-2.json >/dev/null 2>&1; [ $? = 2 ] || fail "a missing shard was not refused"
"$cli" report merge sample-1.json sample-1.json sample-2.json sample-3.json >/dev/null 2>&1; [ $? = 2 ] || fail "a repeated shard"
"$cli" report merge sample-1.json rogue-2.json sample-3.json >/dev/null 2>&1; [ $? = 2 ] || fail "another driver's shard"
"$cli" report merge sample.json >/dev/null 2>&1; [ $? = 2 ] || fail "an unsharded report"
"$cli" verify --shard 4/3 "$sample" >/dev/null 2>&1; [ $? = 2 ] || fail "--shard 4/3 was accepted"
"$cli" verify --shard 1/2 --no-sweep "$sample" >/dev/null 2>&1; [ $? = 2 ] || fail "--shard with --no-sweep was accepted"
echo "PASS"
