/*
 * probe.c — a scriptable ABI probe for the runtime's interrupt tests.
 *
 * The call input is a script of commands; the contract executes them in order
 * and finishes with the log of results (8 bytes per logged value, plus raw
 * bytes for 'R'). Commands:
 *
 *   'I' vec:u8 a0..a6:u64   run `int vec` with rdi, rsi, rdx, rcx, r8, r9, r10
 *                           = a0..a6 and log rax (u64)
 *   'W' off:u32 len:u32 bytes   copy bytes into the scratch buffer at off
 *   'R' off:u32 len:u32         log len bytes of the scratch buffer at off
 *   'A'                          log the scratch buffer's address
 *
 * Argument encodings (so tests can point into the contract's memory):
 *   0x5C5C_0000_xxxx_xxxx  → scratch + x
 *   0x5C5D_iiii_xxxx_xxxx  → (value logged by the i-th 'I') + x
 * Any other value is passed unchanged (bad pointers included).
 */
#include "echovm.h"

#define SCRATCH_SIZE (256 * 1024)
static uint8_t scratch[SCRATCH_SIZE] __attribute__((aligned(64)));
static uint8_t out[64 * 1024];
static uint64_t results[1024];
static size_t out_len, n_results;

static uint64_t rd64(const uint8_t *p) { uint64_t v; __builtin_memcpy(&v, p, 8); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; __builtin_memcpy(&v, p, 4); return v; }

static void log64(uint64_t v) {
    __builtin_memcpy(out + out_len, &v, 8);
    out_len += 8;
}

static uint64_t resolve(uint64_t a) {
    uint64_t tag = a >> 48;
    if (tag == 0x5C5C) return (uint64_t)(uintptr_t)scratch + (a & 0xffffffffu);
    if (tag == 0x5C5D) return results[(a >> 32) & 0xffff] + (a & 0xffffffffu);
    return a;
}

#define V(n) case n: r = EVM__INT7(n, a[0], a[1], a[2], a[3], a[4], a[5], a[6]); break;

static uint64_t raw_int(unsigned vec, const uint64_t *a) {
    int64_t r = 0;
    switch (vec) {
        V(0x11) V(0x12) V(0x13) V(0x14) V(0x15) V(0x16)
        V(0x20) V(0x21) V(0x24) V(0x25) V(0x26) V(0x27) V(0x28) V(0x29) V(0x2A) V(0x2B) V(0x2C) V(0x2E) V(0x2F)
        V(0x30) V(0x31) V(0x32) V(0x38)
        V(0x40) V(0x41) V(0x50) V(0x60) V(0x61) V(0x62)
        V(0x70) V(0x71) V(0x72) V(0x73)
        V(0x80) V(0x81) V(0x82) V(0x83)
        V(0x90) V(0x91) V(0x92) V(0x93) V(0x94) V(0x95)
#ifdef PROBE_BAD_VECTOR
        V(0x99) /* not an ABI vector: the validator rejects it, the VM faults */
#endif
        default: evm_revert("bad vector in script", 20);
    }
    return (uint64_t)r;
}

ECHOVM_ENTRY {
    static uint8_t script[64 * 1024];
    size_t n = (size_t)evm_input_size();
    if (n > sizeof script) evm_revert("script too long", 15);
    evm_input_read(script, 0, n);
    size_t pc = 0;
    while (pc < n) {
        uint8_t cmd = script[pc++];
        if (cmd == 'I') {
            unsigned vec = script[pc++];
            uint64_t a[7];
            for (int i = 0; i < 7; i++) { a[i] = resolve(rd64(script + pc)); pc += 8; }
            uint64_t r = raw_int(vec, a);
            results[n_results++] = r;
            log64(r);
        } else if (cmd == 'W') {
            uint32_t off = rd32(script + pc), len = rd32(script + pc + 4);
            pc += 8;
            for (uint32_t i = 0; i < len; i++) scratch[off + i] = script[pc + i];
            pc += len;
        } else if (cmd == 'R') {
            uint32_t off = rd32(script + pc), len = rd32(script + pc + 4);
            pc += 8;
            for (uint32_t i = 0; i < len; i++) out[out_len + i] = scratch[off + i];
            out_len += len;
        } else if (cmd == 'A') {
            log64((uint64_t)(uintptr_t)scratch);
        } else {
            evm_revert("bad command in script", 21);
        }
    }
    evm_finish(out, out_len);
}
