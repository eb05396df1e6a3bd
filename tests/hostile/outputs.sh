#!/bin/sh
# outputs.sh CASE OPENNDIS SAMPLE PRINTF_DRIVER ROGUE_DIR CLI_MD WORKDIR JSON_CHECK
# One hostile-input case about reports, options and verdicts (tests/hostile/outputs.cmake).
# Prints what went wrong and exits 1 on the first failed expectation.
set -u
case_name=$1 OPENNDIS=$2 SAMPLE=$3 PRINTF_DRIVER=$4 ROGUE=$5 CLI_MD=$6 WORK=$7 JSON_CHECK=$8
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1

fail() { echo "FAIL [$case_name]: $*" >&2; exit 1; }

# expect CODE CMD...: runs CMD with stdout in out.txt and stderr in err.txt, checks the code.
expect() {
    want=$1; shift
    "$@" >out.txt 2>err.txt
    got=$?
    [ "$got" = "$want" ] || { cat out.txt err.txt >&2; fail "exit $got, expected $want: $*"; }
}
# has FILE TEXT: the file contains the text.
has() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$1 lacks '$2'"; }; }
# json FILE: the file is one JSON value.
json() { "$JSON_CHECK" "$1" || { cat "$1" >&2; fail "$1 is not JSON"; }; }

case $case_name in
report_not_input)
    # item 1: no report may replace an input, by any name; refused before anything runs.
    cp "$SAMPLE" d.so && chmod 0444 d.so && ln -s d.so link.so && ln d.so hard.so
    sum=$(md5sum <d.so)
    printf '[adapter]\nX=1\n' >p.ini
    for o in --junit --sarif; do
        for target in d.so ./d.so link.so hard.so; do
            expect 2 "$OPENNDIS" verify --no-sweep "$o" "$target" d.so
            has err.txt "that is the input file"
            [ "$(md5sum <d.so)" = "$sum" ] || fail "$o $target changed the driver"
        done
    done
    for target in d.so link.so hard.so; do
        expect 2 "$OPENNDIS" run --pcap "$target" ./d.so
        has err.txt "that is the input file"
        [ "$(md5sum <d.so)" = "$sum" ] || fail "--pcap $target changed the driver"
    done
    cp p.ini keep.ini
    expect 2 "$OPENNDIS" run --config p.ini --pcap p.ini d.so
    cmp -s p.ini keep.ini || fail "--pcap over --config changed it"
    # A good report replaces a file atomically and keeps its mode; no temporary file is left.
    echo old >j.xml && chmod 0640 j.xml
    expect 0 "$OPENNDIS" verify --no-sweep --junit j.xml --sarif s.sarif d.so
    has j.xml "<testsuite" && json s.sarif
    [ "$(stat -c %a j.xml)" = 640 ] || fail "j.xml lost its mode: $(stat -c %a j.xml)"
    expect 0 "$OPENNDIS" run --frames 10 --pcap c.pcap d.so
    [ -s c.pcap ] || fail "no capture written"
    [ -z "$(ls -A | grep '^\.')" ] || fail "temporary files left: $(ls -A)"
    ;;
