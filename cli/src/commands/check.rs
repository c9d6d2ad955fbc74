//! `rhythm check`: report diagnostics for .flow files.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `rhythm check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (folders are searched for `*.flow`); default: the current folder.
    pub paths: Vec<PathBuf>,
}

/// Runs the command.
pub fn run(_args: Args) -> ExitCode {
    eprintln!("rhythm check: the analyzer is not built yet");
    ExitCode::from(2)
}
