//! The Intel-syntax formatter against iced-x86's `IntelFormatter` (configured
//! to the same conventions: `0x` hex, `, ` separators, explicit `ptr` sizes)
//! on libc's code, plus `disasm_line` properties on random bytes.

mod common;

use iced_x86::{Formatter, IntelFormatter, MemorySizeOptions};

fn iced_formatter() -> IntelFormatter {
    let mut f = IntelFormatter::new();
    let o = f.options_mut();
    o.set_hex_prefix("0x");
    o.set_hex_suffix("");
    o.set_uppercase_hex(false);
    o.set_space_after_operand_separator(true);
    o.set_memory_size_options(MemorySizeOptions::Always);
    o.set_rip_relative_addresses(true);
    o.set_show_branch_size(false);
    o.set_branch_leading_zeros(false);
    o.set_leading_zeros(false);
    o.set_displacement_leading_zeros(false);
    o.set_small_hex_numbers_in_decimal(false);
    o.set_add_leading_zero_to_hex_numbers(false);
    o.set_always_show_scale(true);
    o.set_signed_immediate_operands(false);
    o.set_show_useless_prefixes(false);
    f
}

/// Our text without the trailing `; 0xADDR` comment of RIP-relative operands.
fn strip_comment(s: &str) -> &str {
    s.split(" ; ").next().unwrap_or(s)
}

#[test]
fn formatter_matches_iced_on_libc() {
    let path = std::path::Path::new("/usr/lib/x86_64-linux-gnu/libc.so.6");
    let Ok(data) = std::fs::read(path) else {
        return;
    };
    let elf = goblin::elf::Elf::parse(&data).expect("libc parses");
    let text = elf
        .section_headers
        .iter()
        .find(|s| elf.shdr_strtab.get_at(s.sh_name) == Some(".text"))
        .expect(".text");
    let code = &data[text.sh_offset as usize..(text.sh_offset + text.sh_size) as usize];
    let mut f = iced_formatter();
    let (mut off, mut checked, mut differ) = (0usize, 0u64, Vec::new());
    while off < code.len() {
        let ip = text.sh_addr + off as u64;
        let (ins, _) = common::iced_decode(&code[off..], ip);
        if let Ok(ours) = echovm_decoder::decode(&code[off..], ip) {
            let mut theirs = String::new();
            f.format(&ins, &mut theirs);
            let mine = echovm_decoder::format_result(&Ok(ours), ip);
            // Implicit-operand conventions differ by design (see docs/DECODER.md).
            // iced abbreviates `imul r, r, imm` to `imul r, imm`; size-less memory
            // operands (prefetch, clflush) carry no `ptr` keyword for us.
            // iced prints `66 90` as `xchg ax, ax`.
            let implicit = ins.op_count() as usize != ours.op_count()
                || ours.op == echovm_decoder::Op::Nop
                || matches!(ours.ops[0], echovm_decoder::Operand::Mem { size: 0 })
                || (ours.op == echovm_decoder::Op::Imul && ours.ops[0] == ours.ops[1]);
            if !implicit {
                checked += 1;
                // Prefixes that do not change what echovm executes (`notrack`,
                // `rep ret`, `bnd`) are not printed by us.
                let mut t = theirs.as_str();
                let rep = ours.prefixes
                    & (echovm_decoder::prefix::REP | echovm_decoder::prefix::REPNE)
                    != 0;
                while let Some((p, rest)) = t.split_once(' ') {
                    if p == "notrack"
                        || p == "bnd"
                        || (!rep && matches!(p, "rep" | "repe" | "repne"))
                    {
                        t = rest;
                    } else {
                        break;
                    }
                }
                if strip_comment(&mine) != t {
                    differ.push(format!("{ip:#x}: ours `{mine}` iced `{theirs}`"));
                }
            }
        }
        off += ins.len().max(1);
    }
    for d in differ.iter().take(20) {
        eprintln!("{d}");
    }
    assert!(
        checked > 100_000,
        "too few instructions compared: {checked}"
    );
    assert!(
        differ.is_empty(),
        "{} of {checked} instructions format differently",
        differ.len()
    );
}

#[test]
fn disasm_line_always_advances() {
    let mut x = 0x1234_5678_9ABC_DEF1u64;
    let mut buf = [0u8; 24];
    for _ in 0..200_000 {
        for b in buf.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        let n = (x >> 40) as usize % buf.len();
        let (len, line) = echovm_decoder::disasm_line(&buf[..n], 0x40_1000);
        assert!(len >= 1 && (n == 0 || len <= n), "len {len} of {n}");
        assert!(line.starts_with("00401000: "), "{line}");
    }
}
