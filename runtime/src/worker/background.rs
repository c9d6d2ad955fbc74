//! The worker's background loops: the notification subscription that wakes the claim loop, the
//! heartbeat that extends leases (and notices lost ones), the reaper that settles attempts of
//! vanished or timed-out workers, and the completer that writes results in batches.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio::time::MissedTickBehavior;

use super::backoff::Backoff;
use super::{InFlight, Stats};
use crate::step::Planner;
use crate::store::{AttemptResult, Channel, Notification, Store};

/// Wakes the claim loop on every ready notification (and, when serving workflows, the step
/// loops on finished executions too); subscribes again with backoff when the subscription
/// breaks and wakes once after each new subscription (notifications sent meanwhile are lost).
pub(super) async fn listen(
    store: Arc<dyn Store>,
    wake: Arc<Notify>,
    step_wake: Option<Arc<Notify>>,
) {
    let wake_all = |wake: &Notify| {
        wake.notify_one();
        if let Some(s) = &step_wake {
            wake_steps(s);
        }
    };
    let mut backoff = Backoff::new();
    loop {
        let channels: &[Channel] = if step_wake.is_some() {
            &[Channel::Ready, Channel::Done]
        } else {
            &[Channel::Ready]
        };
        let mut listener = match store.listen(channels).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!("worker: LISTEN failed, retrying: {e}");
                tokio::time::sleep(backoff.next_delay()).await;
                continue;
            }
        };
        backoff.reset();
        wake_all(&wake);
        loop {
            match listener.recv().await {
                Ok(Notification::Finished(_)) => {
                    // A finished task may have woken a workflow.
                    if let Some(s) = &step_wake {
                        wake_steps(s);
                    }
                }
                Ok(Notification::Ready) => wake_all(&wake),
                Err(e) => {
                    tracing::warn!("worker: listener lost its connection: {e}");
                    tokio::time::sleep(backoff.next_delay()).await;
                    wake_all(&wake);
                    break;
                }
            }
        }
    }
}

/// Wakes one step loop (or gives the next one to wait a permit). One is enough: a loop whose
/// batch came back full wakes the next (see [`steps`]), so more loops join only when there is
/// more work than one batch; waking them all on every notification made them race for the
/// same step and slowed a lone workflow down (12 → 20 ms per await with 4 loops).
fn wake_steps(n: &Notify) {
    n.notify_one();
}

/// Extends the leases of the attempts in flight every `every`; aborts the handlers of attempts
/// the worker no longer holds (cancelled, or reaped after a lease loss).
pub(super) async fn heartbeat(
    store: Arc<dyn Store>,
    worker_id: String,
    in_flight: InFlight,
    every: Duration,
    lease_ms: i64,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let ids: Vec<String> = match in_flight.lock() {
            Ok(m) => m.keys().cloned().collect(),
            Err(_) => return,
        };
        if ids.is_empty() {
            continue;
        }
        match store.heartbeat(&worker_id, &ids, lease_ms).await {
            Ok(held) => {
                let held: HashSet<String> = held.into_iter().collect();
                if let Ok(m) = in_flight.lock() {
                    for id in ids.iter().filter(|id| !held.contains(*id)) {
                        if let Some(flight) = m.get(id) {
                            tracing::info!(
                                "worker: attempt of {id} withdrawn, stopping its handler"
                            );
                            flight.abort.abort();
                        }
                    }
                }
            }
            Err(e) => tracing::warn!("worker: heartbeat failed: {e}"),
        }
    }
}

/// Keeps the worker's registration fresh: registers it (retrying while the store is
/// unreachable), then refreshes its heartbeat every `every`, registering again when its row was
/// forgotten.
pub(super) async fn presence(
    store: Arc<dyn Store>,
    registration: crate::inspect::WorkerRegistration,
    every: Duration,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut registered = false;
    loop {
        tick.tick().await;
        let outcome = if registered {
            store.worker_heartbeat(&registration.id).await
        } else {
            store.register_worker(&registration).await.map(|()| true)
        };
        match outcome {
            Ok(known) => registered = known,
            Err(e) => tracing::warn!("worker: registration heartbeat failed: {e}"),
        }
    }
}

