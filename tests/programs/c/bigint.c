/* Arbitrary-precision unsigned integers in 32-bit limbs with 64-bit
 * intermediates: 200!, 2^2000, Fibonacci(2000), a big product and long
 * division by small divisors, printed in decimal. Heavy on mul/div by
 * constants, carries, and heap-allocated buffers (malloc/realloc/free). */
#include "common.h"

typedef struct { uint32_t *d; size_t n, cap; } big;

static void big_init(big *a, uint32_t v) {
    a->cap = 4;
    a->d = malloc(a->cap * 4);
    a->d[0] = v;
    a->n = 1;
}

static void big_reserve(big *a, size_t n) {
    if (n <= a->cap) return;
    while (a->cap < n) a->cap *= 2;
    a->d = realloc(a->d, a->cap * 4);
}

static void big_trim(big *a) { while (a->n > 1 && a->d[a->n - 1] == 0) a->n--; }

static void big_mul_small(big *a, uint32_t m) {
    uint64_t carry = 0;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->d[i] * m + carry;
        a->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry) { big_reserve(a, a->n + 1); a->d[a->n++] = (uint32_t)carry; }
}

static uint32_t big_div_small(big *a, uint32_t m) {
    uint64_t rem = 0;
    for (size_t i = a->n; i-- > 0;) {
        uint64_t cur = rem << 32 | a->d[i];
        a->d[i] = (uint32_t)(cur / m);
        rem = cur % m;
    }
    big_trim(a);
    return (uint32_t)rem;
}

static void big_add(big *r, const big *a, const big *b) { /* r may alias a */
    size_t n = a->n > b->n ? a->n : b->n;
    big_reserve(r, n + 1);
    uint64_t carry = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
        r->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    r->n = n;
    if (carry) r->d[r->n++] = (uint32_t)carry;
}

static void big_mul(big *r, const big *a, const big *b) {
    big_reserve(r, a->n + b->n);
    for (size_t i = 0; i < a->n + b->n; i++) r->d[i] = 0;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t carry = 0;
        for (size_t j = 0; j < b->n; j++) {
            uint64_t t = (uint64_t)a->d[i] * b->d[j] + r->d[i + j] + carry;
            r->d[i + j] = (uint32_t)t;
            carry = t >> 32;
        }
        r->d[i + b->n] = (uint32_t)carry;
    }
    r->n = a->n + b->n;
    big_trim(r);
}

static void big_copy(big *r, const big *a) {
    big_reserve(r, a->n);
    memcpy(r->d, a->d, a->n * 4);
    r->n = a->n;
}

/* Decimal via repeated division by 10^9. */
static void out_big(const big *a, const char *label) {
    big t;
    big_init(&t, 0);
    big_copy(&t, a);
    uint32_t *chunks = malloc((t.n * 10 / 9 + 2) * 4);
    size_t k = 0;
    do { chunks[k++] = big_div_small(&t, 1000000000u); } while (t.n > 1 || t.d[0]);
    out_str(label);
    out_str("=");
    out_u64(chunks[--k]);
    while (k) {
        char buf[9];
        uint32_t c = chunks[--k];
        for (int i = 8; i >= 0; i--) { buf[i] = (char)('0' + c % 10); c /= 10; }
        for (int i = 0; i < 9; i++) { char s[2] = {buf[i], 0}; out_str(s); }
    }
    out_str("\n");
    free(chunks);
    free(t.d);
}

static uint64_t digit_sum(const big *a) {
    big t;
    big_init(&t, 0);
    big_copy(&t, a);
    uint64_t s = 0;
    while (t.n > 1 || t.d[0]) s += big_div_small(&t, 10);
    free(t.d);
    return s;
}

ECHOVM_ENTRY {
    big f, p, x, y, z;
    big_init(&f, 1);
    for (uint32_t i = 2; i <= 200; i++) big_mul_small(&f, i);
    out_big(&f, "200!");
    out_kv("digitsum(200!)", digit_sum(&f));
    big_init(&p, 1);
    for (int i = 0; i < 2000; i++) big_mul_small(&p, 2);
    out_kv("digitsum(2^2000)", digit_sum(&p));
    big_init(&x, 0);
    big_init(&y, 1);
    for (int i = 0; i < 2000; i++) { big_add(&x, &x, &y); big t = x; x = y; y = t; }
    out_big(&x, "fib(2000)");
    big_init(&z, 0);
    big_mul(&z, &f, &x);
    out_kv("digitsum(200!*fib)", digit_sum(&z));
    uint32_t r7 = big_div_small(&z, 7), r97 = big_div_small(&z, 97), r65521 = big_div_small(&z, 65521);
    out_str("rems "); out_u64(r7); out_str(" "); out_u64(r97); out_str(" "); out_u64(r65521); out_str("\n");
    size_t n;
    uint8_t *in = evm_input_read_all(&n);
    big v;
    big_init(&v, 0);
    for (size_t i = 0; i < n; i++) if (in[i] >= '0' && in[i] <= '9') { big_mul_small(&v, 10); big t; big_init(&t, in[i] - '0'); big_add(&v, &v, &t); free(t.d); }
    big sq;
    big_init(&sq, 0);
    big_mul(&sq, &v, &v);
    out_big(&sq, "input^2");
    free(f.d); free(p.d); free(x.d); free(y.d); free(z.d); free(v.d); free(sq.d);
    out_finish();
}
