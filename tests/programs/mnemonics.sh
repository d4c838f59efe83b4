#!/bin/sh
# Mnemonic histogram of the corpus contracts (objdump -d of every OUT_DIR/*.elf),
# prefixes (rep, lock, data16, cs, notrack) kept with their instruction, so
# the interpreter engineers see which instructions real programs contain.
#   tests/programs/mnemonics.sh OUT_DIR [ELF...]
set -eu
OUT=$1
shift
[ $# -gt 0 ] || set -- "$OUT"/*.elf
for elf in "$@"; do
    objdump -d --no-show-raw-insn "$elf"
done | awk -F'\t' '
    /^ *[0-9a-f]+:\t/ {
        n = split($2, w, " ")
        m = w[1]
        i = 1
        while ((m == "rep" || m == "repz" || m == "repnz" || m == "repe" || m == "repne" || m == "lock" || m == "data16" || m == "cs" || m == "ds" || m == "notrack" || m == "bnd") && i < n) {
            i++
            m = m " " w[i]
        }
        if (m != "(bad)") count[m]++
    }
    END { for (m in count) printf "%7d %s\n", count[m], m }' | sort -rn
