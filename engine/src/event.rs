//! What happens to an execution from outside: the shell reports it with the current time.

use rhythm_interpreter::effects::{HandleId, Json};
use serde::{Deserialize, Serialize};

/// How a child execution ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ChildOutcome {
    /// The child returned `output`.
    Completed {
        /// The child's output.
        output: Json,
    },
    /// The child failed with `error`.
    Failed {
        /// The child's error.
        error: Json,
    },
    /// The child was cancelled.
    Cancelled {
        /// The child's error (`{ type: "Cancelled" }`).
        error: Json,
    },
}

/// One thing that happened, fed to [`crate::Engine::apply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// Start the execution with these inputs.
    Start {
        /// The workflow's inputs.
        inputs: Json,
    },
    /// A task attempt finished with an output.
    TaskSucceeded {
        /// The task call.
        handle: HandleId,
        /// Which attempt (1-based).
        attempt: u32,
        /// The task's output.
        output: Json,
    },
    /// A task attempt failed.
    TaskFailed {
        /// The task call.
        handle: HandleId,
        /// Which attempt (1-based).
        attempt: u32,
        /// The error the worker reported.
        error: Json,
    },
    /// A task attempt passed its `timeout_at` without a result.
    TaskTimedOut {
        /// The task call.
        handle: HandleId,
        /// Which attempt (1-based).
        attempt: u32,
    },
    /// A timer started by [`crate::Command::StartTimer`] is due.
    TimerDue {
        /// The timer's handle.
        handle: HandleId,
    },
    /// A signal was sent to the execution.
    SignalArrived {
        /// The signal name.
        name: String,
        /// Its payload.
        payload: Json,
    },
    /// A child execution started by [`crate::Command::StartChild`] ended.
    ChildFinished {
        /// The parent's handle of the child.
        handle: HandleId,
        /// The child's execution id.
        execution_id: String,
        /// How it ended.
        outcome: ChildOutcome,
    },
    /// A client asked to cancel the execution.
    CancelRequested,
    /// An operator retried the execution after it failed. The shell applies it to the state
    /// saved at the execution's last await (the step that failed saved nothing), before what
    /// else arrived, and names what failed for good: each task call among `failed_tasks` still
    /// pending at that attempt gets a new attempt, each child among `failed_children` still
    /// awaited is retried ([`crate::Command::RetryChild`]), and the execution's timers are
    /// started again (the shell dropped them when it failed).
    Retry {
        /// Task calls whose attempt failed for good: `(handle, attempt)`.
        failed_tasks: Vec<(HandleId, u32)>,
        /// Child workflows that failed.
        failed_children: Vec<HandleId>,
    },
}
