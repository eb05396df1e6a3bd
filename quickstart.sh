#!/usr/bin/env bash
# OpenNDIS quick start for a fresh Debian 12 machine (run as root, or with the packages
# below already installed):
#   ./quickstart.sh sample   install what is missing, build, run the sample driver's whole
#                            life: adapters, traffic through its hub, pause, halt, unload
#   ./quickstart.sh test     install what is missing, build, run every test, then again
#                            under AddressSanitizer + UndefinedBehaviorSanitizer, and the
#                            concurrency tests under ThreadSanitizer, and the fuzzers briefly
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake pkg-config clang lld llvm libclang-dev diffutils libcmocka-dev libjson-c-dev libdw-dev libelf-dev libpcap-dev libxml2-dev libfuse3-dev fuse3 iproute2 iputils-ping tcpdump jq help2man)
JOBS=$(nproc 2>/dev/null || echo 2)

ensure_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "quickstart: these Debian packages are missing: ${missing[*]}" >&2
        echo "quickstart: run as root, or: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
    echo "quickstart: installing ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
    local dir=$1
    shift
    cmake -S . -B "$dir" -DBUILD_TESTING=ON "$@" >/dev/null
    cmake --build "$dir" -j"$JOBS"
}

run_tests() {
    local dir=$1
    shift
    (cd "$dir" && ctest --output-on-failure -j"$JOBS" --timeout 300 "$@")
}

case "${1:-}" in
sample)
    ensure_packages
    build build
    echo
    exec build/openndis run build/drivers/sample.so
    ;;
test)
    ensure_packages
    build build
    run_tests build
    echo "quickstart: again under AddressSanitizer + UndefinedBehaviorSanitizer"
    build build-asan -DOPENNDIS_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=Debug
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 run_tests build-asan -LE static
    echo "quickstart: the concurrency tests under ThreadSanitizer"
    cmake -S . -B build-tsan -DBUILD_TESTING=ON -DOPENNDIS_SANITIZE=thread -DCMAKE_BUILD_TYPE=Debug >/dev/null
    cmake --build build-tsan -j"$JOBS" --target test_concurrency test_processors test_kernel_services test_adapter_rules test_kernel_compat test_irp test_control \
        test_wsk sample
    (cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -L concurrency)
    echo "quickstart: short libFuzzer runs (clang, ASan+UBSan) over fuzz/corpus"
    # through the OSS-Fuzz/ClusterFuzzLite build script, as that infrastructure would build them
    OUT=$PWD/build-fuzz/out OPENNDIS_FUZZ_BUILD=$PWD/build-fuzz CC=clang LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
        CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
        bash .clusterfuzzlite/build.sh
    fuzz/run.sh build-fuzz "${OPENNDIS_FUZZ_SECONDS:-5}"
    for t in characteristics config oid send pe ioctl; do # from $OUT, with the sample copied beside
        rm -rf build-fuzz/out-corpus && mkdir -p build-fuzz/out-corpus # new inputs go here, not to fuzz/corpus
        build-fuzz/out/fuzz_$t -runs=50 build-fuzz/out-corpus "fuzz/corpus/$t" >/dev/null 2>&1 ||
            { echo "quickstart: fuzz_$t does not run from its \$OUT" >&2; exit 1; }
    done
    echo "quickstart: all tests passed"
    ;;
*)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
