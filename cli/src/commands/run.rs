//! `rhythm run`: runs a workflow in-process and prints its output.
//!
//! The clock is the real one. Effects (tasks, timers, signals, child workflows) cannot be
//! served here yet: a program that makes a request fails with a message naming it. Exit
//! status: 0 when the workflow completes (its output is printed as JSON on stdout), 1 when it
//! fails or does not compile (rendered on stderr), 2 on usage or I/O errors.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};
use rhythm_interpreter::{Json, Limits, Outcome, Program, Request, RunContext, Step, start};

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
    let program = match Program::compile(&text) {
        Ok(p) => p,
        Err(e) => {
            for d in &e.diagnostics {
                eprint!("{}", super::check::render(&name, &text, d, color));
            }
            return ExitCode::from(1);
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64);
    let workflow_name = args
        .file
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let ctx = RunContext {
        now,
        execution_id: "local".into(),
        workflow_name,
        random_seed: now as u64,
        limits: Limits {
            max_instructions: args.max_instructions,
            max_call_depth: args.max_call_depth,
            max_heap_bytes: args.max_heap_bytes,
            max_state_bytes: args.max_state_bytes,
        },
    };
    let step: Step = start(&program, inputs, &ctx);
    for line in &step.logs {
        eprintln!("{line}");
    }
    match step.outcome {
        Outcome::Completed { output } => match serde_json::to_string_pretty(&output) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot print the output: {e}");
                ExitCode::from(2)
            }
        },
        Outcome::Failed { error } => {
            eprint!("{}", render_failure(&name, &text, &error, color));
            ExitCode::from(1)
        }
        Outcome::Suspended { requests, .. } => {
            let what = requests
                .first()
                .map_or_else(|| "a result".to_string(), describe);
            eprintln!(
                "error: the workflow waits for {what}, and `rhythm run` cannot serve tasks, timers, signals or child workflows yet (use the test kit)"
            );
            ExitCode::from(1)
        }
    }
}

/// Names a request for the message above.
fn describe(r: &Request) -> String {
    match r {
        Request::RunTask { name, .. } => format!("task `{name}`"),
        Request::StartTimer { .. } => "a timer".into(),
        Request::WaitSignal { name, .. } => format!("signal `{name}`"),
        Request::StartWorkflow { name, .. } => format!("child workflow `{name}`"),
        Request::Withdraw { .. } => "a withdrawal".into(),
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
