/*
 * echovm.h — C SDK for echovm contracts (interrupt ABI version 1, SPEC §3).
 *
 * Contract build (VM):  see sdk/c/build.sh and docs/SDK.md.
 * Native build:         compile with -DECHOVM_NATIVE and link sdk/c/echovm_native.c;
 *                       every wrapper then runs on Linux (input from a file or
 *                       stdin, return data to stdout, debug_print to stderr), so
 *                       the same source can be checked against a native run.
 *
 * Calling convention of the VM: `int N`, arguments in rdi, rsi, rdx, rcx, r8,
 * r9, r10, result in rax; every other register and RFLAGS are preserved, so
 * the asm statements below clobber only rax and memory.
 *
 * Entry point: the ELF entry is entered as if called ([rsp] = return address 0,
 * rsp+8 16-byte aligned), so an ordinary C function that returns ends the
 * call successfully. Write the entry as
 *
 *     ECHOVM_ENTRY { ... }
 *
 * which is `void _start(void)` for the VM and `void evm_main(void)` natively
 * (echovm_native.c supplies main()).
 */
#ifndef ECHOVM_H
#define ECHOVM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ types */

/** 32-byte account address. */
typedef struct evm_address { uint8_t bytes[32]; } evm_address;
/** 32-byte hash (keccak256 / sha256 output, event topic, block hash). */
typedef struct evm_hash32 { uint8_t bytes[32]; } evm_hash32;
/** 256-bit unsigned integer, 32 bytes little-endian (u256 precompiles). */
typedef struct evm_u256 { uint8_t bytes[32]; } evm_u256;
/** 512-bit unsigned integer, 64 bytes little-endian (u256_mul_wide output). */
typedef struct evm_u512 { uint8_t bytes[64]; } evm_u512;
/** Token amount: u128, stored little-endian in 16 bytes (x86-64 native order). */
typedef unsigned __int128 evm_u128;

/** Result of evm_call(). */
enum evm_call_status { EVM_CALL_SUCCESS = 0, EVM_CALL_REVERTED = 1, EVM_CALL_FAILED = 2 };

/* Interrupt vectors (SPEC §3). */
#define EVM_INT_HEAP_ALLOC        0x11
#define EVM_INT_HEAP_REALLOC      0x12
#define EVM_INT_HEAP_FREE         0x13
#define EVM_INT_MEMMOVE           0x14
#define EVM_INT_MEMCMP            0x15
#define EVM_INT_MEMSET            0x16
#define EVM_INT_BALANCE           0x20
#define EVM_INT_TRANSFER          0x21
#define EVM_INT_BLOCK_HASH        0x24
#define EVM_INT_BLOCK_AUTHOR      0x25
#define EVM_INT_GAS_LIMIT         0x26
#define EVM_INT_BLOCK_HEIGHT      0x27
#define EVM_INT_BLOCK_TIMESTAMP   0x28
#define EVM_INT_CALL_VALUE        0x29
#define EVM_INT_CALLER            0x2A
#define EVM_INT_ORIGIN            0x2B
#define EVM_INT_SELF_ADDRESS      0x2C
#define EVM_INT_IS_DEPLOY         0x2E
#define EVM_INT_GAS_LEFT          0x2F
#define EVM_INT_CALL              0x30
#define EVM_INT_RETURN_DATA_SIZE  0x31
#define EVM_INT_RETURN_DATA_READ  0x32
#define EVM_INT_EMIT_EVENT        0x38
#define EVM_INT_INPUT_SIZE        0x40
#define EVM_INT_INPUT_READ        0x41
#define EVM_INT_SET_RETURN        0x50
#define EVM_INT_REVERT            0x60
#define EVM_INT_FINISH            0x61
#define EVM_INT_DEBUG_PRINT       0x62
#define EVM_INT_STORAGE_READ      0x70
#define EVM_INT_STORAGE_WRITE     0x71
#define EVM_INT_STORAGE_REMOVE    0x72
#define EVM_INT_STORAGE_SIZE      0x73
#define EVM_INT_KECCAK256         0x80
#define EVM_INT_SHA256            0x81
#define EVM_INT_SECP256K1_RECOVER 0x82
#define EVM_INT_SECP256K1_VERIFY  0x83
#define EVM_INT_U256_MULMOD       0x90
#define EVM_INT_U256_ADDMOD       0x91
#define EVM_INT_U256_POWMOD       0x92
#define EVM_INT_U256_DIVMOD       0x93
#define EVM_INT_U256_MUL_WIDE     0x94
#define EVM_INT_MODEXP            0x95

