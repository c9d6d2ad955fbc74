//! Open documents: their text, version and line index, updated by incremental edits.

use std::sync::Arc;

use rhythm_analyzer::Analysis;
use tokio::sync::OnceCell;

use crate::line_index::{Encoding, LineIndex, Pos};

/// One edit sent by the client: replace `range` (or the whole text when `None`) by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The replaced range as positions in the negotiated encoding; `None` replaces everything.
    pub range: Option<(Pos, Pos)>,
    /// The new text.
    pub text: String,
}

/// An open document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The full current text.
    pub text: Arc<str>,
    /// The client's version number of this text.
    pub version: i32,
    /// Line starts of `text`.
    pub index: Arc<LineIndex>,
    /// The analysis of `text` at `version`, computed once by whoever needs it first (the
    /// diagnostics worker or a request); concurrent callers wait for the same computation.
    pub analysis: Arc<OnceCell<Arc<Analysis>>>,
}

impl Document {
    /// A document opened with `text`.
    pub fn new(text: String, version: i32) -> Self {
        let index = Arc::new(LineIndex::new(&text));
        Document {
            text: text.into(),
            version,
            index,
            analysis: Arc::default(),
        }
    }

    /// Applies the client's edits in order (each range refers to the text after the previous
    /// edit, as LSP specifies) and moves to `version`.
    pub fn apply(&mut self, changes: Vec<Change>, version: i32, encoding: Encoding) {
        let mut text = String::from(&*self.text);
        let mut index = (*self.index).clone();
        for change in changes {
            match change.range {
                None => text = change.text,
                Some((start, end)) => {
                    let range = index.text_range(&text, start, end, encoding);
                    text.replace_range(
                        usize::from(range.start())..usize::from(range.end()),
                        &change.text,
                    );
                }
            }
            index = LineIndex::new(&text);
        }
        self.text = text.into();
        self.index = Arc::new(index);
        self.version = version;
        self.analysis = Arc::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> Change {
        Change {
            range: Some((Pos { line: l1, col: c1 }, Pos { line: l2, col: c2 })),
            text: text.to_owned(),
        }
    }

    #[test]
    fn incremental_edits_apply_in_order_in_utf16() {
        let mut doc = Document::new("const café = \"😀\";\nlet x = 1".to_owned(), 1);
        // Replace `1` on line 1 (col 8), then insert after the emoji (UTF-16 col 15).
        doc.apply(
            vec![edit(1, 8, 1, 9, "42"), edit(0, 16, 0, 16, "!")],
            2,
            Encoding::Utf16,
        );
        assert_eq!(&*doc.text, "const café = \"😀!\";\nlet x = 42");
        assert_eq!(doc.version, 2);
        // A multi-line deletion, then a full replacement.
        doc.apply(vec![edit(0, 18, 1, 3, "")], 3, Encoding::Utf16);
        assert_eq!(&*doc.text, "const café = \"😀!\" x = 42");
        doc.apply(
            vec![Change {
                range: None,
                text: "new".to_owned(),
            }],
            4,
            Encoding::Utf16,
        );
        assert_eq!(&*doc.text, "new");
    }

    #[test]
    fn utf8_columns_are_bytes() {
        let mut doc = Document::new("é = 1".to_owned(), 1);
        doc.apply(vec![edit(0, 2, 0, 2, "x")], 2, Encoding::Utf8);
        assert_eq!(&*doc.text, "éx = 1");
    }
}
