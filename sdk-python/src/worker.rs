//! `NativeWorker`: the runtime's embeddable [`rhythm_runtime::Worker`] serving Python tasks, for
//! `rhythm.Worker`.
//!
//! Claims, leases, heartbeats and results stay in Rust on a private tokio runtime. A claimed
//! attempt becomes a [`Job`] in one of two queues (sync or `async def` tasks); Python threads
//! pull jobs (`next_sync`, `take_async`) and hand results back (`next_sync`, `complete_many`).
//! Pulling waits with the GIL released, and takes a job that is already queued without
//! releasing it, so a busy Python thread runs job after job with no thread hop and no GIL
//! hand-off in between. Results cross as JSON text and are parsed on the tokio side, outside
//! the GIL.
//!
//! `run` blocks with the GIL released until `stop` is called or the process gets
//! SIGINT/SIGTERM, then shuts down gracefully: no new claims, attempts in flight finish (within
//! the grace period) and their results are written.

// The runtime's handler trait returns `Result<Value, TaskError>`; this module follows it.
#![allow(clippy::result_large_err)]

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rhythm_runtime::worker::HandlerFuture;
use rhythm_runtime::{TaskContext, TaskError, TaskHandler, Worker, WorkerOptions};
use serde_json::{Value as Json, json};
use tokio::sync::oneshot;

use crate::client::RhythmError;

/// What Python hands back for one job: `(ok, json_text)`.
type Outcome = (bool, String);

/// One attempt waiting for a Python thread.
struct Job {
    token: u64,
    queued_at: Instant,
    name: String,
    execution_id: String,
    attempt: i32,
    inputs: String,
}

/// A job as Python receives it: `(token, name, execution_id, attempt, inputs_json)`.
type PyJob = (u64, String, String, i32, String);

impl Job {
    fn into_py(self) -> PyJob {
        (
            self.token,
            self.name,
            self.execution_id,
            self.attempt,
            self.inputs,
        )
    }
}

/// The two job queues and the attempts waiting for their results.
#[derive(Default)]
struct Queues {
    sync: VecDeque<Job>,
    asynchronous: VecDeque<Job>,
    waiting: HashMap<u64, oneshot::Sender<Outcome>>,
    closed: bool,
    /// Python threads pulling sync jobs (set by `serve_sync`).
    sync_threads: usize,
    /// Of those, the ones parked in `wait_for`.
    sync_idle: usize,
    /// Parked threads woken but not yet running.
    sync_signalled: usize,
    /// Sync results handed back but not yet sent to their attempts: sent in bursts (one wake
    /// of the tokio side for many results) while jobs keep coming, within [`HOLD_RESULTS`].
    held: Vec<(oneshot::Sender<Outcome>, Outcome)>,
    /// When the oldest held result arrived.
    held_since: Option<Instant>,
}

impl Queues {
    /// Takes the held results if they must go now: the queue ran dry, enough piled up, or the
    /// oldest waited [`HOLD_RESULTS`].
    fn results_due(&mut self, force: bool) -> Vec<(oneshot::Sender<Outcome>, Outcome)> {
        let due = force
            || self.sync.is_empty()
            || self.held.len() >= HOLD_MAX
            || self.held_since.is_some_and(|t| t.elapsed() >= HOLD_RESULTS);
        if !due {
            return Vec::new();
        }
        self.held_since = None;
        std::mem::take(&mut self.held)
    }
}

/// How long a sync result may be held back to be sent with others.
const HOLD_RESULTS: Duration = Duration::from_millis(1);
/// Results held back at most.
const HOLD_MAX: usize = 32;

fn send_all(results: Vec<(oneshot::Sender<Outcome>, Outcome)>) {
    for (tx, outcome) in results {
        let _ = tx.send(outcome);
    }
}

impl Queues {
    /// The next job of `queue` whose attempt still waits for it (an attempt cancelled or
    /// timed out while queued is dropped without running).
    fn pop(&mut self, asynchronous: bool) -> Option<Job> {
        loop {
            let job = if asynchronous {
                self.asynchronous.pop_front()?
            } else {
                self.sync.pop_front()?
            };
            match self.waiting.get(&job.token) {
                Some(tx) if !tx.is_closed() => return Some(job),
                _ => {
                    self.waiting.remove(&job.token);
                }
            }
        }
    }
}