/* --------------------------------------------------------- raw interrupts */

#define EVM__U(x) ((uint64_t)(uintptr_t)(x))

#ifdef ECHOVM_NATIVE
/* Native mode: one dispatcher in echovm_native.c emulates every vector. */
int64_t evm__native_int(unsigned vector, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5, uint64_t a6, uint64_t a7);
#define EVM__INT0(n) evm__native_int(n, 0, 0, 0, 0, 0, 0, 0)
#define EVM__INT1(n, a) evm__native_int(n, EVM__U(a), 0, 0, 0, 0, 0, 0)
#define EVM__INT2(n, a, b) evm__native_int(n, EVM__U(a), EVM__U(b), 0, 0, 0, 0, 0)
#define EVM__INT3(n, a, b, c) evm__native_int(n, EVM__U(a), EVM__U(b), EVM__U(c), 0, 0, 0, 0)
#define EVM__INT4(n, a, b, c, d) evm__native_int(n, EVM__U(a), EVM__U(b), EVM__U(c), EVM__U(d), 0, 0, 0)
#define EVM__INT5(n, a, b, c, d, e) \
    evm__native_int(n, EVM__U(a), EVM__U(b), EVM__U(c), EVM__U(d), EVM__U(e), 0, 0)
#define EVM__INT7(n, a, b, c, d, e, f, g) \
    evm__native_int(n, EVM__U(a), EVM__U(b), EVM__U(c), EVM__U(d), EVM__U(e), EVM__U(f), EVM__U(g))
#define EVM__NORETURN_END() __builtin_unreachable()
#else
/*
 * Macros rather than functions so the vector stays an assembler immediate
 * even at -O0 ("int $" #n). The "memory" clobber makes the compiler flush
 * and re-read memory around the call, since the host reads and writes
 * guest buffers through the pointers.
 */
#define EVM__INT0(n) __extension__({ int64_t _r; \
    __asm__ volatile("int $" #n : "=a"(_r) : : "memory"); _r; })
#define EVM__INT1(n, a) __extension__({ int64_t _r; \
    __asm__ volatile("int $" #n : "=a"(_r) : "D"(EVM__U(a)) : "memory"); _r; })
#define EVM__INT2(n, a, b) __extension__({ int64_t _r; \
    __asm__ volatile("int $" #n : "=a"(_r) : "D"(EVM__U(a)), "S"(EVM__U(b)) : "memory"); _r; })
#define EVM__INT3(n, a, b, c) __extension__({ int64_t _r; \
    __asm__ volatile("int $" #n : "=a"(_r) : "D"(EVM__U(a)), "S"(EVM__U(b)), "d"(EVM__U(c)) \
                     : "memory"); _r; })
#define EVM__INT4(n, a, b, c, d) __extension__({ int64_t _r; \
    __asm__ volatile("int $" #n : "=a"(_r) : "D"(EVM__U(a)), "S"(EVM__U(b)), "d"(EVM__U(c)), \
                     "c"(EVM__U(d)) : "memory"); _r; })
#define EVM__INT5(n, a, b, c, d, e) __extension__({ int64_t _r; \
    register uint64_t _r8 __asm__("r8") = EVM__U(e); \
    __asm__ volatile("int $" #n : "=a"(_r) : "D"(EVM__U(a)), "S"(EVM__U(b)), "d"(EVM__U(c)), \
                     "c"(EVM__U(d)), "r"(_r8) : "memory"); _r; })
