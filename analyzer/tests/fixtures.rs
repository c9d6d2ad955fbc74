//! Fixture tests: every `test_data/*.flow` file carries its expected diagnostics inline, as
//! comment lines under the code they point at:
//!
//! ```text
//! Task.rn("x")
//! //   ^^ error[unknown-member]: `Task` has no member `rn`
//! ```
//!
//! The carets give the column and length (on the start line) of the diagnostic's range; the
//! message may be abbreviated (the actual message must start with it). A range starting in
//! column 0 or 1 is written `// @0 ^^^ ...` (explicit start column). Run with
//! `UPDATE_FIXTURES=1` to rewrite the annotations from the analyzer's output (then review them).
//! Every example workflow of the repository must analyze without errors.

use std::path::{Path, PathBuf};

use rhythm_analyzer::{Severity, analyze};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Annotation {
    /// 0-based line of the code the annotation points at.
    line: usize,
    /// 0-based start column, in characters.
    column: usize,
    /// Number of characters underlined (on the start line).
    len: usize,
    severity: &'static str,
    code: String,
    message: String,
}

impl Annotation {
    fn render(&self) -> String {
        let carets = "^".repeat(self.len.max(1));
        let head = if self.column >= 2 {
            format!("//{}{carets}", " ".repeat(self.column - 2))
        } else {
            format!("// @{} {carets}", self.column)
        };
        format!("{head} {}[{}]: {}", self.severity, self.code, self.message)
    }
}

/// Parses an annotation line (`None` for code lines).
fn parse_annotation(text: &str, code_line: usize) -> Option<Annotation> {
    let rest = text.strip_prefix("//")?;
    let (explicit, rest_after) = match rest.strip_prefix(" @") {
        Some(r) => {
            let digits: String = r.chars().take_while(char::is_ascii_digit).collect();
            (Some(digits.parse::<usize>().ok()?), &r[digits.len()..])
        }
        None => (None, rest),
    };
    let spaces = rest_after.chars().take_while(|c| *c == ' ').count();
    let after_spaces = &rest_after[spaces..];
    let carets = after_spaces.chars().take_while(|c| *c == '^').count();
    if carets == 0 {
        return None;
    }
    let column = explicit.unwrap_or(2 + spaces);
    let tail = after_spaces[carets..].trim_start();
    let (severity, tail) = if let Some(t) = tail.strip_prefix("error[") {
        ("error", t)
    } else if let Some(t) = tail.strip_prefix("warning[") {
        ("warning", t)
    } else {
        return None;
    };
    let close = tail.find("]: ")?;
    Some(Annotation {
        line: code_line,
        column,
        len: carets,
        severity,
        code: tail[..close].to_owned(),
        message: tail[close + 3..].trim_end().to_owned(),
    })
}

/// The code lines (annotation lines removed) and the annotations.
fn split(text: &str) -> (Vec<String>, Vec<Annotation>) {
    let mut code = Vec::new();
    let mut annotations = Vec::new();
    for line in text.lines() {
        match code
            .len()
            .checked_sub(1)
            .and_then(|l| parse_annotation(line, l))
        {
            Some(a) => annotations.push(a),
            None => code.push(line.to_owned()),
        }
    }
    (code, annotations)
}

/// What the analyzer says, as annotations.
fn actual(source: &str) -> Vec<Annotation> {
    let analysis = analyze(source);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(source.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    analysis
        .diagnostics
        .iter()
        .map(|d| {
            let start = usize::from(d.range.start());
            let end = usize::from(d.range.end());
            let line = line_starts.partition_point(|&s| s <= start) - 1;
            let line_start = line_starts[line];
            let line_end = source[line_start..]
                .find('\n')
                .map_or(source.len(), |i| line_start + i);
            let column = source[line_start..start].chars().count();
            let len = source[start..end.min(line_end).max(start)].chars().count();
            Annotation {
                line,
                column,
                len: len.max(1),
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                code: d.code.to_owned(),
                message: d.message.clone(),
            }
        })
        .collect()
}

fn annotated(code: &[String], annotations: &[Annotation]) -> String {
    let mut out = String::new();
    for (i, line) in code.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        for a in annotations.iter().filter(|a| a.line == i) {
            out.push_str(&a.render());
            out.push('\n');
        }
    }
    out
}

