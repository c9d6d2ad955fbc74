//! The client API: start tasks and workflows, signal, inspect, wait for and cancel executions.

use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use sqlx::postgres::{PgListener, PgPoolOptions};

use crate::error::{Error, Result};
use crate::model::{
    CancelOutcome, Execution, ExecutionSummary, Kind, ListFilter, StartOptions, Started,
};
use crate::store::{self, NewExecution};
use crate::validate;

/// The embedded migrations (`migrations/` at the repository root).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The channel workers listen on for new work.
pub const READY_CHANNEL: &str = "rhythm_ready";
/// The channel `wait` listens on for finished executions.
pub const DONE_CHANNEL: &str = "rhythm_done";

/// How often `wait` re-reads the status when no notification came.
const WAIT_POLL: Duration = Duration::from_millis(500);

/// A handle on a Rhythm database. Cheap to clone (shares one connection pool).
#[derive(Debug, Clone)]
pub struct Client {
    pool: PgPool,
}

impl Client {
    /// Connects to the database at `url` (a pool of up to 10 connections).
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(Client { pool })
    }

    /// Wraps an existing pool.
    pub fn from_pool(pool: PgPool) -> Self {
        Client { pool }
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Applies the pending migrations (safe to run from several processes at once: sqlx takes
    /// an advisory lock).
    pub async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// Queues a standalone task. With an idempotency key that was used before, returns the
    /// first execution (`created: false`) and queues nothing.
    pub async fn queue_task(
        &self,
        name: &str,
        inputs: Value,
        options: StartOptions,
    ) -> Result<Started> {
        let new = new_execution(Kind::Task, name, inputs, &options, None)?;
        let mut started = store::insert_executions(&self.pool, &[new]).await?;
        started
            .pop()
            .ok_or_else(|| Error::NotFound(name.to_owned()))
    }

    /// Queues many standalone tasks in one statement (one transaction, one NOTIFY).
    pub async fn queue_tasks(
        &self,
        tasks: Vec<(String, Value, StartOptions)>,
    ) -> Result<Vec<Started>> {
        let new = tasks
            .into_iter()
            .map(|(name, inputs, options)| new_execution(Kind::Task, &name, inputs, &options, None))
            .collect::<Result<Vec<_>>>()?;
        store::insert_executions(&self.pool, &new).await
    }

    /// Stores a workflow's source as a version (its SHA-256); returns the version. Idempotent.
    pub async fn register_workflow(&self, name: &str, source: &str) -> Result<String> {
        validate::name("workflow name", name)?;
        if source.len() > validate::MAX_PAYLOAD_BYTES || source.contains('\0') {
            return Err(Error::Invalid {
                what: "workflow source",
                reason: "too large or contains a NUL character".into(),
            });
        }
        let hash = content_hash(source);
        store::upsert_workflow(&self.pool, name, &hash, source).await?;
        Ok(hash)
    }

    /// Starts a workflow on the version in `options.version`, or else the newest registered.
    /// The execution is stored with a step queued; workers that serve workflow steps run it.
    pub async fn start_workflow(
        &self,
        name: &str,
        inputs: Value,
        options: StartOptions,
    ) -> Result<Started> {
        validate::name("workflow name", name)?;
        let hash = match &options.version {
            // A version that is not one of this workflow's would fail at its first step:
            // refuse it now and store nothing.
            Some(v) if !store::workflow_version_exists(&self.pool, name, v).await? => {
                return Err(Error::UnknownWorkflow(format!("{name} (version {v})")));
            }
            Some(v) => v.clone(),
            None => store::newest_workflow(&self.pool, name)
                .await?
                .ok_or_else(|| Error::UnknownWorkflow(name.to_owned()))?,
        };
        let new = new_execution(Kind::Workflow, name, inputs, &options, Some(hash))?;
        let mut started = store::insert_executions(&self.pool, &[new]).await?;
        started
            .pop()
            .ok_or_else(|| Error::NotFound(name.to_owned()))
    }

    /// Sends a signal to a workflow: buffered in arrival order until the workflow consumes it.
    /// Returns the signal's sequence number.
    pub async fn send_signal(&self, id: &str, name: &str, payload: Value) -> Result<i64> {
        validate::name("execution id", id)?;
        validate::name("signal name", name)?;
        validate::payload("signal payload", &payload)?;
        store::send_signal(&self.pool, id, name, &payload).await
    }

    /// Reads one execution.
    pub async fn get(&self, id: &str) -> Result<Execution> {
        validate::name("execution id", id)?;
        store::get(&self.pool, id).await
    }

    /// Waits until the execution is terminal, woken by `LISTEN rhythm_done` and re-reading the
    /// status every 500 ms in case a notification was missed (or the connection dropped).
    pub async fn wait(&self, id: &str, timeout: Duration) -> Result<Execution> {
        validate::name("execution id", id)?;
        let deadline = Instant::now() + timeout;
        // Listen before the first read, so a completion between the two is not missed.
        let mut listener = match PgListener::connect_with(&self.pool).await {
            Ok(mut l) => match l.listen(DONE_CHANNEL).await {
                Ok(()) => Some(l),
                Err(e) => {
                    tracing::debug!("wait: LISTEN failed, polling only: {e}");
                    None
                }
            },
            Err(e) => {
                tracing::debug!("wait: no listener connection, polling only: {e}");
                None
            }
        };
        loop {
            let execution = store::get(&self.pool, id).await?;
            if execution.status.is_terminal() {
                return Ok(execution);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::WaitTimeout {
                    id: id.to_owned(),
                    timeout_ms: timeout.as_millis(),
                    status: execution.status,
                });
            }
            let nap = WAIT_POLL.min(deadline - now);
            match listener.as_mut() {
                Some(l) => {
                    let until = tokio::time::Instant::now() + nap;
                    // Skip notifications about other executions until the nap ends.
                    loop {
                        match tokio::time::timeout_at(until, l.recv()).await {
                            Err(_) => break,
                            Ok(Ok(n)) => {
                                let p = n.payload();
                                if p == "*" || p.split(',').any(|x| x == id) {
                                    break;
                                }
                            }
                            Ok(Err(e)) => {
                                tracing::debug!("wait: listener error: {e}");
                                tokio::time::sleep_until(until).await;
                                break;
                            }
                        }
                    }
                }
                None => tokio::time::sleep(nap).await,
            }
        }
    }

    /// Cancels an execution. A task is cancelled at once (queued and in-flight attempts are
    /// withdrawn; a worker still running one finds its lease gone). A workflow is asked to
    /// cancel ([`CancelOutcome::Requested`]): its next step delivers `Cancelled` at its current
    /// await, so cleanup code runs. Terminal executions never change.
    pub async fn cancel(&self, id: &str) -> Result<CancelOutcome> {
        validate::name("execution id", id)?;
        store::cancel(&self.pool, id).await
    }

    /// Lists executions, newest first.
    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<ExecutionSummary>> {
        store::list(&self.pool, filter).await
    }
}

