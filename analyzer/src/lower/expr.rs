//! Lowering expressions.

use rhythm_syntax::SyntaxKind;
use smol_str::SmolStr;
use text_size::TextRange;

use super::Lowerer;
use super::builder::SiteNode;
use super::function::FnKind;
use super::literal::number_key;
use super::pattern::Mode;
use super::tree::{Node, Token, child, exprs, first_expr, name_text, nodes, token, tokens};
use crate::diagnostic::{Diagnostic, Fix, TextEdit};
use crate::ir::{
    Argument, ArrayElement, AssignOp, BinaryOp, Expr, ExprId, Literal, LogicalOp, NameRef,
    ObjectMember, PropKey, Resolution, UnaryOp, UpdateOp,
};
use rhythm_syntax::{cook_string_literal, cook_template, parse_number};

impl Lowerer {
    /// Lowers an optional expression (a missing one becomes [`Expr::Missing`]).
    pub(super) fn opt_expr(&mut self, node: Option<Node<'_>>, fallback: TextRange) -> ExprId {
        match node {
            Some(n) => self.expr(&n),
            None => self.b.expr(Expr::Missing, TextRange::empty(fallback.end())),
        }
    }

    /// Lowers one expression.
    pub(super) fn expr(&mut self, node: &Node<'_>) -> ExprId {
        let range = node.text_range();
        if !self.descend(range) {
            return self.b.expr(Expr::Missing, range);
        }
        let id = match node.kind() {
            SyntaxKind::MEMBER_EXPR | SyntaxKind::INDEX_EXPR | SyntaxKind::CALL_EXPR => {
                let (id, optional) = self.chain(node);
                if optional {
                    self.b.expr(Expr::OptionalChain(id), range)
                } else {
                    id
                }
            }
            _ => self.expr_inner(node, range),
        };
        self.ascend();
        id
    }

    /// A link of a member/index/call chain, without the optional-chain boundary. Returns
    /// whether the chain so far contains an optional link.
    fn chain(&mut self, node: &Node<'_>) -> (ExprId, bool) {
        use SyntaxKind as K;
        let range = node.text_range();
        let optional = token(node, &[K::QUESTION_DOT]).is_some();
        let object_node = first_expr(node);
        let (object, inner_optional) = match &object_node {
            Some(o) if matches!(o.kind(), K::MEMBER_EXPR | K::INDEX_EXPR | K::CALL_EXPR) => {
                if self.descend(o.text_range()) {
                    let r = self.chain(o);
                    self.ascend();
                    r
                } else {
                    (self.b.expr(Expr::Missing, o.text_range()), false)
                }
            }
            Some(o) => (self.expr(o), false),
            None => (
                self.b.expr(Expr::Missing, TextRange::empty(range.start())),
                false,
            ),
        };
        let expr = match node.kind() {
            K::MEMBER_EXPR => {
                let after = object_node
                    .as_ref()
                    .map_or(range.start(), |o| o.text_range().end());
                let prop = tokens(node)
                    .filter(|t| t.text_range().start() >= after)
                    .last();
                match prop.filter(|t| !matches!(t.kind(), K::DOT | K::QUESTION_DOT)) {
                    Some(t) if t.kind() == K::HASH => {
                        self.b.report(Diagnostic::error(
                            "unsupported-class",
                            t.text_range(),
                            "private `#names` belong to classes, which are not supported",
                        ));
                        Expr::Missing
                    }
                    Some(t) => Expr::Member {
                        object,
                        property: SmolStr::new(t.text()),
                        property_range: t.text_range(),
                        optional,
                    },
                    None => Expr::Missing,
                }
            }
            K::INDEX_EXPR => {
                let index = nodes(node).filter(|n| n.kind().is_expr()).nth(1);
                let index = self.opt_expr(index, range);
                Expr::Index {
                    object,
                    index,
                    optional,
                }
            }
            _ => {
                let args = self.args(node);
                Expr::Call {
                    callee: object,
                    args,
                    optional,
                }
            }
        };
        (self.b.expr(expr, range), optional || inner_optional)
    }

    /// The arguments in a node's `ARG_LIST` child.
    fn args(&mut self, node: &Node<'_>) -> Vec<Argument> {
        let Some(list) = child(node, &[SyntaxKind::ARG_LIST]) else {
            return Vec::new();
        };
        let mut args = Vec::new();
        for n in nodes(&list) {
            if n.kind() == SyntaxKind::SPREAD_ELEMENT {
                let expr = self.opt_expr(first_expr(&n), n.text_range());
                args.push(Argument { expr, spread: true });
            } else if n.kind().is_expr() {
                let expr = self.expr(&n);
                args.push(Argument {
                    expr,
                    spread: false,
                });
            }
        }
        args
    }

