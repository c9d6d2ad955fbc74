//! The library API: syntax errors refuse formatting, options, small style decisions.

use rhythm_fmt::{FormatError, Options, format};

fn fmt(text: &str) -> String {
    format(text, &Options::default()).unwrap()
}

#[test]
fn syntax_errors_are_refused_with_places() {
    let err = format("let x = (1 +\nlet y = 2\n", &Options::default()).unwrap_err();
    let FormatError::Syntax(errors) = err else {
        panic!("expected syntax errors")
    };
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| !e.message.is_empty()));
}

#[test]
fn defaults() {
    assert_eq!(
        Options::default(),
        Options {
            line_width: 100,
            indent: 2
        }
    );
}

#[test]
fn semicolons_are_dropped_and_asi_hazards_guarded() {
    assert_eq!(
        fmt("a();\n(b || c)();\n[1].map(f);\n`x`.length;\n"),
        "a()\n;(b || c)()\n;[1].map(f)\n;`x`.length\n"
    );
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n"), "");
    assert_eq!(fmt("// only\n"), "// only\n");
    assert_eq!(fmt("/* a */ /* b */"), "/* a */ /* b */\n");
}

#[test]
fn blank_lines_collapse_to_one() {
    assert_eq!(fmt("a\n\n\n\nb\n"), "a\n\nb\n");
    assert_eq!(fmt("\n\na\n"), "a\n");
}

#[test]
fn quotes_follow_prettier() {
    assert_eq!(fmt("x = 'a'\n"), "x = \"a\"\n");
    assert_eq!(fmt("x = 'say \"hi\"'\n"), "x = 'say \"hi\"'\n");
    assert_eq!(fmt("x = \"it\\'s\"\n"), "x = \"it's\"\n");
}

#[test]
fn arrow_parameters_get_parentheses() {
    assert_eq!(fmt("f = x => x\n"), "f = (x) => x\n");
    assert_eq!(fmt("f = async x => x\n"), "f = async (x) => x\n");
}

#[test]
fn templates_are_untouched() {
    let src = "x = `a  ${ b+c }\n   d`\n";
    assert_eq!(fmt(src), src);
}

#[test]
fn no_trailing_comma_after_rest() {
    let long = "const { aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccccccc, ...restOfTheThings } = o\n";
    let out = fmt(long);
    assert!(out.contains("...restOfTheThings\n}"), "{out}");
}

#[test]
fn line_comments_never_swallow_code() {
    for src in [
        "x = a // c\n  + b\n",
        "f(a // c\n, b)\n",
        "x = [ // c\n 1]\n",
        "if (a) // c\n b()\n",
    ] {
        let out = fmt(src);
        assert_eq!(fmt(&out), out, "{src:?}");
    }
}

#[test]
fn a_number_before_a_member_access_keeps_the_access() {
    // `2.toFixed` would lex as the number `2.` and a name (issue "Reliability II").
    let out = fmt("const x = 2\n  .toFixed(1)\nreturn x\n");
    assert_eq!(out, "const x = (2).toFixed(1)\nreturn x\n");
    assert!(rhythm_syntax::parse(&out).errors().is_empty());
    assert_eq!(fmt(&out), out, "formatting twice changed it");
    // Only where the joined text would lex differently.
    for (text, formatted) in [
        ("1_000 .x", "(1_000).x"),
        ("2 .e3", "(2).e3"),
        ("1.5 .x", "1.5.x"),
        ("1e3 .x", "1e3.x"),
        ("2. .x", "2..x"),
        (".5 .x", ".5.x"),
        ("0x1f .x", "0x1f.x"),
        ("0o17 .x", "0o17.x"),
        ("0b1 .x", "0b1.x"),
        ("2 ?.x", "2?.x"),
        ("2 [0]", "2[0]"),
    ] {
        assert_eq!(
            fmt(&format!("x = {text}")),
            format!("x = {formatted}\n"),
            "{text}"
        );
    }
    // A statement that now starts with `(` is guarded like any other.
    assert_eq!(fmt("a\n2 .toString()\n"), "a\n;(2).toString()\n");
    assert_eq!(fmt("a\n2 .x + 1\n"), "a\n;(2).x + 1\n");
}
