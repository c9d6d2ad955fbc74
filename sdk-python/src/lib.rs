//! `rhythm._native`: the Rust side of the Rhythm Python SDK.
//!
//! Values cross the boundary as JSON text (the Python side calls `json.dumps`/`json.loads`), so
//! the native module has no view of Python objects beyond callables and strings. Modules:
//! [`testing`] (the in-memory test kit), [`cli`] (the `rhythm` command line).

use pyo3::prelude::*;

pub mod cli;
pub mod client;
pub mod testing;
pub mod worker;

/// The `rhythm._native` module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cli::run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(testing::parse_duration_ms, m)?)?;
    m.add_function(wrap_pyfunction!(testing::check_task_defaults, m)?)?;
    m.add_class::<testing::NativeEnvironment>()?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<worker::NativeWorker>()?;
    m.add("RhythmError", m.py().get_type::<client::RhythmError>())?;
    m.add(
        "WorkflowTestError",
        m.py().get_type::<testing::WorkflowTestError>(),
    )?;
    Ok(())
}
