//! Offsets ↔ LSP positions: the analyzer's one line index, re-exported for the server and its
//! tests.

pub use rhythm_analyzer::line_index::{Encoding, LineIndex, Pos};
