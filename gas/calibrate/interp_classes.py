#!/usr/bin/env python3
"""Measure the interpreter's time per instruction class and per interrupt byte,
and print suggested gas beside what the schedule charges (docs/GAS.md §9).

Each probe is a contract (probe.c, built with sdk/c/build.sh) whose loop body
is 100 copies of a snippet. It runs with two loop counts; the difference of
the CPU times (user + system of the `echovm` process, best of --repeat runs
each; CPU time rather than wall time so that other load on the machine
disturbs less) divided by the difference in
executed bodies gives ns per body free of start-up cost, and the difference of
gas_used gives the gas the schedule charges per body. The anchor is the `alu`
probe (`add rbx, rax`, priced 1 gas): suggested gas = ns(body) / ns(alu).

Timing is fine here: this is an offline tool, never a consensus path. Run it
on an otherwise idle machine; on a loaded one, caches and SMT siblings are
shared, so compare only ratios taken from the same run.

Usage: gas/calibrate/interp_classes.py [--echovm target/release/echovm] [--repeat 3] [NAME...]
"""
import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

# name: (class or vector it prices, setup, body, instructions per body, lo, hi)
XMM3 = "mov $3,%%eax\\n cvtsi2sd %%rax,%%xmm0\\n mov $1,%%eax\\n cvtsi2sd %%rax,%%xmm1"
# xmm1 = largest subnormal, xmm2 = 0.75, xmm3 = 3.0: subnormal operands take
# the normalisation paths of the soft-float core.
SUBN = ("mov $0x000fffffffffffff,%%rax\\n movq %%rax,%%xmm1\\n mov $3,%%eax\\n cvtsi2sd %%rax,%%xmm3\\n"
        " mov $0x3fe8000000000000,%%rax\\n movq %%rax,%%xmm2")
PROBES = {
    "alu": ("alu", "", "add %%rbx,%%rax", 1),
    "nop": ("nop", "", "nop", 1),
    "mov": ("mov", "", "mov %%rbx,%%rax", 1),
    "alu_mem": ("alu + memory_operand", "sub $64,%%rsp\\n movq $1,(%%rsp)", "add (%%rsp),%%rax", 1),
    "store": ("mov + memory_operand", "sub $64,%%rsp", "mov %%rax,(%%rsp)", 1),
    "bit": ("bit", "", "popcnt %%rbx,%%rax", 1),
    "mul": ("mul", "", "imul %%rbx,%%rax", 1),
    "div": ("div + alu + mov", "mov $7,%%ecx", "xor %%edx,%%edx\\n mov $1000,%%eax\\n div %%rcx", 3),
    "branch": ("branch (ends a block)", "", "jmp 2f\\n 2:", 1),
    "push_pop": ("2 x stack", "", "push %%rax\\n pop %%rax", 2),
    "call_ret": ("2 x call + branch", "", "call 3f\\n jmp 4f\\n 3: ret\\n 4:", 3),
    "cpuid": ("cpuid + alu", "", "xor %%eax,%%eax\\n cpuid", 2),
    "sse_move": ("sse_move", "", "movaps %%xmm1,%%xmm0", 1),
    "sse_int": ("sse_int", "", "paddd %%xmm1,%%xmm0", 1),
    "addsd": ("sse_float", XMM3, "addsd %%xmm1,%%xmm0", 1),
    "mulsd": ("sse_float", XMM3, "mulsd %%xmm1,%%xmm0", 1),
    "divsd": ("sse_div_sqrt", XMM3, "divsd %%xmm1,%%xmm0", 1),
    "sqrtsd": ("sse_div_sqrt", XMM3, "sqrtsd %%xmm1,%%xmm0", 1),
    "cvtsi2sd": ("sse_convert", "", "cvtsi2sd %%rbx,%%xmm0", 1),
    # Worst cases inside a class: a class price must cover its slowest member and operands.
    "div_worst": ("div + alu + 2 x mov", "mov $-15,%%rcx",
                  "mov %%rcx,%%rdx\\n dec %%rdx\\n mov $-1,%%rax\\n div %%rcx", 4),
    "idiv_worst": ("div + 2 x mov + alu", "mov $0x7fffffffffffffef,%%rcx",
                   "mov %%rcx,%%rdx\\n shr $2,%%rdx\\n mov $-1,%%rax\\n idiv %%rcx", 4),
    "pdep": ("mul", "mov $-1,%%rcx", "pdep %%rcx,%%rcx,%%rax", 1),
    "rcl_63": ("alu", "", "rcl $63,%%rax", 1),
    "crc32": ("mul", "", "crc32q %%rbx,%%rax", 1),
    "addps": ("sse_float", XMM3, "addps %%xmm1,%%xmm0", 1),
    "divps": ("sse_div_sqrt", XMM3, "divps %%xmm1,%%xmm0", 1),
    "sqrtpd": ("sse_div_sqrt", XMM3, "sqrtpd %%xmm1,%%xmm0", 1),
    "divsd_subn": ("sse_div_sqrt + sse_move", SUBN, "movapd %%xmm3,%%xmm0\\n divsd %%xmm1,%%xmm0", 2),
    "mulsd_subn": ("sse_float + sse_move", SUBN, "movapd %%xmm2,%%xmm0\\n mulsd %%xmm1,%%xmm0", 2),
    "sqrtsd_subn": ("sse_div_sqrt", SUBN, "sqrtsd %%xmm1,%%xmm0", 1),
    "pcmpistri": ("sse_string", "pcmpeqb %%xmm1,%%xmm1\\n pxor %%xmm0,%%xmm0\\n pcmpeqb %%xmm0,%%xmm0",
                  "pcmpistri $0x0c,%%xmm1,%%xmm0", 1),
    # Per-byte costs: one body moves/hashes 4096 bytes.
    "rep_movsb_4k": ("string + 4096 x string_iteration (+4 setup insns)", "sub $16384,%%rsp",
                     "lea (%%rsp),%%rdi\\n lea 8192(%%rsp),%%rsi\\n mov $4096,%%ecx\\n rep movsb", None),
    "memmove_4k": ("memmove(4096) (+4 setup insns)", "sub $16384,%%rsp",
                   "lea (%%rsp),%%rdi\\n lea 8192(%%rsp),%%rsi\\n mov $4096,%%edx\\n int $0x14", None),
    "keccak_4k": ("keccak256(4096) (+4 setup insns)", "sub $8192,%%rsp",
                  "lea 64(%%rsp),%%rdi\\n mov $4096,%%esi\\n lea (%%rsp),%%rdx\\n int $0x80", None),
}


