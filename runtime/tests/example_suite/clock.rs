//! The harness's virtual clock: wall time plus the shifts of due instants, and the stubbed handlers
//! sleeping on it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

/// Wall-clock milliseconds since the Unix epoch: the clock Postgres's `clock_timestamp()` reads
/// on this machine, so instants from the database and from the harness compare exactly.
pub(crate) fn wall_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// The virtual clock and the handlers sleeping on it: `V(t) = t - base + S(t)`, with `t` the
/// wall clock and `S(t)` the shifts applied up to `t`.
pub(crate) struct Clock {
    pub(crate) base_ms: f64,
    /// (wall-clock instant, amount) of every shift, in order.
    pub(crate) shifts: Mutex<Vec<(f64, f64)>>,
    /// Sleepers whose end is at or before this virtual instant may return.
    pub(crate) released: watch::Sender<f64>,
    pub(crate) sleepers: Mutex<HashMap<u64, (String, f64)>>,
    pub(crate) next_token: AtomicU64,
}

impl Clock {
    pub(crate) fn new() -> Self {
        Clock {
            base_ms: wall_ms(),
            shifts: Mutex::new(Vec::new()),
            released: watch::channel(f64::NEG_INFINITY).0,
            sleepers: Mutex::new(HashMap::new()),
            next_token: AtomicU64::new(0),
        }
    }

    /// The sum of the shifts applied up to wall-clock instant `t`.
    pub(crate) fn shift_at(&self, t: f64) -> f64 {
        self.shifts
            .lock()
            .unwrap()
            .iter()
            .filter(|(at, _)| *at <= t)
            .map(|(_, d)| d)
            .sum()
    }

    /// The virtual instant of wall-clock instant `t` (for `t` up to now).
    pub(crate) fn at(&self, t: f64) -> f64 {
        t - self.base_ms + self.shift_at(t)
    }

    pub(crate) fn now(&self) -> f64 {
        self.at(wall_ms())
    }

    /// Sleeps until the driver releases virtual instant `wake` (dropped with the handler when
    /// the worker aborts it).
    pub(crate) async fn sleep_until(self: &Arc<Self>, execution_id: &str, wake: f64) {
        let token = self.next_token.fetch_add(1, Ordering::Relaxed);
        self.sleepers
            .lock()
            .unwrap()
            .insert(token, (execution_id.to_owned(), wake));
        let _guard = SleeperGuard(self.clone(), token);
        let mut rx = self.released.subscribe();
        loop {
            if *rx.borrow_and_update() >= wake {
                return;
            }
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    /// Sleepers not yet released: (execution id, end).
    pub(crate) fn sleeping(&self) -> Vec<(String, f64)> {
        let released = *self.released.borrow();
        self.sleepers
            .lock()
            .unwrap()
            .values()
            .filter(|(_, wake)| *wake > released)
            .cloned()
            .collect()
    }

    pub(crate) fn release(&self, upto: f64) {
        self.released.send_modify(|r| *r = r.max(upto));
    }
}

pub(crate) struct SleeperGuard(pub(crate) Arc<Clock>, pub(crate) u64);

impl Drop for SleeperGuard {
    fn drop(&mut self) {
        if let Ok(mut m) = self.0.sleepers.lock() {
            m.remove(&self.1);
        }
    }
}
