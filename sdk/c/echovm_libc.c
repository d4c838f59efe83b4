/*
 * echovm_libc.c — the few libc symbols a freestanding contract needs (VM build only).
 *
 * gcc emits calls to memcpy/memmove/memset/memcmp even with -ffreestanding
 * (struct copies, zero-initialisation, large array copies), rustc/LLVM also
 * emits bcmp, and contracts want malloc and the common string functions. Compile this file together with the
 * contract (see build.sh). The bulk operations go through the VM's memory
 * interrupts, which are charged per byte and run at host speed, instead of
 * byte loops that are charged per instruction. Zero lengths return early
 * because a (NULL, 0) pair need not be valid guest memory.
 */
#if defined(__GNUC__) && !defined(__clang__)
/* These functions must never call themselves. Builtins stay enabled (the
 * contract is compiled in the same gcc run with -fbuiltin), so stop the two
 * transformations that would produce self-calls: loop-idiom recognition
 * (a byte loop becoming a call to memset/strlen) here, and identical-code
 * folding with EVM_PRIMITIVE below (at -Os gcc folded memcmp into a tail call
 * of the identical bcmp and then rewrote that back into a call of memcmp: an
 * endless `jmp memcmp`). The pragma form of -fno-ipa-icf has no effect. */
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#define EVM_PRIMITIVE __attribute__((no_icf))
#else
#define EVM_PRIMITIVE
#endif
#include "echovm.h"

#ifdef ECHOVM_NATIVE
#error "echovm_libc.c is for the VM build; native builds use the host libc and echovm_native.c"
#endif

EVM_PRIMITIVE void *memcpy(void *__restrict dst, const void *__restrict src, size_t n) {
    if (n) evm_memmove(dst, src, n);
    return dst;
}

EVM_PRIMITIVE void *memmove(void *dst, const void *src, size_t n) {
    if (n) evm_memmove(dst, src, n);
    return dst;
}

EVM_PRIMITIVE void *memset(void *dst, int c, size_t n) {
    if (n) evm_memset(dst, c, n);
    return dst;
}

EVM_PRIMITIVE int memcmp(const void *a, const void *b, size_t n) {
    return n ? evm_memcmp(a, b, n) : 0;
}

/* LLVM lowers `==` on byte slices to bcmp (only zero / non-zero matters). */
EVM_PRIMITIVE int bcmp(const void *a, const void *b, size_t n) {
    return n ? evm_memcmp(a, b, n) : 0;
}

EVM_PRIMITIVE size_t strlen(const char *s) {
    const char *p = s;
    while (*p) p++;
    return (size_t)(p - s);
}

EVM_PRIMITIVE int strcmp(const char *a, const char *b) {
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (int)(unsigned char)*a - (int)(unsigned char)*b;
}

EVM_PRIMITIVE int strncmp(const char *a, const char *b, size_t n) {
    for (; n; n--, a++, b++) {
        if (*a != *b || !*a) return (int)(unsigned char)*a - (int)(unsigned char)*b;
    }
    return 0;
}

EVM_PRIMITIVE char *strchr(const char *s, int c) {
    for (;; s++) {
        if (*s == (char)c) return (char *)s;
        if (!*s) return NULL;
    }
}

EVM_PRIMITIVE void *memchr(const void *s, int c, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    for (; n; n--, p++)
        if (*p == (unsigned char)c) return (void *)p;
    return NULL;
}

EVM_PRIMITIVE char *strcpy(char *__restrict dst, const char *__restrict src) {
    char *d = dst;
    while ((*d++ = *src++)) {
    }
    return dst;
}

/* malloc(0) must return a unique pointer that free() accepts. */
void *malloc(size_t n) {
    return evm_heap_alloc(n ? n : 1);
}

/* free(NULL) is a no-op in C; the heap_free interrupt would fault on it. */
void free(void *p) {
    if (p) evm_heap_free(p);
}

void *realloc(void *p, size_t n) {
    if (!p) return malloc(n);
    if (!n) {
        evm_heap_free(p);
        return NULL;
    }
    return evm_heap_realloc(p, n);
}

void *calloc(size_t count, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(count, size, &total)) return NULL;
    void *p = malloc(total);
    if (p) memset(p, 0, total ? total : 1);
    return p;
}

/* Reached only when a contract is built with -fstack-protector and its
 * canary at fs:0x28 was overwritten. */
__attribute__((noreturn)) void __stack_chk_fail(void) {
    evm_revert_str("stack smashing detected");
}

/* Some libgcc helpers call abort() on impossible inputs. */
__attribute__((noreturn)) void abort(void) {
    evm_revert_str("abort");
}
