//! `rhythm inspect`, `rhythm status`, `rhythm workers` and `rhythm queues` against a real
//! Postgres, as an operator runs them: a workflow waits on a signal and on a task that no
//! worker serves, and the commands say where and why.

mod common;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{db_url, rhythm, rhythm_command};
use serde_json::Value;
use sqlx::PgPool;

fn json(url: &str, args: &[&str]) -> Value {
    let o = rhythm(url, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A worker process, killed when dropped (also when an assertion fails first).
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn worker(url: &str, dir: &str) -> Worker {
    Worker(
        rhythm_command(url)
            .args(["worker", "--workflows", dir])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// Inspects `id` until `done` holds (the worker takes its first step meanwhile).
fn inspect_until(url: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let v = json(url, &["inspect", id, "--format", "json"]);
        if done(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "never reached: {v:#}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

const SIGNAL_FLOW: &str = "const order = { id: Inputs.orderId, lines: [1, 2] }\n\
let note = \"waiting for approval\"\n\
const approval = await Signal.next(\"manager-approval\")\n\
return { order, approval }\n";

const TASK_FLOW: &str = "async function pay(amount) {\n\
  const receipt = await Task.run(\"process-payment\", { amount })\n\
  return receipt\n\
}\n\
const paid = await pay(Inputs.total)\n\
return paid\n";

#[sqlx::test(migrations = "../migrations")]
async fn inspect_shows_the_await_the_variables_and_why_it_waits(pool: PgPool) {
    let url = db_url(&pool).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("approve.flow"), SIGNAL_FLOW).unwrap();
    std::fs::write(dir.path().join("charge.flow"), TASK_FLOW).unwrap();
    let dir_s = dir.path().to_str().unwrap();
    let start = |name: &str, inputs: &str| {
        let o = rhythm(
            &url,
            &["start", name, "--inputs", inputs, "--workflows", dir_s],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).trim().to_owned()
    };
    let approve = start("approve", r#"{"orderId":"o-7"}"#);
    let charge = start("charge", r#"{"total":42}"#);

    // Before any worker: the first step waits, and nobody serves it.
    let v = json(&url, &["inspect", &approve, "--format", "json"]);
    assert_eq!(v["status"], "running");
    assert_eq!(v["waiting_on"][0]["kind"], "step");
    assert!(
        v["waiting_on"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("no live workflow worker serves that queue"),
        "{v:#}"
    );

    let w = worker(&url, dir_s);
    let v = inspect_until(&url, &approve, |v| v["status"] == "waiting");
    assert_eq!(v["workflow"], "approve");
    assert_eq!(v["location"]["file"], "approve.flow");
    assert_eq!(v["location"]["line"], 3);
    assert_eq!(v["location"]["column"], 18);
    assert_eq!(
        v["location"]["source"],
        "const approval = await Signal.next(\"manager-approval\")"
    );
    assert_eq!(v["frames"][0]["function"], "<script>");
    assert_eq!(v["frames"][0]["variables"]["order"]["id"], "o-7");
    assert_eq!(v["frames"][0]["variables"]["note"], "waiting for approval");
    assert_eq!(v["waiting_on"][0]["kind"], "signal");
    assert_eq!(
        v["waiting_on"][0]["reason"],
        "signal manager-approval has not been sent yet"
    );
    assert!(v["version"]["hash"].as_str().is_some_and(|h| h.len() == 64));
    let history: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["type"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["started", "step"]);

    // A task that no worker serves: the workflow says so, and the task is queued, not running.
    let v = inspect_until(&url, &charge, |v| v["waiting_on"][0]["kind"] == "task");
    let frames: Vec<&str> = v["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["function"].as_str().unwrap())
        .collect();
    assert_eq!(frames, ["pay", "<script>"]);
    assert_eq!(v["frames"][0]["variables"]["amount"], 42);
    assert_eq!(v["location"]["line"], 2);
    let wait = &v["waiting_on"][0];
    assert_eq!(wait["name"], "process-payment");
    assert!(
        wait["reason"]
            .as_str()
            .unwrap()
            .ends_with("no live worker serves task process-payment on default"),
        "{wait:#}"
    );
    let task_id = wait["execution_id"].as_str().unwrap().to_owned();
    let status = json(&url, &["status", &task_id, "--format", "json"]);
    assert_eq!(
        status["status"], "running",
        "the stored status is unchanged"
    );
    assert_eq!(status["state"], "queued");
    let text = rhythm(&url, &["status", &task_id]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("status:    queued"));

    // The text form shows the await as a compiler shows a diagnostic.
    let o = rhythm(&url, &["inspect", &charge]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("waits at charge.flow:2:17"), "{text}");
    assert!(
        text.contains("2 | const receipt = await Task.run(\"process-payment\", { amount })"),
        "{text}"
    );
    assert!(text.contains("    amount = 42"), "{text}");
    assert!(text.contains("history:"), "{text}");
    assert!(text.contains("  task process-payment queued ("), "{text}");
    assert!(text.contains(" started "), "{text}");
    let all = json(&url, &["inspect", &charge, "--history", "--format", "json"]);
    assert_eq!(all["history"][0]["type"], "started");

    // Workers and queues.
    let workers = json(&url, &["workers", "--format", "json"]);
    let me = &workers[0];
    assert_eq!(me["live"], true);
    assert_eq!(me["workflows"], true);
    assert_eq!(me["sdk"], "rust");
    assert_eq!(me["pid"], w.0.id());
    let queues = json(&url, &["queues", "--format", "json"]);
    assert_eq!(queues[0]["queue"], "default");
    assert_eq!(queues[0]["ready"], 1, "the payment task waits: {queues:#}");
    drop(w);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_ids_get_one_clear_line(pool: PgPool) {
    let url = db_url(&pool).await;
    let o = rhythm(&url, &["inspect", "no-such-id"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no execution with id \"no-such-id\""), "{err}");
    let o = rhythm(&url, &["inspect", ""]);
    assert_ne!(o.status.code(), Some(0));
}
