//! The in-memory test kit: runs workflows on a fake clock with stubbed tasks, no database.
//!
//! The kit is a thin shell around the engine core ([`rhythm_engine`]): it stores executions in
//! memory, carries out the engine's commands with stubs, and feeds back what happened on one
//! fake clock. Test files (`*.test.toml`) are read and run by [`testfile`].
#![deny(clippy::unwrap_used)]

pub mod flow;
pub mod kit;
pub mod local;
pub mod matching;
pub mod registry;
pub mod stub;
pub mod testfile;
pub mod timeline;

pub use flow::{FlowCompiler, flow_compiler};
pub use kit::{Call, ExecId, Kit, KitError, KitStatus};
pub use registry::{Compiler, Registry, SharedVm};
pub use stub::{Stub, StubCall, StubResult};
