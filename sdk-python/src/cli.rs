//! The `rhythm` command line, exposed to Python so the wheel's `rhythm` console command is the
//! same CLI as the Rust binary.

use std::ffi::OsString;

use pyo3::prelude::*;

/// Runs the `rhythm` CLI on `args` (program name first) with the GIL released; returns the exit
/// status.
#[pyfunction]
pub fn run_cli(py: Python<'_>, args: Vec<String>) -> i32 {
    let args: Vec<OsString> = args.into_iter().map(OsString::from).collect();
    py.detach(move || rhythm_cli::run_from_args(args))
}