    fn expr_inner(&mut self, node: &Node<'_>, range: TextRange) -> ExprId {
        use SyntaxKind as K;
        let expr = match node.kind() {
            K::LITERAL => self.literal(node),
            K::NAME_REF => {
                let name = name_text(node);
                let id = self.b.expr(
                    Expr::Name(NameRef {
                        name,
                        resolution: Resolution::Unresolved,
                    }),
                    range,
                );
                self.b.site(SiteNode::Expr(id), range, false, false);
                return id;
            }
            K::TEMPLATE => self.template(node),
            K::ARRAY_EXPR => self.array(node),
            K::OBJECT_EXPR => self.object(node),
            K::PAREN_EXPR => Expr::Paren(self.opt_expr(first_expr(node), range)),
            K::ARROW_FUNC => Expr::Function(self.function(node, FnKind::Arrow)),
            K::FUNCTION_EXPR => Expr::Function(self.function(node, FnKind::Expr)),
            K::NEW_EXPR => {
                let callee_node = first_expr(node);
                let callee = match &callee_node {
                    // `new Map()`: `unsupported-new` explains it; no `unknown-name` as well.
                    Some(c) if c.kind() == K::NAME_REF => {
                        let r = c.text_range();
                        let id = self.b.expr(
                            Expr::Name(NameRef {
                                name: name_text(c),
                                resolution: Resolution::Unresolved,
                            }),
                            r,
                        );
                        self.b.site(SiteNode::Expr(id), r, true, false);
                        id
                    }
                    _ => self.opt_expr(callee_node, range),
                };
                let args = self.args(node);
                Expr::New { callee, args }
            }
            K::UNARY_EXPR => return self.unary(node, range),
            K::AWAIT_EXPR => {
                self.check_await(node, range);
                Expr::Await(self.opt_expr(first_expr(node), range))
            }
            K::UPDATE_EXPR => {
                let op_token = token(node, &[K::PLUS2, K::MINUS2]);
                let operand = first_expr(node);
                let prefix = match (&op_token, &operand) {
                    (Some(t), Some(o)) => t.text_range().start() < o.text_range().start(),
                    _ => true,
                };
                let op = match op_token.map(|t| t.kind()) {
                    Some(K::MINUS2) => UpdateOp::Decrement,
                    _ => UpdateOp::Increment,
                };
                let target = self.target(operand, range, true);
                Expr::Update { op, prefix, target }
            }
            K::BIN_EXPR => self.binary(node, range),
            K::COND_EXPR => {
                let parts = exprs(node);
                let test = self.opt_expr(parts.first().cloned(), range);
                let then = self.opt_expr(parts.get(1).cloned(), range);
                let otherwise = self.opt_expr(parts.get(2).cloned(), range);
                Expr::Conditional {
                    test,
                    then,
                    otherwise,
                }
            }
            K::ASSIGN_EXPR => self.assign(node, range),
            K::SEQUENCE_EXPR => {
                let parts = exprs(node);
                Expr::Sequence(parts.iter().map(|e| self.expr(e)).collect())
            }
            K::MEMBER_EXPR | K::INDEX_EXPR | K::CALL_EXPR => return self.expr(node),
            K::THIS_EXPR | K::SUPER_EXPR | K::TAGGED_TEMPLATE | K::CLASS_EXPR | K::YIELD_EXPR => {
                self.unsupported_expr(node);
                Expr::Missing
            }
            _ => Expr::Missing,
        };
        self.b.expr(expr, range)
    }

    fn literal(&mut self, node: &Node<'_>) -> Expr {
        use SyntaxKind as K;
        let Some(t) = tokens(node).next() else {
            return Expr::Missing;
        };
        match t.kind() {
            K::NUMBER => {
                parse_number(t.text()).map_or(Expr::Missing, |n| Expr::Literal(Literal::Number(n)))
            }
            K::STRING => match cook_string_literal(t.text()) {
                Ok(s) => Expr::Literal(Literal::String(s)),
                Err(e) => {
                    self.b.report(Diagnostic::error(
                        "invalid-string",
                        t.text_range(),
                        format!("this string literal is malformed: {e}"),
                    ));
                    Expr::Missing
                }
            },
            K::TRUE_KW => Expr::Literal(Literal::Bool(true)),
            K::FALSE_KW => Expr::Literal(Literal::Bool(false)),
            K::NULL_KW => Expr::Literal(Literal::Null),
            K::REGEX => {
                self.b.report(Diagnostic::error(
                    "unsupported-regex",
                    t.text_range(),
                    "regular expressions are not supported yet: use string methods such as \
                     `includes`, `startsWith`, `split` or `replaceAll`",
                ));
                Expr::Missing
            }
            _ => Expr::Missing,
        }
    }

