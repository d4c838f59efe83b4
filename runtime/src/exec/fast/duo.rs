//! Two adjacent uops run as one threaded handler (a *duo*).
//!
//! Why: on the benchmark machine a program's time follows the number of
//! dispatches (indirect jumps from one handler to the next) more closely
//! than the number of host instructions: each costs a load, an indirect
//! jump and, when mispredicted, a pipeline refill. The specific fusions
//! (`fused`, `pair`, `frame::copy`, the push/pop runs) each remove the
//! dispatch of one instruction pattern; what they leave is mostly ordinary
//! register arithmetic, moves and loads, one dispatch each (keccak's rounds,
//! the packed loop of matmul, SHA-256's message schedule).
//!
//! A duo runs the bodies of two adjacent uops, each with its own uop (so
//! their operands stay where `translate` put them), then goes on with the
//! uop after the second: one dispatch for two instructions. The bodies are
//! those of [`with_bodies!`], the most frequent plain handlers on the
//! benchmarks; every ordered pair of them has its duo instance, so a block
//! gets a duo wherever two listed bodies are adjacent, whatever they are.
//!
//! Declines keep their meaning: when the first body declines nothing has
//! changed, and the duo declines at its own uop; when the second declines,
//! the first has run, and the duo declines at the second's uop, which
//! `interp::resume` runs on the general path before going on from the uop
//! after it. The second uop keeps its own handler, so a resume that starts
//! at it runs it alone.

use super::{alu, conjure, control, frame, moves, sse, wide, Exit, Handler, Threaded, Uop};
use crate::cpu::Cpu;
use crate::memory::Memory;
use std::any::TypeId;

use super::addr::{BASE, BASE_INDEX, INDEX, STACK, STACK_INDEX};
use echovm_decoder::{Insn, Op};

const ADD: u16 = Op::Add as u16;
const SBB: u16 = Op::Sbb as u16;
const AND: u16 = Op::And as u16;
const SUB: u16 = Op::Sub as u16;
const XOR: u16 = Op::Xor as u16;
const CMP: u16 = Op::Cmp as u16;
const NOT: u16 = Op::Not as u16;
const ROL: u16 = Op::Rol as u16;
const SHR: u16 = Op::Shr as u16;
/// `wide::wide_r`'s operation number of `mul`.
const MUL: u8 = 0;
/// `set_r`'s condition codes of `setb` and `seta`.
const BELOW: u8 = 2;
const ABOVE: u8 = 7;

/// `$then!(args… ; [body, …])` with the list of bodies a duo may hold: the
/// plain handlers that most often stand next to another plain handler on
/// the benchmarks (counted with callgrind's jump records over all eight
/// programs), flag-free forms first. A body's position is its duo index.
///
/// Each body added costs two instances per listed body (as first and as
/// second), so the list stays short: a form missing from it only misses
/// its duos.
macro_rules! with_bodies {
    ($then:ident ! ( $($args:tt)* )) => {
        $then!( $($args)* ; [
            alu::ri::<ADD, false, 8>,
            alu::ri::<ADD, false, 4>,
            alu::ri::<AND, false, 8>,
            alu::ri::<ADD, true, 8>,
            alu::ri::<SBB, true, 4>,
            alu::rr::<ADD, false, 4>,
            alu::rr::<ADD, false, 8>,
            alu::rr::<XOR, false, 4>,
            alu::rr::<XOR, false, 8>,
            alu::rr::<AND, false, 4>,
            alu::rr::<AND, false, 8>,
            alu::rr::<SUB, false, 8>,
            alu::rr::<ADD, true, 8>,
            alu::rm::<BASE, CMP, true, 4>,
            alu::rm::<BASE, ADD, false, 4>,
            alu::mr::<STACK_INDEX, XOR, false, 8>,
            alu::mr::<STACK_INDEX, ADD, false, 8>,
            alu::mr::<STACK_INDEX, AND, false, 8>,
            alu::mr::<INDEX, CMP, true, 4>,
            alu::rm::<STACK_INDEX, ADD, false, 4>,
            alu::rm::<STACK_INDEX, CMP, true, 8>,
            alu::rm::<STACK, XOR, false, 8>,
            alu::un::<NOT, true, 8>,
            alu::sh::<ROL, false, false, 8>,
            alu::sh::<SHR, false, false, 8>,
            alu::sh::<SHR, false, false, 4>,
            alu::imul_r::<false, false, 8>,
            wide::wide_r::<MUL, 8, false>,
            moves::mov_rr::<4>,
            moves::mov_rr::<8>,
            moves::mov_ri::<4>,
            moves::ext_rc::<true, 8, 4>,
            moves::set_r::<ABOVE>,
            moves::set_r::<BELOW>,
            moves::bswap_r::<4>,
            moves::lea_m::<BASE, 0, 4>,
            moves::lea_m::<BASE, 0, 8>,
            moves::lea_m::<BASE_INDEX, 0, 8>,
            moves::lea_m::<BASE_INDEX, 2, 8>,
            moves::lea_m::<STACK, 0, 8>,
            moves::mov_rm::<BASE, 0, 4>,
            moves::mov_rm::<STACK, 0, 8>,
            moves::mov_rm::<BASE_INDEX, 2, 4>,
            moves::mov_rm::<BASE_INDEX, 3, 8>,
            moves::mov_rm::<STACK_INDEX, 3, 8>,
            moves::mov_rm::<STACK_INDEX, 0, 4>,
            moves::mov_rm::<INDEX, 2, 4>,
            moves::mov_mr::<BASE_INDEX, 2, 4>,
            moves::mov_mr::<STACK_INDEX, 3, 8>,
            moves::mov_mr::<STACK_INDEX, 2, 4>,
            moves::mov_mi::<STACK>,
            control::nop,
            control::jmp_rel,
            frame::load::<8, false>,
            frame::store::<8, false>,
            frame::load::<4, false>,
            frame::store::<4, false>,
            frame::load::<8, true>,
            frame::store::<8, true>,
            sse::xx_copy,
            sse::merge::<8>,
            sse::xmm_from_gpr,
            sse::load16::<INDEX, 3, false>,
            sse::store16::<INDEX, 3, false>,
            sse::store16::<STACK, 0, true>,
        ])
    };
}

