//! Property tests: on every input that parses without errors, formatting succeeds (its
//! built-in check guarantees the same tokens and comments in the same order) and is
//! idempotent. Inputs are the fixtures of this crate and of the syntax crate, with the
//! whitespace between tokens replaced at random by spaces, line breaks and comments.

use proptest::prelude::*;
use rhythm_fmt::{Options, format};
use rhythm_syntax::SyntaxKind;

const TRIVIA: &[&str] = &[
    " ",
    " ",
    " ",
    "\n",
    "\n\n",
    "  \n  ",
    " /* c */ ",
    " // c\n",
    "\n// own\n",
    "/*x*/",
    "\n/* a\n b */\n",
];

fn corpus() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        "test_data",
        "../syntax/test_data/ok",
        "../examples/workflows",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "flow") {
                out.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    out.sort();
    out
}

/// Rebuilds `text` from its tokens, replacing each run of trivia by a random choice.
fn respace(text: &str, choices: &[usize]) -> String {
    let mut out = String::new();
    let mut offset = 0usize;
    let mut k = 0usize;
    let mut in_trivia = false;
    for token in rhythm_syntax::lexer::lex(text) {
        let len = u32::from(token.len) as usize;
        let piece = &text[offset..offset + len];
        offset += len;
        if token.kind.is_trivia() {
            if !in_trivia {
                in_trivia = true;
                let choice = choices.get(k).copied().unwrap_or(0) % TRIVIA.len();
                k += 1;
                out.push_str(TRIVIA[choice]);
            }
            continue;
        }
        in_trivia = false;
        if token.kind == SyntaxKind::TEMPLATE_CHUNK {
            out.push_str(piece);
            continue;
        }
        out.push_str(piece);
    }
    out
}

fn check(text: &str) -> Result<(), TestCaseError> {
    if !rhythm_syntax::parse(text).errors().is_empty() {
        return Ok(());
    }
    let options = Options::default();
    let once = format(text, &options)
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- input:\n{text}")))?;
    let twice = format(&once, &options)
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- once:\n{once}")))?;
    prop_assert_eq!(&twice, &once, "not idempotent; input:\n{}", text);
    Ok(())
}

#[test]
fn corpus_files_format_and_are_stable() {
    for text in corpus() {
        check(&text).unwrap();
    }
}

proptest! {
    #[test]
    fn respaced_corpus_formats_and_is_stable(index in any::<usize>(), choices in prop::collection::vec(0usize..64, 0..400)) {
        let corpus = corpus();
        let text = &corpus[index % corpus.len()];
        check(&respace(text, &choices))?;
    }

    #[test]
    fn narrow_widths_are_stable(index in any::<usize>(), width in 1usize..60) {
        let corpus = corpus();
        let text = &corpus[index % corpus.len()];
        let options = Options { line_width: width, indent: 2 };
        if rhythm_syntax::parse(text).errors().is_empty() {
            let once = format(text, &options).map_err(|e| TestCaseError::fail(format!("{e}")))?;
            let twice = format(&once, &options).map_err(|e| TestCaseError::fail(format!("{e}\n{once}")))?;
            prop_assert_eq!(twice, once);
        }
    }
}