    fn template(&mut self, node: &Node<'_>) -> Expr {
        use SyntaxKind as K;
        let mut quasis = vec![String::new()];
        let mut parts = Vec::new();
        for element in node.children_with_tokens() {
            match element {
                super::tree::Elem::Token(t) if t.kind() == K::TEMPLATE_CHUNK => {
                    if let Some(last) = quasis.last_mut() {
                        match cook_template(t.text()) {
                            Ok(text) => last.push_str(&text),
                            Err(e) => self.b.report(Diagnostic::error(
                                "invalid-string",
                                t.text_range(),
                                format!("this template text is malformed: {e}"),
                            )),
                        }
                    }
                }
                super::tree::Elem::Node(n) if n.kind() == K::TEMPLATE_SUBST => {
                    let e = self.opt_expr(first_expr(&n), n.text_range());
                    parts.push(e);
                    quasis.push(String::new());
                }
                _ => {}
            }
        }
        Expr::Template {
            quasis,
            exprs: parts,
        }
    }

    fn array(&mut self, node: &Node<'_>) -> Expr {
        use SyntaxKind as K;
        let mut elements = Vec::new();
        for n in nodes(node) {
            match n.kind() {
                K::SPREAD_ELEMENT => {
                    elements.push(ArrayElement::Spread(
                        self.opt_expr(first_expr(&n), n.text_range()),
                    ));
                }
                K::HOLE => elements.push(ArrayElement::Hole),
                k if k.is_expr() => elements.push(ArrayElement::Expr(self.expr(&n))),
                _ => {}
            }
        }
        Expr::Array(elements)
    }

    fn object(&mut self, node: &Node<'_>) -> Expr {
        use SyntaxKind as K;
        let mut members = Vec::new();
        for n in nodes(node) {
            match n.kind() {
                K::PROP => {
                    let key = self.prop_key(&n);
                    let after_colon = token(&n, &[K::COLON]).map(|t| t.text_range().end());
                    let value_node = nodes(&n).find(|c| {
                        c.kind().is_expr()
                            && after_colon.is_none_or(|end| c.text_range().start() >= end)
                    });
                    let value = self.opt_expr(value_node, n.text_range());
                    members.push(ObjectMember::Property { key, value });
                }
                K::SHORTHAND_PROP => {
                    let name_node = child(&n, &[K::NAME_REF, K::IDENT_PAT]);
                    let (name, name_range) = match &name_node {
                        Some(nn) => (name_text(nn), nn.text_range()),
                        None => match token(&n, &[K::IDENT]) {
                            Some(t) => (SmolStr::new(t.text()), t.text_range()),
                            None => (SmolStr::default(), n.text_range()),
                        },
                    };
                    if token(&n, &[K::EQ]).is_some() {
                        self.b.report(Diagnostic::error(
                            "invalid-shorthand",
                            n.text_range(),
                            "`{ name = value }` is only valid in destructuring; write \
                             `{ name: value }` in an object literal",
                        ));
                    }
                    let value = self.b.expr(
                        Expr::Name(NameRef {
                            name: name.clone(),
                            resolution: Resolution::Unresolved,
                        }),
                        name_range,
                    );
                    self.b.site(SiteNode::Expr(value), name_range, false, false);
                    members.push(ObjectMember::Property {
                        key: PropKey::Static(name),
                        value,
                    });
                }
                K::METHOD_PROP => {
                    let key = self.prop_key(&n);
                    let f = self.function(&n, FnKind::Method);
                    let value = self.b.expr(Expr::Function(f), n.text_range());
                    members.push(ObjectMember::Property { key, value });
                }
                K::SPREAD_ELEMENT => {
                    members.push(ObjectMember::Spread(
                        self.opt_expr(first_expr(&n), n.text_range()),
                    ));
                }
                K::ACCESSOR_PROP => self.unsupported_expr(&n),
                _ => {}
            }
        }
        Expr::Object(members)
    }

