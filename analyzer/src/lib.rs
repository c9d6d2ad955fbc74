//! Semantic analysis of `.flow` files: lowering to an IR, name resolution, the builtin catalog
//! and diagnostics. Everything downstream (CLI, LSP, interpreter) reads what this crate says.
//!
//! ```
//! let analysis = rhythm_analyzer::analyze("const x = await Task.run(\"a\")\nreturn x");
//! assert!(!analysis.has_errors());
//! ```
#![deny(clippy::unwrap_used)]

pub mod catalog;
mod checks;
pub mod diagnostic;
pub mod duration;
pub mod ide;
pub mod ir;
pub mod line_index;
mod lower;
mod resolve;
pub mod suggest;

use std::collections::BTreeSet;

use rhythm_syntax::Parse;

pub use diagnostic::{Diagnostic, Fix, Label, Severity, TextEdit};
pub use line_index::{LineCol, LineIndex};

/// What the analysis may know beyond the file itself.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The task names the workers define (from the task manifest). When set, `Task.run` with a
    /// literal name not in this set is warned about (`unknown-task`).
    pub known_tasks: Option<BTreeSet<String>>,
}

/// Everything the analyzer found out about one file.
#[derive(Debug)]
pub struct Analysis {
    /// The lossless syntax tree and its syntax errors.
    pub parse: Parse,
    /// The lowered, name-resolved IR.
    pub module: ir::Module,
    /// Syntax errors (code `syntax-error`) and semantic diagnostics, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// True when any diagnostic is an error (the file must not run).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Analyzes a file with default options.
pub fn analyze(text: &str) -> Analysis {
    analyze_with(text, &Options::default())
}

/// Analyzes a file: parse, lower, resolve names, run every check.
pub fn analyze_with(text: &str, options: &Options) -> Analysis {
    let parse = rhythm_syntax::parse(text);
    let mut diagnostics: Vec<Diagnostic> = parse
        .errors()
        .iter()
        .map(|e| {
            let mut d = Diagnostic::error("syntax-error", e.range, e.message.clone());
            for (range, message) in &e.labels {
                d = d.with_label(*range, message.clone());
            }
            d
        })
        .collect();
    let root = parse.syntax();
    let lower::builder::Builder {
        mut module,
        diagnostics: lowering,
        tdz_end,
        sites,
        unused_exempt,
        ..
    } = lower::lower(&root);
    diagnostics.extend(lowering);
    let resolved = resolve::resolve(&mut module, &sites, &tdz_end, &mut diagnostics);
    checks::run(
        &module,
        &resolved,
        &unused_exempt,
        options,
        &mut diagnostics,
    );
    diagnostics.sort_by(|a, b| {
        (a.range.start(), a.range.end(), a.severity, a.code).cmp(&(
            b.range.start(),
            b.range.end(),
            b.severity,
            b.code,
        ))
    });
    diagnostics.dedup();
    Analysis {
        parse,
        module,
        diagnostics,
    }
}
