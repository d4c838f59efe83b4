/*
 * counter — the smallest stateful contract (used by the README demo).
 *
 * Input: empty or 0x00 -> get; 0x01 ‖ by (u64 LE) -> add `by`, event
 * Incremented (topic keccak256("Incremented"), data = new value u64 LE).
 * Returns the counter value as u64 LE (8 bytes). Storage: "count" -> u64 LE.
 * Reverts "counter overflow" instead of wrapping, "bad input" on anything
 * else.
 */
#include "echovm.h"

static const char KEY[] = "count";

ECHOVM_ENTRY {
    uint64_t n = 0, by = 0;
    uint8_t selector = 0;
    uint64_t len = evm_input_size();
    evm_storage_read(KEY, sizeof KEY - 1, &n, sizeof n);
    if (len > 0) evm_input_read(&selector, 0, 1);
    if (selector == 0x00 && len <= 1) evm_return(&n, sizeof n);
    if (selector != 0x01 || len != 9) evm_revert_str("bad input");
    evm_input_read(&by, 1, 8);
    if (n + by < n) evm_revert_str("counter overflow");
    n += by;
    evm_storage_write(KEY, sizeof KEY - 1, &n, sizeof n);
    static const char name[] = "Incremented";
    evm_hash32 topic;
    evm_keccak256(name, sizeof name - 1, &topic);
    evm_emit_event(&topic, &n, sizeof n);
    evm_return(&n, sizeof n);
}
