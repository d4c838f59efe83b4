//! Raw interrupts of ABI version 1 (SPEC §3): one `unsafe fn` per vector.
//!
//! Arguments go in rdi, rsi, rdx, rcx, r8, r9, r10 and the result comes back
//! in rax; the VM preserves every other register, so each `asm!` block
//! declares only rax as clobbered. The blocks keep the default memory
//! semantics (the host may read and write guest memory through the pointers)
//! and `nostack` (the VM's `int` does not push onto the guest stack, unlike a
//! CPU's). RFLAGS are not declared preserved: the spec promises it, but
//! claiming it would buy nothing measurable and turns any host bug into
//! silent miscompilation.
//!
//! Safety, for every function here: pointer/length pairs must describe memory
//! that is readable (inputs) or writable (outputs) for the stated length, or
//! the VM faults the call. Prefer the safe wrappers in the other modules.

#![allow(clippy::missing_safety_doc)]

/// `int $v` with up to seven register arguments, result in rax.
macro_rules! int {
    ($v:literal) => {{
        let r: i64;
        core::arch::asm!(concat!("int ", $v), lateout("rax") r, options(nostack));
        r
    }};
    ($v:literal, $a:expr) => {{
        let r: i64;
        core::arch::asm!(concat!("int ", $v), in("rdi") $a as u64, lateout("rax") r, options(nostack));
        r
    }};
    ($v:literal, $a:expr, $b:expr) => {{
        let r: i64;
        core::arch::asm!(concat!("int ", $v), in("rdi") $a as u64, in("rsi") $b as u64,
            lateout("rax") r, options(nostack));
        r
    }};
    ($v:literal, $a:expr, $b:expr, $c:expr) => {{
        let r: i64;
        core::arch::asm!(concat!("int ", $v), in("rdi") $a as u64, in("rsi") $b as u64,
            in("rdx") $c as u64, lateout("rax") r, options(nostack));
        r
    }};
    ($v:literal, $a:expr, $b:expr, $c:expr, $d:expr) => {{
        let r: i64;
        core::arch::asm!(concat!("int ", $v), in("rdi") $a as u64, in("rsi") $b as u64,
            in("rdx") $c as u64, in("rcx") $d as u64, lateout("rax") r, options(nostack));
        r
    }};
    ($v:literal, $a:expr, $b:expr, $c:expr, $d:expr, $e:expr) => {{
        let r: i64;
        core::arch::asm!(concat!("int ", $v), in("rdi") $a as u64, in("rsi") $b as u64,
            in("rdx") $c as u64, in("rcx") $d as u64, in("r8") $e as u64, lateout("rax") r,
            options(nostack));
        r
    }};
    ($v:literal, $a:expr, $b:expr, $c:expr, $d:expr, $e:expr, $f:expr, $g:expr) => {{
        let r: i64;
        core::arch::asm!(concat!("int ", $v), in("rdi") $a as u64, in("rsi") $b as u64,
            in("rdx") $c as u64, in("rcx") $d as u64, in("r8") $e as u64, in("r9") $f as u64,
            in("r10") $g as u64, lateout("rax") r, options(nostack));
        r
    }};
}

/// An interrupt that ends the call: the VM never returns from it.
macro_rules! int_noreturn {
    ($v:literal, $a:expr, $b:expr) => {
        core::arch::asm!(concat!("int ", $v), in("rdi") $a as u64, in("rsi") $b as u64,
            options(noreturn, nostack))
    };
}

// ---------------------------------------------------------------- heap 0x1x

/// 0x11: 16-byte aligned block, 0 when the heap limit is hit.
pub unsafe fn heap_alloc(size: usize) -> *mut u8 {
    int!("0x11", size) as usize as *mut u8
}
/// 0x12: resize (contents kept up to the smaller size), 0 when it cannot.
pub unsafe fn heap_realloc(ptr: *mut u8, size: usize) -> *mut u8 {
    int!("0x12", ptr as usize, size) as usize as *mut u8
}
/// 0x13: free; a pointer that did not come from the heap faults.
pub unsafe fn heap_free(ptr: *mut u8) {
    int!("0x13", ptr as usize);
}
/// 0x14: overlap-safe copy done by the host.
pub unsafe fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    int!("0x14", dst as usize, src as usize, n) as usize as *mut u8
}
/// 0x15: <0, 0, >0.
pub unsafe fn memcmp(a: *const u8, b: *const u8, n: usize) -> i64 {
    int!("0x15", a as usize, b as usize, n)
}
/// 0x16: fill `n` bytes with `byte`.
pub unsafe fn memset(dst: *mut u8, byte: u8, n: usize) -> *mut u8 {
    int!("0x16", dst as usize, byte, n) as usize as *mut u8
}