/// The queues shared by the tokio handlers and the Python threads.
#[derive(Default)]
struct Shared {
    queues: Mutex<Queues>,
    sync_ready: Condvar,
    async_ready: Condvar,
    /// Wakes the sync watchdog when a job arrives in an empty queue.
    watch: Condvar,
    next_token: AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queues> {
        // A panic while holding the lock cannot leave the queues half-updated (every update is
        // one push, pop or map operation), so a poisoned lock is still usable.
        self.queues
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits (blocking; call with the GIL released) for up to `max` jobs of one queue; `None`
    /// once the worker is closed and the queue is empty.
    fn wait_for(&self, asynchronous: bool, max: usize) -> Option<Vec<Job>> {
        let ready = if asynchronous {
            &self.async_ready
        } else {
            &self.sync_ready
        };
        let mut queues = self.lock();
        loop {
            let jobs = take(&mut queues, asynchronous, max);
            if !jobs.is_empty() {
                return Some(jobs);
            }
            if queues.closed {
                return None;
            }
            if !asynchronous {
                queues.sync_idle += 1;
            }
            queues = ready
                .wait(queues)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !asynchronous {
                queues.sync_idle = queues.sync_idle.saturating_sub(1);
                queues.sync_signalled = queues.sync_signalled.saturating_sub(1);
            }
        }
    }

    /// Wakes parked sync threads for jobs queued longer than [`HANDOFF_AFTER`] (the threads
    /// already running are busy with slow tasks) and sends held results that are due; runs
    /// until the worker is closed.
    fn watch_sync(&self) {
        let mut queues = self.lock();
        while !queues.closed {
            send_all(queues.results_due(false));
            let wait = match queues.sync.front().map(|job| job.queued_at.elapsed()) {
                None => Duration::from_millis(50),
                Some(age) if age < HANDOFF_AFTER => HANDOFF_AFTER - age,
                Some(_) => {
                    let spare = queues.sync_idle.saturating_sub(queues.sync_signalled);
                    let wake = spare.min(queues.sync.len());
                    queues.sync_signalled += wake;
                    for _ in 0..wake {
                        self.sync_ready.notify_one();
                    }
                    HANDOFF_AFTER
                }
            };
            let wait = match queues.held_since {
                Some(since) => wait.min(
                    HOLD_RESULTS
                        .saturating_sub(since.elapsed())
                        .max(Duration::from_micros(100)),
                ),
                None => wait,
            };
            queues = self
                .watch
                .wait_timeout(queues, wait)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }
}

/// How long a sync job may wait for a running thread before a parked one is woken for it.
const HANDOFF_AFTER: Duration = Duration::from_millis(1);

fn take(queues: &mut Queues, asynchronous: bool, max: usize) -> Vec<Job> {
    let mut jobs = Vec::new();
    while jobs.len() < max.max(1) {
        match queues.pop(asynchronous) {
            Some(job) => jobs.push(job),
            None => break,
        }
    }
    jobs
}

/// The runtime handler of one Python task: queues the attempt for Python and awaits its result.
struct PythonTask {
    shared: Arc<Shared>,
    asynchronous: bool,
    timeout: Option<Duration>,
}

impl TaskHandler for PythonTask {
    fn call(&self, task: TaskContext) -> HandlerFuture {
        let (tx, rx) = oneshot::channel();
        let token = self.shared.next_token.fetch_add(1, Ordering::Relaxed);
        let job = Job {
            token,
            queued_at: Instant::now(),
            name: task.name,
            execution_id: task.execution_id,
            attempt: task.attempt,
            inputs: task.inputs.to_string(),
        };
        {
            let mut queues = self.shared.lock();
            queues.waiting.insert(token, tx);
            if self.asynchronous {
                queues.asynchronous.push_back(job);
                self.shared.async_ready.notify_one();
            } else {
                // Wake a thread only when none is running: a running thread takes the next
                // job itself as soon as it is free (no hand-off, no GIL switch); the watchdog
                // wakes more when jobs wait because the running ones are slow.
                let running = queues.sync_threads.saturating_sub(queues.sync_idle);
                if running == 0 && queues.sync_signalled == 0 && queues.sync_idle > 0 {
                    queues.sync_signalled += 1;
                    self.shared.sync_ready.notify_one();
                }
                if queues.sync.is_empty() {
                    self.shared.watch.notify_one();
                }
                queues.sync.push_back(job);
            }
        }
        let timeout = self.timeout;
        Box::pin(async move {
            let outcome = match timeout {
                None => rx.await,
                Some(limit) => match tokio::time::timeout(limit, rx).await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        return Err(TaskError::new(
                            "Timeout",
                            format!("the attempt took longer than {} ms", limit.as_millis()),
                        ));
                    }
                },
            };
            let (ok, text) = outcome
                .map_err(|_| TaskError::new("WorkerError", "the worker stopped the attempt"))?;
            result(ok, &text)
        })
    }
}