/// The version of a workflow source: lowercase hex SHA-256 of its bytes.
pub fn content_hash(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}

pub(crate) fn new_execution(
    kind: Kind,
    name: &str,
    inputs: Value,
    options: &StartOptions,
    content_hash: Option<String>,
) -> Result<NewExecution> {
    let what = match kind {
        Kind::Task => "task name",
        Kind::Workflow => "workflow name",
    };
    validate::name(what, name)?;
    validate::payload("inputs", &inputs)?;
    let id = match &options.id {
        Some(id) => {
            validate::name("execution id", id)?;
            id.clone()
        }
        None => uuid::Uuid::now_v7().to_string(),
    };
    if let Some(k) = &options.idempotency_key {
        validate::name("idempotency key", k)?;
    }
    let queue = options
        .queue
        .clone()
        .unwrap_or_else(|| "default".to_owned());
    validate::name("queue", &queue)?;
    let max_attempts = options.max_attempts.unwrap_or(3);
    if !(1..=1000).contains(&max_attempts) {
        return Err(Error::Invalid {
            what: "max_attempts",
            reason: format!("{max_attempts}, expected 1 to 1000"),
        });
    }
    let timeout_ms = options
        .timeout
        .map(|t| validate::millis_i32("timeout", t))
        .transpose()?;
    if timeout_ms == Some(0) {
        return Err(Error::Invalid {
            what: "timeout",
            reason: "must be at least 1 ms".into(),
        });
    }
    Ok(NewExecution {
        id,
        kind,
        name: name.to_owned(),
        inputs,
        queue,
        priority: options.priority,
        idempotency_key: options.idempotency_key.clone(),
        max_attempts: i32::try_from(max_attempts).unwrap_or(1000),
        backoff_ms: validate::millis_i32(
            "backoff",
            options.backoff.unwrap_or(Duration::from_secs(1)),
        )?,
        timeout_ms,
        delay_ms: options
            .delay
            .map(|d| validate::millis_i64("delay", d))
            .transpose()?
            .unwrap_or(0),
        content_hash,
        parent_id: None,
        parent_handle: None,
        parent_attempt: None,
    })
}
