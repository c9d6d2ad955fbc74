//! The Node differential corpus: every `tests/corpus/**/NAME.flow` runs here (answering
//! effects as the Node runner's shims do, saving and loading the state at every suspension)
//! and must produce exactly the output, error and log lines Node produced.

mod common;

use std::path::{Path, PathBuf};

use rhythm_interpreter::{Json, Outcome, Program};

fn flows(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            flows(&p, out);
        } else if p.extension().is_some_and(|e| e == "flow") {
            out.push(p);
        }
    }
}

/// JSON text as `JSON.stringify` writes it (JavaScript number formatting, key order kept).
fn js_json(j: &Json) -> String {
    match j {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => rhythm_interpreter::js::number::to_string(n.as_f64().unwrap_or(f64::NAN)),
        Json::String(s) => rhythm_interpreter::js::string::quote_json(s),
        Json::Array(items) => format!("[{}]", items.iter().map(js_json).collect::<Vec<_>>().join(",")),
        Json::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}:{}", rhythm_interpreter::js::string::quote_json(k), js_json(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// Static checks that reject code JavaScript would only reject when it runs. The corpus pins
/// down the run-time behaviour (Node's messages), so these programs are compiled past them.
const RUNTIME_CHECKS: &[&str] = &[
    "unknown-name",
    "assign-to-const",
    "assign-to-global",
    "use-before-declaration",
];

/// Programs that differ from Node for a known, accepted reason. The test fails when one of
/// them starts to match (so the list stays true).
const KNOWN_DEVIATIONS: &[(&str, &str)] = &[
    (
        "json/stringify_escapes.flow",
        "lone surrogates (\\ud800) cannot exist in Rust strings; they become U+FFFD",
    ),
    (
        "strings/split.flow",
        "splitting a surrogate pair gives lone surrogates, which become U+FFFD",
    ),
    (
        "numbers/exponentiation.flow",
        "V8's pow is not correctly rounded (10 ** -5 is 0.000009999999999999999); Rust's is",
    ),
];

fn compile(src: &str) -> Result<Program, String> {
    let analysis = rhythm_analyzer::analyze(src);
    let errors: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == rhythm_analyzer::Severity::Error)
        .collect();
    if errors.iter().any(|d| !RUNTIME_CHECKS.contains(&d.code)) {
        let msgs: Vec<String> = errors
            .iter()
            .map(|d| format!("{:?} {}: {}", d.range, d.code, d.message))
            .collect();
        return Err(format!("compile error: {}", msgs.join("; ")));
    }
    Program::from_module(src, &analysis.module).map_err(|e| format!("compile error: {e}"))
}

/// Runs one program; `Err` describes the mismatch.
fn check(path: &Path) -> Result<(), String> {
    let src = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let expected_path = path.with_extension("expected.json");
    let expected: Json = serde_json::from_str(
        &std::fs::read_to_string(&expected_path).map_err(|e| format!("no expected file: {e}"))?,
    )
    .map_err(|e| e.to_string())?;
    let inputs: Json = src
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("// inputs:"))
        .map(|j| serde_json::from_str(j.trim()))
        .transpose()
        .map_err(|e| format!("bad inputs line: {e}"))?
        .unwrap_or_else(|| serde_json::json!({}));
    let program = compile(&src)?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let r = common::run_to_end(&program, inputs, &common::ctx(stem));
    let mut problems = Vec::new();
    let exp_logs: Vec<String> = expected["logs"]
        .as_array()
        .map(|a| a.iter().map(|l| l.as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default();
    if exp_logs != r.logs {
        problems.push(format!(
            "logs differ:\n    expected: {exp_logs:?}\n    actual:   {:?}",
            r.logs
        ));
    }
    match (&r.outcome, expected.get("error")) {
        (Outcome::Completed { output }, None) => {
            let ours = if output.is_null() && expected["output"].is_null() {
                Json::Null
            } else {
                Json::String(js_json(output))
            };
            if ours != expected["output"] && !(output.is_null() && expected["output"] == "null") {
                problems.push(format!(
                    "output differs:\n    expected: {}\n    actual:   {}",
                    expected["output"], ours
                ));
            }
        }
        (Outcome::Failed { error }, Some(exp)) => {
            if error["name"] != exp["name"] || error["message"] != exp["message"] {
                problems.push(format!("error differs:\n    expected: {exp}\n    actual:   {error}"));
            }
        }
        (outcome, exp) => problems.push(format!(
            "outcome differs:\n    expected: {}\n    actual:   {outcome:?}",
            exp.map_or_else(|| format!("output {}", expected["output"]), |e| format!("error {e}"))
        )),
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n  "))
    }
}

#[test]
fn corpus_matches_node() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files = Vec::new();
    flows(&root, &mut files);
    let filter = std::env::var("CORPUS_FILTER").unwrap_or_default();
    let mut failures = Vec::new();
    let mut ran = 0;
    for f in &files {
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        if !name.contains(&filter) {
            continue;
        }
        ran += 1;
        let known = KNOWN_DEVIATIONS.iter().find(|(n, _)| *n == name);
        match (check(f), known) {
            (Err(e), None) => failures.push(format!("✗ {name}\n  {e}")),
            (Ok(()), Some(_)) => failures.push(format!(
                "✗ {name}\n  listed as a known deviation but now matches Node: remove it from the list"
            )),
            (Err(_), Some((_, why))) => eprintln!("~ {name}: known deviation: {why}"),
            (Ok(()), None) => {}
        }
    }
    for f in &failures {
        eprintln!("{f}\n");
    }
    eprintln!("differential corpus: {} of {ran} programs match Node", ran - failures.len());
    assert!(ran > 0, "no corpus programs found under {}", root.display());
    assert!(failures.is_empty(), "{} corpus programs differ from Node", failures.len());
}