// ------------------------------------------------------- chain context 0x2x

/// 0x20: balance of `addr` (32 bytes) into `out` (16 bytes, u128 LE).
pub unsafe fn balance(addr: *const u8, out: *mut u8) {
    int!("0x20", addr as usize, out as usize);
}
/// 0x21: 0, or -1 when this contract's funds are short.
pub unsafe fn transfer(to: *const u8, amount: *const u8) -> i64 {
    int!("0x21", to as usize, amount as usize)
}
/// 0x24: 0 and 32 bytes written, or -1 when the height is unknown.
pub unsafe fn block_hash(height: u64, out: *mut u8) -> i64 {
    int!("0x24", height, out as usize)
}
/// 0x25: 32-byte block author.
pub unsafe fn block_author(out: *mut u8) {
    int!("0x25", out as usize);
}
/// 0x26: this call's gas limit.
pub unsafe fn gas_limit() -> u64 {
    int!("0x26") as u64
}
/// 0x27: block height.
pub unsafe fn block_height() -> u64 {
    int!("0x27") as u64
}
/// 0x28: block timestamp in milliseconds.
pub unsafe fn block_timestamp() -> u64 {
    int!("0x28") as u64
}
/// 0x29: value sent with this call (16 bytes, u128 LE).
pub unsafe fn call_value(out: *mut u8) {
    int!("0x29", out as usize);
}
/// 0x2A: immediate caller (32 bytes).
pub unsafe fn caller(out: *mut u8) {
    int!("0x2A", out as usize);
}
/// 0x2B: transaction origin (32 bytes).
pub unsafe fn origin(out: *mut u8) {
    int!("0x2B", out as usize);
}
/// 0x2C: this contract's address (32 bytes).
pub unsafe fn self_address(out: *mut u8) {
    int!("0x2C", out as usize);
}
/// 0x2E: 1 during the deploy call, else 0.
pub unsafe fn is_deploy() -> u64 {
    int!("0x2E") as u64
}
/// 0x2F: gas left.
pub unsafe fn gas_left() -> u64 {
    int!("0x2F") as u64
}

// ------------------------------------------------------- nested calls 0x3x

/// 0x30: 0 success, 1 reverted, 2 failed.
pub unsafe fn call(
    addr: *const u8,
    input: *const u8,
    input_len: usize,
    gas: u64,
    value: *const u8,
) -> i64 {
    int!(
        "0x30",
        addr as usize,
        input as usize,
        input_len,
        gas,
        value as usize
    )
}
/// 0x31: size of the last nested call's return data.
pub unsafe fn return_data_size() -> u64 {
    int!("0x31") as u64
}
/// 0x32: bytes copied.
pub unsafe fn return_data_read(dst: *mut u8, offset: usize, len: usize) -> u64 {
    int!("0x32", dst as usize, offset, len) as u64
}
/// 0x38: emit an event with a 32-byte topic.
pub unsafe fn emit_event(topic: *const u8, data: *const u8, len: usize) {
    int!("0x38", topic as usize, data as usize, len);
}

// ---------------------------------------------------------- input/output

/// 0x40: input size.
pub unsafe fn input_size() -> u64 {
    int!("0x40") as u64
}
/// 0x41: bytes copied (0 past the end).
pub unsafe fn input_read(dst: *mut u8, offset: usize, len: usize) -> u64 {
    int!("0x41", dst as usize, offset, len) as u64
}
/// 0x50: set the return data (the last call wins).
pub unsafe fn set_return(ptr: *const u8, len: usize) {
    int!("0x50", ptr as usize, len);
}
/// 0x60: end the call reverted; the message becomes the return data.
pub unsafe fn revert(msg: *const u8, len: usize) -> ! {
    int_noreturn!("0x60", msg as usize, len)
}
/// 0x61: set_return, then end the call successfully.
pub unsafe fn finish(ptr: *const u8, len: usize) -> ! {
    int_noreturn!("0x61", ptr as usize, len)
}
/// 0x62: debug output kept in the call result.
pub unsafe fn debug_print(ptr: *const u8, len: usize) {
    int!("0x62", ptr as usize, len);
}

