//! Hostile input to the client: huge payloads, NUL characters, over-long names, SQL
//! metacharacters, unknown workflows, versions and ids. Each is refused with a clear error and
//! leaves the database exactly as it was (every table compared row by row); names full of SQL
//! metacharacters that are valid are stored verbatim and harm nothing.

mod common;

use std::time::Duration;

use rhythm_runtime::{Client, Error, MAX_NAME_CHARS, MAX_PAYLOAD_BYTES, StartOptions};
use serde_json::{Value, json};
use sqlx::PgPool;

const SQLI: [&str; 5] = [
    "x'; DROP TABLE rhythm_executions; --",
    "\" OR 1=1 --",
    "'); DELETE FROM rhythm_workflow_definitions; --",
    "$1 $$ \\ %s %_ ;",
    "名前 😀 \u{202e}",
];

/// Every table of the schema (but sqlx's bookkeeping), each as its sorted rows in text.
async fn snapshot(pool: &PgPool) -> Vec<(String, Vec<String>)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' \
         AND tablename <> '_sqlx_migrations' ORDER BY tablename",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(tables.len() >= 5, "the schema is there: {tables:?}");
    let mut out = Vec::new();
    for t in tables {
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT t::text FROM {t} t ORDER BY t::text"))
                .fetch_all(pool)
                .await
                .unwrap();
        out.push((t, rows));
    }
    out
}

