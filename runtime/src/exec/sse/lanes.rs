//! Views of a 128-bit XMM value as arrays of lanes (lane 0 = lowest bits).
//!
//! Every packed operation is written as "split into lanes, compute per lane,
//! join"; these conversions are plain little-endian reinterpretations, so they
//! cost nothing once inlined and keep the per-instruction code free of shifts.

macro_rules! lane_view {
    ($split:ident, $join:ident, $t:ty, $n:expr) => {
        /// Split into lanes of this width.
        #[inline]
        pub fn $split(v: u128) -> [$t; $n] {
            let b = v.to_le_bytes();
            let mut out = [0 as $t; $n];
            const W: usize = 16 / $n;
            for (i, o) in out.iter_mut().enumerate() {
                let mut lane = [0u8; W];
                lane.copy_from_slice(&b[i * W..i * W + W]);
                *o = <$t>::from_le_bytes(lane);
            }
            out
        }
        /// Join lanes of this width back into one value.
        #[inline]
        pub fn $join(l: [$t; $n]) -> u128 {
            let mut b = [0u8; 16];
            const W: usize = 16 / $n;
            for (i, v) in l.iter().enumerate() {
                b[i * W..i * W + W].copy_from_slice(&v.to_le_bytes());
            }
            u128::from_le_bytes(b)
        }
    };
}

lane_view!(u8s, from_u8s, u8, 16);
lane_view!(u16s, from_u16s, u16, 8);
lane_view!(u32s, from_u32s, u32, 4);
lane_view!(u64s, from_u64s, u64, 2);
lane_view!(i8s, from_i8s, i8, 16);
lane_view!(i16s, from_i16s, i16, 8);
lane_view!(i32s, from_i32s, i32, 4);
lane_view!(i64s, from_i64s, i64, 2);

/// Apply `f` lane-wise to two values split by `split`, joining with `join`.
#[inline]
pub fn zip<T: Copy, const N: usize>(
    a: u128,
    b: u128,
    split: fn(u128) -> [T; N],
    join: fn([T; N]) -> u128,
    f: impl Fn(T, T) -> T,
) -> u128 {
    let (x, y) = (split(a), split(b));
    let mut r = x;
    for i in 0..N {
        r[i] = f(x[i], y[i]);
    }
    join(r)
}

/// Apply `f` lane-wise to one value.
#[inline]
pub fn map<T: Copy, const N: usize>(
    a: u128,
    split: fn(u128) -> [T; N],
    join: fn([T; N]) -> u128,
    f: impl Fn(T) -> T,
) -> u128 {
    let mut x = split(a);
    for v in x.iter_mut() {
        *v = f(*v);
    }
    join(x)
}

/// Low 64 bits.
#[inline]
pub fn lo(v: u128) -> u64 {
    v as u64
}

/// High 64 bits.
#[inline]
pub fn hi(v: u128) -> u64 {
    (v >> 64) as u64
}

/// Build from two 64-bit halves.
#[inline]
pub fn pair(lo: u64, hi: u64) -> u128 {
    (lo as u128) | ((hi as u128) << 64)
}

/// Replace the low 32 bits of `v` (scalar single-precision result).
#[inline]
pub fn with_lo32(v: u128, x: u32) -> u128 {
    (v & !0xffff_ffffu128) | x as u128
}

/// Replace the low 64 bits of `v` (scalar double-precision result).
#[inline]
pub fn with_lo64(v: u128, x: u64) -> u128 {
    (v & !(u64::MAX as u128)) | x as u128
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_order() {
        let v = 0x0f0e0d0c_0b0a0908_07060504_03020100u128;
        assert_eq!(u8s(v)[0], 0);
        assert_eq!(u8s(v)[15], 15);
        assert_eq!(u16s(v)[1], 0x0302);
        assert_eq!(u32s(v)[3], 0x0f0e0d0c);
        assert_eq!(u64s(v)[1], 0x0f0e0d0c_0b0a0908);
        assert_eq!(from_u8s(u8s(v)), v);
        assert_eq!(from_i16s(i16s(v)), v);
        assert_eq!(from_u32s(u32s(v)), v);
        assert_eq!(from_i64s(i64s(v)), v);
    }
}

/// Receives the lane function `dest = f(dest, src)` of an operation *as its
/// own type* (each operation's function is a distinct closure type).
///
/// Why: the general path wants a plain function pointer, but the translated
/// handlers of `exec::fast` want one handler instance per operation with the
/// lane code inlined — a call through a pointer per packed instruction cost
/// as much as the operation itself (register spills around the call).
/// Writing each operation's table once, as `v.visit(|d, s| …)`, serves both.
pub(crate) trait LaneVisit {
    type Out;
    fn visit<F: LaneFn>(self, f: F) -> Self::Out;
    /// An operation whose exact function `f` has a cheaper form `fast` for
    /// the common case, which returns `None` when it cannot answer (packed
    /// `+ - * /` with a NaN among the results): the translated handlers run
    /// `fast` and decline to the general path on `None`; the general path
    /// runs `f`.
    fn visit_fast<F: LaneFn, T: LaneTry>(self, f: F, fast: T) -> Self::Out
    where
        Self: Sized,
    {
        let _ = fast;
        self.visit(f)
    }
}

/// A lane function: a function item or non-capturing closure (zero-sized).
pub(crate) trait LaneFn: Fn(u128, u128) -> u128 + Copy + 'static {}
impl<F: Fn(u128, u128) -> u128 + Copy + 'static> LaneFn for F {}

/// A lane function that may decline (`None`); zero-sized like [`LaneFn`].
pub(crate) trait LaneTry: Fn(u128, u128) -> Option<u128> + Copy + 'static {}
impl<F: Fn(u128, u128) -> Option<u128> + Copy + 'static> LaneTry for F {}

/// What a translated handler runs for its lane operation, named by type:
/// [`Exact`] for a [`LaneFn`], [`Fast`] for a [`LaneTry`].
pub(crate) trait LaneRun: Copy + 'static {
    fn run(d: u128, s: u128) -> Option<u128>;
}

/// A [`LaneFn`] that always answers.
#[derive(Clone, Copy)]
pub(crate) struct Exact<F>(std::marker::PhantomData<F>);

impl<F: LaneFn> LaneRun for Exact<F> {
    #[inline(always)]
    fn run(d: u128, s: u128) -> Option<u128> {
        Some(call::<F>(d, s))
    }
}

/// A [`LaneTry`], which may decline.
#[derive(Clone, Copy)]
pub(crate) struct Fast<T>(std::marker::PhantomData<T>);

impl<T: LaneTry> LaneRun for Fast<T> {
    #[inline(always)]
    fn run(d: u128, s: u128) -> Option<u128> {
        crate::exec::fast::conjure::<T>()(d, s)
    }
}

/// The visitor that returns the lane function as a plain function pointer.
pub(crate) struct AsPointer;

impl LaneVisit for AsPointer {
    type Out = fn(u128, u128) -> u128;
    fn visit<F: LaneFn>(self, f: F) -> Self::Out {
        // A non-capturing closure coerces to a pointer; `f` is one of those
        // (each table arm is `|d, s| …`), and this one calls it by value.
        let _ = f;
        call::<F>
    }
}

/// Call the lane function of type `F` (zero-sized, so its type names it).
#[inline(always)]
pub(crate) fn call<F: LaneFn>(d: u128, s: u128) -> u128 {
    crate::exec::fast::conjure::<F>()(d, s)
}
