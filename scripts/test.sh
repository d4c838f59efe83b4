#!/usr/bin/env bash
# The project's test command: every crate's tests, including the whole-program,
# differential and contract tests (which compile C and Rust with gcc/rustc).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --profile ci --no-fail-fast 2>&1
