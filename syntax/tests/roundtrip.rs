//! Property tests: parsing never panics and the tree always reproduces the input exactly,
//! for arbitrary text and for random mutations of the valid fixtures.

use proptest::prelude::*;

const SNIPPETS: &[&str] = &[
    "(", ")", "[", "]", "{", "}", "`", "${", "\"", "'", "/", "/*", "*/", "//", "\n", " ", ";", ",",
    "=>", "?.", "??", "...", "=", "+", "++", "-", "**", ".", ":", "?", "!", "async", "await",
    "function", "let", "const", "var", "return", "if", "else", "for", "of", "in", "new", "class",
    "x", "1", "1e", "0x", ".5", "\\", "#", "@", "é", "\u{2028}", "\r",
];

fn fixtures() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/ok");
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    out
}

fn check(text: &str) {
    let parse = rhythm_syntax::parse(text);
    let tree = parse.syntax();
    assert_eq!(tree.text().to_string(), text);
    let len = rhythm_syntax::TextSize::of(text);
    for e in parse.errors() {
        assert!(e.range.end() <= len, "error range past the end: {e:?}");
        assert!(
            !e.message.contains("could not make sense"),
            "the parser got stuck: {text:?}"
        );
    }
    // The lexer alone is lossless too.
    let total: u32 = rhythm_syntax::lexer::lex(text)
        .iter()
        .map(|t| u32::from(t.len))
        .sum();
    assert_eq!(total as usize, text.len());
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, usize),
    SwapChars(usize, usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), 0..SNIPPETS.len()).prop_map(|(a, s)| Mutation::Insert(a, s)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapChars(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn apply(text: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for m in mutations {
        let n = chars.len().max(1);
        match *m {
            Mutation::Delete(a, len) => {
                let a = a % n;
                let end = (a + len).min(chars.len());
                if a < end {
                    chars.drain(a..end);
                }
            }
            Mutation::Insert(a, s) => {
                let a = a % (chars.len() + 1);
                for (i, c) in SNIPPETS[s].chars().enumerate() {
                    chars.insert(a + i, c);
                }
            }
            Mutation::SwapChars(a, b) => {
                if !chars.is_empty() {
                    let (a, b) = (a % chars.len(), b % chars.len());
                    chars.swap(a, b);
                }
            }
            Mutation::SwapLines(a, b) => {
                let s: String = chars.iter().collect();
                let mut lines: Vec<&str> = s.split('\n').collect();
                let (a, b) = (a % lines.len(), b % lines.len());
                lines.swap(a, b);
                chars = lines.join("\n").chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_round_trips(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn js_like_text_round_trips(pieces in proptest::collection::vec(0..SNIPPETS.len(), 0..80)) {
        let text: String = pieces.into_iter().map(|i| SNIPPETS[i]).collect();
        check(&text);
    }

    #[test]
    fn mutated_fixtures_round_trip(
        which in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let all = fixtures();
        let text = apply(&all[which % all.len()], &mutations);
        check(&text);
    }
}
