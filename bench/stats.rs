//! Shared by the benches (`#[path = "stats.rs"] mod stats;`): percentiles of latencies.

use std::time::Duration;

/// The nearest-rank percentile `p` (0..=1) of `sorted` (ascending, not empty).
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
