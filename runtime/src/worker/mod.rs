//! The embeddable worker: claims task attempts in batches and runs registered handlers.
//!
//! One claim loop per worker (`FOR UPDATE SKIP LOCKED` on Postgres, woken by the store's ready
//! notifications — `LISTEN rhythm_ready` — with polling as the fallback), handlers on the Tokio
//! runtime, a completer that writes results in batches, a heartbeat that extends leases, and a
//! reaper that settles other workers' expired leases and timed-out attempts. All storage goes
//! through the worker's [`Store`]. Database errors are logged and retried with backoff; they
//! never stop the worker.

mod background;
mod backoff;
mod handler;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::{Instant, MissedTickBehavior};

pub use handler::{HandlerFuture, TaskContext, TaskError, TaskHandler, WithContext};

use crate::error::{Error, Result};
use crate::store::postgres::{PgPool, PgStore};
use crate::store::{AttemptResult, ClaimedTask, Settled, Store};
use backoff::Backoff;

/// How a worker behaves. `WorkerOptions::default()` suits most uses.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// This worker's id, stored as the lease owner (default: a new UUIDv7).
    pub worker_id: Option<String>,
    /// Queues to claim from (default `["default"]`).
    pub queues: Vec<String>,
    /// Attempts run at once (default 64).
    pub concurrency: usize,
    /// Attempts claimed per query at most (default 64).
    pub batch_size: usize,
    /// Lease length; heartbeats renew it (default 30 s).
    pub lease: Duration,
    /// Heartbeat period (default: a third of the lease).
    pub heartbeat_every: Option<Duration>,
    /// Claim attempt without a notification (default 500 ms): the fallback when a NOTIFY is
    /// missed, and how soon delayed and retried tasks start once due.
    pub poll_interval: Duration,
    /// Reaper period (default 1 s).
    pub reap_every: Duration,
    /// On shutdown, how long in-flight attempts may finish before they are released (default
    /// 30 s).
    pub shutdown_grace: Duration,
    /// Results written per statement at most (default 512).
    pub completion_batch: usize,
    /// Also run workflow steps of these queues (default false). Every worker fires due
    /// workflow timers either way.
    pub serve_workflows: bool,
    /// Step transactions run at once (default 4).
    pub step_concurrency: usize,
    /// Workflow steps (of distinct executions) one step transaction takes at most (default 64).
    pub step_batch: usize,
    /// The sandbox bounds of every workflow step this worker runs: instructions between two
    /// awaits, call depth, heap and saved-state size (default: the interpreter's defaults).
    /// A workflow over a bound fails with `LimitExceeded`; the worker carries on.
    pub limits: rhythm_interpreter::Limits,
    /// What runs this worker, as `rhythm workers` shows it (default `rust`; the Python SDK
    /// says `python 3.x`).
    pub sdk: String,
    /// How often the worker refreshes its registration (default 5 s); `rhythm workers`
    /// counts a worker lost after 30 s without one.
    pub presence_every: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            worker_id: None,
            queues: vec!["default".to_owned()],
            concurrency: 64,
            batch_size: 64,
            lease: Duration::from_secs(30),
            heartbeat_every: None,
            poll_interval: Duration::from_millis(500),
            reap_every: Duration::from_secs(1),
            shutdown_grace: Duration::from_secs(30),
            completion_batch: 512,
            serve_workflows: false,
            step_concurrency: 4,
            step_batch: 64,
            limits: rhythm_interpreter::Limits::default(),
            sdk: "rust".to_owned(),
            presence_every: Duration::from_secs(5),
        }
    }
}

/// What a worker did, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerStats {
    /// Attempts claimed.
    pub claimed: u64,
    /// Executions this worker completed.
    pub completed: u64,
    /// Executions this worker failed for good.
    pub failed: u64,
    /// Attempts this worker put back for a retry.
    pub retried: u64,
    /// Expired or timed-out attempts (of any worker) this worker's reaper settled.
    pub reaped: u64,
    /// Attempts released on shutdown.
    pub released: u64,
    /// Workflow steps this worker ran.
    pub steps: u64,
    /// Step transactions (batches) that ran at least one step.
    pub step_batches: u64,
    /// Bytes of workflow state this worker's steps saved.
    pub state_bytes: u64,
}