def build(tmp, name, setup, body, iters):
    out = os.path.join(tmp, f"{name}_{iters}.elf")
    cmd = [os.path.join(ROOT, "sdk", "c", "build.sh"), "-o", out, os.path.join(HERE, "probe.c"), "--",
           f"-I{os.path.join(ROOT, 'sdk', 'c')}", f"-DITER={iters}", f'-DPROBE_SETUP="{setup}"',
           f'-DPROBE_BODY="{body}"']
    subprocess.run(cmd, check=True)
    return out


def cpu_seconds():
    """User + system CPU time of all waited-for children so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run(echovm, elf, repeat):
    best = math.inf
    for _ in range(repeat):
        start = cpu_seconds()
        r = subprocess.run([echovm, "run", elf, "--gas", str(10**15), "--json"], capture_output=True, text=True)
        best = min(best, cpu_seconds() - start)
    result = json.loads(r.stdout)
    if result["status"] != "success":
        sys.exit(f"{elf}: {r.stdout.strip()}")
    return best, result["gas_used"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--echovm", default=os.path.join(ROOT, "target", "release", "echovm"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("names", nargs="*", help=f"probes to run (default all): {', '.join(PROBES)}")
    args = ap.parse_args()
    names = args.names or list(PROBES)
    if "alu" not in names:
        names.insert(0, "alu")
    anchor = None
    print(f"{'probe':<14}{'ns/body':>12}{'gas/body':>10}{'ns/gas':>9}{'suggested':>11}  prices")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            priced, setup, body, _ = PROBES[name]
            # Bulk probes run long per body; scale the loop counts down.
            lo, hi = (20, 400) if PROBES[name][3] is None else (2000, 40000)
            t_lo, g_lo = run(args.echovm, build(tmp, name, setup, body, lo), args.repeat)
            t_hi, g_hi = run(args.echovm, build(tmp, name, setup, body, hi), args.repeat)
            bodies = (hi - lo) * 100
            ns = (t_hi - t_lo) * 1e9 / bodies
            gas = (g_hi - g_lo) / bodies
            if name == "alu":
                anchor = ns
            suggested = max(1, math.ceil(ns / anchor - 0.05))
            print(f"{name:<14}{ns:>12.1f}{gas:>10.2f}{ns / gas:>9.2f}{suggested:>11}  {priced}", flush=True)
    print(f"anchor: 1 gas = {anchor:.1f} ns (alu probe); gas/body includes 0.03 of loop overhead per body")


if __name__ == "__main__":
    main()
