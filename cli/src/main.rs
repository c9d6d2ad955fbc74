//! `rhythm`: the command line of the Rhythm durable-execution engine.

mod commands;

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
    /// Run the language server on stdin/stdout (for editors).
    Lsp(commands::lsp::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
        Command::Parse(args) => commands::parse::run(args),
        Command::Test(args) => commands::test::run(args),
        Command::Run(args) => commands::run::run(args),
        Command::Lsp(args) => commands::lsp::run(args),
    }
}
