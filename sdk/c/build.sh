#!/bin/sh
# Build an echovm contract from C sources — THE supported compile command.
#
#   sdk/c/build.sh [-o OUT.elf] [-O LEVEL] [--native] SOURCE.c... [-- EXTRA_CC_FLAGS...]
#
# VM mode (default) produces a static, non-PIE ELF64 executable (ET_EXEC, no
# PT_INTERP, no dynamic section) whose entry point is _start (ECHOVM_ENTRY).
# --native builds the same sources as a Linux program with -DECHOVM_NATIVE
# (see echovm_native.c) for differential tests. Flags are justified in
# docs/SDK.md; keep the two lists there and here in sync.
set -eu

SDK_DIR=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-gcc}
OUT=a.elf
OPT=-O2
NATIVE=0
SRCS=""
while [ $# -gt 0 ]; do
    case "$1" in
        -o) OUT=$2; shift 2 ;;
        -O*) OPT=$1; shift ;;
        --native) NATIVE=1; shift ;;
        --) shift; break ;;
        *) SRCS="$SRCS $1"; shift ;;
    esac
done
[ -n "$SRCS" ] || { echo "usage: $0 [-o OUT] [-O LEVEL] [--native] SOURCE.c... [-- CC_FLAGS...]" >&2; exit 2; }

if [ "$NATIVE" = 1 ]; then
    # shellcheck disable=SC2086
    exec "$CC" "$OPT" -std=gnu11 -DECHOVM_NATIVE -I"$SDK_DIR" -o "$OUT" $SRCS \
        "$SDK_DIR/echovm_native.c" "$SDK_DIR/echovm_native_crypto.c" "$@"
fi

# shellcheck disable=SC2086
exec "$CC" "$OPT" -std=gnu11 \
    -march=x86-64 -mtune=generic \
    -ffreestanding -fbuiltin -nostdlib -static -fno-pic -no-pie \
    -fno-stack-protector -fcf-protection=none \
    -fno-asynchronous-unwind-tables -fno-unwind-tables \
    -ffunction-sections -fdata-sections \
    -I"$SDK_DIR" \
    -Wl,-e,_start -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,separate-code \
    -o "$OUT" $SRCS "$SDK_DIR/echovm_libc.c" "$@" -lgcc
