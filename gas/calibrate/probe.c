/*
 * Calibration probe for gas/calibrate/interp_classes.py (docs/GAS.md §9).
 *
 * Runs PROBE_SETUP once, then ITER times a loop whose body is 100 copies of
 * PROBE_BODY, so that the interpreter's time per body (from two runs with
 * different ITER) can be compared with the gas the schedule charges for it.
 * Registers on entry to the body: rax = 0, rbx = 1; rsp may be lowered by
 * PROBE_SETUP to make scratch space (r12 restores it).
 */
#include "echovm.h"

#define R10(x) x x x x x x x x x x
#define R100(x) R10(R10(x))

ECHOVM_ENTRY {
    unsigned long n = ITER;
    __asm__ volatile(
        "mov %%rsp, %%r12\n"
        "xor %%eax, %%eax\n"
        "mov $1, %%ebx\n"
        PROBE_SETUP "\n"
        "1:\n"
        R100(PROBE_BODY "\n")
        "dec %0\n"
        "jnz 1b\n"
        "mov %%r12, %%rsp\n"
        : "+r"(n)
        :
        : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r12",
          "xmm0", "xmm1", "xmm2", "xmm3", "memory", "cc");
}
