/* echovm-cflags: -O2 -march=x86-64-v2 -mbmi -mbmi2 -mlzcnt -mmovbe */
/* BMI1/BMI2/LZCNT/POPCNT/MOVBE code (all advertised by the VM's cpuid):
 * tzcnt/lzcnt/popcnt at 16/32/64 bits including zero inputs, andn,
 * blsi/blsr (gcc expands blsmsk itself), bextr, bzhi, shlx/shrx/sarx, rorx, mulx, pdep/pext,
 * movbe loads/stores, and the flags they leave for following branches. */
#include <x86gprintrin.h>
#include "common.h"

static volatile uint64_t seeds[] = {0, 1, 0x8000000000000000ull, 0xffffffffffffffffull, 0x0123456789abcdefull,
                                    0x00000000ffff0000ull, 0x5555555555555555ull, 0x7fffffffffffffffull,
                                    0x0000000100000000ull, 0xdeadbeefcafef00dull, 0x0000000000008000ull};

__attribute__((noinline)) static uint64_t be_load(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return __builtin_bswap64(v); }
__attribute__((noinline)) static void be_store32(uint8_t *p, uint32_t v) { v = __builtin_bswap32(v); memcpy(p, &v, 4); }

ECHOVM_ENTRY {
    unsigned n = sizeof seeds / sizeof seeds[0];
    for (unsigned i = 0; i < n; i++) {
        uint64_t x = seeds[i], y = seeds[(i + 4) % n];
        unsigned s = (unsigned)(i * 11 + 3);
        unsigned long long hi;
        out_hex64(x);
        out_str(" tz="); out_u64(_tzcnt_u64(x)); out_str(","); out_u64(_tzcnt_u32((uint32_t)x)); out_str(","); out_u64(__tzcnt_u16((uint16_t)x));
        out_str(" lz="); out_u64(_lzcnt_u64(x)); out_str(","); out_u64(_lzcnt_u32((uint32_t)x)); out_str(","); out_u64(__lzcnt16((uint16_t)x));
        out_str(" pop="); out_u64((uint64_t)_mm_popcnt_u64(x)); out_str(","); out_u64((uint64_t)_mm_popcnt_u32((uint32_t)x));
        out_str(" andn="); out_hex64(_andn_u64(x, y));
        out_str(" blsi="); out_hex64(_blsi_u64(x)); out_str(" blsr="); out_hex64(_blsr_u64(x)); out_str(" blsmsk="); out_hex64(_blsmsk_u64(x));
        out_str(" bextr="); out_hex64(_bextr_u64(x, s % 64, (s * 7) % 70));
        out_str(" bzhi="); out_hex64(_bzhi_u64(x, s % 80)); out_str(","); out_hex64(_bzhi_u32((uint32_t)x, s % 40));
        out_str(" shlx="); out_hex64(x << (s % 64)); out_str(" shrx="); out_hex64(x >> (s % 64));
        out_str(" sarx="); out_hex64((uint64_t)((int64_t)x >> (s % 64)));
        out_str(" rorx="); out_hex64((x >> 13) | (x << 51)); out_str(","); out_hex64(((uint32_t)x >> 7) | ((uint32_t)x << 25));
        uint64_t lo = _mulx_u64(x, y, &hi);
        out_str(" mulx="); out_hex64(hi); out_hex64(lo);
        out_str(" pdep="); out_hex64(_pdep_u64(x, y)); out_str(","); out_hex64(_pdep_u32((uint32_t)x, (uint32_t)y));
        out_str(" pext="); out_hex64(_pext_u64(x, y)); out_str(","); out_hex64(_pext_u32((uint32_t)x, (uint32_t)y));
        out_str("\n");
    }
    size_t len;
    uint8_t *in = evm_input_read_all(&len);
    uint8_t buf[16] = {0};
    memcpy(buf, in, len < 16 ? len : 16);
    out_str("movbe "); out_hex64(be_load(buf)); out_str(" "); out_hex64(be_load(buf + 8));
    be_store32(buf, 0x11223344u);
    out_str(" "); out_hex(buf, 8); out_str("\n");
    /* flag consumers after BMI ops: branches on CF/ZF set by tzcnt/lzcnt/blsr */
    unsigned zero_tz = 0, pow2 = 0;
    for (unsigned i = 0; i < n; i++) {
        if (_tzcnt_u64(seeds[i]) == 64) zero_tz++;
        if (seeds[i] && _blsr_u64(seeds[i]) == 0) pow2++;
    }
    out_kv("zero", zero_tz);
    out_kv("pow2", pow2);
    out_finish();
}
