//! The runtime's storage, behind a trait: [`Store`] is every operation the client and the
//! worker need, with the backend-neutral types they exchange. [`postgres::PgStore`] is the
//! implementation; all SQL, and every sqlx and Postgres type, lives in [`postgres`], so a
//! second store (SQLite for a zero-setup `rhythm dev`) can sit beside it.
//!
//! Workflow steps are split between the store and the engine: the store runs a step
//! transaction ([`Store::run_step_batch`]: take due steps, load them, write what was decided)
//! and calls back into a [`StepPlanner`] — pure Rust, the engine and the compiled programs,
//! in `step.rs` — to decide what each step does.

pub mod postgres;

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::inspect::{HistoryEntry, InspectData, QueueStats, WorkerInfo, WorkerRegistration};
use crate::listing::ListPage;
use crate::model::{
    ActionFilter, Actor, CancelOutcome, Execution, Kind, ListFilter, QueuePause, StartOptions,
    Started,
};
use crate::validate;

/// The storage of a Rhythm runtime: executions, the queue of ready work, attempts and their
/// leases, workflow states, inbox events, timers, signals and logs.
///
/// Every implementation guarantees:
///
/// - **Atomic operations.** Each method is all or nothing (one transaction); a method that
///   fails wrote nothing, so retrying it is safe. A [`Store::run_step_batch`] is one
///   transaction for the whole batch: a crash mid-batch loses all of it, and its steps are
///   taken again.
/// - **Terminal is final.** A `completed`, `failed` or `cancelled` execution never changes.
/// - **At most one advancing worker per execution.** A step is taken by one batch at a time,
///   and a step's new state is saved only if the state it loaded is still the saved one
///   (the state-version check); a step that loses the check writes nothing else, puts back
///   what it consumed (in the original order) and queues itself again.
/// - **Events and signals are consumed once**, in arrival order, by the step that saves; a
///   sender either is seen by a step's load or queues a new step after it.
/// - **Leases.** A claimed attempt belongs to one worker until its result, its release, its
///   cancel or its lease expiry; results and heartbeats of a worker that no longer holds an
///   attempt change nothing.
/// - **Wake-ups.** Work that becomes ready now is announced on [`Channel::Ready`], finished
///   executions on [`Channel::Done`]; notifications may be lost (listeners also poll), but
///   they are sent only after the change they announce is visible.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// Creates or upgrades the schema (safe to run from several processes at once).
    async fn migrate(&self) -> Result<()>;

    /// Inserts executions with their first ready work, honouring idempotency keys: a key used
    /// before inserts nothing and returns the first execution (`created: false`). The result
    /// is in input order. Announces the executions due now on [`Channel::Ready`].
    async fn insert_executions(&self, new: &[NewExecution]) -> Result<Vec<Started>>;

    /// Stores a workflow version (idempotent).
    async fn upsert_workflow(&self, name: &str, version: &str, source: &str) -> Result<()>;

    /// Whether `version` is a registered version of workflow `name`.
    async fn workflow_version_exists(&self, name: &str, version: &str) -> Result<bool>;

    /// The newest registered version of a workflow, if any.
    async fn newest_workflow(&self, name: &str) -> Result<Option<String>>;

    /// Buffers a signal for a workflow and queues its next step; returns the signal's
    /// sequence number. Fails with `NotFound`, `NotAWorkflow` or `Finished`.
    async fn send_signal(&self, id: &str, name: &str, payload: &Value) -> Result<i64>;

    /// Cancels a task at once (with what it started), or asks a workflow to cancel (its next
    /// step delivers `Cancelled`).
    async fn cancel(&self, id: &str) -> Result<CancelOutcome>;

    /// One execution.
    async fn get(&self, id: &str) -> Result<Execution>;

    /// One page of the executions matching a filter, newest first by `(created_at, id)`,
    /// starting after `filter.after`, with the cursor of the next page when there is one.
    async fn list(&self, filter: &ListFilter) -> Result<ListPage>;

    /// Claims up to `limit` due attempts of tasks named in `names` for `worker_id`, with a
    /// lease of `lease_ms`, from `queues` in the order given (the next queue only when the
    /// previous one has fewer than `limit` due).
    async fn claim_tasks(
        &self,
        queues: &[String],
        names: &[String],
        limit: usize,
        worker_id: &str,
        lease_ms: i64,
    ) -> Result<Vec<ClaimedTask>>;

    /// Records finished attempts of a worker (retrying failures that may be retried, waking
    /// the workflows that awaited them); results of attempts it no longer holds are ignored.
    async fn settle_attempts(&self, worker_id: &str, results: &[AttemptResult]) -> Result<Settled>;

    /// Extends the leases of a worker's attempts `ids` to `lease_ms` from now; returns the
    /// attempts it still holds.
    async fn heartbeat(
        &self,
        worker_id: &str,
        ids: &[String],
        lease_ms: i64,
    ) -> Result<Vec<String>>;

    /// Gives a worker's attempts back to the queue with the same attempt number; returns how
    /// many went back.
    async fn release_attempts(&self, worker_id: &str, ids: &[String]) -> Result<u64>;

    /// Settles up to `limit` attempts (of any worker) whose lease expired or whose deadline
    /// passed.
    async fn reap_expired(&self, limit: usize) -> Result<Settled>;

    /// Turns up to `limit` due workflow timers into events for their workflows' next steps;
    /// returns how many fired.
    async fn fire_timers(&self, limit: usize) -> Result<u64>;

    /// Runs one step transaction: takes the due steps `which` selects (skipping, not waiting
    /// for, executions busy for a moment), loads them, consumes what arrived for them, asks
    /// `planner` what each step does and writes all of it. Executions that ended meanwhile are
    /// skipped.
    async fn run_step_batch(
        &self,
        which: StepSelection<'_>,
        planner: &dyn StepPlanner,
    ) -> std::result::Result<StepBatch, StepBatchError>;

    /// Fails a workflow outside any step (a step that cannot run); returns whether it ended
    /// (false when it was terminal already).
    async fn fail_workflow(&self, id: &str, error: Value) -> Result<bool>;

    // Operator actions. Each is one transaction that also appends one history row per
    // execution it changes (`rhythm_history`: `type`, `{"by", "reason"}`); an action that does
    // not apply fails with `Refused` and changes nothing.

    /// Retries a failed execution: a standalone task gets a new attempt; a workflow goes back
    /// to the state saved at its last await, where its next step starts a new attempt of each
    /// task call that failed for good and retries each failed child still awaited
    /// (`rhythm_engine::Event::Retry`). `Refused` unless it is `failed`, and for a task a
    /// workflow started (retry the workflow).
    async fn retry(&self, id: &str, actor: &Actor) -> Result<()>;

    /// Pauses a running or waiting execution and what it started that is still live: none of
    /// them takes a step or has a task claimed until resumed; what arrives meanwhile is kept.
    /// Attempts already running finish. Returns how many executions were paused. `Refused`
    /// when it has ended or is paused already.
    async fn pause(&self, id: &str, actor: &Actor) -> Result<u64>;

    /// Resumes a paused execution and the executions paused with it: their held work goes
    /// back to the queue and each live workflow among them gets a step. Returns how many
    /// executions were resumed. `Refused` when it is not paused.
    async fn resume(&self, id: &str, actor: &Actor) -> Result<u64>;

    /// Stops claims of tasks and steps on `queue` for every worker. `Refused` when paused
    /// already.
    async fn pause_queue(&self, queue: &str, actor: &Actor) -> Result<()>;

    /// Lets workers claim from `queue` again. `Refused` when it is not paused.
    async fn resume_queue(&self, queue: &str, actor: &Actor) -> Result<()>;

    /// The paused queues, by name.
    async fn paused_queues(&self) -> Result<Vec<QueuePause>>;

    /// Up to `limit` ids of executions matching `filter`, in id order, after `after` (keyset
    /// paging for bulk actions).
    async fn select_ids(
        &self,
        filter: &ActionFilter,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<String>>;

    /// How many executions match `filter`.
    async fn count_ids(&self, filter: &ActionFilter) -> Result<u64>;

    /// Registers task definitions (the defaults of calls that leave options out), replacing
    /// earlier definitions of the same names. A change raises the definitions' revision, and a
    /// step transaction that starts after the registration returns plans with the new
    /// defaults (see [`StepPlanner::set_task_defaults`]).
    async fn register_task_definitions(&self, definitions: &[TaskDefinition]) -> Result<()>;

    /// The registered definitions of the tasks `names`, sorted by name.
    async fn task_definitions(&self, names: &[String]) -> Result<Vec<TaskDefinition>>;

    /// Everything the inspector needs about execution `id` (the newest `log_limit` log lines
    /// and `history_limit` history rows), read without taking locks a worker could wait on.
    async fn inspect_data(
        &self,
        id: &str,
        log_limit: i64,
        history_limit: i64,
    ) -> Result<InspectData>;

    /// The newest `limit` history rows of execution `id`, oldest first (`NotFound` for an
    /// unknown id).
    async fn history(&self, id: &str, limit: i64) -> Result<Vec<HistoryEntry>>;

    /// Registers a worker process (again, after a restart with the same id).
    async fn register_worker(&self, worker: &WorkerRegistration) -> Result<()>;

    /// Refreshes a worker's heartbeat; returns whether it is registered.
    async fn worker_heartbeat(&self, id: &str) -> Result<bool>;

    /// Marks a worker stopped (graceful shutdown).
    async fn stop_worker(&self, id: &str) -> Result<()>;

    /// Workers stopped or last seen within `recent_secs`, oldest first.
    async fn workers(&self, recent_secs: i64) -> Result<Vec<WorkerInfo>>;

    /// Every queue with ready, delayed or in-flight work.
    async fn queues(&self) -> Result<Vec<QueueStats>>;

    /// Subscribes to notifications on `channels`.
    async fn listen(&self, channels: &[Channel]) -> Result<Box<dyn Notifications>>;
}

