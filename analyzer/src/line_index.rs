//! The one place where byte offsets become lines and columns: for people (1-based lines and
//! character columns in `rhythm check`) and for the LSP (0-based, in the negotiated encoding:
//! UTF-8 code units = bytes, UTF-16 code units, or characters).
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, the three line endings LSP knows.
//! Positions past the end of a line clamp to the line's end; positions inside a character (a
//! UTF-16 column between the two halves of a surrogate pair, or a byte column inside a
//! multi-byte character) clamp to the character's start, so a bad position never panics.

use text_size::{TextRange, TextSize};

/// How LSP `character` columns are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8 code units (bytes).
    Utf8,
    /// UTF-16 code units (the protocol's default).
    Utf16,
    /// Characters (Unicode scalar values): the columns people count.
    Utf32,
}

/// A zero-based line and column, counted in the [`Encoding`] it was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Zero-based line.
    pub line: u32,
    /// Zero-based column in code units of the encoding.
    pub col: u32,
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

/// Line starts of one text, for offset ↔ position conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line; `starts[0] == 0`.
    starts: Vec<u32>,
    /// Byte length of the text.
    len: u32,
    /// True when the whole text is ASCII (columns are bytes in every encoding).
    ascii: bool,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
                .map(|(i, _)| to_u32(i + 1)),
        );
        LineIndex {
            starts,
            len: to_u32(text.len()),
            ascii: text.is_ascii(),
        }
    }

    /// Number of lines (a text ending in `\n` has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The position of a byte offset. `text` must be the text this index was built from.
    pub fn position(&self, text: &str, offset: TextSize, encoding: Encoding) -> Pos {
        let offset = u32::from(offset).min(self.len);
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let mut offset = offset as usize;
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let segment = text.get(start as usize..offset).unwrap_or("");
        Pos {
            line: to_u32(line),
            col: self.width(segment, encoding),
        }
    }

    /// The 1-based line and character column of a byte offset, for messages to people.
    /// Offsets past the end clamp to the end; offsets inside a character to its start.
    pub fn line_col(&self, text: &str, offset: TextSize) -> LineCol {
        let pos = self.position(text, offset, Encoding::Utf32);
        LineCol {
            line: pos.line as usize + 1,
            column: pos.col as usize + 1,
        }
    }

    /// The byte offset of a position, clamped into the text.
    pub fn offset(&self, text: &str, pos: Pos, encoding: Encoding) -> TextSize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return TextSize::from(self.len);
        };
        let end = self.line_end(text, pos.line as usize);
        let line = text.get(start as usize..end).unwrap_or("");
        if self.ascii || encoding == Encoding::Utf8 {
            let mut col = (pos.col as usize).min(line.len());
            while col > 0 && !line.is_char_boundary(col) {
                col -= 1;
            }
            return TextSize::from(start + to_u32(col));
        }
        let mut units = 0u32;
        for (i, c) in line.char_indices() {
            let next = units + units_of(c, encoding);
            if next > pos.col {
                return TextSize::from(start + to_u32(i));
            }
            units = next;
        }
        TextSize::from(start + to_u32(line.len()))
    }

    /// Converts a byte range to a pair of positions.
    pub fn range(&self, text: &str, range: TextRange, encoding: Encoding) -> (Pos, Pos) {
        (
            self.position(text, range.start(), encoding),
            self.position(text, range.end(), encoding),
        )
    }

    /// Converts a pair of positions to a byte range (swapped if given backwards).
    pub fn text_range(&self, text: &str, start: Pos, end: Pos, encoding: Encoding) -> TextRange {
        let a = self.offset(text, start, encoding);
        let b = self.offset(text, end, encoding);
        TextRange::new(a.min(b), a.max(b))
    }

    /// Byte offset of the end of `line`, before its line ending.
    fn line_end(&self, text: &str, line: usize) -> usize {
        let Some(&next) = self.starts.get(line + 1) else {
            return self.len as usize;
        };
        let next = next as usize;
        let start = self.starts.get(line).copied().unwrap_or(0) as usize;
        let bytes = text.as_bytes();
        if next >= start + 2 && bytes.get(next - 2..next) == Some(b"\r\n".as_slice()) {
            next - 2
        } else {
            next - 1
        }
    }

    fn width(&self, segment: &str, encoding: Encoding) -> u32 {
        if self.ascii || encoding == Encoding::Utf8 {
            to_u32(segment.len())
        } else {
            segment.chars().map(|c| units_of(c, encoding)).sum()
        }
    }
}

