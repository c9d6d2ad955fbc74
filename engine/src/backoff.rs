//! Retry delays and the engine's own seeded PRNG (used for jitter only).
//!
//! The delay before retry `n` (`n = 1` for the first retry, so attempt `n + 1`) is
//!
//! ```text
//! base  = initial * factor^(n - 1)
//! cap   = min(base, maxDelay)            (no cap when maxDelay is absent)
//! delay = floor(cap * (1 - jitter * u))  u uniform in [0, 1) from the execution's PRNG
//! ```
//!
//! in milliseconds, never negative: jitter only ever shortens a delay, so `maxDelay` stays an
//! upper bound. The PRNG is SplitMix64, seeded from the execution's random seed and stored in
//! the execution state, so the same events give the same delays.

use rhythm_interpreter::effects::RetryPolicy;
use serde::{Deserialize, Serialize};

/// SplitMix64: small, fast, and its whole state is one `u64` that serializes with the execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prng(pub u64);

impl Prng {
    /// A generator for an execution seeded with `seed` (a different stream from `Math.random`).
    pub fn seeded(seed: u64) -> Self {
        Prng(seed ^ 0x6A09_E667_F3BC_C909)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number uniform in `[0, 1)`.
    pub fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The delay in milliseconds before retry number `retry` (1-based), see the module docs.
pub fn retry_delay(policy: &RetryPolicy, retry: u32, jitter: f64, rng: &mut Prng) -> f64 {
    let exponent = retry.saturating_sub(1).min(1024) as i32;
    let base = policy.initial_ms * policy.factor.powi(exponent);
    let capped = match policy.max_delay_ms {
        Some(max) => base.min(max),
        None => base,
    };
    let capped = if capped.is_finite() {
        capped.max(0.0)
    } else {
        0.0_f64.max(policy.max_delay_ms.unwrap_or(0.0))
    };
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let u = rng.next_unit();
    (capped * (1.0 - jitter * u)).floor().max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(max_delay_ms: Option<f64>) -> RetryPolicy {
        RetryPolicy {
            max: 5,
            initial_ms: 1000.0,
            factor: 2.0,
            max_delay_ms,
        }
    }

    #[test]
    fn exponential_without_jitter() {
        let mut rng = Prng::seeded(1);
        let delays: Vec<f64> = (1..=4)
            .map(|n| retry_delay(&policy(None), n, 0.0, &mut rng))
            .collect();
        assert_eq!(delays, vec![1000.0, 2000.0, 4000.0, 8000.0]);
    }

    #[test]
    fn capped_by_max_delay() {
        let mut rng = Prng::seeded(1);
        assert_eq!(retry_delay(&policy(Some(3000.0)), 4, 0.0, &mut rng), 3000.0);
    }

    #[test]
    fn jitter_only_shortens_and_is_deterministic() {
        let mut a = Prng::seeded(7);
        let mut b = Prng::seeded(7);
        for n in 1..20 {
            let x = retry_delay(&policy(Some(5000.0)), n, 0.2, &mut a);
            let y = retry_delay(&policy(Some(5000.0)), n, 0.2, &mut b);
            assert_eq!(x, y);
            let cap = (1000.0 * 2f64.powi(n as i32 - 1)).min(5000.0);
            assert!(x <= cap && x >= (cap * 0.8).floor(), "{x} vs {cap}");
        }
    }

    #[test]
    fn absurd_policies_do_not_panic() {
        let mut rng = Prng::seeded(0);
        let p = RetryPolicy {
            max: 1,
            initial_ms: f64::NAN,
            factor: f64::INFINITY,
            max_delay_ms: None,
        };
        assert!(retry_delay(&p, u32::MAX, 0.5, &mut rng) >= 0.0);
    }
}
