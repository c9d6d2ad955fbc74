//! Checks against the builtin catalog: unknown members, argument counts, `new` of anything but
//! `Error` / `Date`, malformed duration literals and unknown task names.

use text_size::TextRange;

use super::{global_name, strip_parens};
use crate::Options;
use crate::catalog::{self, GlobalKind, MemberKind, ValueType};
use crate::diagnostic::{Diagnostic, Fix, TextEdit};
use crate::ir::{Argument, Expr, ExprId, Literal, Module, ObjectMember, PropKey, UnaryOp};
use crate::suggest::did_you_mean;
use rhythm_syntax::duration::{ACCEPTED_FORMS, parse_duration};

pub(super) fn check(module: &Module, options: &Options, diagnostics: &mut Vec<Diagnostic>) {
    for (i, expr) in module.exprs.iter().enumerate() {
        let id = ExprId(i as u32);
        match expr {
            Expr::Member {
                object,
                property,
                property_range,
                ..
            } => unknown_member(module, *object, property, *property_range, diagnostics),
            Expr::Call { callee, args, .. } => {
                call(module, id, *callee, args, options, diagnostics)
            }
            Expr::New { callee, args } => new(module, id, *callee, args, diagnostics),
            _ => {}
        }
    }
}

/// `Task.rn`: a member the catalog does not list on a global that has members.
fn unknown_member(
    module: &Module,
    object: ExprId,
    property: &str,
    property_range: TextRange,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(g) = global_name(module, object).and_then(catalog::global) else {
        value_member(module, object, property, property_range, diagnostics);
        return;
    };
    if g.members.is_empty() && g.kind != GlobalKind::Namespace {
        return;
    }
    if g.member(property).is_some() {
        return;
    }
    let mut d = Diagnostic::error(
        "unknown-member",
        property_range,
        format!("`{}` has no member `{property}`", g.name),
    );
    if let Some(s) = did_you_mean(property, g.members.iter().map(|m| m.name)) {
        d.message.push_str(&format!("; did you mean `{s}`?"));
        d = d.with_fix(replace(property_range, s));
    } else if !g.members.is_empty() {
        let names: Vec<&str> = g.members.iter().map(|m| m.name).collect();
        d.message
            .push_str(&format!(" (it has: {})", names.join(", ")));
    }
    diagnostics.push(d);
}

/// The type of a value the analyzer can see directly: a literal, or `new Date` / `new Error`.
fn literal_type(module: &Module, id: ExprId) -> Option<(ValueType, &'static str)> {
    match module.exprs.get(strip_parens(module, id).index())? {
        Expr::Literal(Literal::String(_)) | Expr::Template { .. } => {
            Some((ValueType::String, "a string"))
        }
        Expr::Literal(Literal::Number(_)) => Some((ValueType::Number, "a number")),
        Expr::Array(_) => Some((ValueType::Array, "an array")),
        Expr::New { callee, .. } => match global_name(module, *callee)? {
            "Date" => Some((ValueType::Date, "a `Date`")),
            "Error" => Some((ValueType::Error, "an `Error`")),
            _ => None,
        },
        _ => None,
    }
}

/// `"abc".toUpperCas()`: a member a literal's type does not have.
fn value_member(
    module: &Module,
    object: ExprId,
    property: &str,
    property_range: TextRange,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some((ty, what)) = literal_type(module, object) else {
        return;
    };
    if property.is_empty() || catalog::member_of(ty, property).is_some() {
        return;
    }
    let members = catalog::members_of(ty);
    let mut d = Diagnostic::error(
        "unknown-member",
        property_range,
        format!("{what} has no member `{property}`"),
    );
    if let Some(s) = did_you_mean(property, members.iter().map(|m| m.name)) {
        d.message.push_str(&format!("; did you mean `{s}`?"));
        d = d.with_fix(replace(property_range, s));
    }
    diagnostics.push(d);
}

fn replace(range: TextRange, with: &str) -> Fix {
    Fix {
        title: format!("Replace with `{with}`"),
        edits: vec![TextEdit {
            range,
            new_text: with.to_owned(),
        }],
    }
}

