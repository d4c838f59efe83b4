/* Dense switch statements compiled to jump tables (indirect jmp through a
 * table in .rodata): a character-class lexer for a tiny expression language,
 * an evaluator with a precedence-climbing parser, and a 40-case opcode
 * decoder. */
#include "common.h"

enum tok { T_NUM, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PCT, T_LP, T_RP, T_AMP, T_BAR, T_CARET, T_TILDE, T_LT, T_GT, T_END, T_ERR };

static const char *src;
static int64_t tok_val;
static enum tok cur;

static enum tok lex(void) {
    for (;;) {
        char c = *src;
        switch (c) {
        case ' ': case '\t': case '\n': case '\r': src++; continue;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
            tok_val = 0;
            while (*src >= '0' && *src <= '9') tok_val = tok_val * 10 + (*src++ - '0');
            return T_NUM;
        case '+': src++; return T_PLUS;
        case '-': src++; return T_MINUS;
        case '*': src++; return T_STAR;
        case '/': src++; return T_SLASH;
        case '%': src++; return T_PCT;
        case '(': src++; return T_LP;
        case ')': src++; return T_RP;
        case '&': src++; return T_AMP;
        case '|': src++; return T_BAR;
        case '^': src++; return T_CARET;
        case '~': src++; return T_TILDE;
        case '<': src += src[1] == '<' ? 2 : 1; return T_LT;
        case '>': src += src[1] == '>' ? 2 : 1; return T_GT;
        case 0: return T_END;
        default: src++; return T_ERR;
        }
    }
}

static int prec(enum tok t) {
    switch (t) {
    case T_BAR: return 1;
    case T_CARET: return 2;
    case T_AMP: return 3;
    case T_LT: case T_GT: return 4;
    case T_PLUS: case T_MINUS: return 5;
    case T_STAR: case T_SLASH: case T_PCT: return 6;
    default: return 0;
    }
}

static int64_t expr(int min_prec);

static int64_t primary(void) {
    enum tok t = cur;
    cur = lex();
    switch (t) {
    case T_NUM: return tok_val;
    case T_MINUS: return -primary();
    case T_TILDE: return ~primary();
    case T_LP: { int64_t v = expr(1); if (cur == T_RP) cur = lex(); return v; }
    default: return 0;
    }
}

static int64_t apply(enum tok op, int64_t a, int64_t b) {
    switch (op) {
    case T_PLUS: return (int64_t)((uint64_t)a + (uint64_t)b);
    case T_MINUS: return (int64_t)((uint64_t)a - (uint64_t)b);
    case T_STAR: return (int64_t)((uint64_t)a * (uint64_t)b);
    case T_SLASH: return b == 0 || (a == INT64_MIN && b == -1) ? 0 : a / b;
    case T_PCT: return b == 0 || (a == INT64_MIN && b == -1) ? 0 : a % b;
    case T_AMP: return a & b;
    case T_BAR: return a | b;
    case T_CARET: return a ^ b;
    case T_LT: return (int64_t)((uint64_t)a << (b & 63));
    case T_GT: return a >> (b & 63);
    default: return 0;
    }
}

static int64_t expr(int min_prec) {
    int64_t lhs = primary();
    while (prec(cur) >= min_prec && prec(cur) > 0) {
        enum tok op = cur;
        int p = prec(op);
        cur = lex();
        int64_t rhs = expr(p + 1);
        lhs = apply(op, lhs, rhs);
    }
    return lhs;
}

static int64_t eval(const char *s) { src = s; cur = lex(); return expr(1); }

static uint32_t decode(uint32_t op, uint32_t acc) {
    switch (op % 40) {
    case 0: return acc + 1; case 1: return acc - 3; case 2: return acc * 5; case 3: return acc ^ 0x5a5a;
    case 4: return acc << 1; case 5: return acc >> 2; case 6: return ~acc; case 7: return acc | 0x100;
    case 8: return acc & 0xfff0fff; case 9: return acc + op; case 10: return acc * 33 + 7; case 11: return acc - op;
    case 12: return (acc << 7) | (acc >> 25); case 13: return acc / 3; case 14: return acc % 1000003; case 15: return acc + 0x9e37;
    case 16: return acc ^ (acc >> 13); case 17: return acc * 0x2545F491u; case 18: return acc + 18; case 19: return acc ^ 19;
    case 20: return acc - 20; case 21: return acc * 21; case 22: return acc | 22; case 23: return acc & ~23u;
    case 24: return acc + (acc >> 24); case 25: return acc ^ (acc << 5); case 26: return acc + 26 * op; case 27: return acc - (acc >> 1);
    case 28: return acc * 3 + op; case 29: return acc ^ 0xdeadbeef; case 30: return acc + 30; case 31: return (acc >> 3) | (acc << 29);
    case 32: return acc * 32 + 1; case 33: return acc ^ 33; case 34: return acc - 34; case 35: return acc + op * op;
    case 36: return acc / 7 + 36; case 37: return acc ^ (op << 8); case 38: return acc + 38; default: return acc * 39;
    }
}

ECHOVM_ENTRY {
    static const char *exprs[] = {"1 + 2 * 3", "(1 + 2) * 3", "100 / 7 % 5 - -3", "~0 & 255 | 1 << 12",
                                  "2 * (3 + 4) * (5 - 6) ^ 1023", "1 << 62 >> 3", "9223372036854775807 + 1",
                                  "-8 / 0", "((((((42))))))", "7 % -3 + -7 % 3"};
    for (unsigned i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        out_str(exprs[i]); out_str(" = "); out_i64(eval(exprs[i])); out_str("\n");
    }
    size_t n;
    uint8_t *in = evm_input_read_all(&n);
    char *text = malloc(n + 1);
    memcpy(text, in, n);
    text[n] = 0;
    out_str("input = "); out_i64(eval(text)); out_str("\n");
    uint32_t acc = 1;
    for (uint32_t i = 0; i < 5000; i++) acc = decode(i * 2654435761u >> 7, acc);
    out_str("decode "); out_hex64(acc); out_str("\n");
    out_finish();
}
