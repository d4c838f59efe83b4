//! The stopwatch: CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
//!
//! The benchmark machine is shared (2 cores, other builds running): wall
//! time would charge a kernel for every moment the scheduler gave its core to
//! someone else. Thread CPU time counts only the time this thread ran, which
//! is what an engine's speed is. (Cache pollution by neighbours still shows.)

use std::time::Duration;

/// A point on the calling thread's CPU clock.
#[derive(Clone, Copy, Debug)]
pub struct CpuInstant(Duration);

impl CpuInstant {
    pub fn now() -> CpuInstant {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid out-pointer; CLOCK_THREAD_CPUTIME_ID exists on
        // every Linux since 2.6.12, so the call cannot fail here.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        CpuInstant(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
    }

    /// CPU time this thread used since `self`.
    pub fn elapsed(&self) -> Duration {
        CpuInstant::now().0.saturating_sub(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cpu_work_but_not_sleep() {
        let t = CpuInstant::now();
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            t.elapsed() < Duration::from_millis(20),
            "sleep counted as CPU time"
        );
        let t = CpuInstant::now();
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        assert!(
            t.elapsed() > Duration::from_millis(1),
            "busy loop not counted ({x})"
        );
    }
}