/// A call: argument counts of builtins, duration options, task names.
fn call(
    module: &Module,
    id: ExprId,
    callee: ExprId,
    args: &[Argument],
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let callee = strip_parens(module, callee);
    let range = module.expr_range(id);
    let (name, min, max) = match module.exprs.get(callee.index()) {
        Some(Expr::Member {
            object, property, ..
        }) => {
            let Some(g) = global_name(module, *object).and_then(catalog::global) else {
                if let Some((ty, _)) = literal_type(module, *object)
                    && let Some(m) = catalog::member_of(ty, property)
                    && m.kind == MemberKind::Method
                {
                    arity(m.name, m.min_args(), m.max_args(), args, range, diagnostics);
                }
                return;
            };
            let Some(m) = g.member(property) else {
                return;
            };
            if m.kind != MemberKind::Method {
                return;
            }
            let full = format!("{}.{}", g.name, m.name);
            durations_and_tasks(module, &full, args, options, diagnostics);
            (full, m.min_args(), m.max_args())
        }
        Some(Expr::Name(_)) => {
            let Some(g) = global_name(module, callee).and_then(catalog::global) else {
                return;
            };
            if !matches!(g.kind, GlobalKind::Function | GlobalKind::Constructor) {
                return;
            }
            (g.name.to_owned(), g.min_args(), g.max_args())
        }
        _ => return,
    };
    arity(&name, min, max, args, range, diagnostics);
}

/// `new X(...)`: only `Error` and `Date`.
fn new(
    module: &Module,
    id: ExprId,
    callee: ExprId,
    args: &[Argument],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let range = module.expr_range(id);
    match global_name(module, callee) {
        Some(name @ ("Error" | "Date")) => {
            if let Some(g) = catalog::global(name) {
                arity(name, g.min_args(), g.max_args(), args, range, diagnostics);
            }
        }
        _ => diagnostics.push(Diagnostic::error(
            "unsupported-new",
            range,
            "`new` is only supported as `new Error(...)` and `new Date(...)`; \
             use object and array literals for other values",
        )),
    }
}

fn arity(
    name: &str,
    min: usize,
    max: Option<usize>,
    args: &[Argument],
    range: TextRange,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if args.iter().any(|a| a.spread) {
        return;
    }
    let n = args.len();
    let expected = match max {
        Some(max) if max == min => format!("{min}"),
        Some(max) => format!("{min} to {max}"),
        None => format!("at least {min}"),
    };
    if n < min || max.is_some_and(|max| n > max) {
        let plural = if expected == "1" { "" } else { "s" };
        diagnostics.push(Diagnostic::error(
            "wrong-argument-count",
            range,
            format!("`{name}` takes {expected} argument{plural}, but {n} were given"),
        ));
    }
}

/// Duration options of the durable API, and known task names.
fn durations_and_tasks(
    module: &Module,
    name: &str,
    args: &[Argument],
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let arg = |i: usize| args.get(i).filter(|a| !a.spread).map(|a| a.expr);
    match name {
        "Task.run" => {
            if let Some(opts) = arg(2) {
                if let Some(t) = property(module, opts, "timeout") {
                    duration(module, t, diagnostics);
                }
                if let Some(r) = property(module, opts, "retries") {
                    for key in ["initial", "maxDelay"] {
                        if let Some(v) = property(module, r, key) {
                            duration(module, v, diagnostics);
                        }
                    }
                }
            }
            if let (Some(known), Some(first)) = (&options.known_tasks, arg(0)) {
                known_task(module, first, known, diagnostics);
            }
            let task = arg(0).and_then(|first| literal_string(module, first));
            if let Some(inputs) = task.and_then(|t| options.task_inputs.get(t).map(|i| (t, i))) {
                task_inputs(module, inputs, args, diagnostics);
            }
        }
        "Signal.next" | "Signal.when" => {
            if let Some(t) = arg(1).and_then(|o| property(module, o, "timeout")) {
                duration(module, t, diagnostics);
            }
        }
        "Timer.delay" => {
            if let Some(d) = arg(0) {
                duration(module, d, diagnostics);
            }
        }
        _ => {}
    }
}

/// The value of a static property in an object literal.
fn property(module: &Module, object: ExprId, key: &str) -> Option<ExprId> {
    match module.exprs.get(strip_parens(module, object).index()) {
        Some(Expr::Object(members)) => members.iter().rev().find_map(|m| match m {
            ObjectMember::Property {
                key: PropKey::Static(k),
                value,
            } if k == key => Some(*value),
            _ => None,
        }),
        _ => None,
    }
}

