//! `rhythm test`: run workflow test files (`*.test.toml`) in the in-memory test kit.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `rhythm test`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Test files or folders (searched recursively for `*.test.toml`); default: the current
    /// folder.
    pub paths: Vec<PathBuf>,
}

/// Runs the command: exit 0 when every case passed, 1 when one failed, 2 when a test file is
/// malformed.
pub fn run(args: Args) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match rhythm_testkit::testfile::run_paths(
        &args.paths,
        rhythm_testkit::flow_compiler(),
        &mut out,
    ) {
        Ok(summary) => {
            let _ = out.flush();
            ExitCode::from(summary.exit_code())
        }
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            ExitCode::from(2)
        }
    }
}
