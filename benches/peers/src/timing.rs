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

/// Warm up once, then time `run` until the budget is spent. `run` returns the
/// time of its kernel only and its checksum.
pub fn measure(
    budget: Budget,
    mut run: impl FnMut() -> Result<(Duration, u64), BenchError>,
) -> Result<Sample, BenchError> {
    let (_, checksum) = run()?;
    let mut times = Vec::with_capacity(budget.max_runs);
    let mut total = Duration::ZERO;
    while times.len() < budget.max_runs && (times.len() < budget.min_runs || total < budget.time) {
        let (t, sum) = run()?;
        if sum != checksum {
            return Err(BenchError::Unstable {
                first: checksum,
                later: sum,
            });
        }
        total += t;
        times.push(t);
    }
    Ok(Sample {
        median: median(&mut times),
        runs: times.len(),
        checksum,
    })
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
        let err = measure(budget, || {
            k += 1;
            Ok((Duration::from_micros(1), k / 2))
        });
        assert!(matches!(err, Err(BenchError::Unstable { .. })));
        let s = measure(budget, || Ok((Duration::from_millis(400), 7))).unwrap();
        assert_eq!((s.runs, s.checksum), (3, 7));
    }
}