#define EVM__INT7(n, a, b, c, d, e, f, g) __extension__({ int64_t _r; \
    register uint64_t _r8 __asm__("r8") = EVM__U(e); \
    register uint64_t _r9 __asm__("r9") = EVM__U(f); \
    register uint64_t _r10 __asm__("r10") = EVM__U(g); \
    __asm__ volatile("int $" #n : "=a"(_r) : "D"(EVM__U(a)), "S"(EVM__U(b)), "d"(EVM__U(c)), \
                     "c"(EVM__U(d)), "r"(_r8), "r"(_r9), "r"(_r10) : "memory"); _r; })
#define EVM__NORETURN_END() __builtin_unreachable()
#endif

#define EVM_INLINE static inline __attribute__((always_inline))

/* ----------------------------------------------------------- heap (0x1x) */

/** 16-byte aligned block of `size` bytes, or NULL when the heap limit is hit. */
EVM_INLINE void *evm_heap_alloc(size_t size) { return (void *)(uintptr_t)EVM__INT1(0x11, size); }
/** Resize a heap block (contents kept up to the smaller size), NULL when it cannot. */
EVM_INLINE void *evm_heap_realloc(void *p, size_t size) {
    return (void *)(uintptr_t)EVM__INT2(0x12, p, size);
}
/** Free a heap block; a pointer that did not come from the heap faults. */
EVM_INLINE void evm_heap_free(void *p) { (void)EVM__INT1(0x13, p); }
/** Overlap-safe copy done by the host (cheaper than a byte loop for big copies). */
EVM_INLINE void *evm_memmove(void *dst, const void *src, size_t n) {
    return (void *)(uintptr_t)EVM__INT3(0x14, dst, src, n);
}
/** Byte comparison: <0, 0, >0. */
EVM_INLINE int evm_memcmp(const void *a, const void *b, size_t n) {
    int64_t r = EVM__INT3(0x15, a, b, n);
    return r < 0 ? -1 : r > 0;
}
EVM_INLINE void *evm_memset(void *dst, int byte, size_t n) {
    return (void *)(uintptr_t)EVM__INT3(0x16, dst, (uint8_t)byte, n);
}

/* ------------------------------------------------------ chain context (0x2x) */

EVM_INLINE void evm_balance(const evm_address *who, evm_u128 *out) { (void)EVM__INT2(0x20, who, out); }
/** 0 on success, -1 when this contract's funds are short. */
EVM_INLINE int evm_transfer(const evm_address *to, const evm_u128 *amount) {
    return (int)EVM__INT2(0x21, to, amount);
}
/** 0 and the hash written, or -1 when the height is unknown. */
EVM_INLINE int evm_block_hash(uint64_t height, evm_hash32 *out) { return (int)EVM__INT2(0x24, height, out); }
EVM_INLINE void evm_block_author(evm_address *out) { (void)EVM__INT1(0x25, out); }
EVM_INLINE uint64_t evm_gas_limit(void) { return (uint64_t)EVM__INT0(0x26); }
EVM_INLINE uint64_t evm_block_height(void) { return (uint64_t)EVM__INT0(0x27); }
/** Milliseconds. */
EVM_INLINE uint64_t evm_block_timestamp(void) { return (uint64_t)EVM__INT0(0x28); }
EVM_INLINE void evm_call_value(evm_u128 *out) { (void)EVM__INT1(0x29, out); }
EVM_INLINE void evm_caller(evm_address *out) { (void)EVM__INT1(0x2A, out); }
EVM_INLINE void evm_origin(evm_address *out) { (void)EVM__INT1(0x2B, out); }
EVM_INLINE void evm_self_address(evm_address *out) { (void)EVM__INT1(0x2C, out); }
/** 1 during the deploy call, else 0. */
EVM_INLINE int evm_is_deploy(void) { return (int)EVM__INT0(0x2E); }
EVM_INLINE uint64_t evm_gas_left(void) { return (uint64_t)EVM__INT0(0x2F); }

/* ------------------------------------------------------ nested calls (0x3x) */

