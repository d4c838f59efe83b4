/* echovm-cflags: -Os */
/* -Os code: gcc uses rep movsb/movsq and rep stosb/stosq for struct copies
 * and clears, plus compact loops for strings: copies, reversal, search,
 * number formatting and a tiny tokenizer. */
#include "common.h"

struct blob { uint64_t id; char text[200]; uint32_t counts[40]; };

static struct blob make(uint64_t id, const char *s) {
    struct blob b = {0};            /* rep stos */
    b.id = id;
    for (int i = 0; s[i] && i < 199; i++) b.text[i] = s[i];
    for (int i = 0; i < 40; i++) b.counts[i] = (uint32_t)(id * (uint64_t)i);
    return b;                       /* struct return: rep movs */
}

static size_t my_strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

static void reverse(char *s) {
    size_t n = my_strlen(s);
    for (size_t i = 0; i < n / 2; i++) { char t = s[i]; s[i] = s[n - 1 - i]; s[n - 1 - i] = t; }
}

static const char *find(const char *hay, const char *needle) {
    size_t n = my_strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] == needle[i]) i++;
        if (i == n) return hay;
    }
    return 0;
}

static int to_upper_count(char *s) {
    int c = 0;
    for (; *s; s++) if (*s >= 'a' && *s <= 'z') { *s = (char)(*s - 32); c++; }
    return c;
}

static struct blob pool[8];

ECHOVM_ENTRY {
    size_t n;
    uint8_t *in = evm_input_read_all(&n);
    char text[256];
    size_t m = n < 255 ? n : 255;
    memcpy(text, in, m);
    text[m] = 0;

    pool[0] = make(1, text);
    for (int i = 1; i < 8; i++) { pool[i] = pool[i - 1]; pool[i].id += (uint64_t)i; pool[i].counts[i] ^= 0xabcu; }
    struct blob copy = pool[7];
    uint64_t h = 0;
    for (int i = 0; i < 40; i++) h = h * 131 + copy.counts[i];
    out_str("blob id="); out_u64(copy.id); out_str(" h="); out_hex64(h); out_str(" text="); out_str(copy.text); out_str("\n");

    char buf[256];
    memcpy(buf, text, m + 1);
    reverse(buf);
    out_str("reversed="); out_str(buf); out_str("\n");
    out_str("upper="); out_u64((uint64_t)to_upper_count(buf)); out_str(" "); out_str(buf); out_str("\n");
    const char *f = find(text, "fox");
    out_str("find fox at "); out_i64(f ? (int64_t)(f - text) : -1); out_str("\n");
    f = find(text, "cat");
    out_str("find cat at "); out_i64(f ? (int64_t)(f - text) : -1); out_str("\n");

    /* tokenizer: count words and sum their lengths */
    int words = 0, total = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *s = p;
        while (*p && *p != ' ') p++;
        words++;
        total += (int)(p - s);
    }
    out_str("words="); out_u64((uint64_t)words); out_str(" chars="); out_u64((uint64_t)total); out_str("\n");

    static char big[4096];
    memset(big, 'x', sizeof big - 1);   /* rep stos */
    big[100] = 0;
    out_str("biglen="); out_u64(my_strlen(big)); out_str("\n");
    struct blob zero;
    memset(&zero, 0, sizeof zero);
    out_str("zero-eq="); out_u64(memcmp(&zero, &pool[0], sizeof zero) != 0); out_str("\n");
    out_finish();
}
