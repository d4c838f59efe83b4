/* Allocates 1 MiB blocks until heap_alloc returns 0, touching each one;
 * returns the number of blocks obtained (u64). Input byte 1: instead of
 * stopping at 0, write through the null pointer (must fault). */
#include "echovm.h"
ECHOVM_ENTRY {
    unsigned char mode = 0;
    if (evm_input_size() > 0) evm_input_read(&mode, 0, 1);
    unsigned long n = 0;
    for (;;) {
        unsigned char *p = (unsigned char *)evm_heap_alloc(1 << 20);
        if (!p && !mode) break;
        p[0] = 1;
        p[(1 << 20) - 1] = 1;
        n++;
    }
    evm_return(&n, sizeof n);
}
