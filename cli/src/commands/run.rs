//! `rhythm run`: runs a workflow in-process and prints its output.
//!
//! Effects are served by the test kit: `--task NAME=JSON` answers every call of a task,
//! `--signal NAME=JSON@DURATION` sends a signal that long after the start, and timers pass on
//! the kit's fake clock (started at the real time), so the run never waits. Exit status: 0 when
//! the workflow completes (its output is printed as JSON on stdout), 1 when it fails, is
//! cancelled, still waits with nothing left to happen, calls a task with no stub, or does not
//! compile (rendered on stderr), 2 on usage or I/O errors.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};
use rhythm_interpreter::{Json, Limits, Program};
use rhythm_testkit::local::{LocalRun, parse_signal_arg, parse_task_arg, run_local};

/// Arguments of `rhythm run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The `.flow` file to run.
    pub file: PathBuf,
    /// The workflow's inputs as JSON text (default `{}`).
    #[arg(long, conflicts_with = "inputs_file")]
    pub inputs: Option<String>,
    /// A file holding the inputs as JSON.
    #[arg(long)]
    pub inputs_file: Option<PathBuf>,
    /// Answer every call of task NAME with JSON (repeatable).
    #[arg(long = "task", value_name = "NAME=JSON")]
    pub tasks: Vec<String>,
    /// Send signal NAME with payload JSON, DURATION after the start (repeatable).
    #[arg(long = "signal", value_name = "NAME=JSON@DURATION")]
    pub signals: Vec<String>,
    /// Instructions allowed in one step.
    #[arg(long, default_value_t = Limits::default().max_instructions)]
    pub max_instructions: u64,
    /// Deepest call nesting.
    #[arg(long, default_value_t = Limits::default().max_call_depth)]
    pub max_call_depth: usize,
    /// Approximate heap size limit in bytes.
    #[arg(long, default_value_t = Limits::default().max_heap_bytes)]
    pub max_heap_bytes: usize,
    /// Saved-state size limit in bytes.
    #[arg(long, default_value_t = Limits::default().max_state_bytes)]
    pub max_state_bytes: usize,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let name = args.file.display().to_string();
    let text = match std::fs::read(&args.file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "error: `{name}` is not valid UTF-8 (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                );
                return ExitCode::from(2);
            }
        },
        Err(e) => {
            eprintln!("error: cannot read `{name}`: {e}");
            return ExitCode::from(2);
        }
    };
    let inputs_text = match (&args.inputs, &args.inputs_file) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) => match std::fs::read_to_string(p) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", p.display());
                return ExitCode::from(2);
            }
        },
        (None, None) => "{}".to_string(),
    };
    let inputs: Json = match serde_json::from_str(&inputs_text) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: the inputs are not valid JSON: {e}");
            return ExitCode::from(2);
        }
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut tasks = Vec::new();
    for arg in &args.tasks {
        match parse_task_arg(arg) {
            Ok(task) => tasks.push(task),
            Err(e) => {
                eprintln!("error: --task {arg}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let mut signals = Vec::new();
    for arg in &args.signals {
        match parse_signal_arg(arg) {
            Ok(signal) => signals.push(signal),
            Err(e) => {
                eprintln!("error: --signal {arg}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    // Compiled once here for its diagnostics; the kit compiles it again to run it.
    if let Err(e) = Program::compile(&text) {
        let source = Source::from(text.as_str());
        for d in &e.diagnostics {
            eprint!("{}", super::check::render(&name, &source, d, color));
        }
        return ExitCode::from(1);
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64);
    let workflow_name = args.file.file_stem().map_or_else(
        || "workflow".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let folder = args.file.parent().unwrap_or(std::path::Path::new("."));
    let task_defaults = match rhythm_testkit::manifest::task_defaults_near(folder) {
        Ok(defaults) => defaults,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let local = LocalRun {
        task_defaults,
        tasks,
        workflows: Vec::new(),
        signals,
        start_ms: now,
        limits: Limits {
            max_instructions: args.max_instructions,
            max_call_depth: args.max_call_depth,
            max_heap_bytes: args.max_heap_bytes,
            max_state_bytes: args.max_state_bytes,
        },
    };
    let report = match run_local(&workflow_name, &text, inputs, local) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    for line in &report.logs {
        eprintln!("{line}");
    }
    match (report.status, report.output, report.error) {
        ("completed", Some(output), _) => match serde_json::to_string_pretty(&output) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot print the output: {e}");
                ExitCode::from(2)
            }
        },
        ("failed" | "cancelled", _, Some(error)) => {
            eprint!("{}", render_failure(&name, &text, &error, color));
            ExitCode::from(1)
        }
        (status, _, _) => {
            eprintln!(
                "error: the workflow is {status} with nothing left to happen (a signal it waits \
                 for can be sent with --signal NAME=JSON@DURATION)\n\n{}",
                report.timeline
            );
            ExitCode::from(1)
        }
    }
}

/// Renders an uncaught error at its source location (the `location` field of the error).
fn render_failure(name: &str, text: &str, error: &Json, color: bool) -> String {
    let kind = error["type"].as_str().unwrap_or("Error");
    let message = error["message"].as_str().unwrap_or("");
    let headline = format!("uncaught {kind}: {message}");
    let loc = &error["location"];
    let (Some(start), Some(end)) = (loc["start"].as_u64(), loc["end"].as_u64()) else {
        return format!("error: {headline}\n");
    };
    let start = (start as usize).min(text.len());
    let end = (end as usize).clamp(start, text.len());
    let mut buffer = Vec::new();
    let written = Report::build(ReportKind::Error, (name.to_owned(), start..end))
        .with_config(
            Config::default()
                .with_index_type(IndexType::Byte)
                .with_color(color),
        )
        .with_message(&headline)
        .with_label(Label::new((name.to_owned(), start..end)).with_message(message))
        .finish()
        .write((name.to_owned(), Source::from(text)), &mut buffer);
    match written {
        Ok(()) => String::from_utf8_lossy(&buffer).into_owned(),
        Err(_) => format!("error: {headline}\n"),
    }
}