/** Call another contract; returns an evm_call_status. `value` may not be NULL. */
EVM_INLINE int evm_call(const evm_address *to, const void *input, size_t input_len, uint64_t gas,
                        const evm_u128 *value) {
    return (int)EVM__INT5(0x30, to, input, input_len, gas, value);
}
EVM_INLINE uint64_t evm_return_data_size(void) { return (uint64_t)EVM__INT0(0x31); }
/** Copy bytes of the last nested call's return data; returns bytes copied. */
EVM_INLINE size_t evm_return_data_read(void *dst, size_t offset, size_t len) {
    return (size_t)EVM__INT3(0x32, dst, offset, len);
}
EVM_INLINE void evm_emit_event(const evm_hash32 *topic, const void *data, size_t len) {
    (void)EVM__INT3(0x38, topic, data, len);
}

/* ------------------------------------------------------ input / output */

EVM_INLINE uint64_t evm_input_size(void) { return (uint64_t)EVM__INT0(0x40); }
/** Copy input bytes [offset, offset+len); returns bytes copied (0 past the end). */
EVM_INLINE size_t evm_input_read(void *dst, size_t offset, size_t len) {
    return (size_t)EVM__INT3(0x41, dst, offset, len);
}
/** Set the call's return data (the last call wins). */
EVM_INLINE void evm_set_return(const void *p, size_t len) { (void)EVM__INT2(0x50, p, len); }
/** End the call as reverted; `msg` becomes the return data. */
EVM_INLINE __attribute__((noreturn)) void evm_revert(const void *msg, size_t len) {
    (void)EVM__INT2(0x60, msg, len);
    EVM__NORETURN_END();
}
/** set_return(p, len) and end the call successfully. */
EVM_INLINE __attribute__((noreturn)) void evm_finish(const void *p, size_t len) {
    (void)EVM__INT2(0x61, p, len);
    EVM__NORETURN_END();
}
/** Debug output: kept in the call result, no consensus effect beyond gas. */
EVM_INLINE void evm_debug_print(const void *p, size_t len) { (void)EVM__INT2(0x62, p, len); }

/* ------------------------------------------------------ storage (0x7x) */

/** Value length (copies min(len, cap) bytes into dst), or -1 if absent. */
EVM_INLINE int64_t evm_storage_read(const void *key, size_t key_len, void *dst, size_t cap) {
    return EVM__INT4(0x70, key, key_len, dst, cap);
}
EVM_INLINE void evm_storage_write(const void *key, size_t key_len, const void *val, size_t val_len) {
    (void)EVM__INT4(0x71, key, key_len, val, val_len);
}
/** 1 if the key existed, else 0. */
EVM_INLINE int evm_storage_remove(const void *key, size_t key_len) { return (int)EVM__INT2(0x72, key, key_len); }
/** Value length, or -1 if absent. */
EVM_INLINE int64_t evm_storage_size(const void *key, size_t key_len) { return EVM__INT2(0x73, key, key_len); }

/* ------------------------------------------------------ crypto (0x8x) */

EVM_INLINE void evm_keccak256(const void *p, size_t len, evm_hash32 *out) { (void)EVM__INT3(0x80, p, len, out); }
EVM_INLINE void evm_sha256(const void *p, size_t len, evm_hash32 *out) { (void)EVM__INT3(0x81, p, len, out); }
/** sig = r||s big-endian; out = x||y big-endian. 0 on success, -1 on failure. */
EVM_INLINE int evm_secp256k1_recover(const evm_hash32 *hash, const uint8_t sig[64], int recid, uint8_t out[64]) {
    return (int)EVM__INT4(0x82, hash, sig, recid, out);
}
/** 1 valid, 0 invalid, -1 malformed. */
EVM_INLINE int evm_secp256k1_verify(const evm_hash32 *hash, const uint8_t sig[64], const void *pubkey,
                                    size_t pubkey_len) {
    return (int)EVM__INT4(0x83, hash, sig, pubkey, pubkey_len);
}

/* ------------------------------------------------------ big integers (0x9x) */

