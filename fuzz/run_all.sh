#!/bin/sh
# Run every fuzz target for SECONDS each, one after another, and print a table
# of executions, coverage (libFuzzer's final cov:/ft: figures) and crashes.
#
#   fuzz/run_all.sh SECONDS [TARGET...]
#
# Builds with `cargo fuzz build -s none` (stable toolchain, no sanitizer;
# debug assertions and overflow checks on). Corpora grow in fuzz/corpus/TARGET
# (only the checked-in seed-* files are tracked), crash inputs land in
# fuzz/artifacts/TARGET, full logs in $LOGS (default fuzz/target/logs).
# Set CARGO_TARGET_DIR to build elsewhere (default fuzz/target).
# Exit status: 0 when no target crashed, 1 otherwise, 2 on usage/build errors.
set -eu

[ $# -ge 1 ] || { echo "usage: $0 SECONDS [TARGET...]" >&2; exit 2; }
SECS=$1
shift
case $SECS in '' | *[!0-9]*) echo "SECONDS must be a number" >&2; exit 2 ;; esac

HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
TARGET_DIR=${CARGO_TARGET_DIR:-$HERE/target}
LOGS=${LOGS:-$TARGET_DIR/logs}
mkdir -p "$LOGS"
if [ $# -gt 0 ]; then
    TARGETS="$*"
else
    TARGETS=$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^echovm')
fi

cargo fuzz build -s none --target-dir "$TARGET_DIR" >"$LOGS/build.log" 2>&1 || {
    echo "build failed; see $LOGS/build.log" >&2
    tail -20 "$LOGS/build.log" >&2
    exit 2
}
BIN=$TARGET_DIR/x86_64-unknown-linux-gnu/release

status=0
failed_logs=
printf '%-13s %8s %12s %10s %8s %8s  %s\n' target seconds executions exec/s cov ft crashes
# "seconds" is the wall time the target actually ran (less than SECONDS when it crashed).
for t in $TARGETS; do
    mkdir -p "corpus/$t" "artifacts/$t"
    dict=
    [ -f "dict/$t.dict" ] && dict="-dict=dict/$t.dict"
    before=$(ls "artifacts/$t" | wc -l)
    log=$LOGS/$t.log
    start=$(date +%s)
    # shellcheck disable=SC2086  # $dict is empty or one word
    if "$BIN/$t" "corpus/$t" $dict -max_total_time="$SECS" -timeout=20 -rss_limit_mb=3072 \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"$log" 2>&1; then
        :
    else
        status=1
        failed_logs="$failed_logs $log"
    fi
    took=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    new=$(( $(ls "artifacts/$t" | wc -l) - before ))
    crashes=$new
    if [ "$new" -gt 0 ]; then
        crashes="$new: $(ls -t "artifacts/$t" | head -1)"
        status=1
        case " $failed_logs " in *" $log "*) ;; *) failed_logs="$failed_logs $log" ;; esac
    fi
    printf '%-13s %8s %12s %10s %8s %8s  %s\n' "$t" "$took" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$crashes"
done
# On a crash, show the end of each failing log (panic message, input as Base64) so a CI log
# alone is enough to reproduce it even when fuzz/artifacts is not kept.
for log in $failed_logs; do
    echo "--- end of $log" >&2
    grep -v '^#[0-9]' "$log" | tail -40 >&2
done
exit $status
