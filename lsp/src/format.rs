//! Document formatting: the formatter's output turned into one minimal edit, so that the
//! editor keeps the cursor and folds outside the changed part.

use rhythm_analyzer::TextEdit;
use text_size::{TextRange, TextSize};

/// The single edit that turns `old` into `new` (the differing middle), or `None` when they
/// are equal.
pub fn minimal_edit(old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    let size = |n: usize| TextSize::from(u32::try_from(n).unwrap_or(u32::MAX));
    Some(TextEdit {
        range: TextRange::new(size(prefix), size(old.len() - suffix)),
        new_text: new.get(prefix..new.len() - suffix).unwrap_or("").to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, edit: &TextEdit) -> String {
        let mut s = old.to_owned();
        s.replace_range(
            usize::from(edit.range.start())..usize::from(edit.range.end()),
            &edit.new_text,
        );
        s
    }

    #[test]
    fn edits_only_the_middle() {
        let old = "const a=1\nconst b = 2\n";
        let new = "const a = 1\nconst b = 2\n";
        let edit = minimal_edit(old, new).unwrap();
        assert_eq!(apply(old, &edit), new);
        assert_eq!(edit.range, TextRange::new(7.into(), 8.into()));
        assert_eq!(minimal_edit(old, old), None);
    }

    #[test]
    fn respects_character_boundaries() {
        for (old, new) in [
            ("é", "è"),
            ("a😀b", "a😁b"),
            ("xx", "x"),
            ("x", "xx"),
            ("", "é"),
        ] {
            let edit = minimal_edit(old, new).unwrap();
            assert_eq!(apply(old, &edit), new, "{old:?} -> {new:?}");
        }
    }
}
