//! Name resolution over the lowered module: every name use becomes a local binding, a catalog
//! global, or unresolved; along the way it finds captured and reassigned bindings, duplicate
//! declarations, assignments to `const`, uses in the temporal dead zone and unknown names.

use rustc_hash::FxHashMap;
use smol_str::SmolStr;
use text_size::TextSize;

use crate::catalog;
use crate::diagnostic::{Diagnostic, Fix, TextEdit};
use crate::ir::{BindingId, BindingKind, Expr, Module, Pattern, Resolution, ScopeId};
use crate::lower::builder::{NameSite, SiteNode};
use crate::suggest::did_you_mean;

/// Names that are not in Flow, with what to use instead.
const HINTS: &[(&str, &str)] = &[
    ("setTimeout", "to wait, use `await Timer.delay(\"5s\")`"),
    (
        "setInterval",
        "to repeat, loop with `await Timer.delay(...)`",
    ),
    (
        "fetch",
        "workflows have no I/O: do it in a task with `Task.run(...)`",
    ),
    ("require", "workflows cannot load modules"),
    (
        "process",
        "workflows have no host access: pass values in `Inputs`",
    ),
    ("window", "there is no browser global: use the Flow globals"),
    (
        "globalThis",
        "there is no global object: use the Flow globals by name",
    ),
    ("arguments", "use a rest parameter `(...args)`"),
];

/// Where each binding is in its temporal dead zone: before the end offset, and inside the
/// initializer range.
pub(crate) struct Tdz<'a> {
    /// Per binding: uses before this offset are too early.
    pub end: &'a [TextSize],
    /// Per binding: uses inside this range (its initializer) are too early.
    pub init: &'a [Option<text_size::TextRange>],
}

/// How many unknown names get a did-you-mean suggestion.
const MAX_SUGGESTIONS: usize = 100;

/// The result of resolution besides the module changes.
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    /// For each binding, how many times it is read.
    pub reads: Vec<u32>,
    /// For each binding, whether it is written after its declaration.
    pub writes: Vec<u32>,
}

