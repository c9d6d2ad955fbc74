//! The typed AST accessors that lowering relies on.

use rhythm_syntax::SyntaxKind::*;
use rhythm_syntax::ast::*;

fn script(text: &str) -> Script {
    let parse = rhythm_syntax::parse(text);
    assert!(parse.errors().is_empty(), "{text}: {:?}", parse.errors());
    parse.script().unwrap()
}

fn first_expr(text: &str) -> Expr {
    match script(text).stmts().next().unwrap() {
        Stmt::Expr(e) => e.expr().unwrap(),
        other => panic!("not an expression statement: {other:?}"),
    }
}

#[test]
fn declarations() {
    let s = script("const { a, b: c = 1, ...r } = o, [x, , y] = xs\nvar v\nlet w = 2");
    let decls: Vec<VarDecl> = s
        .stmts()
        .map(|st| match st {
            Stmt::VarDecl(d) => d,
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        decls.iter().map(|d| d.kind().unwrap()).collect::<Vec<_>>(),
        [DeclKind::Const, DeclKind::Var, DeclKind::Let]
    );
    let declarators: Vec<Declarator> = decls[0].declarators().collect();
    assert_eq!(declarators.len(), 2);
    let Some(Pattern::Object(obj)) = declarators[0].pattern() else {
        panic!()
    };
    let props: Vec<ObjectPatProp> = obj.props().collect();
    assert!(props[0].is_shorthand());
    let Some(Pattern::Ident(a)) = props[0].pattern() else {
        panic!()
    };
    assert_eq!(a.name().unwrap().text(), "a");
    let Some(PropName::Ident(b)) = props[1].key().unwrap().name() else {
        panic!()
    };
    assert_eq!(b.text(), "b");
    let Some(Pattern::Assign(c)) = props[1].pattern() else {
        panic!()
    };
    assert!(matches!(c.pattern(), Some(Pattern::Ident(_))));
    assert!(matches!(c.default_value(), Some(Expr::Literal(_))));
    assert!(obj.rest().is_some());
    assert!(matches!(declarators[0].init(), Some(Expr::NameRef(_))));
    let Some(Pattern::Array(arr)) = declarators[1].pattern() else {
        panic!()
    };
    let elements: Vec<Option<Pattern>> = arr.elements().collect();
    assert_eq!(elements.len(), 3);
    assert!(elements[1].is_none());
}

#[test]
fn operators() {
    let Expr::Bin(b) = first_expr("a + b * c") else {
        panic!()
    };
    assert_eq!(b.op(), Some(PLUS));
    assert!(matches!(b.lhs(), Some(Expr::NameRef(_))));
    let Some(Expr::Bin(rhs)) = b.rhs() else {
        panic!()
    };
    assert_eq!(rhs.op(), Some(STAR));

    let Expr::Bin(p) = first_expr("a ** b ** c") else {
        panic!()
    };
    assert!(
        matches!(p.rhs(), Some(Expr::Bin(_))),
        "** is right-associative"
    );

    let Expr::Assign(a) = first_expr("x ??= y") else {
        panic!()
    };
    assert_eq!(a.op(), Some(QUESTION2_EQ));
    assert!(matches!(
        a.target(),
        Some(AssignTarget::Expr(Expr::NameRef(_)))
    ));
    assert!(matches!(a.value(), Some(Expr::NameRef(_))));

    let Expr::Assign(d) = first_expr("[a, b] = [b, a]") else {
        panic!()
    };
    assert!(matches!(
        d.target(),
        Some(AssignTarget::Pattern(Pattern::Array(_)))
    ));
    assert!(matches!(d.value(), Some(Expr::Array(_))));

    let Expr::Unary(u) = first_expr("typeof x") else {
        panic!()
    };
    assert_eq!(u.op(), Some(TYPEOF_KW));
    let Expr::Update(pre) = first_expr("++x") else {
        panic!()
    };
    assert!(pre.is_prefix());
    let Expr::Update(post) = first_expr("x--") else {
        panic!()
    };
    assert!(!post.is_prefix());
    assert_eq!(post.op(), Some(MINUS2));

    let Expr::Cond(c) = first_expr("a ? b : c") else {
        panic!()
    };
    assert_eq!(c.test().unwrap().syntax().text().to_string(), "a");
    assert_eq!(c.then_expr().unwrap().syntax().text().to_string(), "b");
    assert_eq!(c.else_expr().unwrap().syntax().text().to_string(), "c");
}

#[test]
fn optional_chains_and_calls() {
    let Expr::Call(call) = first_expr("a?.b.c?.(...xs, 1)") else {
        panic!()
    };
    assert!(call.is_optional());
    let args: Vec<ExprOrSpread> = call.arg_list().unwrap().args().collect();
    assert!(matches!(args[0], ExprOrSpread::Spread(_)));
    let Some(Expr::Member(c)) = call.callee() else {
        panic!()
    };
    assert!(!c.is_optional());
    assert_eq!(c.property().unwrap().text(), "c");
    let Some(Expr::Member(b)) = c.object() else {
        panic!()
    };
    assert!(b.is_optional());

    let Expr::Index(i) = first_expr("a?.[k]") else {
        panic!()
    };
    assert!(i.is_optional());
    assert_eq!(i.index().unwrap().syntax().text().to_string(), "k");
    assert_eq!(i.object().unwrap().syntax().text().to_string(), "a");

    let Expr::New(n) = first_expr("new Error(\"boom\")") else {
        panic!()
    };
    assert_eq!(n.callee().unwrap().syntax().text().to_string(), "Error");
    assert_eq!(n.arg_list().unwrap().args().count(), 1);
}

#[test]
fn functions_and_arrows() {
    let s = script("async function f(a, b = 1, ...c) { return a }\nfunction g() {}");
    let fs: Vec<FunctionDecl> = s
        .stmts()
        .map(|st| match st {
            Stmt::Function(f) => f,
            _ => panic!(),
        })
        .collect();
    assert!(fs[0].is_async());
    assert!(!fs[1].is_async());
    assert_eq!(fs[0].name().unwrap().text(), "f");
    assert_eq!(fs[0].param_list().unwrap().params().count(), 3);
    assert_eq!(fs[0].body().unwrap().stmts().count(), 1);

    let Expr::Arrow(a) = first_expr("async x => x + 1") else {
        panic!()
    };
    assert!(a.is_async());
    assert_eq!(a.param_list().unwrap().params().count(), 1);
    assert!(matches!(a.body(), Some(ArrowBody::Expr(Expr::Bin(_)))));
    let Expr::Arrow(b) = first_expr("(a, { b }) => { return b }") else {
        panic!()
    };
    assert!(!b.is_async());
    assert!(matches!(b.body(), Some(ArrowBody::Block(_))));
}

#[test]
fn templates() {
    let Expr::Template(t) = first_expr("`a${x}${y}b\\n`") else {
        panic!()
    };
    let quasis: Vec<String> = t.quasis().iter().map(|q| q.raw().to_string()).collect();
    assert_eq!(quasis, ["a", "", "b\\n"]);
    assert_eq!(t.substitutions().count(), 2);
    assert!(t.is_terminated());
    let Expr::Template(e) = first_expr("`${x}`") else {
        panic!()
    };
    assert_eq!(e.quasis().len(), 2);
    let Expr::Template(plain) = first_expr("``") else {
        panic!()
    };
    assert_eq!(plain.quasis().len(), 1);
    assert_eq!(plain.quasis()[0].raw(), "");
    assert_eq!(
        rhythm_syntax::cook_template(quasis[2].as_str()).unwrap(),
        "b\n"
    );
}

#[test]
fn literals_and_objects() {
    let Expr::Object(o) =
        first_expr("({ a: 1, \"b-c\": 'x\\n', 3: true, [k]: null, d, ...e, m() {} })")
            .syntax()
            .children()
            .find_map(Expr::cast)
            .unwrap()
    else {
        panic!()
    };
    let members: Vec<ObjectMember> = o.members().collect();
    assert_eq!(members.len(), 7);
    let ObjectMember::Prop(a) = &members[0] else {
        panic!()
    };
    let Some(Expr::Literal(one)) = a.value() else {
        panic!()
    };
    assert_eq!(one.as_number(), Some(1.0));
    let ObjectMember::Prop(bc) = &members[1] else {
        panic!()
    };
    assert!(matches!(
        bc.key().unwrap().name(),
        Some(PropName::String(_))
    ));
    let Some(Expr::Literal(s)) = bc.value() else {
        panic!()
    };
    assert_eq!(s.as_string().as_deref(), Some("x\n"));
    let ObjectMember::Prop(three) = &members[2] else {
        panic!()
    };
    assert!(matches!(
        three.key().unwrap().name(),
        Some(PropName::Number(_))
    ));
    let ObjectMember::Prop(k) = &members[3] else {
        panic!()
    };
    assert!(k.key().unwrap().is_computed());
    assert!(matches!(
        k.key().unwrap().name(),
        Some(PropName::Computed(Expr::NameRef(_)))
    ));
    let Some(Expr::Literal(null)) = k.value() else {
        panic!()
    };
    assert_eq!(null.kind(), Some(LiteralKind::Null));
    let ObjectMember::Shorthand(d) = &members[4] else {
        panic!()
    };
    assert_eq!(d.name().unwrap().text(), "d");
    assert!(matches!(members[5], ObjectMember::Spread(_)));
    assert!(matches!(members[6], ObjectMember::Method(_)));
}

#[test]
fn statements() {
    let s = script(
        "for (const [k, v] of m) {}\nfor (x in o) ;\nfor (let i = 0; i < n; i++) {}\ntry {} catch {}\ntry {} catch (e) {} finally {}\nswitch (x) { case 1: a(); default: b() }\nif (a) b; else c",
    );
    let stmts: Vec<Stmt> = s.stmts().collect();
    let Stmt::ForOf(f) = &stmts[0] else { panic!() };
    assert_eq!(f.decl().unwrap().kind(), Some(DeclKind::Const));
    assert!(matches!(f.pattern(), Some(Pattern::Array(_))));
    assert_eq!(f.iterable().unwrap().syntax().text().to_string(), "m");
    let Stmt::ForIn(fi) = &stmts[1] else { panic!() };
    assert!(fi.decl().is_none());
    assert!(matches!(fi.pattern(), Some(Pattern::Ident(_))));
    assert!(matches!(fi.body(), Some(Stmt::Empty(_))));
    let Stmt::For(c) = &stmts[2] else { panic!() };
    assert!(c.init().unwrap().decl().is_some());
    assert!(c.test().is_some());
    assert!(matches!(c.update(), Some(Expr::Update(_))));
    let Stmt::Try(t1) = &stmts[3] else { panic!() };
    assert!(t1.catch_clause().unwrap().binding().is_none());
    assert!(t1.finally_clause().is_none());
    let Stmt::Try(t2) = &stmts[4] else { panic!() };
    assert!(t2.catch_clause().unwrap().binding().is_some());
    assert!(t2.finally_clause().is_some());
    let Stmt::Switch(sw) = &stmts[5] else {
        panic!()
    };
    let cases: Vec<SwitchCase> = sw.cases().collect();
    assert!(!cases[0].is_default() && cases[1].is_default());
    assert!(cases[0].test().is_some() && cases[1].test().is_none());
    assert_eq!(cases[0].stmts().count(), 1);
    let Stmt::If(i) = &stmts[6] else { panic!() };
    assert!(matches!(i.then_branch(), Some(Stmt::Expr(_))));
    assert!(matches!(i.else_branch(), Some(Stmt::Expr(_))));
}

#[test]
fn unsupported_constructs_have_nodes() {
    let s = script("var a = 1\nclass A {}\nlabel: x\nfunction* g() { yield 1 }\nlet r = /a/g");
    let stmts: Vec<Stmt> = s.stmts().collect();
    assert!(matches!(&stmts[0], Stmt::VarDecl(d) if d.kind() == Some(DeclKind::Var)));
    assert!(matches!(&stmts[1], Stmt::Class(_)));
    assert!(matches!(&stmts[2], Stmt::Labeled(_)));
    assert!(matches!(&stmts[3], Stmt::Function(f) if f.is_generator()));
    let Stmt::VarDecl(r) = &stmts[4] else {
        panic!()
    };
    let Some(Expr::Literal(re)) = r.declarators().next().unwrap().init() else {
        panic!()
    };
    assert_eq!(re.kind(), Some(LiteralKind::Regex));
}

#[test]
fn parse_results_cross_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<rhythm_syntax::Parse>();
    assert_send_sync::<rhythm_syntax::GreenNode>();
    let parse = rhythm_syntax::parse("let a = 1");
    let green = parse.green();
    let text = std::thread::spawn(move || {
        rhythm_syntax::SyntaxNode::new_root(green)
            .text()
            .to_string()
    })
    .join()
    .unwrap();
    assert_eq!(text, "let a = 1");
}
