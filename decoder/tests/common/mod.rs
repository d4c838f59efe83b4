//! Differential comparison of echovm's decoder against iced-x86 (the oracle).
//!
//! For every byte string both decoders must agree on validity (valid /
//! invalid / truncated) and length; for instructions echovm supports also on
//! the mnemonic and every explicit operand: registers with their size, memory
//! base/index/scale/displacement/segment and access size, immediate values and
//! branch targets. Known, documented classes of disagreement (see
//! docs/DECODER.md) are recognised by [`documented`]. Before that, `decode`
//! (fast path first) must equal `decode_general` exactly, so the diff tests and
//! the `decode` fuzz target also check the fast path.

#![allow(dead_code)]

use echovm_decoder::{decode, DecodeError, Extension, Insn, Operand, Seg, NO_REG, RIP_BASE};
use iced_x86::{
    Decoder, DecoderError, DecoderOptions, EncodingKind, Instruction, Mnemonic, OpKind, Register,
};

/// A disagreement; `class` groups mismatches of the same cause for reporting.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub class: String,
    pub detail: String,
}

fn mm(class: impl Into<String>, detail: impl Into<String>) -> Mismatch {
    Mismatch {
        class: class.into(),
        detail: detail.into(),
    }
}

pub fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn iced_decode(bytes: &[u8], ip: u64) -> (Instruction, DecoderError) {
    let mut d = Decoder::with_ip(64, bytes, ip, DecoderOptions::NONE);
    let i = d.decode();
    (i, d.last_error())
}

pub fn mnemonic_name(m: Mnemonic) -> String {
    format!("{m:?}").to_lowercase()
}

/// Our view of an iced register operand.
fn reg_operand(r: Register) -> Option<Operand> {
    if r.is_gpr8() {
        let n = r.number() as u8;
        return Some(match n {
            0..=3 => Operand::Gpr { reg: n, size: 1 },
            4..=7 => Operand::GprHigh8 { reg: n - 4 },
            _ => Operand::Gpr {
                reg: n - 4,
                size: 1,
            },
        });
    }
    if r.is_gpr() {
        return Some(Operand::Gpr {
            reg: r.number() as u8,
            size: r.size() as u8,
        });
    }
    if r.is_xmm() {
        return Some(Operand::Xmm(r.number() as u8));
    }
    None
}

fn addr_reg(r: Register) -> u8 {
    match r {
        Register::None => NO_REG,
        Register::RIP | Register::EIP => RIP_BASE,
        r => r.number() as u8,
    }
}

/// Mnemonics whose iced name differs from ours by design.
fn same_name(ours: &str, iced: &str) -> bool {
    ours == iced
        || (ours == "nop" && iced == "reservednop")
        || (ours == "pcmpestri" && iced == "pcmpestri64")
        || (ours == "pcmpestrm" && iced == "pcmpestrm64")
}

/// Names of unsupported instructions: iced's, except where we deliberately
/// use a family name (documented in docs/DECODER.md).
fn same_unsupported_name(ours: &str, iced: &str, ext: Extension) -> bool {
    ours == iced || matches!(ours, "evex" | "xop" | "kmov" | "kshift") || ext == Extension::Avx512
}