/// What the duo pass knows of a uop as `translate` (or a pass installing a
/// single handler) made it: the entry it was given and the body that entry
/// runs. A later pass that installs a fused handler changes the uop's `run`,
/// so `run` no longer matches and the uop is left alone.
#[derive(Clone, Copy)]
pub(crate) struct Plain {
    run: Threaded,
    body: TypeId,
}

impl Plain {
    /// The mid-block entry of `h`.
    pub(crate) fn of(h: Handler) -> Plain {
        Plain {
            run: h.mid,
            body: h.body,
        }
    }

    /// The last-of-block entry of `h`.
    pub(crate) fn of_last(h: Handler) -> Plain {
        Plain {
            run: h.last,
            body: h.body,
        }
    }

    /// A uop whose handler `h` runs it alone but is not a listed body (a
    /// side exit).
    pub(crate) fn alone(run: Threaded) -> Plain {
        Plain {
            run,
            body: TypeId::of::<Plain>(),
        }
    }

    /// True while `u` still runs this entry: its instruction alone.
    pub(crate) fn runs(&self, u: &Uop) -> bool {
        // Entry points are compared only to tell "still as translated" from
        // "replaced": two equal entries run the same machine code.
        #[allow(unpredictable_function_pointer_comparisons)]
        let same = u.run == self.run;
        same
    }

    /// The duo index of this uop's body, if `u` still runs it.
    fn index(&self, u: &Uop) -> Option<u8> {
        self.runs(u).then(|| index(self.body)).flatten()
    }
}

/// A handler body (see `exec::fast::handler`): what duos, leads and tails
/// are generic over.
pub(super) trait Body:
    Fn(&mut Cpu, &mut Memory, &Uop) -> Option<u64> + Copy + 'static
{
}
impl<F: Fn(&mut Cpu, &mut Memory, &Uop) -> Option<u64> + Copy + 'static> Body for F {}

fn type_of<F: 'static>(_: &F) -> TypeId {
    TypeId::of::<F>()
}

/// `position!(t ; [body, …])`: the position of the body whose type is `t`
/// in a list (`with_bodies!`, `with_tails!`), if any.
macro_rules! position {
    ($t:ident ; [$($body:expr),* $(,)?]) => {{
        let mut i = 0u8;
        let mut found = None;
        $(
            if found.is_none() && $t == type_of(&$body) {
                found = Some(i);
            }
            i += 1;
        )*
        let _ = i;
        found
    }};
}

