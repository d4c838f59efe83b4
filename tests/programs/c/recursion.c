/* Deep and branchy recursion: call/ret, push/pop, stack frames. Fibonacci,
 * Ackermann, Towers of Hanoi, N-queens (backtracking), mutual recursion,
 * recursive descent over a binary tree built on the heap. */
#include "common.h"

__attribute__((noinline)) static uint64_t fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static uint64_t ack(uint64_t m, uint64_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static uint64_t hanoi_moves, hanoi_check;
__attribute__((noinline)) static void hanoi(int n, int from, int to, int via) {
    if (n == 0) return;
    hanoi(n - 1, from, via, to);
    hanoi_moves++;
    hanoi_check = hanoi_check * 7 + (uint64_t)(from * 3 + to);
    hanoi(n - 1, via, to, from);
}

static int queens(int n, int row, uint32_t cols, uint32_t d1, uint32_t d2) {
    if (row == n) return 1;
    int count = 0;
    for (int c = 0; c < n; c++) {
        uint32_t a = 1u << c, b = 1u << (row + c), d = 1u << (row - c + n);
        if ((cols & a) || (d1 & b) || (d2 & d)) continue;
        count += queens(n, row + 1, cols | a, d1 | b, d2 | d);
    }
    return count;
}

static int is_odd(unsigned n);
__attribute__((noinline)) static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
__attribute__((noinline)) static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

struct node { struct node *l, *r; uint32_t key; };
static struct node *insert(struct node *t, uint32_t key) {
    if (!t) { t = malloc(sizeof *t); t->l = t->r = 0; t->key = key; return t; }
    if (key < t->key) t->l = insert(t->l, key); else if (key > t->key) t->r = insert(t->r, key);
    return t;
}
static uint32_t depth(const struct node *t) {
    if (!t) return 0;
    uint32_t a = depth(t->l), b = depth(t->r);
    return 1 + (a > b ? a : b);
}
static uint64_t inorder_hash(const struct node *t, uint64_t h) {
    if (!t) return h;
    h = inorder_hash(t->l, h);
    h = h * 1000003 ^ t->key;
    return inorder_hash(t->r, h);
}
static void free_tree(struct node *t) { if (t) { free_tree(t->l); free_tree(t->r); free(t); } }

ECHOVM_ENTRY {
    out_kv("fib(25)", fib(25));
    out_kv("ack(2,3)", ack(2, 3));
    out_kv("ack(3,5)", ack(3, 5));
    hanoi(16, 0, 2, 1);
    out_kv("hanoi(16)", hanoi_moves);
    out_str("hanoi-check="); out_hex64(hanoi_check); out_str("\n");
    for (int n = 4; n <= 9; n++) { out_str("queens("); out_u64((uint64_t)n); out_str(")="); out_u64((uint64_t)queens(n, 0, 0, 0, 0)); out_str("\n"); }
    out_kv("is_even(10001)", (uint64_t)is_even(10001));
    out_kv("is_even(20000)", (uint64_t)is_even(20000));
    size_t n;
    uint8_t *in = evm_input_read_all(&n);
    struct node *t = 0;
    uint32_t x = 1;
    for (size_t i = 0; i < n; i++) x = x * 31 + in[i];
    for (int i = 0; i < 2000; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; t = insert(t, x % 100000); }
    out_kv("tree-depth", depth(t));
    out_str("tree-hash="); out_hex64(inorder_hash(t, 0)); out_str("\n");
    free_tree(t);
    out_finish();
}