/// A literal string the analyzer can read: `"..."` or a template without substitutions.
fn literal_string(module: &Module, id: ExprId) -> Option<&str> {
    match module.exprs.get(strip_parens(module, id).index()) {
        Some(Expr::Literal(Literal::String(s))) => Some(s),
        Some(Expr::Template { quasis, exprs }) if exprs.is_empty() => {
            quasis.first().map(String::as_str)
        }
        _ => None,
    }
}

fn duration(module: &Module, id: ExprId, diagnostics: &mut Vec<Diagnostic>) {
    let range = module.expr_range(id);
    let inner = strip_parens(module, id);
    if let Some(text) = literal_string(module, id) {
        if let Err(e) = parse_duration(text) {
            diagnostics.push(Diagnostic::error(
                "invalid-duration",
                range,
                format!("\"{text}\" is not a valid duration: {e}. Use {ACCEPTED_FORMS}"),
            ));
        }
        return;
    }
    let bad = match module.exprs.get(inner.index()) {
        Some(Expr::Unary {
            op: UnaryOp::Neg,
            arg,
        }) => matches!(
            module.exprs.get(strip_parens(module, *arg).index()),
            Some(Expr::Literal(Literal::Number(n))) if *n > 0.0
        )
        .then_some("a duration cannot be negative"),
        Some(Expr::Literal(Literal::Bool(_) | Literal::Null))
        | Some(Expr::Array(_) | Expr::Object(_) | Expr::Function(_)) => {
            Some("this value is not a duration")
        }
        _ => None,
    };
    if let Some(why) = bad {
        diagnostics.push(Diagnostic::error(
            "invalid-duration",
            range,
            format!("{why}. Use {ACCEPTED_FORMS}"),
        ));
    }
}

/// The inputs object of `Task.run` against the task's parameters: unknown keys (unless the
/// task takes any), missing required ones (when the object has no spread).
fn task_inputs(
    module: &Module,
    (task, inputs): (&str, &crate::TaskInputs),
    args: &[Argument],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let call_range = args
        .first()
        .map(|a| module.expr_range(a.expr))
        .unwrap_or_default();
    let (object_range, keys, complete) = match args.get(1) {
        None => (call_range, Vec::new(), true),
        Some(a) if a.spread => return,
        Some(a) => match module.exprs.get(strip_parens(module, a.expr).index()) {
            Some(Expr::Object(members)) => {
                let mut keys = Vec::new();
                let mut complete = true;
                for m in members {
                    match m {
                        ObjectMember::Property {
                            key: PropKey::Static(k),
                            value,
                        } => keys.push((k.as_str(), module.expr_range(*value))),
                        _ => complete = false,
                    }
                }
                (module.expr_range(a.expr), keys, complete)
            }
            Some(Expr::Literal(Literal::Null)) => (module.expr_range(a.expr), Vec::new(), true),
            _ => return,
        },
    };
    if !inputs.open {
        for (key, range) in &keys {
            if inputs.parameters.iter().any(|p| p == key) {
                continue;
            }
            let mut d = Diagnostic::warning(
                "unknown-task-input",
                *range,
                format!("task `{task}` has no input `{key}`"),
            );
            if let Some(s) = did_you_mean(key, inputs.parameters.iter().map(String::as_str)) {
                d.message.push_str(&format!("; did you mean `{s}`?"));
            }
            diagnostics.push(d);
        }
    }
    if complete {
        let missing: Vec<&str> = inputs
            .required
            .iter()
            .filter(|r| !keys.iter().any(|(k, _)| k == r))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let plural = if missing.len() == 1 { "" } else { "s" };
            diagnostics.push(Diagnostic::warning(
                "missing-task-input",
                object_range,
                format!("task `{task}` needs the input{plural} {list}"),
            ));
        }
    }
}

fn known_task(
    module: &Module,
    first: ExprId,
    known: &std::collections::BTreeSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(task) = literal_string(module, first) else {
        return;
    };
    if known.contains(task) {
        return;
    }
    let range = module.expr_range(first);
    let mut d = Diagnostic::warning(
        "unknown-task",
        range,
        format!("no task named `{task}` is defined in the task manifest"),
    );
    if let Some(s) = did_you_mean(task, known.iter().map(String::as_str)) {
        d.message.push_str(&format!("; did you mean `{s}`?"));
        d = d.with_fix(replace(range, &format!("{s:?}")));
    }
    diagnostics.push(d);
}
