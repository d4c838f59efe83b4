/*
 * echovm_native.c — native (Linux, hosted libc) implementation of the echovm
 * interrupt ABI, for differential whole-program tests: the same contract
 * source built with -DECHOVM_NATIVE runs as an ordinary process.
 *
 *   ./prog.native [INPUT_FILE]     input = the file's bytes, or stdin if absent / "-"
 *
 * stdout: exactly the return data (set_return / finish / revert message).
 * stderr: one line per debug_print ("debug: <text>") and per event.
 * exit status: 0 success, 1 reverted — like `echovm run`.
 *
 * The world outside the contract is modelled as empty and deterministic:
 * no other contracts (call returns EVM_CALL_FAILED), every balance 0 and
 * transfers of a non-zero amount fail, all addresses and block hashes are
 * zero/unknown, height and timestamp 0, gas_limit/gas_left UINT64_MAX,
 * storage starts empty and lives in memory for this run. secp256k1 is not
 * available natively (a call exits with status 3 and a message).
 */
#ifndef ECHOVM_NATIVE
#define ECHOVM_NATIVE 1
#endif
#include "echovm.h"
#include "echovm_native_crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *g_input;
static size_t g_input_len;
static uint8_t *g_return;
static size_t g_return_len;

/* ---- storage: unsorted list; native runs are small. */
struct slot {
    struct slot *next;
    uint8_t *key, *val;
    size_t key_len, val_len;
};
static struct slot *g_storage;

static struct slot **slot_find(const uint8_t *key, size_t key_len) {
    struct slot **s = &g_storage;
    for (; *s; s = &(*s)->next)
        if ((*s)->key_len == key_len && memcmp((*s)->key, key, key_len) == 0) return s;
    return s;
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "echovm native: out of memory\n");
        exit(2);
    }
    return p;
}

static void write_all(FILE *f, const void *p, size_t n) {
    if (n && fwrite(p, 1, n, f) != n) exit(2);
    fflush(f);
}

static void set_return(const void *p, size_t n) {
    uint8_t *copy = xmalloc(n);
    memcpy(copy, p, n);
    free(g_return);
    g_return = copy;
    g_return_len = n;
}

static __attribute__((noreturn)) void end_call(int status) {
    write_all(stdout, g_return, g_return_len);
    exit(status);
}

static __attribute__((noreturn)) void unsupported(const char *what) {
    fprintf(stderr, "echovm native: %s is not available in native mode\n", what);
    exit(3);
}

static void print_hex(FILE *f, const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) fprintf(f, "%02x", p[i]);
}

#define P(x) ((void *)(uintptr_t)(x))

