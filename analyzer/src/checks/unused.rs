//! Unused variables and functions (warnings; not for `_`-prefixed names, parameters, catch
//! parameters, rest siblings or the names of function expressions).

use crate::diagnostic::{Diagnostic, Fix, TextEdit};
use rustc_hash::FxHashSet;

use crate::ir::{BindingId, BindingKind, Module, Pattern};
use crate::resolve::Resolved;

pub(super) fn check(
    module: &Module,
    resolved: &Resolved,
    exempt: &[BindingId],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let exempt: FxHashSet<BindingId> = exempt.iter().copied().collect();
    let destructured = object_pattern_bindings(module);
    for (i, b) in module.bindings.iter().enumerate() {
        let id = BindingId(i as u32);
        if b.name.starts_with('_') || b.name.is_empty() || exempt.contains(&id) {
            continue;
        }
        if !matches!(
            b.kind,
            BindingKind::Let | BindingKind::Const | BindingKind::Function
        ) {
            continue;
        }
        if resolved.reads.get(i).copied().unwrap_or(0) > 0 {
            continue;
        }
        let what = if b.kind == BindingKind::Function {
            "function"
        } else {
            "variable"
        };
        let mut d = Diagnostic::warning(
            "unused-variable",
            b.range,
            format!("{what} `{}` is declared but never used", b.name),
        );
        if resolved.writes.get(i).copied().unwrap_or(0) == 0 && !destructured.contains(&id) {
            d = d.with_fix(Fix {
                title: format!("Rename to `_{}` to mark it unused", b.name),
                edits: vec![TextEdit {
                    range: b.range,
                    new_text: format!("_{}", b.name),
                }],
            });
        }
        diagnostics.push(d);
    }
}

/// Bindings that are the value of an object-pattern property (renaming one would change which
/// property is read, so no rename fix is offered).
fn object_pattern_bindings(module: &Module) -> FxHashSet<BindingId> {
    let mut set = FxHashSet::default();
    for p in &module.patterns {
        if let Pattern::Object { props, .. } = p {
            for prop in props {
                if let Some(Pattern::Binding(b)) = module.patterns.get(prop.value.index()) {
                    set.insert(*b);
                }
            }
        }
    }
    set
}
