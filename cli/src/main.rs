//! `rhythm`: the command line of the Rhythm durable-execution engine (see the library,
//! `rhythm_cli`, where the subcommands are registered).

use std::process::ExitCode;

fn main() -> ExitCode {
    let status = rhythm_cli::run_from_args(std::env::args_os().collect());
    ExitCode::from(u8::try_from(status).unwrap_or(1))
}
