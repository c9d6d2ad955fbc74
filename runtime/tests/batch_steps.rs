//! Batched workflow steps: one step transaction advances many executions; a bad execution in a
//! batch fails alone; concurrent workers never advance one execution twice; signals, timers
//! and logs of many workflows go through batches intact.

mod common;

use std::time::Duration;

use common::{count, fast_options, worker};
use rhythm_runtime::{Client, StartOptions, Status, TaskError, WorkerHandle, WorkerOptions};
use serde_json::{Value, json};
use sqlx::PgPool;

const WAIT: Duration = Duration::from_secs(60);

/// A worker serving workflows and the `double` task, with the given step options.
fn step_worker(pool: &PgPool, step_concurrency: usize, step_batch: usize) -> WorkerHandle {
    let mut w = worker(
        pool,
        WorkerOptions {
            serve_workflows: true,
            step_concurrency,
            step_batch,
            ..fast_options()
        },
    );
    w.register("double", |v: Value| async move {
        let n = v["n"].as_i64().unwrap_or(0);
        Ok::<Value, TaskError>(json!(n * 2))
    });
    w.spawn()
}

async fn start(client: &Client, name: &str, inputs: Value) -> String {
    client
        .start_workflow(name, inputs, StartOptions::default())
        .await
        .unwrap()
        .id
}

