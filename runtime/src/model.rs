//! The values the client API reads and writes: statuses, executions, options, filters.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::listing::Cursor;

/// Where an execution is in its life. `completed`, `failed` and `cancelled` are terminal and
/// never change again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Has work queued or in flight (a task attempt, a workflow step).
    Running,
    /// A workflow suspended at an `await`, waiting for tasks, timers or signals.
    Waiting,
    /// Finished with an output.
    Completed,
    /// Finished with an error.
    Failed,
    /// Cancelled by a client.
    Cancelled,
}

impl Status {
    /// Every status, in life order.
    pub const ALL: [Status; 5] = [
        Status::Running,
        Status::Waiting,
        Status::Completed,
        Status::Failed,
        Status::Cancelled,
    ];

    /// The name stored in the database and printed by the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Waiting => "waiting",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }

    /// Whether the status is final.
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Completed | Status::Failed | Status::Cancelled)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| Error::Corrupt {
                what: "status",
                value: s.to_owned(),
            })
    }
}

/// What an execution runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A task run by a worker's handler.
    Task,
    /// A `.flow` workflow run by the interpreter.
    Workflow,
}

impl Kind {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Task => "task",
            Kind::Workflow => "workflow",
        }
    }
}

impl FromStr for Kind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "task" => Ok(Kind::Task),
            "workflow" => Ok(Kind::Workflow),
            _ => Err(Error::Corrupt {
                what: "kind",
                value: s.to_owned(),
            }),
        }
    }
}

/// Options of a start (`queue_task`, `start_workflow`). The defaults: a fresh UUIDv7 id, no
/// idempotency key, queue `default`, priority 0, no delay, 3 attempts, 1 s base backoff, no
/// per-attempt timeout.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// The execution id (default: a new UUIDv7).
    pub id: Option<String>,
    /// Starts with the same key (and kind) return the first execution instead of a new one.
    pub idempotency_key: Option<String>,
    /// The queue (default `default`).
    pub queue: Option<String>,
    /// Higher runs first (default 0).
    pub priority: i32,
    /// Run no earlier than this long from now.
    pub delay: Option<Duration>,
    /// Attempts before the task fails for good (default 3, at least 1).
    pub max_attempts: Option<u32>,
    /// Base of the exponential retry backoff (default 1 s).
    pub backoff: Option<Duration>,
    /// Per-attempt timeout, enforced by the worker and, should it be gone, by any other worker.
    pub timeout: Option<Duration>,
    /// Workflows only: the version (content hash) to run; default the newest registered.
    pub version: Option<String>,
}

/// The result of a start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// The execution id.
    pub id: String,
    /// False when an execution with the same idempotency key already existed (its id is given).
    pub created: bool,
}

/// Where a non-terminal task stands in the queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum AttemptState {
    /// Queued, to run at `run_at` or later.
    Queued {
        /// Attempt number (1 for the first).
        attempt: i32,
        /// Earliest start.
        run_at: DateTime<Utc>,
    },
    /// Claimed by a worker.
    Leased {
        /// Attempt number.
        attempt: i32,
        /// The worker running it.
        worker_id: String,
        /// When the lease runs out unless the worker heartbeats.
        lease_expires_at: DateTime<Utc>,
        /// When the attempt times out, if it has a timeout.
        deadline_at: Option<DateTime<Utc>>,
    },
}

/// One execution as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Execution {
    /// Its id.
    pub id: String,
    /// Task or workflow.
    pub kind: Kind,
    /// Task or workflow name.
    pub name: String,
    /// Current status.
    pub status: Status,
    /// Inputs given at the start.
    pub inputs: Value,
    /// Output once completed.
    pub output: Option<Value>,
    /// Error once failed (or the last attempt's error while a task retries).
    pub error: Option<Value>,
    /// The workflow that started it, if any.
    pub parent_id: Option<String>,
    /// Its queue.
    pub queue: String,
    /// Its priority.
    pub priority: i32,
    /// Workflow version (SHA-256 of the source), for workflows.
    pub content_hash: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time it reached a terminal status.
    pub completed_at: Option<DateTime<Utc>>,
    /// Where it waits: its queued or leased attempt (tasks), if any.
    pub attempt: Option<AttemptState>,
    /// Signal names a waiting workflow listens for.
    pub waiting_for_signals: Vec<String>,
    /// Who paused it, when it is paused (it takes no steps and its queued work is held).
    pub paused: Option<Paused>,
}