/// Counters shared by the worker's loops.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    claimed: AtomicU64,
    completed: AtomicU64,
    failed: AtomicU64,
    retried: AtomicU64,
    reaped: AtomicU64,
    released: AtomicU64,
    steps: AtomicU64,
    step_batches: AtomicU64,
    state_bytes: AtomicU64,
}

impl Stats {
    fn add_settled(&self, s: Settled) {
        self.completed.fetch_add(s.completed, Ordering::Relaxed);
        self.failed.fetch_add(s.failed, Ordering::Relaxed);
        self.retried.fetch_add(s.retried, Ordering::Relaxed);
    }
    fn add_steps(&self, steps: u64, state_bytes: u64) {
        self.steps.fetch_add(steps, Ordering::Relaxed);
        self.step_batches.fetch_add(1, Ordering::Relaxed);
        self.state_bytes.fetch_add(state_bytes, Ordering::Relaxed);
    }
    fn add_reaped(&self, n: u64) {
        self.reaped.fetch_add(n, Ordering::Relaxed);
    }
    fn snapshot(&self) -> WorkerStats {
        WorkerStats {
            claimed: self.claimed.load(Ordering::Relaxed),
            completed: self.completed.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            reaped: self.reaped.load(Ordering::Relaxed),
            released: self.released.load(Ordering::Relaxed),
            steps: self.steps.load(Ordering::Relaxed),
            step_batches: self.step_batches.load(Ordering::Relaxed),
            state_bytes: self.state_bytes.load(Ordering::Relaxed),
        }
    }
}

/// What a handler task returns: execution id, attempt number, outcome.
type HandlerOutcome = (String, i32, std::result::Result<Value, TaskError>);

/// A handler task as the join set yields it.
type Joined = std::result::Result<(tokio::task::Id, HandlerOutcome), tokio::task::JoinError>;

/// An attempt being run by this worker.
pub(crate) struct Flight {
    abort: AbortHandle,
}

/// The attempts in flight, by execution id (shared with the heartbeat).
pub(crate) type InFlight = Arc<Mutex<HashMap<String, Flight>>>;