/// A notification channel of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Work became ready: a task attempt or a workflow step.
    Ready,
    /// Executions finished (or a task settled).
    Done,
}

/// A notification received by a [`Notifications`] subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    /// On [`Channel::Ready`]: work became ready.
    Ready,
    /// On [`Channel::Done`]: these executions finished, or `None` when the sender did not
    /// say which (too many to list).
    Finished(Option<Vec<String>>),
}

impl Notification {
    /// Whether this notification may concern execution `id` finishing.
    pub fn may_have_finished(&self, id: &str) -> bool {
        match self {
            Notification::Ready => false,
            Notification::Finished(None) => true,
            Notification::Finished(Some(ids)) => ids.iter().any(|x| x == id),
        }
    }
}

/// A subscription to store notifications (see [`Store::listen`]).
#[async_trait]
pub trait Notifications: Send {
    /// The next notification. An error means the subscription is broken (connection lost):
    /// notifications sent meanwhile are lost; subscribe again.
    async fn recv(&mut self) -> Result<Notification>;
}

/// A new execution, validated.
#[derive(Debug, Clone)]
pub struct NewExecution {
    /// Its id (caller-chosen or a new UUIDv7).
    pub id: String,
    /// Task or workflow.
    pub kind: Kind,
    /// Task or workflow name.
    pub name: String,
    /// Its inputs.
    pub inputs: Value,
    /// The queue its work goes to.
    pub queue: String,
    /// Higher runs first within its queue.
    pub priority: i32,
    /// Starts with the same key (and kind) return the first execution instead.
    pub idempotency_key: Option<String>,
    /// Attempts allowed in all (tasks).
    pub max_attempts: i32,
    /// Base of the exponential retry backoff, in ms.
    pub backoff_ms: i32,
    /// Per-attempt timeout in ms, if any.
    pub timeout_ms: Option<i32>,
    /// Delay before its first work is due, in ms.
    pub delay_ms: i64,
    /// The workflow version it runs (workflows only).
    pub content_hash: Option<String>,
    /// The workflow that started it, if any.
    pub parent_id: Option<String>,
    /// The parent's handle on it.
    pub parent_handle: Option<i64>,
    /// The parent's attempt number of it (tasks of workflows).
    pub parent_attempt: Option<i32>,
}