/** out = a*b mod m (m = 0 gives 0). */
EVM_INLINE void evm_u256_mulmod(const evm_u256 *a, const evm_u256 *b, const evm_u256 *m, evm_u256 *out) {
    (void)EVM__INT4(0x90, a, b, m, out);
}
/** out = (a+b) mod m (m = 0 gives 0). */
EVM_INLINE void evm_u256_addmod(const evm_u256 *a, const evm_u256 *b, const evm_u256 *m, evm_u256 *out) {
    (void)EVM__INT4(0x91, a, b, m, out);
}
/** out = base^exp mod m (m = 0 gives 0). */
EVM_INLINE void evm_u256_powmod(const evm_u256 *base, const evm_u256 *exp, const evm_u256 *m, evm_u256 *out) {
    (void)EVM__INT4(0x92, base, exp, m, out);
}
/** q = a / b, r = a % b; 0, or -1 when b = 0. */
EVM_INLINE int evm_u256_divmod(const evm_u256 *a, const evm_u256 *b, evm_u256 *q, evm_u256 *r) {
    return (int)EVM__INT4(0x93, a, b, q, r);
}
/** out = a*b as 512 bits. */
EVM_INLINE void evm_u256_mul_wide(const evm_u256 *a, const evm_u256 *b, evm_u512 *out) {
    (void)EVM__INT3(0x94, a, b, out);
}
/** out (mod_len bytes) = base^exp mod mod; all little-endian. */
EVM_INLINE void evm_modexp(const void *base, size_t base_len, const void *exp, size_t exp_len, const void *mod,
                           size_t mod_len, void *out) {
    (void)EVM__INT7(0x95, base, base_len, exp, exp_len, mod, mod_len, out);
}

/* ------------------------------------------------------ libc subset */

/* Implemented in echovm_libc.c (VM) or by the host libc (native). build.sh
 * passes -fbuiltin after -ffreestanding so gcc still inlines small
 * constant-size copies instead of calling these (each call costs an
 * interrupt). */
void *memcpy(void *__restrict dst, const void *__restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
void *memchr(const void *s, int c, size_t n);
char *strcpy(char *__restrict dst, const char *__restrict src);
void *malloc(size_t n);
void free(void *p);
void *realloc(void *p, size_t n);
void *calloc(size_t count, size_t size);


/* ------------------------------------------------------ helpers */

#ifdef ECHOVM_NATIVE
#define ECHOVM_ENTRY void evm_main(void)
void evm_main(void);
#else
/** The contract entry point (the ELF entry symbol, see build.sh). */
#define ECHOVM_ENTRY void _start(void)
#endif

/** Read the whole call input into a fresh heap block; *len receives its size.
 *  Returns NULL (with *len = size) only if the heap cannot hold it; a
 *  zero-length input gives a valid non-NULL pointer. */
static inline uint8_t *evm_input_read_all(size_t *len) {
    size_t n = (size_t)evm_input_size();
    uint8_t *p = (uint8_t *)malloc(n ? n : 1);
    *len = n;
    if (p && n) evm_input_read(p, 0, n);
    return p;
}

/** End successfully with `len` bytes of return data. */
EVM_INLINE __attribute__((noreturn)) void evm_return(const void *p, size_t len) { evm_finish(p, len); }

/** Revert with a NUL-terminated message. */
EVM_INLINE __attribute__((noreturn)) void evm_revert_str(const char *msg) { evm_revert(msg, strlen(msg)); }

/** debug_print a NUL-terminated string. */
EVM_INLINE void evm_print(const char *s) { evm_debug_print(s, strlen(s)); }

/** Write v in decimal to buf (no NUL); returns the digit count (1..20). */
static inline size_t evm_fmt_u64(char *buf, uint64_t v) {
    char tmp[20];
    size_t n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    for (size_t i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    return n;
}

/** Write v as 16 lowercase hex digits to buf (no NUL); returns 16. */
static inline size_t evm_fmt_hex64(char *buf, uint64_t v) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) { buf[i] = digits[v & 15]; v >>= 4; }
    return 16;
}

/** Write `len` bytes as lowercase hex to buf (2*len chars, no NUL). */
static inline size_t evm_fmt_hex(char *buf, const void *p, size_t len) {
    static const char digits[] = "0123456789abcdef";
    const uint8_t *b = (const uint8_t *)p;
    for (size_t i = 0; i < len; i++) { buf[2 * i] = digits[b[i] >> 4]; buf[2 * i + 1] = digits[b[i] & 15]; }
    return 2 * len;
}

#ifdef __cplusplus
}
#endif

#endif /* ECHOVM_H */
