//! `NativeEnvironment`: the in-memory test kit ([`rhythm_testkit::Kit`]) for `rhythm.testing`.
//!
//! Stubs are fixed results or Python callables; a callable is called with the GIL held while the
//! kit runs (`(name, inputs_json, attempt, index) -> (ok, json_text, takes_ms)`), which is how
//! real `@task` functions run on the fake clock.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use rhythm_engine::TaskDefaults;
use rhythm_testkit::{ExecId, Kit, KitError, Registry, Stub, StubCall, StubResult, flow_compiler};
use serde_json::{Value as Json, json};

create_exception!(
    _native,
    WorkflowTestError,
    PyException,
    "The test kit stopped: a task with no stub, an unknown workflow, a compile error or a refused event."
);

/// Parses a duration (`"1h30m"`, `"500ms"`, a bare number of seconds) into milliseconds.
#[pyfunction]
pub fn parse_duration_ms(text: &str) -> PyResult<f64> {
    rhythm_engine::duration::parse_duration(text).ok_or_else(|| {
        PyValueError::new_err(format!(
            "invalid duration {text:?} (try \"30s\", \"1h30m\", \"500ms\")"
        ))
    })
}

/// Checks the defaults of a task definition (`{"queue", "retries", "timeout"}` as JSON text),
/// with the parser the engine uses; raises `ValueError` naming the task and the option.
#[pyfunction]
pub fn check_task_defaults(name: &str, defaults_json: &str) -> PyResult<()> {
    task_defaults(name, defaults_json).map(drop)
}

fn task_defaults(name: &str, defaults_json: &str) -> PyResult<TaskDefaults> {
    let entry = parse_json("the task defaults", defaults_json)?;
    TaskDefaults::from_entry(name, &entry).map_err(|e| PyValueError::new_err(e.to_string()))
}

fn parse_json(what: &str, text: &str) -> PyResult<Json> {
    serde_json::from_str(text)
        .map_err(|e| PyValueError::new_err(format!("{what} is not valid JSON: {e}")))
}

fn kit_error(err: KitError) -> PyErr {
    WorkflowTestError::new_err(err.to_string())
}

/// One fixed stub result as Python gives it: `(ok, json_text, takes_ms)`.
type RawResult = (bool, String, f64);

fn stub_result((ok, text, takes_ms): RawResult) -> PyResult<StubResult> {
    let value = parse_json("a stub result", &text)?;
    let result = if ok {
        StubResult::output(value)
    } else {
        StubResult::error(value)
    };
    Ok(result.takes(takes_ms))
}

/// Calls a Python stub callable; a callable that raises (or returns the wrong shape) fails the
/// attempt with a `StubError`.
fn call_python(callable: &Py<PyAny>, call: &StubCall<'_>) -> StubResult {
    Python::attach(|py| {
        let inputs = call.inputs.to_string();
        let returned = callable
            .call1(py, (call.name, inputs, call.attempt, call.index))
            .and_then(|r| r.extract::<RawResult>(py));
        match returned {
            Ok((ok, text, takes_ms)) => match serde_json::from_str::<Json>(&text) {
                Ok(value) if ok => StubResult::output(value).takes(takes_ms),
                Ok(value) => StubResult::error(value).takes(takes_ms),
                Err(e) => StubResult::error(
                    json!({"type": "StubError", "message": format!("stub returned invalid JSON: {e}")}),
                ),
            },
            Err(e) => StubResult::error(json!({"type": "StubError", "message": e.to_string()})),
        }
    })
}

/// The test kit behind `rhythm.testing.WorkflowEnvironment`.
#[pyclass(module = "rhythm._native")]
pub struct NativeEnvironment {
    kit: Mutex<Kit>,
}

impl NativeEnvironment {
    fn kit(&self) -> PyResult<MutexGuard<'_, Kit>> {
        self.kit.try_lock().map_err(|_| {
            WorkflowTestError::new_err(
                "the environment is busy (a task called back into the environment it runs in)",
            )
        })
    }

    fn stub(&self, kind: &str, name: &str, stub: Stub) -> PyResult<()> {
        let mut kit = self.kit()?;
        match kind {
            "task" => kit.stub_task(name, stub),
            "workflow" => kit.stub_workflow(name, stub),
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown stub kind {other:?}"
                )));
            }
        };
        Ok(())
    }
}

#[pymethods]
impl NativeEnvironment {
    /// A kit loading every `*.flow` file of `workflow_dirs` (the first folder wins a name).
    #[new]
    #[pyo3(signature = (workflow_dirs, start_ms=None, seed=None))]
    fn new(workflow_dirs: Vec<String>, start_ms: Option<f64>, seed: Option<u64>) -> PyResult<Self> {
        let mut registry = Registry::new(flow_compiler());
        for dir in &workflow_dirs {
            registry.load_dir(Path::new(dir)).map_err(|e| {
                PyValueError::new_err(format!("cannot load workflows from {dir}: {e}"))
            })?;
        }
        let mut kit = Kit::new(registry);
        if let Some(start) = start_ms {
            kit = kit.with_start(start);
        }
        if let Some(seed) = seed {
            kit = kit.with_seed(seed);
        }
        Ok(Self {
            kit: Mutex::new(kit),
        })
    }

    /// Adds (or replaces) workflow `name` from source text.
    fn add_workflow(&self, name: &str, source: &str) -> PyResult<String> {
        Ok(self.kit()?.registry_mut().add(name, source))
    }

