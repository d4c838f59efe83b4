/* memset far beyond mapped memory: must fault, and change nothing. */
#include "echovm.h"
ECHOVM_ENTRY {
    static unsigned char buf[16];
    evm_memset(buf, 0xff, (size_t)1 << 40);
    evm_return(buf, 1);
}
