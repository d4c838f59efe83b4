/* A small stack-machine bytecode interpreter (switch dispatch, as in most
 * embedded script engines): indirect jumps through a jump table, a data
 * stack in memory, a register file. The bytecode program runs a loop of n
 * iterations mixing arithmetic and a data-dependent branch; checksum = the
 * accumulator register. */
#include "bench.h"

enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR, OP_AND, OP_LT, OP_JZ, OP_JMP, OP_DUP,
       OP_DROP, OP_HALT };

/* r0 = i, r1 = acc, r2 = n
 *   0: LOAD 0; LOAD 2; LT; JZ end
 *      LOAD 1; PUSH 31; MUL; LOAD 0; XOR; STORE 1
 *      LOAD 1; PUSH 7; SHR; PUSH 1; AND; JZ skip
 *      LOAD 1; PUSH 12345; ADD; STORE 1
 * skip: LOAD 0; PUSH 1; ADD; STORE 0; JMP 0
 * end: HALT */
static const int32_t program[] = {
    /*  0 */ OP_LOAD, 0, OP_LOAD, 2, OP_LT, OP_JZ, 43,
    /*  7 */ OP_LOAD, 1, OP_PUSH, 31, OP_MUL, OP_LOAD, 0, OP_XOR, OP_STORE, 1,
    /* 17 */ OP_LOAD, 1, OP_PUSH, 7, OP_SHR, OP_PUSH, 1, OP_AND, OP_JZ, 34,
    /* 27 */ OP_LOAD, 1, OP_PUSH, 12345, OP_ADD, OP_STORE, 1,
    /* 34 */ OP_LOAD, 0, OP_PUSH, 1, OP_ADD, OP_STORE, 0, OP_JMP, 0,
    /* 43 */ OP_HALT};

__attribute__((noinline)) static uint64_t execute(const int32_t *code, uint64_t *regs) {
    uint64_t stack[64];
    int sp = 0;
    int pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case OP_PUSH: stack[sp++] = (uint64_t)(int64_t)code[pc++]; break;
        case OP_LOAD: stack[sp++] = regs[code[pc++]]; break;
        case OP_STORE: regs[code[pc++]] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] >>= (stack[sp] & 63); break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_JZ: { int32_t t = code[pc++]; if (stack[--sp] == 0) pc = t; break; }
        case OP_JMP: pc = code[pc]; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_DROP: sp--; break;
        case OP_HALT: return regs[1];
        default: return 0;
        }
        if (sp < 0 || sp >= 63) return 0;
    }
}

static uint64_t kernel(uint32_t n) {
    uint64_t regs[4] = {0, 0x5bd1e995, n, 0};
    return execute(program, regs);
}

BENCH_ENTRY(interp)
