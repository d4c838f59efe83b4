#!/bin/sh
# Build an echovm contract from C sources — THE supported compile command.
#
#   sdk/c/build.sh [-o OUT] [-O LEVEL] [--native | --object] SOURCE.c... [-- EXTRA_CC_FLAGS...]
#
# default   VM contract: a static, non-PIE ELF64 executable (ET_EXEC, no
#           PT_INTERP, no dynamic section) whose entry point is _start
#           (ECHOVM_ENTRY), linked with echovm_libc.c and libgcc.
# --object  compile only (-c) with the VM code-generation flags, e.g.
#           `build.sh --object -o echovm_libc.o sdk/c/echovm_libc.c` to link
#           the SDK's libc into a Rust contract.
# --native  the same sources as a Linux program with -DECHOVM_NATIVE (see
#           echovm_native.c) for differential tests.
# The flags are justified in docs/SDK.md; keep both in sync.
set -eu

SDK_DIR=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-gcc}
OUT=a.elf
OPT=-O2
MODE=vm
SRCS=""
while [ $# -gt 0 ]; do
    case "$1" in
        -o) OUT=$2; shift 2 ;;
        -O*) OPT=$1; shift ;;
        --native) MODE=native; shift ;;
        --object) MODE=object; shift ;;
        --) shift; break ;;
        -*) echo "$0: unknown option $1 (pass compiler flags after --)" >&2; exit 2 ;;
        *) SRCS="$SRCS $1"; shift ;;
    esac
done
[ -n "$SRCS" ] || { echo "usage: $0 [-o OUT] [-O LEVEL] [--native|--object] SOURCE.c... [-- CC_FLAGS...]" >&2; exit 2; }

# Code generation for the VM (x86-64 baseline, no CET, no stack protector,
# no unwind tables, builtins kept despite -ffreestanding).
VM_CFLAGS="-std=gnu11 -march=x86-64 -mtune=generic -ffreestanding -fbuiltin -fno-pic \
-fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables -fno-unwind-tables \
-ffunction-sections -fdata-sections"
# Linking: static non-PIE, no crt files or libc, entry _start, W^X segments.
VM_LDFLAGS="-nostdlib -static -no-pie -Wl,-e,_start -Wl,--gc-sections -Wl,--build-id=none \
-Wl,-z,noexecstack -Wl,-z,separate-code"

case "$MODE" in
native)
    # shellcheck disable=SC2086
    exec "$CC" "$OPT" -std=gnu11 -DECHOVM_NATIVE -I"$SDK_DIR" -o "$OUT" $SRCS \
        "$SDK_DIR/echovm_native.c" "$SDK_DIR/echovm_native_crypto.c" "$@" ;;
object)
    # shellcheck disable=SC2086
    exec "$CC" "$OPT" $VM_CFLAGS -I"$SDK_DIR" -c -o "$OUT" $SRCS "$@" ;;
vm)
    # shellcheck disable=SC2086
    exec "$CC" "$OPT" $VM_CFLAGS $VM_LDFLAGS -I"$SDK_DIR" -o "$OUT" $SRCS "$SDK_DIR/echovm_libc.c" "$@" -lgcc ;;
esac