/// `at_position!(n, f(args…) ; [body, …])`: `f(args…, body)` for the body at
/// position `n` of a list, `None` past its end. This is how the instances
/// for every pair of listed bodies are generated: a function generic over
/// one body calls it for each body of a list.
macro_rules! at_position {
    ($n:ident, $then:ident $args:tt ; [$($body:expr),* $(,)?]) => {{
        let mut i = 0u8;
        let mut out = None;
        $(
            if out.is_none() && $n == i {
                out = call_with!($then $args, $body);
            }
            i += 1;
        )*
        let _ = i;
        out
    }};
}

/// `call_with!(f(args…), last)`: `f(args…, last)`.
macro_rules! call_with {
    ($f:ident ($($arg:expr),*), $last:expr) => {
        $f($($arg,)* $last)
    };
}

/// Position of the body type `t` in [`with_bodies!`].
fn index(t: TypeId) -> Option<u8> {
    with_bodies!(position!(t))
}

/// The duo entry for the bodies at positions `a` and `b`.
fn entry(a: u8, b: u8) -> Option<Threaded> {
    with_bodies!(at_position!(a, second(b)))
}

/// The duo entry for the body `f` followed by the body at position `b`.
fn second<F>(b: u8, f: F) -> Option<Threaded>
where
    F: Body,
{
    with_bodies!(at_position!(b, some_instance(f)))
}

fn some_instance<F, G>(f: F, g: G) -> Option<Threaded>
where
    F: Body,
    G: Body,
{
    Some(instance(f, g))
}

pub(super) fn instance<F, G>(_: F, _: G) -> Threaded
where
    F: Body,
    G: Body,
{
    duo::<F, G>
}

/// Run the uop at `p` with the body `F` and the uop after it with `G`, then
/// the uop after those two.
fn duo<F, G>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit
where
    F: Body,
    G: Body,
{
    // SAFETY: `p` points at a live uop of a block (see `Threaded`).
    let u = unsafe { &*p };
    if conjure::<F>()(c, m, u).is_none() {
        return Exit::Decline(p);
    }
    // SAFETY: `duos` installs a duo only on a uop followed by two more uops
    // of its block, so `p + 1` and `p + 2` are uops of the same block,
    // inside the allocation `p`'s provenance covers.
    let q = unsafe { p.add(1) };
    // SAFETY: as above.
    if conjure::<G>()(c, m, unsafe { &*q }).is_none() {
        return Exit::Decline(q);
    }
    // SAFETY: as above.
    let n = unsafe { p.add(2) };
    // SAFETY: as above, `n` points at a live uop.
    (unsafe { &*n }.run)(c, m, n)
}

/// Install duos on a block's uops (`uops`, with `insns` and `plain`
/// parallel to them), after every other pass: left to right, each uop that
/// still runs a listed body, with the next one also running one, and not
/// run as part of the handler before it, takes the pair (two packed
/// floating-point operations too, `sse::lane_duo`). A duo goes on with a
/// third uop, so the uop before the block's last takes a tail instead
/// ([`with_tails!`]) when the block ends in a listed block end.
pub(crate) fn duos(insns: &[Insn], uops: &mut [Uop], plain: &[Plain]) {
    let mut k = 0;
    while k + 1 < uops.len() {
        let at = |i: usize| uops.get(i).zip(plain.get(i)).and_then(|(u, p)| p.index(u));
        // A uop whose `run` was replaced may be the head of a fused handler
        // that also runs the uop after it.
        let covered = k > 0 && !runs_alone(uops, plain, k - 1);
        // The uop before the block's last: a listed body followed by a
        // listed block end (`with_tails!`).
        if k + 2 == uops.len() {
            let end = uops.get(k + 1).zip(plain.get(k + 1));
            let tail = end.and_then(|(u, p)| p.runs(u).then(|| tail_index(p.body)).flatten());
            if let (false, Some(a), Some(b)) = (covered, at(k), tail) {
                if let (Some(run), Some(u)) = (tail_entry(a, b), uops.get_mut(k)) {
                    u.run = run;
                }
            }
            break;
        }
        let run = match (covered, at(k), at(k + 1)) {
            (true, _, _) => None,
            (false, Some(a), Some(b)) => entry(a, b),
            // Two packed floating-point operations (`sse::lane_duo`).
            _ if runs_alone(uops, plain, k)
                && runs_alone(uops, plain, k + 1)
                && uops.get(k + 1).is_some_and(|u| u.is_fast()) =>
            {
                insns
                    .get(k)
                    .zip(insns.get(k + 1))
                    .and_then(|(a, b)| sse::lane_duo(a, b))
            }
            _ => None,
        };
        match (run, uops.get_mut(k)) {
            (Some(run), Some(u)) if u.is_fast() => {
                u.run = run;
                k += 2;
            }
            _ => k += 1,
        }
    }
}

