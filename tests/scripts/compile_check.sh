#!/bin/sh
# compile_check.sh CC INCLUDE_DIR EXPECT FILE [extra flags...]   (CC g++ or clang++: C++, -std in the flags)
# EXPECT "ok": FILE must compile cleanly with the flags drivers get from pkg-config.
# Anything else: FILE must fail to compile and the compiler's message must contain EXPECT.
set -u
cc=$1 inc=$2 expect=$3 file=$4
shift 4
std=-std=c11
case $cc in *++) std=;; esac # C++: the standard comes with the flags
out=$("$cc" $std -Wall -Wextra -Werror -fshort-wchar -Wno-unknown-pragmas -Wno-multichar \
      -I"$inc" -fsyntax-only "$file" "$@" 2>&1)
rc=$?
if [ "$expect" = ok ]; then
    [ $rc -eq 0 ] && exit 0
    printf '%s\n' "$out"
    echo "FAIL: $file should compile with $cc"
    exit 1
fi
if [ $rc -eq 0 ]; then
    echo "FAIL: $file compiled with $cc but must not"
    exit 1
fi
printf '%s\n' "$out" | grep -F -q -- "$expect" && { printf '%s\n' "$out" | grep -F -m1 -- "$expect"; exit 0; }
printf '%s\n' "$out"
echo "FAIL: $cc rejected $file, but its message does not name '$expect'"
exit 1
