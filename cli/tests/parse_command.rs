//! `rhythm parse`: tree on stdout, `file:line:col: message` on stderr, exit 0 / 1 / 2.

use std::process::Command;

fn rhythm_parse(text: Option<&str>) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.flow");
    if let Some(text) = text {
        std::fs::write(&path, text).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .arg("parse")
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn valid_file_prints_the_tree() {
    let (code, stdout, stderr) = rhythm_parse(Some("let a = 1\n"));
    assert_eq!(code, 0);
    assert!(stdout.starts_with("SCRIPT@0..10\n"));
    assert!(stdout.contains("IDENT@4..5 \"a\""));
    assert!(stderr.is_empty());
}

#[test]
fn syntax_errors_exit_one_with_positions() {
    let (code, _, stderr) = rhythm_parse(Some("let é = 1\nf(a, b\n"));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("w.flow:2:7: expected `)` to close the call opened here"),
        "{stderr}"
    );
    assert!(stderr.contains("w.flow:2:2: call opened here"), "{stderr}");
}

#[test]
fn missing_file_exits_two() {
    let (code, _, stderr) = rhythm_parse(None);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"));
}