    /// The key of a property, method or object-pattern property (its `PROP_KEY` child).
    pub(super) fn prop_key(&mut self, node: &Node<'_>) -> PropKey {
        use SyntaxKind as K;
        let Some(key) = child(node, &[K::PROP_KEY]) else {
            return PropKey::Static(SmolStr::default());
        };
        if token(&key, &[K::L_BRACK]).is_some() {
            return PropKey::Computed(self.opt_expr(first_expr(&key), key.text_range()));
        }
        if let Some(inner) = first_expr(&key) {
            // Some trees wrap the key's literal in a node.
            if let Some(t) = tokens(&inner).next() {
                return static_key(&t);
            }
        }
        match tokens(&key).next() {
            Some(t) => static_key(&t),
            None => PropKey::Static(SmolStr::default()),
        }
    }

    fn unary(&mut self, node: &Node<'_>, range: TextRange) -> ExprId {
        use SyntaxKind as K;
        let op_token = tokens(node).next();
        let operand = first_expr(node);
        let op = match op_token.as_ref().map(|t| t.kind()) {
            Some(K::MINUS) => UnaryOp::Neg,
            Some(K::PLUS) => UnaryOp::Plus,
            Some(K::BANG) => UnaryOp::Not,
            Some(K::TILDE) => UnaryOp::BitNot,
            Some(K::TYPEOF_KW) => UnaryOp::Typeof,
            Some(K::VOID_KW) => UnaryOp::Void,
            Some(K::DELETE_KW) => {
                self.b.report(Diagnostic::error(
                    "unsupported-delete",
                    op_token.map_or(range, |t| t.text_range()),
                    "`delete` is not supported yet: build a new object without the property, \
                     e.g. `const { unwanted, ...rest } = obj`",
                ));
                if let Some(o) = &operand {
                    self.expr(o);
                }
                return self.b.expr(Expr::Missing, range);
            }
            _ => UnaryOp::Plus,
        };
        let arg = match (&operand, op) {
            (Some(o), UnaryOp::Typeof) if o.kind() == K::NAME_REF => {
                let name = name_text(o);
                let r = o.text_range();
                let id = self.b.expr(
                    Expr::Name(NameRef {
                        name,
                        resolution: Resolution::Unresolved,
                    }),
                    r,
                );
                self.b.site(SiteNode::Expr(id), r, true, false);
                id
            }
            _ => self.opt_expr(operand, range),
        };
        self.b.expr(Expr::Unary { op, arg }, range)
    }

    fn binary(&mut self, node: &Node<'_>, range: TextRange) -> Expr {
        use SyntaxKind as K;
        // One pass: the first expression, the operator token after it, the expression after.
        let (mut lhs_node, mut op, mut rhs_node) = (None, None, None);
        for e in node.children_with_tokens() {
            match e {
                super::tree::Elem::Node(n) if n.kind().is_expr() => {
                    if op.is_some() {
                        rhs_node = Some(n);
                        break;
                    } else if lhs_node.is_none() {
                        lhs_node = Some(n);
                    }
                }
                super::tree::Elem::Token(t) if !t.kind().is_trivia() && op.is_none() => {
                    op = Some(t);
                }
                _ => {}
            }
        }
        let lhs = self.opt_expr(lhs_node, range);
        let rhs = self.opt_expr(rhs_node, range);
        let Some(op) = op else {
            return Expr::Missing;
        };
        let binary = |op| Expr::Binary { op, lhs, rhs };
        let logical = |op| Expr::Logical { op, lhs, rhs };
        match op.kind() {
            K::PLUS => binary(BinaryOp::Add),
            K::MINUS => binary(BinaryOp::Sub),
            K::STAR => binary(BinaryOp::Mul),
            K::SLASH => binary(BinaryOp::Div),
            K::PERCENT => binary(BinaryOp::Rem),
            K::STAR2 => binary(BinaryOp::Pow),
            K::EQ2 => binary(BinaryOp::LooseEq),
            K::NEQ => binary(BinaryOp::LooseNe),
            K::EQ3 => binary(BinaryOp::StrictEq),
            K::NEQ2 => binary(BinaryOp::StrictNe),
            K::LT => binary(BinaryOp::Lt),
            K::LTEQ => binary(BinaryOp::Le),
            K::GT => binary(BinaryOp::Gt),
            K::GTEQ => binary(BinaryOp::Ge),
            K::AMP => binary(BinaryOp::BitAnd),
            K::PIPE => binary(BinaryOp::BitOr),
            K::CARET => binary(BinaryOp::BitXor),
            K::SHL => binary(BinaryOp::Shl),
            K::SHR => binary(BinaryOp::Shr),
            K::USHR => binary(BinaryOp::UShr),
            K::IN_KW => binary(BinaryOp::In),
            K::INSTANCEOF_KW => binary(BinaryOp::Instanceof),
            K::AMP2 => logical(LogicalOp::And),
            K::PIPE2 => logical(LogicalOp::Or),
            K::QUESTION2 => logical(LogicalOp::Nullish),
            _ => Expr::Missing,
        }
    }

