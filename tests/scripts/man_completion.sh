#!/bin/bash
# man_completion.sh OPENNDIS MAN_DIR SOURCE_DIR
# The man pages say what --help says: every option a command's --help lists is in its page,
# and every page exists. The bash completion completes commands, each command's options and
# rule IDs; the zsh completion at least parses.
set -u
cli=$1 man=$2 src=$3
status=0
fail() { echo "FAIL: $*"; status=1; }
for cmd in openndis info run verify rules exports port devices ioctl report; do
    if [ "$cmd" = openndis ]; then page=$man/openndis.1; help=$("$cli" --help 2>&1)
    else page=$man/openndis-$cmd.1; help=$("$cli" "$cmd" --help 2>&1); fi
    [ -s "$page" ] || { fail "no man page $page"; continue; }
    for opt in $(echo "$help" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
        grep -qF -- "$(echo "$opt" | sed 's/-/\\-/g')" "$page" || fail "$page lacks $opt, which '$cmd --help' lists"
    done
done
if command -v man >/dev/null; then
    man -l "$man/openndis-verify.1" 2>/dev/null | grep -q -- '--fuzz-ioctl' || fail "man -l cannot render openndis-verify.1"
fi

# bash: complete like readline would, through the completion function
source "$src/completion/openndis.bash"
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _openndis
    echo "${COMPREPLY[*]}"
}
openndis() { "$cli" "$@"; }
[ "$(complete_words openndis ver)" = "verify version" ] || fail "commands: got '$(complete_words openndis ver)'"
echo " $(complete_words openndis verify --fuzz) " | grep -q -- " --fuzz-ioctl " || fail "verify's options"
echo " $(complete_words openndis run --con) " | grep -q -- " --control --config " ||
    echo " $(complete_words openndis run --con) " | grep -q -- " --config --control " || fail "run's options: $(complete_words openndis run --con)"
echo " $(complete_words openndis rules ND200) " | grep -q " ND2003 " || fail "rule IDs: $(complete_words openndis rules ND200)"
if command -v zsh >/dev/null; then
    zsh -n "$src/completion/_openndis" || fail "the zsh completion does not parse"
fi
[ $status = 0 ] && echo "PASS: man pages match --help; completion completes commands, options and rule IDs"
exit $status
