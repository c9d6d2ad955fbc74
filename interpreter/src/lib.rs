//! The pure `.flow` interpreter: compiles analyzed programs, runs them until they need the
//! outside world, and turns the whole execution state into bytes that resume anywhere.
//!
//! No I/O, no clock and no randomness of its own: the host passes time and a seed in, and
//! gets back what the program asked for (see [`effects`]).
//!
//! ```
//! use rhythm_interpreter::{Outcome, Program, RunContext, start};
//! let program = Program::compile("return [1, 2].map(x => x * 2)").unwrap();
//! let step = start(&program, serde_json::json!({}), &RunContext::default());
//! assert_eq!(step.outcome, Outcome::Completed { output: serde_json::json!([2, 4]) });
//! ```
//!
//! Layout: [`compiler`] turns the analyzer's IR into [`bytecode`]; [`vm`] runs it over a
//! [`vm::VmState`] (operand stack, frames, [`heap`], pending handles, random state) that
//! [`state`] saves as `"RHYS" | version | program hash | postcard`. [`run`] is the entry
//! point ([`start`], [`resume`]). [`catalog`] lists the builtins the VM provides; [`js`]
//! holds JavaScript's value semantics as pure functions.
//!
//! Failures: `Outcome::Failed { error }` holds `type`, `name`, `message`, the error's own
//! enumerable properties, and `location: { line, column, start, end }` (1-based line and
//! column in characters; byte offsets) when the failing expression is known. Exceeding the
//! instruction budget, the heap limit or the saved-state limit fails the execution with type
//! `LimitExceeded` (not catchable); exceeding the call depth throws a catchable
//! `LimitExceeded` error.
#![deny(clippy::unwrap_used)]

pub mod bytecode;
pub mod catalog;
pub mod compiler;
pub mod effects;
pub mod heap;
pub mod inspector;
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
