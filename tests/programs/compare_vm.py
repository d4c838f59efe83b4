#!/usr/bin/env python3
"""Run every corpus contract in the VM and compare with the native results.

    tests/programs/compare_vm.py OUT_DIR [ECHOVM_BINARY] [--gas N]

OUT_DIR is what tests/programs/build.sh produced. For each manifest line the
contract runs as `echovm run ELF --input HEX --gas N --json`; the program
passes when the status matches the native exit status (0 success, 1
reverted), the return data equals the native stdout byte for byte, and the
debug lines and events equal the native `debug:` / `event:` lines. Prints one line per program and
exits 1 if any differs. (The Rust-side equivalent belongs in the runtime's
integration tests via tests/programs/mod.rs.)
"""
import json
import subprocess
import sys


def main():
    args = [a for a in sys.argv[1:]]
    gas = "100000000000"
    if "--gas" in args:
        i = args.index("--gas")
        gas = args[i + 1]
        del args[i:i + 2]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = args[0]
    echovm = args[1] if len(args) > 1 else "echovm"
    failed = 0
    with open(f"{out_dir}/manifest.tsv") as m:
        rows = [line.rstrip("\n").split("\t") for line in m if line.strip()]
    for name, _lang, elf, _native, inp, expected, status in rows:
        data = b"" if inp == "-" else open(inp, "rb").read()
        want = open(expected, "rb").read()
        want_debug = [l[len("debug: "):] for l in open(expected[: -len(".expected")] + ".stderr", encoding="utf-8", errors="replace").read().splitlines() if l.startswith("debug: ")]
        want_status = "success" if status == "0" else "reverted"
        try:
            r = subprocess.run([echovm, "run", elf, "--input", data.hex(), "--gas", gas, "--json"],
                               capture_output=True, timeout=600)
            j = json.loads(r.stdout)
        except Exception as e:  # noqa: BLE001 - report any failure to run as a mismatch
            print(f"FAIL {name}: could not run: {e}")
            failed += 1
            continue
        got = bytes.fromhex(j.get("return") or "")
        problems = []
        if j["status"] != want_status:
            problems.append(f"status {j['status']} (want {want_status}), error {j.get('error')}")
        if got != want:
            at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
            problems.append(f"return differs at byte {at}: got {got[max(0, at - 20):at + 40]!r} want {want[max(0, at - 20):at + 40]!r}")
        if j.get("debug", []) != want_debug:
            problems.append(f"debug {j.get('debug')} (want {want_debug})")
        want_events = []
        for line in open(expected[: -len(".expected")] + ".stderr", encoding="utf-8", errors="replace").read().splitlines():
            if line.startswith("event: "):
                topic, _, data = line[len("event: "):].partition(" ")
                want_events.append({"topic": topic, "data": data})
        got_events = [{"topic": e.get("topic", ""), "data": e.get("data", "")} for e in j.get("events", [])]
        if got_events != want_events:
            problems.append(f"events {got_events} (want {want_events})")
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
        else:
            print(f"ok   {name}: gas {j['gas_used']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
