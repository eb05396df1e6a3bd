#!/bin/sh
# config.sh CASE OPENNDIS SAMPLE WORKDIR
# One hostile-input case about the parameter file and the INF (--config, --inf): issue 15
# item 9, item 21 and its unclear messages (tests/hostile/config.cmake). Every refusal is
# exit 2 before the driver runs, with a message naming the file (and line); nothing hangs.
set -u
case_name=$1 OPENNDIS=$2 SAMPLE=$3 WORK=$4
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1

fail() { echo "FAIL [$case_name]: $*" >&2; exit 1; }

# expect CODE CMD...: runs CMD (at most 60 s) with stdout in out.txt and stderr in err.txt.
expect() {
    want=$1; shift
    timeout 60 "$@" >out.txt 2>err.txt
    got=$?
    [ "$got" = "$want" ] || { cat out.txt err.txt >&2; fail "exit $got, expected $want: $*"; }
}
# has FILE TEXT: the file contains the text.
has() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$1 lacks '$2'"; }; }
# refused OPTION FILE TEXT: run refuses the file before the driver starts, saying TEXT.
refused() {
    expect 2 "$OPENNDIS" run --frames 10 "$1" "$2" "$SAMPLE"
    has err.txt "openndis run: $1 $3"
    grep -q "DriverEntry" out.txt err.txt && fail "the driver ran before $1 $2 was refused"
    return 0
}

case $case_name in
not_regular)
    # items 9 and 21: a FIFO or device would hang the reader, a directory read as empty.
    mkfifo fifo || fail "mkfifo"
    mkdir dir
    for opt in --config --inf; do
        refused $opt fifo "fifo is a FIFO, not a regular file"
        refused $opt /dev/zero "/dev/zero is a character device, not a regular file"
        refused $opt dir "dir is a directory, not a regular file"
        refused $opt missing.ini "missing.ini: cannot open the"
    done
    ;;
many_keys)
    # item 9: 200,000 keys load in linear time. The old list took 3.5 s for 40,000 keys and
    # grew quadratically (about 90 s here); now well under a second, 60 s is the bound.
    awk 'BEGIN { print "[adapter]"; for (i = 0; i < 200000; i++) printf "Key%d = %d\n", i, i }' >many.ini
    expect 0 "$OPENNDIS" run --frames 10 --config many.ini "$SAMPLE"
    # the key limit is documented and enforced with the line
    awk 'BEGIN { print "[adapter]"; for (i = 0; i <= 1000000; i++) printf "K%d=\n", i }' >too_many.ini
    refused --config too_many.ini "too_many.ini:1000002: more than 1000000 keys"
    ;;
long_value)
    # unclear message: a 10 MB value was "line 3: not a valid parameter line".
    { printf '[adapter]\nBig = '; head -c 10485760 /dev/zero | tr '\0' x; printf '\n'; } >big.ini
    refused --config big.ini "big.ini:2: the value of Big is 10485760 bytes long; a value holds at most 4095 bytes"
    { printf '[adapter]\n'; head -c 200 /dev/zero | tr '\0' k; printf ' = 1\n'; } >key.ini
    refused --config key.ini "key.ini:2: the key is 200 bytes long; a key holds at most 127 bytes"
    { printf 'HKR, Ndi\\params\\Big, default, 0, "'; head -c 5000 /dev/zero | tr '\0' x; printf '"\n'; } >big.inf
    refused --inf big.inf "big.inf:1: the default value of Ndi\\params\\Big is 5000 bytes long; it holds at most 4095"
    head -c 17000000 /dev/zero | tr '\0' ';' >huge.ini
    refused --config huge.ini "huge.ini is larger than 16777216 bytes"
    # a value at the limit is read whole
    { printf '[adapter]\nBig = '; head -c 4095 /dev/zero | tr '\0' x; printf '\n'; } >max.ini
    expect 0 "$OPENNDIS" run --frames 10 --config max.ini "$SAMPLE"
    ;;
diagnostics)
    # unclear messages: unknown sections, duplicate keys and quoted values were ignored.
    printf '[driver]\nA = 1\n[adpater]\nB = 2\n' >section.ini
    refused --config section.ini "section.ini:3: unknown section [adpater]"
    printf '[adapter]\nSpeed = 1\n[driver]\nSpeed = 1\n[adapter]\nspeed = 2\n' >dup.ini
    refused --config dup.ini "dup.ini:6: speed is set twice in [adapter] (first on line 2)"
    printf '[adapter.1]\nA = 1\n[adapter.01]\nA = 2\n' >dup1.ini
    refused --config dup1.ini "dup1.ini:4: A is set twice in [adapter.1] (first on line 2)"
    printf '[adapter]\nName = "two words"\n' >quoted.ini
    refused --config quoted.ini "quoted.ini:2: the value of Name is in quotes"
    printf 'A = 1\n' >nosection.ini
    refused --config nosection.ini "nosection.ini:1: a key before any section"
    printf '[adapter]\n\nA 1\n' >noeq.ini
    refused --config noeq.ini "noeq.ini:3: not a valid parameter line"
    printf '[adapter\n' >bracket.ini
    refused --config bracket.ini "bracket.ini:1: a section line is [name] alone"
    printf '[adapter]\nA = 1\nB\0 = 2\n' >nul.ini
    refused --config nul.ini "nul.ini: contains a NUL byte"
    # what stays valid: a BOM, CRLF, comments (whole-line and inline), empty values, ':'
    printf '\357\273\277; parameters\r\n[driver]   ; the driver key\r\n# note\r\nA = 1 ; one\r\nB =\r\nC: x;y\r\n[adapter.1]\r\nA = 2\r\n' >good.ini
    expect 0 "$OPENNDIS" run --frames 10 --config good.ini "$SAMPLE"
    ;;
trace_env)
    # unclear message: OPENNDIS_TRACE=bogus was ignored unless the driver traced.
    for cmd in info run verify; do
        OPENNDIS_TRACE=bogus expect 2 "$OPENNDIS" $cmd "$SAMPLE"
        has err.txt "openndis $cmd: OPENNDIS_TRACE=bogus is not a trace level: set it to off"
    done
    OPENNDIS_TRACE=warning expect 0 "$OPENNDIS" info "$SAMPLE"
    OPENNDIS_TRACE= expect 0 "$OPENNDIS" info "$SAMPLE" # empty is unset
    ;;
service_name)
    # unclear message: a non-ASCII file name became the service name "sp__ ce_____".
    cp "$SAMPLE" "spä ce_😀.so" && cp "$SAMPLE" "$(printf 'ctl\tx\351.so')"
    expect 0 "$OPENNDIS" info "spä ce_😀.so"
    has out.txt "service         spä ce_😀 (\\Registry\\Machine\\System\\CurrentControlSet\\Services\\spä ce_😀)"
    has err.txt "DriverEntry for \\Registry\\Machine\\System\\CurrentControlSet\\Services\\spä ce_😀"
    # a control character or a byte that is not UTF-8 has no faithful form: '_'
    expect 0 "$OPENNDIS" info "$(printf 'ctl\tx\351.so')"
    has out.txt "service         ctl_x_ ("
    ;;
*)
    fail "unknown case"
    ;;
esac
exit 0
