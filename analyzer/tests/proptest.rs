//! Property tests: analysis never panics, on arbitrary text and on mutated examples.

use proptest::prelude::*;
use rhythm_analyzer::analyze;

fn examples() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    texts.sort();
    texts
}

/// Cuts a string at the nearest character boundary at or below `i`.
fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let a = analyze(&text);
        for d in &a.diagnostics {
            prop_assert!(usize::from(d.range.end()) <= text.len());
        }
    }

    #[test]
    fn never_panics_on_js_like_text(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                "let ", "const ", "var ", "x", "y", "=", "=>", "(", ")", "{", "}", "[", "]",
                "await ", "async ", "function ", "return ", ";", "\n", ",", ".", "?.", "...",
                "Task.run(\"a\")", "1", "\"s\"", "`t${", "}`", "for (", " of ", "if (", "else ",
                "try {", "catch (e) {", "class ", "++", "+=", "?", ":", "//", "/*", "*/", "/re/",
            ]),
            0..60,
        )
    ) {
        let text: String = parts.concat();
        let _ = analyze(&text);
    }

    #[test]
    fn never_panics_on_mutated_examples(
        which in 0usize..4,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), "\\PC{0,4}"), 1..6),
    ) {
        let texts = examples();
        let mut text = texts[which % texts.len()].clone();
        for (a, b, insert) in edits {
            let start = floor(&text, a.index(text.len() + 1));
            let end = floor(&text, (start + b.index(8)).min(text.len())).max(start);
            text.replace_range(start..end, &insert);
        }
        let _ = analyze(&text);
    }
}
