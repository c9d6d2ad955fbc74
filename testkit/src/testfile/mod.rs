//! Declarative test files (`*.test.toml`, see `test-files.md`): reading them into cases,
//! running the cases in the kit, and reporting.

mod report;
mod run;
mod spec;

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rhythm_engine::TaskDefinitions;
use rhythm_interpreter::effects::Json;
use toml::Spanned;

use crate::registry::{Compiler, Registry};
use crate::stub::{Stub, StubResult};

pub use report::{Summary, find_test_files, run_paths};
pub use run::{CaseReport, diff as json_diff, run_case};
pub use spec::StatusSpec;

/// A malformed test file: where and what.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct Malformed {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// Something that happens from outside during a case.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseEvent {
    /// A signal with its payload.
    Signal {
        /// Signal name.
        name: String,
        /// Payload.
        payload: Json,
    },
    /// A client cancels the execution.
    Cancel,
}

/// What a case expects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expect {
    /// Status.
    pub status: Option<StatusSpec>,
    /// Exact output.
    pub output: Option<Json>,
    /// Subset of the error.
    pub error: Option<Json>,
    /// Task names, one per attempt.
    pub calls: Option<Vec<String>>,
    /// Elapsed fake time, in milliseconds.
    pub elapsed_ms: Option<f64>,
    /// Log lines.
    pub logs: Option<Vec<String>>,
}

/// One case, ready to run.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its name.
    pub name: String,
    /// The workflow name in the file's registry.
    pub workflow: String,
    /// The inputs.
    pub inputs: Json,
    /// Where the clock starts (milliseconds since the Unix epoch).
    pub start_ms: f64,
    /// Task stubs.
    pub tasks: BTreeMap<String, Stub>,
    /// Child workflow stubs.
    pub workflows: BTreeMap<String, Stub>,
    /// Outside events, with their time from the start in milliseconds.
    pub events: Vec<(f64, CaseEvent)>,
    /// Expectations.
    pub expect: Expect,
}

/// A test file, read and checked.
#[derive(Debug, Clone)]
pub struct TestFile {
    /// Its path.
    pub path: PathBuf,
    /// Its cases.
    pub cases: Vec<Case>,
    /// The workflows its cases can run.
    pub registry: Registry,
    /// The defaults of the task definitions of the nearest `.rhythm/tasks.json`, if any.
    pub task_defaults: TaskDefinitions,
}

