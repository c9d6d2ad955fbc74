//! Byte offsets to line and column numbers.

use text_size::TextSize;

/// The start of every line of a text, to turn byte offsets into lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A position as people count it: both 1-based, the column in characters (Unicode scalar
/// values), not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl LineIndex {
    /// Indexes the line starts of `text` (lines end at `\n`; a `\r` before it is part of the
    /// line's end).
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The line and column of a byte offset into `text` (the same text given to [`Self::new`]).
    /// Offsets past the end or inside a character are clamped to a valid position.
    pub fn line_col(&self, text: &str, offset: TextSize) -> LineCol {
        let offset = usize::from(offset).min(text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let prefix = text.get(start..offset).map_or_else(
            || {
                text.char_indices()
                    .skip_while(|(i, _)| *i < start)
                    .take_while(|(i, _)| *i < offset)
                    .count()
            },
            |s| s.chars().count(),
        );
        LineCol {
            line: line + 1,
            column: prefix + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_character_columns() {
        let text = "ab\né x\n\nz";
        let index = LineIndex::new(text);
        let at = |o: u32| index.line_col(text, TextSize::from(o));
        assert_eq!(at(0), LineCol { line: 1, column: 1 });
        assert_eq!(at(2), LineCol { line: 1, column: 3 });
        assert_eq!(at(3), LineCol { line: 2, column: 1 });
        assert_eq!(at(5), LineCol { line: 2, column: 2 }); // after the two-byte é
        assert_eq!(at(8), LineCol { line: 3, column: 1 });
        assert_eq!(at(9), LineCol { line: 4, column: 1 });
        assert_eq!(at(100), LineCol { line: 4, column: 2 });
        assert_eq!(at(4), LineCol { line: 2, column: 2 }); // inside é: counts it
    }
}
