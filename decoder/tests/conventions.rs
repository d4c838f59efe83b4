//! The operand conventions of `insn.rs` that iced-x86 cannot check for us
//! (osize, immediate extension, implicit operands, prefix bits, error kinds).
//! Encodings and their meaning are architectural (Intel SDM vol. 2).

use echovm_decoder::{decode, prefix, DecodeError, Op, Operand, Seg, NO_REG, RIP_BASE};

fn d(hex: &str) -> echovm_decoder::Insn {
    let b: Vec<u8> = hex
        .split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect();
    decode(&b, 0x1000).unwrap_or_else(|e| panic!("{hex}: {e}"))
}

#[test]
fn operand_sizes() {
    assert_eq!(d("88 c4").ops[0], Operand::GprHigh8 { reg: 0 }); // mov ah, al
    assert_eq!(d("40 88 c4").ops[0], Operand::Gpr { reg: 4, size: 1 }); // mov spl, al
    let i = d("0f b6 c1"); // movzx eax, cl
    assert_eq!(
        (i.op, i.osize, i.ops[0], i.ops[1]),
        (
            Op::Movzx,
            4,
            Operand::Gpr { reg: 0, size: 4 },
            Operand::Gpr { reg: 1, size: 1 }
        )
    );
    assert_eq!(d("66 50").osize, 2); // push ax
    assert_eq!(d("48 50").osize, 8); // push rax (REX.W changes nothing)
    assert_eq!(d("48 98").op, Op::Cdqe);
    assert_eq!(d("48 98").osize, 8);
    assert_eq!(d("48 a5").op, Op::Movsq);
    assert_eq!(d("48 a5").osize, 8);
    assert_eq!(d("66 0f 3a 61 c1 05").osize, 16); // pcmpestri
    assert_eq!(d("66 48 0f 3a 61 c1 05").osize, 8); // pcmpestri with 64-bit lengths
    assert_eq!(d("f2 48 0f 38 f1 c1").osize, 8); // crc32 rax, rcx: source size
    assert_eq!(d("f2 0f 38 f0 c1").osize, 1); // crc32 eax, cl
}

#[test]
fn immediates() {
    let i = d("48 83 c0 ff"); // add rax, -1
    assert_eq!((i.imm, i.ops[1]), (u64::MAX, Operand::Imm { size: 8 }));
    let i = d("b8 ff ff ff ff"); // mov eax, 0xffffffff: zero-extended
    assert_eq!(i.imm, 0xFFFF_FFFF);
    let i = d("48 c7 c0 ff ff ff ff"); // mov rax, -1 (imm32 sign-extended)
    assert_eq!(i.imm, u64::MAX);
    let i = d("48 b8 88 77 66 55 44 33 22 11"); // mov rax, imm64
    assert_eq!(i.imm, 0x1122_3344_5566_7788);
    let i = d("6a 80"); // push -128
    assert_eq!(
        (i.imm, i.ops[0], i.osize),
        (0xFFFF_FFFF_FFFF_FF80, Operand::Imm { size: 8 }, 8)
    );
    let i = d("c1 e0 80"); // shl eax, 0x80: zero-extended count
    assert_eq!((i.imm, i.ops[1]), (0x80, Operand::Imm { size: 1 }));
    let i = d("d1 e0"); // shl eax, 1
    assert_eq!(
        (i.op, i.imm, i.ops[1]),
        (Op::Shl, 1, Operand::Imm { size: 1 })
    );
    let i = d("d3 e0"); // shl eax, cl
    assert_eq!(i.ops[1], Operand::Gpr { reg: 1, size: 1 });
    let i = d("c2 f0 ff"); // ret 0xfff0
    assert_eq!((i.imm, i.ops[0]), (0xFFF0, Operand::Imm { size: 2 }));
    let i = d("c8 10 00 02"); // enter 0x10, 2
    assert_eq!(
        (i.imm, i.imm2, i.ops[0], i.ops[1]),
        (0x10, 2, Operand::Imm { size: 2 }, Operand::Imm2 { size: 1 })
    );
    let i = d("cd 80"); // int 0x80 (decoded; the interpreter faults it)
    assert_eq!((i.op, i.imm), (Op::Int, 0x80));
}

#[test]
fn branches_and_rip() {
    let i = d("eb fe"); // jmp $ at 0x1000
    assert_eq!(
        (i.op, i.imm, i.ops[0]),
        (Op::Jmp, 0x1000, Operand::Imm { size: 8 })
    );
    let i = d("e8 fb ff ff ff"); // call 0x1000
    assert_eq!(i.imm, 0x1000);
    let i = d("48 8b 05 10 00 00 00"); // mov rax, [rip+0x10]
    assert_eq!(
        (i.mem.base, i.mem.disp, i.ops[1]),
        (RIP_BASE, 0x1017, Operand::Mem { size: 8 })
    );
    let i = d("ff e0"); // jmp rax
    assert_eq!(i.ops[0], Operand::Gpr { reg: 0, size: 8 });
    let i = d("64 48 8b 04 25 28 00 00 00"); // mov rax, fs:[0x28]
    assert_eq!(
        (i.mem.seg, i.mem.base, i.mem.index, i.mem.disp),
        (Seg::Fs, NO_REG, NO_REG, 0x28)
    );
    let i = d("67 8b 00"); // mov eax, [eax]
    assert!(i.mem.addr32 && i.has_prefix(prefix::ADDR32));
}

