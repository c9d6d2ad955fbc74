//! Semantic analysis of `.flow` files: lowering to an IR, name resolution, the builtin catalog
//! and diagnostics. Everything downstream (CLI, LSP, interpreter) reads what this crate says.
//!
//! The pipeline of [`analyze_with`]: parse (`rhythm_syntax`), lower the green tree to the arena
//! IR ([`ir`], reporting unsupported JavaScript on the way), resolve every name against the
//! scopes and the [`catalog`] (hoisting, temporal dead zone, `const`), then run the checks
//! (builtin members and arities, durations, awaiting, reachability, unused names, task names).
//! Every code is listed in [`codes`].
//!
//! Facts the IR's consumers rely on:
//! - Function declarations: [`ir::Function::name_binding`] is a binding of the *enclosing* scope
//!   (hoisted, initialized at scope entry). A named function *expression* also has a
//!   `name_binding`, but in the function's *own* scope (its name is visible only inside it).
//! - Parameters and a block body's declarations share [`ir::Function::scope`]; a `catch`
//!   clause's scope holds its parameter and its body block has a scope of its own; `for` heads
//!   have a [`ir::ScopeKind::Loop`] scope copied per iteration.
//! - `var` is reported and lowered as `let`; other unsupported constructs lower to `Missing`.
//! - A program with any error diagnostic must not run; warnings are advice.
//!
//! ```
//! let analysis = rhythm_analyzer::analyze("const x = await Task.run(\"a\")\nreturn x");
//! assert!(!analysis.has_errors());
//! ```
#![deny(clippy::unwrap_used)]

pub mod catalog;
mod checks;
pub mod codes;
pub mod diagnostic;
/// Duration strings, re-exported from [`rhythm_syntax::duration`] where they are defined.
pub use rhythm_syntax::duration;
pub mod ide;
pub mod ir;
pub mod line_index;
mod lower;
pub mod query;
mod resolve;
pub mod suggest;

use std::collections::{BTreeMap, BTreeSet};

use rhythm_syntax::Parse;

pub use diagnostic::{Diagnostic, Fix, Label, Severity, TextEdit};
pub use line_index::{Encoding, LineCol, LineIndex, Pos};

/// What the analysis may know beyond the file itself.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The task names the workers define (from the task manifest). When set, `Task.run` with a
    /// literal name not in this set is warned about (`unknown-task`).
    pub known_tasks: Option<BTreeSet<String>>,
    /// The inputs of the tasks the manifest describes with parameters: `Task.run` of one with
    /// an object literal is checked for unknown (`unknown-task-input`) and missing required
    /// (`missing-task-input`) inputs.
    pub task_inputs: BTreeMap<String, TaskInputs>,
}

/// The inputs a task takes, from the task manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskInputs {
    /// Every named parameter.
    pub parameters: Vec<String>,
    /// The parameters without a default.
    pub required: Vec<String>,
    /// Whether it takes other inputs too (Python `**kwargs`).
    pub open: bool,
}

impl Options {
    /// The options a task manifest gives: its task names, and the inputs of every task whose
    /// entry says its parameter list is complete (`extra_inputs` present, as the SDK writes).
    pub fn from_manifest(manifest: &ide::manifest::TaskManifest) -> Self {
        let task_inputs = manifest
            .tasks
            .iter()
            .filter_map(|t| {
                let inputs = TaskInputs {
                    parameters: t.parameters.iter().map(|p| p.name.clone()).collect(),
                    required: t
                        .parameters
                        .iter()
                        .filter(|p| p.required)
                        .map(|p| p.name.clone())
                        .collect(),
                    open: t.extra_inputs?,
                };
                Some((t.name.clone(), inputs))
            })
            .collect();
        Options {
            known_tasks: Some(manifest.names()),
            task_inputs,
        }
    }
}

/// Everything the analyzer found out about one file.
#[derive(Debug, Clone)]
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

/// Lowering diagnostics about shapes the parser may already have reported.
const SYNTAX_LIKE: &[&str] = &[
    "invalid-assignment-target",
    "invalid-shorthand",
    "missing-initializer",
    "invalid-string",
];

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
    let green = parse.green();
    let lower::builder::Builder {
        mut module,
        diagnostics: lowering,
        tdz_end,
        tdz_init,
        sites,
        unused_exempt,
        ..
    } = lower::lower(&green);
    // The parser reports some of these shapes itself; keep ours only where it said nothing.
    let syntax_ranges: Vec<_> = diagnostics.iter().map(|d| d.range).collect();
    diagnostics.extend(lowering.into_iter().filter(|d| {
        !(SYNTAX_LIKE.contains(&d.code)
            && syntax_ranges.iter().any(|r| r.intersect(d.range).is_some()))
    }));
    let tdz = resolve::Tdz {
        end: &tdz_end,
        init: &tdz_init,
    };
    let resolved = resolve::resolve(&mut module, &sites, &tdz, &mut diagnostics);
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
    debug_assert!(
        diagnostics
            .iter()
            .all(|d| codes::describe(d.code).is_some())
    );
    Analysis {
        parse,
        module,
        diagnostics,
    }
}
