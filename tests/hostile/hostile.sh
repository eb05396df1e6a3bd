#!/bin/bash
# hostile.sh CASE OPENNDIS HOSTILE_DIR ROGUE_DIR SAMPLE: one hostile case against openndis's
# supervision of the driver's process. Every process openndis starts carries a marker in its
# environment, so that anything left running afterwards is found (and then killed).
set -u
case_name=$1 cli=$2 dir=$3 rogue=$4 sample=${5:-}
export OPENNDIS_HOSTILE_MARK="hostile-$case_name-$$"
out=$(mktemp) err=$(mktemp)
trap 'leftovers kill; rm -f "$out" "$err"' EXIT

# leftovers [kill]: the pids still carrying the marker (other than this script)
leftovers() {
    local pids=() p
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [ "$p" = $$ ] && continue
        grep -qzx "OPENNDIS_HOSTILE_MARK=$OPENNDIS_HOSTILE_MARK" /proc/$p/environ 2>/dev/null && pids+=("$p")
    done
    if [ "${1:-}" = kill ]; then
        [ ${#pids[@]} -gt 0 ] && kill -KILL "${pids[@]}" 2>/dev/null
        return 0
    fi
    echo "${pids[@]}"
}
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$out"; echo "--- stderr"; head -c 4000 "$err"; exit 1; }
# expect CODE ARGS...: runs openndis ARGS, expects exit CODE and nothing left running
expect() {
    local want=$1; shift
    "$cli" "$@" >"$out" 2>"$err"
    local got=$?
    [ "$got" = "$want" ] || fail "openndis $*: exit $got, expected $want"
    sleep 0.3
    [ -z "$(leftovers)" ] || fail "openndis $*: processes left running: $(leftovers)"
}
# started ARGS...: openndis ARGS in the background, once its driver runs (2 processes or more).
# With SIGINT at its default, as from a terminal (a script's background job ignores it).
started() {
    env --default-signal=INT "$cli" "$@" >"$out" 2>"$err" &
    pid=$!
    for _ in $(seq 50); do
        set -- $(leftovers)
        [ $# -ge 2 ] && { sleep 0.3; return; }
        sleep 0.1
    done
    fail "openndis never started its driver's process"
}
# ended CODE SECONDS: the background openndis exits with CODE within SECONDS, nothing left
ended() {
    local want=$1 limit=$2 t=0
    while kill -0 "$pid" 2>/dev/null && [ $t -lt $((limit * 10)) ]; do sleep 0.1; t=$((t + 1)); done
    kill -0 "$pid" 2>/dev/null && fail "openndis still running after ${limit} s"
    wait "$pid"
    local got=$?
    [ "$want" = any ] || [ "$got" = "$want" ] || fail "exit $got, expected $want"
    sleep 0.3
    [ -z "$(leftovers)" ] || fail "processes left running: $(leftovers)"
}
has() { grep -q -- "$1" "$out" || fail "the report does not say '$1'"; }
hasnt() { ! grep -q -- "$1" "$out" "$err" || fail "the output says '$1'"; }

case $case_name in
ctor_verify) # #4: a constructor's crash, hang or exit is reported, as info and run do
    # a crash or an exit is reported when it happens: their generous limit only keeps a slow
    # (sanitized, loaded) machine from calling a slow load a hang
    for c in segv abort; do
        expect 3 verify --no-sweep --timeout 10 "$dir/hostile_ctor_$c.so"
        has "crashed during load"
    done
    expect 3 verify --no-sweep --timeout 2 "$dir/hostile_ctor_loop.so"
    has "did not finish load"
    expect 3 verify --no-sweep --timeout 10 "$dir/hostile_ctor_exit0.so"
    has "exited with status 0 during load"
    expect 3 verify --json --no-sweep --timeout 10 "$dir/hostile_ctor_exit0.so"
    has '"verdict":"crash"'
    ;;
lost_run_messages) # each lost run says what happened and what to do
    expect 3 info "$dir/hostile_ctor_exit0.so"
    has "called exit()"
    hasnt "--verbose"
    expect 1 verify --no-sweep "$dir/hostile_exits.so"
    has "exited with status 3 in DriverEntry"
    hasnt "SIG?"
    expect 3 info --timeout 1 "$rogue/rogue_hang.so"
    has "HUNG"
    hasnt "CRASH: 0 violations"
    ;;
thread_after_unload) # #15: reported by its start routine, every run, not PASS or ND1901 by chance
    for i in 1 2 3 4 5 6 7 8; do
        expect 1 verify --no-sweep "$rogue/rogue_thread_after_unload.so"
        has "ND1903"
        has "started in RogueWorker"
        hasnt "ND1901"
    done
    expect 1 info "$rogue/rogue_thread_after_unload.so"
    has "thread_after_unload.c:13: error: MiniportDriverUnload: a thread started in RogueWorker"
    ;;
fork_info) # #6: the job ends with the driver's process, not with the pipe
    SECONDS=0
    expect 0 info --timeout 5 "$dir/hostile_forks.so"
    [ $SECONDS -lt 4 ] || fail "took $SECONDS s"
    has "PASS"
    ;;
fork_verify)
    expect 0 verify --no-sweep --timeout 3 "$dir/hostile_forks.so"
    hasnt ND1902
    ;;
kill_parent) # #7: SIGKILL to openndis kills the driver's processes too
    started run --timeout 0 "$dir/hostile_blocks_signals.so"
    kill -KILL $pid
    ended any 3
    ;;
kill_parent_user) # #7: also after run --user dropped root (which clears PR_SET_PDEATHSIG)
    [ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
    started run --user nobody --timeout 0 --frames 10000000 --size 1514 "$sample" # seconds of traffic
    sleep 1 # past DriverEntry and initialize: the driver's process is nobody's now
    kill -KILL $pid
    ended any 3
    ;;
kill_parent_verify)
    started verify --jobs 4 --timeout 0 "$dir/hostile_blocks_signals.so"
    kill -KILL $pid
    ended any 3
    ;;
hup_parent) # #7: SIGHUP is a stop like SIGTERM
    started info --timeout 0 "$dir/hostile_blocks_signals.so"
    kill -HUP $pid
    ended 130 8
    has "INTERRUPTED"
    ;;
int_blocking_run) # #8: a driver blocking every signal is killed after the grace period
    started run --timeout 0 "$dir/hostile_blocks_signals.so"
    kill -INT $pid
    ended 130 8
    has "INTERRUPTED"
    ;;
int_blocking_verify)
    started verify --timeout 0 "$dir/hostile_blocks_signals.so"
    kill -INT $pid
    ended 130 12
    has "INTERRUPTED"
    ;;
int_ignored_info) # #8: started with SIGINT ignored (a background job), Ctrl-C still stops
    (trap '' INT; exec "$cli" info --timeout 20 "$rogue/rogue_hang.so") >"$out" 2>"$err" &
    pid=$!
    sleep 1
    kill -INT $pid
    ended 130 6
    ;;
int_info_run) # #10: Ctrl-C or SIGTERM is INTERRUPTED (130), not a crash of the driver
    started info --timeout 20 "$rogue/rogue_hang.so"
    kill -INT $pid
    ended 130 6
    has "INTERRUPTED"
    hasnt "crashed"
    started run --timeout 20 "$rogue/rogue_hang.so"
    kill -TERM $pid
    ended 130 6
    has "INTERRUPTED"
    started run --json --timeout 20 "$rogue/rogue_hang.so"
    kill -INT $pid
    ended 130 6
    has '"verdict":"interrupted"'
    ;;
*) echo "unknown case $case_name"; exit 2 ;;
esac
echo "PASS: $case_name"