fn is_invalid(r: &Result<impl std::fmt::Debug, Error>, what: &str) {
    match r {
        Err(Error::Invalid { what: w, reason }) => {
            assert!(!reason.is_empty());
            assert!(
                w.contains(what),
                "expected an invalid {what}, got an invalid {w}: {reason}"
            );
        }
        other => panic!("expected an invalid {what}, got {other:?}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn refused_input_changes_nothing(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow("ok", "return await Task.run(\"t\", Inputs)")
        .await
        .unwrap();
    let existing = client
        .start_workflow("ok", json!({ "a": 1 }), StartOptions::default())
        .await
        .unwrap()
        .id;
    let other = client.register_workflow("other", "return 2").await.unwrap();
    let before = snapshot(&pool).await;

    let huge = json!({ "blob": "x".repeat(MAX_PAYLOAD_BYTES + 1) });
    let nul = json!({ "k": "a\u{0}b" });
    let nul_key = json!({ "a\u{0}": 1 });
    let long_name = "n".repeat(MAX_NAME_CHARS + 1);

    // Payloads.
    is_invalid(
        &client
            .start_workflow("ok", huge.clone(), StartOptions::default())
            .await,
        "inputs",
    );
    is_invalid(
        &client
            .queue_task("t", huge.clone(), StartOptions::default())
            .await,
        "inputs",
    );
    is_invalid(
        &client.send_signal(&existing, "go", huge.clone()).await,
        "signal payload",
    );
    for bad in [&nul, &nul_key] {
        is_invalid(
            &client
                .start_workflow("ok", bad.clone(), StartOptions::default())
                .await,
            "inputs",
        );
        is_invalid(
            &client.send_signal(&existing, "go", bad.clone()).await,
            "signal payload",
        );
    }
    // A batch with one bad task queues none.
    is_invalid(
        &client
            .queue_tasks(vec![
                ("t".into(), json!({}), StartOptions::default()),
                ("t".into(), nul.clone(), StartOptions::default()),
            ])
            .await,
        "inputs",
    );
    // Sources.
    is_invalid(
        &client
            .register_workflow("big", &"x".repeat(MAX_PAYLOAD_BYTES + 1))
            .await,
        "workflow source",
    );
    is_invalid(
        &client.register_workflow("nul", "return 1\u{0}").await,
        "workflow source",
    );

    // Names and ids: empty, too long, NUL.
    for bad in ["", long_name.as_str(), "a\u{0}b"] {
        is_invalid(
            &client.register_workflow(bad, "return 1").await,
            "workflow name",
        );
        is_invalid(
            &client
                .start_workflow(bad, json!({}), StartOptions::default())
                .await,
            "workflow name",
        );
        is_invalid(
            &client
                .queue_task(bad, json!({}), StartOptions::default())
                .await,
            "task name",
        );
        is_invalid(
            &client.send_signal(&existing, bad, json!({})).await,
            "signal name",
        );
        is_invalid(
            &client.send_signal(bad, "go", json!({})).await,
            "execution id",
        );
        is_invalid(&client.get(bad).await, "execution id");
        is_invalid(&client.cancel(bad).await, "execution id");
        for options in [
            StartOptions {
                id: Some(bad.to_owned()),
                ..StartOptions::default()
            },
            StartOptions {
                queue: Some(bad.to_owned()),
                ..StartOptions::default()
            },
            StartOptions {
                idempotency_key: Some(bad.to_owned()),
                ..StartOptions::default()
            },
        ] {
            assert!(
                matches!(
                    client.queue_task("t", json!({}), options).await,
                    Err(Error::Invalid { .. })
                ),
                "bad option {bad:?} accepted"
            );
        }
    }

    // Unknown workflows, versions and executions, named with SQL metacharacters.
    for name in SQLI {
        assert!(
            matches!(
                client
                    .start_workflow(name, json!({}), StartOptions::default())
                    .await,
                Err(Error::UnknownWorkflow(ref n)) if n == name
            ),
            "unknown workflow {name:?}"
        );
        let r = client
            .start_workflow(
                "ok",
                json!({}),
                StartOptions {
                    version: Some(name.to_owned()),
                    ..StartOptions::default()
                },
            )
            .await;
        assert!(
            matches!(r, Err(Error::UnknownWorkflow(_))),
            "unknown version {name:?}: {r:?}"
        );
        assert!(
            matches!(client.get(name).await, Err(Error::NotFound(_))),
            "get {name:?}"
        );
        assert!(
            matches!(client.cancel(name).await, Err(Error::NotFound(_))),
            "cancel {name:?}"
        );
        let r = client.send_signal(name, "go", json!({})).await;
        assert!(
            matches!(r, Err(Error::NotFound(_))),
            "signal to {name:?}: {r:?}"
        );
        let r = client.wait(name, Duration::from_secs(5)).await;
        assert!(
            matches!(r, Err(Error::NotFound(_))),
            "wait for {name:?}: {r:?}"
        );
    }
    // A version of another workflow is not a version of this one.
    let r = client
        .start_workflow(
            "ok",
            json!({}),
            StartOptions {
                version: Some(other),
                ..StartOptions::default()
            },
        )
        .await;
    assert!(matches!(r, Err(Error::UnknownWorkflow(_))), "{r:?}");

    // Nothing of the above changed a row.
    assert_eq!(snapshot(&pool).await, before);
}

/// Valid names full of SQL metacharacters are data: stored and read back verbatim, and the
/// rest of the database is untouched.
#[sqlx::test(migrations = "../migrations")]
async fn sql_metacharacters_are_stored_verbatim(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client.register_workflow("keep", "return 1").await.unwrap();
    let keep = client
        .start_workflow("keep", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    for (i, name) in SQLI.iter().enumerate() {
        let source = format!("// {name}\nreturn await Signal.next({:?})", name);
        client.register_workflow(name, &source).await.unwrap();
        let payload: Value = json!({ "name": name, "nested": [name, { (*name): name }] });
        let started = client
            .start_workflow(
                name,
                payload.clone(),
                StartOptions {
                    id: Some(format!("{name}-{i}")),
                    queue: Some((*name).to_owned()),
                    idempotency_key: Some((*name).to_owned()),
                    ..StartOptions::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(started.id, format!("{name}-{i}"));
        client
            .send_signal(&started.id, name, payload.clone())
            .await
            .unwrap();
        let e = client.get(&started.id).await.unwrap();
        assert_eq!(e.name, *name);
        assert_eq!(e.queue, *name);
        assert_eq!(e.inputs, payload);
    }
    // The tables and the unrelated execution are all still there.
    let e = client.get(&keep).await.unwrap();
    assert_eq!(e.name, "keep");
    assert_eq!(
        common::count(&pool, "SELECT count(*) FROM rhythm_executions").await,
        1 + SQLI.len() as i64
    );
    assert_eq!(
        common::count(&pool, "SELECT count(*) FROM rhythm_workflow_definitions").await,
        1 + SQLI.len() as i64
    );
}
