/* A call that does work, writes storage and prints, then reverts: the VM
 * must report status "reverted" with the message as return data (native
 * exit status 1) and keep the debug output. */
#include "common.h"

ECHOVM_ENTRY {
    size_t n;
    uint8_t *in = evm_input_read_all(&n);
    evm_storage_write("key", 3, in, n);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ in[i]) * 16777619u;
    evm_print("about to revert");
    out_str("reverted: fnv=");
    out_hex64(h);
    out_str(" len=");
    out_u64(n);
    evm_set_return("ignored", 7);
    evm_revert(out_buf, out_len);
}
