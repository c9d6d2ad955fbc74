//! The checks, all read from the database after the drain: outputs, signals, completions,
//! idempotent starts, stuck executions, leftovers, and the handler log's re-runs.

use std::collections::HashMap;

use anyhow::Result;
use serde_json::{Value, json};
use sqlx::PgPool;

/// What one execution must end as.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// A task completed with this output.
    TaskOk(Value),
    /// A task failed with the error type `ChaosFatal`.
    TaskFatal,
    /// The main workflow with input `n`: `{a: 2n, b: 4n, c: 2n + 1, got}` where `got` holds
    /// exactly the signals sent to it.
    Flow {
        /// Its input.
        n: i64,
    },
    /// A workflow the harness cancelled: `cancelled`.
    Cancelled,
    /// The child workflow with input `n`: `2n + 1`.
    Child {
        /// Its input.
        n: i64,
    },
}

/// What the load expects, built while it runs.
#[derive(Debug, Default)]
pub struct Expectations {
    /// Expected end of each execution the harness started.
    pub by_id: HashMap<String, Expect>,
    /// Signal ids each workflow was sent, as the clients saw them stored.
    pub signals: HashMap<String, Vec<String>>,
}

/// Concurrent starts sharing one idempotency key.
#[derive(Debug, Clone)]
pub struct IdemStart {
    /// The key.
    pub key: String,
    /// `task` or `workflow`.
    pub kind: &'static str,
    /// The ids the starts returned.
    pub ids: Vec<String>,
    /// How many said `created: true`.
    pub created: usize,
}

/// The findings.
#[derive(Debug, Default)]
pub struct Report {
    /// Executions in the database (all kinds, children included).
    pub executions: i64,
    /// Expected executions with no row.
    pub missing: Vec<String>,
    /// Terminal executions with the wrong status or output.
    pub wrong: Vec<String>,
    /// Non-terminal executions after the drain.
    pub stuck: i64,
    /// A few stuck ones, for the report.
    pub stuck_sample: Vec<String>,
    /// Executions that reached a terminal status more than once (or left one).
    pub duplicated_completions: i64,
    /// Signals stored but never received by their workflow.
    pub lost_signals: i64,
    /// Signals received more than once, or received but never sent.
    pub doubled_signals: i64,
    /// Signals stored twice (the client resent a stored signal: a harness bug).
    pub signals_stored_twice: i64,
    /// Differences between what the clients saw stored and what the trigger logged.
    pub signal_mismatches: Vec<String>,
    /// Idempotency keys whose starts gave several ids, or several rows.
    pub idempotency_violations: Vec<String>,
    /// Rows left in the work tables (ready, attempts, timers, state, waits) of terminal
    /// executions.
    pub leftovers: Vec<String>,
    /// Completed standalone tasks without a successful handler run.
    pub completed_without_run: i64,
    /// Handler runs recorded.
    pub runs: i64,
    /// Handler runs of an (execution, attempt) already run: re-runs after a kill or lost lease.
    pub same_attempt_reruns: i64,
    /// Tasks (standalone executions, or a workflow's task handle across its attempts) whose
    /// handler succeeded more than once (at-least-once, not a failure).
    pub executions_run_twice: i64,
    /// Signals checked.
    pub signals: i64,
    /// Idempotency keys checked.
    pub idempotency_keys: usize,
    /// Expected executions checked.
    pub checked: usize,
}

impl Report {
    /// Lost: expected executions missing or ended wrong, and signals never received.
    pub fn lost(&self) -> i64 {
        self.missing.len() as i64 + self.wrong.len() as i64 + self.lost_signals
    }

    /// Duplicated: completions recorded twice, signals consumed twice, idempotent starts that
    /// made several executions.
    pub fn duplicated(&self) -> i64 {
        self.duplicated_completions
            + self.doubled_signals
            + self.signals_stored_twice
            + self.idempotency_violations.len() as i64
    }

    /// Every violation, one line each (empty when the run passed).
    pub fn failures(&self) -> Vec<String> {
        let mut f = Vec::new();
        let sample = |v: &[String]| v.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
        if !self.missing.is_empty() {
            f.push(format!(
                "{} executions missing: {}",
                self.missing.len(),
                sample(&self.missing)
            ));
        }
        if !self.wrong.is_empty() {
            f.push(format!(
                "{} executions ended wrong: {}",
                self.wrong.len(),
                sample(&self.wrong)
            ));
        }
        if self.stuck > 0 {
            f.push(format!(
                "{} executions stuck: {}",
                self.stuck,
                sample(&self.stuck_sample)
            ));
        }
        if self.duplicated_completions > 0 {
            f.push(format!(
                "{} duplicated terminal transitions (see chaos_terminal)",
                self.duplicated_completions
            ));
        }
        if self.lost_signals > 0 {
            f.push(format!("{} signals lost", self.lost_signals));
        }
        if self.doubled_signals > 0 {
            f.push(format!(
                "{} signals consumed twice or never sent",
                self.doubled_signals
            ));
        }
        if self.signals_stored_twice > 0 {
            f.push(format!(
                "{} signals stored twice",
                self.signals_stored_twice
            ));
        }
        if !self.signal_mismatches.is_empty() {
            f.push(format!(
                "{} workflows whose stored signals differ from what the clients saw: {}",
                self.signal_mismatches.len(),
                sample(&self.signal_mismatches)
            ));
        }
        for v in &self.idempotency_violations {
            f.push(format!("idempotency: {v}"));
        }
        for l in &self.leftovers {
            f.push(format!("leftover: {l}"));
        }
        if self.completed_without_run > 0 {
            f.push(format!(
                "{} tasks completed without a successful handler run",
                self.completed_without_run
            ));
        }
        f
    }

