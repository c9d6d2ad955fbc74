//! The interpreter implements exactly the analyzer's builtin catalog: every catalog entry
//! exists at run time, and nothing exists at run time that the catalog lacks.

mod common;

use std::collections::BTreeSet;

use rhythm_analyzer::catalog::{self, GlobalKind, MemberKind, ValueType};
use rhythm_interpreter::catalog::{
    ARRAY_METHODS, CONTEXT_PROPERTIES, DATE_METHODS, ERROR_PROPERTIES, NUMBER_METHODS, Native,
    STRING_METHODS, VALUE_GLOBALS,
};

fn set<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    items.into_iter().map(str::to_string).collect()
}

/// Every global and static member the interpreter provides, as dotted paths.
fn interpreter_globals() -> BTreeSet<String> {
    let mut out = set(VALUE_GLOBALS.iter().copied());
    for n in Native::ALL {
        out.insert(n.path().to_string());
        for c in n.constants() {
            out.insert(format!("{}.{c}", n.path()));
        }
    }
    for p in CONTEXT_PROPERTIES {
        out.insert(format!("Context.{p}"));
    }
    out
}

fn catalog_globals() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for g in catalog::GLOBALS {
        out.insert(g.name.to_string());
        for m in g.members {
            out.insert(format!("{}.{}", g.name, m.name));
        }
    }
    out
}

#[test]
fn globals_match_the_catalog() {
    let ours = interpreter_globals();
    let theirs = catalog_globals();
    let missing: Vec<_> = theirs.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&theirs).collect();
    assert!(
        missing.is_empty(),
        "in the catalog but not in the interpreter: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "in the interpreter but not in the catalog: {extra:?}"
    );
    for g in catalog::GLOBALS {
        let callable = matches!(g.kind, GlobalKind::Function | GlobalKind::Constructor);
        if let Some(n) = Native::global(g.name) {
            assert_eq!(n.is_callable(), callable, "{} callability", g.name);
        }
    }
}

#[test]
fn value_members_match_the_catalog() {
    let cases: [(ValueType, BTreeSet<String>); 5] = [
        (
            ValueType::String,
            set(STRING_METHODS.iter().copied().chain(["length"])),
        ),
        (
            ValueType::Array,
            set(ARRAY_METHODS.iter().copied().chain(["length"])),
        ),
        (ValueType::Number, set(NUMBER_METHODS.iter().copied())),
        (ValueType::Date, set(DATE_METHODS.iter().copied())),
        (ValueType::Error, set(ERROR_PROPERTIES.iter().copied())),
    ];
    for (ty, ours) in cases {
        let theirs: BTreeSet<String> = catalog::members_of(ty)
            .iter()
            .map(|m| m.name.to_string())
            .collect();
        assert_eq!(ours, theirs, "{ty:?} members");
    }
}

/// Each catalog method can actually be called (it may throw for missing arguments, but never
/// "is not a function").
#[test]
fn every_catalog_method_is_callable() {
    let receivers = [
        (ValueType::String, "\"abc\""),
        (ValueType::Array, "[3, 1, 2]"),
        (ValueType::Number, "(1.5)"),
        (ValueType::Date, "new Date(0)"),
    ];
    for (ty, recv) in receivers {
        for m in catalog::members_of(ty) {
            if m.kind != MemberKind::Method {
                continue;
            }
            let args = vec!["1"; m.min_args()].join(", ");
            let src = format!(
                "try {{ {recv}.{}({args}) }} catch (e) {{ return e.message }}\nreturn \"ok\"",
                m.name
            );
            let r = common::run_src(&src);
            let text = common::outcome_text(&r);
            assert!(
                !text.contains(&format!(".{} is not a function", m.name)),
                "{ty:?}.{}: {text}",
                m.name
            );
        }
    }
    for g in catalog::GLOBALS {
        for m in g.members {
            if m.kind == MemberKind::Method && g.name != "Task" && g.name != "Workflow" {
                let args = vec!["\"1s\""; m.min_args()].join(", ");
                let src = format!(
                    "try {{ {}.{}({args}) }} catch (e) {{ return e.message }}\nreturn \"ok\"",
                    g.name, m.name
                );
                let program = rhythm_interpreter::Program::compile(&src)
                    .unwrap_or_else(|e| panic!("{src}: {e:?}"));
                let step =
                    rhythm_interpreter::start(&program, serde_json::json!({}), &common::ctx("d"));
                let text = format!("{:?}", step.outcome);
                assert!(
                    !text.contains("is not a function"),
                    "{}.{}: {text}",
                    g.name,
                    m.name
                );
            }
        }
    }
}
