//! Batched workflow steps on Postgres: one transaction claims a batch (take the ready rows,
//! lock the executions: one statement), loads it (states, and the inbox events and signals
//! consumed: one statement), asks the [`StepPlanner`] what each step does, saves states under
//! the state-version check, and writes the rest of the [`Plan`]s for the whole batch with
//! set-based statements. The statement helpers run on the caller's connection, inside the
//! batch's transaction.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool, Row};

use super::{insert_executions_on, sql};
use crate::error::{Error, Result};
use crate::model::Kind;
use crate::store::{
    Arrival, HistoryEvent, NewExecution, Plan, StepBatch, StepBatchError, StepInput, StepPlanner,
    StepSelection, WorkflowEnd,
};

/// One workflow step taken from the queue, with everything it needs.
#[derive(Debug, Clone)]
pub(super) struct TakenStep {
    /// The execution.
    pub id: String,
    /// Workflow name.
    pub name: String,
    /// Status when locked (`running`, `waiting`, or terminal: nothing to do).
    pub status: String,
    /// Workflow inputs (for the first step).
    pub inputs: Value,
    /// Version (content hash).
    pub version: String,
    /// Source of the version, only when the worker has not compiled it yet.
    pub source: Option<String>,
    /// Saved engine state (none before the first step).
    pub state: Option<Vec<u8>>,
    /// The `state_version` of the saved state.
    pub state_version: Option<i64>,
    /// What arrived since the last step, consumed, in arrival order.
    pub arrived: Vec<Arrived>,
    /// The newest revision of the task definitions, as the load saw them.
    pub defaults_revision: i64,
}

impl TakenStep {
    /// Whether the execution can still advance.
    pub fn is_live(&self) -> bool {
        is_live(&self.status)
    }

    /// Splits a step into what the planner gets and what the store keeps to write the plan
    /// (the events are in both: the store puts them back if the state-version check fails).
    fn split(self) -> (StepInput, Loaded) {
        let arrived = self
            .arrived
            .iter()
            .map(|a| {
                if a.is_signal {
                    Arrival::Signal(a.event.clone())
                } else {
                    Arrival::Event(a.event.clone())
                }
            })
            .collect();
        let input = StepInput {
            id: self.id,
            name: self.name,
            inputs: self.inputs,
            version: self.version,
            source: self.source,
            state: self.state,
            arrived,
        };
        let loaded = Loaded {
            state_version: self.state_version.unwrap_or(-1),
            arrived: self.arrived,
        };
        (input, loaded)
    }
}

/// Whether an execution of this status can still advance.
fn is_live(status: &str) -> bool {
    matches!(status, "running" | "waiting")
}

/// One consumed inbox event or signal.
#[derive(Debug, Clone)]
pub(super) struct Arrived {
    /// Its sequence number in its table.
    pub seq: i64,
    /// When it arrived (timestamp text from Postgres).
    pub created_at: String,
    /// An inbox event (`{type, ...}`) or, for a signal, `{name, payload}`.
    pub event: Value,
    /// Whether it is a signal (else an inbox event).
    pub is_signal: bool,
}

fn taken_step(r: &sqlx::postgres::PgRow) -> Result<TakenStep> {
    let id: String = r.try_get("id")?;
    let events: Value = r.try_get("events")?;
    let mut arrived = Vec::new();
    for e in events.as_array().map(Vec::as_slice).unwrap_or_default() {
        let seq = e.get("seq").and_then(Value::as_i64);
        let created_at = e.get("created_at").and_then(Value::as_str);
        let source = e.get("source").and_then(Value::as_str);
        let (Some(seq), Some(created_at), Some(source)) = (seq, created_at, source) else {
            return Err(Error::Corrupt {
                what: "step event",
                value: e.to_string(),
            });
        };
        arrived.push(Arrived {
            seq,
            created_at: created_at.to_owned(),
            event: e.get("event").cloned().unwrap_or(Value::Null),
            is_signal: source == "signal",
        });
    }
    let version: Option<String> = r.try_get("content_hash")?;
    Ok(TakenStep {
        id,
        name: r.try_get("name")?,
        status: r.try_get("status")?,
        inputs: r.try_get("inputs")?,
        version: version.unwrap_or_default(),
        source: r.try_get("source")?,
        state: r.try_get("state")?,
        state_version: r.try_get("state_version")?,
        arrived,
        defaults_revision: r.try_get("defaults_revision")?,
    })
}

