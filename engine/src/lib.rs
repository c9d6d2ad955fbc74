//! The engine core: the pure execution state machine around the VM, shared by the test kit and
//! the Postgres runtime. Events come in (a task attempt finished, a timer is due, a signal
//! arrived, a cancel was asked), a new execution state and commands go out. No I/O, no clock:
//! time comes in with each event, and the same events give the same state and commands.
//!
//! Rules (see each module for details):
//! - Tasks: attempt 1 is queued at once; a failed or timed-out attempt (a timeout is a failure
//!   of type `Timeout`) is retried after [`backoff::retry_delay`] while attempts remain
//!   (`retries.max + 1`, one attempt without a policy); then the call rejects with
//!   `{ type: "TaskFailed", name, task, message, attempts, cause }`. Options a call leaves out
//!   come from the task's definition when the engine has one ([`defaults`]).
//! - Signals: buffered per name in arrival order; a wait takes the oldest; several waits are
//!   served oldest wait first; a withdrawn wait consumes nothing; a wait's `timeout_at`
//!   rejects it with `{ type: "Timeout" }`. Signals to an ended execution are refused.
//! - Timers: an instant at or before now settles at once; otherwise the shell reports
//!   [`Event::TimerDue`]; due timers fire by fire time, then handle
//!   ([`ExecutionState::due_timers`]).
//! - Settlements reach the VM when its current await needs them, in arrival order.
//! - Cancel: pending work is withdrawn (children cancelled) and settles as `Cancelled` for
//!   cleanup code that awaits it; the VM gets `Delivery::Cancel` at its await; an uncaught
//!   `Cancelled` ends the execution as cancelled. A second cancel is ignored. Terminal states
//!   never change.
//! - Retry (an operator's, [`Event::Retry`], applied to the state a failed execution saved at
//!   its last await): attempt `n + 1` of each call whose current attempt `n` failed for good,
//!   [`Command::RetryChild`] for each failed child still awaited, the timers started again.
#![deny(clippy::unwrap_used)]

pub mod backoff;
pub mod command;
pub mod defaults;
pub mod duration;
pub mod engine;
pub mod errors;
pub mod event;
pub mod flow;
pub mod inspect;
pub mod scripted;
pub mod state;
pub mod vm;

pub use command::{Command, TaskAttempt};
pub use defaults::{DefaultsError, TaskDefaults, TaskDefinitions};
pub use engine::{Engine, EngineConfig, Rejected};
pub use event::{ChildOutcome, Event};
pub use flow::FlowVm;
pub use state::{ExecutionMeta, ExecutionState, Pending, Status};
pub use vm::{Vm, VmContext, VmError, VmStep};
