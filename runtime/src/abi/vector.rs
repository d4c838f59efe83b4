//! The interrupt vectors of ABI v1 (SPEC §3).

macro_rules! vectors {
    ($($v:ident = $n:literal,)*) => {
        /// An ABI v1 interrupt vector. Any other `int N` faults.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum Vector { $($v = $n,)* }

        impl Vector {
            pub const ALL: &'static [Vector] = &[$(Vector::$v,)*];
            pub fn from_u8(n: u8) -> Option<Vector> {
                match n { $($n => Some(Vector::$v),)* _ => None }
            }
        }
    };
}

vectors! {
    HeapAlloc = 0x11, HeapRealloc = 0x12, HeapFree = 0x13, Memmove = 0x14, Memcmp = 0x15, Memset = 0x16,
    Balance = 0x20, Transfer = 0x21, BlockHash = 0x24, BlockAuthor = 0x25, GasLimit = 0x26,
    BlockHeight = 0x27, BlockTimestamp = 0x28, CallValue = 0x29, Caller = 0x2A, Origin = 0x2B,
    SelfAddress = 0x2C, IsDeploy = 0x2E, GasLeft = 0x2F, Call = 0x30, ReturnDataSize = 0x31,
    ReturnDataRead = 0x32, EmitEvent = 0x38, InputSize = 0x40, InputRead = 0x41, SetReturn = 0x50,
    Revert = 0x60, Finish = 0x61, DebugPrint = 0x62, StorageRead = 0x70, StorageWrite = 0x71,
    StorageRemove = 0x72, StorageSize = 0x73, Keccak256 = 0x80, Sha256 = 0x81, Secp256k1Recover = 0x82,
    Secp256k1Verify = 0x83, U256Mulmod = 0x90, U256Addmod = 0x91, U256Powmod = 0x92, U256Divmod = 0x93,
    U256MulWide = 0x94, Modexp = 0x95,
}
