//! The fourth column: the same native kernels in the standalone driver
//! (`benches/c/native_main.c`), run under `qemu-x86_64` (user-mode dynamic
//! binary translation) — a reference point for "x86 on a foreign engine".

use crate::BenchError;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Median kernel time and checksum reported by the driver for `reps` runs.
pub fn run(
    qemu: &Path,
    driver: &Path,
    name: &str,
    n: u32,
    reps: u32,
) -> Result<(Duration, u64), BenchError> {
    let out = Command::new(qemu)
        .arg(driver)
        .args([name, &n.to_string(), &reps.to_string()])
        .output()
        .map_err(|e| BenchError::Io(qemu.display().to_string(), e))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(BenchError::Qemu(format!(
            "{} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let mut fields = text.split_whitespace().map(str::parse::<u64>);
    match (fields.next(), fields.next()) {
        (Some(Ok(ns)), Some(Ok(sum))) => Ok((Duration::from_nanos(ns), sum)),
        _ => Err(BenchError::Qemu(format!(
            "unexpected driver output {text:?}"
        ))),
    }
}

/// `qemu-x86_64` on the PATH, if installed.
pub fn find() -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join("qemu-x86_64"))
        .find(|p| p.is_file())
}
