#!/usr/bin/env bash
# The main job: build echovm and the example contracts (examples/, with the
# documented SDK commands), validate and pack the token, then run calls on the
# embedded default state and print the SPEC §6 JSON results.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
ECHOVM=target/release/echovm
OUT=target/examples
examples/build.sh "$OUT"

echo "== validate and pack the token"
$ECHOVM validate "$OUT/token.elf"
$ECHOVM pack "$OUT/token.elf" -o "$OUT/token.pkg"

echo "== counter: add 5 (selector 01, u64 LE) on the default state"
$ECHOVM run "$OUT/counter.elf" --input 010500000000000000 --gas 1000000 --json