#[test]
fn implicit_operands_and_prefixes() {
    assert_eq!(d("48 f7 e1").ops[1], Operand::None); // mul rcx: only r/m
    let i = d("66 0f 38 10 c1"); // pblendvb xmm0, xmm1, <xmm0>
    assert_eq!(i.ops[2], Operand::Xmm(0));
    let i = d("f3 48 a5"); // rep movsq
    assert!(i.has_prefix(prefix::REP) && !i.has_prefix(prefix::REPNE));
    let i = d("f2 ae"); // repne scasb
    assert!(i.has_prefix(prefix::REPNE));
    let i = d("f3 ae"); // repe scasb
    assert!(i.has_prefix(prefix::REP));
    let i = d("f3 0f 10 c1"); // movss: F3 is a mandatory prefix, not REP
    assert_eq!((i.op, i.prefixes & prefix::REP), (Op::Movss, 0));
    assert_eq!(d("f3 90").op, Op::Pause);
    assert_eq!(d("0f 1f 44 00 00").op, Op::Nop);
    assert_eq!(d("f3 0f 1e fa").op, Op::Endbr64);
    let i = d("f0 48 0f c1 07"); // lock xadd [rdi], rax
    assert!(i.has_prefix(prefix::LOCK));
    // REX not immediately before the opcode is ignored: 48 66 → 16-bit.
    assert_eq!(d("48 66 01 c0").osize, 2);
}

#[test]
fn errors() {
    assert!(matches!(
        decode(&[], 0),
        Err(DecodeError::Truncated { have: 0 })
    ));
    assert!(matches!(
        decode(&[0x48, 0x8b], 0),
        Err(DecodeError::Truncated { have: 2 })
    ));
    assert!(matches!(
        decode(&[0xf0, 0x01, 0xc0], 0),
        Err(DecodeError::Invalid { .. })
    )); // lock add eax, eax
    assert!(matches!(
        decode(&[0x06], 0),
        Err(DecodeError::Invalid { .. })
    )); // push es
        // 14 prefixes + a 2-byte instruction = 16 bytes: too long.
    let mut long = vec![0x66; 14];
    long.extend([0x01, 0xc0]);
    assert!(matches!(decode(&long, 0), Err(DecodeError::Invalid { .. })));
    assert!(decode(&long[1..], 0).is_ok());
    let e = decode(&[0x0f, 0x05], 0).unwrap_err(); // syscall
    assert_eq!(e.to_string(), "syscall is a system call, not supported");
    let e = decode(&[0xc5, 0xf9, 0xfe, 0xc1], 0).unwrap_err(); // vpaddd xmm0, xmm0, xmm1
    assert_eq!(e.to_string(), "vpaddd is AVX, not supported");
    assert_eq!(e.len(), Some(4));
    assert!(matches!(
        decode(&[0xd9, 0xe8], 0),
        Err(DecodeError::Unsupported {
            mnemonic: "fld1",
            ..
        })
    ));
    assert!(matches!(
        decode(&[0x0f, 0x31], 0),
        Err(DecodeError::Unsupported {
            mnemonic: "rdtsc",
            ..
        })
    ));
}

#[test]
fn string_ops_are_contiguous() {
    use echovm_decoder::Op;
    let strings = [
        Op::Movsb,
        Op::Movsw,
        Op::MovsdString,
        Op::Movsq,
        Op::Stosb,
        Op::Stosw,
        Op::Stosd,
        Op::Stosq,
        Op::Lodsb,
        Op::Lodsw,
        Op::Lodsd,
        Op::Lodsq,
        Op::Scasb,
        Op::Scasw,
        Op::Scasd,
        Op::Scasq,
        Op::Cmpsb,
        Op::Cmpsw,
        Op::CmpsdString,
        Op::Cmpsq,
    ];
    for op in Op::ALL {
        assert_eq!(op.is_string(), strings.contains(op), "{op:?}");
    }
}

/// Fuzz findings (fuzz/crash-14c6…, fuzz/crash-902b…): VEX 0F38 2D/2F are vmaskmovpd.
#[test]
fn vmaskmovpd_is_named_as_iced_names_it() {
    for bytes in [
        &[0xc4u8, 0x22, 0x0d, 0x2f, 0x18][..],
        &[0xc4, 0x02, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d],
    ] {
        match echovm_decoder::decode(bytes, 0x1000) {
            Err(echovm_decoder::DecodeError::Unsupported { mnemonic, .. }) => {
                assert_eq!(mnemonic, "vmaskmovpd")
            }
            other => panic!("{other:?}"),
        }
    }
}
