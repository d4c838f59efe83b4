#!/bin/sh
# Build the whole-program corpus both ways and record the native results.
#
#   tests/programs/build.sh OUT_DIR
#
# For every program NAME (c/NAME.c or rust/NAME.rs, optional NAME.input):
#   OUT_DIR/NAME.elf       the contract for the VM
#   OUT_DIR/NAME.native    the same source built for Linux
#   OUT_DIR/NAME.expected  native stdout = the expected VM return data
#   OUT_DIR/NAME.stderr    native debug_print lines ("debug: ...")
#   OUT_DIR/NAME.status    native exit status (0 success, 1 reverted)
# and one line per program in OUT_DIR/manifest.tsv:
#   name  lang  elf  native  input(or -)  expected  status
# C programs may carry a first-line marker `/* echovm-cflags: -O3 ... */`;
# its -O level and flags apply to both builds.
#
# ECHOVM_CORPUS_VARIANTS="O0 O3 Os v2" additionally builds every program
# at those settings (O0/O1/O2/O3/Os = that -O level / rustc opt-level, v2 =
# x86-64-v2), named NAME@VARIANT; slow, for occasional wide checks.
# A program can restrict its variants with `echovm-variants: O3 v2` in its
# first three lines (e.g. math builtins are only inlined when optimising).
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SDK="$ROOT/sdk/c"
OUT=$1
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
MANIFEST="$OUT/manifest.tsv"
: > "$MANIFEST.tmp"

run_native() { # name input
    if [ -n "$2" ]; then
        "$OUT/$1.native" "$2" > "$OUT/$1.expected" 2> "$OUT/$1.stderr" && st=0 || st=$?
    else
        "$OUT/$1.native" < /dev/null > "$OUT/$1.expected" 2> "$OUT/$1.stderr" && st=0 || st=$?
    fi
    echo "$st" > "$OUT/$1.status"
}

record() { # name lang input
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$OUT/$1.elf" "$OUT/$1.native" "${3:--}" \
        "$OUT/$1.expected" "$(cat "$OUT/$1.status")" >> "$MANIFEST.tmp"
}

build_c() { # src name opt extra
    # shellcheck disable=SC2086
    "$SDK/build.sh" -o "$OUT/$2.elf" "$3" "$1" -- -I"$HERE/c" -Wall -Wextra -Werror $4
    # shellcheck disable=SC2086
    "$SDK/build.sh" --native -o "$OUT/$2.native" "$3" "$1" -- -I"$HERE/c" -Wall -Wextra -Werror $4
    input=""
    base=$(basename "$1" .c)
    [ -f "$HERE/c/$base.input" ] && input="$HERE/c/$base.input"
    run_native "$2" "$input"
    record "$2" c "$input"
}

for src in "$HERE"/c/*.c; do
    name=$(basename "$src" .c)
    opt=-O2
    extra=""
    marker=$(sed -n '1s/^.*echovm-cflags:\(.*\)\*\/.*$/\1/p' "$src")
    for f in $marker; do
        case "$f" in -O*) opt=$f ;; *) extra="$extra $f" ;; esac
    done
    build_c "$src" "$name" "$opt" "$extra"
    allowed=$(sed -n '1,3s/^.*echovm-variants:\([^*]*\).*$/\1/p' "$src")
    for v in ${ECHOVM_CORPUS_VARIANTS:-}; do
        if [ -n "$allowed" ]; then
            case " $allowed " in *" $v "*) ;; *) continue ;; esac
        fi
        case "$v" in
            O[0-3s]) build_c "$src" "$name@$v" "-$v" "$extra" ;;
            v2) build_c "$src" "$name@$v" "$opt" "$extra -march=x86-64-v2" ;;
            *) echo "$0: unknown variant $v" >&2; exit 2 ;;
        esac
    done
done

# Rust: no_std contract linked against the SDK's freestanding libc (memcpy,
# memset, memcmp, bcmp) and libgcc; see docs/SDK.md for each flag.
"$SDK/build.sh" --object -o "$OUT/echovm_libc.o" "$SDK/echovm_libc.c"
build_rust() { # src name opt-level target-cpu
    rustc --edition 2021 --crate-type bin -C opt-level="$3" -C panic=abort \
        -C relocation-model=static -C target-feature=+crt-static -C target-cpu="$4" \
        -C strip=debuginfo \
        -C link-arg=-nostartfiles -C link-arg=-nostdlib -C link-arg=-static -C link-arg=-no-pie \
        -C link-arg=-Wl,--gc-sections -C link-arg=-Wl,--build-id=none \
        -C link-arg="$OUT/echovm_libc.o" -C link-arg=-lgcc \
        -o "$OUT/$2.elf" "$1"
    rustc --edition 2021 --crate-type bin -C opt-level="$3" -C target-cpu="$4" --cfg echovm_native \
        -o "$OUT/$2.native" "$1"
    input=""
    base=$(basename "$1" .rs)
    [ -f "$HERE/rust/$base.input" ] && input="$HERE/rust/$base.input"
    run_native "$2" "$input"
    record "$2" rust "$input"
}

for src in "$HERE"/rust/*.rs; do
    name=$(basename "$src" .rs)
    case "$name" in evm | evm_*) continue ;; esac # shared binding modules, not programs
    build_rust "$src" "$name" 3 x86-64
    for v in ${ECHOVM_CORPUS_VARIANTS:-}; do
        case "$v" in
            O0 | O1 | O2) build_rust "$src" "$name@$v" "${v#O}" x86-64 ;;
            O3) ;; # the default build
            Os) build_rust "$src" "$name@$v" s x86-64 ;;
            v2) build_rust "$src" "$name@$v" 3 x86-64-v2 ;;
        esac
    done
done
mv "$MANIFEST.tmp" "$MANIFEST"