/// `$then!(args… ; [body, …])` with the block ends a duo may close with
/// ([`tail`]): the indirect jumps and calls through a register or a table
/// (switch dispatch, function pointers) and `ret`, which end their blocks
/// and, unlike direct branches, are not fused with anything else.
macro_rules! with_tails {
    ($then:ident ! ( $($args:tt)* )) => {
        $then!( $($args)* ; [
            control::jmp_m::<INDEX, 3>,
            control::jmp_m::<BASE_INDEX, 3>,
            control::jmp_m::<BASE, 0>,
            control::jmp_r,
            control::ret_near,
            control::call_r,
            control::call_m::<BASE, 0>,
            control::call_m::<INDEX, 3>,
        ])
    };
}

/// Position of the body type `t` in [`with_tails!`].
fn tail_index(t: TypeId) -> Option<u8> {
    with_tails!(position!(t))
}

/// The tail entry for the listed body at position `a` and the block end at
/// position `b` of [`with_tails!`].
fn tail_entry(a: u8, b: u8) -> Option<Threaded> {
    with_bodies!(at_position!(a, tail_second(b)))
}

fn tail_second<F>(b: u8, f: F) -> Option<Threaded>
where
    F: Body,
{
    with_tails!(at_position!(b, tail_instance(f)))
}

fn tail_instance<F, G>(_: F, _: G) -> Option<Threaded>
where
    F: Body,
    G: Body,
{
    Some(tail::<F, G>)
}

/// Run the uop at `p` with the body `F`, then the block's last uop, right
/// after it, with the block end `G`, and leave the block where `G` goes.
fn tail<F, G>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit
where
    F: Body,
    G: Body,
{
    // SAFETY: `p` points at a live uop of a block (see `Threaded`).
    if conjure::<F>()(c, m, unsafe { &*p }).is_none() {
        return Exit::Decline(p);
    }
    // SAFETY: `duos` installs a tail only on the uop before the block's
    // last, in the same allocation.
    let q = unsafe { p.add(1) };
    // SAFETY: as above.
    match conjure::<G>()(c, m, unsafe { &*q }) {
        Some(next) => Exit::Next(next),
        None => super::decline(q),
    }
}

/// True if the uop at `i` still runs the handler `translate` gave it (a
/// single instruction), listed for duos or not.
fn runs_alone(uops: &[Uop], plain: &[Plain], i: usize) -> bool {
    uops.get(i)
        .zip(plain.get(i))
        .is_some_and(|(u, p)| p.runs(u))
}

/// `$then!(args… ; [body, …])` with the bodies that may lead a run handler
/// ([`lead`]): what most often stands right before a call that enters a
/// function with pushes (the argument set-up) and right before an epilogue
/// of pops and `ret` (the stack adjustment, the return value).
macro_rules! with_leads {
    ($then:ident ! ( $($args:tt)* )) => {
        $then!( $($args)* ; [
            alu::ri::<ADD, true, 8>,
            alu::ri::<ADD, false, 8>,
            alu::rr::<XOR, true, 4>,
            moves::mov_rr::<4>,
            moves::mov_rr::<8>,
            moves::mov_ri::<4>,
            moves::lea_m::<BASE, 0, 4>,
            moves::lea_m::<BASE, 0, 8>,
            moves::lea_m::<STACK, 0, 8>,
            control::nop,
        ])
    };
}

/// The run handlers a body may lead.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Run {
    /// `control::pop_ret_run`: pops, then the `ret` that ends the block.
    PopRet,
    /// `control::call_push_run`: a direct call, then the callee's pushes.
    CallPush,
}

