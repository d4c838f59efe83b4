/* Calls every interrupt wrapper of echovm.h once, so a build at -O0 and -O2
 * proves they all compile (asm constraints, register variables) and the
 * disassembly shows one `int $N` per ABI vector. Not meant to be run. */
#include "echovm.h"

ECHOVM_ENTRY {
    evm_address a = {{0}};
    evm_hash32 h = {{0}};
    evm_u128 v = 0;
    evm_u256 x = {{0}}, y = {{0}}, m = {{0}}, o;
    evm_u512 w;
    uint8_t sig[64] = {0}, pub[64];
    char buf[64] = "x";
    void *p = evm_heap_alloc(32);
    p = evm_heap_realloc(p, 64);
    evm_memmove(buf + 1, buf, 8);
    (void)evm_memcmp(buf, buf + 1, 4);
    evm_memset(buf, 1, 4);
    evm_heap_free(p);
    evm_balance(&a, &v);
    (void)evm_transfer(&a, &v);
    (void)evm_block_hash(evm_block_height(), &h);
    evm_block_author(&a);
    (void)evm_gas_limit();
    (void)evm_block_timestamp();
    evm_call_value(&v);
    evm_caller(&a);
    evm_origin(&a);
    evm_self_address(&a);
    (void)evm_is_deploy();
    (void)evm_gas_left();
    (void)evm_call(&a, buf, 4, 1000, &v);
    (void)evm_return_data_size();
    (void)evm_return_data_read(buf, 0, 8);
    evm_emit_event(&h, buf, 4);
    (void)evm_input_size();
    (void)evm_input_read(buf, 0, 8);
    evm_set_return(buf, 4);
    evm_debug_print(buf, 4);
    (void)evm_storage_read(buf, 4, buf, 8);
    evm_storage_write(buf, 4, buf, 8);
    (void)evm_storage_remove(buf, 4);
    (void)evm_storage_size(buf, 4);
    evm_keccak256(buf, 4, &h);
    evm_sha256(buf, 4, &h);
    (void)evm_secp256k1_recover(&h, sig, 0, pub);
    (void)evm_secp256k1_verify(&h, sig, pub, 64);
    evm_u256_mulmod(&x, &y, &m, &o);
    evm_u256_addmod(&x, &y, &m, &o);
    evm_u256_powmod(&x, &y, &m, &o);
    (void)evm_u256_divmod(&x, &y, &o, &m);
    evm_u256_mul_wide(&x, &y, &w);
    evm_modexp(buf, 4, buf, 4, buf, 4, buf);
    if (buf[0]) evm_revert_str("r");
    evm_finish(&w, sizeof w);
}
