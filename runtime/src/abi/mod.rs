//! Interrupt dispatch: `int N` calls host function N (SPEC §3).
//!
//! Arguments come in rdi, rsi, rdx, rcx, r8, r9, r10; the result goes to rax;
//! every other register and RFLAGS are preserved. Each handler charges its
//! gas (base + metered length, from the schedule) *before* doing the work, and
//! checks every pointer/length pair against guest memory permissions.

mod args;
mod call;
mod context;
mod crypto;
mod event;
mod guest_bytes;
mod heap;
mod io;
mod storage;
mod vector;

pub use call::{CALL_FAILED, CALL_REVERTED, CALL_SUCCESS};
pub use vector::Vector;

use crate::cpu::reg;
use crate::fault::Fault;
use crate::host::Status;
use crate::interp::Vm;

/// What the interrupted program does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// The call ends with this status (finish, revert).
    End(Status),
}

/// Why an interrupt stopped the call abnormally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    OutOfGas,
    Fault(Fault),
}

impl From<Fault> for Stop {
    fn from(f: Fault) -> Self {
        Stop::Fault(f)
    }
}

pub type AbiResult = Result<Flow, Stop>;

/// Argument registers in ABI order.
const ARG_REGS: [u8; 7] = [reg::RDI, 6, reg::RDX, reg::RCX, reg::R8, reg::R9, reg::R10];

impl Vm<'_> {
    /// Argument `i` (0-based) of the current interrupt.
    #[inline]
    pub fn arg(&self, i: usize) -> u64 {
        self.cpu.gpr[ARG_REGS[i] as usize]
    }

    /// Set the interrupt's result register.
    #[inline]
    pub fn ret(&mut self, v: u64) {
        self.cpu.gpr[reg::RAX as usize] = v;
    }

    /// Charge the vector's cost for a metered length of `len` bytes.
    pub fn charge_vector(&mut self, v: Vector, len: u64) -> Result<(), Stop> {
        let cost = self
            .schedule
            .interrupt(v as u8)
            .map(|c| c.cost(len))
            .unwrap_or(u64::MAX);
        self.charge(cost).map_err(|_| Stop::OutOfGas)
    }

    /// Charge an additional amount (surcharges).
    pub fn charge_extra(&mut self, amount: u64) -> Result<(), Stop> {
        self.charge(amount).map_err(|_| Stop::OutOfGas)
    }

    /// Read a guest byte range (checked against read permission).
    pub fn read_guest(&self, ptr: u64, len: u64) -> Result<Vec<u8>, Stop> {
        Ok(self.mem.read_vec(ptr, len)?)
    }

    /// Read a fixed-size guest array.
    pub fn read_array<const N: usize>(&self, ptr: u64) -> Result<[u8; N], Stop> {
        let mut b = [0u8; N];
        self.mem.read_bytes(ptr, &mut b)?;
        Ok(b)
    }

    /// Write to guest memory (checked against write permission before any
    /// byte changes: `Memory::write_bytes` checks the whole range first
    /// unless it lies inside one writable region).
    pub fn write_guest(&mut self, ptr: u64, data: &[u8]) -> Result<(), Stop> {
        Ok(self.mem.write_bytes(ptr, data)?)
    }

    /// Fail with a limit fault unless `value <= limit`.
    pub fn within(what: &'static str, value: u64, limit: u64) -> Result<(), Stop> {
        if value > limit {
            Err(Stop::Fault(Fault::Limit { what, value, limit }))
        } else {
            Ok(())
        }
    }
}

/// Run host function `vector` for the current program.
pub fn dispatch(vm: &mut Vm, vector: u8) -> AbiResult {
    let Some(v) = Vector::from_u8(vector) else {
        return Err(Stop::Fault(Fault::BadVector(vector)));
    };
    use Vector::*;
    match v {
        Memmove | Memcmp | Memset => io::memory(vm, v),
        GasLimit | GasLeft | InputSize | InputRead | SetReturn | Revert | Finish | DebugPrint => {
            io::call_io(vm, v)
        }
        HeapAlloc | HeapRealloc | HeapFree => heap::heap(vm, v),
        Balance | Transfer | BlockHash | BlockAuthor | BlockHeight | BlockTimestamp | CallValue
        | Caller | Origin | SelfAddress | IsDeploy => context::context(vm, v),
        Call | ReturnDataSize | ReturnDataRead => call::call(vm, v),
        EmitEvent => event::emit_event(vm, v),
        StorageRead | StorageWrite | StorageRemove | StorageSize => storage::storage(vm, v),
        Keccak256 | Sha256 | Secp256k1Recover | Secp256k1Verify | U256Mulmod | U256Addmod
        | U256Powmod | U256Divmod | U256MulWide | Modexp => crypto::crypto(vm, v),
    }
}
