//! The sandbox on the real Postgres runtime: workflows that loop forever, recurse forever,
//! build huge strings or arrays, or save a state over the limit each fail with
//! `LimitExceeded`, while the same worker keeps serving healthy workflows started beside them.

mod common;

use std::time::Duration;

use common::{fast_options, worker};
use rhythm_runtime::{Client, Limits, StartOptions, Status, TaskError, WorkerOptions};
use serde_json::{Value, json};
use sqlx::PgPool;

const WAIT: Duration = Duration::from_secs(60);

/// Bounds small enough for a debug build to reach quickly.
fn limits() -> Limits {
    Limits {
        max_instructions: 500_000,
        max_call_depth: 200,
        max_heap_bytes: 2 * 1024 * 1024,
        max_state_bytes: 32 * 1024,
    }
}

const HEALTHY: &str = r#"
const a = await Task.run("double", { n: Inputs.n })
await Timer.delay("50ms")
const b = await Task.run("double", { n: a })
return { n: Inputs.n, b }
"#;

/// Each runaway and the words its error message must contain (which bound stopped it).
const RUNAWAYS: [(&str, &str, &str); 6] = [
    ("loop_forever", "while (true) {}", "instruction limit"),
    (
        "loop_after_await",
        "const a = await Task.run(\"double\", { n: 1 })\nlet i = 0\nwhile (a > 0) { i++ }",
        "instruction limit",
    ),
    (
        "recurse_forever",
        "function f(n) { return f(n + 1) + 1 }\nreturn f(0)",
        "call depth limit",
    ),
    (
        "huge_string",
        "let s = \"x\"\nwhile (true) { s = s + s }",
        "heap limit",
    ),
    (
        "huge_array",
        "let xs = [1]\nwhile (true) { xs = xs.concat(xs) }",
        "heap limit",
    ),
    (
        "huge_state",
        "const big = \"x\".repeat(100000)\nawait Timer.delay(\"10ms\")\nreturn big.length",
        "saved state too large",
    ),
];

fn sandbox_worker(pool: &PgPool) -> rhythm_runtime::WorkerHandle {
    let mut w = worker(
        pool,
        WorkerOptions {
            serve_workflows: true,
            limits: limits(),
            ..fast_options()
        },
    );
    w.register("double", |v: Value| async move {
        let n = v["n"].as_i64().unwrap_or(0);
        Ok::<Value, TaskError>(json!(n * 2))
    });
    w.spawn()
}

#[sqlx::test(migrations = "../migrations")]
async fn runaway_workflows_fail_with_limit_exceeded_beside_healthy_ones(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client.register_workflow("healthy", HEALTHY).await.unwrap();
    for (name, source, _) in RUNAWAYS {
        client.register_workflow(name, source).await.unwrap();
    }
    // Healthy and runaway executions interleaved, all queued before the worker starts.
    let mut healthy = Vec::new();
    let mut runaways = Vec::new();
    for (i, (name, _, expected)) in RUNAWAYS.iter().enumerate() {
        let h = client
            .start_workflow("healthy", json!({ "n": i }), StartOptions::default())
            .await
            .unwrap();
        healthy.push((i as i64, h.id));
        let r = client
            .start_workflow(name, json!({}), StartOptions::default())
            .await
            .unwrap();
        runaways.push((*name, *expected, r.id));
    }
    let handle = sandbox_worker(&pool);

    for (name, expected, id) in &runaways {
        let e = client.wait(id, WAIT).await.unwrap();
        assert_eq!(e.status, Status::Failed, "{name}: {e:?}");
        let error = e.error.clone().unwrap_or(Value::Null);
        assert_eq!(error["type"], "LimitExceeded", "{name}: {error}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{name}: {message}");
    }
    for (n, id) in &healthy {
        let e = client.wait(id, WAIT).await.unwrap();
        assert_eq!(e.status, Status::Completed, "healthy {n}: {e:?}");
        assert_eq!(e.output, Some(json!({ "n": n, "b": n * 4 })));
    }

    // The worker still serves new work after all of that.
    let late = client
        .start_workflow("healthy", json!({ "n": 10 }), StartOptions::default())
        .await
        .unwrap();
    let e = client.wait(&late.id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed, "{e:?}");
    assert_eq!(e.output, Some(json!({ "n": 10, "b": 40 })));
    handle.shutdown().await.unwrap();
}

/// The call-depth bound is a catchable error, as in JavaScript: a workflow that catches it
/// goes on, and its next await still works.
#[sqlx::test(migrations = "../migrations")]
async fn call_depth_errors_can_be_caught(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "deep",
            r#"
            function f(n) { return f(n + 1) }
            let caught = null
            try { f(0) } catch (e) { caught = e.type }
            const a = await Task.run("double", { n: 21 })
            return { caught, a }
            "#,
        )
        .await
        .unwrap();
    let handle = sandbox_worker(&pool);
    let id = client
        .start_workflow("deep", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed, "{e:?}");
    assert_eq!(
        e.output,
        Some(json!({ "caught": "LimitExceeded", "a": 42 }))
    );
    handle.shutdown().await.unwrap();
}
