//! Lowering binding patterns (declarations, parameters, catch clauses) and assignment targets
//! (`=`, compound assignment, `++`/`--`, for-in/of heads). Destructuring assignment is written
//! with array and object *literals* on the left of `=`; both pattern and literal node kinds
//! are accepted here.

use rhythm_syntax::SyntaxKind;
use smol_str::SmolStr;
use text_size::TextRange;

use super::Lowerer;
use super::builder::SiteNode;
use super::tree::{Node, child, first_expr, name_text, nodes, token, tokens};
use crate::diagnostic::Diagnostic;
use crate::ir::{
    ArrayPatternElement, BindingKind, Expr, NameRef, ObjectPatternProp, Pattern, PatternId,
    PropKey, Resolution,
};

/// What the leaves of a pattern do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Declare new bindings of this kind; the range is the initializer evaluated while they
    /// are in their dead zone.
    Declare(BindingKind, Option<TextRange>),
    /// Assign existing names; `also_read` for compound operators.
    Assign {
        /// The target is read before it is written.
        also_read: bool,
    },
}

impl Lowerer {
    /// A simple assignment target (name, member or index) for `++`, `--` and `op=`.
    pub(super) fn target(
        &mut self,
        node: Option<Node<'_>>,
        fallback: TextRange,
        also_read: bool,
    ) -> PatternId {
        use SyntaxKind as K;
        match node {
            Some(n)
                if matches!(
                    n.kind(),
                    K::NAME_REF | K::MEMBER_EXPR | K::INDEX_EXPR | K::PAREN_EXPR
                ) =>
            {
                self.pattern(&n, Mode::Assign { also_read })
            }
            Some(n) => {
                self.invalid_target(&n);
                self.b.pattern(Pattern::Missing, n.text_range())
            }
            None => self
                .b
                .pattern(Pattern::Missing, TextRange::empty(fallback.end())),
        }
    }

    fn invalid_target(&mut self, node: &Node<'_>) {
        // Lower the expression anyway so the names inside it resolve.
        if node.kind().is_expr() {
            self.expr(node);
        }
        self.b.report(Diagnostic::error(
            "invalid-assignment-target",
            node.text_range(),
            "this cannot be assigned to: assign a variable, a property `o.p` or an element `a[i]`",
        ));
    }

    /// Lowers a pattern or assignment target.
    pub(super) fn pattern(&mut self, node: &Node<'_>, mode: Mode) -> PatternId {
        let range = node.text_range();
        if !self.descend(range) {
            return self.b.pattern(Pattern::Missing, range);
        }
        let id = self.pattern_inner(node, mode, range);
        self.ascend();
        id
    }

    fn pattern_inner(&mut self, node: &Node<'_>, mode: Mode, range: TextRange) -> PatternId {
        use SyntaxKind as K;
        match node.kind() {
            K::IDENT_PAT | K::NAME_REF => {
                let name = name_text(node);
                self.leaf(name, range, mode)
            }
            K::PAREN_EXPR | K::EXPR_PAT => {
                match nodes(node).find(|n| n.kind().is_expr() || n.kind().is_pattern()) {
                    Some(inner) => self.pattern(&inner, mode),
                    None => self.b.pattern(Pattern::Missing, range),
                }
            }
            K::MEMBER_EXPR | K::INDEX_EXPR if matches!(mode, Mode::Assign { .. }) => {
                self.member_target(node, range)
            }
            K::ARRAY_PAT | K::ARRAY_EXPR => self.array_pattern(node, mode, range),
            K::OBJECT_PAT | K::OBJECT_EXPR => self.object_pattern(node, mode, range),
            K::ASSIGN_PAT | K::ASSIGN_EXPR | K::REST_PAT | K::SPREAD_ELEMENT => {
                // Only meaningful inside an array or object pattern; lower the target part.
                match nodes(node).next() {
                    Some(inner) => self.pattern(&inner, mode),
                    None => self.b.pattern(Pattern::Missing, range),
                }
            }
            K::ERROR => self.b.pattern(Pattern::Missing, range),
            _ => {
                self.invalid_target(node);
                self.b.pattern(Pattern::Missing, range)
            }
        }
    }

