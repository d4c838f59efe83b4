/* Exercises the SDK's interrupt wrappers whose results do not depend on the
 * chain context: heap (malloc/realloc/calloc/free), memmove/memcmp/memset,
 * input, storage read/write/size/remove, sha256/keccak256 and the u256
 * precompiles (checked against C arithmetic), debug_print and set_return.
 * The expected output comes from the native build's C implementations. */
#include "common.h"

static void u256_from_u64(evm_u256 *x, uint64_t v) {
    memset(x, 0, sizeof *x);
    memcpy(x->bytes, &v, 8);
}

ECHOVM_ENTRY {
    size_t n;
    uint8_t *in = evm_input_read_all(&n);
    out_str("input-len="); out_u64(n); out_str("\n");

    /* heap */
    uint8_t *p = malloc(100);
    for (int i = 0; i < 100; i++) p[i] = (uint8_t)i;
    p = realloc(p, 5000);
    int keep = 1;
    for (int i = 0; i < 100; i++) keep &= p[i] == (uint8_t)i;
    uint32_t *z = calloc(1000, 4);
    int zero = 1;
    for (int i = 0; i < 1000; i++) zero &= z[i] == 0;
    out_str("heap keep="); out_u64((uint64_t)keep); out_str(" zero="); out_u64((uint64_t)zero);
    out_str(" align="); out_u64(((uintptr_t)p | (uintptr_t)z) % 16 == 0); out_str("\n");
    free(z);
    free(p);
    free(NULL);

    /* memory interrupts: overlapping moves both directions */
    char buf[64] = "0123456789abcdefghijklmnopqrstuvwxyz";
    evm_memmove(buf + 4, buf, 20);
    evm_memmove(buf + 30, buf + 33, 3);
    evm_memset(buf + 50, '#', 5);
    out_str("mem "); out_str(buf); out_str(" cmp="); out_i64(evm_memcmp("abc", "abd", 3));
    out_str(","); out_i64(evm_memcmp("abd", "abc", 3)); out_str(","); out_i64(evm_memcmp("same", "same", 4)); out_str("\n");

    /* string functions of echovm_libc.c (host libc natively) */
    char sbuf[32];
    strcpy(sbuf, "hello, world");
    const char *comma = strchr(sbuf, ',');
    const char *wpos = memchr(sbuf, 'w', sizeof "hello, world");
    out_str("str "); out_str(sbuf);
    out_str(" cmp="); out_i64(strcmp(sbuf, "hello") > 0); out_i64(strcmp("abc", "abd") < 0); out_i64(strcmp("x", "x") == 0);
    out_str(" ncmp="); out_i64(strncmp(sbuf, "help", 3) == 0); out_i64(strncmp(sbuf, "help", 4) < 0);
    out_str(" chr="); out_i64(comma ? comma - sbuf : -1); out_str(","); out_i64(strchr(sbuf, 'z') == NULL);
    out_str(","); out_i64(strchr(sbuf, 0) - sbuf);
    out_str(" memchr="); out_i64(wpos ? wpos - sbuf : -1); out_str("\n");

    /* storage */
    out_str("absent="); out_i64(evm_storage_size("k1", 2)); out_str("\n");
    evm_storage_write("k1", 2, in, n);
    evm_storage_write("k2", 2, "v2", 2);
    evm_storage_write("k2", 2, "value-two", 9);
    char v[32];
    int64_t len = evm_storage_read("k2", 2, v, 5);
    out_str("k2 len="); out_i64(len); out_str(" prefix="); evm_debug_print(v, 5);
    for (int i = 0; i < 5; i++) { char c[2] = {v[i], 0}; out_str(c); }
    out_str(" k1size="); out_i64(evm_storage_size("k1", 2));
    out_str(" rm="); out_u64((uint64_t)evm_storage_remove("k2", 2)); out_str(","); out_u64((uint64_t)evm_storage_remove("k2", 2));
    out_str(" after="); out_i64(evm_storage_read("k2", 2, v, 32)); out_str("\n");

    /* hashes */
    evm_hash32 h;
    evm_sha256(in, n, &h);
    out_str("sha256 "); out_hex(h.bytes, 32); out_str("\n");
    evm_keccak256(in, n, &h);
    out_str("keccak256 "); out_hex(h.bytes, 32); out_str("\n");
    evm_keccak256("", 0, &h);
    out_str("keccak256('') "); out_hex(h.bytes, 32); out_str("\n");

    /* u256 precompiles on values small enough to check with C arithmetic */
    evm_u256 a, b, m, q, r, o;
    evm_u512 w;
    u256_from_u64(&a, 0xfffffffffffffff1ull);
    u256_from_u64(&b, 0xfffffffffffffff3ull);
    u256_from_u64(&m, 1000000007ull);
    evm_u256_mulmod(&a, &b, &m, &o);
    uint64_t got;
    memcpy(&got, o.bytes, 8);
    unsigned __int128 want = (unsigned __int128)0xfffffffffffffff1ull * 0xfffffffffffffff3ull % 1000000007ull;
    out_str("mulmod "); out_u64(got); out_str(got == (uint64_t)want ? " ok" : " WRONG");
    evm_u256_addmod(&a, &b, &m, &o);
    memcpy(&got, o.bytes, 8);
    want = ((unsigned __int128)0xfffffffffffffff1ull + 0xfffffffffffffff3ull) % 1000000007ull;
    out_str(" addmod "); out_u64(got); out_str(got == (uint64_t)want ? " ok" : " WRONG");
    u256_from_u64(&b, 65537);
    evm_u256_powmod(&a, &b, &m, &o);
    memcpy(&got, o.bytes, 8);
    out_str(" powmod "); out_u64(got);
    int rc = evm_u256_divmod(&a, &m, &q, &r);
    uint64_t qq, rr;
    memcpy(&qq, q.bytes, 8);
    memcpy(&rr, r.bytes, 8);
    out_str(" divmod "); out_i64(rc); out_str(" "); out_u64(qq); out_str(" "); out_u64(rr);
    out_str(qq == 0xfffffffffffffff1ull / 1000000007ull && rr == 0xfffffffffffffff1ull % 1000000007ull ? " ok" : " WRONG");
    u256_from_u64(&b, 0);
    out_str(" div0="); out_i64(evm_u256_divmod(&a, &b, &q, &r)); out_str("\n");
    memset(&a, 0xff, 32);
    evm_u256_mul_wide(&a, &a, &w);
    out_str("mul_wide "); out_hex(w.bytes, 64); out_str("\n");
    uint8_t base[3] = {2, 0, 0}, ex[1] = {100}, mod[3] = {0x61, 0xe6, 0x01}, res[3]; /* 2^100 mod 124513 */
    evm_modexp(base, 3, ex, 1, mod, 3, res);
    out_str("modexp "); out_hex(res, 3); out_str("\n");
    /* events: topic = keccak256("Transfer"), data = the input */
    evm_keccak256("Transfer", 8, &h);
    evm_emit_event(&h, in, n);
    evm_emit_event(&h, "", 0);
    evm_print("sdk_interrupts done");
    evm_set_return(out_buf, out_len);
}
