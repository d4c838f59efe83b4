//! Decoder throughput: echovm vs iced-x86 (full decode) vs yaxpeax-x86 on the
//! executable sections of real binaries (libc plus the largest ELF files in
//! /usr/bin, capped at `ECHOVM_BENCH_MB` megabytes of code, default 32).
//!
//! Each decoder sweeps the same buffers linearly (skipping one byte on invalid
//! input; ours through `decode_next`, iced-x86 through `Decoder::decode_out`,
//! both writing a full decoded instruction); of seven alternating rounds the
//! best is reported, timed by thread CPU time (and wall-clock for reference).
//! Run with `cargo bench -p echovm-decoder --bench decode`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn code_sections(path: &Path) -> Vec<(u64, Vec<u8>)> {
    let Ok(data) = std::fs::read(path) else {
        return Vec::new();
    };
    let Ok(elf) = goblin::elf::Elf::parse(&data) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for sh in &elf.section_headers {
        if sh.sh_flags & u64::from(goblin::elf::section_header::SHF_EXECINSTR) != 0
            && sh.sh_type == goblin::elf::section_header::SHT_PROGBITS
        {
            if let Some(b) = data.get(sh.sh_offset as usize..(sh.sh_offset + sh.sh_size) as usize) {
                out.push((sh.sh_addr, b.to_vec()));
            }
        }
    }
    out
}

fn corpus(limit: usize) -> Vec<(u64, Vec<u8>)> {
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir("/usr/bin")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let m = std::fs::metadata(e.path()).ok()?;
                    m.is_file().then(|| (m.len(), e.path()))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut paths = vec![PathBuf::from("/usr/lib/x86_64-linux-gnu/libc.so.6")];
    paths.extend(files.into_iter().map(|f| f.1).take(20));
    let mut out = Vec::new();
    let mut total = 0;
    for p in paths {
        for (a, b) in code_sections(&p) {
            if total >= limit {
                return out;
            }
            let take = b.len().min(limit - total);
            total += take;
            out.push((a, b[..take].to_vec()));
        }
    }
    out
}

fn ours(bufs: &[(u64, Vec<u8>)]) -> u64 {
    let mut n = 0u64;
    let mut i = echovm_decoder::decode(&[0x90], 0).expect("nop decodes");
    for (addr, code) in bufs {
        // The rest of the section and its address: fewer live values than
        // (section, offset, base address), so the loop keeps them all in
        // registers across the decoder call, as iced-x86's decoder keeps its
        // position in its own state.
        let mut rest: &[u8] = code;
        let mut ip = *addr;
        while !rest.is_empty() {
            // `decode_next` = `decode_into` (the full `Insn` is written and
            // escapes through `black_box`) that also returns the length, so
            // the next address does not wait for `i.len` to be stored and
            // reloaded (measured: 1.47-1.53x iced-x86 through `decode_into`
            // and `i.len`, 1.57-1.58x this way, same runs interleaved).
            let step = match echovm_decoder::decode_next(rest, ip, &mut i) {
                Ok(len) => {
                    black_box(&i);
                    len
                }
                Err(echovm_decoder::DecodeError::Unsupported { len, .. }) => len as usize,
                Err(_) => 1,
            };
            rest = &rest[step..];
            ip = ip.wrapping_add(step as u64);
            n += 1;
        }
    }
    n
}

fn iced(bufs: &[(u64, Vec<u8>)]) -> u64 {
    use iced_x86::{Decoder, DecoderOptions, Instruction};
    let mut n = 0u64;
    for (addr, code) in bufs {
        let mut d = Decoder::with_ip(64, code, *addr, DecoderOptions::NONE);
        let mut ins = Instruction::default();
        while d.can_decode() {
            d.decode_out(&mut ins);
            black_box(&ins);
            n += 1;
        }
    }
    n
}

