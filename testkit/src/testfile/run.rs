//! Running one case in a fresh kit and checking its expectations.

use rhythm_engine::duration::format_duration;
use rhythm_interpreter::effects::Json;
use similar::{ChangeTag, TextDiff};

use super::{Case, CaseEvent, StatusSpec, TestFile};
use crate::kit::{Kit, KitStatus};
use crate::matching::{json_eq, json_subset};

/// How a case went.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseReport {
    /// The case's name.
    pub name: String,
    /// What did not hold (empty when the case passed).
    pub failures: Vec<String>,
    /// The root execution's log.
    pub logs: Vec<String>,
    /// The rendered timeline.
    pub timeline: String,
}

impl CaseReport {
    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs `case` of `file` in a fresh kit.
pub fn run_case(file: &TestFile, case: &Case) -> CaseReport {
    let mut kit = Kit::new(file.registry.clone())
        .with_start(case.start_ms)
        .with_task_defaults(file.task_defaults.clone());
    for (name, stub) in &case.tasks {
        kit.stub_task(name, stub.clone());
    }
    for (name, stub) in &case.workflows {
        kit.stub_workflow(name, stub.clone());
    }
    let mut failures = Vec::new();
    let root = match kit.start(&case.workflow, case.inputs.clone()) {
        Ok(id) => Some(id),
        Err(e) => {
            failures.push(e.to_string());
            None
        }
    };
    let mut logs = Vec::new();
    if let Some(root) = root {
        for (at, event) in &case.events {
            let after = (case.start_ms + at - kit.now()).max(0.0);
            match event {
                CaseEvent::Signal { name, payload } => {
                    kit.signal_after(root, after, name, payload.clone())
                }
                CaseEvent::Cancel => kit.cancel_after(root, after),
            }
        }
        if failures.is_empty()
            && let Err(e) = kit.run_until_done(root)
        {
            failures.push(e.to_string());
        }
        if failures.is_empty() {
            check(&kit, root, case, &mut failures);
        }
        logs = kit.logs(root).to_vec();
    }
    CaseReport {
        name: case.name.clone(),
        failures,
        logs,
        timeline: kit.timeline().to_string(),
    }
}

fn check(kit: &Kit, root: crate::ExecId, case: &Case, failures: &mut Vec<String>) {
    let x = &case.expect;
    let status = kit.status(root).unwrap_or(KitStatus::Waiting);
    if let Some(expected) = x.status {
        let actual = match status {
            KitStatus::Running | KitStatus::Waiting => StatusSpec::Waiting,
            KitStatus::Completed => StatusSpec::Completed,
            KitStatus::Failed => StatusSpec::Failed,
            KitStatus::Cancelled => StatusSpec::Cancelled,
        };
        if actual != expected {
            let mut msg = format!(
                "status: expected {}, got {}",
                expected.name(),
                actual.name()
            );
            if let Some(error) = kit.error(root) {
                msg.push_str(&format!("\n  error: {error}"));
            }
            failures.push(msg);
        }
    }
    if let Some(expected) = &x.output {
        match kit.output(root) {
            Some(actual) if json_eq(expected, actual) => {}
            Some(actual) => failures.push(format!(
                "output differs (- expected, + actual):\n{}",
                diff(expected, actual)
            )),
            None => failures.push(format!(
                "output: expected {expected}, but the execution is {}{}",
                status.name(),
                kit.error(root)
                    .map(|e| format!(" with error {e}"))
                    .unwrap_or_default()
            )),
        }
    }
    if let Some(expected) = &x.error {
        match kit.error(root) {
            Some(actual) if json_subset(expected, actual) => {}
            Some(actual) => failures.push(format!(
                "error does not match (- expected fields, + actual error):\n{}",
                diff(expected, actual)
            )),
            None => failures.push(format!(
                "error: expected {expected}, but the execution is {} with no error",
                status.name()
            )),
        }
    }
    if let Some(expected) = &x.calls {
        let actual = kit.call_names();
        if &actual != expected {
            failures.push(format!(
                "calls differ (- expected, + actual):\n{}",
                diff(&Json::from(expected.clone()), &Json::from(actual))
            ));
        }
    }
    if let Some(expected) = x.elapsed_ms {
        let actual = kit.elapsed_ms();
        if (actual - expected).abs() > 1e-6 {
            failures.push(format!(
                "elapsed: expected {}, got {}",
                format_duration(expected),
                format_duration(actual)
            ));
        }
    }
    if let Some(expected) = &x.logs {
        let actual = kit.logs(root);
        if actual != expected.as_slice() {
            failures.push(format!(
                "logs differ (- expected, + actual):\n{}",
                line_diff(&expected.join("\n"), &actual.join("\n"))
            ));
        }
    }
}

/// A line diff of two values pretty-printed as JSON (the expected object's keys are shown in
/// the actual value's order, so only real differences show). Lines start with `-` (expected
/// only), `+` (actual only) or a space.
pub fn diff(expected: &Json, actual: &Json) -> String {
    let e = serde_json::to_string_pretty(&align(expected, actual)).unwrap_or_default();
    let a = serde_json::to_string_pretty(actual).unwrap_or_default();
    line_diff(&e, &a)
}

fn line_diff(expected: &str, actual: &str) -> String {
    let mut out = String::new();
    for change in TextDiff::from_lines(expected, actual).iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
            ChangeTag::Equal => ' ',
        };
        out.push_str(&format!("  {sign} {}", change.value()));
        if !change.value().ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// `expected` with its object keys reordered to follow `actual` (extra keys last).
fn align(expected: &Json, actual: &Json) -> Json {
    match (expected, actual) {
        (Json::Object(e), Json::Object(a)) => {
            let mut out = serde_json::Map::new();
            for (k, av) in a {
                if let Some(ev) = e.get(k) {
                    out.insert(k.clone(), align(ev, av));
                }
            }
            for (k, ev) in e {
                if !a.contains_key(k) {
                    out.insert(k.clone(), ev.clone());
                }
            }
            Json::Object(out)
        }
        (Json::Array(e), Json::Array(a)) => Json::Array(
            e.iter()
                .enumerate()
                .map(|(i, ev)| a.get(i).map_or_else(|| ev.clone(), |av| align(ev, av)))
                .collect(),
        ),
        _ => expected.clone(),
    }
}
