//! Unused variables and functions (warnings; not for `_`-prefixed names, parameters, catch
//! parameters, rest siblings or the names of function expressions).

use crate::diagnostic::{Diagnostic, Fix, TextEdit};
use crate::ir::{BindingId, BindingKind, Module};
use crate::resolve::Resolved;

pub(super) fn check(
    module: &Module,
    resolved: &Resolved,
    exempt: &[BindingId],
    diagnostics: &mut Vec<Diagnostic>,
) {
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
        if resolved.writes.get(i).copied().unwrap_or(0) == 0 && !in_object_pattern(module, id) {
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

/// True when the binding is the value of an object-pattern property (renaming it would change
/// which property is read, so no rename fix is offered).
fn in_object_pattern(module: &Module, id: BindingId) -> bool {
    module.patterns.iter().any(|p| match p {
        crate::ir::Pattern::Object { props, .. } => props.iter().any(|prop| {
            matches!(
                module.patterns.get(prop.value.index()),
                Some(crate::ir::Pattern::Binding(b)) if *b == id
            )
        }),
        _ => false,
    })
}
