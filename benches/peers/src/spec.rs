//! The benchmark programs and their size parameters. Sizes are chosen so the
//! slowest engine needs well under a second per run on a 2-core machine and
//! the whole script stays within a few minutes.

/// One benchmark program (`benches/c/NAME.c`).
pub struct Bench {
    pub name: &'static str,
    /// Size parameter passed to the kernel.
    pub n: u32,
    /// Small size for `--quick` (a checksum check in seconds, figures meaningless).
    pub quick_n: u32,
    /// What the size means, for the table.
    pub size: &'static str,
}

pub const BENCHES: &[Bench] = &[
    Bench {
        name: "fib",
        n: 25,
        quick_n: 15,
        size: "fib(25)",
    },
    Bench {
        name: "sha256",
        n: 64,
        quick_n: 2,
        size: "256 KiB",
    },
    Bench {
        name: "keccak",
        n: 1000,
        quick_n: 20,
        size: "1000 perms",
    },
    Bench {
        name: "sort",
        n: 30_000,
        quick_n: 1000,
        size: "30k u32",
    },
    Bench {
        name: "bigint",
        n: 1000,
        quick_n: 50,
        size: "1000x1000 limbs",
    },
    Bench {
        name: "interp",
        n: 100_000,
        quick_n: 2000,
        size: "100k loops",
    },
    Bench {
        name: "matmul",
        n: 100,
        quick_n: 12,
        size: "100x100 f64",
    },
    Bench {
        name: "storage",
        n: 20_000,
        quick_n: 500,
        size: "20k r+w",
    },
];

/// The call-overhead program.
pub const EMPTY: &str = "empty";

/// Input of the echovm build: the size parameter as a little-endian u32.
pub fn vm_input(n: u32) -> [u8; 4] {
    n.to_le_bytes()
}