#[sqlx::test(migrations = "../migrations")]
async fn one_bad_execution_does_not_sink_its_batch(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "waiter",
            r#"const s = await Signal.next("go"); return await Task.run("double", { n: s });"#,
        )
        .await
        .unwrap();
    client.register_workflow("broken", "let = ;").await.unwrap();
    client
        .register_workflow(
            "badqueue",
            r#"return await Task.run("double", { n: 1 }, { queue: Inputs.q });"#,
        )
        .await
        .unwrap();

    // Ten workflows wait for a signal, with saved states.
    let mut waiters = Vec::new();
    for _ in 0..10 {
        waiters.push(start(&client, "waiter", json!({})).await);
    }
    let h = step_worker(&pool, 1, 64);
    common::eventually("all waiting", || async {
        count(
            &pool,
            "SELECT count(*) FROM rhythm_signal_waits WHERE name = 'go'",
        )
        .await
            == 10
    })
    .await;
    h.shutdown().await.unwrap();

    // Corrupt one saved state, then queue a step for every waiter and two bad starts.
    sqlx::query("UPDATE rhythm_workflow_state SET state = 'not a state' WHERE execution_id = $1")
        .bind(&waiters[0])
        .execute(&pool)
        .await
        .unwrap();
    for (i, id) in waiters.iter().enumerate() {
        client.send_signal(id, "go", json!(i)).await.unwrap();
    }
    let broken = start(&client, "broken", json!({})).await;
    let badqueue = start(&client, "badqueue", json!({ "q": "q".repeat(300) })).await;
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_ready WHERE kind = 'workflow'"
        )
        .await,
        12
    );

    // One step loop, batches of 64: the twelve steps go in one transaction.
    let h = step_worker(&pool, 1, 64);
    for (i, id) in waiters.iter().enumerate().skip(1) {
        let e = client.wait(id, WAIT).await.unwrap();
        assert_eq!(e.status, Status::Completed, "{e:?}");
        assert_eq!(e.output, Some(json!(i * 2)));
    }
    let e = client.wait(&waiters[0], WAIT).await.unwrap();
    assert_eq!(e.status, Status::Failed, "{e:?}");
    assert_eq!(e.error.as_ref().unwrap()["type"], "StepError");
    assert!(
        e.error.as_ref().unwrap()["message"]
            .as_str()
            .unwrap()
            .starts_with("state could not be decoded: "),
        "{e:?}"
    );
    let e = client.wait(&broken, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Failed, "{e:?}");
    assert_eq!(e.error.as_ref().unwrap()["type"], "CompileError");
    let e = client.wait(&badqueue, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Failed, "{e:?}");
    assert_eq!(e.error.as_ref().unwrap()["type"], "StepError");
    let stats = h.shutdown().await.unwrap();
    // The twelve steps and the nine that followed the tasks ran in fewer transactions.
    assert!(stats.steps >= 21, "{stats:?}");
    assert!(stats.step_batches < stats.steps, "{stats:?}");
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
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rhythm_signal_waits").await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_workers_never_double_advance(pool: PgPool) {
    const WORKFLOWS: usize = 60;
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "chain",
            r#"
            let n = Inputs.x;
            for (let i = 0; i < 5; i++) { n = await Task.run("double", { n }); }
            return n;
            "#,
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for x in 0..WORKFLOWS {
        ids.push((start(&client, "chain", json!({ "x": x })).await, x));
    }
    // Three workers with small batches and two step loops each compete for the same steps.
    let workers: Vec<WorkerHandle> = (0..3).map(|_| step_worker(&pool, 2, 4)).collect();
    for (id, x) in &ids {
        let e = client.wait(id, WAIT).await.unwrap();
        assert_eq!(e.status, Status::Completed, "{e:?}");
        assert_eq!(e.output, Some(json!(x * 32)));
    }
    let mut steps = 0;
    for w in workers {
        steps += w.shutdown().await.unwrap().steps;
    }
    // Each await queued exactly one task attempt: a step that ran twice would queue twice.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_executions WHERE kind = 'task'"
        )
        .await,
        (WORKFLOWS * 5) as i64
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM (SELECT parent_id, parent_handle, parent_attempt
             FROM rhythm_executions WHERE kind = 'task'
             GROUP BY 1, 2, 3 HAVING count(*) > 1) d"
        )
        .await,
        0
    );
    // One first step and one step per task result, per workflow.
    assert_eq!(steps, (WORKFLOWS * 6) as u64);
    assert_eq!(count(&pool, "SELECT count(*) FROM rhythm_inbox").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn many_workflows_with_signals_and_timers_in_batches(pool: PgPool) {
    const WORKFLOWS: usize = 40;
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "mixed",
            r#"
            const a = await Task.run("double", { n: Inputs.i });
            await Timer.delay("100ms");
            const s = await Signal.next("go");
            const t = await Signal.next("go");
            console.log("got", s, t);
            return a + s * 1000 + t * 100000;
            "#,
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..WORKFLOWS {
        let id = start(&client, "mixed", json!({ "i": i })).await;
        // Half get their first signal before they start: it must be kept.
        if i % 2 == 0 {
            client.send_signal(&id, "go", json!(1)).await.unwrap();
        }
        ids.push(id);
    }
    let h = step_worker(&pool, 2, 16);
    // The even ones took their first signal and wait for the second, the odd ones for the first.
    common::eventually("all waiting for a signal", || async {
        count(
            &pool,
            "SELECT count(*) FROM rhythm_signal_waits WHERE name = 'go'",
        )
        .await
            == WORKFLOWS as i64
    })
    .await;
    for (i, id) in ids.iter().enumerate() {
        if i % 2 == 1 {
            client.send_signal(id, "go", json!(1)).await.unwrap();
        }
        client.send_signal(id, "go", json!(2)).await.unwrap();
    }
    for (i, id) in ids.iter().enumerate() {
        let e = client.wait(id, WAIT).await.unwrap();
        assert_eq!(e.status, Status::Completed, "{e:?}");
        assert_eq!(e.output, Some(json!(i * 2 + 1000 + 200_000)));
    }
    h.shutdown().await.unwrap();
    for table in [
        "rhythm_signals",
        "rhythm_timers",
        "rhythm_inbox",
        "rhythm_signal_waits",
        "rhythm_workflow_state",
        "rhythm_ready",
    ] {
        assert_eq!(
            count(&pool, &format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_logs WHERE message LIKE 'got 1 2%'"
        )
        .await,
        WORKFLOWS as i64
    );
}
