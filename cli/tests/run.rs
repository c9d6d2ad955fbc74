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
fn a_task_without_a_stub_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = file(
        &dir,
        "task.flow",
        "return await Task.run(\"charge\", { n: 1 })",
    );
    let (code, _, err) = rhythm(&["run", &f]);
    assert_eq!(code, 1);
    assert!(
        err.contains("task \"charge\" was called with no stub"),
        "{err}"
    );
}

#[test]
fn tasks_signals_and_timers_are_served_by_the_kit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = file(
        &dir,
        "order.flow",
        "const p = await Task.run(\"pay\", { amount: Inputs.total })\n\
         await Timer.delay(\"1h\")\n\
         const ok = await Signal.next(\"approve\", { timeout: \"48h\" })\n\
         return { id: p.id, ok }",
    );
    let (code, out, err) = rhythm(&[
        "run",
        &f,
        "--inputs",
        r#"{"total":3}"#,
        "--task",
        r#"pay={"id":"p1"}"#,
        "--signal",
        r#"approve=true@2h"#,
    ]);
    assert_eq!(code, 0, "{err}");
    let value: serde_json::Value = serde_json::from_str(&out).expect("json output");
    assert_eq!(value, serde_json::json!({ "id": "p1", "ok": true }));

    // Without the signal the 48h timeout passes on the fake clock, at once.
    let (code, _, err) = rhythm(&["run", &f, "--task", r#"pay={"id":"p1"}"#]);
    assert_eq!(code, 1);
    assert!(err.contains("Timeout"), "{err}");

    let (code, _, err) = rhythm(&["run", &f, "--signal", "approve"]);
    assert_eq!(code, 2, "{err}");
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

#[test]
fn a_broken_task_manifest_is_reported_with_its_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".rhythm")).expect("mkdir");
    std::fs::write(
        dir.path().join(".rhythm/tasks.json"),
        "{\"tasks\": [\n  {\"name\": \"pay\", \"timeout\": \"soon\"}]}",
    )
    .expect("write");
    let f = file(&dir, "wf.flow", "return 1");
    let (code, _, err) = rhythm(&["run", &f]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(".rhythm/tasks.json:1:1"), "{err}");
    assert!(err.contains("task \"pay\": timeout"), "{err}");
}
