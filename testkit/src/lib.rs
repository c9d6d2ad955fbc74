//! The in-memory test kit: runs workflows on a fake clock with stubbed tasks, no database.
//!
//! The kit is a thin shell around the engine core ([`rhythm_engine`]): it stores executions in
//! memory, carries out the engine's commands with stubs, and feeds back what happened on one
//! fake clock. Test files (`*.test.toml`) are read and run by [`testfile`]; `rhythm run`
//! serves command-line stubs through [`local`].
//!
//! Decisions where the design documents are silent:
//! - The clock starts at 2026-01-01T00:00:00Z; `Date.now()` is the fake clock; execution `n`
//!   (0-based, in start order) gets `Math.random` seed `seed + n` (default seed 1).
//! - At one instant, work (task attempts starting and finishing, children) runs first, then
//!   timers and attempt timeouts (by execution, then handle), then outside events (signals,
//!   cancels): a task finishing exactly at its timeout succeeds; a signal arriving exactly at
//!   its wait's timeout is too late.
//! - A stub array gives successive attempts across every call of that task name, in the order
//!   attempts start (so a test file can make the third page of a batch fail); the last entry
//!   repeats.
//! - Retry delays use the production formula with its seeded jitter (see
//!   [`rhythm_engine::backoff`]), so they are exact and repeatable but not round numbers.
//! - `calls` lists the attempts of every execution of a case (children included); `logs` are
//!   the root execution's.
//! - When the root execution ends, what is due at that same instant still runs (fire-and-forget
//!   attempts are recorded); the clock does not move further.
//! - Test files accept `payload_json` on signal events, like `output_json`.
//! - Task defaults (`@rhythm.task(retries=…, timeout=…, queue=…)`) come from the nearest
//!   `.rhythm/tasks.json` above a test file ([`manifest`]); a call's own options win.
//! - Exit status of `rhythm test`: 0 all passed, 1 a case failed, 2 a malformed file or no test
//!   file at all.
#![deny(clippy::unwrap_used)]

pub mod flow;
pub mod kit;
pub mod local;
pub mod manifest;
pub mod matching;
pub mod registry;
pub mod stub;
pub mod testfile;
pub mod timeline;

pub use flow::{FlowCompiler, flow_compiler};
pub use kit::{Call, ExecId, Kit, KitError, KitStatus};
pub use registry::{Compiler, Registry, SharedVm};
pub use stub::{Stub, StubCall, StubResult};
