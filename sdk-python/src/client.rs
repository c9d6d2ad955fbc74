//! `NativeClient`: the Postgres client ([`rhythm_runtime::Client`]) for `rhythm.Client`.
//!
//! Each call blocks on a private tokio runtime with the GIL released; values cross as JSON
//! text. Runtime errors become `RhythmError` (a `TimeoutError` for `wait`).

use std::time::Duration;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTimeoutError, PyValueError};
use pyo3::prelude::*;
use rhythm_runtime::input_match::parse_where;
use rhythm_runtime::{
    Action, ActionFilter, Actor, CancelOutcome, Client, Cursor, Error, ListFilter, StartOptions,
    TaskDefinition, parse_time_bound,
};
use serde_json::{Value as Json, json};

create_exception!(
    _native,
    RhythmError,
    PyException,
    "An error from the Rhythm runtime (database, validation, unknown execution or workflow)."
);

fn runtime_error(err: Error) -> PyErr {
    match err {
        Error::WaitTimeout { .. } => PyTimeoutError::new_err(err.to_string()),
        other => RhythmError::new_err(other.to_string()),
    }
}

fn parse_json(what: &str, text: &str) -> PyResult<Json> {
    serde_json::from_str(text)
        .map_err(|e| PyValueError::new_err(format!("{what} is not valid JSON: {e}")))
}

fn to_json_text(value: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| RhythmError::new_err(e.to_string()))
}

/// A connected client with its own tokio runtime.
#[pyclass(module = "rhythm._native")]
pub struct NativeClient {
    runtime: tokio::runtime::Runtime,
    client: Client,
}

impl NativeClient {
    fn block<T: Send>(
        &self,
        py: Python<'_>,
        fut: impl Future<Output = Result<T, Error>> + Send,
    ) -> PyResult<T> {
        py.detach(|| self.runtime.block_on(fut))
            .map_err(runtime_error)
    }
}

/// Start options from Python's keyword arguments.
#[allow(clippy::too_many_arguments)]
fn options(
    id: Option<String>,
    idempotency_key: Option<String>,
    queue: Option<String>,
    priority: Option<i32>,
    delay_ms: Option<f64>,
    max_attempts: Option<u32>,
    timeout_ms: Option<f64>,
) -> PyResult<StartOptions> {
    let duration = |what: &str, ms: Option<f64>| -> PyResult<Option<Duration>> {
        ms.map(|ms| {
            Duration::try_from_secs_f64(ms / 1000.0).map_err(|_| {
                PyValueError::new_err(format!("{what} must be a non-negative duration"))
            })
        })
        .transpose()
    };
    Ok(StartOptions {
        id,
        idempotency_key,
        queue,
        priority: priority.unwrap_or(0),
        delay: duration("delay", delay_ms)?,
        max_attempts,
        timeout: duration("timeout", timeout_ms)?,
        ..StartOptions::default()
    })
}

#[pymethods]
impl NativeClient {
    /// Connects to `database_url`.
    #[new]
    fn new(py: Python<'_>, database_url: &str) -> PyResult<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| RhythmError::new_err(format!("cannot start the tokio runtime: {e}")))?;
        let url = database_url.to_owned();
        let client = py
            .detach(|| runtime.block_on(Client::connect(&url)))
            .map_err(runtime_error)?;
        Ok(Self { runtime, client })
    }

    /// Applies the database migrations.
    fn migrate(&self, py: Python<'_>) -> PyResult<()> {
        self.block(py, self.client.migrate())
    }

    /// Stores a workflow source; returns its version.
    fn register_workflow(&self, py: Python<'_>, name: &str, source: &str) -> PyResult<String> {
        self.block(py, self.client.register_workflow(name, source))
    }

    /// Registers task definitions, a JSON array of `{"name", "defaults"}`.
    fn register_task_definitions(&self, py: Python<'_>, definitions_json: &str) -> PyResult<()> {
        let entries: Vec<Json> = serde_json::from_str(definitions_json)
            .map_err(|e| PyValueError::new_err(format!("task definitions: {e}")))?;
        let mut definitions = Vec::with_capacity(entries.len());
        for entry in entries {
            let Some(name) = entry.get("name").and_then(Json::as_str) else {
                return Err(PyValueError::new_err("a task definition needs a name"));
            };
            definitions.push(TaskDefinition {
                name: name.to_owned(),
                defaults: entry.get("defaults").cloned().unwrap_or(Json::Null),
            });
        }
        self.block(py, self.client.register_task_definitions(&definitions))
    }