/// What a claim got: the executions taken (id, status) and how many due steps it had to
/// leave queued because their execution was busy.
#[derive(Debug, Default)]
pub(super) struct Claimed {
    /// Executions whose ready row was taken, with their status.
    pub taken: Vec<(String, String)>,
    /// Due steps left queued (execution locked by someone else for a moment).
    pub busy: usize,
}

fn claimed(rows: &[sqlx::postgres::PgRow]) -> Result<Claimed> {
    let mut c = Claimed::default();
    for r in rows {
        if r.try_get::<bool, _>("taken")? {
            let status: Option<String> = r.try_get("status")?;
            c.taken.push((r.try_get("id")?, status.unwrap_or_default()));
        } else {
            c.busy += 1;
        }
    }
    Ok(c)
}

/// Claims up to `limit` due steps of `queue` (see [`sql::CLAIM_STEPS`]).
pub(super) async fn claim_steps(
    conn: &mut PgConnection,
    queue: &str,
    limit: i64,
) -> Result<Claimed> {
    let rows = sqlx::query(sql::CLAIM_STEPS)
        .bind(queue)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    claimed(&rows)
}

/// Claims the due steps of the given executions (see [`sql::CLAIM_STEPS_BY_ID`]).
pub(super) async fn claim_steps_by_id(conn: &mut PgConnection, ids: &[String]) -> Result<Claimed> {
    let rows = sqlx::query(sql::CLAIM_STEPS_BY_ID)
        .bind(ids)
        .bind(i64::try_from(ids.len()).unwrap_or(i64::MAX))
        .fetch_all(&mut *conn)
        .await?;
    claimed(&rows)
}

/// Loads claimed executions and consumes what arrived for them (see [`sql::LOAD_STEPS`]);
/// `compiled` lists the versions whose source need not be loaded.
pub(super) async fn load_steps(
    conn: &mut PgConnection,
    ids: &[String],
    compiled: &[String],
) -> Result<Vec<TakenStep>> {
    let rows = sqlx::query(sql::LOAD_STEPS)
        .bind(ids)
        .bind(compiled)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(taken_step).collect()
}

/// A state to save: execution, bytes, the version loaded (-1: none), the signal names waited for.
#[derive(Debug, Clone)]
pub(super) struct StateSave {
    /// The execution.
    pub id: String,
    /// The new state.
    pub bytes: Vec<u8>,
    /// The `state_version` the step loaded, -1 when there was no state.
    pub loaded: i64,
    /// Signal names the execution now waits for.
    pub waits: Vec<String>,
    /// History rows of the step, written only if the state is saved.
    pub history: Vec<HistoryEvent>,
}

/// Saves states (see [`sql::SAVE_STATES`]); returns the ids saved (the others lost the
/// state-version check). `async_commit`: the batch may commit without a WAL flush.
pub(super) async fn save_states(
    conn: &mut PgConnection,
    saves: &[StateSave],
    async_commit: bool,
) -> Result<HashSet<String>> {
    let ids: Vec<&str> = saves.iter().map(|s| s.id.as_str()).collect();
    let bytes: Vec<&[u8]> = saves.iter().map(|s| s.bytes.as_slice()).collect();
    let loaded: Vec<i64> = saves.iter().map(|s| s.loaded).collect();
    let mut wait_ids = Vec::new();
    let mut wait_names = Vec::new();
    for s in saves {
        for n in &s.waits {
            wait_ids.push(s.id.as_str());
            wait_names.push(n.as_str());
        }
    }
    let (mut hist_ids, mut hist_kinds, mut hist_data) = (Vec::new(), Vec::new(), Vec::new());
    for s in saves {
        for h in &s.history {
            hist_ids.push(s.id.as_str());
            hist_kinds.push(h.kind.as_str());
            hist_data.push(&h.data);
        }
    }
    let row = sqlx::query(sql::SAVE_STATES)
        .bind(&ids)
        .bind(&bytes)
        .bind(&loaded)
        .bind(&wait_ids)
        .bind(&wait_names)
        .bind(async_commit)
        .bind(&hist_ids)
        .bind(&hist_kinds)
        .bind(&hist_data)
        .fetch_one(&mut *conn)
        .await?;
    let saved: Vec<String> = row.try_get("saved")?;
    Ok(saved.into_iter().collect())
}

