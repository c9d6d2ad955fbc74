//! The client API: start tasks and workflows, signal, inspect, wait for and cancel executions.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rhythm_engine::TaskDefaults;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::inspect::{self, HistoryEntry, Inspection, QueueStats, WorkerInfo};
use crate::listing::ListPage;
use crate::model::{
    CancelOutcome, Execution, ExecutionSummary, Kind, ListFilter, StartOptions, Started,
};
use crate::store::postgres::{PgPool, PgStore};
use crate::store::{Channel, NewExecution, Store, TaskDefinition};
use crate::validate;
use rhythm_interpreter::inspector::RenderLimits;

/// How often `wait` re-reads the status when no notification came.
const WAIT_POLL: Duration = Duration::from_millis(500);

/// A handle on a Rhythm store. Cheap to clone (shares the store and its connections).
#[derive(Debug, Clone)]
pub struct Client {
    store: Arc<dyn Store>,
}

impl Client {
    /// Connects to the Postgres database at `url` (a pool of up to 10 connections).
    pub async fn connect(url: &str) -> Result<Self> {
        Ok(Client::with_store(Arc::new(
            PgStore::connect(url, 10).await?,
        )))
    }

    /// A client on an existing Postgres pool.
    pub fn from_pool(pool: PgPool) -> Self {
        Client::with_store(Arc::new(PgStore::new(pool)))
    }

    /// A client on any store.
    pub fn with_store(store: Arc<dyn Store>) -> Self {
        Client { store }
    }

    /// The store (to share with a [`Worker`](crate::Worker), say).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Applies the pending migrations (safe to run from several processes at once: the
    /// Postgres store takes an advisory lock).
    pub async fn migrate(&self) -> Result<()> {
        self.store.migrate().await
    }

    /// Queues a standalone task. With an idempotency key that was used before, returns the
    /// first execution (`created: false`) and queues nothing. Options left out come from the
    /// task's registered definition, if any (see [`Client::register_task_definitions`]).
    pub async fn queue_task(
        &self,
        name: &str,
        inputs: Value,
        mut options: StartOptions,
    ) -> Result<Started> {
        self.fill_from_definitions(std::iter::once((name, &mut options)))
            .await?;
        let new = NewExecution::validated(Kind::Task, name, inputs, &options, None)?;
        let mut started = self.store.insert_executions(&[new]).await?;
        started
            .pop()
            .ok_or_else(|| Error::NotFound(name.to_owned()))
    }

    /// Queues many standalone tasks in one statement (one transaction, one NOTIFY), with the
    /// defaults of their definitions like [`Client::queue_task`].
    pub async fn queue_tasks(
        &self,
        mut tasks: Vec<(String, Value, StartOptions)>,
    ) -> Result<Vec<Started>> {
        self.fill_from_definitions(
            tasks
                .iter_mut()
                .map(|(name, _, options)| (name.as_str(), options)),
        )
        .await?;
        let new = tasks
            .into_iter()
            .map(|(name, inputs, options)| {
                NewExecution::validated(Kind::Task, &name, inputs, &options, None)
            })
            .collect::<Result<Vec<_>>>()?;
        self.store.insert_executions(&new).await
    }

    /// Registers task definitions: the defaults (`{"queue", "retries", "timeout"}`, as in a
    /// task manifest) that calls of each task get for the options they leave out, in
    /// workflows (`Task.run`) and in [`Client::queue_task`]. Replaces earlier definitions of the
    /// same names; workers see a change at their next step. Invalid defaults are refused and
    /// nothing is stored.
    pub async fn register_task_definitions(&self, definitions: &[TaskDefinition]) -> Result<()> {
        for d in definitions {
            validate::name("task name", &d.name)?;
            TaskDefaults::from_entry(&d.name, &d.defaults).map_err(|e| Error::Invalid {
                what: "task definition",
                reason: e.to_string(),
            })?;
        }
        self.store.register_task_definitions(definitions).await
    }