/// Settles expired leases and passed deadlines of any worker every `every`; wakes the claim
/// loop when something was put back.
pub(super) async fn reap(
    store: Arc<dyn Store>,
    every: Duration,
    wake: Arc<Notify>,
    stats: Arc<Stats>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match store.reap_expired(1000).await {
            Ok(s) => {
                stats.add_reaped(s.retried + s.failed);
                if s.retried > 0 {
                    wake.notify_one();
                }
            }
            Err(e) => tracing::warn!("worker: reaper failed: {e}"),
        }
        if let Err(e) = store.fire_timers(1000).await {
            tracing::warn!("worker: firing timers failed: {e}");
        }
    }
}

/// Writes finished attempts in batches of up to `max_batch`: everything that arrived while the
/// previous batch was being written goes in the next one. Retries with backoff on database
/// errors (rewriting a batch is harmless: settled attempts are ignored the second time).
/// Returns when the channel is closed and drained. When this worker also serves workflow
/// steps (`step_wake`), a written batch wakes its step loops at once: a result of a task a
/// workflow awaits has queued that workflow's step, and this skips the round trip through the
/// `rhythm_done` notification.
pub(super) async fn complete(
    store: Arc<dyn Store>,
    worker_id: String,
    mut rx: mpsc::UnboundedReceiver<AttemptResult>,
    max_batch: usize,
    stats: Arc<Stats>,
    step_wake: Option<Arc<Notify>>,
) {
    let mut buf: Vec<AttemptResult> = Vec::new();
    let mut backoff = Backoff::new();
    loop {
        if buf.is_empty() {
            match rx.recv().await {
                Some(r) => buf.push(r),
                None => return,
            }
        }
        while buf.len() < max_batch {
            match rx.try_recv() {
                Ok(r) => buf.push(r),
                Err(_) => break,
            }
        }
        match store.settle_attempts(&worker_id, &buf).await {
            Ok(s) => {
                stats.add_settled(s);
                buf.clear();
                backoff.reset();
                if let Some(w) = &step_wake
                    && s.completed + s.failed > 0
                {
                    wake_steps(w);
                }
            }
            Err(e) => {
                tracing::warn!(
                    "worker: writing {} results failed, retrying: {e}",
                    buf.len()
                );
                tokio::time::sleep(backoff.next_delay()).await;
            }
        }
    }
}

/// Runs workflow steps of `queues` in batches of up to `batch` (one transaction each) while
/// any are due; sleeps until a notification (new work, a finished task) or the poll interval
/// otherwise.
pub(super) async fn steps(
    store: Arc<dyn Store>,
    queues: Vec<String>,
    wake: Arc<Notify>,
    poll: Duration,
    batch: usize,
    planner: Planner,
    stats: Arc<Stats>,
) {
    let mut backoff = Backoff::new();
    loop {
        let mut ran = false;
        for q in &queues {
            loop {
                match crate::step::run_batch(store.as_ref(), &planner, q, batch).await {
                    Ok(r) if r.taken > 0 => {
                        ran = true;
                        backoff.reset();
                        stats.add_steps(r.taken as u64, r.state_bytes);
                        if r.taken >= batch {
                            // More may be due than one batch: bring another loop in.
                            wake.notify_one();
                        }
                    }
                    Ok(r) if r.busy > 0 => {
                        // Due steps whose execution is locked for a moment (a result or a
                        // signal being recorded): try again shortly.
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                    Ok(_) => break,
                    Err(e) => {
                        let d = backoff.next_delay();
                        tracing::warn!("worker: workflow steps failed, retrying in {d:?}: {e}");
                        tokio::time::sleep(d).await;
                        break;
                    }
                }
            }
        }
        if !ran {
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(poll) => {}
            }
        }
    }
}
