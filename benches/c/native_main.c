/* Standalone native driver: `native_main NAME N REPS` runs one kernel REPS
 * times, timing only the kernel with clock_gettime(CLOCK_THREAD_CPUTIME_ID), and
 * prints "MEDIAN_NS CHECKSUM". Used for the qemu-x86_64 column (the
 * in-process native figures come from the runner itself). Storage is a
 * small open-addressing table with the storage_read/write contract. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t bench_fib(uint32_t), bench_sha256(uint32_t), bench_keccak(uint32_t), bench_sort(uint32_t),
    bench_bigint(uint32_t), bench_interp(uint32_t), bench_matmul(uint32_t), bench_storage(uint32_t),
    bench_empty(uint32_t);

static const struct {
    const char *name;
    uint64_t (*fn)(uint32_t);
} kernels[] = {{"fib", bench_fib},       {"sha256", bench_sha256}, {"keccak", bench_keccak},
               {"sort", bench_sort},     {"bigint", bench_bigint}, {"interp", bench_interp},
               {"matmul", bench_matmul}, {"storage", bench_storage}, {"empty", bench_empty}};

#define TABLE 4096
#define MAX_KEY 64
#define MAX_VAL 64
static struct slot {
    int used;
    size_t klen, vlen;
    uint8_t key[MAX_KEY], val[MAX_VAL];
} table[TABLE];

static size_t hash(const uint8_t *k, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) h = (h ^ k[i]) * 0x100000001b3ull;
    return (size_t)(h % TABLE);
}

static struct slot *find(const void *key, size_t klen, int insert) {
    if (klen > MAX_KEY) abort();
    for (size_t i = hash(key, klen), probes = 0; probes < TABLE; i = (i + 1) % TABLE, probes++) {
        if (!table[i].used) {
            if (!insert) return NULL;
            table[i].used = 1;
            table[i].klen = klen;
            memcpy(table[i].key, key, klen);
            table[i].vlen = 0;
            return &table[i];
        }
        if (table[i].klen == klen && memcmp(table[i].key, key, klen) == 0) return &table[i];
    }
    abort(); /* table full: the benchmarks use far fewer slots */
}

int64_t bench_storage_read(const void *key, size_t key_len, void *dst, size_t cap) {
    struct slot *s = find(key, key_len, 0);
    if (!s) return -1;
    memcpy(dst, s->val, s->vlen < cap ? s->vlen : cap);
    return (int64_t)s->vlen;
}

void bench_storage_write(const void *key, size_t key_len, const void *val, size_t val_len) {
    if (val_len > MAX_VAL) abort();
    struct slot *s = find(key, key_len, 1);
    memcpy(s->val, val, val_len);
    s->vlen = val_len;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s NAME N REPS\n", argv[0]);
        return 2;
    }
    uint64_t (*fn)(uint32_t) = NULL;
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
        if (strcmp(kernels[i].name, argv[1]) == 0) fn = kernels[i].fn;
    if (!fn) {
        fprintf(stderr, "unknown benchmark %s\n", argv[1]);
        return 2;
    }
    uint32_t n = (uint32_t)strtoul(argv[2], NULL, 10);
    int reps = atoi(argv[3]);
    if (reps < 1 || reps > 1000) return 2;
    uint64_t *ns = calloc((size_t)reps, sizeof *ns);
    uint64_t sum = 0;
    for (int r = 0; r < reps; r++) {
        memset(table, 0, sizeof table);
        struct timespec t0, t1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        uint64_t c = fn(n);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        if (r > 0 && c != sum) {
            fprintf(stderr, "checksum changed between runs\n");
            return 1;
        }
        sum = c;
        ns[r] = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ull + (uint64_t)(t1.tv_nsec - t0.tv_nsec);
    }
    qsort(ns, (size_t)reps, sizeof *ns, cmp_u64);
    printf("%llu %llu\n", (unsigned long long)ns[reps / 2], (unsigned long long)sum);
    return 0;
}
