//! The runtime commands of `rhythm` against a real Postgres, each test in its own database.

mod common;

use std::process::Command;

use common::{db_url, rhythm, stderr, stdout};
use serde_json::Value;
use sqlx::PgPool;

#[sqlx::test(migrations = false)]
async fn migrate_creates_the_schema_and_is_idempotent(pool: PgPool) {
    let url = db_url(&pool).await;
    for _ in 0..2 {
        let o = rhythm(&url, &["migrate"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'rhythm_%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(n, 15);
}

#[sqlx::test(migrations = "../migrations")]
async fn start_status_signal_cancel_list(pool: PgPool) {
    let url = db_url(&pool).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("greet.flow"),
        "const s = await Signal.next(\"never\");\nreturn Inputs.name;\n",
    )
    .unwrap();
    let dir_s = dir.path().to_str().unwrap();

    let o = rhythm(
        &url,
        &[
            "start",
            "greet",
            "--inputs",
            r#"{"name":"Ada"}"#,
            "--workflows",
            dir_s,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let id = stdout(&o).trim().to_owned();
    assert_eq!(stdout(&o), format!("{id}\n"), "the id alone on stdout");

    let o = rhythm(&url, &["status", &id, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["status"], "running");
    assert_eq!(v["output"], Value::Null);
    assert_eq!(v["error"], Value::Null);
    assert_eq!(v["inputs"]["name"], "Ada");

    let o = rhythm(&url, &["status", &id]);
    assert!(stdout(&o).contains("status:    running"), "{}", stdout(&o));
    assert!(stdout(&o).contains("waits on:"), "{}", stdout(&o));

    let o = rhythm(
        &url,
        &["signal", &id, "approve", "--payload", r#"{"ok":true}"#],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = rhythm(&url, &["signal", &id, "approve", "--payload", "{nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--payload is not valid JSON"),
        "{}",
        stderr(&o)
    );

    // Started again without --workflows: the registered version is found.
    let o = rhythm(&url, &["start", "greet", "--inputs", "{}"]);
    assert!(o.status.success(), "{}", stderr(&o));

    // A workflow is asked to cancel; a worker's next step ends it.
    let o = rhythm(&url, &["cancel", &id]);
    assert_eq!(stdout(&o), "cancel requested\n", "{}", stderr(&o));
    let mut worker = Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .args(["worker", "--workflows", dir_s])
        .env("RHYTHM_DATABASE_URL", &url)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = String::new();
    for _ in 0..300 {
        let o = rhythm(&url, &["status", &id, "--format", "json"]);
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        status = v["status"].as_str().unwrap().to_owned();
        if status == "cancelled" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = worker.kill();
    let _ = worker.wait();
    assert_eq!(status, "cancelled");
    let o = rhythm(&url, &["cancel", &id]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("already finished"), "{}", stderr(&o));

    let o = rhythm(&url, &["list", "--status", "cancelled"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with(&id));
    let o = rhythm(&url, &["list", "--workflow", "greet", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["executions"].as_array().unwrap().len(), 2);
    assert_eq!(v["next"], Value::Null);
    let o = rhythm(&url, &["list", "--status", "bogus"]);
    assert_eq!(o.status.code(), Some(2));
}

#[sqlx::test(migrations = "../migrations")]
async fn errors_have_clear_messages_and_exit_codes(pool: PgPool) {
    let url = db_url(&pool).await;
    let o = rhythm(&url, &["start", "nope", "--inputs", "{}"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unknown workflow \"nope\""),
        "{}",
        stderr(&o)
    );

    let o = rhythm(&url, &["start", "nope", "--inputs", "[1,"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--inputs is not valid JSON"),
        "{}",
        stderr(&o)
    );

    let o = rhythm(&url, &["status", "missing-id"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no execution with id \"missing-id\""),
        "{}",
        stderr(&o)
    );

    let o = rhythm(&url, &["signal"]);
    assert_eq!(o.status.code(), Some(2));

    let o = Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .args(["status", "x"])
        .env_remove("DATABASE_URL")
        .env_remove("RHYTHM_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--database-url"), "{}", stderr(&o));

    let o = rhythm(&url, &["worker", "--workflows", "/definitely/not/here"]);
    assert_eq!(o.status.code(), Some(2));
}

#[sqlx::test(migrations = "../migrations")]
async fn start_wait_runs_on_a_worker(pool: PgPool) {
    let url = db_url(&pool).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("greet.flow"),
        "await Timer.delay(\"100ms\");\nreturn `hello ${Inputs.name}`;\n",
    )
    .unwrap();
    let dir_s = dir.path().to_str().unwrap();
    let mut worker = Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .args(["worker", "--workflows", dir_s])
        .env("RHYTHM_DATABASE_URL", &url)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let o = rhythm(
        &url,
        &[
            "start",
            "greet",
            "--workflows",
            dir_s,
            "--inputs",
            r#"{"name":"Ada"}"#,
            "--wait",
            "--timeout",
            "30",
        ],
    );
    let _ = worker.kill();
    let _ = worker.wait();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[1], "\"hello Ada\"");
    let o = rhythm(&url, &["status", lines[0], "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["status"], "completed");
    assert_eq!(v["output"], "hello Ada");
}