/// Resolves every recorded name use in `module`.
pub(crate) fn resolve(
    module: &mut Module,
    sites: &[NameSite],
    tdz: &Tdz<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Resolved {
    let mut index: FxHashMap<(ScopeId, SmolStr), BindingId> = FxHashMap::default();
    for (i, binding) in module.bindings.iter().enumerate() {
        let id = BindingId(i as u32);
        let key = (binding.scope, binding.name.clone());
        if let Some(&first) = index.get(&key) {
            let first_range = module.bindings[first.index()].range;
            diagnostics.push(
                Diagnostic::error(
                    "duplicate-declaration",
                    binding.range,
                    format!("`{}` is already declared in this scope", binding.name),
                )
                .with_label(first_range, "first declared here"),
            );
        } else {
            index.insert(key, id);
        }
    }

    let mut out = Resolved {
        reads: vec![0; module.bindings.len()],
        writes: vec![0; module.bindings.len()],
    };
    let mut unknown_count = 0usize;
    for site in sites {
        let name = match site.node {
            SiteNode::Expr(e) => match module.exprs.get(e.index()) {
                Some(Expr::Name(n)) => n.name.clone(),
                _ => continue,
            },
            SiteNode::Pattern(p) => match module.patterns.get(p.index()) {
                Some(Pattern::Name(n)) => n.name.clone(),
                _ => continue,
            },
        };
        let is_write = matches!(site.node, SiteNode::Pattern(_));
        let resolution = match lookup(module, &index, site.scope, &name) {
            Some(b) => {
                check_local(module, b, site, is_write, tdz, diagnostics);
                if !is_write || site.also_read {
                    out.reads[b.index()] += 1;
                }
                if is_write {
                    out.writes[b.index()] += 1;
                }
                Resolution::Local(b)
            }
            None if catalog::global(&name).is_some() => {
                if is_write {
                    diagnostics.push(Diagnostic::error(
                        "assign-to-global",
                        site.range,
                        format!("`{name}` is a builtin global and cannot be assigned"),
                    ));
                }
                Resolution::Global(name.clone())
            }
            None => {
                if !site.in_typeof {
                    // Suggestions scan every visible name; past a hundred unknown names (a file
                    // far from valid) they are skipped to keep analysis linear.
                    let suggest = unknown_count < MAX_SUGGESTIONS;
                    unknown_count += 1;
                    diagnostics.push(unknown_name(module, &index, site, &name, suggest));
                }
                Resolution::Unresolved
            }
        };
        match site.node {
            SiteNode::Expr(e) => {
                if let Some(Expr::Name(n)) = module.exprs.get_mut(e.index()) {
                    n.resolution = resolution;
                }
            }
            SiteNode::Pattern(p) => {
                if let Some(Pattern::Name(n)) = module.patterns.get_mut(p.index()) {
                    n.resolution = resolution;
                }
            }
        }
    }
    out
}

/// The binding `name` refers to from `scope`, searching outwards.
fn lookup(
    module: &Module,
    index: &FxHashMap<(ScopeId, SmolStr), BindingId>,
    scope: ScopeId,
    name: &SmolStr,
) -> Option<BindingId> {
    let mut current = Some(scope);
    let mut guard = 0usize;
    while let Some(s) = current {
        if let Some(&b) = index.get(&(s, name.clone())) {
            return Some(b);
        }
        current = module.scopes.get(s.index()).and_then(|s| s.parent);
        guard += 1;
        if guard > module.scopes.len() {
            break;
        }
    }
    None
}

/// Marks captures and writes; reports `const` assignment and temporal-dead-zone uses.
fn check_local(
    module: &mut Module,
    b: BindingId,
    site: &NameSite,
    is_write: bool,
    tdz: &Tdz<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(binding) = module.bindings.get_mut(b.index()) else {
        return;
    };
    if binding.function != site.function {
        binding.captured = true;
    }
    let in_tdz = binding.function == site.function
        && matches!(binding.kind, BindingKind::Let | BindingKind::Const)
        && (tdz
            .end
            .get(b.index())
            .is_some_and(|&end| site.range.start() < end)
            || tdz
                .init
                .get(b.index())
                .copied()
                .flatten()
                .is_some_and(|init| init.contains_range(site.range)));
    if in_tdz {
        diagnostics.push(
            Diagnostic::error(
                "use-before-declaration",
                site.range,
                format!(
                    "`{}` is used before its declaration has run (it is in its temporal dead zone)",
                    binding.name
                ),
            )
            .with_label(binding.range, "declared here; move the use after it"),
        );
    }
    if is_write {
        binding.reassigned = true;
        if binding.kind == BindingKind::Const {
            diagnostics.push(
                Diagnostic::error(
                    "assign-to-const",
                    site.range,
                    format!("`{}` is a constant and cannot be assigned", binding.name),
                )
                .with_label(
                    binding.range,
                    "declared with `const` here; use `let` to allow assignment",
                ),
            );
        }
    }
}

/// The `unknown-name` diagnostic, with a did-you-mean over visible names and globals.
fn unknown_name(
    module: &Module,
    index: &FxHashMap<(ScopeId, SmolStr), BindingId>,
    site: &NameSite,
    name: &str,
    suggest: bool,
) -> Diagnostic {
    if name == "eval" {
        return Diagnostic::error(
            "unsupported-eval",
            site.range,
            "`eval` is not supported: workflows cannot run code built at run time",
        );
    }
    let mut visible: Vec<&str> = Vec::new();
    let mut current = Some(site.scope).filter(|_| suggest);
    while let Some(s) = current {
        let Some(scope) = module.scopes.get(s.index()) else {
            break;
        };
        for b in &scope.bindings {
            if let Some(binding) = module.bindings.get(b.index())
                && index.get(&(s, binding.name.clone())) == Some(b)
            {
                visible.push(binding.name.as_str());
            }
        }
        current = scope.parent;
        if visible.len() > 100_000 {
            break;
        }
    }
    let candidates = visible
        .into_iter()
        .chain(catalog::GLOBALS.iter().map(|g| g.name));
    let mut diagnostic = Diagnostic::error(
        "unknown-name",
        site.range,
        format!("cannot find `{name}` in this scope"),
    );
    let suggestion = if suggest {
        did_you_mean(name, candidates)
    } else {
        None
    };
    if let Some(suggestion) = suggestion {
        diagnostic
            .message
            .push_str(&format!("; did you mean `{suggestion}`?"));
        diagnostic = diagnostic.with_fix(Fix {
            title: format!("Replace with `{suggestion}`"),
            edits: vec![TextEdit {
                range: site.range,
                new_text: suggestion.to_owned(),
            }],
        });
    } else if let Some((_, hint)) = HINTS.iter().find(|(n, _)| *n == name) {
        diagnostic.message.push_str(&format!(": {hint}"));
    }
    diagnostic
}