    /// A name leaf: a new binding or a use of an existing one.
    fn leaf(&mut self, name: SmolStr, range: TextRange, mode: Mode) -> PatternId {
        match mode {
            Mode::Declare(kind, init) => {
                let b = self.b.declare(name, kind, range, range.end());
                if let Some(slot) = self.b.tdz_init.get_mut(b.index()) {
                    *slot = init;
                }
                self.b.pattern(Pattern::Binding(b), range)
            }
            Mode::Assign { also_read } => {
                let id = self.b.pattern(
                    Pattern::Name(NameRef {
                        name,
                        resolution: Resolution::Unresolved,
                    }),
                    range,
                );
                self.b.site(SiteNode::Pattern(id), range, false, also_read);
                id
            }
        }
    }

    /// `o.p` / `o[k]` as an assignment target.
    fn member_target(&mut self, node: &Node<'_>, range: TextRange) -> PatternId {
        let e = self.expr(node);
        let pattern = match self.b.module.exprs.get(e.index()).cloned() {
            Some(Expr::Member {
                object,
                property,
                optional: false,
                ..
            }) => Pattern::Member { object, property },
            Some(Expr::Index {
                object,
                index,
                optional: false,
            }) => Pattern::Index { object, index },
            _ => {
                self.b.report(Diagnostic::error(
                    "invalid-assignment-target",
                    range,
                    "an optional chain `a?.b` cannot be assigned to",
                ));
                Pattern::Missing
            }
        };
        self.b.pattern(pattern, range)
    }

    /// An element with an optional default: `x`, `x = 1` (pattern or assignment expression).
    fn with_default(
        &mut self,
        node: &Node<'_>,
        mode: Mode,
    ) -> (PatternId, Option<crate::ir::ExprId>) {
        use SyntaxKind as K;
        if matches!(node.kind(), K::ASSIGN_PAT | K::ASSIGN_EXPR) {
            let target = nodes(node).next();
            let eq_end = token(node, &[K::EQ]).map(|t| t.text_range().end());
            let default = eq_end.and_then(|end| {
                nodes(node).find(|n| n.kind().is_expr() && n.text_range().start() >= end)
            });
            let first_binding = self.b.module.bindings.len();
            let pattern = match target {
                Some(t) => self.pattern(&t, mode),
                None => self.b.pattern(Pattern::Missing, node.text_range()),
            };
            // A binding is initialized after its own default: `{ a = a }` reads `a` too early.
            let end = node.text_range().end();
            for slot in self.b.tdz_end.iter_mut().skip(first_binding) {
                *slot = (*slot).max(end);
            }
            let default = default.map(|d| self.expr(&d));
            (pattern, default)
        } else {
            (self.pattern(node, mode), None)
        }
    }

    fn array_pattern(&mut self, node: &Node<'_>, mode: Mode, range: TextRange) -> PatternId {
        use SyntaxKind as K;
        let mut elements = Vec::new();
        let mut rest = None;
        for n in nodes(node) {
            match n.kind() {
                K::HOLE => elements.push(None),
                K::REST_PAT | K::SPREAD_ELEMENT => {
                    rest = Some(match nodes(&n).next() {
                        Some(inner) => self.pattern(&inner, mode),
                        None => self.b.pattern(Pattern::Missing, n.text_range()),
                    });
                }
                k if k.is_pattern() || k.is_expr() => {
                    let (pattern, default) = self.with_default(&n, mode);
                    elements.push(Some(ArrayPatternElement { pattern, default }));
                }
                _ => {}
            }
        }
        self.b.pattern(Pattern::Array { elements, rest }, range)
    }

