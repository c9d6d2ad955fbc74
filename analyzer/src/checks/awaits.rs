//! Checks about awaiting: async functions called without `await` (not supported yet) and
//! `await` of values that can never be a handle or a promise.

use rustc_hash::FxHashMap;
use text_size::TextRange;

use super::{global_name, strip_parens};
use crate::diagnostic::{Diagnostic, Fix, TextEdit};
use crate::ir::{
    ArrayElement, BindingId, Expr, ExprId, FunctionId, Module, ObjectMember, Pattern, Resolution,
    Stmt,
};

/// Array methods that call a callback without awaiting what it returns.
const CALLBACK_METHODS: &[&str] = &[
    "map",
    "forEach",
    "filter",
    "find",
    "findIndex",
    "some",
    "every",
    "reduce",
    "flatMap",
    "sort",
];

pub(super) fn check(module: &Module, diagnostics: &mut Vec<Diagnostic>) {
    let async_bindings = async_bindings(module);
    let mut awaited = vec![false; module.exprs.len()];
    for expr in &module.exprs {
        if let Expr::Await(inner) = expr
            && let Some(slot) = awaited.get_mut(strip_parens(module, *inner).index())
        {
            *slot = true;
        }
    }
    let async_fn = |e: ExprId| -> Option<FunctionId> {
        match module.exprs.get(strip_parens(module, e).index()) {
            Some(Expr::Function(f)) => module
                .functions
                .get(f.index())
                .filter(|func| func.is_async)
                .map(|_| *f),
            Some(Expr::Name(n)) => match n.resolution {
                Resolution::Local(b) => async_bindings.get(&b).copied(),
                _ => None,
            },
            _ => None,
        }
    };
    for (i, expr) in module.exprs.iter().enumerate() {
        let id = ExprId(i as u32);
        match expr {
            Expr::Call { callee, args, .. } => {
                if !awaited[i] && async_fn(*callee).is_some() {
                    let range = module.expr_range(id);
                    diagnostics.push(
                        Diagnostic::error(
                            "unawaited-async-call",
                            range,
                            "this async function is called without `await`: running async \
                             functions concurrently is not supported yet",
                        )
                        .with_fix(Fix {
                            title: "Add `await`".into(),
                            edits: vec![TextEdit {
                                range: TextRange::empty(range.start()),
                                new_text: "await ".into(),
                            }],
                        }),
                    );
                }
                if let Some(Expr::Member {
                    object, property, ..
                }) = module.exprs.get(strip_parens(module, *callee).index())
                    && CALLBACK_METHODS.contains(&property.as_str())
                    && global_name(module, *object).is_none()
                {
                    for arg in args {
                        if async_fn(arg.expr).is_some() {
                            diagnostics.push(Diagnostic::error(
                                "unawaited-async-call",
                                module.expr_range(arg.expr),
                                format!(
                                    "`{property}` calls this async function without awaiting \
                                     it: running async functions concurrently is not supported \
                                     yet; use a `for (const x of xs)` loop with `await` inside"
                                ),
                            ));
                        }
                    }
                }
            }
            Expr::Await(inner) => {
                let literal = matches!(
                    module.exprs.get(strip_parens(module, *inner).index()),
                    Some(Expr::Array(_) | Expr::Object(_))
                );
                let message = if never_handle(module, *inner, 0) {
                    "this `await` has no effect: the value can never be a task, timer, signal, \
                     workflow handle or promise"
                } else if literal {
                    "`await` of an array or object literal does not wait for the handles inside \
                     it; use `await Promise.all([...])`"
                } else {
                    continue;
                };
                diagnostics.push(Diagnostic::warning(
                    "await-non-handle",
                    module.expr_range(id),
                    message,
                ));
            }
            _ => {}
        }
    }
}

/// Bindings that certainly hold an async function: `async function f` declarations and
/// never-reassigned `let`/`const` initialized with an async function expression.
fn async_bindings(module: &Module) -> FxHashMap<BindingId, FunctionId> {
    let mut map = FxHashMap::default();
    for (i, f) in module.functions.iter().enumerate() {
        if f.is_async
            && let Some(b) = f.name_binding
        {
            map.insert(b, FunctionId(i as u32));
        }
    }
    for stmt in &module.stmts {
        let Stmt::Decl { declarators, .. } = stmt else {
            continue;
        };
        for d in declarators {
            let (Some(Pattern::Binding(b)), Some(init)) =
                (module.patterns.get(d.pattern.index()), d.init)
            else {
                continue;
            };
            if module.bindings.get(b.index()).is_some_and(|b| b.reassigned) {
                continue;
            }
            if let Some(Expr::Function(f)) = module.exprs.get(strip_parens(module, init).index())
                && module.functions.get(f.index()).is_some_and(|f| f.is_async)
            {
                map.insert(*b, *f);
            }
        }
    }
    map
}

/// True when the expression's value can never be a handle or a promise.
fn never_handle(module: &Module, id: ExprId, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    let id = strip_parens(module, id);
    match module.exprs.get(id.index()) {
        Some(
            Expr::Literal(_)
            | Expr::Template { .. }
            | Expr::Unary { .. }
            | Expr::Binary { .. }
            | Expr::Update { .. }
            | Expr::Function(_),
        ) => true,
        Some(Expr::Name(n)) => {
            n.resolution == Resolution::Global("undefined".into())
                || n.resolution == Resolution::Global("NaN".into())
                || n.resolution == Resolution::Global("Infinity".into())
        }
        Some(Expr::Array(elements)) => elements.iter().all(|e| match e {
            ArrayElement::Expr(e) => never_handle(module, *e, depth + 1),
            ArrayElement::Hole => true,
            ArrayElement::Spread(_) => false,
        }),
        Some(Expr::Object(members)) => members.iter().all(|m| match m {
            ObjectMember::Property { value, .. } => never_handle(module, *value, depth + 1),
            ObjectMember::Spread(_) => false,
        }),
        Some(Expr::Conditional {
            then, otherwise, ..
        }) => never_handle(module, *then, depth + 1) && never_handle(module, *otherwise, depth + 1),
        _ => false,
    }
}