impl NewExecution {
    /// Validates a start request and builds the execution to insert (no parent yet).
    pub(crate) fn validated(
        kind: Kind,
        name: &str,
        inputs: Value,
        options: &StartOptions,
        content_hash: Option<String>,
    ) -> Result<NewExecution> {
        let what = match kind {
            Kind::Task => "task name",
            Kind::Workflow => "workflow name",
        };
        validate::name(what, name)?;
        validate::payload("inputs", &inputs)?;
        let id = match &options.id {
            Some(id) => {
                validate::name("execution id", id)?;
                id.clone()
            }
            None => uuid::Uuid::now_v7().to_string(),
        };
        if let Some(k) = &options.idempotency_key {
            validate::name("idempotency key", k)?;
        }
        let queue = options
            .queue
            .clone()
            .unwrap_or_else(|| "default".to_owned());
        validate::name("queue", &queue)?;
        let max_attempts = options.max_attempts.unwrap_or(3);
        if !(1..=1000).contains(&max_attempts) {
            return Err(Error::Invalid {
                what: "max_attempts",
                reason: format!("{max_attempts}, expected 1 to 1000"),
            });
        }
        let timeout_ms = options
            .timeout
            .map(|t| validate::millis_i32("timeout", t))
            .transpose()?;
        if timeout_ms == Some(0) {
            return Err(Error::Invalid {
                what: "timeout",
                reason: "must be at least 1 ms".into(),
            });
        }
        Ok(NewExecution {
            id,
            kind,
            name: name.to_owned(),
            inputs,
            queue,
            priority: options.priority,
            idempotency_key: options.idempotency_key.clone(),
            max_attempts: i32::try_from(max_attempts).unwrap_or(1000),
            backoff_ms: validate::millis_i32(
                "backoff",
                options.backoff.unwrap_or(Duration::from_secs(1)),
            )?,
            timeout_ms,
            delay_ms: options
                .delay
                .map(|d| validate::millis_i64("delay", d))
                .transpose()?
                .unwrap_or(0),
            content_hash,
            parent_id: None,
            parent_handle: None,
            parent_attempt: None,
        })
    }
}

