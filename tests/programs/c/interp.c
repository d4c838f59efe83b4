/* A small stack-based bytecode interpreter using computed goto (indirect
 * jumps through a label table) running three programs: primes by trial
 * division, Collatz record search, and a nested-loop checksum. */
#include "common.h"

enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_DIVU, OP_MODU, OP_LT, OP_EQ, OP_JMP, OP_JZ,
       OP_JNZ, OP_DUP, OP_DROP, OP_SWAP, OP_AND, OP_SHR, OP_XOR, OP_HALT };

typedef struct { uint8_t op; int32_t arg; } insn;

static uint64_t run(const insn *code, uint64_t *vars, uint64_t *steps_out) {
    static const void *table[] = {&&push, &&load, &&store, &&add, &&sub, &&mul, &&divu, &&modu, &&lt, &&eq,
                                  &&jmp, &&jz, &&jnz, &&dup, &&drop, &&swap, &&and_, &&shr, &&xor_, &&halt};
    uint64_t stack[64];
    int sp = 0;
    const insn *pc = code;
    uint64_t steps = 0;
#define NEXT do { steps++; goto *table[pc->op]; } while (0)
    NEXT;
push:  stack[sp++] = (uint64_t)(int64_t)pc->arg; pc++; NEXT;
load:  stack[sp++] = vars[pc->arg]; pc++; NEXT;
store: vars[pc->arg] = stack[--sp]; pc++; NEXT;
add:   sp--; stack[sp - 1] += stack[sp]; pc++; NEXT;
sub:   sp--; stack[sp - 1] -= stack[sp]; pc++; NEXT;
mul:   sp--; stack[sp - 1] *= stack[sp]; pc++; NEXT;
divu:  sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] / stack[sp] : 0; pc++; NEXT;
modu:  sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] % stack[sp] : 0; pc++; NEXT;
lt:    sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; pc++; NEXT;
eq:    sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; pc++; NEXT;
jmp:   pc = code + pc->arg; NEXT;
jz:    pc = stack[--sp] == 0 ? code + pc->arg : pc + 1; NEXT;
jnz:   pc = stack[--sp] != 0 ? code + pc->arg : pc + 1; NEXT;
dup:   stack[sp] = stack[sp - 1]; sp++; pc++; NEXT;
drop:  sp--; pc++; NEXT;
swap:  { uint64_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; } pc++; NEXT;
and_:  sp--; stack[sp - 1] &= stack[sp]; pc++; NEXT;
shr:   sp--; stack[sp - 1] >>= stack[sp] & 63; pc++; NEXT;
xor_:  sp--; stack[sp - 1] ^= stack[sp]; pc++; NEXT;
halt:  *steps_out = steps;
    return sp ? stack[sp - 1] : 0;
#undef NEXT
}

/* vars: 0 = limit, 1 = n, 2 = d, 3 = count; returns the number of primes < limit */
static const insn primes[] = {
    /* 0 */ {OP_PUSH, 2}, {OP_STORE, 1}, {OP_PUSH, 0}, {OP_STORE, 3},
    /* 4: outer */ {OP_LOAD, 1}, {OP_LOAD, 0}, {OP_LT, 0}, {OP_JZ, 34},
    /* 8 */ {OP_PUSH, 2}, {OP_STORE, 2},
    /* 10: inner */ {OP_LOAD, 1}, {OP_LOAD, 2}, {OP_LOAD, 2}, {OP_MUL, 0}, {OP_LT, 0}, {OP_JNZ, 25},
    /* 16 */ {OP_LOAD, 1}, {OP_LOAD, 2}, {OP_MODU, 0}, {OP_JZ, 29},
    /* 20 */ {OP_LOAD, 2}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_STORE, 2}, {OP_JMP, 10},
    /* 25: prime */ {OP_LOAD, 3}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_STORE, 3},
    /* 29: next */ {OP_LOAD, 1}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_STORE, 1}, {OP_JMP, 4},
    /* 34: end */ {OP_LOAD, 3}, {OP_HALT, 0}};

/* vars: 0 = n, 1 = steps; returns the steps for n to reach 1 */
static const insn collatz[] = {
    /* 0 */ {OP_PUSH, 0}, {OP_STORE, 1},
    /* 2: loop */ {OP_LOAD, 0}, {OP_PUSH, 1}, {OP_EQ, 0}, {OP_JNZ, 26},
    /* 6 */ {OP_LOAD, 0}, {OP_PUSH, 1}, {OP_AND, 0}, {OP_JZ, 17},
    /* 10: odd */ {OP_LOAD, 0}, {OP_PUSH, 3}, {OP_MUL, 0}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_JMP, 20}, {OP_HALT, 0},
    /* 17: even */ {OP_LOAD, 0}, {OP_PUSH, 1}, {OP_SHR, 0},
    /* 20 */ {OP_STORE, 0}, {OP_LOAD, 1}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_STORE, 1}, {OP_JMP, 2},
    /* 26: done */ {OP_LOAD, 1}, {OP_HALT, 0}};

/* vars: 0 = limit, 1 = i, 2 = acc; returns sum of (i ^ i*i) for i < limit */
static const insn checksum[] = {
    /* 0 */ {OP_PUSH, 0}, {OP_STORE, 1}, {OP_PUSH, 0}, {OP_STORE, 2},
    /* 4: loop */ {OP_LOAD, 1}, {OP_LOAD, 0}, {OP_LT, 0}, {OP_JZ, 22},
    /* 8 */ {OP_LOAD, 1}, {OP_DUP, 0}, {OP_DUP, 0}, {OP_MUL, 0}, {OP_XOR, 0}, {OP_LOAD, 2}, {OP_ADD, 0}, {OP_STORE, 2},
    /* 16 */ {OP_LOAD, 1}, {OP_PUSH, 1}, {OP_ADD, 0}, {OP_STORE, 1}, {OP_JMP, 4}, {OP_DROP, 0},
    /* 22: end */ {OP_LOAD, 2}, {OP_HALT, 0}};

ECHOVM_ENTRY {
    size_t n;
    uint8_t *in = evm_input_read_all(&n);
    uint64_t limit = 0;
    for (size_t i = 0; i < n && in[i] >= '0' && in[i] <= '9'; i++) limit = limit * 10 + (in[i] - '0');
    if (limit == 0 || limit > 100000) limit = 2000;
    uint64_t vars[8] = {limit};
    uint64_t steps;
    uint64_t count = run(primes, vars, &steps);
    out_str("primes<"); out_u64(limit); out_str("="); out_u64(count); out_str(" steps="); out_u64(steps); out_str("\n");

    uint64_t best = 0, best_n = 0, total_steps = 0;
    for (uint64_t start = 1; start < 3000; start++) {
        uint64_t v[2] = {start, 0};
        uint64_t s;
        uint64_t r = run(collatz, v, &s);
        total_steps += s;
        if (r > best) { best = r; best_n = start; }
    }
    out_str("collatz best n="); out_u64(best_n); out_str(" steps="); out_u64(best); out_str(" vm-steps="); out_u64(total_steps); out_str("\n");
    uint64_t cv[3] = {limit};
    out_str("checksum="); out_u64(run(checksum, cv, &steps)); out_str(" steps="); out_u64(steps); out_str("\n");
    out_finish();
}
