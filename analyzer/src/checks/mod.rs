//! Checks over the resolved module. Each submodule finds one family of problems.

mod awaits;
mod builtins;
mod reach;
mod unused;

use crate::Options;
use crate::diagnostic::Diagnostic;
use crate::ir::{BindingId, Expr, ExprId, Module, Resolution};
use crate::resolve::Resolved;

/// Runs every check and appends what it finds.
pub(crate) fn run(
    module: &Module,
    resolved: &Resolved,
    unused_exempt: &[BindingId],
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) {
    builtins::check(module, options, diagnostics);
    awaits::check(module, diagnostics);
    reach::check(module, diagnostics);
    unused::check(module, resolved, unused_exempt, diagnostics);
}

/// The expression inside any number of parentheses.
pub(crate) fn strip_parens(module: &Module, mut id: ExprId) -> ExprId {
    for _ in 0..module.exprs.len() {
        match module.exprs.get(id.index()) {
            Some(Expr::Paren(inner)) => id = *inner,
            _ => break,
        }
    }
    id
}

/// The catalog global an expression names directly (`Task`, `(Math)`), if any.
pub(crate) fn global_name(module: &Module, id: ExprId) -> Option<&str> {
    match module.exprs.get(strip_parens(module, id).index()) {
        Some(Expr::Name(n)) => match &n.resolution {
            Resolution::Global(name) => Some(name.as_str()),
            _ => None,
        },
        _ => None,
    }
}
