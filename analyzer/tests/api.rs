//! Tests of the public API: options, the IR's resolution facts, and robustness.

use std::collections::BTreeSet;

use rhythm_analyzer::ir::{BindingKind, Expr, FunctionBody, Module, Resolution, Stmt};
use rhythm_analyzer::{Options, Severity, analyze, analyze_with};

fn binding<'m>(module: &'m Module, name: &str) -> &'m rhythm_analyzer::ir::Binding {
    module
        .bindings
        .iter()
        .find(|b| b.name == name)
        .unwrap_or_else(|| panic!("no binding {name}"))
}

fn codes(text: &str) -> Vec<&'static str> {
    analyze(text).diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn known_tasks_warn_with_suggestion() {
    let options = Options {
        known_tasks: Some(BTreeSet::from([
            "send-email".to_owned(),
            "charge".to_owned(),
        ])),
        ..Options::default()
    };
    let a = analyze_with(
        "await Task.run(\"send-emial\")\nawait Task.run(\"charge\")\nconst n = \"x\"\nawait Task.run(n)\n",
        &options,
    );
    let unknown: Vec<_> = a
        .diagnostics
        .iter()
        .filter(|d| d.code == "unknown-task")
        .collect();
    assert_eq!(unknown.len(), 1, "{:#?}", a.diagnostics);
    assert_eq!(unknown[0].severity, Severity::Warning);
    assert!(unknown[0].message.contains("did you mean `send-email`"));
    assert_eq!(unknown[0].fixes[0].edits[0].new_text, "\"send-email\"");
    assert!(!a.has_errors());
    // Without a manifest nothing is said.
    assert!(!codes("await Task.run(\"send-emial\")").contains(&"unknown-task"));
}

#[test]
fn closures_capture_and_reassignment_is_recorded() {
    let a = analyze(
        "let count = 0\nconst inc = () => { count += 1 }\ninc()\nconst fixed = 1\nconsole.log(fixed, count)\n",
    );
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    let count = binding(&a.module, "count");
    assert!(count.captured);
    assert!(count.reassigned);
    assert_eq!(count.kind, BindingKind::Let);
    let fixed = binding(&a.module, "fixed");
    assert!(!fixed.captured);
    assert!(!fixed.reassigned);
    assert_eq!(fixed.kind, BindingKind::Const);
}

#[test]
fn names_resolve_to_the_innermost_binding() {
    let a = analyze("const x = 1\n{\n  const x = 2\n  console.log(x)\n}\nconsole.log(x)\n");
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    let uses: Vec<_> = a
        .module
        .exprs
        .iter()
        .filter_map(|e| match e {
            Expr::Name(n) if n.name == "x" => Some(n.resolution.clone()),
            _ => None,
        })
        .collect();
    let xs: Vec<_> = a
        .module
        .bindings
        .iter()
        .enumerate()
        .filter(|(_, b)| b.name == "x")
        .map(|(i, _)| i as u32)
        .collect();
    assert_eq!(xs.len(), 2);
    assert_eq!(
        uses,
        vec![
            Resolution::Local(rhythm_analyzer::ir::BindingId(xs[1])),
            Resolution::Local(rhythm_analyzer::ir::BindingId(xs[0])),
        ]
    );
    let globals = a.module.exprs.iter().any(
        |e| matches!(e, Expr::Name(n) if n.resolution == Resolution::Global("console".into())),
    );
    assert!(globals);
}

#[test]
fn function_declarations_are_hoisted_and_async_is_recorded() {
    let a = analyze("await step()\nasync function step() {\n  return await Task.run(\"a\")\n}\n");
    assert!(!a.has_errors(), "{:#?}", a.diagnostics);
    let step = a
        .module
        .functions
        .iter()
        .find(|f| f.name.as_deref() == Some("step"))
        .unwrap();
    assert!(step.is_async);
    assert!(!step.is_arrow);
    assert_eq!(step.parent, Some(Module::SCRIPT));
    let b = step.name_binding.unwrap();
    assert_eq!(a.module.binding(b).kind, BindingKind::Function);
    assert_eq!(
        a.module.binding(b).scope,
        a.module.function(Module::SCRIPT).scope
    );
    let FunctionBody::Block(body) = &a.module.function(Module::SCRIPT).body else {
        panic!("script body is a block");
    };
    assert!(matches!(a.module.stmt(body[1]), Stmt::FunctionDecl(_)));
}

#[test]
fn every_node_has_a_range_inside_the_text() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/test_data/scopes.flow"
    ))
    .unwrap();
    let a = analyze(&text);
    let len = text.len() as u32;
    assert_eq!(a.module.exprs.len(), a.module.expr_ranges.len());
    assert_eq!(a.module.stmts.len(), a.module.stmt_ranges.len());
    assert_eq!(a.module.patterns.len(), a.module.pattern_ranges.len());
    for r in a
        .module
        .expr_ranges
        .iter()
        .chain(&a.module.stmt_ranges)
        .chain(&a.module.pattern_ranges)
    {
        assert!(u32::from(r.end()) <= len);
    }
}

#[test]
fn missing_syntax_lowers_to_missing_nodes() {
    let a = analyze("const = \nif (\n");
    assert!(a.has_errors());
    assert!(a.diagnostics.iter().any(|d| d.code == "syntax-error"));
}

#[test]
fn deep_nesting_does_not_overflow() {
    for n in [100, 300, 1000, 5000] {
        let text = format!("const x = {}1{}", "(".repeat(n), ")".repeat(n));
        let _ = analyze(&text);
        let text = format!("const x = {}1{}", "[".repeat(n), "]".repeat(n));
        let _ = analyze(&text);
        let text = format!("{}{}", "{".repeat(n), "}".repeat(n));
        let _ = analyze(&text);
    }
}

#[test]
fn many_unknown_names_are_all_reported() {
    let mut text = String::new();
    for i in 0..3000 {
        text.push_str(&format!("const value{i} = {i}\nconsole.log(valeu{i})\n"));
    }
    let a = analyze(&text);
    let unknown: Vec<_> = a
        .diagnostics
        .iter()
        .filter(|d| d.code == "unknown-name")
        .collect();
    assert_eq!(unknown.len(), 3000);
    // The first ones carry suggestions; past the cap they do not.
    assert!(unknown[0].message.contains("did you mean `value0`"));
    assert!(unknown[2999].fixes.is_empty());
}
