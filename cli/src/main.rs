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
    /// Print the syntax tree of a .flow file and its syntax errors.
    Parse(commands::parse::Args),
    /// Run the language server on stdin/stdout (for editors).
    Lsp(commands::lsp::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Parse(args) => commands::parse::run(args),
        Command::Lsp(args) => commands::lsp::run(args),
    }
}
