//! Property tests of the position conversion: for any text (non-ASCII, astral, `\r\n`), every
//! character boundary converts to a position and back to itself in both encodings, positions
//! are ordered like offsets, and any position, however wrong, converts without panicking.

use proptest::prelude::*;
use rhythm_lsp::line_index::{Encoding, LineIndex, Pos};

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("a".to_owned()),
            Just("é".to_owned()),
            Just("😀".to_owned()),
            Just("𝒳".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just(" ".to_owned()),
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn offsets_round_trip(text in text_strategy()) {
        let index = LineIndex::new(&text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let mut last = None;
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let pos = index.position(&text, (i as u32).into(), enc);
                let back = u32::from(index.offset(&text, pos, enc)) as usize;
                let after_cr = text.as_bytes().get(i) == Some(&b'\n')
                    && i > 0
                    && text.as_bytes()[i - 1] == b'\r';
                if after_cr {
                    // `\r\n` ends the line as one: the `\n` maps to the `\r` before it.
                    prop_assert_eq!(back, i - 1);
                } else {
                    prop_assert_eq!(back, i);
                }
                if let Some(prev) = last {
                    prop_assert!(pos >= prev);
                }
                last = Some(pos);
            }
        }
    }

    #[test]
    fn any_position_converts(text in text_strategy(), line in 0u32..80, col in 0u32..200) {
        let index = LineIndex::new(&text);
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let offset = u32::from(index.offset(&text, Pos { line, col }, enc)) as usize;
            prop_assert!(offset <= text.len());
            prop_assert!(text.is_char_boundary(offset));
        }
    }
}