    /// The loaded workflow names, sorted.
    fn workflow_names(&self) -> PyResult<Vec<String>> {
        let mut kit = self.kit()?;
        let mut names: Vec<String> = kit.registry_mut().names().map(str::to_owned).collect();
        names.sort();
        Ok(names)
    }

    /// Stubs a task (`kind = "task"`) or child workflow (`"workflow"`) with fixed results: one
    /// repeats for every attempt; several are used in turn, the last repeating.
    fn stub_results(&self, kind: &str, name: &str, results: Vec<RawResult>) -> PyResult<()> {
        let mut fixed = results
            .into_iter()
            .map(stub_result)
            .collect::<PyResult<Vec<_>>>()?;
        let stub = match fixed.len() {
            0 => return Err(PyValueError::new_err("a stub needs at least one result")),
            1 => Stub::Always(fixed.remove(0)),
            _ => Stub::Sequence(fixed),
        };
        self.stub(kind, name, stub)
    }

    /// Sets the defaults of the definition of task `name` (`{"queue", "retries", "timeout"}`
    /// as JSON text), used by calls that leave those options out.
    fn set_task_defaults(&self, name: &str, defaults_json: &str) -> PyResult<()> {
        let defaults = task_defaults(name, defaults_json)?;
        self.kit()?.set_task_defaults(name, defaults);
        Ok(())
    }

    /// Stubs a task or child workflow with a Python callable.
    fn stub_callable(&self, kind: &str, name: &str, callable: Py<PyAny>) -> PyResult<()> {
        self.stub(
            kind,
            name,
            Stub::func(move |call| call_python(&callable, call)),
        )
    }

    /// Starts workflow `name` with `inputs_json`; returns the execution number.
    fn start(&self, name: &str, inputs_json: &str) -> PyResult<usize> {
        let inputs = parse_json("inputs", inputs_json)?;
        Ok(self.kit()?.start(name, inputs).map_err(kit_error)?.0)
    }

    /// Sends a signal now.
    fn signal(&self, exec: usize, name: &str, payload_json: &str) -> PyResult<()> {
        let payload = parse_json("the signal payload", payload_json)?;
        self.kit()?
            .signal(ExecId(exec), name, payload)
            .map_err(kit_error)
    }

    /// Schedules a signal `after_ms` of fake time from now.
    fn signal_after(
        &self,
        exec: usize,
        after_ms: f64,
        name: &str,
        payload_json: &str,
    ) -> PyResult<()> {
        let payload = parse_json("the signal payload", payload_json)?;
        self.kit()?
            .signal_after(ExecId(exec), after_ms, name, payload);
        Ok(())
    }

    /// Asks to cancel now.
    fn cancel(&self, exec: usize) -> PyResult<()> {
        self.kit()?.cancel(ExecId(exec)).map_err(kit_error)
    }

    /// Runs what is due within `ms` of fake time and moves the clock by `ms`.
    fn advance(&self, ms: f64) -> PyResult<()> {
        self.kit()?.advance(ms).map_err(kit_error)
    }

    /// Runs until nothing is scheduled.
    fn run_until_idle(&self) -> PyResult<()> {
        self.kit()?.run_until_idle().map_err(kit_error)
    }

    /// Runs until `exec` ends or nothing is scheduled.
    fn run_until_done(&self, exec: usize) -> PyResult<()> {
        self.kit()?.run_until_done(ExecId(exec)).map_err(kit_error)
    }

    /// `running`, `waiting`, `completed`, `failed` or `cancelled`.
    fn status(&self, exec: usize) -> PyResult<String> {
        let kit = self.kit()?;
        let status = kit
            .status(ExecId(exec))
            .ok_or_else(|| PyValueError::new_err(format!("unknown execution {exec}")))?;
        Ok(status.name().to_owned())
    }

    /// The output of a completed execution, as JSON text.
    fn output(&self, exec: usize) -> PyResult<Option<String>> {
        Ok(self.kit()?.output(ExecId(exec)).map(Json::to_string))
    }

    /// The error of a failed or cancelled execution, as JSON text.
    fn error(&self, exec: usize) -> PyResult<Option<String>> {
        Ok(self.kit()?.error(ExecId(exec)).map(Json::to_string))
    }

    /// Every task attempt, as JSON text: `[{execution, task, attempt, inputs, at_ms}]`.
    fn calls(&self) -> PyResult<String> {
        let kit = self.kit()?;
        let calls: Vec<Json> = kit
            .calls()
            .iter()
            .map(|c| {
                json!({"execution": c.execution.0, "task": c.task, "attempt": c.attempt,
                       "inputs": c.inputs, "at_ms": c.at_ms})
            })
            .collect();
        Ok(Json::Array(calls).to_string())
    }

    /// `console.log` lines of `exec`.
    fn logs(&self, exec: usize) -> PyResult<Vec<String>> {
        Ok(self.kit()?.logs(ExecId(exec)).to_vec())
    }

    /// The readable timeline of everything that happened.
    fn timeline(&self) -> PyResult<String> {
        Ok(self.kit()?.timeline().to_string())
    }

    /// Fake time passed since the start, in milliseconds.
    fn elapsed_ms(&self) -> PyResult<f64> {
        Ok(self.kit()?.elapsed_ms())
    }

    /// The fake clock, in milliseconds since the Unix epoch.
    fn now_ms(&self) -> PyResult<f64> {
        Ok(self.kit()?.now())
    }
}
