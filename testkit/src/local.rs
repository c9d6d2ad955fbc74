//! Serving a single workflow run from command-line stubs, for `rhythm run`:
//! `--task NAME=JSON` (every call of the task gives JSON) and `--signal NAME=JSON@DURATION`
//! (the signal arrives DURATION after the start). Time is the kit's fake clock started at
//! `start_ms`, so timers and timeouts pass at once.
//!
//! Wiring in `rhythm run`: parse each flag with [`parse_task_arg`] / [`parse_signal_arg`]
//! (errors are usage errors, exit 2), call [`run_local`] with the file's source, print
//! `logs` to stderr and `output` as JSON on stdout when `status` is `completed`; otherwise
//! render `error` (status `failed` / `cancelled`, exit 1) or say that the workflow still
//! waits (status `waiting`, exit 1). A [`KitError`] (a task with no `--task`, a child workflow
//! that is not stubbed, a compile error) is reported as it is, exit 1.

use std::sync::Arc;

use rhythm_engine::duration::parse_duration;
use rhythm_interpreter::Limits;
use rhythm_interpreter::effects::{EpochMillis, Json};

use crate::kit::{Kit, KitError, KitStatus};
use rhythm_engine::TaskDefinitions;

use crate::registry::{Compiler, Registry, SharedVm};
use crate::stub::Stub;

/// What `rhythm run` serves.
#[derive(Debug, Clone, Default)]
pub struct LocalRun {
    /// Task outputs by name (`--task NAME=JSON`).
    pub tasks: Vec<(String, Json)>,
    /// Child workflow outputs by name.
    pub workflows: Vec<(String, Json)>,
    /// Signals: name, payload, milliseconds after the start (`--signal NAME=JSON@DURATION`).
    pub signals: Vec<(String, Json, f64)>,
    /// When the fake clock starts (milliseconds since the Unix epoch; usually the real now).
    pub start_ms: EpochMillis,
    /// Interpreter limits.
    pub limits: Limits,
    /// The defaults of the task definitions (from the nearest `.rhythm/tasks.json`).
    pub task_defaults: TaskDefinitions,
}

/// How the run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalReport {
    /// `completed`, `failed`, `cancelled` or `waiting`.
    pub status: &'static str,
    /// The output, when completed.
    pub output: Option<Json>,
    /// The error, when failed or cancelled.
    pub error: Option<Json>,
    /// `console.log` lines.
    pub logs: Vec<String>,
    /// The readable timeline.
    pub timeline: String,
    /// Fake time the run took, in milliseconds.
    pub elapsed_ms: f64,
}

struct LimitedCompiler(Limits);

impl Compiler for LimitedCompiler {
    fn compile(&self, _name: &str, source: &str) -> Result<SharedVm, String> {
        rhythm_engine::FlowVm::compile(source)
            .map(|vm| Arc::new(vm.with_limits(self.0.clone())) as SharedVm)
            .map_err(|e| e.to_string())
    }
}

/// Runs the workflow `name` (its `source`) with `inputs` until it ends or waits with nothing
/// left to happen.
pub fn run_local(
    name: &str,
    source: &str,
    inputs: Json,
    run: LocalRun,
) -> Result<LocalReport, KitError> {
    let mut registry = Registry::new(Arc::new(LimitedCompiler(run.limits.clone())));
    registry.add(name, source);
    let mut kit = Kit::new(registry)
        .with_start(run.start_ms)
        .with_task_defaults(run.task_defaults);
    for (task, output) in run.tasks {
        kit.stub_task(&task, Stub::output(output));
    }
    for (workflow, output) in run.workflows {
        kit.stub_workflow(&workflow, Stub::output(output));
    }
    let id = kit.start(name, inputs)?;
    for (signal, payload, after) in run.signals {
        kit.signal_after(id, after, &signal, payload);
    }
    kit.run_until_done(id)?;
    let status = match kit.status(id) {
        Some(KitStatus::Completed) => "completed",
        Some(KitStatus::Failed) => "failed",
        Some(KitStatus::Cancelled) => "cancelled",
        _ => "waiting",
    };
    Ok(LocalReport {
        status,
        output: kit.output(id).cloned(),
        error: kit.error(id).cloned(),
        logs: kit.logs(id).to_vec(),
        timeline: kit.timeline().to_string(),
        elapsed_ms: kit.elapsed_ms(),
    })
}

/// Parses `NAME=JSON` (`--task`).
pub fn parse_task_arg(arg: &str) -> Result<(String, Json), String> {
    let (name, json) = arg.split_once('=').ok_or_else(|| {
        format!("`{arg}`: expected NAME=JSON, such as process-payment='{{\"id\":\"p1\"}}'")
    })?;
    if name.is_empty() {
        return Err(format!("`{arg}`: the name is empty"));
    }
    let value = serde_json::from_str(json)
        .map_err(|e| format!("`{arg}`: the value is not valid JSON: {e}"))?;
    Ok((name.to_owned(), value))
}

/// Parses `NAME=JSON@DURATION` (`--signal`); `@DURATION` may be left out (at the start).
pub fn parse_signal_arg(arg: &str) -> Result<(String, Json, f64), String> {
    let (rest, at) = match arg.rsplit_once('@') {
        Some((rest, at)) if parse_duration(at).is_some() => {
            (rest, parse_duration(at).unwrap_or(0.0))
        }
        Some((_, at)) if !arg.ends_with('}') && !arg.ends_with(']') && !at.contains('"') => {
            return Err(format!(
                "`{arg}`: bad duration `{at}` (expected e.g. 30s, 1h30m, 500ms)"
            ));
        }
        _ => (arg, 0.0),
    };
    let (name, value) = parse_task_arg(rest)?;
    Ok((name, value, at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_flags() {
        assert_eq!(
            parse_task_arg("pay={\"id\":1}").unwrap(),
            ("pay".into(), json!({ "id": 1 }))
        );
        assert!(parse_task_arg("pay").is_err());
        assert!(parse_task_arg("pay={").is_err());
        assert_eq!(
            parse_signal_arg("ok=true@1h").unwrap(),
            ("ok".into(), json!(true), 3_600_000.0)
        );
        assert_eq!(
            parse_signal_arg("ok={\"a\":\"x@y\"}").unwrap(),
            ("ok".into(), json!({ "a": "x@y" }), 0.0)
        );
        assert!(parse_signal_arg("ok=true@soon").is_err());
    }

    #[test]
    fn serves_a_real_workflow() {
        let source = "const p = await Task.run(\"pay\", {})\nconst a = await Signal.next(\"ok\", { timeout: \"1d\" })\nconsole.log(\"approved\")\nreturn { p, a }\n";
        let run = LocalRun {
            tasks: vec![("pay".into(), json!("p1"))],
            signals: vec![("ok".into(), json!(true), 3_600_000.0)],
            start_ms: 0.0,
            ..LocalRun::default()
        };
        let report = run_local("wf", source, json!({}), run).unwrap();
        assert_eq!(report.status, "completed");
        assert_eq!(report.output, Some(json!({ "p": "p1", "a": true })));
        assert_eq!(report.logs, vec!["approved"]);
        assert_eq!(report.elapsed_ms, 3_600_000.0);
        let missing = run_local("wf", source, json!({}), LocalRun::default()).unwrap_err();
        assert!(matches!(missing, KitError::NoStub { .. }));
    }
}
