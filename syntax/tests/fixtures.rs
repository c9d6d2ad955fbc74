//! Fixture-driven snapshots: every `test_data/ok/*.flow` must parse without errors, every
//! `test_data/err/*.flow` must report some; both snapshot the tree dump and the errors.

use std::fmt::Write;
use std::path::Path;

fn render(name: &str, text: &str) -> (String, usize) {
    let parse = rhythm_syntax::parse(text);
    let syntax = parse.syntax();
    assert_eq!(syntax.text().to_string(), text, "the tree must be lossless");
    // Huge generated inputs (deep nesting) snapshot only their errors.
    let mut out = if name.starts_with("deep") {
        format!("(tree of {} bytes omitted)\n", text.len())
    } else {
        rhythm_syntax::debug_tree(&syntax)
    };
    if !parse.errors().is_empty() {
        out.push_str("\nerrors:\n");
        for e in parse.errors() {
            let _ = writeln!(
                out,
                "{}..{}: {}",
                u32::from(e.range.start()),
                u32::from(e.range.end()),
                e.message
            );
            for (range, label) in &e.labels {
                let _ = writeln!(
                    out,
                    "  {}..{}: {}",
                    u32::from(range.start()),
                    u32::from(range.end()),
                    label
                );
            }
        }
    }
    (out, parse.errors().len())
}

fn run_dir(dir: &str, expect_errors: bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(dir);
    let mut paths: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    let mut failures = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let (out, errors) = render(&name, &text);
        if expect_errors {
            if errors == 0 {
                failures.push(format!("{name}: expected syntax errors, got none"));
            }
        } else if errors > 0 {
            let listed = out
                .split("\nerrors:\n")
                .nth(1)
                .unwrap_or_default()
                .to_string();
            failures.push(format!("{name}: unexpected syntax errors:\n{listed}"));
            continue;
        }
        insta::with_settings!({ snapshot_path => format!("snapshots/{dir}"), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, out);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ok_fixtures() {
    run_dir("ok", false);
}

#[test]
fn err_fixtures() {
    run_dir("err", true);
}
