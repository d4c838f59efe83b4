/*
 * token.c — a small fungible token written against the C SDK, for end-to-end
 * tests of the ABI and the state layer.
 *
 * Deploy input: initial supply (u128 LE), credited to the deployer.
 * Call input:
 *   't' to[32] amount[16]   transfer from the caller; reverts "insufficient"
 *   'b' who[32]             returns the balance (16 bytes)
 *   's' n[8]                builds 0..n-1 in a realloc-grown array, returns their sum (libc heap)
 * Every successful transfer emits topic keccak256("Transfer") with data
 * from ‖ to ‖ amount.
 */
#include "echovm.h"

typedef struct { uint8_t tag[3]; evm_address who; } bal_key;

static evm_u128 balance_of(const evm_address *who) {
    bal_key k = { { 'b', 'a', 'l' }, *who };
    evm_u128 v = 0;
    int64_t n = evm_storage_read(&k, sizeof k, &v, sizeof v);
    return n < 0 ? 0 : v;
}

static void set_balance(const evm_address *who, evm_u128 v) {
    bal_key k = { { 'b', 'a', 'l' }, *who };
    if (v == 0) evm_storage_remove(&k, sizeof k);
    else evm_storage_write(&k, sizeof k, &v, sizeof v);
}

ECHOVM_ENTRY {
    size_t len;
    uint8_t *in = evm_input_read_all(&len);
    evm_address caller;
    evm_caller(&caller);
    if (evm_is_deploy()) {
        if (len != 16) evm_revert_str("deploy input: supply (16 bytes)");
        evm_u128 supply;
        memcpy(&supply, in, 16);
        set_balance(&caller, supply);
        evm_finish(0, 0);
    }
    if (len == 0) evm_revert_str("empty input");
    if (in[0] == 't' && len == 1 + 32 + 16) {
        evm_address to;
        evm_u128 amount;
        memcpy(&to, in + 1, 32);
        memcpy(&amount, in + 33, 16);
        evm_u128 from_bal = balance_of(&caller);
        if (from_bal < amount) evm_revert_str("insufficient");
        set_balance(&caller, from_bal - amount);
        set_balance(&to, balance_of(&to) + amount);
        uint8_t data[80];
        memcpy(data, &caller, 32);
        memcpy(data + 32, &to, 32);
        memcpy(data + 64, &amount, 16);
        evm_hash32 topic;
        evm_keccak256("Transfer", 8, &topic);
        evm_emit_event(&topic, data, sizeof data);
        evm_finish(0, 0);
    }
    if (in[0] == 'b' && len == 33) {
        evm_u128 v = balance_of((const evm_address *)(in + 1));
        evm_finish(&v, sizeof v);
    }
    if (in[0] == 's' && len == 9) {
        uint64_t n;
        memcpy(&n, in + 1, 8);
        uint64_t *xs = 0;
        size_t cap = 0;
        for (uint64_t i = 0; i < n; i++) {
            if (i == cap) {
                cap = cap ? 2 * cap : 4;
                uint64_t *grown = realloc(xs, cap * sizeof *xs);
                if (!grown) evm_revert_str("out of heap");
                xs = grown;
            }
            xs[i] = i;
        }
        uint64_t sum = 0;
        for (uint64_t i = 0; i < n; i++) sum += xs[i];
        free(xs);
        free(in);
        evm_finish(&sum, sizeof sum);
    }
    evm_revert_str("unknown command");
}