/// Join the uop `i` of a block (`uops`, with `plain` parallel to them) to
/// the run of `n` (1 to 6) stack operations of `kind` right after it: one
/// dispatch for both, installed on uop `i`. Nothing changes when its body
/// is not one of [`with_leads!`], it no longer runs it alone, or the
/// handler before it also runs it.
pub(crate) fn lead(uops: &mut [Uop], plain: &[Plain], i: usize, kind: Run, n: usize) {
    let covered = i > 0 && !runs_alone(uops, plain, i - 1);
    if covered || !runs_alone(uops, plain, i) || !(1..=6).contains(&n) {
        return;
    }
    let Some(t) = plain.get(i).map(|p| p.body) else {
        return;
    };
    let run =
        with_leads!(position!(t)).and_then(|at| with_leads!(at_position!(at, lead_of(kind, n))));
    if let (Some(run), Some(u)) = (run, uops.get_mut(i)) {
        u.run = run;
    }
}

/// The instance of [`lead_run`] for the body `f`, `kind` and `n`.
fn lead_of<F>(kind: Run, n: usize, _: F) -> Option<Threaded>
where
    F: Body,
{
    const POP_RET: u8 = 0;
    const CALL_PUSH: u8 = 1;
    macro_rules! of_n {
        ($k:ident) => {
            match n {
                1 => lead_run::<F, $k, 1> as Threaded,
                2 => lead_run::<F, $k, 2>,
                3 => lead_run::<F, $k, 3>,
                4 => lead_run::<F, $k, 4>,
                5 => lead_run::<F, $k, 5>,
                _ => lead_run::<F, $k, 6>,
            }
        };
    }
    Some(match kind {
        Run::PopRet => of_n!(POP_RET),
        Run::CallPush => of_n!(CALL_PUSH),
    })
}

