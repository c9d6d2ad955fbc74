//! End-to-end tests of `rhythm test`, running the built binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rhythm(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .arg("test")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

#[test]
fn the_examples_pass() {
    let out = rhythm(&["examples/"], &repo());
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains("FAILED"), "{text}");
    for file in ["process_order", "onboarding", "refund", "report_batch"] {
        assert!(
            text.contains(&format!("ok      examples/{file}.test.toml › ")),
            "{file}: {text}"
        );
    }
    let last = text.lines().last().unwrap();
    assert!(last.ends_with("passed, 0 failed"), "{last}");
}

const FLOW: &str = "const p = await Task.run(\"pay\", { amount: Inputs.amount })\nconsole.log(`paid ${p.id}`)\nreturn p.id\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("workflows")).unwrap();
    std::fs::write(dir.path().join("workflows/pay.flow"), FLOW).unwrap();
    dir
}

#[test]
fn a_failing_case_exits_one_with_a_diff_log_and_timeline() {
    let dir = project();
    std::fs::write(
        dir.path().join("pay.test.toml"),
        "[[case]]\nname = \"pays\"\nworkflow = \"pay\"\ninputs = { amount = 3 }\n[case.tasks]\npay = { output = { id = \"p1\" } }\n[case.expect]\noutput = \"p2\"\n\n[[case]]\nname = \"passes\"\nworkflow = \"pay\"\n[case.tasks]\npay = { output = { id = \"p1\" } }\n[case.expect]\noutput = \"p1\"\nlogs = [\"paid p1\"]\n",
    )
    .unwrap();
    // Default path: the current folder, recursively.
    let out = rhythm(&[], dir.path());
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAILED  ./pay.test.toml › pays"), "{text}");
    assert!(text.contains("  - \"p2\"\n"), "{text}");
    assert!(text.contains("  + \"p1\"\n"), "{text}");
    assert!(text.contains("    log:\n      paid p1\n"), "{text}");
    assert!(
        text.contains("+0s  task pay #1 started {\"amount\":3}"),
        "{text}"
    );
    assert!(text.contains("ok      ./pay.test.toml › passes"), "{text}");
    assert!(text.ends_with("1 passed, 1 failed\n"), "{text}");
}

#[test]
fn a_malformed_file_exits_two_with_its_position() {
    let dir = project();
    std::fs::write(
        dir.path().join("bad.test.toml"),
        "[[case]]\nname = \"x\"\nworkflow = \"pay\"\n[[case.events]]\nat = \"soon\"\nsignal = \"s\"\n",
    )
    .unwrap();
    let out = rhythm(&["bad.test.toml"], dir.path());
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.starts_with("error: bad.test.toml:5:6: bad duration \"soon\""),
        "{text}"
    );
    std::fs::write(dir.path().join("bad.test.toml"), "[[case]\n").unwrap();
    let out = rhythm(&["bad.test.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).starts_with("error: bad.test.toml:1:"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_task_manifest_s_defaults_apply_like_the_decorators_in_production() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("workflows")).unwrap();
    std::fs::write(
        dir.path().join("workflows/pay.flow"),
        "return await Task.run(\"charge\", { amount: 5 })\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pay.test.toml"),
        r#"
[[case]]
name = "the second attempt succeeds"
workflow = "pay"
[case.tasks]
charge = [ { error = { type = "Declined" } }, { output = "paid" } ]
[case.expect]
output = "paid"
calls = ["charge", "charge"]
"#,
    )
    .unwrap();
    let out = rhythm(&["."], dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "one attempt without a manifest: {}",
        stdout(&out)
    );

    std::fs::create_dir_all(dir.path().join(".rhythm")).unwrap();
    std::fs::write(
        dir.path().join(".rhythm/tasks.json"),
        r#"{"tasks": [{"name": "charge", "retries": 1}]}"#,
    )
    .unwrap();
    let out = rhythm(&["."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}