    fn object_pattern(&mut self, node: &Node<'_>, mode: Mode, range: TextRange) -> PatternId {
        use SyntaxKind as K;
        let mut props = Vec::new();
        let mut rest = None;
        for n in nodes(node) {
            match n.kind() {
                K::REST_PAT | K::SPREAD_ELEMENT => {
                    rest = Some(match nodes(&n).next() {
                        Some(inner) => self.pattern(&inner, mode),
                        None => self.b.pattern(Pattern::Missing, n.text_range()),
                    });
                }
                K::OBJECT_PAT_PROP | K::PROP if token(&n, &[K::COLON]).is_some() => {
                    let key = self.prop_key(&n);
                    let colon = token(&n, &[K::COLON])
                        .map_or(n.text_range().start(), |t| t.text_range().end());
                    let value = nodes(&n).find(|c| {
                        c.text_range().start() >= colon
                            && (c.kind().is_pattern() || c.kind().is_expr())
                    });
                    let (value, default) = match value {
                        Some(v) => self.with_default(&v, mode),
                        None => (self.b.pattern(Pattern::Missing, n.text_range()), None),
                    };
                    props.push(ObjectPatternProp {
                        key,
                        value,
                        default,
                    });
                }
                K::OBJECT_PAT_PROP | K::SHORTHAND_PROP => {
                    // `{ a }` / `{ a = 1 }`.
                    let ident = child(&n, &[K::IDENT_PAT, K::NAME_REF]).or_else(|| {
                        child(&n, &[K::ASSIGN_PAT])
                            .and_then(|a| child(&a, &[K::IDENT_PAT, K::NAME_REF]))
                    });
                    let (name, name_range) = match ident {
                        Some(c) => (name_text(&c), c.text_range()),
                        None => match token(&n, &[K::IDENT]).or_else(|| tokens(&n).next()) {
                            Some(t) => (SmolStr::new(t.text()), t.text_range()),
                            None => (SmolStr::default(), n.text_range()),
                        },
                    };
                    let value = self.leaf(name.clone(), name_range, mode);
                    let default = child(&n, &[K::ASSIGN_PAT])
                        .and_then(|a| {
                            let end = token(&a, &[K::EQ])?.text_range().end();
                            nodes(&a).find(|c| c.kind().is_expr() && c.text_range().start() >= end)
                        })
                        .or_else(|| {
                            let end = token(&n, &[K::EQ])?.text_range().end();
                            nodes(&n).find(|c| c.kind().is_expr() && c.text_range().start() >= end)
                        })
                        .map(|d| self.expr(&d));
                    props.push(ObjectPatternProp {
                        key: PropKey::Static(name),
                        value,
                        default,
                    });
                }
                K::ERROR => {}
                _ => {
                    let _ = first_expr(&n);
                    self.invalid_target(&n);
                }
            }
        }
        if rest.is_some() {
            // Rest siblings are exempt from the unused-variable warning.
            let mut leaves = Vec::new();
            for p in &props {
                collect_bindings(&self.b.module, p.value, &mut leaves, 0);
            }
            self.b.unused_exempt.extend(leaves);
        }
        self.b.pattern(Pattern::Object { props, rest }, range)
    }
}

/// Every binding declared by a pattern.
pub(crate) fn collect_bindings(
    module: &crate::ir::Module,
    id: PatternId,
    out: &mut Vec<crate::ir::BindingId>,
    depth: usize,
) {
    if depth > 256 {
        return;
    }
    match module.patterns.get(id.index()) {
        Some(Pattern::Binding(b)) => out.push(*b),
        Some(Pattern::Object { props, rest }) => {
            for p in props {
                collect_bindings(module, p.value, out, depth + 1);
            }
            if let Some(r) = rest {
                collect_bindings(module, *r, out, depth + 1);
            }
        }
        Some(Pattern::Array { elements, rest }) => {
            for e in elements.iter().flatten() {
                collect_bindings(module, e.pattern, out, depth + 1);
            }
            if let Some(r) = rest {
                collect_bindings(module, *r, out, depth + 1);
            }
        }
        _ => {}
    }
}
