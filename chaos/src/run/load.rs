//! The load: producers of standalone tasks, workflows, cancels, signals and idempotent starts, each
//! retrying transient errors until the deadline.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rhythm_runtime::StartOptions;
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::Load;
use crate::check::{Expect, IdemStart};
use crate::rng::Rng;
use crate::schema;

/// Calls `f` until it succeeds, retrying transient errors (with backoff) until the deadline.
pub(crate) async fn retry<T, F, Fut>(load: &Load, what: &str, mut f: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = rhythm_runtime::Result<T>>,
{
    let mut delay = Duration::from_millis(50);
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(e) if e.is_transient() && Instant::now() < load.deadline => {
                load.stats.retried(what, &e);
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(1));
            }
            Err(e) => bail!("{what}: {e}"),
        }
    }
}

/// The ids among `ids` that exist (after a start whose outcome is unknown).
pub(crate) async fn existing(load: &Load, ids: &[String]) -> Result<Vec<String>> {
    let ids = ids.to_vec();
    retry(load, "reading started ids", || {
        let ids = ids.clone();
        async move {
            Ok(sqlx::query_scalar::<_, String>(
                "SELECT id FROM rhythm_executions WHERE id = ANY($1)",
            )
            .bind(ids)
            .fetch_all(&load.pool)
            .await?)
        }
    })
    .await
}

/// Sleeps until the `k`-th of `count` items is due within the load window.
pub(crate) async fn pace(start: Instant, load_for: Duration, k: usize, count: usize) {
    let at = start + load_for.mul_f64(k as f64 / count.max(1) as f64);
    tokio::time::sleep_until(at).await;
}

