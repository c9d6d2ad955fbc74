//! `NativeWorker`: the runtime's embeddable [`rhythm_runtime::Worker`] with Python task
//! handlers, for `rhythm.Worker`.
//!
//! Claims, leases, heartbeats and results stay in Rust on a private tokio runtime; each attempt
//! calls its Python callable (`inputs_json -> (ok, json_text)`) on tokio's blocking thread pool,
//! taking the GIL only for the call. `run` blocks with the GIL released until `stop` is called
//! or the process gets SIGINT/SIGTERM, then shuts down gracefully.

// The runtime's handler trait returns `Result<Value, TaskError>`; this module follows it.
#![allow(clippy::result_large_err)]

use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rhythm_runtime::{TaskError, Worker, WorkerOptions};
use serde_json::{Value as Json, json};
use tokio::sync::oneshot;

use crate::client::RhythmError;

/// Runs one attempt in Python; any problem calling it becomes a retryable `WorkerError`.
fn call_python(callable: &Py<PyAny>, inputs: &Json) -> Result<Json, TaskError> {
    let returned = Python::attach(|py| {
        callable
            .call1(py, (inputs.to_string(),))
            .and_then(|r| r.extract::<(bool, String)>(py))
    });
    let (ok, text) =
        returned.map_err(|e| TaskError::new("WorkerError", format!("calling the task: {e}")))?;
    let value: Json = serde_json::from_str(&text)
        .map_err(|e| TaskError::new("WorkerError", format!("task result is not JSON: {e}")))?;
    if ok {
        return Ok(value);
    }
    let field = |k: &str| {
        value
            .get(k)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let mut error = TaskError::new(field("type"), field("message"));
    if let Some(traceback) = value.get("traceback") {
        error.details = Some(json!({ "traceback": traceback }));
    }
    Err(error)
}

/// A worker serving Python task functions.
#[pyclass(module = "rhythm._native")]
pub struct NativeWorker {
    runtime: tokio::runtime::Runtime,
    worker: Mutex<Option<Worker>>,
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

#[pymethods]
impl NativeWorker {
    /// Connects a worker for `queues` running `concurrency` attempts at once.
    #[new]
    #[pyo3(signature = (database_url, queues, concurrency=None, serve_workflows=true))]
    fn new(
        py: Python<'_>,
        database_url: &str,
        queues: Vec<String>,
        concurrency: Option<usize>,
        serve_workflows: bool,
    ) -> PyResult<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| RhythmError::new_err(format!("cannot start the tokio runtime: {e}")))?;
        let mut options = WorkerOptions {
            queues,
            serve_workflows,
            ..WorkerOptions::default()
        };
        if let Some(n) = concurrency {
            if n == 0 {
                return Err(PyValueError::new_err("concurrency must be at least 1"));
            }
            options.concurrency = n;
        }
        let url = database_url.to_owned();
        let worker = py
            .detach(|| runtime.block_on(Worker::connect(&url, options)))
            .map_err(|e| RhythmError::new_err(e.to_string()))?;
        Ok(Self {
            runtime,
            worker: Mutex::new(Some(worker)),
            stop: Mutex::new(None),
        })
    }

    /// Serves task `name` with `callable(inputs_json) -> (ok, json_text)`.
    fn register(&self, name: &str, callable: Py<PyAny>) -> PyResult<()> {
        let callable = Arc::new(callable);
        let mut guard = self
            .worker
            .lock()
            .map_err(|_| RhythmError::new_err("worker lock poisoned"))?;
        let worker = guard
            .as_mut()
            .ok_or_else(|| RhythmError::new_err("the worker already ran"))?;
        worker.register(name, move |inputs: Json| {
            let callable = Arc::clone(&callable);
            async move {
                tokio::task::spawn_blocking(move || call_python(&callable, &inputs))
                    .await
                    .map_err(|e| TaskError::new("WorkerError", format!("task thread: {e}")))?
            }
        });
        Ok(())
    }

    /// Runs until `stop()` or SIGINT/SIGTERM, with the GIL released; returns the counts
    /// `{claimed, completed, failed, retried}`.
    fn run(&self, py: Python<'_>) -> PyResult<String> {
        let worker = self
            .worker
            .lock()
            .map_err(|_| RhythmError::new_err("worker lock poisoned"))?
            .take()
            .ok_or_else(|| RhythmError::new_err("the worker already ran"))?;
        let (tx, rx) = oneshot::channel();
        *self
            .stop
            .lock()
            .map_err(|_| RhythmError::new_err("worker lock poisoned"))? = Some(tx);
        let stats = py.detach(|| {
            self.runtime.block_on(worker.run_until(async move {
                tokio::select! {
                    _ = rx => {}
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate() => {}
                }
            }))
        });
        let stats = stats.map_err(|e| RhythmError::new_err(e.to_string()))?;
        Ok(
            json!({"claimed": stats.claimed, "completed": stats.completed,
                  "failed": stats.failed, "retried": stats.retried})
            .to_string(),
        )
    }

    /// Asks a running worker to shut down gracefully (callable from any thread).
    fn stop(&self) -> PyResult<()> {
        if let Some(tx) = self
            .stop
            .lock()
            .map_err(|_| RhythmError::new_err("worker lock poisoned"))?
            .take()
        {
            let _ = tx.send(());
        }
        Ok(())
    }
}

/// Resolves on SIGTERM (never elsewhere, or when the handler cannot be installed).
async fn terminate() {
    #[cfg(unix)]
    {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
            return;
        }
    }
    std::future::pending::<()>().await;
}
