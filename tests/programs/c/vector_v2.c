/* echovm-cflags: -O3 -march=x86-64-v2 */
/* vector.c rebuilt for x86-64-v2 (SSE3/SSSE3/SSE4.1/SSE4.2/POPCNT, all
 * advertised by the VM's cpuid): pmulld, pminsd/pmaxsd, pmovsx/pmovzx,
 * pshufb, pblendvb, ptest, packusdw, popcnt replace the SSE2 sequences. */
#include "vector.c"