    /// Queues a task (`kind = "task"`) or starts a workflow (`"workflow"`); returns the id.
    #[pyo3(signature = (kind, name, inputs_json, id=None, idempotency_key=None, queue=None, priority=None, delay_ms=None, max_attempts=None, timeout_ms=None))]
    #[allow(clippy::too_many_arguments)]
    fn start(
        &self,
        py: Python<'_>,
        kind: &str,
        name: &str,
        inputs_json: &str,
        id: Option<String>,
        idempotency_key: Option<String>,
        queue: Option<String>,
        priority: Option<i32>,
        delay_ms: Option<f64>,
        max_attempts: Option<u32>,
        timeout_ms: Option<f64>,
    ) -> PyResult<String> {
        let inputs = parse_json("inputs", inputs_json)?;
        let opts = options(
            id,
            idempotency_key,
            queue,
            priority,
            delay_ms,
            max_attempts,
            timeout_ms,
        )?;
        let started = match kind {
            "task" => self.block(py, self.client.queue_task(name, inputs, opts))?,
            "workflow" => self.block(py, self.client.start_workflow(name, inputs, opts))?,
            other => return Err(PyValueError::new_err(format!("unknown kind {other:?}"))),
        };
        Ok(started.id)
    }

    /// Queues many standalone tasks of one name in one statement: `inputs_json` is a JSON array
    /// of input objects; returns the ids in order.
    #[pyo3(signature = (name, inputs_json, queue=None, priority=None, max_attempts=None, timeout_ms=None))]
    #[allow(clippy::too_many_arguments)]
    fn queue_tasks(
        &self,
        py: Python<'_>,
        name: &str,
        inputs_json: &str,
        queue: Option<String>,
        priority: Option<i32>,
        max_attempts: Option<u32>,
        timeout_ms: Option<f64>,
    ) -> PyResult<Vec<String>> {
        let Json::Array(all) = parse_json("inputs", inputs_json)? else {
            return Err(PyValueError::new_err("inputs must be a list"));
        };
        let opts = options(None, None, queue, priority, None, max_attempts, timeout_ms)?;
        let tasks = all
            .into_iter()
            .map(|inputs| (name.to_owned(), inputs, opts.clone()))
            .collect();
        let started = self.block(py, self.client.queue_tasks(tasks))?;
        Ok(started.into_iter().map(|s| s.id).collect())
    }

    /// Sends a signal; returns its sequence number.
    fn send_signal(
        &self,
        py: Python<'_>,
        id: &str,
        name: &str,
        payload_json: &str,
    ) -> PyResult<i64> {
        let payload = parse_json("the signal payload", payload_json)?;
        self.block(py, self.client.send_signal(id, name, payload))
    }

    /// One execution as JSON text.
    fn get(&self, py: Python<'_>, id: &str) -> PyResult<String> {
        to_json_text(&self.block(py, self.client.get(id))?)
    }

    /// What an execution is doing and why (`rhythm inspect --format json`), as JSON text.
    fn inspect(&self, py: Python<'_>, id: &str) -> PyResult<String> {
        to_json_text(&self.block(py, self.client.inspect(id))?)
    }

    /// An execution's whole history, oldest first, as JSON text.
    fn history(&self, py: Python<'_>, id: &str) -> PyResult<String> {
        to_json_text(&self.block(py, self.client.history(id))?)
    }

    /// The registered worker processes, as JSON text.
    fn workers(&self, py: Python<'_>) -> PyResult<String> {
        to_json_text(&self.block(py, self.client.workers())?)
    }

    /// Per-queue ready, delayed and in-flight work, as JSON text.
    fn queues(&self, py: Python<'_>) -> PyResult<String> {
        to_json_text(&self.block(py, self.client.queues())?)
    }

