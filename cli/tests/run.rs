//! `rhythm run`: output on stdout, failures rendered at their place, exit codes.

use std::process::Command;

fn rhythm(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write");
    p.display().to_string()
}

#[test]
fn prints_the_output_as_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = file(
        &dir,
        "ok.flow",
        "console.log(\"hi\", { a: 1 })\nreturn { doubled: Inputs.n * 2 }",
    );
    let (code, out, err) = rhythm(&["run", &f, "--inputs", "{\"n\": 21}"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v, serde_json::json!({"doubled": 42}));
    assert!(err.contains("hi { a: 1 }"));
}

#[test]
fn failures_are_rendered_at_their_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = file(&dir, "bad.flow", "const o = {}\nreturn o.a.b");
    let (code, out, err) = rhythm(&["run", &f]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("Cannot read properties of undefined (reading 'b')"),
        "{err}"
    );
    assert!(err.contains("bad.flow:2:"), "{err}");
}

#[test]
fn effects_are_refused_with_their_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = file(&dir, "task.flow", "return await Task.run(\"charge\")");
    let (code, _, err) = rhythm(&["run", &f]);
    assert_eq!(code, 1);
    assert!(err.contains("task `charge`"), "{err}");
}

#[test]
fn limits_are_flags() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = file(&dir, "spin.flow", "while (true) {}");
    let (code, _, err) = rhythm(&["run", &f, "--max-instructions", "10000"]);
    assert_eq!(code, 1);
    assert!(err.contains("LimitExceeded"), "{err}");
}

#[test]
fn usage_and_io_errors_exit_2() {
    let (code, _, _) = rhythm(&["run", "/nonexistent/x.flow"]);
    assert_eq!(code, 2);
    let dir = tempfile::tempdir().expect("tempdir");
    let f = file(&dir, "ok.flow", "return 1");
    let (code, _, err) = rhythm(&["run", &f, "--inputs", "{nope"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn compile_errors_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = file(&dir, "syntax.flow", "const = 1");
    let (code, _, err) = rhythm(&["run", &f]);
    assert_eq!(code, 1);
    assert!(!err.is_empty());
}
