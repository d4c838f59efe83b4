/* A generic quicksort + insertion sort (qsort-style, comparator function
 * pointers, byte-wise element swaps) sorting ints, u64s, strings and structs
 * with several comparators; indirect calls through pointers. */
#include "common.h"

typedef int (*cmp_fn)(const void *, const void *);

static void swap_bytes(uint8_t *a, uint8_t *b, size_t size) {
    while (size--) { uint8_t t = *a; *a++ = *b; *b++ = t; }
}

static void my_qsort(void *base, size_t n, size_t size, cmp_fn cmp) {
    uint8_t *b = (uint8_t *)base;
    while (n > 12) {
        /* median of three into position 0 */
        uint8_t *lo = b, *mid = b + (n / 2) * size, *hi = b + (n - 1) * size;
        if (cmp(mid, lo) < 0) swap_bytes(mid, lo, size);
        if (cmp(hi, mid) < 0) { swap_bytes(hi, mid, size); if (cmp(mid, lo) < 0) swap_bytes(mid, lo, size); }
        swap_bytes(lo, mid, size);
        size_t i = 1, j = n - 1;
        for (;;) {
            while (i < n && cmp(b + i * size, b) < 0) i++;
            while (cmp(b + j * size, b) > 0) j--;
            if (i >= j) break;
            swap_bytes(b + i * size, b + j * size, size);
            i++; j--;
        }
        swap_bytes(b, b + j * size, size);
        /* recurse into the smaller part, loop on the larger */
        if (j < n - j - 1) { my_qsort(b, j, size, cmp); b += (j + 1) * size; n -= j + 1; }
        else { my_qsort(b + (j + 1) * size, n - j - 1, size, cmp); n = j; }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && cmp(b + (k - 1) * size, b + k * size) > 0; k--)
            swap_bytes(b + (k - 1) * size, b + k * size, size);
}

static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_u64(const void *a, const void *b) { uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b; return (x > y) - (x < y); }
static int cmp_str(const void *a, const void *b) {
    const unsigned char *x = *(const unsigned char *const *)a, *y = *(const unsigned char *const *)b;
    while (*x && *x == *y) { x++; y++; }
    return (int)*x - (int)*y;
}
struct rec { uint32_t key; uint16_t tag; char name[10]; };
static int cmp_rec(const void *a, const void *b) {
    const struct rec *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (int)x->tag - (int)y->tag;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static int ints[3000];
static uint64_t u64s[2000];
static struct rec recs[500];

ECHOVM_ENTRY {
    static const cmp_fn int_cmps[2] = {cmp_int, cmp_int_desc};
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 3000; i++) ints[i] = (int)(next() % 20001) - 10000;
        my_qsort(ints, 3000, sizeof ints[0], int_cmps[round]);
        int ok = 1;
        for (int i = 1; i < 3000; i++) if (int_cmps[round](&ints[i - 1], &ints[i]) > 0) ok = 0;
        out_str(round ? "desc " : "asc ");
        out_i64(ints[0]); out_str(" "); out_i64(ints[1499]); out_str(" "); out_i64(ints[2999]);
        out_str(ok ? " sorted\n" : " UNSORTED\n");
    }
    for (int i = 0; i < 2000; i++) u64s[i] = next();
    my_qsort(u64s, 2000, 8, cmp_u64);
    uint64_t h = 0;
    for (int i = 0; i < 2000; i++) h = h * 31 + u64s[i];
    out_str("u64 "); out_hex64(u64s[0]); out_str(" "); out_hex64(u64s[1999]); out_str(" h="); out_hex64(h); out_str("\n");

    static const char *words[] = {"pear", "apple", "fig", "banana", "kiwi", "apricot", "cherry", "date",
                                  "elderberry", "grape", "app", "", "zucchini", "lime", "lemon", "mango"};
    const char *w[16];
    for (int i = 0; i < 16; i++) w[i] = words[i];
    my_qsort(w, 16, sizeof w[0], cmp_str);
    for (int i = 0; i < 16; i++) { out_str("["); out_str(w[i]); out_str("]"); }
    out_str("\n");

    for (int i = 0; i < 500; i++) {
        recs[i].key = (uint32_t)(next() % 50);
        recs[i].tag = (uint16_t)i;
        for (int k = 0; k < 9; k++) recs[i].name[k] = (char)('a' + (i + k) % 26);
        recs[i].name[9] = 0;
    }
    my_qsort(recs, 500, sizeof recs[0], cmp_rec);
    uint64_t rh = 0;
    for (int i = 0; i < 500; i++) rh = rh * 1000003 + recs[i].key * 65536u + recs[i].tag + (uint8_t)recs[i].name[0];
    out_str("recs "); out_hex64(rh); out_str(" first="); out_str(recs[0].name); out_str("\n");

    /* sort the input bytes */
    size_t n;
    uint8_t *in = evm_input_read_all(&n);
    int *vals = malloc((n ? n : 1) * sizeof(int));
    for (size_t i = 0; i < n; i++) vals[i] = in[i];
    my_qsort(vals, n, sizeof(int), cmp_int);
    for (size_t i = 0; i < n; i++) in[i] = (uint8_t)vals[i];
    out_str("input-sorted ");
    out_hex(in, n);
    out_str("\n");
    free(vals);
    out_finish();
}
