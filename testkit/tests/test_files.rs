//! Every rule of test-files.md, on scripted workflows.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rhythm_testkit::testfile::{Summary, load, run_paths};

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let flows = dir.path().join("workflows");
        std::fs::create_dir(&flows).unwrap();
        for name in ["order", "retry", "parent", "child", "sleeper", "forever"] {
            std::fs::write(
                flows.join(format!("{name}.flow")),
                format!("script {name}\n"),
            )
            .unwrap();
        }
        Dir { dir }
    }
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
    fn run(&self, paths: &[PathBuf]) -> (Summary, String) {
        let mut out = Vec::new();
        let summary = run_paths(paths, Arc::new(support::ScriptCompiler), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let root = format!("{}/", self.dir.path().display());
        (summary, text.replace(&root, ""))
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

const ORDER_CASES: &str = r#"
[[case]]
name = "approval arrives in time"
workflow = "order"
inputs = { total = 42, userId = "u1", orderId = "o1" }

[case.tasks]
"process-payment" = { output = { id = "pay_1" } }

[[case.events]]
at = "1h"
signal = "manager-approval"
payload = { approved = true }

[case.expect]
status = "completed"
output = { status = "shipped", paymentId = "pay_1" }
calls = ["process-payment"]
elapsed = "1h"
logs = ["paid pay_1"]

[[case]]
name = "approval times out"
workflow = "workflows/order.flow"
inputs = { total = 42, userId = "u1", orderId = "o1" }

[case.tasks]
"process-payment" = { output = { id = "pay_1" } }
"cancel-order" = [ { error = { type = "Flaky", message = "try again" } }, { output = "cancelled" } ]

[case.expect]
status = "failed"
error = { type = "TaskFailed", cause = { type = "Flaky" } }
calls = ["process-payment", "cancel-order"]
elapsed = "48h"

[[case]]
name = "payment takes time, then a null output"
workflow = "order"
start = "2030-06-01T12:00:00Z"

[case.tasks]
"process-payment" = { output = { id = "p" }, takes = "30m" }
"cancel-order" = { output_json = '{"result": null}' }

[[case.events]]
at = "1h"
cancel = true

[case.expect]
status = "cancelled"
error = { type = "Cancelled" }
elapsed = "1h"
"#;

#[test]
fn a_passing_file_prints_ok_lines_and_the_totals() {
    let d = Dir::new();
    let file = d.write("order.test.toml", ORDER_CASES);
    let (summary, out) = d.run(&[file]);
    assert_eq!(
        summary,
        Summary {
            passed: 3,
            failed: 0,
            malformed: 0
        },
        "{out}"
    );
    assert_eq!(summary.exit_code(), 0);
    insta::assert_snapshot!(out);
}

#[test]
fn default_folders_and_recursive_search() {
    let d = Dir::new();
    // Default folders: "workflows" and "." next to the file; folders are searched recursively.
    d.write("nested/deeper/here.flow", "script forever\n");
    d.write("nested/deeper/workflows/sleepy.flow", "script sleeper\n");
    d.write(
        "nested/deeper/a.test.toml",
        r#"
[[case]]
name = "waits"
workflow = "here"
[case.expect]
status = "waiting"

[[case]]
name = "from the workflows folder"
workflow = "sleepy"
[case.expect]
status = "completed"
elapsed = 3600
logs = ["woke"]
output = 1767229200000

[[case]]
name = "the clock starts where the case says"
workflow = "sleepy"
start = "2030-01-01T00:00:00Z"
[case.expect]
output = 1893459600000
elapsed = "1h"
"#,
    );
    let (summary, out) = d.run(&[d.path().to_owned()]);
    assert_eq!(
        summary,
        Summary {
            passed: 3,
            failed: 0,
            malformed: 0
        },
        "{out}"
    );
}

#[test]
fn explicit_workflow_folders_and_child_workflows() {
    let d = Dir::new();
    let file = d.write(
        "tests/children.test.toml",
        r#"
workflows = ["../workflows"]

[[case]]
name = "child runs for real with the same stubs"
workflow = "parent"
[case.tasks]
"child-task" = { output = 5, takes = "2s" }
[case.expect]
output = { child = 5 }
calls = ["child-task"]
elapsed = "2s"

[[case]]
name = "child stubbed"
workflow = "parent"
[case.workflows]
child = { output = "stubbed", takes = "1m" }
[case.expect]
output = { child = "stubbed" }
calls = []
elapsed = "1m"

[[case]]
name = "child stub fails"
workflow = "parent"
[case.workflows]
child = { error = { type = "Boom", message = "no" } }
[case.expect]
status = "failed"
error = { type = "WorkflowFailed", workflow = "child", cause = { message = "no" } }
"#,
    );
    let (summary, out) = d.run(&[file]);
    assert_eq!(
        summary,
        Summary {
            passed: 3,
            failed: 0,
            malformed: 0
        },
        "{out}"
    );
}

#[test]
fn retries_and_timeouts_behave_as_in_production() {
    let d = Dir::new();
    let file = d.write(
        "retry.test.toml",
        r#"
[[case]]
name = "a stub error consumes one attempt; the last entry repeats"
workflow = "retry"
[case.tasks]
flaky = [ { error = { type = "Flaky", message = "1" } }, { output = "ok" } ]
[case.expect]
output = "ok"
calls = ["flaky", "flaky"]

[[case]]
name = "an omitted output is null"
workflow = "retry"
[case.tasks]
flaky = { takes = "1s" }
[case.expect]
output_json = "null"
elapsed = "1s"

[[case]]
name = "output_json writes what TOML cannot"
workflow = "retry"
[case.tasks]
flaky = { output_json = '{ "a": null, "b": [null] }' }
[case.expect]
output_json = '{ "b": [null], "a": null }'

[[case]]
name = "signal payloads, also as JSON text"
workflow = "forever"
[[case.events]]
at = "5m"
signal = "never"
payload_json = '{ "x": null }'
[case.expect]
output_json = '{ "x": null }'
elapsed = "5m"

[[case]]
name = "every attempt times out"
workflow = "retry"
[case.tasks]
flaky = { output = 1, takes = "1m" }
[case.expect]
status = "failed"
error = { type = "TaskFailed", attempts = 3, cause = { type = "Timeout" } }
calls = ["flaky", "flaky", "flaky"]
"#,
    );
    let (summary, out) = d.run(&[file]);
    assert_eq!(
        summary,
        Summary {
            passed: 5,
            failed: 0,
            malformed: 0
        },
        "{out}"
    );
}

#[test]
fn task_definitions_in_the_nearest_manifest_set_retries_and_timeouts() {
    let d = Dir::new();
    let cases = r#"
workflows = ["../workflows"]

[[case]]
name = "the definition's retry takes the declined payment's second attempt"
workflow = "order"
inputs = { total = 42, userId = "u1", orderId = "o1" }
[case.tasks]
"process-payment" = [ { error = { type = "Declined" } }, { output = { id = "p" }, takes = "1s" } ]
[[case.events]]
at = "1h"
signal = "manager-approval"
payload = { approved = true }
[case.expect]
output = { status = "shipped", paymentId = "p" }
calls = ["process-payment", "process-payment"]
"#;
    let file = d.write("orders/order.test.toml", cases);
    let (summary, out) = d.run(std::slice::from_ref(&file));
    assert_eq!(summary.failed, 1, "without a manifest, one attempt: {out}");

    d.write(
        ".rhythm/tasks.json",
        r#"{"tasks": [{"name": "process-payment", "retries": 1, "timeout": "30s"}]}"#,
    );
    let (summary, out) = d.run(std::slice::from_ref(&file));
    assert_eq!(summary.passed, 1, "{out}");

    d.write(
        ".rhythm/tasks.json",
        r#"{"tasks": [{"name": "process-payment", "timeout": "500ms"}]}"#,
    );
    let (summary, out) = d.run(std::slice::from_ref(&file));
    assert_eq!(summary.failed, 1, "the definition's timeout applies: {out}");

    d.write(".rhythm/tasks.json", "{\"tasks\": [\n  {\"name\": }]}");
    let (summary, out) = d.run(&[file]);
    assert_eq!(summary.malformed, 1, "{out}");
    assert!(out.contains(".rhythm/tasks.json:2:"), "{out}");
}

#[test]
fn failures_show_a_diff_the_log_and_the_timeline() {
    let d = Dir::new();
    let file = d.write(
        "fail.test.toml",
        r#"
[[case]]
name = "wrong expectations"
workflow = "order"
inputs = { total = 42, userId = "u1", orderId = "o1" }
[case.tasks]
"process-payment" = { output = { id = "pay_1" } }
[[case.events]]
at = "2h"
signal = "manager-approval"
[case.expect]
status = "completed"
output = { status = "shipped", paymentId = "pay_2" }
calls = ["process-payment", "ship"]
elapsed = "1h"
logs = ["paid pay_2"]

[[case]]
name = "wrong status"
workflow = "forever"
[case.expect]
status = "completed"
error = { type = "Timeout" }

[[case]]
name = "no stub"
workflow = "order"
inputs = { total = 3, userId = "u" }
"#,
    );
    let (summary, out) = d.run(&[file]);
    assert_eq!(
        summary,
        Summary {
            passed: 0,
            failed: 3,
            malformed: 0
        },
        "{out}"
    );
    assert_eq!(summary.exit_code(), 1);
    assert!(out.contains(
        "task \"process-payment\" was called with no stub (inputs: {\"amount\":3,\"userId\":\"u\"})"
    ));
    assert!(out.ends_with("0 passed, 3 failed\n"));
    insta::assert_snapshot!(out);
}

fn malformed(text: &str) -> String {
    let d = Dir::new();
    let file = d.write("bad.test.toml", text);
    let err = load(&file, Arc::new(support::ScriptCompiler)).unwrap_err();
    let (summary, out) = d.run(&[file]);
    assert_eq!(summary.exit_code(), 2);
    assert!(out.starts_with("error: "), "{out}");
    err.to_string()
        .replace(&format!("{}/", d.path().display()), "")
}

#[test]
fn malformed_files_are_reported_with_line_and_column() {
    insta::assert_snapshot!(
        "bad_toml",
        malformed("[[case]]\nname = \"x\nworkflow = \"order\"\n")
    );
    insta::assert_snapshot!(
        "unknown_key",
        malformed(
            "[[case]]\nname = \"x\"\nworkflow = \"order\"\n[case.expect]\nstatus = \"completed\"\noutptu = 1\n"
        )
    );
    insta::assert_snapshot!(
        "unknown_workflow",
        malformed("[[case]]\nname = \"x\"\nworkflow = \"ordr\"\n")
    );
    insta::assert_snapshot!(
        "bad_duration",
        malformed(
            "[[case]]\nname = \"x\"\nworkflow = \"order\"\n[[case.events]]\nat = \"1 hour\"\nsignal = \"s\"\n"
        )
    );
    insta::assert_snapshot!(
        "bad_status",
        malformed(
            "[[case]]\nname = \"x\"\nworkflow = \"order\"\n[case.expect]\nstatus = \"done\"\n"
        )
    );
    insta::assert_snapshot!(
        "bad_event",
        malformed("[[case]]\nname = \"x\"\nworkflow = \"order\"\n[[case.events]]\nat = \"1h\"\n")
    );
    insta::assert_snapshot!(
        "bad_stub_key",
        malformed(
            "[[case]]\nname = \"x\"\nworkflow = \"order\"\n[case.tasks]\npay = [{ output = 1 }, { ouput = 2 }]\n"
        )
    );
    insta::assert_snapshot!(
        "bad_output_json",
        malformed(
            "[[case]]\nname = \"x\"\nworkflow = \"order\"\n[case.expect]\noutput_json = \"{nope\"\n"
        )
    );
    insta::assert_snapshot!(
        "bad_start",
        malformed("[[case]]\nname = \"x\"\nworkflow = \"order\"\nstart = \"yesterday\"\n")
    );
    insta::assert_snapshot!(
        "missing_name",
        malformed("[[case]]\nworkflow = \"order\"\n")
    );
}

#[test]
fn no_test_files_is_an_error() {
    let d = Dir::new();
    let (summary, out) = d.run(&[d.path().join("workflows")]);
    assert_eq!(summary.exit_code(), 2);
    assert!(out.contains("no *.test.toml files found"));
}

#[test]
fn positions_count_characters_not_bytes() {
    use rhythm_testkit::testfile::line_column;
    let text = "a = \"é\"\nname = \"ü\" x";
    assert_eq!(line_column(text, 0), (1, 1));
    let x = text.find(" x").unwrap() + 1;
    assert_eq!(line_column(text, x), (2, 12));
    assert_eq!(line_column(text, 10_000), (2, 13));
}
