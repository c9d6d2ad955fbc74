//! `rhythm-chaos`: a chaos harness for the Rhythm runtime.
//!
//! `rhythm-chaos run` creates its own database, starts worker processes (this same binary,
//! `rhythm-chaos worker`), drives a mixed load of standalone tasks, workflows with tasks, timers,
//! signals and child workflows, concurrent signals and idempotent starts, while it SIGKILLs
//! workers, terminates their connections and restarts Postgres. It then checks from the database
//! that every execution finished with the right output, no signal was lost or consumed twice,
//! nothing completed twice and nothing is stuck, and prints a one-line summary.
#![deny(clippy::unwrap_used)]

mod check;
mod faults;
mod rng;
mod run;
mod schema;
mod url;
mod worker;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "rhythm-chaos", about = "Chaos harness for the Rhythm runtime")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The two subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the whole harness: load, faults, drain, checks, summary.
    Run(run::RunArgs),
    /// Runs one worker process against `--url` (started by `run`; stops when stdin closes).
    Worker(worker::WorkerArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sqlx=error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rhythm-chaos: cannot start the Tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Run(args) => runtime.block_on(run::run(args)),
        Command::Worker(args) => runtime.block_on(worker::worker(args)).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("rhythm-chaos: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
