//! `echovm disasm FILE`: one line per instruction of every executable segment.

use crate::contract;
use crate::error::CliError;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(path: &Path) -> Result<ExitCode, CliError> {
    let program = contract::parse(path, echovm_gas::latest())?;
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for seg in program.code_segments() {
        let mut off = 0usize;
        while off < seg.data.len() {
            let ip = seg.vaddr + off as u64;
            if let Some(sym) = program.symbols.iter().find(|s| s.addr == ip) {
                let _ = writeln!(out, "\n<{}>:", sym.name);
            }
            let (len, text) = echovm_decoder::disasm_line(&seg.data[off..], ip);
            let len = len.max(1);
            let hex: String = seg.data[off..off + len].iter().map(|b| format!("{b:02x}")).collect();
            let _ = writeln!(out, "{ip:x}: {hex}  {text}");
            off += len;
        }
    }
    crate::exit(0)
}
