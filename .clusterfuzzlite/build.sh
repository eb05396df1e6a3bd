#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script: builds every libFuzzer target of fuzz/ with the
# compiler, flags and engine the infrastructure gives ($CC, $CFLAGS, $LIB_FUZZING_ENGINE) and
# puts into $OUT each fuzzer, its dictionary, its seed corpus and the sample driver the
# fuzzers load. quickstart.sh's fuzz stage builds through this script too.
#   SRC=... OUT=... CC=clang CFLAGS=... LIB_FUZZING_ENGINE=-fsanitize=fuzzer .clusterfuzzlite/build.sh
here=$(cd "$(dirname "$0")/.." && pwd)
src=${OPENNDIS_SRC:-$here}
build=${OPENNDIS_FUZZ_BUILD:-${WORK:-$src/build-fuzz}}
targets="characteristics config oid send pe ioctl"
cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBUILD_TESTING=OFF -DOPENNDIS_FUZZ=ON -DOPENNDIS_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" >/dev/null
cmake --build "$build" -j"$(nproc)" --target $(printf 'fuzz_%s ' $targets) sample sample_pe
mkdir -p "$OUT"
cp "$build/drivers/sample.so" "$OUT/"
for t in $targets; do
    cp "$build/fuzz/fuzz_$t" "$OUT/"
    [ -f "$src/fuzz/$t.dict" ] && cp "$src/fuzz/$t.dict" "$OUT/fuzz_$t.dict"
    (cd "$src/fuzz/corpus/$t" && cmake -E tar cf "$OUT/fuzz_${t}_seed_corpus.zip" --format=zip -- *)
done
