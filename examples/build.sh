#!/bin/sh
# Build every example contract with the documented commands (docs/SDK.md,
# docs/EXAMPLES.md):
#
#   examples/build.sh OUT_DIR
#
# writes OUT_DIR/<name>.elf for every example:
#   C     examples/<name>/<name>.c  via sdk/c/build.sh
#   Rust  examples/<name>/Cargo.toml via `cargo build --release` run inside the
#         example directory, so its .cargo/config.toml (the link flags) applies.
# Cargo's intermediate files go to OUT_DIR/cargo-target. The checkout path is
# remapped to /echovm in panic-location strings (Cargo merges this --config
# array with the example's rustflags), so the ELF, and thus the package's code
# hash, does not depend on where the repository lives. RUSTFLAGS and
# CARGO_ENCODED_RUSTFLAGS are cleared because either would replace the
# config's rustflags and silently produce a normal Linux executable.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_BUILD_TARGET

for dir in "$HERE"/*/; do
    name=$(basename "$dir")
    if [ -f "$dir/Cargo.toml" ]; then
        (cd "$dir" && CARGO_TARGET_DIR="$OUT/cargo-target" cargo build --quiet --release --locked \
            --config "build.rustflags=[\"--remap-path-prefix=$ROOT=/echovm\"]")
        cp "$OUT/cargo-target/release/$name" "$OUT/$name.elf"
    elif [ -f "$dir/$name.c" ]; then
        "$ROOT/sdk/c/build.sh" -o "$OUT/$name.elf" "$dir/$name.c" -- -Wall -Wextra -Werror
    else
        echo "$0: $dir has neither Cargo.toml nor $name.c" >&2
        exit 2
    fi
    echo "$OUT/$name.elf"
done
