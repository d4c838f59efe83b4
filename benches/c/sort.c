/* Sorting through a comparator function pointer, qsort-style: introsort
 * (median-of-three quicksort, heapsort past a depth limit, insertion sort
 * for short ranges) on u32 keys. Exercises indirect calls, unpredictable
 * branches and loads/stores. n = element count (at most MAX_N); checksum =
 * position-weighted sum of the sorted array. */
#include "bench.h"

#define MAX_N (1u << 20)

typedef int (*cmp_fn)(const uint32_t *, const uint32_t *);

static int cmp_u32(const uint32_t *a, const uint32_t *b) { return (*a > *b) - (*a < *b); }

static inline void swap(uint32_t *a, uint32_t *b) {
    uint32_t t = *a;
    *a = *b;
    *b = t;
}

static void insertion(uint32_t *a, size_t n, cmp_fn cmp) {
    for (size_t i = 1; i < n; i++) {
        uint32_t v = a[i];
        size_t j = i;
        while (j > 0 && cmp(&a[j - 1], &v) > 0) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static void sift_down(uint32_t *a, size_t root, size_t n, cmp_fn cmp) {
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && cmp(&a[child], &a[child + 1]) < 0) child++;
        if (cmp(&a[root], &a[child]) >= 0) return;
        swap(&a[root], &a[child]);
        root = child;
    }
}

static void heapsort(uint32_t *a, size_t n, cmp_fn cmp) {
    for (size_t i = n / 2; i-- > 0;) sift_down(a, i, n, cmp);
    for (size_t end = n; end-- > 1;) {
        swap(&a[0], &a[end]);
        sift_down(a, 0, end, cmp);
    }
}

__attribute__((noinline)) static void introsort(uint32_t *a, size_t n, unsigned depth, cmp_fn cmp) {
    while (n > 16) {
        if (depth-- == 0) {
            heapsort(a, n, cmp);
            return;
        }
        size_t mid = n / 2;
        if (cmp(&a[mid], &a[0]) < 0) swap(&a[mid], &a[0]);
        if (cmp(&a[n - 1], &a[0]) < 0) swap(&a[n - 1], &a[0]);
        if (cmp(&a[n - 1], &a[mid]) < 0) swap(&a[n - 1], &a[mid]);
        uint32_t pivot = a[mid];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (cmp(&a[i], &pivot) < 0) i++;
            while (cmp(&pivot, &a[j]) < 0) j--;
            if (i >= j) break;
            swap(&a[i], &a[j]);
            i++;
            j--;
        }
        /* Recurse into the smaller part, loop on the larger. */
        size_t left = j + 1;
        if (left < n - left) {
            introsort(a, left, depth, cmp);
            a += left;
            n -= left;
        } else {
            introsort(a + left, n - left, depth, cmp);
            n = left;
        }
    }
    insertion(a, n, cmp);
}

static uint32_t data[MAX_N];

static uint64_t kernel(uint32_t n) {
    if (n > MAX_N) n = MAX_N;
    uint64_t seed = 0x853c49e6748fea9bull;
    for (uint32_t i = 0; i < n; i++) data[i] = (uint32_t)bench_xorshift(&seed);
    unsigned depth = 0;
    for (uint32_t m = n; m > 1; m >>= 1) depth += 2;
    /* The function pointer goes through a volatile so no build inlines it away. */
    cmp_fn volatile cmp = cmp_u32;
    introsort(data, n, depth, cmp);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0 && data[i - 1] > data[i]) return 0; /* not sorted: a checksum no build expects */
        sum += (uint64_t)data[i] * (i + 1);
    }
    return sum;
}

BENCH_ENTRY(sort)
