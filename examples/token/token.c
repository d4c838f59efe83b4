/*
 * token — a fungible token on the echovm C SDK.
 *
 * Deploy input: total_supply (u128, 16 bytes LE); the whole supply is minted
 * to the deployer. Calls: a selector byte, then fixed-size little-endian
 * fields (docs/EXAMPLES.md):
 *   0x01 transfer(to: 32 bytes, amount: u128)  -> (empty); event Transfer
 *   0x02 balance_of(owner: 32 bytes)           -> u128 (16 bytes)
 *   0x03 total_supply()                        -> u128 (16 bytes)
 * Event Transfer: topic keccak256("Transfer"), data from ‖ to ‖ amount
 * (80 bytes); the deploy mint emits it with from = 32 zero bytes.
 * Storage: "bal:" ‖ owner -> u128 LE (absent = 0); "supply" -> u128 LE.
 * Errors revert with a message: "insufficient balance", "bad input: ...".
 */
#include "echovm.h"

#define KEY_PREFIX "bal:"
#define KEY_PREFIX_LEN 4

typedef struct { uint8_t bytes[KEY_PREFIX_LEN + 32]; } balance_key;

static balance_key key_of(const evm_address *owner) {
    balance_key k;
    memcpy(k.bytes, KEY_PREFIX, KEY_PREFIX_LEN);
    memcpy(k.bytes + KEY_PREFIX_LEN, owner->bytes, 32);
    return k;
}

static evm_u128 balance_of(const evm_address *owner) {
    balance_key k = key_of(owner);
    evm_u128 v = 0;
    int64_t n = evm_storage_read(k.bytes, sizeof k.bytes, &v, sizeof v);
    if (n < 0) return 0; /* never credited */
    if (n != (int64_t)sizeof v) evm_revert_str("corrupt balance entry");
    return v;
}

static void set_balance(const evm_address *owner, evm_u128 v) {
    balance_key k = key_of(owner);
    evm_storage_write(k.bytes, sizeof k.bytes, &v, sizeof v);
}

static void emit_transfer(const evm_address *from, const evm_address *to, evm_u128 amount) {
    static const char name[] = "Transfer";
    uint8_t data[80];
    evm_hash32 topic;
    evm_keccak256(name, sizeof name - 1, &topic);
    memcpy(data, from->bytes, 32);
    memcpy(data + 32, to->bytes, 32);
    memcpy(data + 64, &amount, 16);
    evm_emit_event(&topic, data, sizeof data);
}

/* Read exactly `len` bytes of input at `off`, or revert naming the field. */
static void read_field(void *dst, size_t off, size_t len, const char *what) {
    if (evm_input_read(dst, off, len) != len) evm_revert_str(what);
}

static void require_input_size(uint64_t want) {
    if (evm_input_size() != want) evm_revert_str("bad input: wrong length for this method");
}

static void deploy(void) {
    evm_u128 supply;
    evm_address me;
    static const evm_address nobody; /* zero address: "minted" */
    require_input_size(16);
    read_field(&supply, 0, 16, "bad input: total_supply");
    evm_caller(&me);
    set_balance(&me, supply);
    static const char k[] = "supply";
    evm_storage_write(k, sizeof k - 1, &supply, sizeof supply);
    emit_transfer(&nobody, &me, supply);
}

static void transfer(void) {
    evm_address from, to;
    evm_u128 amount;
    require_input_size(1 + 32 + 16);
    read_field(&to, 1, 32, "bad input: to");
    read_field(&amount, 33, 16, "bad input: amount");
    evm_caller(&from);
    evm_u128 have = balance_of(&from);
    if (have < amount) evm_revert_str("insufficient balance");
    if (memcmp(&from, &to, sizeof from) != 0) {
        evm_u128 theirs = balance_of(&to);
        /* Cannot overflow while balances sum to the supply, but a silent
         * wrap would mint tokens, so check anyway. */
        if (theirs + amount < theirs) evm_revert_str("balance overflow");
        set_balance(&from, have - amount);
        set_balance(&to, theirs + amount);
    }
    emit_transfer(&from, &to, amount);
}

ECHOVM_ENTRY {
    if (evm_is_deploy()) {
        deploy();
        return;
    }
    uint8_t selector;
    if (evm_input_read(&selector, 0, 1) != 1) evm_revert_str("bad input: empty (expected a selector byte)");
    switch (selector) {
    case 0x01:
        transfer();
        return;
    case 0x02: {
        evm_address owner;
        require_input_size(1 + 32);
        read_field(&owner, 1, 32, "bad input: owner");
        evm_u128 v = balance_of(&owner);
        evm_return(&v, sizeof v);
    }
    case 0x03: {
        static const char k[] = "supply";
        evm_u128 v = 0;
        require_input_size(1);
        evm_storage_read(k, sizeof k - 1, &v, sizeof v);
        evm_return(&v, sizeof v);
    }
    default:
        evm_revert_str("bad input: unknown selector");
    }
}
