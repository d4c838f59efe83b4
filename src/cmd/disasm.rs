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
            let bytes = &seg.data[off..];
            let res = echovm_decoder::decode(bytes, ip);
            let len = match &res {
                Ok(i) => i.len as usize,
                Err(echovm_decoder::DecodeError::Unsupported { len, .. }) => *len as usize,
                Err(_) => 1,
            }
            .clamp(1, bytes.len());
            let text = echovm_decoder::format_result(&res, ip);
            let hex: String = seg.data[off..off + len]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let _ = writeln!(out, "{ip:x}: {hex}  {text}");
            off += len;
        }
    }
    crate::exit(0)
}
