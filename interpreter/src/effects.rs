//! What a running program asks of the world, and what the world answers.
//!
//! The VM never performs an effect. Running or resuming returns a [`Step`](crate::Step):
//! either an outcome or a suspension with the [`Request`]s the program made since the last
//! step. The host (the engine core, driven by the test kit or the Postgres runtime) carries the
//! requests out and later resumes the VM with [`Delivery`] values. Values crossing this
//! boundary are JSON, as `JSON.stringify` would produce them.

use serde::{Deserialize, Serialize};

/// A JSON value crossing the VM boundary (object keys keep insertion order).
pub type Json = serde_json::Value;

/// Identifies one pending operation of one execution (a task call, a timer, a signal wait, a
/// child workflow). Allocated by the VM in increasing order; never reused within an execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HandleId(pub u32);

/// Milliseconds since the Unix epoch, as JavaScript's `Date.now()` counts them.
pub type EpochMillis = f64;

/// Retry policy of a task call (`retries: 3` or `retries: { max, initial, factor, maxDelay }`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so at most `max + 1` attempts).
    pub max: u32,
    /// Delay before the first retry, in milliseconds.
    pub initial_ms: f64,
    /// Multiplier applied to the delay after each retry.
    pub factor: f64,
    /// Upper bound of any delay, in milliseconds.
    pub max_delay_ms: Option<f64>,
}

impl RetryPolicy {
    /// `retries: n`: `n` retries, the first after one second, each delay twice the last.
    pub fn count(max: u32) -> Self {
        RetryPolicy {
            max,
            initial_ms: 1000.0,
            factor: 2.0,
            max_delay_ms: None,
        }
    }
}

/// Options of `Task.run(name, inputs, options)`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskOptions {
    /// Retry policy; `None` means the task's own default (one attempt unless the SDK says so).
    pub retries: Option<RetryPolicy>,
    /// Timeout of each attempt, in milliseconds.
    pub timeout_ms: Option<f64>,
    /// Queue the task goes to.
    pub queue: Option<String>,
    /// Higher runs first.
    pub priority: Option<i64>,
    /// Deduplicates task calls across executions.
    pub idempotency_key: Option<String>,
}

/// Options of `Workflow.run(name, inputs, options)`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkflowOptions {
    /// Queue the child's steps go to.
    pub queue: Option<String>,
    /// Higher runs first.
    pub priority: Option<i64>,
    /// Deduplicates child starts.
    pub idempotency_key: Option<String>,
}

/// Something the program asked for since the previous step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    /// `Task.run`: run a task (with its retries and per-attempt timeout); deliver its final
    /// output, or a `TaskFailed` error once the attempts are used up.
    RunTask {
        /// The handle the result is delivered to.
        handle: HandleId,
        /// Task name.
        name: String,
        /// Task inputs (a JSON object, or `null` when omitted).
        inputs: Json,
        /// Call options.
        options: TaskOptions,
    },
    /// `Timer.delay` / `Timer.until`: deliver `null` at `fire_at` (at once when it is past).
    StartTimer {
        /// The handle the firing is delivered to.
        handle: HandleId,
        /// When it fires.
        fire_at: EpochMillis,
    },
    /// `Signal.next(name, { timeout })`: deliver the payload of the oldest unconsumed signal
    /// `name` (consuming it), or a `Timeout` error at `timeout_at` if none arrives first.
    WaitSignal {
        /// The handle the payload is delivered to.
        handle: HandleId,
        /// Signal name.
        name: String,
        /// When the wait gives up with a `Timeout` error.
        timeout_at: Option<EpochMillis>,
    },
    /// `Workflow.run`: start a child execution; deliver its output, or a `WorkflowFailed`
    /// error.
    StartWorkflow {
        /// The handle the result is delivered to.
        handle: HandleId,
        /// Workflow name.
        name: String,
        /// Child inputs.
        inputs: Json,
        /// Start options.
        options: WorkflowOptions,
    },
    /// A timer or signal wait lost a `Promise.race`/`Promise.any`: cancel it. A withdrawn
    /// signal wait consumes nothing; nothing is ever delivered to a withdrawn handle.
    Withdraw {
        /// The withdrawn handle.
        handle: HandleId,
    },
}

/// How a pending operation ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", content = "value", rename_all = "snake_case")]
pub enum Settlement {
    /// Success: the task output, the signal payload, the child output, or `null` for a timer.
    Fulfilled(Json),
    /// Failure: an error object with at least `type` and `message` (`TaskFailed`, `Timeout`,
    /// `WorkflowFailed`, ...), thrown at the `await`.
    Rejected(Json),
}

/// One result handed to a suspended program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Delivery {
    /// A pending handle settled.
    Settled {
        /// Which handle.
        handle: HandleId,
        /// How it ended.
        settlement: Settlement,
    },
    /// A client asked to cancel: `{ type: "Cancelled" }` is thrown at the current await.
    Cancel,
}

/// How a run ended, or that it has not ended yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The program returned (or ran off its end, giving `null`): its output as JSON.
    Completed {
        /// The output.
        output: Json,
    },
    /// An error escaped the program. When its `type` is `"Cancelled"` the execution ends as
    /// cancelled rather than failed.
    Failed {
        /// The error object (at least `type` and `message`; `stack`-like location fields
        /// may follow).
        error: Json,
    },
    /// The program waits; the host must carry out `requests` and resume it later.
    Suspended {
        /// New requests, in the order the program made them.
        requests: Vec<Request>,
        /// The handles the current `await` (or the combinator it awaits) still needs.
        waiting_on: Vec<HandleId>,
    },
}