// ------------------------------------------------------------ storage 0x7x

/// 0x70: value length (copies min(len, cap)), -1 if absent.
pub unsafe fn storage_read(key: *const u8, key_len: usize, dst: *mut u8, cap: usize) -> i64 {
    int!("0x70", key as usize, key_len, dst as usize, cap)
}
/// 0x71: write a value.
pub unsafe fn storage_write(key: *const u8, key_len: usize, val: *const u8, val_len: usize) {
    int!("0x71", key as usize, key_len, val as usize, val_len);
}
/// 0x72: 1 if the key existed, else 0.
pub unsafe fn storage_remove(key: *const u8, key_len: usize) -> i64 {
    int!("0x72", key as usize, key_len)
}
/// 0x73: value length, -1 if absent.
pub unsafe fn storage_size(key: *const u8, key_len: usize) -> i64 {
    int!("0x73", key as usize, key_len)
}

// ------------------------------------------------------------- crypto 0x8x

/// 0x80: keccak256 into 32 bytes.
pub unsafe fn keccak256(ptr: *const u8, len: usize, out: *mut u8) {
    int!("0x80", ptr as usize, len, out as usize);
}
/// 0x81: sha256 into 32 bytes.
pub unsafe fn sha256(ptr: *const u8, len: usize, out: *mut u8) {
    int!("0x81", ptr as usize, len, out as usize);
}
/// 0x82: 0 and x‖y (64 bytes, big-endian) written, or -1.
pub unsafe fn secp256k1_recover(hash: *const u8, sig: *const u8, recid: u64, out: *mut u8) -> i64 {
    int!("0x82", hash as usize, sig as usize, recid, out as usize)
}
/// 0x83: 1 valid, 0 invalid, -1 malformed.
pub unsafe fn secp256k1_verify(
    hash: *const u8,
    sig: *const u8,
    pubkey: *const u8,
    pubkey_len: usize,
) -> i64 {
    int!(
        "0x83",
        hash as usize,
        sig as usize,
        pubkey as usize,
        pubkey_len
    )
}

// ---------------------------------------------------------- big ints 0x9x

/// 0x90: out = a*b mod m (m = 0 gives 0); 32-byte LE operands.
pub unsafe fn u256_mulmod(a: *const u8, b: *const u8, m: *const u8, out: *mut u8) {
    int!("0x90", a as usize, b as usize, m as usize, out as usize);
}
/// 0x91: out = (a+b) mod m (m = 0 gives 0).
pub unsafe fn u256_addmod(a: *const u8, b: *const u8, m: *const u8, out: *mut u8) {
    int!("0x91", a as usize, b as usize, m as usize, out as usize);
}
/// 0x92: out = base^exp mod m (m = 0 gives 0).
pub unsafe fn u256_powmod(base: *const u8, exp: *const u8, m: *const u8, out: *mut u8) {
    int!(
        "0x92",
        base as usize,
        exp as usize,
        m as usize,
        out as usize
    );
}
/// 0x93: q = a / b, r = a % b; 0, or -1 when b = 0.
pub unsafe fn u256_divmod(a: *const u8, b: *const u8, q: *mut u8, r: *mut u8) -> i64 {
    int!("0x93", a as usize, b as usize, q as usize, r as usize)
}
/// 0x94: 64-byte product.
pub unsafe fn u256_mul_wide(a: *const u8, b: *const u8, out: *mut u8) {
    int!("0x94", a as usize, b as usize, out as usize);
}
/// 0x95: out (mod_len bytes) = base^exp mod mod, all little-endian.
pub unsafe fn modexp(
    base: *const u8,
    base_len: usize,
    exp: *const u8,
    exp_len: usize,
    modulus: *const u8,
    mod_len: usize,
    out: *mut u8,
) {
    int!(
        "0x95",
        base as usize,
        base_len,
        exp as usize,
        exp_len,
        modulus as usize,
        mod_len,
        out as usize
    );
}