fn yaxpeax(bufs: &[(u64, Vec<u8>)]) -> u64 {
    use yaxpeax_arch::{AddressBase, Decoder, LengthedInstruction, U8Reader};
    use yaxpeax_x86::long_mode::InstDecoder;
    let dec = InstDecoder::default();
    let mut n = 0u64;
    for (_, code) in bufs {
        let mut off = 0;
        while off < code.len() {
            let mut r = U8Reader::new(&code[off..]);
            off += match dec.decode(&mut r) {
                Ok(i) => {
                    black_box(&i);
                    0u64.wrapping_offset(i.len()) as usize
                }
                Err(_) => 1,
            };
            n += 1;
        }
    }
    n
}

/// CPU time consumed by this thread, in seconds. On a shared, loaded machine
/// wall-clock rounds include time spent descheduled; thread CPU time does not.
fn thread_cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// One timed run of `f`: (wall seconds, thread CPU seconds, instructions).
fn timed(f: &dyn Fn() -> u64) -> (f64, f64, u64) {
    let c = thread_cpu();
    let t = Instant::now();
    let n = f();
    (t.elapsed().as_secs_f64(), thread_cpu() - c, n)
}

fn report(name: &str, bytes: usize, secs: f64, cpu: f64, count: u64) -> (f64, f64) {
    let mbs = bytes as f64 / secs / 1e6;
    let cmbs = bytes as f64 / cpu / 1e6;
    println!(
        "{name:>10}: {mbs:8.1} MB/s wall, {cmbs:8.1} MB/s CPU  ({count} instructions, {:.1} ns/insn CPU)",
        cpu * 1e9 / count as f64
    );
    (mbs, cmbs)
}

fn main() {
    let mb: usize = std::env::var("ECHOVM_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let bufs = corpus(mb << 20);
    let bytes: usize = bufs.iter().map(|b| b.1.len()).sum();
    if bytes == 0 {
        println!("decode: no code found to benchmark");
        return;
    }
    println!(
        "corpus: {:.1} MB of x86-64 code in {} sections",
        bytes as f64 / 1e6,
        bufs.len()
    );
    // For profiling (`perf stat`/`perf record`/callgrind): one decoder only, ten
    // rounds (`ECHOVM_BENCH_ROUNDS`).
    let only: Option<(&str, &dyn Fn() -> u64)> = match std::env::var("ECHOVM_BENCH_ONLY").as_deref()
    {
        Ok("ours") => Some(("ours", &|| ours(&bufs))),
        Ok("iced") => Some(("iced-x86", &|| iced(&bufs))),
        _ => None,
    };
    if let Some((name, f)) = only {
        let rounds: usize = std::env::var("ECHOVM_BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10);
        for _ in 0..rounds {
            let (w, c, n) = timed(f);
            report(name, bytes, w, c, n);
        }
        return;
    }
    // Rounds alternate between the decoders so that load from other processes
    // on a shared machine hits all of them alike; the best round of each
    // counts, separately for wall-clock and thread CPU time.
    let decoders: [(&str, &dyn Fn() -> u64); 3] = [
        ("ours", &|| ours(&bufs)),
        ("iced-x86", &|| iced(&bufs)),
        ("yaxpeax", &|| yaxpeax(&bufs)),
    ];
    let mut wall = [f64::MAX; 3];
    let mut cpu = [f64::MAX; 3];
    let mut count = [0u64; 3];
    for _ in 0..7 {
        for (k, (_, f)) in decoders.iter().enumerate() {
            let (w, c, n) = timed(*f);
            wall[k] = wall[k].min(w);
            cpu[k] = cpu[k].min(c);
            count[k] = n;
        }
    }
    let r: Vec<(f64, f64)> = (0..3)
        .map(|k| report(decoders[k].0, bytes, wall[k], cpu[k], count[k]))
        .collect();
    println!(
        "decode: ours {:.0} MB/s, iced-x86 {:.0} MB/s, ratio {:.2} (thread CPU time; wall-clock ratio {:.2})",
        r[0].1,
        r[1].1,
        r[0].1 / r[1].1,
        r[0].0 / r[1].0
    );
}