    /// Waits until the execution is terminal (`TimeoutError` after `timeout_ms`).
    fn wait(&self, py: Python<'_>, id: &str, timeout_ms: f64) -> PyResult<String> {
        let timeout = Duration::try_from_secs_f64(timeout_ms / 1000.0)
            .map_err(|_| PyValueError::new_err("timeout must be a non-negative duration"))?;
        to_json_text(&self.block(py, self.client.wait(id, timeout))?)
    }

    /// Cancels an execution: `{"cancelled": true}` (a task, at once), `{"cancelled": true,
    /// "requested": true}` (a workflow: its next step raises `Cancelled` so cleanup can run), or
    /// `{"cancelled": false, "status": ...}` when it had already finished.
    fn cancel(&self, py: Python<'_>, id: &str) -> PyResult<String> {
        let outcome = match self.block(py, self.client.cancel(id))? {
            CancelOutcome::Cancelled => json!({"cancelled": true}),
            CancelOutcome::Requested => json!({"cancelled": true, "requested": true}),
            CancelOutcome::AlreadyFinished(status) => json!({"cancelled": false, "status": status}),
        };
        Ok(outcome.to_string())
    }

    /// One page of executions, newest first, as JSON text `{"executions": [...], "next":
    /// cursor or null}`. `filters` is a JSON object of the keyword filters of
    /// `rhythm.Client.list_page` (times as RFC 3339 text or durations ago).
    fn list_page(&self, py: Python<'_>, filters: &str) -> PyResult<String> {
        let args: ListArgs = serde_json::from_str(filters)
            .map_err(|e| PyValueError::new_err(format!("bad list filters: {e}")))?;
        let filter = args.into_filter()?;
        to_json_text(&self.block(py, self.client.list_page(&filter))?)
    }

    /// Retries a failed execution (a new attempt of what failed), recorded with `by` (default
    /// `user@host`) and `reason`.
    #[pyo3(signature = (id, reason=None, by=None))]
    fn retry(
        &self,
        py: Python<'_>,
        id: &str,
        reason: Option<String>,
        by: Option<String>,
    ) -> PyResult<()> {
        let actor = actor(reason, by);
        self.block(py, self.client.retry(id, &actor))
    }

    /// Pauses an execution (and what it started); returns how many executions were paused.
    #[pyo3(signature = (id, reason=None, by=None))]
    fn pause(
        &self,
        py: Python<'_>,
        id: &str,
        reason: Option<String>,
        by: Option<String>,
    ) -> PyResult<u64> {
        let actor = actor(reason, by);
        self.block(py, self.client.pause(id, &actor))
    }

    /// Resumes a paused execution; returns how many executions were resumed.
    #[pyo3(signature = (id, reason=None, by=None))]
    fn resume(
        &self,
        py: Python<'_>,
        id: &str,
        reason: Option<String>,
        by: Option<String>,
    ) -> PyResult<u64> {
        let actor = actor(reason, by);
        self.block(py, self.client.resume(id, &actor))
    }

    /// Pauses (`pause=True`) or resumes a queue.
    #[pyo3(signature = (queue, pause, reason=None, by=None))]
    fn pause_queue(
        &self,
        py: Python<'_>,
        queue: &str,
        pause: bool,
        reason: Option<String>,
        by: Option<String>,
    ) -> PyResult<()> {
        let actor = actor(reason, by);
        if pause {
            self.block(py, self.client.pause_queue(queue, &actor))
        } else {
            self.block(py, self.client.resume_queue(queue, &actor))
        }
    }

