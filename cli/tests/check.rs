//! End-to-end tests of `rhythm check`, running the built binary.

use std::path::Path;
use std::process::{Command, Output};

fn rhythm(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const CLEAN: &str = "const x = await Task.run(\"a\")\nreturn x\n";
const WARNING: &str = "const unused = 1\n";
const ERROR: &str = "const payment = await Task.rn(\"pay\")\nconsole.log(paymnt)\n";

#[test]
fn exit_zero_without_errors_and_warnings_allowed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clean.flow"), CLEAN).unwrap();
    std::fs::write(dir.path().join("warn.flow"), WARNING).unwrap();
    let out = rhythm(&["check", "clean.flow", "warn.flow"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).ends_with("checked 2 files: 0 errors, 1 warning\n"));
}

#[test]
fn exit_one_with_errors_and_rendered_snippets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.flow"), ERROR).unwrap();
    let out = rhythm(&["check", "bad.flow"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("bad_flow_human", stdout(&out));
}

#[test]
fn renders_every_fixture_kind_without_colors() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../analyzer/test_data");
    for name in ["unsupported.flow", "async.flow", "durations.flow"] {
        let out = rhythm(&["check", name], &fixtures);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let text = stdout(&out);
        assert!(!text.contains('\u{1b}'), "colors in non-terminal output");
        insta::assert_snapshot!(name.replace('.', "_"), text);
    }
}

#[test]
fn json_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.flow"), "// é\nTask.rn(\"x\")\n").unwrap();
    let out = rhythm(&["check", "--format", "json", "bad.flow"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let items = value.as_array().unwrap();
    assert_eq!(items.len(), 1, "{value:#}");
    let d = &items[0];
    assert_eq!(d["file"], "bad.flow");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 6);
    assert_eq!(d["end_line"], 2);
    assert_eq!(d["end_column"], 8);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "unknown-member");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `run`")
    );
}

#[test]
fn json_output_is_an_empty_array_when_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.flow"), CLEAN).unwrap();
    let out = rhythm(&["check", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).trim(), "[]");
}

#[test]
fn folders_are_searched_recursively_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("b/nested")).unwrap();
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::fs::write(root.join("b/nested/z.flow"), ERROR).unwrap();
    std::fs::write(root.join("a/y.flow"), ERROR).unwrap();
    std::fs::write(root.join("b/notes.txt"), "not a workflow").unwrap();
    let out = rhythm(&["check", "--format", "json"], root);
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let files: Vec<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files[0], "a/y.flow");
    let first_b = files.iter().position(|f| f.contains("z.flow")).unwrap();
    assert!(files[..first_b].iter().all(|f| f.contains("y.flow")));
    assert!(files.iter().all(|f| !f.contains("notes")));
    let human = rhythm(&["check", "."], root);
    assert!(
        stdout(&human).ends_with("checked 2 files: 4 errors, 2 warnings\n"),
        "{}",
        stdout(&human)
    );
}

#[test]
fn missing_file_is_exit_two_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = rhythm(&["check", "nope.flow"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.flow"), "{}", stderr(&out));
}

#[test]
fn invalid_utf8_is_exit_two_and_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bin.flow"), b"const x = \"\xff\xfe\"\n").unwrap();
    let out = rhythm(&["check", "bin.flow"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bin.flow"));
    assert!(stderr(&out).contains("UTF-8"));
}

#[test]
fn usage_error_is_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let out = rhythm(&["check", "--format", "xml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn examples_check_clean() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    let out = rhythm(&["check", "--format", "json", "."], &examples);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn the_task_manifest_flags_unknown_tasks_and_unknown_or_missing_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = r#"{"tasks": [
        {"name": "charge", "parameters": [{"name": "amount", "required": true},
                                          {"name": "note", "required": false}], "extra_inputs": false},
        {"name": "notify", "parameters": [{"name": "to", "required": true}], "extra_inputs": true},
        {"name": "legacy"}
    ]}"#;
    std::fs::create_dir_all(dir.path().join(".rhythm")).unwrap();
    std::fs::write(dir.path().join(".rhythm/tasks.json"), manifest).unwrap();
    std::fs::create_dir_all(dir.path().join("flows/nested")).unwrap();
    std::fs::write(
        dir.path().join("flows/nested/order.flow"),
        "await Task.run(\"charge\", { amout: 1 })\n\
         await Task.run(\"charge\", { amount: 1, note: \"n\" })\n\
         await Task.run(\"charge\")\n\
         await Task.run(\"notify\", { to: \"a\", cc: \"b\" })\n\
         await Task.run(\"legacy\", { anything: 1 })\n\
         const rest = { amount: 2 }\n\
         await Task.run(\"charge\", { ...rest })\n\
         await Task.run(\"chrage\", {})\n",
    )
    .unwrap();
    let codes = |out: &Output| -> Vec<(u64, String)> {
        let all: serde_json::Value = serde_json::from_str(&stdout(out)).unwrap();
        all.as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["line"].as_u64().unwrap(),
                    d["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    // Found from the file's folder upwards, whatever the current folder.
    let out = rhythm(&["check", "--format", "json", "flows"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = vec![
        (1, "unknown-task-input".to_owned()),
        (1, "missing-task-input".to_owned()),
        (3, "missing-task-input".to_owned()),
        (8, "unknown-task".to_owned()),
    ];
    let mut found = codes(&out);
    found.sort();
    let mut sorted = expected.clone();
    sorted.sort();
    assert_eq!(found, sorted);
    let nested = rhythm(
        &["check", "--format", "json", "order.flow"],
        &dir.path().join("flows/nested"),
    );
    let mut found = codes(&nested);
    found.sort();
    assert_eq!(found, sorted);
    // An explicit manifest wins; an unreadable one is a usage error.
    std::fs::write(dir.path().join("other.json"), r#"{"tasks": []}"#).unwrap();
    let other = rhythm(
        &[
            "check",
            "--format",
            "json",
            "--manifest",
            "other.json",
            "flows",
        ],
        dir.path(),
    );
    assert_eq!(
        codes(&other)
            .iter()
            .filter(|(_, c)| c == "unknown-task")
            .count(),
        7
    );
    let missing = rhythm(&["check", "--manifest", "nope.json", "flows"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("nope.json"),
        "{}",
        stderr(&missing)
    );
}