/// Timers of a batch: `(execution, key, fire time in epoch ms)` to start or move, and
/// `(execution, key)` to forget.
pub(super) async fn set_timers(
    conn: &mut PgConnection,
    starts: &[(String, String, f64)],
    cancels: &[(String, String)],
) -> Result<()> {
    let (s_ids, s_keys, s_at): (Vec<&str>, Vec<&str>, Vec<f64>) = starts.iter().fold(
        (Vec::new(), Vec::new(), Vec::new()),
        |(mut a, mut b, mut c), (id, key, at)| {
            a.push(id.as_str());
            b.push(key.as_str());
            c.push(*at);
            (a, b, c)
        },
    );
    let c_ids: Vec<&str> = cancels.iter().map(|(id, _)| id.as_str()).collect();
    let c_keys: Vec<&str> = cancels.iter().map(|(_, k)| k.as_str()).collect();
    sqlx::query(sql::SET_TIMERS)
        .bind(&s_ids)
        .bind(&s_keys)
        .bind(&s_at)
        .bind(&c_ids)
        .bind(&c_keys)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Appends log lines `(execution, line)` in order.
pub(super) async fn insert_logs(conn: &mut PgConnection, lines: &[(String, String)]) -> Result<()> {
    let ids: Vec<&str> = lines.iter().map(|(id, _)| id.as_str()).collect();
    let text: Vec<&str> = lines.iter().map(|(_, l)| l.as_str()).collect();
    sqlx::query(sql::INSERT_LOGS)
        .bind(&ids)
        .bind(&text)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// How a workflow ends.
#[derive(Debug, Clone)]
pub(super) struct Finish {
    /// The execution.
    pub id: String,
    /// `completed`, `failed` or `cancelled`.
    pub status: &'static str,
    /// Output, when completed.
    pub output: Option<Value>,
    /// Error, otherwise.
    pub error: Option<Value>,
}

/// Ends workflows (see [`sql::FINISH_WORKFLOWS`]); returns how many ended.
pub(super) async fn finish_workflows(conn: &mut PgConnection, ends: &[Finish]) -> Result<u64> {
    let ids: Vec<&str> = ends.iter().map(|f| f.id.as_str()).collect();
    let statuses: Vec<&str> = ends.iter().map(|f| f.status).collect();
    let outputs: Vec<Option<&Value>> = ends.iter().map(|f| f.output.as_ref()).collect();
    let errors: Vec<Option<&Value>> = ends.iter().map(|f| f.error.as_ref()).collect();
    let row = sqlx::query(sql::FINISH_WORKFLOWS)
        .bind(&ids)
        .bind(&statuses)
        .bind(&outputs)
        .bind(&errors)
        .fetch_one(&mut *conn)
        .await?;
    let n: i64 = row.try_get("finished")?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Fails one workflow outside any batch (a step that cannot run); returns whether it ended.
pub(super) async fn fail_workflow(pool: &PgPool, id: &str, error: Value) -> Result<bool> {
    let mut conn = pool.acquire().await?;
    let end = Finish {
        id: id.to_owned(),
        status: "failed",
        output: None,
        error: Some(error),
    };
    Ok(finish_workflows(&mut conn, &[end]).await? > 0)
}

/// The newest version of each named workflow.
pub(super) async fn newest_versions(
    conn: &mut PgConnection,
    names: &[String],
) -> Result<HashMap<String, String>> {
    let rows = sqlx::query(sql::NEWEST_WORKFLOWS)
        .bind(names)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("content_hash")?)))
        .collect()
}

