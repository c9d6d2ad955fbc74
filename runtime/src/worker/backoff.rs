//! Backoff for retrying database operations after transient errors (connection lost, restart).

use std::time::Duration;

/// Exponential backoff from 50 ms, doubling, capped at 5 s.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    next: Duration,
}

const FIRST: Duration = Duration::from_millis(50);
const CAP: Duration = Duration::from_secs(5);

impl Backoff {
    /// A fresh backoff.
    pub(crate) fn new() -> Self {
        Backoff { next: FIRST }
    }

    /// The delay before the next try; doubles for the one after.
    pub(crate) fn next_delay(&mut self) -> Duration {
        let d = self.next;
        self.next = (self.next * 2).min(CAP);
        d
    }

    /// Back to the first delay after a success.
    pub(crate) fn reset(&mut self) {
        self.next = FIRST;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_to_the_cap_and_resets() {
        let mut b = Backoff::new();
        let seq: Vec<u128> = (0..9).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(seq, vec![50, 100, 200, 400, 800, 1600, 3200, 5000, 5000]);
        b.reset();
        assert_eq!(b.next_delay(), FIRST);
    }
}