    /// Applies `action` (`retry`, `cancel`, `pause`, `resume`) to every execution matching the
    /// filter (`dry_run`: only counts them); returns the counts as JSON text.
    #[pyo3(signature = (action, name=None, status=None, since_ms=None, version=None, dry_run=false, reason=None, by=None))]
    #[allow(clippy::too_many_arguments)]
    fn bulk(
        &self,
        py: Python<'_>,
        action: &str,
        name: Option<String>,
        status: Option<&str>,
        since_ms: Option<f64>,
        version: Option<String>,
        dry_run: bool,
        reason: Option<String>,
        by: Option<String>,
    ) -> PyResult<String> {
        let action = match action {
            "retry" => Action::Retry,
            "cancel" => Action::Cancel,
            "pause" => Action::Pause,
            "resume" => Action::Resume,
            other => return Err(PyValueError::new_err(format!("unknown action {other:?}"))),
        };
        let status = status
            .map(|t| serde_json::from_value(Json::String(t.to_owned())))
            .transpose()
            .map_err(|e| PyValueError::new_err(format!("unknown status: {e}")))?;
        let since = since_ms
            .map(|ms| Duration::try_from_secs_f64(ms / 1000.0))
            .transpose()
            .map_err(|_| PyValueError::new_err("since must be a positive duration"))?;
        let filter = ActionFilter {
            name,
            status,
            since,
            version,
        };
        if dry_run {
            let n = self.block(py, self.client.count_matching(&filter))?;
            return Ok(
                json!({"action": action.as_str(), "dry_run": true, "matched": n}).to_string(),
            );
        }
        let actor = actor(reason, by);
        let counts = self.block(py, self.client.bulk(action, &filter, &actor, &mut |_| {}))?;
        Ok(
            json!({"action": action.as_str(), "dry_run": false, "matched": counts.matched,
                  "applied": counts.applied, "skipped": counts.skipped})
            .to_string(),
        )
    }
}

/// The filters `rhythm.Client.list_page` sends, as JSON.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ListArgs {
    #[serde(default)]
    status: Vec<String>,
    name: Option<String>,
    kind: Option<String>,
    version: Option<String>,
    since: Option<String>,
    created_after: Option<String>,
    created_before: Option<String>,
    ended_after: Option<String>,
    ended_before: Option<String>,
    idempotency_key: Option<String>,
    parent_id: Option<String>,
    #[serde(rename = "where")]
    where_: Option<String>,
    inputs: Option<Json>,
    after: Option<String>,
    limit: Option<u32>,
}

impl ListArgs {
    /// The runtime's filter; bad values are `ValueError`s naming the keyword.
    fn into_filter(self) -> PyResult<ListFilter> {
        let invalid = |e: Error| PyValueError::new_err(e.to_string());
        let time = |what: &'static str, text: Option<String>| {
            text.map(|t| parse_time_bound(what, &t))
                .transpose()
                .map_err(invalid)
        };
        let statuses = self
            .status
            .iter()
            .map(|s| {
                serde_json::from_value(Json::String(s.clone()))
                    .map_err(|_| PyValueError::new_err(format!("unknown status: {s:?}")))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let kind = self
            .kind
            .map(|k| {
                serde_json::from_value(Json::String(k.clone()))
                    .map_err(|_| PyValueError::new_err(format!("unknown kind: {k:?}")))
            })
            .transpose()?;
        let created_after = match self.since {
            Some(since) => time("since", Some(since))?,
            None => time("created_after", self.created_after)?,
        };
        let mut inputs_contain = match self.where_ {
            None => None,
            Some(text) => Some(
                parse_where(&text)
                    .map_err(|e| PyValueError::new_err(format!("invalid where {text:?}: {e}")))?,
            ),
        };
        if let Some(doc) = self.inputs {
            if !doc.is_object() {
                return Err(PyValueError::new_err("inputs must be a dict"));
            }
            if inputs_contain.is_some() {
                return Err(PyValueError::new_err("give where= or inputs=, not both"));
            }
            inputs_contain = Some(doc);
        }
        Ok(ListFilter {
            status: None,
            statuses,
            name: self.name,
            kind,
            version: self.version,
            created_after,
            created_before: time("created_before", self.created_before)?,
            ended_after: time("ended_after", self.ended_after)?,
            ended_before: time("ended_before", self.ended_before)?,
            idempotency_key: self.idempotency_key,
            parent_id: self.parent_id,
            inputs_contain,
            after: self
                .after
                .map(|c| c.parse::<Cursor>())
                .transpose()
                .map_err(invalid)?,
            limit: self.limit,
        })
    }
}

/// Who asks: `by`, or the current `user@host`.
fn actor(reason: Option<String>, by: Option<String>) -> Actor {
    let mut actor = Actor::current(reason);
    if let Some(by) = by {
        actor.by = by;
    }
    actor
}
