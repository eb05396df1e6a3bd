#!/bin/sh
# device_files_ping.sh OPENNDIS SAMPLE.so BRIDGE WORKDIR
# The driver's devices as plain files: `openndis run --edge tap --device-files DIR` mounts one
# file per symbolic link the sample made, and examples/bridge, given DIR/OpenNdisSample, uses
# nothing but open, ioctl (openndis/device_file.h), read and write on it. Ping crosses both
# ways as in control_ping, each reply within 500 ms; the bridge's SIGTERM interrupts its blocked read (the pended IRP
# is cancelled) so it ends at once; SIGTERM ends the run with PASS and the mount gone. A
# directory that is not empty, or not a directory, is refused before the driver runs.
# Needs root, /dev/net/tun and /dev/fuse; exits 77 (skipped) without them.
set -u
cli=$1 driver=$2 bridge=$3 work=$4
[ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && [ -c /dev/fuse ] && command -v ip >/dev/null &&
    command -v ping >/dev/null || {
    echo "skipped: needs root, /dev/net/tun, /dev/fuse, ip and ping"
    exit 77
}
tag=$$
ns1=ondf${tag}a ns2=ondf${tag}b
if0=of${tag}x0 ifb=of${tag}b
dir=$work/devices
rm -rf "$work" && mkdir -p "$dir"
pid= bpid=
cleanup() {
    [ -n "$bpid" ] && kill -KILL "$bpid" 2>/dev/null
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    umount -l "$dir" 2>/dev/null
    ip netns del "$ns1" 2>/dev/null
    ip netns del "$ns2" 2>/dev/null
    ip link del "$if0" 2>/dev/null
    ip link del "$ifb" 2>/dev/null
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$work/run.json" "$work/run.err" "$work/bridge.out" 2>/dev/null; exit 1; }

# refused before the driver runs: exit 2, the directory as it was
touch "$work/plain"
"$cli" run --device-files "$work/plain" "$driver" >"$work/u1.out" 2>&1; rc1=$?
mkdir "$work/full" && touch "$work/full/keep"
"$cli" run --adapters 1 --frames 0 --device-files "$work/full" "$driver" >"$work/u2.out" 2>&1; rc2=$?
[ "$rc1" = 2 ] && grep -q 'not a directory' "$work/u1.out" || fail "a file as --device-files: exit $rc1"
[ "$rc2" = 2 ] && grep -q 'not an empty directory' "$work/u2.out" || fail "a non-empty --device-files: exit $rc2: $(cat "$work/u2.out")"
[ -e "$work/full/keep" ] || fail "the non-empty directory lost its file"

ip netns add "$ns1" && ip netns add "$ns2" || fail "cannot create network namespaces"
"$cli" run --edge tap --adapters 1 --tap-name "of${tag}x%d" --device-files "$dir" --duration 60 --json \
    "$driver" >"$work/run.json" 2>"$work/run.err" &
pid=$!
for _ in $(seq 100); do
    [ -e "$dir/OpenNdisSample" ] && break
    sleep 0.1
done
[ -e "$dir/OpenNdisSample" ] || fail "the sample's device file did not appear"
[ "$(ls "$dir")" = "OpenNdisSample" ] || fail "the directory lists more than the sample's one link: $(ls "$dir")"
"$bridge" "$dir/OpenNdisSample" "$ifb" --sample >"$work/bridge.out" 2>&1 &
bpid=$!
for _ in $(seq 100); do
    ip link show "$ifb" >/dev/null 2>&1 && break
    sleep 0.1
done
ip link show "$ifb" >/dev/null 2>&1 || fail "the bridge's TAP interface did not appear"
grep -q 'sample control interface 1.0' "$work/bridge.out" || fail "the ioctl IOCTL_SAMPLE_GET_VERSION did not answer 1.0"
ip link set "$if0" netns "$ns1" && ip link set "$ifb" netns "$ns2" || fail "cannot move the interfaces"
ip -n "$ns1" addr add 10.78.0.1/24 dev "$if0" && ip -n "$ns1" link set "$if0" up
ip -n "$ns2" addr add 10.78.0.2/24 dev "$ifb" && ip -n "$ns2" link set "$ifb" up
# each way, and promptly: a frame must not wait for the next one to come along
quick() { # the ping output: its slowest reply under 500 ms
    awk -F/ '/^rtt/ { exit !($6 < 500) }'
}
ip netns exec "$ns1" ping -c 3 -i 0.2 -W 2 10.78.0.2 >"$work/ping1" || { cat "$work/ping1"; fail "no ping from the adapter's side to the file's"; }
quick <"$work/ping1" || { cat "$work/ping1"; fail "replies from the file's side took 500 ms or more"; }
ip netns exec "$ns2" ping -c 3 -i 0.2 -W 2 10.78.0.1 >"$work/ping2" || { cat "$work/ping2"; fail "no ping from the file's side to the adapter's"; }
quick <"$work/ping2" || { cat "$work/ping2"; fail "replies to the file's side took 500 ms or more"; }

kill -TERM "$bpid"
for _ in $(seq 50); do
    kill -0 "$bpid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$bpid" 2>/dev/null && fail "the bridge's blocked read was not interrupted by its signal"
wait "$bpid"
bpid=
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "openndis run exited with $rc after SIGTERM"
grep -q '"verdict": *"pass"' "$work/run.json" || fail "verdict is not pass"
grep -q " $dir " /proc/mounts && fail "the mount is still there after the run"
echo "PASS: frames crossed the driver through its device file both ways"