/// Compare one decode. `Ok(Some(len))` = both agree, advance by len.
pub fn compare(bytes: &[u8], ip: u64) -> Result<usize, Mismatch> {
    let ours = decode(bytes, ip);
    // The fast path (decoder/src/fast.rs) must be invisible: the general
    // decoder alone gives the same result, field for field.
    let general = echovm_decoder::decode_general(bytes, ip);
    if ours != general {
        return Err(mm(
            "fast path differs from the general decoder",
            format!(
                "{}: fast {ours:?}, general {general:?}",
                hex(&bytes[..bytes.len().min(15)])
            ),
        ));
    }
    let (ins, err) = iced_decode(bytes, ip);
    let ilen = ins.len();
    let step = ilen.max(1);
    let iced_valid = err == DecoderError::None;
    match (&ours, iced_valid) {
        (
            Err(DecodeError::Unsupported {
                ext: Extension::Avx | Extension::Avx512 | Extension::Xop,
                ..
            }),
            false,
        ) => Err(mm(
            "vex/evex/xop validity",
            format!(
                "{}: ours {}, iced {err:?}",
                hex(&bytes[..bytes.len().min(15)]),
                ours.unwrap_err()
            ),
        )),
        (Err(DecodeError::Truncated { .. }), false) if err == DecoderError::NoMoreBytes => Ok(step),
        (Err(DecodeError::Invalid { .. }), false) if err == DecoderError::InvalidInstruction => {
            Ok(step)
        }
        // With fewer than 15 bytes, an encoding that is both invalid and cut
        // short may be reported either way (documented in docs/DECODER.md).
        (Err(DecodeError::Invalid { .. } | DecodeError::Truncated { .. }), false)
            if bytes.len() < 15 =>
        {
            Ok(step)
        }
        (Err(e), false) => Err(mm(
            format!("error kind: ours {}", kind(e)),
            format!(
                "{}: ours {e}, iced {err:?}",
                hex(&bytes[..bytes.len().min(15)])
            ),
        )),
        (Err(e @ DecodeError::Invalid { .. }), true) if ins.encoding() != EncodingKind::Legacy => {
            Err(mm(
                "vex/evex/xop coverage",
                format!("{}: ours {e}, iced {ins}", hex(&bytes[..ilen])),
            ))
        }
        (Err(DecodeError::Unsupported { len, mnemonic, ext }), true) => {
            if *len as usize != ilen {
                return Err(mm(
                    format!("unsupported length {}", mnemonic_name(ins.mnemonic())),
                    format!(
                        "{}: ours {mnemonic} len {len}, iced {ins} len {ilen}",
                        hex(&bytes[..ilen])
                    ),
                ));
            }
            let iname = mnemonic_name(ins.mnemonic());
            if !same_unsupported_name(mnemonic, &iname, *ext) {
                return Err(mm(
                    format!("unsupported name {iname}"),
                    format!("{}: ours {mnemonic}, iced {ins}", hex(&bytes[..ilen])),
                ));
            }
            Ok(step)
        }
        (Err(e), true) => Err(mm(
            format!("we reject valid {}", mnemonic_name(ins.mnemonic())),
            format!("{}: ours {e}, iced {ins}", hex(&bytes[..ilen])),
        )),
        (Ok(i), false) => Err(mm(
            format!("we accept invalid {}", i.op.name()),
            format!(
                "{}: ours {:?}, iced {err:?}",
                hex(&bytes[..(i.len as usize)]),
                i.op
            ),
        )),
        (Ok(i), true) => {
            compare_insn(i, &ins).map_err(|(c, d)| {
                mm(
                    c,
                    format!("{}: {d}; iced `{ins}`, ours {i:?}", hex(&bytes[..ilen])),
                )
            })?;
            Ok(step)
        }
    }
}

fn kind(e: &DecodeError) -> &'static str {
    match e {
        DecodeError::Truncated { .. } => "truncated",
        DecodeError::Invalid { .. } => "invalid",
        DecodeError::Unsupported { .. } => "unsupported",
    }
}

fn compare_insn(o: &Insn, i: &Instruction) -> Result<(), (String, String)> {
    let iname = mnemonic_name(i.mnemonic());
    let cls = |what: &str| format!("{what} {iname}");
    if o.len as usize != i.len() {
        return Err((
            cls("length"),
            format!("len ours {} iced {}", o.len, i.len()),
        ));
    }
    if !same_name(o.op.name(), &iname) {
        return Err((cls("mnemonic"), format!("ours {}", o.op.name())));
    }
    if o.has_prefix(echovm_decoder::prefix::LOCK) != i.has_lock_prefix() {
        return Err((cls("lock"), String::new()));
    }
    let string_op = i.op_count() > 0
        && (0..i.op_count()).any(|k| {
            matches!(
                i.op_kind(k),
                OpKind::MemorySegSI
                    | OpKind::MemorySegESI
                    | OpKind::MemorySegRSI
                    | OpKind::MemoryESDI
                    | OpKind::MemoryESEDI
                    | OpKind::MemoryESRDI
                    | OpKind::MemorySegRDI
                    | OpKind::MemorySegEDI
                    | OpKind::MemorySegDI
            )
        });
    if string_op {
        if !(i.has_rep_prefix() && i.has_repne_prefix()) {
            let rep = o.has_prefix(echovm_decoder::prefix::REP);
            let repne = o.has_prefix(echovm_decoder::prefix::REPNE);
            let compares = matches!(
                i.mnemonic(),
                Mnemonic::Cmpsb
                    | Mnemonic::Cmpsw
                    | Mnemonic::Cmpsd
                    | Mnemonic::Cmpsq
                    | Mnemonic::Scasb
                    | Mnemonic::Scasw
                    | Mnemonic::Scasd
                    | Mnemonic::Scasq
            );
            let want_rep = i.has_rep_prefix() || (i.has_repne_prefix() && !compares);
            let want_repne = i.has_repne_prefix() && compares;
            if (rep, repne) != (want_rep, want_repne) && i.mnemonic() != Mnemonic::Maskmovdqu {
                return Err((cls("rep prefix"), format!("ours rep {rep} repne {repne}")));
            }
        }
        return Ok(());
    }
    // Implicit operands we do not list (xlatb's [rbx+al]) or list although iced
    // does not (blendv's xmm0): see docs/DECODER.md.
    if i.mnemonic() == Mnemonic::Xlatb {
        return Ok(());
    }
    let blendv = matches!(
        i.mnemonic(),
        Mnemonic::Blendvps | Mnemonic::Blendvpd | Mnemonic::Pblendvb
    );
    if blendv && o.ops[2] != Operand::Xmm(0) {
        return Err((cls("blendv xmm0"), String::new()));
    }
    let n = o.op_count() - blendv as usize;
    if n != i.op_count() as usize {
        return Err((
            cls("operand count"),
            format!("ours {n} iced {}", i.op_count()),
        ));
    }
    for k in 0..n {
        let ok = o.ops[k];
        match i.op_kind(k as u32) {
            OpKind::Register => {
                let want = reg_operand(i.op_register(k as u32));
                if want != Some(ok) {
                    return Err((
                        cls("register operand"),
                        format!("op{k}: ours {ok:?} iced {:?}", i.op_register(k as u32)),
                    ));
                }
            }
            OpKind::NearBranch64 => {
                if ok != (Operand::Imm { size: 8 }) || o.imm != i.near_branch64() {
                    return Err((
                        cls("branch target"),
                        format!("ours {ok:?} {:#x} iced {:#x}", o.imm, i.near_branch64()),
                    ));
                }
            }
            OpKind::Immediate8_2nd => {
                if !matches!(ok, Operand::Imm2 { .. }) || o.imm2 != i.immediate8_2nd() as u64 {
                    return Err((
                        cls("imm2"),
                        format!("ours {ok:?} {} iced {}", o.imm2, i.immediate8_2nd()),
                    ));
                }
            }
            OpKind::Immediate8
            | OpKind::Immediate16
            | OpKind::Immediate32
            | OpKind::Immediate64
            | OpKind::Immediate8to16
            | OpKind::Immediate8to32
            | OpKind::Immediate8to64
            | OpKind::Immediate32to64 => {
                let Operand::Imm { size } = ok else {
                    return Err((cls("immediate operand"), format!("op{k}: ours {ok:?}")));
                };
                let v = i.immediate(k as u32);
                let mask = if size >= 8 {
                    u64::MAX
                } else {
                    (1u64 << (size * 8)) - 1
                };
                if o.imm & mask != v & mask {
                    return Err((
                        cls("immediate value"),
                        format!("ours {:#x} iced {v:#x} (size {size})", o.imm),
                    ));
                }
            }
            OpKind::Memory => {
                let Operand::Mem { size } = ok else {
                    return Err((cls("memory operand"), format!("op{k}: ours {ok:?}")));
                };
                compare_mem(o, i, size).map_err(|d| (cls("memory operand"), d))?;
            }
            other => return Err((cls("operand kind"), format!("op{k}: iced {other:?}"))),
        }
    }
    Ok(())
}