/// An attempt's result from Python's `(ok, json_text)`: the output, or the failure
/// `{type, message, traceback}`.
fn result(ok: bool, text: &str) -> Result<Json, TaskError> {
    let value: Json = serde_json::from_str(text)
        .map_err(|e| TaskError::new("WorkerError", format!("task result is not JSON: {e}")))?;
    if ok {
        return Ok(value);
    }
    let field = |k: &str| value.get(k).and_then(Json::as_str).map(str::to_owned);
    let mut error = TaskError::new(
        field("type").unwrap_or_else(|| "Error".to_owned()),
        field("message").unwrap_or_default(),
    );
    error.traceback = field("traceback");
    Err(error)
}

fn millis(what: &str, ms: Option<f64>) -> PyResult<Option<Duration>> {
    ms.map(|ms| {
        Duration::try_from_secs_f64(ms / 1000.0)
            .map_err(|_| PyValueError::new_err(format!("{what} must be a non-negative duration")))
    })
    .transpose()
}

/// A worker serving Python task functions.
#[pyclass(module = "rhythm._native")]
pub struct NativeWorker {
    runtime: tokio::runtime::Runtime,
    worker: Mutex<Option<Worker>>,
    stop: Mutex<Option<oneshot::Sender<()>>>,
    shared: Arc<Shared>,
}

