//! Editor features as plain functions over byte offsets, one file per feature.
//!
//! Every function takes an [`Analysis`](crate::Analysis) (and where needed a byte offset or
//! the task manifest) and returns plain Rust values with byte ranges. Only the language server
//! converts them to protocol types and positions.

pub mod code_actions;
pub mod completion;
pub mod folding;
pub mod hover;
mod infer;
pub mod inlay_hints;
mod locate;
pub mod manifest;
pub mod navigation;
pub mod rename;
pub mod semantic_tokens;
pub mod signature_help;
mod string_slot;
pub mod symbols;

pub use manifest::{TaskInfo, TaskManifest, TaskParam};
#[cfg(test)]
mod tests;