/// Run the uop at `p` with the body `F`, then the run handler of kind `K`
/// (0: pops and `ret`, 1: call and pushes) for `N` stack operations on the
/// uops after it, called directly rather than dispatched.
fn lead_run<F, const K: u8, const N: usize>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit
where
    F: Body,
{
    // SAFETY: `p` points at a live uop of a block (see `Threaded`).
    if conjure::<F>()(c, m, unsafe { &*p }).is_none() {
        return Exit::Decline(p);
    }
    // SAFETY: `lead` handlers are installed only on the uop right before
    // the first uop of a run handler's run, in the same block.
    let q = unsafe { p.add(1) };
    // A decline of the run is at its own uop `q`, after this body ran.
    if K == 0 {
        control::pop_ret::<N>(c, m, q)
    } else {
        control::call_push_n::<N>(c, m, q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::fast::{translate_flags_dead_plain, translate_within_plain};
    use echovm_decoder::decode;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// The duo index of the body translation gives `bytes` (with dead flags
    /// when `dead`).
    fn index_of(bytes: &[u8], dead: bool) -> Result<Option<u8>, Box<dyn std::error::Error>> {
        let insn = decode(bytes, 0x1000)?;
        let next = 0x1000 + insn.len as u64;
        let (u, p) = match dead
            .then(|| translate_flags_dead_plain(&insn, next))
            .flatten()
        {
            Some(t) => t,
            None => translate_within_plain(&insn, next),
        };
        Ok(p.index(&u))
    }

    /// The list names the handlers translation really installs: were a
    /// handler's parameters to change, its entry would silently stop
    /// matching and its duos would never form.
    #[test]
    fn common_instructions_translate_to_listed_bodies() -> TestResult {
        let listed: &[(&[u8], bool)] = &[
            (&[0x48, 0x83, 0xc0, 0x08], true),        // add rax, 8
            (&[0x83, 0xc0, 0x08], true),              // add eax, 8
            (&[0x01, 0xc8], true),                    // add eax, ecx
            (&[0x48, 0x31, 0xc8], true),              // xor rax, rcx
            (&[0x48, 0x21, 0xc8], true),              // and rax, rcx
            (&[0x48, 0x29, 0xc8], true),              // sub rax, rcx
            (&[0x48, 0x01, 0xc8], false),             // add rax, rcx (flags live)
            (&[0x48, 0xc1, 0xc0, 0x07], true),        // rol rax, 7
            (&[0xc1, 0xe8, 0x07], true),              // shr eax, 7
            (&[0x48, 0xf7, 0xd0], false),             // not rax
            (&[0x89, 0xc8], false),                   // mov eax, ecx
            (&[0x48, 0x89, 0xc8], false),             // mov rax, rcx
            (&[0xb8, 1, 0, 0, 0], false),             // mov eax, 1
            (&[0x48, 0x63, 0xc1], false),             // movsxd rax, ecx
            (&[0x8d, 0x41, 0xff], false),             // lea eax, [rcx-1]
            (&[0x48, 0x8d, 0x04, 0x11], false),       // lea rax, [rcx+rdx]
            (&[0x8b, 0x41, 0x04], false),             // mov eax, [rcx+4]
            (&[0x48, 0x8b, 0x44, 0x24, 0x08], false), // mov rax, [rsp+8]
            (&[0x48, 0x8b, 0x04, 0xd1], false),       // mov rax, [rcx+rdx*8]
            (&[0x90], false),                         // nop
            (&[0x66, 0x0f, 0x28, 0xc1], false),       // movapd xmm0, xmm1
        ];
        for (bytes, dead) in listed {
            assert!(index_of(bytes, *dead)?.is_some(), "{bytes:02x?} not listed");
        }
        // Not listed: a flag-writing 32-bit `sub`, and `push`.
        assert_eq!(index_of(&[0x29, 0xc8], false)?, None);
        assert_eq!(index_of(&[0x50], false)?, None);
        Ok(())
    }

    /// Every ordered pair of listed bodies has its duo instance.
    #[test]
    fn every_pair_of_listed_bodies_has_a_duo() {
        let mut n = 0u8;
        while entry(n, 0).is_some() {
            assert!(entry(n, n).is_some());
            assert!(entry(0, n).is_some());
            n += 1;
        }
        assert!(n >= 40, "{n} bodies");
        assert!(entry(0, n).is_none());
    }

    /// A duo of two packed floating-point operations (`sse::lane_duo`)
    /// against the general path running them one after the other, from
    /// random doubles, some lanes NaN: a NaN declines at the operation that
    /// makes it, after the ones before it ran.
    #[test]
    fn lane_duos_compute_what_the_two_operations_do() -> TestResult {
        use crate::exec::fast::translate;
        use crate::exec::{execute, Step};
        let mulpd = decode(&[0x66, 0x0f, 0x59, 0xd1], 0x1000)?; // mulpd xmm2, xmm1
        let addpd = decode(&[0x66, 0x0f, 0x58, 0xd4], 0x1004)?; // addpd xmm2, xmm4
        let nop = decode(&[0x90], 0x1008)?;
        let run = sse::lane_duo(&mulpd, &addpd).ok_or("no lane duo")?;
        assert!(sse::lane_duo(&mulpd, &nop).is_none());
        let mut next = crate::exec::fast::xorshift(0x2545_f491_4f6c_dd1d);
        for case in 0..2000 {
            let mut lane = |nan: bool| {
                if nan {
                    0x7ff8_0000_0000_0000 | (next() & 0xffff)
                } else {
                    (next() % 2000) as f64 as u64 ^ (next() & 1) << 63
                }
            };
            let mut c = Cpu::default();
            for r in [1usize, 2, 4] {
                let nan = case % 7 == r;
                c.xmm[r] = u128::from(lane(nan)) | u128::from(lane(false)) << 64;
            }
            let mut m = Memory::new();
            let mut uops = [
                translate_within_plain(&mulpd, 0x1004).0,
                translate_within_plain(&addpd, 0x1008).0,
                translate(&nop, 0x1009),
            ];
            uops[0].run = run;
            let (mut c1, mut m1) = (c.clone(), Memory::new());
            let exit = run(&mut c1, &mut m1, uops.as_ptr());
            // The reference, and where a decline must happen: the first
            // operation with a NaN result declines, before it writes.
            let mut c2 = c.clone();
            let mut declined_at = None;
            for (k, (insn, n)) in [(&mulpd, 0x1004), (&addpd, 0x1008)].into_iter().enumerate() {
                let before = c2.xmm[2];
                if !matches!(execute(&mut c2, &mut m, insn, n)?, Step::Next) {
                    return Err("reference did not step".into());
                }
                let nan = |v: u128| {
                    [v as u64, (v >> 64) as u64]
                        .iter()
                        .any(|l| l << 1 > 0xffe0_0000_0000_0000)
                };
                if declined_at.is_none() && nan(c2.xmm[2]) {
                    declined_at = Some(k);
                    assert_eq!(c1.xmm[2], before, "declined after writing");
                }
            }
            match (exit, declined_at) {
                (Exit::Next(0x1009), None) => assert_eq!(c1.xmm, c2.xmm),
                (Exit::Decline(p), Some(k)) => assert_eq!(p, uops.as_ptr().wrapping_add(k)),
                _ => return Err(format!("case {case}: unexpected exit").into()),
            }
        }
        Ok(())
    }
}