fn compare_mem(o: &Insn, i: &Instruction, size: u8) -> Result<(), String> {
    let m = &o.mem;
    let base = addr_reg(i.memory_base());
    let index = addr_reg(i.memory_index());
    let addr32 = matches!(i.memory_base(), Register::EIP)
        || i.memory_base().is_gpr32()
        || i.memory_index().is_gpr32();
    let (od, id) = if m.addr32 || addr32 {
        (
            m.disp as u64 as u32 as u64,
            i.memory_displacement64() as u32 as u64,
        )
    } else {
        (m.disp as u64, i.memory_displacement64())
    };
    let scale = if index == NO_REG {
        m.scale
    } else {
        i.memory_index_scale() as u8
    };
    if m.base != base || m.index != index || m.scale != scale || od != id {
        return Err(format!(
            "address ours b{} i{} s{} d{:#x}, iced {:?} {:?} {} {:#x}",
            m.base,
            m.index,
            m.scale,
            od,
            i.memory_base(),
            i.memory_index(),
            i.memory_index_scale(),
            id
        ));
    }
    let iseg = match i.segment_prefix() {
        Register::FS => Seg::Fs,
        Register::GS => Seg::Gs,
        _ => Seg::None,
    };
    if m.seg != iseg {
        return Err(format!(
            "segment ours {:?} iced {:?}",
            m.seg,
            i.segment_prefix()
        ));
    }
    // Forms that never access memory have size 0 by our convention.
    let nonaccess = matches!(
        i.mnemonic(),
        Mnemonic::Lea
            | Mnemonic::Nop
            | Mnemonic::Reservednop
            | Mnemonic::Prefetchnta
            | Mnemonic::Prefetcht0
            | Mnemonic::Prefetcht1
            | Mnemonic::Prefetcht2
            | Mnemonic::Prefetchw
            | Mnemonic::Clflush
    );
    let isz = if nonaccess {
        0
    } else {
        i.memory_size().size() as u8
    };
    if size != isz {
        return Err(format!(
            "access size ours {size} iced {isz} ({:?})",
            i.memory_size()
        ));
    }
    Ok(())
}

/// Mismatch classes that are deliberate and explained in docs/DECODER.md.
pub fn documented(class: &str) -> bool {
    const DOCUMENTED: &[&str] = &["vex/evex/xop validity", "vex/evex/xop coverage"];
    DOCUMENTED.iter().any(|d| class.starts_with(d))
}
