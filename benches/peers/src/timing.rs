//! Repetition and medians: every figure in the table is the median of
//! several timed runs after one warm-up run, and every run must produce the
//! same checksum.

use crate::BenchError;
use std::time::Duration;

/// How long to keep repeating one (program, engine) pair.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Stop once this much time was measured and `min_runs` are done.
    pub time: Duration,
    pub min_runs: usize,
    pub max_runs: usize,
}

/// Result of measuring one (program, engine) pair.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub median: Duration,
    pub runs: usize,
    pub checksum: u64,
}

/// Median of `durations` (sorted in place); zero for an empty slice.
pub fn median(durations: &mut [Duration]) -> Duration {
    if durations.is_empty() {
        return Duration::ZERO;
    }
    durations.sort_unstable();
    let n = durations.len();
    if n % 2 == 1 {
        durations[n / 2]
    } else {
        (durations[n / 2 - 1] + durations[n / 2]) / 2
    }
}

/// A timed engine: one run of its kernel, returning the kernel's time and
/// its checksum.
pub type Run<'a> = &'a mut dyn FnMut() -> Result<(Duration, u64), BenchError>;

/// Warm up each engine once, then time it until its budget is spent —
/// for several engines at once, round-robin: one run of each
/// engine per round, so that a change in the machine's load (other tenants
/// of a shared host) hits every engine alike and the ratios between them
/// stay meaningful. Each engine is warmed up once, then run until it has
/// its own budget; an engine that fails is left out of later rounds.
pub fn measure_interleaved(
    budget: Budget,
    runs: &mut [Run<'_>],
) -> Vec<Result<Sample, BenchError>> {
    struct State {
        checksum: u64,
        times: Vec<Duration>,
        total: Duration,
    }
    let mut states: Vec<Result<State, BenchError>> = runs
        .iter_mut()
        .map(|run| {
            run().map(|(_, checksum)| State {
                checksum,
                times: Vec::with_capacity(budget.max_runs),
                total: Duration::ZERO,
            })
        })
        .collect();
    let wants = |st: &State| {
        st.times.len() < budget.max_runs
            && (st.times.len() < budget.min_runs || st.total < budget.time)
    };
    loop {
        let mut ran = false;
        for (run, state) in runs.iter_mut().zip(states.iter_mut()) {
            let Ok(st) = state else { continue };
            if !wants(st) {
                continue;
            }
            ran = true;
            match run() {
                Ok((_, sum)) if sum != st.checksum => {
                    *state = Err(BenchError::Unstable {
                        first: st.checksum,
                        later: sum,
                    });
                }
                Ok((t, _)) => {
                    st.total += t;
                    st.times.push(t);
                }
                Err(e) => *state = Err(e),
            }
        }
        if !ran {
            break;
        }
    }
    states
        .into_iter()
        .map(|state| {
            state.map(|mut st| Sample {
                median: median(&mut st.times),
                runs: st.times.len(),
                checksum: st.checksum,
            })
        })
        .collect()
}

/// Geometric mean of positive ratios; `None` when there are none.
pub fn geomean(values: &[f64]) -> Option<f64> {
    // `v > 0.0` is false for NaN too, so NaN ratios are rejected with the rest.
    if values.is_empty() || !values.iter().all(|&v| v > 0.0) {
        return None;
    }
    Some((values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&mut [ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(
            median(&mut [ms(4), ms(1), ms(2), ms(3)]),
            Duration::from_micros(2500)
        );
        assert_eq!(median(&mut []), Duration::ZERO);
    }

    #[test]
    fn interleaved_engines_alternate_and_keep_their_own_budgets() {
        let budget = Budget {
            time: Duration::from_millis(10),
            min_runs: 3,
            max_runs: 50,
        };
        let log = std::cell::RefCell::new(Vec::new());
        let mut fast = || {
            log.borrow_mut().push('f');
            Ok((Duration::from_millis(1), 7))
        };
        let mut slow = || {
            log.borrow_mut().push('s');
            Ok((Duration::from_millis(5), 9))
        };
        let mut calls = 0;
        let mut unstable = || {
            calls += 1;
            Ok((Duration::from_millis(1), calls))
        };
        let got = measure_interleaved(budget, &mut [&mut fast, &mut slow, &mut unstable]);
        let f = got[0].as_ref().expect("fast engine");
        let s = got[1].as_ref().expect("slow engine");
        // 10 ms of 1 ms runs; 5 ms runs until 10 ms is reached, at least 3.
        assert_eq!(
            (f.runs, f.median, f.checksum),
            (10, Duration::from_millis(1), 7)
        );
        assert_eq!(
            (s.runs, s.median, s.checksum),
            (3, Duration::from_millis(5), 9)
        );
        assert!(matches!(
            got[2],
            Err(BenchError::Unstable { first: 1, later: 2 })
        ));
        // Warm-ups, then rounds alternating while both still run.
        let log: String = log.into_inner().into_iter().collect();
        assert_eq!(&log[..8], "fsfsfsfs");
    }

    #[test]
    fn geomean_of_ratios() {
        assert!((geomean(&[2.0, 8.0]).unwrap() - 4.0).abs() < 1e-12);
        assert_eq!(geomean(&[]), None);
        assert_eq!(geomean(&[1.0, 0.0]), None);
    }

    #[test]
    fn measure_rejects_a_changing_checksum() {
        let budget = Budget {
            time: Duration::from_secs(1),
            min_runs: 3,
            max_runs: 5,
        };
        let mut k = 0u64;
        let mut changing = || {
            k += 1;
            Ok((Duration::from_micros(1), k / 2))
        };
        let mut steady = || Ok((Duration::from_millis(400), 7));
        let mut got = measure_interleaved(budget, &mut [&mut changing, &mut steady]).into_iter();
        let err = got.next().unwrap();
        assert!(matches!(err, Err(BenchError::Unstable { .. })));
        let s = got.next().unwrap().unwrap();
        assert_eq!((s.runs, s.checksum), (3, 7));
    }
}
