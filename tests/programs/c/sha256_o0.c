/* echovm-cflags: -O0 */
/* sha256.c at -O0: every variable lives in a stack slot, so this is mostly
 * rbp-relative loads and stores and unoptimised call sequences. */
#include "sha256.c"
