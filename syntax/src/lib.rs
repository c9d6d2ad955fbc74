//! Lossless lexer, resilient parser and typed syntax tree for `.flow` files.
//!
//! `parse(text)` never fails: every input string produces a tree whose text equals the input,
//! with syntax errors reported beside the tree.
#![deny(clippy::unwrap_used)]