/// Reports an event to a workflow itself, for its next step.
pub(super) async fn report_to_self(conn: &mut PgConnection, id: &str, event: &Value) -> Result<()> {
    sqlx::query(sql::REPORT_TO_SELF)
        .bind(id)
        .bind(event)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Cancels the children of workflow `parent` behind `handle` (and `attempt`, for tasks).
pub(super) async fn cancel_children(
    conn: &mut PgConnection,
    parent: &str,
    handle: i64,
    attempt: Option<i32>,
) -> Result<()> {
    let children: Vec<String> = sqlx::query_scalar(sql::CHILD_ID)
        .bind(parent)
        .bind(handle)
        .bind(attempt)
        .fetch_all(&mut *conn)
        .await?;
    for child in children {
        sqlx::query(sql::CANCEL)
            .bind(&child)
            .fetch_optional(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Puts back what a step consumed and queues it again (see [`sql::RESTORE_STEP`]).
pub(super) async fn restore_step(
    conn: &mut PgConnection,
    id: &str,
    arrived: &[Arrived],
) -> Result<()> {
    let (signals, inbox): (Vec<&Arrived>, Vec<&Arrived>) =
        arrived.iter().partition(|a| a.is_signal);
    let i_seq: Vec<i64> = inbox.iter().map(|a| a.seq).collect();
    let i_at: Vec<&str> = inbox.iter().map(|a| a.created_at.as_str()).collect();
    let i_ev: Vec<&Value> = inbox.iter().map(|a| &a.event).collect();
    let s_seq: Vec<i64> = signals.iter().map(|a| a.seq).collect();
    let s_at: Vec<&str> = signals.iter().map(|a| a.created_at.as_str()).collect();
    let s_name: Vec<&str> = signals
        .iter()
        .map(|a| a.event.get("name").and_then(Value::as_str).unwrap_or(""))
        .collect();
    let s_payload: Vec<Value> = signals
        .iter()
        .map(|a| a.event.get("payload").cloned().unwrap_or(Value::Null))
        .collect();
    sqlx::query(sql::RESTORE_STEP)
        .bind(id)
        .bind(&i_seq)
        .bind(&i_at)
        .bind(&i_ev)
        .bind(&s_seq)
        .bind(&s_at)
        .bind(&s_name)
        .bind(&s_payload)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Fires due timers (any worker may); returns how many fired.
pub(super) async fn fire_timers(pool: &PgPool, limit: i64) -> Result<u64> {
    let row = sqlx::query(sql::FIRE_TIMERS)
        .bind(limit)
        .fetch_one(pool)
        .await?;
    let n: i64 = row.try_get("fired")?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Runs one step transaction (see [`Store::run_step_batch`](crate::store::Store::run_step_batch)).
/// A failure other than a lost connection or a transient conflict (deadlock, serialization)
/// while advancing rolls the batch back and reports its executions, so that the caller can
/// run them one by one and fail the one at fault alone.
pub(super) async fn run_step_batch(
    pool: &PgPool,
    which: StepSelection<'_>,
    planner: &dyn StepPlanner,
) -> std::result::Result<StepBatch, StepBatchError> {
    let mut tx = pool.begin().await.map_err(Error::from)?;
    let claimed = match which {
        StepSelection::Due { queue, limit } => {
            let limit = i64::try_from(limit.max(1)).unwrap_or(1);
            claim_steps(&mut tx, queue, limit).await?
        }
        StepSelection::Execution(id) => claim_steps_by_id(&mut tx, &[id.to_owned()]).await?,
    };
    let busy = claimed.busy;
    if claimed.taken.is_empty() {
        tx.rollback().await.map_err(Error::from)?;
        return Ok(StepBatch {
            busy,
            ..StepBatch::default()
        });
    }
    let ids: Vec<String> = claimed.taken.iter().map(|(id, _)| id.clone()).collect();
    let n = ids.len();
    match advance(&mut tx, planner, claimed).await {
        Ok(state_bytes) => {
            tx.commit().await.map_err(Error::from)?;
            Ok(StepBatch {
                taken: n,
                busy,
                state_bytes,
            })
        }
        Err(e) if e.is_transient() => Err(StepBatchError::Failed(e)),
        Err(error) => {
            drop(tx); // rolled back: every step of the batch is queued again
            Err(StepBatchError::RolledBack {
                taken: ids,
                busy,
                error,
            })
        }
    }
}

/// What a step loaded that the store keeps for writing its plan: the `state_version` it
/// loaded (-1: none) and what it consumed (put back if the state-version check fails).
struct Loaded {
    state_version: i64,
    arrived: Vec<Arrived>,
}

/// Loads the claimed executions, asks the planner what every step of the batch does, then
/// writes the outcome. Returns the bytes of state saved.
async fn advance(
    tx: &mut PgConnection,
    planner: &dyn StepPlanner,
    claimed: Claimed,
) -> Result<u64> {
    // Executions that ended meanwhile (cancelled) have nothing to do.
    let live: Vec<String> = claimed
        .taken
        .into_iter()
        .filter(|(_, status)| is_live(status))
        .map(|(id, _)| id)
        .collect();
    if live.is_empty() {
        return Ok(0);
    }
    let taken = load_steps(tx, &live, &planner.compiled_versions()).await?;
    // The task definitions as of this load, which sees every definition registered before the
    // steps' executions were started or woken (reloaded only when they changed).
    if let Some(revision) = taken.first().map(|t| t.defaults_revision)
        && revision != planner.task_defaults_revision()
    {
        let definitions = super::task_definitions(&mut *tx, None).await?;
        planner.set_task_defaults(revision, definitions);
    }
    let mut loaded: HashMap<String, Loaded> = HashMap::with_capacity(taken.len());
    let mut inputs = Vec::with_capacity(taken.len());
    for t in taken {
        if !t.is_live() {
            continue; // ended meanwhile (cancelled): nothing to do
        }
        let (input, kept) = t.split();
        loaded.insert(input.id.clone(), kept);
        inputs.push(input);
    }
    let mut plans = planner.plan_steps(inputs);

    // States first: a step that lost the state-version check must write nothing else.
    let saves: Vec<StateSave> = plans
        .iter()
        .filter_map(|p| {
            let save = p.save.as_ref()?;
            Some(StateSave {
                id: p.id.clone(),
                bytes: save.bytes.clone(),
                loaded: loaded.get(&p.id).map_or(-1, |l| l.state_version),
                waits: save.signal_waits.clone(),
                history: p.history.clone(),
            })
        })
        .collect();
    let ends_any = plans.iter().any(|p| p.end.is_some());
    let mut state_bytes = 0u64;
    if !saves.is_empty() {
        // Steps that end an execution commit synchronously, so a finished execution never
        // reappears as running; the others need no WAL flush: a batch lost in a crash loses
        // what it consumed and produced together and runs again, and anything durable that
        // depended on it (a task's result) flushes it first.
        let saved = save_states(tx, &saves, !ends_any).await?;
        let mut kept = Vec::with_capacity(plans.len());
        for p in plans {
            match &p.save {
                Some(_) if !saved.contains(&p.id) => {
                    tracing::warn!(
                        "workflow {}: state changed under the step; its events go back",
                        p.id
                    );
                    let arrived = loaded.get(&p.id).map_or(&[][..], |l| l.arrived.as_slice());
                    restore_step(tx, &p.id, arrived).await?;
                }
                Some(s) => {
                    state_bytes += s.bytes.len() as u64;
                    kept.push(p);
                }
                None => kept.push(p),
            }
        }
        plans = kept;
    }
    // A workflow that fails keeps what its step consumed, beside the state it saved at its
    // last await (which this step did not replace): an operator retry replays that step.
    let failed: Vec<String> = plans
        .iter()
        .filter(|p| matches!(p.end, Some(WorkflowEnd::Failed(_))))
        .map(|p| p.id.clone())
        .collect();
    write_plans(tx, plans).await?;
    for id in &failed {
        if let Some(l) = loaded.get(id)
            && !l.arrived.is_empty()
        {
            // The execution is failed now, so this queues no step.
            restore_step(tx, id, &l.arrived).await?;
        }
    }
    Ok(state_bytes)
}

/// Writes what the steps that kept their state decided, set-based for the whole batch: task
/// and child executions, timers, logs, cancels of children, ends.
async fn write_plans(tx: &mut PgConnection, plans: Vec<Plan>) -> Result<()> {
    // Child workflows start on the newest version of their workflow.
    let child_names: Vec<String> = plans
        .iter()
        .flat_map(|p| p.children.iter().map(|c| c.name.clone()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let versions = if child_names.is_empty() {
        HashMap::new()
    } else {
        newest_versions(tx, &child_names).await?
    };

    let mut new = Vec::new();
    let mut timer_starts = Vec::new();
    let mut timer_cancels = Vec::new();
    let mut logs = Vec::new();
    let mut ends = Vec::new();
    let mut unknown_children = Vec::new();
    let mut cancels = Vec::new();
    let mut retries = Vec::new();
    for p in plans {
        new.extend(p.tasks);
        for c in p.children {
            match versions.get(&c.name) {
                Some(v) => {
                    let mut n = NewExecution::validated(
                        Kind::Workflow,
                        &c.name,
                        c.inputs,
                        &c.options,
                        Some(v.clone()),
                    )?;
                    n.parent_id = Some(p.id.clone());
                    n.parent_handle = Some(i64::from(c.handle));
                    new.push(n);
                }
                None => unknown_children.push((
                    p.id.clone(),
                    json!({"type": "child_finished", "handle": c.handle, "child_id": "",
                           "status": "failed",
                           "error": {"type": "UnknownWorkflow",
                                     "message": format!("no workflow named {:?} is registered", c.name)}}),
                )),
            }
        }
        for (key, at) in p.timers {
            match at {
                Some(at) => timer_starts.push((p.id.clone(), key, at)),
                None => timer_cancels.push((p.id.clone(), key)),
            }
        }
        logs.extend(p.logs.into_iter().map(|l| (p.id.clone(), l)));
        cancels.extend(p.cancels.into_iter().map(|c| (p.id.clone(), c)));
        retries.extend(p.retry_children.into_iter().map(|h| (p.id.clone(), h)));
        if let Some(end) = p.end {
            let (status, output, error) = match end {
                WorkflowEnd::Completed(output) => ("completed", Some(output), None),
                WorkflowEnd::Failed(error) => ("failed", None, Some(error)),
                WorkflowEnd::Cancelled(error) => ("cancelled", None, Some(error)),
            };
            ends.push(Finish {
                id: p.id,
                status,
                output,
                error,
            });
        }
    }

    if !new.is_empty() {
        insert_executions_on(tx, &new).await?;
    }
    for (id, event) in &unknown_children {
        report_to_self(tx, id, event).await?;
    }
    if !timer_starts.is_empty() || !timer_cancels.is_empty() {
        set_timers(tx, &timer_starts, &timer_cancels).await?;
    }
    if !logs.is_empty() {
        insert_logs(tx, &logs).await?;
    }
    for (id, c) in &cancels {
        cancel_children(tx, id, i64::from(c.handle), c.attempt).await?;
    }
    for (id, handle) in &retries {
        super::actions::retry_child(tx, id, i64::from(*handle)).await?;
    }
    if !ends.is_empty() {
        finish_workflows(tx, &ends).await?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "steps_tests.rs"]
mod tests;
