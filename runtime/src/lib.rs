//! The runtime: durable executions, the task queue, timers, signals, workers and the client
//! API, on a [`Store`] ([`PgStore`]: Postgres, the single source of truth).
//!
//! - [`Client`] starts tasks and workflows, sends signals, reads, waits for and cancels
//!   executions.
//! - [`Worker`] claims task attempts in batches and runs registered [`TaskHandler`]s, with
//!   leases, heartbeats, retries, timeouts, batched completions and graceful shutdown.
//! - [`store`] is the storage trait and its Postgres implementation, the only place that
//!   knows SQL. The schema lives in `migrations/` and is applied by [`Client::migrate`].
#![deny(clippy::unwrap_used)]

pub mod actions;
mod client;
mod error;
pub mod input_match;
pub mod inspect;
mod listing;
mod model;
mod step;
pub mod store;
mod validate;
pub mod worker;

pub use client::{Client, content_hash};
pub use error::{DatabaseError, Error, Result};
pub use inspect::{Inspection, QueueStats, WorkerInfo};
pub use listing::{Cursor, ListPage, parse_time_bound};
pub use model::{
    Action, ActionFilter, Actor, AttemptState, BulkCounts, CancelOutcome, Execution,
    ExecutionSummary, Kind, ListFilter, Paused, QueuePause, StartOptions, Started, Status,
};
pub use rhythm_interpreter::Limits;
pub use store::postgres::{DONE_CHANNEL, MIGRATOR, PgStore, READY_CHANNEL};
pub use store::{Store, TaskDefinition};
pub use validate::{MAX_NAME_CHARS, MAX_PAYLOAD_BYTES};
pub use worker::{TaskContext, TaskError, TaskHandler, Worker, WorkerHandle, WorkerOptions};