/// Code units of `c` in `encoding`.
fn units_of(c: char, encoding: Encoding) -> u32 {
    match encoding {
        Encoding::Utf8 => to_u32(c.len_utf8()),
        Encoding::Utf16 => to_u32(c.len_utf16()),
        Encoding::Utf32 => 1,
    }
}

/// Texts above 4 GiB are not supported by `text-size`; saturate instead of wrapping.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }

    #[test]
    fn ascii_positions_are_bytes() {
        let text = "ab\ncd\r\n\nx";
        let idx = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            assert_eq!(idx.position(text, 0.into(), enc), pos(0, 0));
            assert_eq!(idx.position(text, 4.into(), enc), pos(1, 1));
            assert_eq!(idx.position(text, 8.into(), enc), pos(3, 0));
            assert_eq!(idx.offset(text, pos(1, 1), enc), 4.into());
            // Past the end of the line clamps before the `\r\n`.
            assert_eq!(idx.offset(text, pos(1, 99), enc), 5.into());
            // Past the last line clamps to the end of the text.
            assert_eq!(idx.offset(text, pos(9, 0), enc), 9.into());
        }
        assert_eq!(idx.line_count(), 4);
    }

    #[test]
    fn non_ascii_and_astral_columns() {
        // `é` is 2 bytes / 1 UTF-16 unit; `😀` is 4 bytes / 2 UTF-16 units.
        let text = "const café = \"😀\"; caf\n😀x";
        let idx = LineIndex::new(text);
        let x = text.rfind('x').unwrap_or(0);
        let caf = text.rfind("caf").unwrap_or(0);
        assert_eq!(
            idx.position(text, TextSize::from(caf as u32), Encoding::Utf16),
            pos(0, 19)
        );
        assert_eq!(
            idx.position(text, TextSize::from(caf as u32), Encoding::Utf8),
            pos(0, caf as u32)
        );
        assert_eq!(
            idx.position(text, TextSize::from(x as u32), Encoding::Utf16),
            pos(1, 2)
        );
        assert_eq!(
            idx.position(text, TextSize::from(x as u32), Encoding::Utf8),
            pos(1, 4)
        );
        assert_eq!(
            idx.offset(text, pos(1, 2), Encoding::Utf16),
            TextSize::from(x as u32)
        );
        // Inside the surrogate pair: clamps to the emoji's start.
        assert_eq!(
            idx.offset(text, pos(1, 1), Encoding::Utf16),
            TextSize::from(x as u32 - 4)
        );
        // Inside the emoji's bytes: clamps to its start too.
        assert_eq!(
            idx.offset(text, pos(1, 2), Encoding::Utf8),
            TextSize::from(x as u32 - 4)
        );
        // An offset inside a character reports the character's start.
        assert_eq!(
            idx.position(text, TextSize::from(x as u32 - 1), Encoding::Utf16),
            pos(1, 0)
        );
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "a\rb\r\nc\nd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.position(text, 2.into(), Encoding::Utf16), pos(1, 0));
        assert_eq!(idx.offset(text, pos(1, 9), Encoding::Utf16), 3.into());
        assert_eq!(idx.position(text, 5.into(), Encoding::Utf16), pos(2, 0));
        assert_eq!(idx.offset(text, pos(3, 0), Encoding::Utf8), 7.into());
    }

    #[test]
    fn round_trips_every_char_boundary() {
        let text = "a😀b\r\né\n\n𝄞z";
        let idx = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let o = TextSize::from(i as u32);
                let p = idx.position(text, o, enc);
                // `\n` after `\r` maps back to before the `\r` (same position).
                let back = idx.offset(text, p, enc);
                if text.as_bytes().get(i) == Some(&b'\n')
                    && i > 0
                    && text.as_bytes()[i - 1] == b'\r'
                {
                    assert_eq!(back, TextSize::from(i as u32 - 1));
                } else {
                    assert_eq!(back, o, "{enc:?} offset {i} -> {p:?}");
                }
            }
        }
    }

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
        assert_eq!(at(4), LineCol { line: 2, column: 1 }); // inside é: its start
    }

    #[test]
    fn utf32_columns_count_characters() {
        let text = "😀é\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 6.into(), Encoding::Utf32), pos(0, 2));
        assert_eq!(idx.offset(text, pos(0, 1), Encoding::Utf32), 4.into());
        assert_eq!(idx.offset(text, pos(1, 1), Encoding::Utf32), 8.into());
    }
}