    /// Fills the options of standalone tasks left out from their registered definitions: the
    /// queue, the per-attempt timeout, and from `retries` the attempts (`max + 1`) and the
    /// backoff base (`initial`; standalone retries double each delay). Asks the store only when
    /// some option is missing.
    async fn fill_from_definitions<'a>(
        &self,
        tasks: impl Iterator<Item = (&'a str, &'a mut StartOptions)>,
    ) -> Result<()> {
        let open: Vec<(&str, &mut StartOptions)> = tasks
            // An invalid name is refused by the validation that follows, without a lookup.
            .filter(|(name, _)| validate::name("task name", name).is_ok())
            .filter(|(_, o)| {
                o.queue.is_none()
                    || o.timeout.is_none()
                    || o.max_attempts.is_none()
                    || o.backoff.is_none()
            })
            .collect();
        if open.is_empty() {
            return Ok(());
        }
        let mut names: Vec<String> = open.iter().map(|(n, _)| (*n).to_owned()).collect();
        names.sort();
        names.dedup();
        let mut known = HashMap::new();
        for d in self.store.task_definitions(&names).await? {
            match TaskDefaults::from_entry(&d.name, &d.defaults) {
                Ok(defaults) => {
                    known.insert(d.name, defaults);
                }
                Err(e) => tracing::warn!("ignoring a registered task definition: {e}"),
            }
        }
        for (name, options) in open {
            let Some(d) = known.get(name) else { continue };
            if options.queue.is_none() {
                options.queue.clone_from(&d.queue);
            }
            if options.timeout.is_none() {
                options.timeout = d
                    .timeout_ms
                    .map(|ms| Duration::from_millis(ms.ceil() as u64));
            }
            if let Some(policy) = &d.retries {
                if options.max_attempts.is_none() {
                    options.max_attempts = Some(policy.max.saturating_add(1));
                }
                if options.backoff.is_none() {
                    options.backoff = Some(Duration::from_millis(policy.initial_ms.ceil() as u64));
                }
            }
        }
        Ok(())
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
        self.store.upsert_workflow(name, &hash, source).await?;
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
            Some(v) if !self.store.workflow_version_exists(name, v).await? => {
                return Err(Error::UnknownWorkflow(format!("{name} (version {v})")));
            }
            Some(v) => v.clone(),
            None => self
                .store
                .newest_workflow(name)
                .await?
                .ok_or_else(|| Error::UnknownWorkflow(name.to_owned()))?,
        };
        let new = NewExecution::validated(Kind::Workflow, name, inputs, &options, Some(hash))?;
        let mut started = self.store.insert_executions(&[new]).await?;
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
        self.store.send_signal(id, name, &payload).await
    }

    /// What execution `id` is doing and why: where it waits (the await's place in its
    /// source), its frames and their variables, what it waits on with the reason in words,
    /// buffered signals, children and the newest 50 log lines. Reads only; takes no lock a
    /// worker could wait on. A saved state that cannot be read is reported in
    /// [`Inspection::state_error`], not as an error.
    pub async fn inspect(&self, id: &str) -> Result<Inspection> {
        self.inspect_with(id, RenderLimits::default(), 50, 20).await
    }

    /// The history of execution `id`, oldest first: every row, up to a million.
    pub async fn history(&self, id: &str) -> Result<Vec<HistoryEntry>> {
        validate::name("execution id", id)?;
        self.store.history(id, 1_000_000).await
    }

    /// [`Client::inspect`] with explicit render limits and numbers of log lines and history
    /// rows (the newest ones).
    pub async fn inspect_with(
        &self,
        id: &str,
        limits: RenderLimits,
        log_limit: i64,
        history_limit: i64,
    ) -> Result<Inspection> {
        validate::name("execution id", id)?;
        let data = self
            .store
            .inspect_data(
                id,
                log_limit.clamp(0, 10_000),
                history_limit.clamp(0, 1_000_000),
            )
            .await?;
        let compiled = match (&data.source, data.state.is_some()) {
            (Some(source), true) => Some(rhythm_interpreter::Program::compile(source)),
            _ => None,
        };
        let program = compiled.as_ref().and_then(|c| c.as_ref().ok());
        let mut inspection = inspect::build(data, program, limits);
        if let Some(Err(e)) = &compiled {
            inspection.state_error = Some(format!("its version's source does not compile: {e}"));
        }
        Ok(inspection)
    }

    /// Worker processes registered, live or seen within the last hour, oldest first.
    pub async fn workers(&self) -> Result<Vec<WorkerInfo>> {
        self.store.workers(3600).await
    }

    /// Per queue: ready, oldest ready age, delayed and in-flight work.
    pub async fn queues(&self) -> Result<Vec<QueueStats>> {
        self.store.queues().await
    }

    /// Reads one execution.
    pub async fn get(&self, id: &str) -> Result<Execution> {
        validate::name("execution id", id)?;
        self.store.get(id).await
    }

    /// Waits until the execution is terminal, woken by the store's [`Channel::Done`]
    /// notifications (`LISTEN rhythm_done` on Postgres) and re-reading the status every 500 ms
    /// in case a notification was missed (or the connection dropped).
    pub async fn wait(&self, id: &str, timeout: Duration) -> Result<Execution> {
        validate::name("execution id", id)?;
        let deadline = Instant::now() + timeout;
        // Listen before the first read, so a completion between the two is not missed.
        let mut listener = match self.store.listen(&[Channel::Done]).await {
            Ok(l) => Some(l),
            Err(e) => {
                tracing::debug!("wait: cannot listen, polling only: {e}");
                None
            }
        };
        loop {
            let execution = self.store.get(id).await?;
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
                                if n.may_have_finished(id) {
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
        self.store.cancel(id).await
    }

    /// Lists executions, newest first: the first page of [`Client::list_page`] (up to
    /// `filter.limit` rows, default 100, after `filter.after` when set).
    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<ExecutionSummary>> {
        Ok(self.list_page(filter).await?.executions)
    }

    /// One page of the executions matching `filter`, newest first by `(created_at, id)`, with
    /// the cursor of the next page (pass it as `filter.after`) when more rows match. Refuses
    /// a version that is not lowercase hex, and names and keys that could match nothing.
    pub async fn list_page(&self, filter: &ListFilter) -> Result<ListPage> {
        check_list_filter(filter)?;
        self.store.list(filter).await
    }
}

/// Checks a list filter's free-text fields before they reach the store.
fn check_list_filter(filter: &ListFilter) -> Result<()> {
    for (what, value) in [
        ("name", &filter.name),
        ("idempotency key", &filter.idempotency_key),
        ("parent id", &filter.parent_id),
    ] {
        if let Some(v) = value {
            validate::name(what, v)?;
        }
    }
    if let Some(v) = &filter.version {
        let hex = v.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if v.is_empty() || v.len() > 64 || !hex {
            return Err(Error::Invalid {
                what: "version",
                reason: format!(
                    "{v:?} is not a content hash (64 lowercase hex digits) or a prefix of one"
                ),
            });
        }
    }
    if let Some(doc) = &filter.inputs_contain {
        validate::payload("inputs match", doc)?;
    }
    Ok(())
}

/// The version of a workflow source: lowercase hex SHA-256 of its bytes.
pub fn content_hash(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}