/// A worker: handlers by task name, run against one store.
pub struct Worker {
    store: Arc<dyn Store>,
    options: WorkerOptions,
    worker_id: String,
    handlers: HashMap<String, Arc<dyn TaskHandler>>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("worker_id", &self.worker_id)
            .field("options", &self.options)
            .field("tasks", &self.handlers.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Worker {
    /// A worker on an existing Postgres pool. The pool needs room for 5 connections besides
    /// any other use: claims, results, heartbeats, the reaper and the LISTEN connection.
    pub fn new(pool: PgPool, options: WorkerOptions) -> Self {
        Worker::with_store(Arc::new(PgStore::new(pool)), options)
    }

    /// A worker on any store (for Postgres, see [`Worker::new`] for the connections it needs).
    pub fn with_store(store: Arc<dyn Store>, options: WorkerOptions) -> Self {
        let worker_id = options
            .worker_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        Worker {
            store,
            options,
            worker_id,
            handlers: HashMap::new(),
        }
    }

    /// A worker with its own Postgres pool to `url`: 6 connections, plus one per concurrent
    /// workflow step when serving workflows.
    pub async fn connect(url: &str, options: WorkerOptions) -> Result<Self> {
        let steps = if options.serve_workflows {
            options.step_concurrency.max(1)
        } else {
            0
        };
        let store = PgStore::connect(url, u32::try_from(6 + steps).unwrap_or(6)).await?;
        Ok(Worker::with_store(Arc::new(store), options))
    }

    /// This worker's id (the lease owner in `rhythm_attempts`).
    pub fn id(&self) -> &str {
        &self.worker_id
    }

    /// Registers the handler of a task name (replacing any earlier one).
    pub fn register(&mut self, name: impl Into<String>, handler: impl TaskHandler) -> &mut Self {
        self.handlers.insert(name.into(), Arc::new(handler));
        self
    }

    /// Registers a shared handler.
    pub fn register_arc(
        &mut self,
        name: impl Into<String>,
        handler: Arc<dyn TaskHandler>,
    ) -> &mut Self {
        self.handlers.insert(name.into(), handler);
        self
    }

    /// Runs the worker on the current Tokio runtime until [`WorkerHandle::shutdown`].
    pub fn spawn(self) -> WorkerHandle {
        let (stop_tx, stop_rx) = oneshot::channel();
        let worker_id = self.worker_id.clone();
        let task = tokio::spawn(self.run_until(async move {
            let _ = stop_rx.await;
        }));
        WorkerHandle {
            worker_id,
            stop: Some(stop_tx),
            task,
        }
    }

    /// Runs until `shutdown` resolves, then stops claiming, lets in-flight attempts finish
    /// within the grace period, releases the rest, writes all results and returns.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send) -> Result<WorkerStats> {
        if self.handlers.is_empty() && !self.options.serve_workflows {
            return Err(Error::Invalid {
                what: "worker",
                reason: "no task handler registered and not serving workflows".into(),
            });
        }
        if self.options.queues.is_empty() {
            return Err(Error::Invalid {
                what: "worker queues",
                reason: "no queue to claim from".into(),
            });
        }
        for q in &self.options.queues {
            crate::validate::name("queue", q)?;
        }
        let o = &self.options;
        let concurrency = o.concurrency.max(1);
        let batch = o.batch_size.clamp(1, concurrency);
        let lease_ms = crate::validate::millis_i64("lease", o.lease)?.max(1000);
        let heartbeat_every = o
            .heartbeat_every
            .unwrap_or(o.lease / 3)
            .max(Duration::from_millis(100));
        let names: Vec<String> = self.handlers.keys().cloned().collect();

        let stats = Arc::new(Stats::default());
        let wake = Arc::new(Notify::new());
        let in_flight: InFlight = Arc::new(Mutex::new(HashMap::new()));
        let (done_tx, done_rx) = mpsc::unbounded_channel::<AttemptResult>();

        // Background loops; dropped (aborted) with this future, as when the process dies.
        let mut aux = JoinSet::new();
        let step_wake = Arc::new(Notify::new());
        aux.spawn(background::listen(
            self.store.clone(),
            wake.clone(),
            o.serve_workflows.then(|| step_wake.clone()),
        ));
        if o.serve_workflows {
            let programs = Arc::new(crate::step::Programs::new(o.limits.clone()));
            for _ in 0..o.step_concurrency.max(1) {
                aux.spawn(background::steps(
                    self.store.clone(),
                    o.queues.clone(),
                    step_wake.clone(),
                    o.poll_interval,
                    o.step_batch.max(1),
                    crate::step::Planner::new(programs.clone()),
                    stats.clone(),
                ));
            }
        }
        aux.spawn(background::presence(
            self.store.clone(),
            crate::inspect::WorkerRegistration {
                id: self.worker_id.clone(),
                host: host_name(),
                pid: i32::try_from(std::process::id()).unwrap_or(i32::MAX),
                queues: o.queues.clone(),
                tasks: names.clone(),
                workflows: o.serve_workflows,
                sdk: o.sdk.clone(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            o.presence_every.max(Duration::from_millis(100)),
        ));
        aux.spawn(background::heartbeat(
            self.store.clone(),
            self.worker_id.clone(),
            in_flight.clone(),
            heartbeat_every,
            lease_ms,
        ));
        aux.spawn(background::reap(
            self.store.clone(),
            o.reap_every,
            wake.clone(),
            stats.clone(),
        ));
        let mut completer = tokio::spawn(background::complete(
            self.store.clone(),
            self.worker_id.clone(),
            done_rx,
            o.completion_batch.max(1),
            stats.clone(),
            o.serve_workflows.then(|| step_wake.clone()),
        ));
        // Abort the completer too if this future is dropped (a killed worker writes nothing).
        let completer_abort = AbortOnDrop(completer.abort_handle());

        let mut tasks: JoinSet<HandlerOutcome> = JoinSet::new();
        let mut task_ids: HashMap<tokio::task::Id, (String, i32)> = HashMap::new();
        let mut poll = tokio::time::interval(o.poll_interval.max(Duration::from_millis(10)));
        poll.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut backoff = Backoff::new();
        let mut blocked_until: Option<Instant> = None;
        let mut maybe_ready = true;
        let mut rotation = 0usize;
        let shutdown = shutdown;
        tokio::pin!(shutdown);

        // The claim loop.
        loop {
            let free = concurrency.saturating_sub(tasks.len());
            let may_claim = !names.is_empty()
                && maybe_ready
                && blocked_until.is_none_or(|t| Instant::now() >= t)
                && (free >= batch.div_ceil(2) || tasks.is_empty())
                && free > 0;
            if may_claim {
                blocked_until = None;
                let n = free.min(batch);
                // Rotate the queue order so that no queue starves the others.
                let mut queues = o.queues.clone();
                let shift = rotation % queues.len().max(1);
                queues.rotate_left(shift);
                rotation = rotation.wrapping_add(1);
                match self
                    .store
                    .claim_tasks(&queues, &names, n, &self.worker_id, lease_ms)
                    .await
                {
                    Ok(claimed) => {
                        backoff.reset();
                        maybe_ready = claimed.len() == n;
                        stats
                            .claimed
                            .fetch_add(claimed.len() as u64, Ordering::Relaxed);
                        for c in claimed {
                            self.start(c, &mut tasks, &mut task_ids, &in_flight);
                        }
                        if maybe_ready && tasks.len() < concurrency {
                            continue;
                        }
                    }
                    Err(e) => {
                        let delay = backoff.next_delay();
                        tracing::warn!("worker: claim failed, retrying in {delay:?}: {e}");
                        blocked_until = Some(Instant::now() + delay);
                    }
                }
            }
            tokio::select! {
                () = &mut shutdown => break,
                Some(joined) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                    Self::finished(joined, &mut task_ids, &in_flight, &done_tx);
                }
                () = wake.notified() => maybe_ready = true,
                _ = poll.tick() => maybe_ready = true,
                () = sleep_until_opt(blocked_until) => {}
            }
        }

        // Graceful shutdown: no more claims; let attempts finish within the grace period.
        let grace_end = Instant::now() + o.shutdown_grace;
        while !tasks.is_empty() {
            tokio::select! {
                Some(joined) = tasks.join_next_with_id() => {
                    Self::finished(joined, &mut task_ids, &in_flight, &done_tx);
                }
                () = tokio::time::sleep_until(grace_end) => break,
            }
        }
        if !tasks.is_empty() {
            tasks.abort_all();
            let ids: Vec<String> = match in_flight.lock() {
                Ok(m) => m.keys().cloned().collect(),
                Err(_) => Vec::new(),
            };
            let mut backoff = Backoff::new();
            for _ in 0..5 {
                match self.store.release_attempts(&self.worker_id, &ids).await {
                    Ok(n) => {
                        stats.released.fetch_add(n, Ordering::Relaxed);
                        break;
                    }
                    Err(e) => {
                        tracing::warn!("worker: releasing attempts failed: {e}");
                        tokio::time::sleep(backoff.next_delay()).await;
                    }
                }
            }
        }
        aux.abort_all();
        if let Err(e) = self.store.stop_worker(&self.worker_id).await {
            tracing::warn!("worker: could not record its stop: {e}");
        }
        drop(done_tx);
        // Write the last results (bounded: a database that stays down loses them to the reaper).
        if tokio::time::timeout(o.shutdown_grace.max(Duration::from_secs(1)), &mut completer)
            .await
            .is_err()
        {
            tracing::warn!("worker: could not write the last results; their leases will expire");
        }
        drop(completer_abort);
        Ok(stats.snapshot())
    }

    /// Starts the handler of a claimed attempt.
    fn start(
        &self,
        c: ClaimedTask,
        tasks: &mut JoinSet<HandlerOutcome>,
        task_ids: &mut HashMap<tokio::task::Id, (String, i32)>,
        in_flight: &InFlight,
    ) {
        let handler = self.handlers.get(&c.name).cloned();
        let id = c.execution_id.clone();
        let attempt = c.attempt;
        let timeout = c
            .timeout_ms
            .and_then(|ms| u64::try_from(ms).ok())
            .map(Duration::from_millis);
        let ctx = TaskContext {
            execution_id: c.execution_id,
            name: c.name,
            attempt: c.attempt,
            max_attempts: c.max_attempts,
            inputs: c.inputs,
        };
        let fut_id = id.clone();
        let abort = tasks.spawn(async move {
            let outcome = match handler {
                None => Err(TaskError::fatal(
                    "UnknownTask",
                    format!("no handler for task {:?}", ctx.name),
                )),
                Some(h) => {
                    let fut = h.call(ctx);
                    match timeout {
                        None => fut.await,
                        Some(t) => match tokio::time::timeout(t, fut).await {
                            Ok(r) => r,
                            Err(_) => Err(TaskError::new(
                                "Timeout",
                                format!("attempt {attempt} timed out after {} ms", t.as_millis()),
                            )),
                        },
                    }
                }
            };
            (fut_id, attempt, outcome)
        });
        task_ids.insert(abort.id(), (id.clone(), attempt));
        if let Ok(mut m) = in_flight.lock() {
            m.insert(id, Flight { abort });
        }
    }

    /// Books a finished (or panicked, or aborted) handler task.
    fn finished(
        joined: Joined,
        task_ids: &mut HashMap<tokio::task::Id, (String, i32)>,
        in_flight: &InFlight,
        done_tx: &mpsc::UnboundedSender<AttemptResult>,
    ) {
        let (task_id, result) = match joined {
            Ok((task_id, (id, attempt, outcome))) => (task_id, Some((id, attempt, outcome))),
            Err(e) => {
                let task_id = e.id();
                let r = if e.is_panic() {
                    task_ids.get(&task_id).map(|(id, attempt)| {
                        (
                            id.clone(),
                            *attempt,
                            Err(TaskError::new("Panic", "the task handler panicked")),
                        )
                    })
                } else {
                    None // aborted: the attempt was withdrawn, nothing to report
                };
                (task_id, r)
            }
        };
        let Some((id, _)) = task_ids.remove(&task_id) else {
            return;
        };
        if let Ok(mut m) = in_flight.lock()
            && m.get(&id).is_some_and(|f| f.abort.id() == task_id)
        {
            m.remove(&id);
        }
        if let Some((execution_id, attempt, outcome)) = result {
            let outcome = outcome.map_err(|e| (e.to_json(), e.retryable));
            let _ = done_tx.send(AttemptResult {
                execution_id,
                attempt,
                outcome,
            });
        }
    }
}

/// This machine's host name (`HOSTNAME`, `/etc/hostname`, else `unknown`).
fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

async fn sleep_until_opt(t: Option<Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

struct AbortOnDrop(AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A running worker.
#[derive(Debug)]
pub struct WorkerHandle {
    worker_id: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<WorkerStats>>,
}

impl WorkerHandle {
    /// The worker's id.
    pub fn id(&self) -> &str {
        &self.worker_id
    }

    /// Graceful shutdown: stop claiming, finish or release in-flight attempts, write results.
    pub async fn shutdown(mut self) -> Result<WorkerStats> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match (&mut self.task).await {
            Ok(r) => r,
            Err(e) => Err(Error::Invalid {
                what: "worker",
                reason: format!("worker task ended abnormally: {e}"),
            }),
        }
    }

    /// Stops the worker at once, as if its process died: handlers are dropped, nothing is
    /// written or released; its leases expire and other workers take the attempts over.
    pub fn kill(self) {
        self.task.abort();
    }
}