/// A task attempt a worker claimed.
#[derive(Debug, Clone)]
pub struct ClaimedTask {
    /// The execution.
    pub execution_id: String,
    /// The task name.
    pub name: String,
    /// Its inputs.
    pub inputs: Value,
    /// This attempt's number (1 for the first).
    pub attempt: i32,
    /// Attempts allowed in all.
    pub max_attempts: i32,
    /// Per-attempt timeout, if any.
    pub timeout_ms: Option<i32>,
}

/// A finished attempt, as a worker reports it.
#[derive(Debug, Clone)]
pub struct AttemptResult {
    /// The execution.
    pub execution_id: String,
    /// The attempt's number.
    pub attempt: i32,
    /// The output, or the error (`{type, message, ...}`) and whether it may be retried.
    pub outcome: std::result::Result<Value, (Value, bool)>,
}

/// Counts returned by the settling operations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settled {
    /// Executions completed.
    pub completed: u64,
    /// Executions failed for good.
    pub failed: u64,
    /// Attempts put back for a retry.
    pub retried: u64,
}

/// Which due workflow steps a step transaction takes.
#[derive(Debug, Clone, Copy)]
pub enum StepSelection<'a> {
    /// Up to `limit` due steps of `queue` (of distinct executions), highest priority and
    /// oldest first.
    Due {
        /// The queue.
        queue: &'a str,
        /// Steps taken at most.
        limit: usize,
    },
    /// The due step of one execution, if any.
    Execution(&'a str),
}

/// What one step transaction did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepBatch {
    /// Steps taken from the queue.
    pub taken: usize,
    /// Due steps left queued because their execution was busy for a moment (retry soon).
    pub busy: usize,
    /// Bytes of workflow state saved.
    pub state_bytes: u64,
}

/// Why a step transaction wrote nothing.
#[derive(Debug)]
pub enum StepBatchError {
    /// It could not run or commit (a lost connection, a transient conflict): retry later.
    Failed(Error),
    /// Writing what the batch decided failed for another reason, so one of its executions is
    /// at fault. The transaction was rolled back and every step taken is queued again.
    RolledBack {
        /// The executions whose steps were taken.
        taken: Vec<String>,
        /// Due steps left queued because their execution was busy.
        busy: usize,
        /// What failed.
        error: Error,
    },
}

impl From<Error> for StepBatchError {
    fn from(e: Error) -> Self {
        StepBatchError::Failed(e)
    }
}

