//! What the engine asks its shell to do after an event.

use rhythm_interpreter::effects::{EpochMillis, HandleId, Json, WorkflowOptions};
use serde::{Deserialize, Serialize};

/// One attempt of a task call, to be queued by the shell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskAttempt {
    /// The task call (the handle the result goes to).
    pub handle: HandleId,
    /// Attempt number, 1-based.
    pub attempt: u32,
    /// Task name.
    pub name: String,
    /// Task inputs.
    pub inputs: Json,
    /// Queue, when the call named one.
    pub queue: Option<String>,
    /// Priority, when the call set one (higher runs first).
    pub priority: Option<i64>,
    /// Idempotency key, when the call set one.
    pub idempotency_key: Option<String>,
    /// Earliest time the attempt may run (later than now for retries with backoff).
    pub run_at: EpochMillis,
    /// When the attempt counts as timed out (report [`crate::Event::TaskTimedOut`]).
    pub timeout_at: Option<EpochMillis>,
}

/// One thing the shell must do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Command {
    /// Queue a task attempt.
    QueueTask(TaskAttempt),
    /// The attempt is no longer wanted (the execution was cancelled): do not run it if it has
    /// not started; its result, if any, will be ignored.
    WithdrawTask {
        /// The task call.
        handle: HandleId,
        /// The attempt.
        attempt: u32,
    },
    /// Report [`crate::Event::TimerDue`] for `handle` at `fire_at`.
    StartTimer {
        /// The timer's handle (a `Timer.*` handle, or a signal wait's timeout).
        handle: HandleId,
        /// When it is due.
        fire_at: EpochMillis,
    },
    /// Forget a timer started earlier.
    CancelTimer {
        /// The timer's handle.
        handle: HandleId,
    },
    /// Start a child execution; report [`crate::Event::ChildFinished`] when it ends.
    StartChild {
        /// The parent's handle of the child.
        handle: HandleId,
        /// Workflow name.
        name: String,
        /// Child inputs.
        inputs: Json,
        /// Start options.
        options: WorkflowOptions,
    },
    /// Cancel a child execution started earlier.
    CancelChild {
        /// The parent's handle of the child.
        handle: HandleId,
    },
    /// Retry a child execution that failed (after [`crate::Event::Retry`]); report
    /// [`crate::Event::ChildFinished`] when it ends again.
    RetryChild {
        /// The parent's handle of the child.
        handle: HandleId,
    },
    /// Append a line to the execution's log.
    Log {
        /// The line.
        line: String,
    },
    /// The execution completed with `output` (terminal).
    Complete {
        /// The output.
        output: Json,
    },
    /// The execution failed with `error` (terminal).
    Fail {
        /// The error.
        error: Json,
    },
    /// The execution ended as cancelled (terminal).
    Cancelled {
        /// The error (`{ type: "Cancelled" }`).
        error: Json,
    },
}
