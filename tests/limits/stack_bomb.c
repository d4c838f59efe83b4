/* Unbounded recursion: must end in a stack-overflow fault naming the limit. */
#include "echovm.h"
__attribute__((noinline)) static unsigned long deep(volatile unsigned long n) {
    volatile char pad[256];
    pad[0] = (char)n;
    return deep(n + 1) + pad[0];
}
ECHOVM_ENTRY {
    unsigned long r = deep(0);
    evm_return(&r, sizeof r);
}