report_unwritable)
    # item 12: a report that cannot be written is an error, with a message, never exit 0.
    for args in "--junit /proc/x.xml" "--sarif /nonexistent/dir/a.sarif" "--junit /dev/full" "--sarif /tmp"; do
        # shellcheck disable=SC2086
        expect 2 "$OPENNDIS" verify --no-sweep $args "$SAMPLE"
        has err.txt "openndis verify: --"
        grep -q "I/O error" err.txt && fail "raw libxml2 message for $args"
    done
    expect 2 "$OPENNDIS" run --pcap /nonexistent/dir/c.pcap "$SAMPLE"
    has err.txt "cannot create a file in /nonexistent/dir"
    grep -q "INVALID_STATE" out.txt err.txt && fail "a bad --pcap path looks like a driver failure"
    # a write that fails after the run (here: past RLIMIT_FSIZE) exits 4 and keeps the old file
    for o in --junit --sarif; do
        echo old >report
        # (stderr through a pipe: the limit applies to every regular file the process writes)
        { sh -c "trap '' XFSZ; ulimit -f 0; exec \"$OPENNDIS\" verify --no-sweep $o report \"$SAMPLE\"" \
            2>&1 >/dev/null; echo "exit=$?"; } | cat >err.txt
        code=$(sed -n 's/^exit=//p' err.txt)
        [ "$code" = 4 ] || fail "verify $o past the file size limit: exit $code, expected 4"
        has err.txt "cannot write the report"
        [ "$(cat report)" = old ] || fail "$o: a failed write replaced the old report"
    done
    echo old >c.pcap
    { sh -c "trap '' XFSZ; ulimit -f 8; exec \"$OPENNDIS\" run --frames 100 --pcap c.pcap \"$SAMPLE\"" \
        2>&1 >/dev/null; echo "exit=$?"; } | cat >err.txt
    code=$(sed -n 's/^exit=//p' err.txt)
    [ "$code" = 4 ] || fail "run --pcap past the file size limit: exit $code, expected 4"
    has err.txt "captured frames could be written"
    [ "$(cat c.pcap)" = old ] || fail "--pcap: a cut-short capture replaced the old file"
    for cmd in "info" "run --frames 10" "verify --no-sweep" "info --json" "verify --no-sweep --json"; do
        # shellcheck disable=SC2086
        "$OPENNDIS" $cmd "$SAMPLE" >/dev/full 2>err.txt
        code=$?
        [ "$code" = 4 ] || fail "$cmd >/dev/full: exit $code, expected 4"
        has err.txt "cannot write the report to standard output"
    done
    ;;
report_targets)
    # --junit and --sarif may not name one file under two spellings, existing or not; a
    # short --timeout is a normal request for a run with little traffic.
    for pair in "r.xml ./r.xml" "./sub/../r.xml r.xml"; do
        mkdir -p sub
        set -- $pair
        expect 2 "$OPENNDIS" verify --no-sweep --junit "$1" --sarif "$2" "$SAMPLE"
        has err.txt "name the same file"
        [ ! -e r.xml ] || fail "a refused report was written"
    done
    expect 0 "$OPENNDIS" run --timeout 3 "$SAMPLE"
    ;;
driver_stdout)
    # item 14: the driver's printf reaches stderr, never the report's stream, and is not lost.
    for cmd in "info" "info --json" "run --frames 10 --json" "verify --no-sweep --json"; do
        # shellcheck disable=SC2086
        "$OPENNDIS" $cmd "$PRINTF_DRIVER" >out.txt 2>err.txt
        grep -q printf-driver-says-hello out.txt && fail "$cmd: the driver's output is in the report"
        has err.txt printf-driver-says-hello
        case $cmd in *--json*) json out.txt ;; esac
    done
    expect 0 "$OPENNDIS" info --no-fork "$PRINTF_DRIVER"
    grep -q printf-driver-says-hello out.txt && fail "--no-fork: the driver's output is in the report"
    has err.txt printf-driver-says-hello
    # fault steps are silent: --max-steps 3 says no more than the clean run alone
    "$OPENNDIS" verify --no-sweep "$PRINTF_DRIVER" >/dev/null 2>clean.txt
    "$OPENNDIS" verify --max-steps 3 "$PRINTF_DRIVER" >/dev/null 2>sweep.txt
    a=$(grep -c printf-driver-says-hello clean.txt) b=$(grep -c printf-driver-says-hello sweep.txt)
    [ "$a" -ge 1 ] && [ "$a" = "$b" ] || fail "clean run printed $a lines, the sweep $b"
    ;;
verify_options)
    # item 16: options that contradict each other or mean nothing are refused.
    while read -r args; do
        # shellcheck disable=SC2086
        expect 2 "$OPENNDIS" verify $args "$SAMPLE"
        [ -s err.txt ] || fail "no message for $args"
        [ -s out.txt ] && fail "verify $args ran: $(cat out.txt)"
    done <<'EOF'
--unique-stacks --random 1
--no-sweep --unique-stacks
--fail-call 3 --random 1
--fail-call 3 --no-sweep
--runs 3
--rate 0.5
--no-sweep --max-steps 3
--time-scale nan
--time-scale inf
--rate nan
--random 1 --rate inf
EOF
    ;;
