/* Shared output helpers for the whole-program corpus: programs append text
 * to one buffer and finish() with it, so the VM's return data and the native
 * build's stdout are the same bytes. */
#ifndef CORPUS_COMMON_H
#define CORPUS_COMMON_H
#include "echovm.h"

static char out_buf[16384];
static size_t out_len;

static __attribute__((unused)) void out_str(const char *s) {
    while (*s && out_len < sizeof out_buf) out_buf[out_len++] = *s++;
}
static __attribute__((unused)) void out_u64(uint64_t v) {
    char b[20];
    size_t n = evm_fmt_u64(b, v);
    for (size_t i = 0; i < n && out_len < sizeof out_buf; i++) out_buf[out_len++] = b[i];
}
static __attribute__((unused)) void out_i64(int64_t v) {
    if (v < 0) {
        out_str("-");
        out_u64((uint64_t)0 - (uint64_t)v);
    } else {
        out_u64((uint64_t)v);
    }
}
static __attribute__((unused)) void out_hex64(uint64_t v) {
    char b[16];
    evm_fmt_hex64(b, v);
    for (int i = 0; i < 16 && out_len < sizeof out_buf; i++) out_buf[out_len++] = b[i];
}
static __attribute__((unused)) void out_hex(const void *p, size_t n) {
    const uint8_t *b = (const uint8_t *)p;
    for (size_t i = 0; i < n; i++) {
        char t[2];
        evm_fmt_hex(t, b + i, 1);
        if (out_len + 2 > sizeof out_buf) return;
        out_buf[out_len++] = t[0];
        out_buf[out_len++] = t[1];
    }
}
static __attribute__((unused)) void out_kv(const char *k, uint64_t v) {
    out_str(k);
    out_str("=");
    out_u64(v);
    out_str("\n");
}
static __attribute__((unused)) __attribute__((noreturn)) void out_finish(void) { evm_finish(out_buf, out_len); }
#endif