    /// The informative lines before the summary.
    pub fn print_details(&self) {
        println!(
            "chaos: checked {} expected executions, {} signals, {} idempotency keys; \
             {} handler runs; re-runs after kill: {} tasks whose handler succeeded more \
             than once ({} runs repeated an attempt number; at-least-once, not failures)",
            self.checked,
            self.signals,
            self.idempotency_keys,
            self.runs,
            self.executions_run_twice,
            self.same_attempt_reruns
        );
    }
}

/// Reads everything back and compares it with the expectations.
pub async fn check(pool: &PgPool, ex: &Expectations, idem: &[IdemStart]) -> Result<Report> {
    let mut r = Report {
        checked: ex.by_id.len(),
        idempotency_keys: idem.len(),
        ..Report::default()
    };
    r.executions = scalar(pool, "SELECT count(*) FROM rhythm_executions").await?;

    // Terminal statuses and outputs.
    let ids: Vec<String> = ex.by_id.keys().cloned().collect();
    let rows: Vec<(String, String, Option<Value>, Option<Value>)> = sqlx::query_as(
        "SELECT id, status, output, error FROM rhythm_executions WHERE id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let rows: HashMap<String, (String, Option<Value>, Option<Value>)> = rows
        .into_iter()
        .map(|(id, s, o, e)| (id, (s, o, e)))
        .collect();

    // Signals as stored (trigger log), by workflow.
    let sent_rows: Vec<(String, String)> =
        sqlx::query_as("SELECT execution_id, payload->>'id' FROM chaos_signals_sent ORDER BY seq")
            .fetch_all(pool)
            .await?;
    let mut stored: HashMap<String, Vec<String>> = HashMap::new();
    for (wf, sig) in sent_rows {
        stored.entry(wf).or_default().push(sig);
    }
    r.signals = stored.values().map(|v| v.len() as i64).sum();

    for (id, expect) in &ex.by_id {
        let Some((status, output, error)) = rows.get(id) else {
            r.missing.push(id.clone());
            continue;
        };
        if status == "running" || status == "waiting" {
            continue; // counted as stuck below
        }
        let ok = match expect {
            Expect::TaskOk(v) => status == "completed" && output.as_ref() == Some(v),
            Expect::TaskFatal => {
                status == "failed"
                    && error.as_ref().and_then(|e| e.get("type")) == Some(&json!("ChaosFatal"))
            }
            Expect::Cancelled => status == "cancelled",
            Expect::Child { n } => {
                status == "completed" && output.as_ref() == Some(&json!(2 * n + 1))
            }
            Expect::Flow { n } => {
                let sent = stored.get(id).cloned().unwrap_or_default();
                let got: Vec<String> = output
                    .as_ref()
                    .and_then(|o| o.get("got"))
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                let (lost, doubled) = compare_signals(&sent, &got);
                r.lost_signals += lost;
                r.doubled_signals += doubled;
                let mut client_seen = ex.signals.get(id).cloned().unwrap_or_default();
                let mut stored_sorted = sent.clone();
                client_seen.sort();
                stored_sorted.sort();
                if client_seen != stored_sorted {
                    r.signal_mismatches.push(format!(
                        "{id}: clients saw {client_seen:?}, stored {stored_sorted:?}"
                    ));
                }
                let abc_ok = output.as_ref().is_some_and(|o| {
                    o.get("a") == Some(&json!(2 * n))
                        && o.get("b") == Some(&json!(4 * n))
                        && o.get("c") == Some(&json!(2 * n + 1))
                });
                status == "completed" && abc_ok && lost == 0 && doubled == 0
            }
        };
        if !ok {
            r.wrong.push(format!(
                "{id}: {status}, output {}, error {}",
                output.as_ref().map_or("null".into(), Value::to_string),
                error.as_ref().map_or("null".into(), Value::to_string)
            ));
        }
    }
    // Signals stored twice (same id twice in the trigger log).
    r.signals_stored_twice = scalar(
        pool,
        "SELECT count(*) - count(DISTINCT payload->>'id') FROM chaos_signals_sent",
    )
    .await?;

    // Stuck: anything not terminal, children included.
    let stuck: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, name, status FROM rhythm_executions WHERE status IN ('running', 'waiting') ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    r.stuck = stuck.len() as i64;
    r.stuck_sample = stuck
        .iter()
        .take(5)
        .map(|(id, name, status)| format!("{id} ({name}, {status})"))
        .collect();

    // Terminal transitions: at most one per execution, none out of a terminal status.
    r.duplicated_completions = scalar(
        pool,
        "SELECT (SELECT count(*) - count(DISTINCT execution_id) FROM chaos_terminal) \
              + (SELECT count(*) FROM chaos_terminal WHERE old_status IN ('completed', 'failed', 'cancelled'))",
    )
    .await?;

    // Idempotent starts: one id per key, one row per key.
    for s in idem {
        let mut distinct = s.ids.clone();
        distinct.sort();
        distinct.dedup();
        let rows = sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM rhythm_executions WHERE kind = $1 AND idempotency_key = $2",
        )
        .bind(s.kind)
        .bind(&s.key)
        .fetch_one(pool)
        .await?;
        if distinct.len() != 1 || rows != 1 || s.created > 1 {
            r.idempotency_violations.push(format!(
                "key {} ({}): starts returned {:?}, {} said created, {rows} rows",
                s.key, s.kind, distinct, s.created
            ));
        }
    }

    // Work left behind by terminal executions.
    for (table, sql) in [
        (
            "rhythm_ready",
            "SELECT count(*) FROM rhythm_ready r JOIN rhythm_executions e ON e.id = r.execution_id WHERE e.status IN ('completed', 'failed', 'cancelled')",
        ),
        (
            "rhythm_attempts",
            "SELECT count(*) FROM rhythm_attempts a JOIN rhythm_executions e ON e.id = a.execution_id WHERE e.status IN ('completed', 'failed', 'cancelled')",
        ),
        (
            "rhythm_timers",
            "SELECT count(*) FROM rhythm_timers t JOIN rhythm_executions e ON e.id = t.execution_id WHERE e.status IN ('completed', 'failed', 'cancelled')",
        ),
        (
            "rhythm_workflow_state",
            // A failed workflow keeps its state for an operator retry.
            "SELECT count(*) FROM rhythm_workflow_state s JOIN rhythm_executions e ON e.id = s.execution_id WHERE e.status IN ('completed', 'cancelled')",
        ),
    ] {
        let n = scalar(pool, sql).await?;
        if n > 0 {
            r.leftovers
                .push(format!("{n} rows in {table} for finished executions"));
        }
    }

    // The handler log.
    r.runs = scalar(pool, "SELECT count(*) FROM chaos_runs").await?;
    r.same_attempt_reruns = scalar(
        pool,
        "SELECT coalesce(sum(c - 1), 0)::int8 FROM (SELECT count(*) AS c FROM chaos_runs GROUP BY execution_id, attempt) t",
    )
    .await?;
    // A workflow's task retried after a lost lease is a new execution with the same handle, so
    // re-runs are counted per standalone execution or per (workflow, handle).
    r.executions_run_twice = scalar(
        pool,
        "SELECT count(*) FROM (SELECT coalesce(e.parent_id || '/' || e.parent_handle::text, e.id) \
         FROM chaos_runs r JOIN rhythm_executions e ON e.id = r.execution_id WHERE r.outcome = 'ok' \
         GROUP BY 1 HAVING count(*) > 1) t",
    )
    .await?;
    r.completed_without_run = scalar(
        pool,
        "SELECT count(*) FROM rhythm_executions e WHERE e.kind = 'task' AND e.status = 'completed' \
         AND NOT EXISTS (SELECT 1 FROM chaos_runs r WHERE r.execution_id = e.id AND r.outcome = 'ok')",
    )
    .await?;
    Ok(r)
}

/// Signals stored but not received (`lost`), and received more often than stored (`doubled`).
fn compare_signals(sent: &[String], got: &[String]) -> (i64, i64) {
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for s in sent {
        *counts.entry(s).or_default() += 1;
    }
    for g in got {
        *counts.entry(g).or_default() -= 1;
    }
    let lost = counts.values().filter(|c| **c > 0).sum();
    let doubled = -counts.values().filter(|c| **c < 0).sum::<i64>();
    (lost, doubled)
}

async fn scalar(pool: &PgPool, sql: &str) -> Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await?)
}

#[cfg(test)]
mod tests {
    use super::compare_signals;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn signals_compare_as_multisets() {
        assert_eq!(compare_signals(&v(&["a", "b"]), &v(&["b", "a"])), (0, 0));
        assert_eq!(compare_signals(&v(&["a", "b"]), &v(&["a"])), (1, 0));
        assert_eq!(
            compare_signals(&v(&["a", "b"]), &v(&["a", "a", "b"])),
            (0, 1)
        );
        assert_eq!(compare_signals(&v(&["a", "b"]), &v(&["a", "a"])), (1, 1));
        assert_eq!(compare_signals(&v(&[]), &v(&["x"])), (0, 1));
    }
}