fn fixture_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "flow"))
        .collect();
    files.sort();
    files
}

#[test]
fn fixtures() {
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut failures = Vec::new();
    let files = fixture_files();
    assert!(files.len() >= 10, "fixture files are missing");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let (code, expected) = split(&text);
        let source = code.iter().map(|l| format!("{l}\n")).collect::<String>();
        let actual = actual(&source);
        if update {
            std::fs::write(&path, annotated(&code, &actual)).unwrap();
            continue;
        }
        let matches = expected.len() == actual.len()
            && expected.iter().zip(&actual).all(|(e, a)| {
                e.line == a.line
                    && e.column == a.column
                    && e.len == a.len
                    && e.severity == a.severity
                    && e.code == a.code
                    && a.message.starts_with(&e.message)
            });
        if !matches {
            failures.push(format!(
                "{}:\n--- expected\n{}\n--- actual\n{}",
                path.display(),
                annotated(&code, &expected),
                annotated(&code, &actual)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn examples_have_no_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "flow") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let analysis = analyze(&text);
        let errors: Vec<_> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        checked += 1;
    }
    assert!(checked >= 4, "examples not found in {}", dir.display());
}

#[test]
fn annotation_syntax_round_trips() {
    let a = Annotation {
        line: 3,
        column: 5,
        len: 2,
        severity: "error",
        code: "unknown-member".into(),
        message: "`Task` has no member `rn`".into(),
    };
    assert_eq!(parse_annotation(&a.render(), 3), Some(a.clone()));
    let b = Annotation { column: 0, ..a };
    assert_eq!(parse_annotation(&b.render(), 3), Some(b));
    assert_eq!(parse_annotation("// a comment", 0), None);
    assert_eq!(parse_annotation("let x = 1", 0), None);
}

/// Corpus programs that deliberately fail at run time in a way the analyzer reports earlier,
/// with the error codes the analyzer gives them.
/// (The analyzer rejects these before they run; the corpus checks the run-time behaviour that
/// JavaScript shows when nothing checks first.)
const CORPUS_EXPECTED_ERRORS: &[(&str, &[&str])] = &[
    (
        "errors/builtin_error_messages.flow",
        &["unknown-name", "assign-to-const"],
    ),
    (
        "errors/standard_messages.flow",
        &["unknown-name", "assign-to-const", "use-before-declaration"],
    ),
    (
        "errors/uncaught_const_assignment.flow",
        &["assign-to-const"],
    ),
    ("errors/uncaught_reference_error.flow", &["unknown-name"]),
    (
        "scoping/tdz.flow",
        &["use-before-declaration", "use-before-declaration"],
    ),
];

fn flow_files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            flow_files_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "flow") {
            out.push(path);
        }
    }
}

/// Every program of the interpreter's Node differential corpus is valid Flow, so it must
/// analyze without errors (warnings allowed), except the listed deliberate failures.
#[test]
fn interpreter_corpus_has_no_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../interpreter/tests/corpus");
    let mut files = Vec::new();
    flow_files_under(&dir, &mut files);
    assert!(files.len() > 50, "corpus not found in {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        let analysis = analyze(&text);
        let errors: Vec<&str> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code)
            .collect();
        let expected: Vec<&str> = CORPUS_EXPECTED_ERRORS
            .iter()
            .find(|(name, _)| *name == rel)
            .map_or(Vec::new(), |(_, codes)| codes.to_vec());
        if errors != expected {
            let details: Vec<String> = analysis
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| {
                    format!(
                        "  {}..{} {}: {} `{}`",
                        u32::from(d.range.start()),
                        u32::from(d.range.end()),
                        d.code,
                        d.message,
                        text.get(usize::from(d.range.start())..usize::from(d.range.end()))
                            .unwrap_or("")
                    )
                })
                .collect();
            failures.push(format!(
                "{rel}: expected {expected:?}\n{}",
                details.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