#[pymethods]
impl NativeWorker {
    /// Connects a worker for `queues` running `concurrency` attempts at once. `lease_ms`,
    /// `shutdown_grace_ms`, `poll_interval_ms` and `batch_size` (attempts claimed per query)
    /// override the runtime's defaults (30 s, 30 s, 500 ms, 64).
    #[new]
    #[pyo3(signature = (database_url, queues, concurrency=None, serve_workflows=true, lease_ms=None, shutdown_grace_ms=None, poll_interval_ms=None, batch_size=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        database_url: &str,
        queues: Vec<String>,
        concurrency: Option<usize>,
        serve_workflows: bool,
        lease_ms: Option<f64>,
        shutdown_grace_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
        batch_size: Option<usize>,
    ) -> PyResult<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| RhythmError::new_err(format!("cannot start the tokio runtime: {e}")))?;
        let mut options = WorkerOptions {
            queues,
            serve_workflows,
            sdk: python_sdk_name(),
            ..WorkerOptions::default()
        };
        if let Some(n) = concurrency {
            if n == 0 {
                return Err(PyValueError::new_err("concurrency must be at least 1"));
            }
            options.concurrency = n;
        }
        if let Some(lease) = millis("lease", lease_ms)? {
            options.lease = lease;
        }
        if let Some(grace) = millis("shutdown_grace", shutdown_grace_ms)? {
            options.shutdown_grace = grace;
        }
        if let Some(poll) = millis("poll_interval", poll_interval_ms)? {
            options.poll_interval = poll;
        }
        if let Some(batch) = batch_size {
            options.batch_size = batch.max(1);
        }
        let url = database_url.to_owned();
        let worker = py
            .detach(|| runtime.block_on(Worker::connect(&url, options)))
            .map_err(|e| RhythmError::new_err(e.to_string()))?;
        Ok(Self {
            runtime,
            worker: Mutex::new(Some(worker)),
            stop: Mutex::new(None),
            shared: Arc::new(Shared::default()),
        })
    }

    /// Serves task `name`: its attempts are queued for `take_async` (`is_async`) or
    /// `next_sync`; an attempt not completed within `timeout_ms` fails with `Timeout`.
    #[pyo3(signature = (name, is_async, timeout_ms=None))]
    fn register(&self, name: &str, is_async: bool, timeout_ms: Option<f64>) -> PyResult<()> {
        let handler = PythonTask {
            shared: Arc::clone(&self.shared),
            asynchronous: is_async,
            timeout: millis("timeout", timeout_ms)?,
        };
        let mut guard = self
            .worker
            .lock()
            .map_err(|_| RhythmError::new_err("worker lock poisoned"))?;
        let worker = guard
            .as_mut()
            .ok_or_else(|| RhythmError::new_err("the worker already ran"))?;
        worker.register(name, handler);
        Ok(())
    }

    /// Declares the `threads` Python threads that will pull sync jobs, and starts the thread
    /// that wakes parked ones for jobs the running ones cannot take soon enough.
    fn serve_sync(&self, threads: usize) -> PyResult<()> {
        self.shared.lock().sync_threads = threads;
        let shared = Arc::clone(&self.shared);
        std::thread::Builder::new()
            .name("rhythm-sync-watch".to_owned())
            .spawn(move || shared.watch_sync())
            .map(|_| ())
            .map_err(|e| RhythmError::new_err(format!("cannot start a thread: {e}")))
    }

    /// Hands back the result `(token, ok, json_text)` of the previous sync job (if any) and
    /// returns the next one `(token, name, execution_id, attempt, inputs_json)`, waiting with
    /// the GIL released when none is queued; `None` once the worker is closed. While jobs keep
    /// coming, results are sent to their attempts in bursts (at most 1 ms late).
    #[pyo3(signature = (result=None))]
    fn next_sync(&self, py: Python<'_>, result: Option<(u64, bool, String)>) -> Option<PyJob> {
        let (queued, due) = {
            let mut queues = self.shared.lock();
            if let Some((token, ok, text)) = result
                && let Some(tx) = queues.waiting.remove(&token)
            {
                queues.held.push((tx, (ok, text)));
                queues.held_since.get_or_insert_with(Instant::now);
            }
            let job = take(&mut queues, false, 1).pop();
            let due = queues.results_due(job.is_none());
            (job, due)
        };
        send_all(due);
        let job = match queued {
            Some(job) => Some(job),
            None => py
                .detach(|| self.shared.wait_for(false, 1))
                .and_then(|mut jobs| jobs.pop()),
        };
        job.map(Job::into_py)
    }

    /// Up to `max` queued `async def` jobs, waiting with the GIL released when none is queued;
    /// `None` once the worker is closed.
    fn take_async(&self, py: Python<'_>, max: usize) -> Option<Vec<PyJob>> {
        let jobs = py.detach(|| self.shared.wait_for(true, max))?;
        Some(jobs.into_iter().map(Job::into_py).collect())
    }

    /// Hands back many results `(token, ok, json_text)` at once (one lock, one burst of
    /// wake-ups); each is ignored when its attempt is no longer waiting.
    fn complete_many(&self, results: Vec<(u64, bool, String)>) {
        let ready: Vec<_> = {
            let mut queues = self.shared.lock();
            results
                .into_iter()
                .filter_map(|(token, ok, text)| {
                    queues.waiting.remove(&token).map(|tx| (tx, (ok, text)))
                })
                .collect()
        };
        send_all(ready);
    }

    /// Hands back the result of job `token`: `(ok, json_text)`; ignored when its attempt is
    /// no longer waiting (cancelled, timed out, released on shutdown).
    fn complete(&self, token: u64, ok: bool, text: String) {
        let waiting = self.shared.lock().waiting.remove(&token);
        if let Some(tx) = waiting {
            let _ = tx.send((ok, text));
        }
    }

    /// Runs until `stop()` or SIGINT/SIGTERM, with the GIL released; returns the counts
    /// `{claimed, completed, failed, retried, reaped, released}`.
    fn run(&self, py: Python<'_>) -> PyResult<String> {
        let worker = self
            .worker
            .lock()
            .map_err(|_| RhythmError::new_err("worker lock poisoned"))?
            .take()
            .ok_or_else(|| RhythmError::new_err("the worker already ran"))?;
        let (tx, rx) = oneshot::channel();
        *self
            .stop
            .lock()
            .map_err(|_| RhythmError::new_err("worker lock poisoned"))? = Some(tx);
        let stats = py.detach(|| {
            self.runtime.block_on(worker.run_until(async move {
                tokio::select! {
                    _ = rx => {}
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate() => {}
                }
            }))
        });
        let stats = stats.map_err(|e| RhythmError::new_err(e.to_string()))?;
        Ok(
            json!({"claimed": stats.claimed, "completed": stats.completed,
                  "failed": stats.failed, "retried": stats.retried,
                  "reaped": stats.reaped, "released": stats.released})
            .to_string(),
        )
    }

    /// Asks a running worker to shut down gracefully (callable from any thread).
    fn stop(&self) -> PyResult<()> {
        if let Some(tx) = self
            .stop
            .lock()
            .map_err(|_| RhythmError::new_err("worker lock poisoned"))?
            .take()
        {
            let _ = tx.send(());
        }
        Ok(())
    }

    /// Wakes every thread waiting in `next_sync` / `take_async` with `None` once the queues
    /// are empty (after `run` returned).
    fn close(&self) {
        let held = {
            let mut queues = self.shared.lock();
            queues.closed = true;
            queues.results_due(true)
        };
        send_all(held);
        self.shared.sync_ready.notify_all();
        self.shared.async_ready.notify_all();
        self.shared.watch.notify_all();
    }
}

/// Resolves on SIGTERM (never elsewhere, or when the handler cannot be installed).
async fn terminate() {
    #[cfg(unix)]
    {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
            return;
        }
    }
    std::future::pending::<()>().await;
}

/// `python 3.x` (the interpreter running the worker), as `rhythm workers` shows it.
fn python_sdk_name() -> String {
    Python::attach(|py| {
        let v = py.version_info();
        format!("python {}.{}", v.major, v.minor)
    })
}