    fn assign(&mut self, node: &Node<'_>, range: TextRange) -> Expr {
        use SyntaxKind as K;
        let lhs_node = nodes(node).next();
        let after = lhs_node
            .as_ref()
            .map_or(range.start(), |l| l.text_range().end());
        let op_token = tokens(node).find(|t| t.text_range().start() >= after);
        let op = match op_token.as_ref().map(|t| t.kind()) {
            Some(K::PLUS_EQ) => AssignOp::Binary(BinaryOp::Add),
            Some(K::MINUS_EQ) => AssignOp::Binary(BinaryOp::Sub),
            Some(K::STAR_EQ) => AssignOp::Binary(BinaryOp::Mul),
            Some(K::SLASH_EQ) => AssignOp::Binary(BinaryOp::Div),
            Some(K::PERCENT_EQ) => AssignOp::Binary(BinaryOp::Rem),
            Some(K::STAR2_EQ) => AssignOp::Binary(BinaryOp::Pow),
            Some(K::SHL_EQ) => AssignOp::Binary(BinaryOp::Shl),
            Some(K::SHR_EQ) => AssignOp::Binary(BinaryOp::Shr),
            Some(K::USHR_EQ) => AssignOp::Binary(BinaryOp::UShr),
            Some(K::AMP_EQ) => AssignOp::Binary(BinaryOp::BitAnd),
            Some(K::PIPE_EQ) => AssignOp::Binary(BinaryOp::BitOr),
            Some(K::CARET_EQ) => AssignOp::Binary(BinaryOp::BitXor),
            Some(K::AMP2_EQ) => AssignOp::Logical(LogicalOp::And),
            Some(K::PIPE2_EQ) => AssignOp::Logical(LogicalOp::Or),
            Some(K::QUESTION2_EQ) => AssignOp::Logical(LogicalOp::Nullish),
            _ => AssignOp::Assign,
        };
        let rhs_node = op_token.as_ref().and_then(|t| {
            let end = t.text_range().end();
            nodes(node).find(|n| n.kind().is_expr() && n.text_range().start() >= end)
        });
        let target = if op == AssignOp::Assign {
            match &lhs_node {
                Some(l) => self.pattern(l, Mode::Assign { also_read: false }),
                None => self.target(None, range, false),
            }
        } else {
            self.target(lhs_node, range, true)
        };
        let value = self.opt_expr(rhs_node, range);
        Expr::Assign { op, target, value }
    }

    /// `await` must be inside an async function (the script body is one).
    fn check_await(&mut self, node: &Node<'_>, range: TextRange) {
        if self.b.in_async() {
            return;
        }
        let f = self.b.current_function();
        let start = self
            .b
            .module
            .functions
            .get(f.index())
            .map_or(range.start(), |f| f.range.start());
        let keyword = token(node, &[SyntaxKind::AWAIT_KW]).map_or(range, |t| t.text_range());
        self.b.report(
            Diagnostic::error(
                "await-outside-async",
                keyword,
                "`await` can only be used in an `async` function (or at the top level)",
            )
            .with_label(TextRange::empty(start), "this function is not `async`")
            .with_fix(Fix {
                title: "Make the function `async`".into(),
                edits: vec![TextEdit {
                    range: TextRange::empty(start),
                    new_text: "async ".into(),
                }],
            }),
        );
    }
}

/// A non-computed property key token.
fn static_key(t: &Token<'_>) -> PropKey {
    match t.kind() {
        SyntaxKind::STRING => PropKey::Static(SmolStr::new(
            cook_string_literal(t.text()).unwrap_or_else(|_| t.text().to_owned()),
        )),
        SyntaxKind::NUMBER => PropKey::Static(SmolStr::new(
            parse_number(t.text()).map_or_else(|| t.text().to_owned(), number_key),
        )),
        _ => PropKey::Static(SmolStr::new(t.text())),
    }
}