partial_sweep)
    # item 17: a partial sweep says so; a call that is never reached is not a pass.
    expect 0 "$OPENNDIS" verify --max-steps 3 "$SAMPLE"
    has out.txt "PASS (partial: 3 of"
    has out.txt "--max-steps 3 ended the sweep"
    expect 0 "$OPENNDIS" verify --max-steps 3 --json "$SAMPLE"
    json out.txt
    has out.txt '"complete":false'
    has out.txt '"failed_calls":3'
    grep -q '"not_covered":".*--max-steps 3 ended the sweep' out.txt || fail "coverage.not_covered in JSON"
    expect 2 "$OPENNDIS" verify --fail-call 99999 "$SAMPLE"
    has out.txt "NOT TESTED"
    has err.txt "never reached"
    expect 2 "$OPENNDIS" verify --fail-call 99999 --json "$SAMPLE"
    json out.txt
    grep -q '"verdict":"error"' out.txt || fail "--fail-call 99999 --json: verdict is not error"
    expect 0 "$OPENNDIS" verify --no-sweep "$SAMPLE"
    has out.txt "clean run only"
    ;;
frames_bound)
    # item 11: a traffic size OpenNDIS cannot send in time is refused, not blamed on the driver.
    for n in 4294967296 18446744073709551615 10000001; do
        expect 2 "$OPENNDIS" run --frames $n "$SAMPLE"
        has err.txt "--frames takes 0-10000000"
    done
    expect 2 "$OPENNDIS" run --frames 10000000 --adapters 16 --timeout 5 "$SAMPLE"
    has err.txt "too short"
    ;;
verify_json_load_error)
    # item 20: verify --json answers a file that is not a driver in JSON, as info and run do.
    echo "not a driver" >bad.so
    for cmd in info run verify; do
        expect 2 "$OPENNDIS" $cmd --json bad.so
        json out.txt
        grep -q '"verdict":"error"' out.txt || fail "$cmd --json: no error verdict"
    done
    ;;
messages)
    # the unclear messages of issue 15 that belong to the report writers and verdicts
    expect 0 "$OPENNDIS" run --help
    grep -q '%%d' out.txt && fail "run --help prints a literal %%d"
    has out.txt "ndis%d"
    expect 1 "$OPENNDIS" info --fail-call 1 "$SAMPLE"
    has out.txt "verdict         FAIL: DriverEntry returned NDIS_STATUS_RESOURCES"
    # an interrupted verify (SIGTERM during a clean run that never ends): the text, the JUnit
    # and the SARIF say so
    timeout 60 "$OPENNDIS" verify --timeout 0 --junit j.xml --sarif s.sarif "$ROGUE/rogue_hang.so" >out.txt 2>err.txt &
    pid=$!
    sleep 0.5
    kill -TERM $pid
    wait $pid
    code=$?
    [ "$code" = 130 ] || fail "interrupted verify: exit $code, expected 130"
    grep -q "(1 clean run" out.txt && fail "interrupted verify claims a clean run: $(cat out.txt)"
    has out.txt "none ended: interrupted during the clean run"
    has j.xml 'name="interrupted"'
    has s.sarif '"executionSuccessful":false'
    ;;
exit_code_table)
    # docs/cli.md, "Exit codes": every row `command` | situation | code is run and must
    # exit with its code. $SAMPLE, $ROGUE and $NOT_A_DRIVER name the test's files.
    echo "not a driver" >not_a_driver.so
    NOT_A_DRIVER=$WORK/not_a_driver.so
    rows=$(awk '/^## Exit codes/{on=1; next} /^## /{on=0} on && /^\| *`openndis /' "$CLI_MD")
    [ -n "$rows" ] || fail "no rows under '## Exit codes' in $CLI_MD"
    n=0
    echo "$rows" | while IFS='|' read -r _ cmd situation code _; do
        cmd=$(echo "$cmd" | sed 's/^ *`//; s/` *$//; s/^openndis //')
        code=$(echo "$code" | tr -d ' ')
        line=$(echo "$cmd" | sed "s|\$SAMPLE|$SAMPLE|g; s|\$ROGUE|$ROGUE|g; s|\$NOT_A_DRIVER|$NOT_A_DRIVER|g")
        sh -c "\"$OPENNDIS\" $line" >/dev/null 2>err.txt </dev/null
        got=$?
        [ "$got" = "$code" ] || { cat err.txt >&2; fail "docs/cli.md says '$cmd' ($situation) exits $code; it exits $got"; }
        n=$((n + 1))
    done || exit 1
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok [$case_name]"
