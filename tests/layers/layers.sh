#!/bin/sh
# The layer check: no #include and no call goes against the direction docs/architecture.md
# draws. Usage: layers.sh SOURCE_DIR [LIBOPENNDIS]. Prints every offence and exits 1 if
# there is one. With LIBOPENNDIS, also that the library drivers link needs no json-c.
#
#   tools/openndis  ->  edge  ->  ndis  ->  kernel  ->  verifier
#                      loader  ---------->  kernel
#                      devices (device models: only the host API of common/include/openndis/device.h)
# src/common holds header-only helpers below every layer (each may include it).
# src/client (libopenndis-client, linked into user programs) stands apart: it speaks the
# control socket's protocol (common/wire.h) and uses no layer of the runtime.
# A layer may use itself and the layers below it; ndis and loader are siblings (neither
# uses the other: the loader reports to the kernel, NDIS listens). Only tools/ knows JSON,
# the command line and the report formats.
set -u
root=${1:?usage: layers.sh SOURCE_DIR [LIBOPENNDIS]}
lib=${2:-}
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
cd "$root" || exit 2

# allowed LAYER: the layers LAYER may include or call (besides itself and include/)
allowed() {
    case $1 in
    verifier) echo "common" ;;
    kernel) echo "verifier common" ;;
    loader) echo "kernel verifier common" ;;
    ndis) echo "kernel verifier common" ;;
    edge) echo "ndis kernel verifier common" ;;
    devices) echo "common" ;;
    openndis) echo "edge ndis loader kernel verifier json common client devices" ;;
    client) echo "common" ;;
    openndis-port) echo "json common" ;;
    openndis-build) echo "common" ;;
    *) echo "" ;;
    esac
}
prefix_of() {
    case $1 in
    verifier) echo vf ;; kernel) echo ke ;; loader) echo ld ;; ndis) echo ndis ;; edge) echo edge ;; common) echo array ;; devices) echo devices ;;
    esac
}
layers="verifier kernel loader ndis edge common devices"

# The code of a C file without comments and with string literals emptied.
code_of() {
    awk '
    { line = $0; out = ""
      while (length(line) > 0) {
        if (incomment) { i = index(line, "*/"); if (!i) { line = ""; break } line = substr(line, i + 2); incomment = 0; continue }
        i = index(line, "/*"); j = index(line, "//")
        if (j && (!i || j < i)) { out = out substr(line, 1, j - 1); line = ""; break }
        if (i) { out = out substr(line, 1, i - 1); line = substr(line, i + 2); incomment = 1; continue }
        out = out line; line = ""
      }
      gsub(/"([^"\\]|\\.)*"/, "\"\"", out); print out }' "$1"
}

for file in $(find src tools -name '*.[ch]' | sort); do
    case $file in
    src/*) layer=$(echo "$file" | cut -d/ -f2) ;;
    tools/*) layer=$(echo "$file" | cut -d/ -f2) ;;
    esac
    ok=" $layer $(allowed "$layer") "
    dir=$(dirname "$file")
    # includes: ../LAYER/x.h and LAYER/x.h name a layer; <json-c/...> is JSON
    grep -n '^[[:space:]]*#[[:space:]]*include' "$file" | while IFS= read -r inc; do
        line=${inc%%:*}
        name=$(echo "$inc" | sed -n 's/.*#[[:space:]]*include[[:space:]]*[<"]\([^>"]*\)[>"].*/\1/p')
        target=
        case $name in
        json-c/*|json.h) target=json ;;
        *.gen.h) continue ;; # generated at build time from the layer's own files (ms_abi_thunks.gen.h)
        *) [ -e "include/$name" ] && continue ;; # the public driver headers: everyone's
        esac
        case $name in
        ../../src/*/*) target=$(echo "$name" | cut -d/ -f4) ;;
        ../../*) target=tools ;;
        ../*/*) target=$(echo "$name" | cut -d/ -f2) ;;
        */*) first=${name%%/*}; for l in $layers; do [ "$first" = "$l" ] && target=$l; done ;;
        esac
        # a quoted include in src/ must be its own directory's, a layer's or include/'s
        if [ -z "$target" ] && echo "$inc" | grep -q '"' && [ "${file#src/}" != "$file" ] &&
           [ ! -e "$dir/$name" ] && [ ! -e "include/$name" ]; then
            target=tools
        fi
        [ -n "$target" ] || continue
        case $ok in
        *" $target "*) ;;
        *) echo "layers: $file:$line: $layer includes $name ($target), against the layers' direction" ;;
        esac
    done
    # calls and types: another layer's function or struct in the code (a local prototype
    # hides no call); fields of the layer's own structs (a->edge_context) are its own
    for l in $layers; do
        case $ok in *" $l "*) continue ;; esac
        p=$(prefix_of "$l")
        code_of "$file" | grep -n "\(^\|[^A-Za-z0-9_>.]\)${p}_[a-z0-9_]*[[:space:]]*(\|struct[[:space:]]\+${p}_" | head -3 | while IFS= read -r hit; do
            echo "layers: $file:${hit%%:*}: $layer uses ${l}'s ${p}_ names: $(echo "${hit#*:}" | sed 's/^[[:space:]]*//' | cut -c1-80)"
        done
    done
    # only tools/ knows JSON and the command line
    case $file in
    src/*)
        code_of "$file" | grep -n 'json_object\|json_tokener' | head -1 | while IFS= read -r hit; do
            echo "layers: $file:${hit%%:*}: the runtime builds JSON; tools/openndis/serialize.c does"
        done
        grep -n '"[^"]*[[:space:](]--[a-z][a-z-]*' "$file" | grep -v 'pkg-config' | head -3 | while IFS= read -r hit; do
            echo "layers: $file:${hit%%:*}: a runtime message names a command-line flag; name the concept"
        done
        ;;
    esac
done > "$out" 2>&1
if [ -n "$lib" ] && readelf -d "$lib" | grep -q 'NEEDED.*json'; then
    echo "layers: $lib needs json-c; only tools/ may link it" >> "$out"
fi
if [ -s "$out" ]; then
    cat "$out"
    echo "layers: $(wc -l < "$out") offence(s); docs/architecture.md draws the direction"
    exit 1
fi
echo "layers: every include and call in src/ and tools/ goes the drawn way"
