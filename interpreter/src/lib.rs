//! The pure `.flow` interpreter: compiles analyzed programs, runs them until they need the
//! outside world, and turns the whole execution state into bytes that resume anywhere.
//!
//! No I/O, no clock and no randomness of its own: the host passes time and a seed in, and
//! gets back what the program asked for (see [`effects`]).
//!
//! ```ignore
//! let program = Program::compile("return 1 + 1")?;
//! let step = start(&program, serde_json::json!({}), &RunContext::default());
//! ```
#![deny(clippy::unwrap_used)]

pub mod builtins;
pub mod bytecode;
pub mod compiler;
pub mod effects;
pub mod heap;
pub mod js;
pub mod program;
pub mod run;
pub mod state;
pub mod value;
pub mod vm;

pub use effects::{Delivery, EpochMillis, HandleId, Json, Outcome, Request, Settlement};
pub use program::{CompileError, Limits, Program, RunContext};
pub use run::{Step, resume, start};
pub use state::{StateError, state_to_json};
