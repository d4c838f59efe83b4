#!/usr/bin/env bash
# The main job: build echovm and the example contracts from examples/ with the
# documented SDK commands, then deploy the token on a fresh copy of the
# embedded default state, transfer tokens, and read balances. Every call
# prints its SPEC §6 JSON result (status, gas, return data, events, state diff).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
ECHOVM=target/release/echovm
OUT=target/examples
examples/build.sh "$OUT"
STATE=$(mktemp -d)
trap 'rm -rf "$STATE"' EXIT

echo "== validate and pack the token (examples/token/token.c)"
$ECHOVM validate "$OUT/token.elf"
$ECHOVM pack "$OUT/token.elf" -o "$OUT/token.pkg"

echo "== deploy with a total supply of 1000 (u128 LE), minted to the default caller 1111…11"
DEPLOY=$($ECHOVM deploy "$OUT/token.pkg" --input 0x$(printf 'e8030000000000000000000000000000') --state "$STATE" --json)
echo "$DEPLOY"
TOKEN=$(echo "$DEPLOY" | sed -E 's/.*"address":"([0-9a-f]{64})".*/\1/')

BOB=$(printf 'b0%.0s' {1..32})
echo "== transfer 250 to bob (selector 01 ‖ to ‖ amount)"
$ECHOVM call "$TOKEN" --input "01${BOB}fa000000000000000000000000000000" --state "$STATE" --json
echo "== balance_of(bob) (selector 02 ‖ owner) -> 250 as u128 LE"
$ECHOVM call "$TOKEN" --input "02${BOB}" --state "$STATE" --json
echo "== transfer 5000 from bob's empty-handed friend: reverts"
$ECHOVM call "$TOKEN" --input "01${BOB}88130000000000000000000000000000" --sender $(printf 'cc%.0s' {1..32}) --state "$STATE" --json || echo "(exit $?: the call reverted, as it should)"
