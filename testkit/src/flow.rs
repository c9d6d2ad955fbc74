//! The kit's compiler for real `.flow` source: the interpreter, wrapped as an engine [`Vm`].

use std::sync::Arc;

use rhythm_engine::FlowVm;

use crate::registry::{Compiler, SharedVm};
use crate::testfile::line_column;

/// Compiles `.flow` source with the interpreter (default limits).
#[derive(Debug, Clone, Copy, Default)]
pub struct FlowCompiler;

impl Compiler for FlowCompiler {
    fn compile(&self, _name: &str, source: &str) -> Result<SharedVm, String> {
        match FlowVm::compile(source) {
            Ok(vm) => Ok(Arc::new(vm)),
            Err(e) => {
                let lines: Vec<String> = e
                    .diagnostics
                    .iter()
                    .map(|d| {
                        let (line, column) =
                            line_column(source, u32::from(d.range.start()) as usize);
                        format!("{line}:{column}: {} [{}]", d.message, d.code)
                    })
                    .collect();
                Err(if lines.is_empty() {
                    e.to_string()
                } else {
                    lines.join("\n")
                })
            }
        }
    }
}

/// A shared [`FlowCompiler`].
pub fn flow_compiler() -> Arc<dyn Compiler> {
    Arc::new(FlowCompiler)
}
