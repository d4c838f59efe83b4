/* echovm_native_crypto.h — portable C versions of the hash and big-integer
 * interrupts, used only by the native build (echovm_native.c). All integers
 * are little-endian byte strings, as in the VM's ABI. */
#ifndef ECHOVM_NATIVE_CRYPTO_H
#define ECHOVM_NATIVE_CRYPTO_H
#include <stddef.h>
#include <stdint.h>

void evmn_sha256(const uint8_t *p, size_t len, uint8_t out[32]);
void evmn_keccak256(const uint8_t *p, size_t len, uint8_t out[32]);
/* out (len bytes) = a*b mod m, (a+b) mod m; m = 0 gives 0. */
void evmn_mulmod(const uint8_t *a, const uint8_t *b, const uint8_t *m, uint8_t *out, size_t len);
void evmn_addmod(const uint8_t *a, const uint8_t *b, const uint8_t *m, uint8_t *out, size_t len);
/* out (mod_len bytes) = base^exp mod m; m = 0 gives 0. */
void evmn_powmod(const uint8_t *base, size_t base_len, const uint8_t *exp, size_t exp_len, const uint8_t *m,
                 uint8_t *out, size_t mod_len);
/* q = a / b, r = a % b (len bytes each); 0, or -1 when b = 0. */
int evmn_divmod(const uint8_t *a, const uint8_t *b, uint8_t *q, uint8_t *r, size_t len);
/* out (2*len bytes) = a*b. */
void evmn_mul_wide(const uint8_t *a, const uint8_t *b, uint8_t *out, size_t len);
#endif
