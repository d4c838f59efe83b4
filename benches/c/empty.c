/* The empty call: the entry returns at once. Measures per-call overhead
 * (instantiate/load + enter + leave), not code speed. The checksum is 0 in
 * the native and wasm builds; the VM build returns no data at all. */
#include "bench.h"

#if defined(BENCH_WASM) || defined(BENCH_NATIVE)
static uint64_t kernel(uint32_t n) { return n & 0; }
BENCH_ENTRY(empty)
#else
ECHOVM_ENTRY {}
#endif
