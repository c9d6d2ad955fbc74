//! Editing a `.flow` file while executions wait on it, end to end through the `rhythm` binary:
//! executions keep the version they started on, new starts take the new one, whether the
//! worker keeps running or is restarted on the edited folder.

mod common;

use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use common::{db_url, rhythm_command};
use serde_json::{Value, json};
use sqlx::PgPool;

fn rhythm(url: &str, args: &[&str]) -> Output {
    let o = rhythm_command(url).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "rhythm {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn start(url: &str, args: &[&str]) -> String {
    let mut all = vec!["start", "greet", "--inputs", "{}"];
    all.extend_from_slice(args);
    String::from_utf8_lossy(&rhythm(url, &all).stdout)
        .trim()
        .to_owned()
}

/// A `rhythm worker` process, killed when dropped.
struct WorkerProc(Child);

impl WorkerProc {
    fn spawn(url: &str, dir: &str) -> Self {
        WorkerProc(
            Command::new(env!("CARGO_BIN_EXE_rhythm"))
                .args(["worker", "--workflows", dir])
                .env_remove("DATABASE_URL")
                .env("RHYTHM_DATABASE_URL", url)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    }
}

impl Drop for WorkerProc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn hash(source: &str) -> String {
    rhythm_runtime::content_hash(source)
}

/// Polls `sql` (one boolean) until true; panics after 30 s.
async fn eventually(pool: &PgPool, what: &str, sql: &str, id: &str) {
    let end = tokio::time::Instant::now() + Duration::from_secs(30);
    while tokio::time::Instant::now() < end {
        let ok: bool = sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
        if ok {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what} ({id})");
}

async fn waiting(pool: &PgPool, id: &str) {
    eventually(
        pool,
        "the execution to wait for its signal",
        "SELECT EXISTS (SELECT 1 FROM rhythm_signal_waits WHERE execution_id = $1)",
        id,
    )
    .await;
}

async fn finished(pool: &PgPool, url: &str, id: &str) -> Value {
    eventually(
        pool,
        "the execution to end",
        "SELECT status IN ('completed', 'failed', 'cancelled') FROM rhythm_executions WHERE id = $1",
        id,
    )
    .await;
    let o = rhythm(url, &["status", id, "--format", "json"]);
    serde_json::from_slice(&o.stdout).unwrap()
}

const V1: &str = "const s = await Signal.next(\"go\")\nreturn { version: 1, got: s }\n";
const V2: &str = "const s = await Signal.next(\"go\")\nconst t = await Signal.next(\"go\")\nreturn { version: 2, got: [s, t] }\n";

#[sqlx::test(migrations = "../migrations")]
async fn editing_a_flow_keeps_waiting_executions_on_their_version(pool: PgPool) {
    let url = db_url(&pool).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("greet.flow");
    let dir_s = dir.path().to_str().unwrap();
    std::fs::write(&file, V1).unwrap();

    // A worker registers and serves version 1; `a` starts on it and waits.
    let first = WorkerProc::spawn(&url, dir_s);
    eventually(
        &pool,
        "the worker to register greet",
        "SELECT count(*) = 1 FROM rhythm_workflow_definitions WHERE name = $1",
        "greet",
    )
    .await;
    let a = start(&url, &[]);
    waiting(&pool, &a).await;

    // The file is edited while `a` waits. A start with --workflows registers version 2 and
    // runs on it, on the worker that only ever read version 1 from the folder.
    std::fs::write(&file, V2).unwrap();
    let b = start(&url, &["--workflows", dir_s]);
    waiting(&pool, &b).await;

    // The worker restarts on the edited folder; a plain start takes the newest version.
    drop(first);
    let _second = WorkerProc::spawn(&url, dir_s);
    let c = start(&url, &[]);
    waiting(&pool, &c).await;
    let versions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM rhythm_workflow_definitions WHERE name = 'greet'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(versions, 2, "both versions are kept");

    for (id, payload) in [(&a, "1"), (&b, "2"), (&b, "3"), (&c, "4"), (&c, "5")] {
        rhythm(&url, &["signal", id, "go", "--payload", payload]);
    }
    let a = finished(&pool, &url, &a).await;
    let b = finished(&pool, &url, &b).await;
    let c = finished(&pool, &url, &c).await;
    assert_eq!(a["status"], "completed", "{a}");
    assert_eq!(a["output"], json!({ "version": 1, "got": 1 }), "{a}");
    assert_eq!(a["content_hash"], json!(hash(V1)), "{a}");
    assert_eq!(b["status"], "completed", "{b}");
    assert_eq!(b["output"], json!({ "version": 2, "got": [2, 3] }), "{b}");
    assert_eq!(b["content_hash"], json!(hash(V2)), "{b}");
    assert_eq!(c["status"], "completed", "{c}");
    assert_eq!(c["output"], json!({ "version": 2, "got": [4, 5] }), "{c}");
    assert_eq!(c["content_hash"], json!(hash(V2)), "{c}");
}
