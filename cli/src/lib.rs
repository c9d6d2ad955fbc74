//! `rhythm`: the command line of the Rhythm durable-execution engine, as a library.
//!
//! The `rhythm` binary (`main.rs`) and the Python wheel's `rhythm` console command both call
//! [`run_from_args`], so the two are the same CLI. Subcommands are registered here.
#![deny(clippy::unwrap_used)]

mod commands;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Rhythm: durable workflows in `.flow` files, tasks in your language, Postgres as the only server.
#[derive(Debug, Parser)]
#[command(name = "rhythm", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check .flow files for errors and warnings.
    Check(commands::check::Args),
    /// Format .flow files in the canonical style (or check that they are).
    Fmt(commands::fmt::Args),
    /// Print the syntax tree of a .flow file and its syntax errors.
    Parse(commands::parse::Args),
    /// Run workflow test files (*.test.toml) on a fake clock with stubbed tasks.
    Test(commands::test::Args),
    /// Run a workflow in-process and print its output as JSON.
    Run(commands::run::Args),
    /// Apply the database migrations.
    Migrate(commands::migrate::Args),
    /// Start a workflow; prints the new execution id.
    Start(commands::start::Args),
    /// Send a signal to a workflow execution.
    Signal(commands::signal::Args),
    /// Show an execution: status, output or error, where it waits.
    Status(commands::status::Args),
    /// Show what an execution is doing and why: its await, stack, variables and waits.
    Inspect(commands::inspect::Args),
    /// List the worker processes, live and recently lost or stopped.
    Workers(commands::workers::Args),
    /// Show each queue's ready, delayed and in-flight work; pause or resume a queue.
    Queues(commands::queues::Args),
    /// Cancel an execution, or every execution a filter matches.
    Cancel(commands::cancel::Args),
    /// Retry a failed execution (a new attempt of what failed), or every one a filter matches.
    Retry(commands::actions::Args),
    /// Pause an execution: no steps, its queued tasks held (or every one a filter matches).
    Pause(commands::actions::Args),
    /// Resume a paused execution (or every one a filter matches).
    Resume(commands::actions::Args),
    /// List executions, newest first.
    #[command(disable_version_flag = true)] // `--version` is its workflow-version filter
    List(commands::list::Args),
    /// Run a worker for workflow steps and timers.
    Worker(commands::worker::Args),
    /// Run the language server on stdin/stdout (for editors).
    Lsp(commands::lsp::Args),
}

/// Runs the CLI on `args` (the first one is the program name, as in `std::env::args_os`) and
/// returns the process exit status. Usage errors print clap's message and return 2; `--help`
/// and `--version` print and return 0.
pub fn run_from_args(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // Printing can only fail when stdout/stderr is closed; nothing better to do then.
            let _ = err.print();
            return err.exit_code();
        }
    };
    exit_status(run(cli))
}

/// The numeric status of an [`ExitCode`] (which has no accessor of its own).
fn exit_status(code: ExitCode) -> i32 {
    (0..=u8::MAX)
        .find(|n| ExitCode::from(*n) == code)
        .map_or(1, i32::from)
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
        Command::Parse(args) => commands::parse::run(args),
        Command::Test(args) => commands::test::run(args),
        Command::Run(args) => commands::run::run(args),
        Command::Migrate(args) => commands::migrate::run(args),
        Command::Start(args) => commands::start::run(args),
        Command::Signal(args) => commands::signal::run(args),
        Command::Status(args) => commands::status::run(args),
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Workers(args) => commands::workers::run(args),
        Command::Queues(args) => commands::queues::run(args),
        Command::Cancel(args) => commands::cancel::run(args),
        Command::Retry(args) => commands::actions::run(rhythm_runtime::Action::Retry, args),
        Command::Pause(args) => commands::actions::run(rhythm_runtime::Action::Pause, args),
        Command::Resume(args) => commands::actions::run(rhythm_runtime::Action::Resume, args),
        Command::List(args) => commands::list::run(args),
        Command::Worker(args) => commands::worker::run(args),
        Command::Lsp(args) => commands::lsp::run(args),
    }
}