/// Decides what workflow steps do: the engine and the compiled programs, pure (no I/O).
/// Called by [`Store::run_step_batch`] inside its transaction.
pub trait StepPlanner: Send + Sync {
    /// The versions already compiled: the store need not load their source.
    fn compiled_versions(&self) -> Vec<String>;

    /// Decides one plan per step, in the order given.
    fn plan_steps(&self, steps: Vec<StepInput>) -> Vec<Plan>;

    /// The revision of the task definitions the planner uses (0: none yet).
    fn task_defaults_revision(&self) -> i64;

    /// Replaces the task definitions the planner uses with every registered definition, as
    /// of `revision`. Called by the store before [`StepPlanner::plan_steps`] when the
    /// registered definitions are newer than [`StepPlanner::task_defaults_revision`].
    fn set_task_defaults(&self, revision: i64, definitions: Vec<TaskDefinition>);
}

/// A task's definition as a worker registers it: the defaults (`{"queue", "retries",
/// "timeout"}`, a task-manifest entry; see `rhythm_engine::defaults`) for calls of the task
/// that leave those options out.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDefinition {
    /// The task's name.
    pub name: String,
    /// Its defaults, as a task-manifest entry.
    pub defaults: Value,
}

/// One workflow step taken from the queue, with everything the engine needs.
#[derive(Debug, Clone)]
pub struct StepInput {
    /// The execution.
    pub id: String,
    /// Workflow name.
    pub name: String,
    /// Workflow inputs (for the first step).
    pub inputs: Value,
    /// Version (content hash).
    pub version: String,
    /// Source of the version, only when it is not in [`StepPlanner::compiled_versions`].
    pub source: Option<String>,
    /// Saved engine state (none before the first step).
    pub state: Option<Vec<u8>>,
    /// What arrived since the last step, consumed, in arrival order.
    pub arrived: Vec<Arrival>,
}

/// An inbox event or a signal a step consumed.
#[derive(Debug, Clone, PartialEq)]
pub enum Arrival {
    /// An inbox event (`{type, ...}`: a task or child result, a timer, a cancel request).
    Event(Value),
    /// A signal, as `{name, payload}`.
    Signal(Value),
}

/// What the engine decided for one step.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The execution.
    pub id: String,
    /// The new state to save, unless the execution ended.
    pub save: Option<NewState>,
    /// Task executions to start.
    pub tasks: Vec<NewExecution>,
    /// Child workflows to start, on the newest version of their workflow.
    pub children: Vec<ChildStart>,
    /// Timers by key: `Some(fire_at)` (epoch ms) to start or move, `None` to forget.
    pub timers: BTreeMap<String, Option<f64>>,
    /// Log lines, in order.
    pub logs: Vec<String>,
    /// Children to cancel.
    pub cancels: Vec<ChildCancel>,
    /// Failed children to retry (by the parent's handle), after an operator retry.
    pub retry_children: Vec<u32>,
    /// How the workflow ends, if it does.
    pub end: Option<WorkflowEnd>,
    /// What the step did, for the execution's history (`{type, data}` rows), written with the
    /// saved state.
    pub history: Vec<HistoryEvent>,
}

/// One row of an execution's history, as a step or an operator writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    /// What happened (`step`, `signal_consumed`, ...).
    pub kind: String,
    /// Its details.
    pub data: Value,
}

/// A workflow's state after a step.
#[derive(Debug, Clone)]
pub struct NewState {
    /// The serialized engine state.
    pub bytes: Vec<u8>,
    /// Signal names the workflow now waits for.
    pub signal_waits: Vec<String>,
}

/// A child workflow a step starts.
#[derive(Debug, Clone)]
pub struct ChildStart {
    /// The parent's handle on it.
    pub handle: u32,
    /// Workflow name.
    pub name: String,
    /// Its inputs.
    pub inputs: Value,
    /// Queue and priority.
    pub options: StartOptions,
}

/// A child a step cancels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildCancel {
    /// The parent's handle on it.
    pub handle: u32,
    /// For a task, the attempt withdrawn.
    pub attempt: Option<i32>,
}

/// How a workflow ends.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkflowEnd {
    /// With an output.
    Completed(Value),
    /// With an error.
    Failed(Value),
    /// Cancelled, with the cancellation error.
    Cancelled(Value),
}
