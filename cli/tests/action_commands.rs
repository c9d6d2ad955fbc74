//! `rhythm retry`, `pause`, `resume`, the bulk forms and `rhythm queues pause|resume`, through
//! the binary against a real Postgres (tasks run on a Rust worker inside the test).

mod common;

use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{db_url, rhythm_command, stderr, stdout};
use rhythm_runtime::{Client, StartOptions, Status, TaskError, Worker, WorkerOptions};
use serde_json::{Value, json};
use sqlx::PgPool;

fn rhythm(url: &str, args: &[&str]) -> Output {
    rhythm_command(url)
        .args(args)
        .env("USER", "ada")
        .env("HOSTNAME", "box")
        .output()
        .unwrap()
}

/// A worker for steps and for `fixable`, which fails until `fixed` is set.
fn worker(pool: &PgPool, fixed: Arc<AtomicBool>) -> rhythm_runtime::WorkerHandle {
    let mut w = Worker::new(
        pool.clone(),
        WorkerOptions {
            serve_workflows: true,
            poll_interval: Duration::from_millis(100),
            ..WorkerOptions::default()
        },
    );
    w.register("fixable", move |v: Value| {
        let fixed = fixed.clone();
        async move {
            if fixed.load(Ordering::SeqCst) {
                Ok(json!({"n": v["n"]}))
            } else {
                Err(TaskError::fatal("Bug", "not fixed yet"))
            }
        }
    });
    w.spawn()
}

#[sqlx::test(migrations = "../migrations")]
async fn bulk_retry_with_a_dry_run_then_for_real(pool: PgPool) {
    let url = db_url(&pool).await;
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow("w", r#"return await Task.run("fixable", { n: Inputs.n });"#)
        .await
        .unwrap();
    let fixed = Arc::new(AtomicBool::new(false));
    let h = worker(&pool, fixed.clone());
    let mut ids = Vec::new();
    for n in 0..3 {
        let id = client
            .start_workflow("w", json!({"n": n}), StartOptions::default())
            .await
            .unwrap()
            .id;
        ids.push(id);
    }
    for id in &ids {
        let e = client.wait(id, Duration::from_secs(30)).await.unwrap();
        assert_eq!(e.status, Status::Failed);
    }

    let o = rhythm(
        &url,
        &[
            "retry",
            "--workflow",
            "w",
            "--status",
            "failed",
            "--since",
            "1h",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v, json!({"action": "retry", "dry_run": true, "matched": 3}));
    let history: i64 = sqlx::query_scalar("SELECT count(*) FROM rhythm_history WHERE type IN ('retried', 'paused', 'resumed', 'queue_paused', 'queue_resumed')")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(history, 0, "a dry run changes nothing");

    fixed.store(true, Ordering::SeqCst);
    let o = rhythm(
        &url,
        &[
            "retry",
            "--workflow",
            "w",
            "--status",
            "failed",
            "--reason",
            "fixed",
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Piped: no progress on stderr.
    assert_eq!(stderr(&o), "");
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["applied"], 3);
    assert_eq!(v["skipped"], 0);
    for (n, id) in ids.iter().enumerate() {
        let e = client.wait(id, Duration::from_secs(30)).await.unwrap();
        assert_eq!(e.output, Some(json!({"n": n})), "{e:?}");
    }
    let data: Value =
        sqlx::query_scalar("SELECT data FROM rhythm_history WHERE type = 'retried' LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(data, json!({"by": "ada@box", "reason": "fixed"}));
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn pause_resume_and_queue_pause_through_the_cli(pool: PgPool) {
    let url = db_url(&pool).await;
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow("w", r#"return await Signal.next("go");"#)
        .await
        .unwrap();
    let id = client
        .start_workflow("w", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let o = rhythm(&url, &["pause", &id, "--reason", "incident 7"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("paused {id}\n"));
    let o = rhythm(&url, &["status", &id]);
    assert!(stdout(&o).contains("status:    paused"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("paused by ada@box at"),
        "{}",
        stdout(&o)
    );
    let o = rhythm(&url, &["resume", &id]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("resumed {id}\n"));

    let o = rhythm(
        &url,
        &["queues", "pause", "slow", "--reason", "db migration"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = rhythm(&url, &["queues"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("paused by ada@box"), "{}", stdout(&o));
    let o = rhythm(&url, &["queues", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let slow = v
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queue"] == "slow")
        .unwrap();
    assert_eq!(slow["paused"]["reason"], "db migration");
    let o = rhythm(&url, &["queues", "resume", "slow"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = rhythm(&url, &["queues", "resume", "slow"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "rhythm queues resume: queue slow: it is not paused; nothing changed\n"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn actions_refuse_bad_input_with_one_clear_line(pool: PgPool) {
    let url = db_url(&pool).await;
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow("w", r#"return await Signal.next("go");"#)
        .await
        .unwrap();
    let id = client
        .start_workflow("w", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    // Retry of a running execution: exit 1, one line, nothing changed.
    let o = rhythm(&url, &["retry", &id]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!(
            "rhythm retry: execution {id}: it is running: only a failed execution can be retried; nothing changed\n"
        )
    );
    // Cancel it, then pause and retry are refused.
    sqlx::query("UPDATE rhythm_executions SET status = 'cancelled' WHERE id = $1")
        .bind(&id)
        .execute(&pool)
        .await
        .unwrap();
    let o = rhythm(&url, &["pause", &id]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("it has ended (cancelled)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).lines().count(), 1);
    let o = rhythm(&url, &["retry", &id]);
    assert_eq!(o.status.code(), Some(1));
    let o = rhythm(&url, &["resume", "no-such-id"]);
    assert_eq!(o.status.code(), Some(1));
    // Usage errors: exit 2.
    for args in [
        vec!["retry"],
        vec!["retry", "x", "--workflow", "w"],
        vec!["retry", "x", "--dry-run"],
        vec!["retry", "--status", "bogus"],
        vec!["pause", "--since", "soon"],
        vec!["cancel", "--workflow", ""],
    ] {
        let o = rhythm(&url, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{args:?}: {}", stderr(&o));
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM rhythm_history WHERE type IN ('retried', 'paused', 'resumed', 'queue_paused', 'queue_resumed')")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}
