//! Pathological inputs: deep nesting must give an error, never a stack overflow or a hang.

fn deep_inputs() -> Vec<(&'static str, String)> {
    let n = 10_000;
    vec![
        (
            "parens",
            format!("x = {}1{}", "(".repeat(300), ")".repeat(300)),
        ),
        (
            "many parens",
            format!("x = {}1{}", "(".repeat(n), ")".repeat(n)),
        ),
        ("arrays", format!("x = {}{}", "[".repeat(n), "]".repeat(n))),
        (
            "objects",
            format!("x = {}1{}", "{a:".repeat(n), "}".repeat(n)),
        ),
        ("blocks", format!("{}{}", "{".repeat(n), "}".repeat(n))),
        ("ifs", "if (a) ".repeat(n) + "b"),
        ("unary", format!("x = {}1", "!".repeat(n))),
        ("minus", format!("x = {}1", "- ".repeat(n))),
        ("awaits", format!("x = {}1", "await ".repeat(n))),
        ("typeofs", format!("x = {}1", "typeof ".repeat(n))),
        ("power", format!("x = 1{}", " ** 1".repeat(n))),
        ("assign", format!("{}1", "a = ".repeat(n))),
        ("conditional", format!("x = {}1", "a ? b : ".repeat(n))),
        ("arrows", format!("f = {}1", "x => ".repeat(n))),
        ("news", format!("x = {}X", "new ".repeat(n))),
        (
            "templates",
            format!("x = {}1{}", "`${".repeat(n), "}`".repeat(n)),
        ),
        (
            "patterns",
            format!("let {}a{} = 1", "[".repeat(n), "]".repeat(n)),
        ),
        (
            "object patterns",
            format!("let {}b{} = 1", "{a:".repeat(n), "}".repeat(n)),
        ),
        ("calls", format!("f{}", "(".repeat(n))),
        ("unclosed", format!("x = {}", "([{".repeat(n))),
        ("functions", "function f() {".repeat(n)),
        ("members", format!("x = a{}", ".b".repeat(n))),
        ("sums", format!("x = 1{}", " + 1".repeat(n))),
    ]
}

fn check_all() {
    for (name, text) in deep_inputs() {
        let parse = rhythm_syntax::parse(&text);
        assert_eq!(parse.syntax().text().to_string(), text, "{name}: lossless");
        if text.len() > 3000 {
            assert!(
                !parse.errors().is_empty(),
                "{name}: expected a nesting error"
            );
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    check_all();
}

#[test]
fn deep_nesting_in_a_small_stack() {
    // Editors and servers parse on worker threads; 1 MiB covers a debug build at the limit.
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(check_all)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn three_hundred_parens_report_depth() {
    let text = format!("x = {}1{}", "(".repeat(300), ")".repeat(300));
    let parse = rhythm_syntax::parse(&text);
    assert!(
        parse
            .errors()
            .iter()
            .any(|e| e.message.contains("nested too deeply"))
    );
}

/// Found by the `format` fuzz target: an unterminated template right after `import` was skipped
/// as part of the module clause without an error, so the formatter's added newline changed it.
#[test]
fn templates_after_import_or_export_are_parsed_and_checked() {
    for text in ["import`", "import `a", "import x from `", "export { a } `b"] {
        let parse = rhythm_syntax::parse(text);
        assert_eq!(parse.syntax().to_string(), text);
        assert!(
            parse
                .errors()
                .iter()
                .any(|e| e.message.contains("unterminated template")),
            "{text:?}: {:?}",
            parse.errors()
        );
    }
}
