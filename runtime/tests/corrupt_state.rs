//! A corrupt saved state fails its own execution at once, with `state could not be decoded`,
//! while the same worker goes on serving the others.

mod common;

use std::time::Duration;

use common::{count, fast_options, worker};
use rhythm_runtime::{Client, StartOptions, Status, TaskError, WorkerHandle, WorkerOptions};
use serde_json::{Value, json};
use sqlx::PgPool;

const WAIT: Duration = Duration::from_secs(60);

/// The tail of the `state` fuzz target's hang (`fuzz/regressions/state/`): after a real
/// state's 38-byte header, one native `map` frame over an object that does not exist, with a
/// length of 37.7 million read from four bytes. Before the bounded decode it kept a worker's
/// step busy for seconds to minutes.
const HANG_TAIL: &str = "00010000000101014d00000180000000063328f8e7fc1101000000010000740000000000";

fn step_worker(pool: &PgPool) -> WorkerHandle {
    let mut w = worker(
        pool,
        WorkerOptions {
            serve_workflows: true,
            step_concurrency: 1,
            ..fast_options()
        },
    );
    w.register("double", |v: Value| async move {
        let n = v["n"].as_i64().unwrap_or(0);
        Ok::<Value, TaskError>(json!(n * 2))
    });
    w.spawn()
}

fn from_hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

async fn saved_state(pool: &PgPool, id: &str) -> Value {
    let bytes: Vec<u8> =
        sqlx::query_scalar("SELECT state FROM rhythm_workflow_state WHERE execution_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

async fn write_state(pool: &PgPool, id: &str, bytes: &[u8]) {
    sqlx::query("UPDATE rhythm_workflow_state SET state = $2 WHERE execution_id = $1")
        .bind(id)
        .bind(bytes)
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_corrupt_saved_state_fails_only_its_execution(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "waiter",
            r#"const s = await Signal.next("go"); return await Task.run("double", { n: s });"#,
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for _ in 0..3 {
        let s = client
            .start_workflow("waiter", json!({}), StartOptions::default())
            .await
            .unwrap();
        ids.push(s.id);
    }
    let h = step_worker(&pool);
    common::eventually("all waiting", || async {
        count(&pool, "SELECT count(*) FROM rhythm_signal_waits").await == 3
    })
    .await;
    h.shutdown().await.unwrap();

    // The first: its VM state replaced by the fuzz finding (the real header kept, so the
    // program hash matches). The second: a row that is not a state at all.
    let mut state = saved_state(&pool, &ids[0]).await;
    let vm = from_hex(state["vm_state"].as_str().unwrap());
    let mut corrupt = vm[..38].to_vec();
    corrupt.extend(from_hex(HANG_TAIL));
    state["vm_state"] = json!(to_hex(&corrupt));
    write_state(&pool, &ids[0], &serde_json::to_vec(&state).unwrap()).await;
    write_state(&pool, &ids[1], b"{\"meta\": [1, 2").await;
    for (i, id) in ids.iter().enumerate() {
        client.send_signal(id, "go", json!(i)).await.unwrap();
    }

    // One worker, one step at a time: the healthy execution completes after the bad ones.
    let h = step_worker(&pool);
    let e = client.wait(&ids[2], WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed, "{e:?}");
    assert_eq!(e.output, Some(json!(4)));
    for (id, kind) in [(&ids[0], "StateError"), (&ids[1], "StepError")] {
        let e = client.wait(id, WAIT).await.unwrap();
        assert_eq!(e.status, Status::Failed, "{e:?}");
        let error = e.error.unwrap();
        assert_eq!(error["type"], kind, "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.starts_with("state could not be decoded: "),
            "{message}"
        );
    }
    // The worker is still serving: a new execution runs to its end.
    let s = client
        .start_workflow("waiter", json!({}), StartOptions::default())
        .await
        .unwrap();
    common::eventually("the new one waiting", || async {
        count(&pool, "SELECT count(*) FROM rhythm_signal_waits").await == 1
    })
    .await;
    client.send_signal(&s.id, "go", json!(5)).await.unwrap();
    let e = client.wait(&s.id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed, "{e:?}");
    assert_eq!(e.output, Some(json!(10)));
    h.shutdown().await.unwrap();
    // Nothing of the finished executions is left behind, but for the state a failed workflow
    // keeps for a retry.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_workflow_state s JOIN rhythm_executions e ON e.id = s.execution_id WHERE e.status <> 'failed'"
        )
        .await,
        0
    );
}