/// Who asked for an operator action, recorded in the execution's history (`{"by",
/// "reason"}`) and, for a pause, on the execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Who: `user@host` by default.
    pub by: String,
    /// Why, if given.
    pub reason: Option<String>,
}

impl Actor {
    /// The current user at this host (`$USER@$HOSTNAME`, read from the environment and
    /// `/etc/hostname`), with an optional reason.
    pub fn current(reason: Option<String>) -> Actor {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".to_owned());
        let host = std::env::var("HOSTNAME")
            .ok()
            .filter(|h| !h.is_empty())
            .or_else(|| {
                std::fs::read_to_string("/etc/hostname")
                    .ok()
                    .map(|h| h.trim().to_owned())
                    .filter(|h| !h.is_empty())
            })
            .unwrap_or_else(|| "localhost".to_owned());
        Actor {
            by: format!("{user}@{host}"),
            reason,
        }
    }
}

/// A pause in force: who asked, why, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paused {
    /// Who paused it.
    pub by: String,
    /// Why, if given.
    pub reason: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A paused queue (`rhythm queues pause`): nothing of it is claimed until it is resumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueuePause {
    /// The queue.
    pub queue: String,
    /// Who paused it, why and when.
    #[serde(flatten)]
    pub paused: Paused,
}

/// Which executions a bulk action applies to (every field left out matches all).
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    /// Only this workflow (or task) name.
    pub name: Option<String>,
    /// Only this status.
    pub status: Option<Status>,
    /// Only executions created within this long before now.
    pub since: Option<Duration>,
    /// Only this workflow version (content hash).
    pub version: Option<String>,
}

/// An operator action on executions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Retry a failed execution.
    Retry,
    /// Cancel a running or waiting execution.
    Cancel,
    /// Pause a running or waiting execution.
    Pause,
    /// Resume a paused execution.
    Resume,
}

impl Action {
    /// Its name (the CLI subcommand).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Retry => "retry",
            Action::Cancel => "cancel",
            Action::Pause => "pause",
            Action::Resume => "resume",
        }
    }
}

/// What a bulk action did: executions matched, changed, and skipped because the action did not
/// apply to them (by then).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BulkCounts {
    /// Executions the filter matched.
    pub matched: u64,
    /// Executions the action changed.
    pub applied: u64,
    /// Executions it did not apply to (already changed, or in another status).
    pub skipped: u64,
}

/// Filters of `Client::list` and `Client::list_page`: every filter given must hold. Time
/// ranges are half-open: `*_after` is inclusive, `*_before` exclusive.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only this status (kept beside `statuses`: an execution matches either).
    pub status: Option<Status>,
    /// Only these statuses (any of them).
    pub statuses: Vec<Status>,
    /// Only this task or workflow name.
    pub name: Option<String>,
    /// Only this kind.
    pub kind: Option<Kind>,
    /// Only workflows of this version: a content hash, or a prefix of one that names one
    /// registered version (an ambiguous prefix is refused).
    pub version: Option<String>,
    /// Only executions created at or after this time.
    pub created_after: Option<DateTime<Utc>>,
    /// Only executions created before this time.
    pub created_before: Option<DateTime<Utc>>,
    /// Only executions that ended (reached a terminal status) at or after this time.
    pub ended_after: Option<DateTime<Utc>>,
    /// Only executions that ended before this time.
    pub ended_before: Option<DateTime<Utc>>,
    /// Only the execution started with this idempotency key (one per kind).
    pub idempotency_key: Option<String>,
    /// Only executions started by this workflow.
    pub parent_id: Option<String>,
    /// Only executions whose inputs contain this JSON document (`inputs @> doc`; build one
    /// from text with [`crate::input_match::parse_where`]).
    pub inputs_contain: Option<Value>,
    /// Continue after this cursor (the `next` of the previous page).
    pub after: Option<Cursor>,
    /// At most this many rows, newest first (default 100, at most 10 000).
    pub limit: Option<u32>,
}

/// The short form `Client::list` returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutionSummary {
    /// Its id.
    pub id: String,
    /// Task or workflow.
    pub kind: Kind,
    /// Task or workflow name.
    pub name: String,
    /// Current status.
    pub status: Status,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Time it reached a terminal status.
    pub completed_at: Option<DateTime<Utc>>,
}

/// What `Client::cancel` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    /// The execution (a task) is now cancelled.
    Cancelled,
    /// The workflow was asked to cancel: its next step raises `Cancelled` at the current
    /// await, so `catch` / `finally` may run cleanup; it ends `cancelled` unless it catches.
    Requested,
    /// It had already finished with this status, which stays.
    AlreadyFinished(Status),
}
