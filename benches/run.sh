#!/bin/sh
# Peer benchmarks (docs/BENCHMARKS.md): build the C kernels three ways —
# echovm contracts (sdk/c/build.sh -O2), wasm32 modules (clang + lld), native
# (-O2, linked into the runner and into a standalone driver for
# qemu-x86_64) — then run benches/peers and print the table.
#
#   [BENCH_CC=gcc] benches/run.sh [runner args, e.g. --only fib,sort --no-qemu --budget-ms 500]
#
# BENCH_CC (default clang) compiles the echovm and native builds. The wasm
# build can only be clang's, so the default gives all three columns the same
# compiler and the ratios measure the engines, not gcc against clang;
# BENCH_CC=gcc measures echovm on gcc's code (the SDK's default compiler).
# BENCH_WASM_SIMD=1 builds the wasm modules with -msimd128 and wasmi with its
# SIMD support, as the x86 builds may use SSE2 (baseline x86-64).
#
# Installs clang, lld and qemu-user with apt-get when missing (root, Debian).
# Uses $CARGO_TARGET_DIR (default: target-bench at the repository root).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target-bench}
export BENCH_CC=${BENCH_CC:-clang}
WASM_SIMD=""
FEATURES=""
if [ "${BENCH_WASM_SIMD:-0}" = 1 ]; then
    WASM_SIMD="-msimd128"
    FEATURES="--features wasm-simd"
fi
OUT=$CARGO_TARGET_DIR/peer-artifacts
PROGRAMS="fib sha256 keccak sort bigint interp matmul storage empty"

# Tools: clang + wasm-ld for the wasm build (required), qemu-x86_64 for the
# fourth column (optional: the column is left out when Debian has no package).
if ! command -v clang >/dev/null 2>&1 || ! command -v wasm-ld >/dev/null 2>&1 ||
    ! command -v qemu-x86_64 >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq >&2
        pkgs=""
        command -v clang >/dev/null 2>&1 || pkgs="$pkgs clang"
        command -v wasm-ld >/dev/null 2>&1 || pkgs="$pkgs lld"
        if ! command -v qemu-x86_64 >/dev/null 2>&1 &&
            apt-cache policy qemu-user 2>/dev/null | grep -q 'Candidate: [0-9]'; then
            pkgs="$pkgs qemu-user"
        fi
        if [ -n "$pkgs" ]; then
            echo "installing:$pkgs" >&2
            # shellcheck disable=SC2086
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >&2
        fi
    fi
fi
command -v clang >/dev/null 2>&1 && command -v wasm-ld >/dev/null 2>&1 ||
    { echo "$0: clang and wasm-ld (lld) are required for the wasm build" >&2; exit 2; }

mkdir -p "$OUT"
echo "building kernels into $OUT with $BENCH_CC" >&2
clang --target=wasm32 -O2 -fno-builtin -c -o "$OUT/wasm_libc.o" benches/c/wasm_libc.c
for p in $PROGRAMS; do
    # echovm contract: the SDK's compile command, unchanged.
    CC=$BENCH_CC sdk/c/build.sh -O2 -o "$OUT/$p.elf" "benches/c/$p.c" -- -I benches/c
    # wasm32: no libc, export `run`, imports from module "env".
    clang --target=wasm32 -O2 $WASM_SIMD -DBENCH_WASM -c -o "$OUT/$p.wasm.o" "benches/c/$p.c"
    clang --target=wasm32 -nostdlib -O2 -Wl,--no-entry -Wl,--export=run \
        -o "$OUT/$p.wasm" "$OUT/$p.wasm.o" "$OUT/wasm_libc.o"
    # native object for the standalone driver (the runner compiles its own in build.rs).
    "$BENCH_CC" -O2 -DBENCH_NATIVE -c -o "$OUT/$p.native.o" "benches/c/$p.c"
done
"$BENCH_CC" -O2 -o "$OUT/native_main" benches/c/native_main.c "$OUT"/*.native.o

echo "building the runner" >&2
# shellcheck disable=SC2086
cargo build --release --quiet $FEATURES --manifest-path benches/peers/Cargo.toml
exec "$CARGO_TARGET_DIR/release/echovm-peer-bench" --artifacts "$OUT" "$@"