int64_t evm__native_int(unsigned vector, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
                        uint64_t a6, uint64_t a7) {
    switch (vector) {
    case 0x11: return (int64_t)(uintptr_t)malloc(a1 ? a1 : 1);
    case 0x12: return (int64_t)(uintptr_t)realloc(P(a1), a2 ? a2 : 1);
    case 0x13: free(P(a1)); return 0;
    case 0x14: return (int64_t)(uintptr_t)memmove(P(a1), P(a2), a3);
    case 0x15: return memcmp(P(a1), P(a2), a3);
    case 0x16: return (int64_t)(uintptr_t)memset(P(a1), (int)(uint8_t)a2, a3);
    case 0x20: memset(P(a2), 0, 16); return 0;
    case 0x21: {
        evm_u128 amount;
        memcpy(&amount, P(a2), 16);
        return amount == 0 ? 0 : -1;
    }
    case 0x24: return -1;
    case 0x25: case 0x2A: case 0x2B: case 0x2C: memset(P(a1), 0, 32); return 0;
    case 0x26: case 0x2F: return (int64_t)UINT64_MAX;
    case 0x27: case 0x28: case 0x2E: return 0;
    case 0x29: memset(P(a1), 0, 16); return 0;
    case 0x30: return EVM_CALL_FAILED;
    case 0x31: return 0;
    case 0x32: return 0;
    case 0x38:
        fprintf(stderr, "event: ");
        print_hex(stderr, P(a1), 32);
        fprintf(stderr, " ");
        print_hex(stderr, P(a2), a3);
        fprintf(stderr, "\n");
        return 0;
    case 0x40: return (int64_t)g_input_len;
    case 0x41: {
        if (a2 >= g_input_len) return 0;
        size_t n = g_input_len - a2 < a3 ? g_input_len - a2 : a3;
        memcpy(P(a1), g_input + a2, n);
        return (int64_t)n;
    }
    case 0x50: set_return(P(a1), a2); return 0;
    case 0x60: set_return(P(a1), a2); end_call(1);
    case 0x61: set_return(P(a1), a2); end_call(0);
    case 0x62:
        fprintf(stderr, "debug: ");
        write_all(stderr, P(a1), a2);
        fprintf(stderr, "\n");
        return 0;
    case 0x70: case 0x73: {
        struct slot *s = *slot_find(P(a1), a2);
        if (!s) return -1;
        if (vector == 0x70) memcpy(P(a3), s->val, s->val_len < a4 ? s->val_len : a4);
        return (int64_t)s->val_len;
    }
    case 0x71: {
        struct slot **sp = slot_find(P(a1), a2);
        if (!*sp) {
            *sp = xmalloc(sizeof **sp);
            (*sp)->next = NULL;
            (*sp)->key = xmalloc(a2);
            memcpy((*sp)->key, P(a1), a2);
            (*sp)->key_len = a2;
        } else {
            free((*sp)->val);
        }
        (*sp)->val = xmalloc(a4);
        memcpy((*sp)->val, P(a3), a4);
        (*sp)->val_len = a4;
        return 0;
    }
    case 0x72: {
        struct slot **sp = slot_find(P(a1), a2);
        struct slot *s = *sp;
        if (!s) return 0;
        *sp = s->next;
        free(s->key);
        free(s->val);
        free(s);
        return 1;
    }
    case 0x80: evmn_keccak256(P(a1), a2, P(a3)); return 0;
    case 0x81: evmn_sha256(P(a1), a2, P(a3)); return 0;
    case 0x82: unsupported("secp256k1_recover");
    case 0x83: unsupported("secp256k1_verify");
    case 0x90: evmn_mulmod(P(a1), P(a2), P(a3), P(a4), 32); return 0;
    case 0x91: evmn_addmod(P(a1), P(a2), P(a3), P(a4), 32); return 0;
    case 0x92: evmn_powmod(P(a1), 32, P(a2), 32, P(a3), P(a4), 32); return 0;
    case 0x93: return evmn_divmod(P(a1), P(a2), P(a3), P(a4), 32);
    case 0x94: evmn_mul_wide(P(a1), P(a2), P(a3), 32); return 0;
    case 0x95: evmn_powmod(P(a1), a2, P(a3), a4, P(a5), P(a7), a6); return 0;
    default:
        fprintf(stderr, "echovm native: int 0x%x is not an ABI vector (the VM faults)\n", vector);
        exit(4);
    }
}

static void read_input(FILE *f) {
    size_t cap = 4096;
    g_input = xmalloc(cap);
    size_t n;
    while ((n = fread(g_input + g_input_len, 1, cap - g_input_len, f)) > 0) {
        g_input_len += n;
        if (g_input_len == cap) {
            cap *= 2;
            g_input = realloc(g_input, cap);
            if (!g_input) exit(2);
        }
    }
}

int main(int argc, char **argv) {
    if (argc > 2) {
        fprintf(stderr, "usage: %s [INPUT_FILE|-]\n", argv[0]);
        return 2;
    }
    FILE *f = stdin;
    if (argc == 2 && strcmp(argv[1], "-") != 0) {
        f = fopen(argv[1], "rb");
        if (!f) {
            perror(argv[1]);
            return 2;
        }
    }
    read_input(f);
    if (f != stdin) fclose(f);
    evm_main();
    end_call(0);
}
