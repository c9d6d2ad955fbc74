//! Semantic analysis of `.flow` files: lowering to an IR, name resolution, the builtin catalog
//! and diagnostics. Everything downstream (CLI, LSP, interpreter) reads what this crate says.
#![deny(clippy::unwrap_used)]

pub mod catalog;
pub mod diagnostic;
pub mod ir;

pub use diagnostic::{Diagnostic, Fix, Label, Severity, TextEdit};
