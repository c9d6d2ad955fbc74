//! The Rhythm language server. This is the only crate that knows LSP types: it converts
//! positions and calls the analyzer's editor features, which are plain functions over offsets.
#![deny(clippy::unwrap_used)]