/// Queues the standalone tasks in batches of 50 with explicit ids, spread over the window.
pub(crate) async fn produce_tasks(
    load: Arc<Load>,
    tasks: usize,
    start: Instant,
    load_for: Duration,
    mut rng: Rng,
) -> Result<()> {
    const BATCH: usize = 50;
    let batches = tasks.div_ceil(BATCH);
    let mut i = 0usize;
    for b in 0..batches {
        pace(start, load_for, b, batches).await;
        let mut batch: Vec<(String, Value, Expect)> = Vec::new();
        while batch.len() < BATCH && i < tasks {
            let n = rng.range(0, 1_000_000) as i64;
            let roll = rng.range(0, 100);
            let mode = match roll {
                0..=1 => "fatal",
                2..=11 => "flaky",
                _ => "ok",
            };
            // Most tasks are quick; one in five takes up to 1.5 s, so kills catch them running.
            let slow_ms = if rng.range(0, 5) == 0 {
                rng.range(100, 1500)
            } else {
                rng.range(0, 20)
            };
            let id = format!("t-{i}");
            let inputs = json!({ "i": i, "n": n, "slow_ms": slow_ms, "mode": mode });
            let expect = if mode == "fatal" {
                Expect::TaskFatal
            } else {
                Expect::TaskOk(json!({ "i": i, "v": n * 3 + 1 }))
            };
            batch.push((id, inputs, expect));
            i += 1;
        }
        {
            let mut e = load.expect.lock().await;
            for (id, _, expect) in &batch {
                e.by_id.insert(id.clone(), expect.clone());
            }
        }
        let mut pending: Vec<(String, Value)> =
            batch.into_iter().map(|(id, v, _)| (id, v)).collect();
        let mut delay = Duration::from_millis(50);
        loop {
            let req = pending
                .iter()
                .map(|(id, inputs)| {
                    (
                        schema::TASK.to_owned(),
                        inputs.clone(),
                        StartOptions {
                            id: Some(id.clone()),
                            max_attempts: Some(10),
                            backoff: Some(Duration::from_millis(200)),
                            ..StartOptions::default()
                        },
                    )
                })
                .collect();
            match load.client.queue_tasks(req).await {
                Ok(_) => break,
                Err(e) => {
                    load.stats.retried("queue_tasks", &e);
                    if Instant::now() >= load.deadline {
                        bail!("queueing tasks: {e}");
                    }
                    tracing::debug!("queue_tasks: {e}; checking what was stored");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(1));
                    let ids: Vec<String> = pending.iter().map(|(id, _)| id.clone()).collect();
                    let there = existing(&load, &ids).await?;
                    pending.retain(|(id, _)| !there.contains(id));
                    if pending.is_empty() {
                        break;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Starts the workflows with explicit ids, spread over the window, and queues their signals for
/// the signal clients.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn produce_workflows(
    load: Arc<Load>,
    workflows: usize,
    signals: usize,
    start: Instant,
    load_for: Duration,
    mut rng: Rng,
    sig_tx: mpsc::UnboundedSender<(String, String, u64)>,
) -> Result<()> {
    for k in 0..workflows {
        pace(start, load_for, k, workflows).await;
        let n = rng.range(0, 1_000_000) as i64;
        let id = format!("w-{k}");
        load.expect
            .lock()
            .await
            .by_id
            .insert(id.clone(), Expect::Flow { n });
        let inputs = json!({ "n": n, "signals": signals });
        let mut delay = Duration::from_millis(50);
        loop {
            let r = load
                .client
                .start_workflow(
                    schema::MAIN_FLOW,
                    inputs.clone(),
                    StartOptions {
                        id: Some(id.clone()),
                        ..StartOptions::default()
                    },
                )
                .await;
            match r {
                Ok(_) => break,
                Err(e) => {
                    load.stats.retried("start_workflow", &e);
                    if Instant::now() >= load.deadline {
                        bail!("starting workflow {id}: {e}");
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(1));
                    if !existing(&load, std::slice::from_ref(&id)).await?.is_empty() {
                        break;
                    }
                }
            }
        }
        for s in 0..signals {
            // The receiver lives as long as the signal clients; a send error means they are
            // gone, which the join reports.
            let _ = sig_tx.send((id.clone(), format!("{id}-s{s}"), rng.range(0, 40)));
        }
    }
    Ok(())
}

/// Starts workflows that wait for ever and cancels each after a random pause (0–2 s), so cancels
/// land while its task runs, while it waits, or while a step runs.
pub(crate) async fn produce_cancels(
    load: Arc<Load>,
    count: usize,
    start: Instant,
    load_for: Duration,
    mut rng: Rng,
) -> Result<()> {
    let mut cancels = JoinSet::new();
    for k in 0..count {
        pace(start, load_for, k, count).await;
        let id = format!("c-{k}");
        let n = rng.range(0, 1_000_000) as i64;
        load.expect
            .lock()
            .await
            .by_id
            .insert(id.clone(), Expect::Cancelled);
        // The id, and the same key: a start retried after an unknown outcome returns the first.
        let options = StartOptions {
            id: Some(id.clone()),
            idempotency_key: Some(id.clone()),
            ..StartOptions::default()
        };
        retry(&load, "starting a workflow to cancel", || {
            load.client
                .start_workflow(schema::CANCEL_FLOW, json!({ "n": n }), options.clone())
        })
        .await?;
        let pause = Duration::from_millis(rng.range(0, 2000));
        let load = load.clone();
        cancels.spawn(async move {
            tokio::time::sleep(pause).await;
            retry(&load, "cancel", || load.client.cancel(&id)).await
        });
    }
    while let Some(r) = cancels.join_next().await {
        r.context("cancel panicked")??;
    }
    Ok(())
}

/// One signal client: sends the signals it takes from the shared queue. After an error it asks
/// the trigger log whether the signal was stored before sending it again, so each signal is
/// stored exactly once.
pub(crate) async fn signal_client(
    load: Arc<Load>,
    jobs: Arc<Mutex<mpsc::UnboundedReceiver<(String, String, u64)>>>,
) -> Result<()> {
    loop {
        let job = jobs.lock().await.recv().await;
        let Some((workflow, signal, pause_ms)) = job else {
            return Ok(());
        };
        tokio::time::sleep(Duration::from_millis(pause_ms)).await;
        let payload = json!({ "id": signal });
        let mut delay = Duration::from_millis(50);
        loop {
            match load
                .client
                .send_signal(&workflow, "sig", payload.clone())
                .await
            {
                Ok(_) => break,
                Err(e) => {
                    load.stats.retried("send_signal", &e);
                    load.stats.signals_checked.fetch_add(1, Ordering::Relaxed);
                    if !e.is_transient() || Instant::now() >= load.deadline {
                        bail!("sending {signal} to {workflow}: {e}");
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(1));
                    let sig = signal.clone();
                    let stored = retry(&load, "checking a signal", || {
                        let sig = sig.clone();
                        let pool = load.pool.clone();
                        async move {
                            Ok(sqlx::query_scalar::<_, bool>(
                                "SELECT EXISTS (SELECT 1 FROM chaos_signals_sent WHERE payload->>'id' = $1)",
                            )
                            .bind(sig)
                            .fetch_one(&pool)
                            .await?)
                        }
                    })
                    .await?;
                    if stored {
                        break;
                    }
                }
            }
        }
        load.expect
            .lock()
            .await
            .signals
            .entry(workflow)
            .or_default()
            .push(signal);
    }
}

/// Starts child workflows and tasks with shared idempotency keys, `starts` at once per key.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn produce_idempotent(
    load: Arc<Load>,
    flow_keys: usize,
    task_keys: usize,
    starts: usize,
    start: Instant,
    load_for: Duration,
    mut rng: Rng,
    out: Arc<Mutex<Vec<IdemStart>>>,
) -> Result<()> {
    let total = flow_keys + task_keys;
    for k in 0..total {
        pace(start, load_for, k, total).await;
        let n = rng.range(0, 1_000_000) as i64;
        let workflow = k < flow_keys;
        let key = format!("idem-{k}");
        let mut set = JoinSet::new();
        for _ in 0..starts {
            let load = load.clone();
            let key = key.clone();
            set.spawn(async move {
                let options = StartOptions {
                    idempotency_key: Some(key.clone()),
                    max_attempts: Some(10),
                    backoff: Some(Duration::from_millis(200)),
                    ..StartOptions::default()
                };
                if workflow {
                    retry(&load, "idempotent workflow start", || {
                        load.client.start_workflow(
                            schema::CHILD_FLOW,
                            json!({ "n": n }),
                            options.clone(),
                        )
                    })
                    .await
                } else {
                    retry(&load, "idempotent task start", || {
                        load.client.queue_task(
                            schema::TASK,
                            json!({ "i": key, "n": n, "slow_ms": 0, "mode": "ok" }),
                            options.clone(),
                        )
                    })
                    .await
                }
            });
        }
        let mut ids = Vec::new();
        let mut created = 0;
        while let Some(r) = set.join_next().await {
            let started = r.context("idempotent start panicked")??;
            created += usize::from(started.created);
            ids.push(started.id);
        }
        let expect = if workflow {
            Expect::Child { n }
        } else {
            Expect::TaskOk(json!({ "i": key, "v": n * 3 + 1 }))
        };
        {
            let mut e = load.expect.lock().await;
            for id in &ids {
                e.by_id.insert(id.clone(), expect.clone());
            }
        }
        out.lock().await.push(IdemStart {
            key,
            kind: if workflow { "workflow" } else { "task" },
            ids,
            created,
        });
    }
    Ok(())
}