/// The 1-based line and column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    fn at(&self, span: Range<usize>, message: impl Into<String>) -> Malformed {
        let (line, column) = line_column(self.text, span.start);
        Malformed {
            path: self.path.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// Reads and checks the test file at `path`; its workflows compile with `compiler`.
pub fn load(path: &Path, compiler: Arc<dyn Compiler>) -> Result<TestFile, Malformed> {
    let text = std::fs::read_to_string(path).map_err(|e| Malformed {
        path: path.to_owned(),
        line: 1,
        column: 1,
        message: format!("cannot read the file: {e}"),
    })?;
    parse(path, &text, compiler)
}

/// Reads and checks a test file's text (`path` places it: folders resolve next to it).
pub fn parse(path: &Path, text: &str, compiler: Arc<dyn Compiler>) -> Result<TestFile, Malformed> {
    let cx = Ctx { path, text };
    let spec: spec::FileSpec = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        cx.at(span, e.message().trim().to_owned())
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut registry = Registry::new(compiler);
    match &spec.workflows {
        Some(folders) => {
            for folder in folders.get_ref() {
                let dir = base.join(folder);
                registry
                    .load_dir(&dir)
                    .map_err(|e| cx.at(folders.span(), e.to_string()))?;
            }
        }
        None => {
            for folder in ["workflows", "."] {
                let dir = base.join(folder);
                if dir.is_dir() {
                    registry
                        .load_dir(&dir)
                        .map_err(|e| cx.at(0..0, e.to_string()))?;
                }
            }
        }
    }
    let mut cases = Vec::new();
    for case in spec.cases {
        cases.push(convert_case(&cx, &base, &mut registry, case)?);
    }
    let task_defaults = crate::manifest::task_defaults_near(&base).map_err(|e| Malformed {
        path: e.path,
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    Ok(TestFile {
        path: path.to_owned(),
        cases,
        registry,
        task_defaults,
    })
}

fn convert_case(
    cx: &Ctx<'_>,
    base: &Path,
    registry: &mut Registry,
    case: spec::CaseSpec,
) -> Result<Case, Malformed> {
    let workflow_span = case.workflow.span();
    let workflow = case.workflow.into_inner();
    let is_path = workflow.ends_with(".flow") || workflow.contains('/') || workflow.contains('\\');
    let name = if is_path {
        let file = base.join(&workflow);
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        registry
            .load_file_as(&stem, &file)
            .map_err(|e| cx.at(workflow_span.clone(), format!("unknown workflow: {e}")))?;
        stem
    } else {
        if !registry.contains(&workflow) {
            let known: Vec<&str> = registry.names().collect();
            let known = if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            };
            return Err(cx.at(
                workflow_span,
                format!("unknown workflow \"{workflow}\" (known: {known})"),
            ));
        }
        workflow
    };
    let start_ms = match &case.start {
        None => crate::kit::DEFAULT_START_MS,
        Some(start) => chrono::DateTime::parse_from_rfc3339(start.get_ref())
            .map(|t| t.timestamp_millis() as f64)
            .map_err(|e| {
                cx.at(
                    start.span(),
                    format!("bad start instant \"{}\": {e}", start.get_ref()),
                )
            })?,
    };
    let tasks = convert_stubs(cx, case.tasks)?;
    let workflows = convert_stubs(cx, case.workflows)?;
    let mut events = Vec::new();
    for event in case.events {
        let span = event.span();
        let e = event.into_inner();
        let kind = match (e.signal, e.cancel) {
            (Some(name), None | Some(false)) => {
                let payload = match (e.payload, e.payload_json) {
                    (Some(_), Some(_)) => {
                        return Err(
                            cx.at(span, "an event takes `payload` or `payload_json`, not both")
                        );
                    }
                    (Some(p), None) => p,
                    (None, Some(p)) => p.0,
                    (None, None) => Json::Null,
                };
                CaseEvent::Signal { name, payload }
            }
            (None, Some(true)) => {
                if e.payload.is_some() || e.payload_json.is_some() {
                    return Err(cx.at(span, "a cancel event takes no payload"));
                }
                CaseEvent::Cancel
            }
            _ => {
                return Err(cx.at(
                    span,
                    "an event needs exactly one of `signal = \"name\"` or `cancel = true`",
                ));
            }
        };
        events.push((e.at.0, kind));
    }
    let x = case.expect;
    let output = match (x.output, x.output_json) {
        (Some(_), Some(o)) => {
            return Err(cx.at(
                o.span(),
                "`expect` takes `output` or `output_json`, not both",
            ));
        }
        (Some(o), None) => Some(o),
        (None, Some(o)) => Some(o.into_inner().0),
        (None, None) => None,
    };
    Ok(Case {
        name: case.name,
        workflow: name,
        inputs: case.inputs.unwrap_or(Json::Object(serde_json::Map::new())),
        start_ms,
        tasks,
        workflows,
        events,
        expect: Expect {
            status: x.status,
            output,
            error: x.error,
            calls: x.calls,
            elapsed_ms: x.elapsed.map(|d| d.0),
            logs: x.logs,
        },
    })
}

fn convert_stubs(
    cx: &Ctx<'_>,
    stubs: BTreeMap<String, Spanned<spec::StubSpec>>,
) -> Result<BTreeMap<String, Stub>, Malformed> {
    let mut out = BTreeMap::new();
    for (name, stub) in stubs {
        let span = stub.span();
        let attempts = match stub.into_inner() {
            spec::StubSpec::One(a) => vec![*a],
            spec::StubSpec::Many(many) => many,
        };
        let mut results = Vec::new();
        for a in attempts {
            if let Some(conflict) = a.conflict() {
                return Err(cx.at(span, conflict));
            }
            let takes = a.takes.map_or(0.0, |d| d.0);
            let result = match (a.output, a.output_json, a.error) {
                (_, _, Some(error)) => {
                    if !error.is_object() {
                        return Err(cx.at(span, "a stub `error` must be a table such as { type = \"Flaky\", message = \"try again\" }"));
                    }
                    StubResult::error(error)
                }
                (Some(o), _, None) => StubResult::output(o),
                (None, Some(o), None) => StubResult::output(o.0),
                (None, None, None) => StubResult::output(Json::Null),
            };
            results.push(result.takes(takes));
        }
        let stub = match results.len() {
            1 => Stub::Always(results.remove(0)),
            _ => Stub::Sequence(results),
        };
        out.insert(name, stub);
    }
    Ok(out)
}
