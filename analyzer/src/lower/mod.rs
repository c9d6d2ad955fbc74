//! Lowering: the lossless syntax tree becomes the arena IR ([`crate::ir`]).
//!
//! Lowering reads the rowan tree directly (node kinds and child tokens), so it copes with any
//! tree the resilient parser builds: a missing piece lowers to a `Missing` node, never a panic.
//! It opens scopes and declares bindings as it goes and records every name use; resolution
//! runs afterwards over the complete module ([`crate::resolve`]), which is what makes function
//! hoisting and the temporal dead zone work. Constructs outside the language are reported here,
//! each with its own `unsupported-*` code naming the alternative.

pub(crate) mod builder;
mod expr;
mod function;
pub(crate) mod literal;
mod pattern;
mod stmt;
mod tree;
mod unsupported;

use rhythm_syntax::SyntaxKind;
use text_size::TextRange;
use tree::{Node, Token};

use crate::diagnostic::Diagnostic;
use crate::ir::{Function, FunctionBody, Module, ScopeId, ScopeKind};
use builder::Builder;

/// Deepest nesting of expressions and statements lowering follows before giving up on a
/// subtree (the parser bounds nesting too; this keeps lowering's own stack bounded).
const MAX_DEPTH: u32 = 256;

/// Lowers a whole file.
pub(crate) fn lower(root: &rowan::GreenNodeData) -> Builder {
    let root = Node::root(root);
    let mut l = Lowerer {
        b: Builder::default(),
        depth: 0,
        too_deep_reported: false,
    };
    let range = root.text_range();
    let script = l.b.function(Function {
        name: None,
        name_binding: None,
        params: Vec::new(),
        body: FunctionBody::Block(Vec::new()),
        is_async: true,
        is_arrow: false,
        scope: ScopeId(0),
        parent: None,
        range,
    });
    l.b.enter_function(script);
    let scope = l.b.open_scope(ScopeKind::Function, range);
    let body = l.stmt_list(&root);
    if let Some(f) = l.b.function_mut(script) {
        f.scope = scope;
        f.body = FunctionBody::Block(body);
    }
    l.b.close_scope();
    l.b.exit_function();
    debug_assert_eq!(Module::SCRIPT, script);
    l.b
}

/// Lowering state: the builder plus the recursion depth.
pub(crate) struct Lowerer {
    pub(crate) b: Builder,
    depth: u32,
    too_deep_reported: bool,
}

impl Lowerer {
    /// Enters one level of nesting; false (after reporting once) when too deep.
    fn descend(&mut self, range: TextRange) -> bool {
        if self.depth >= MAX_DEPTH {
            if !self.too_deep_reported {
                self.too_deep_reported = true;
                self.b.report(Diagnostic::error(
                    "nesting-too-deep",
                    range,
                    format!("this code is nested more than {MAX_DEPTH} levels deep; split it up"),
                ));
            }
            return false;
        }
        self.depth += 1;
        true
    }

    fn ascend(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}

/// Child nodes of a node.
pub(crate) fn nodes<'a>(node: &Node<'a>) -> impl Iterator<Item = Node<'a>> + use<'a> {
    node.children()
}

/// Non-trivia child tokens of a node.
pub(crate) fn tokens<'a>(node: &Node<'a>) -> impl Iterator<Item = Token<'a>> + use<'a> {
    node.children_with_tokens()
        .filter_map(|e| match e {
            tree::Elem::Token(t) => Some(t),
            tree::Elem::Node(_) => None,
        })
        .filter(|t| !t.kind().is_trivia())
}

/// The first child token of one of these kinds.
pub(crate) fn token<'a>(node: &Node<'a>, kinds: &[SyntaxKind]) -> Option<Token<'a>> {
    tokens(node).find(|t| kinds.contains(&t.kind()))
}

/// The first child node of one of these kinds.
pub(crate) fn child<'a>(node: &Node<'a>, kinds: &[SyntaxKind]) -> Option<Node<'a>> {
    nodes(node).find(|n| kinds.contains(&n.kind()))
}

/// Expression children of a node, in order.
pub(crate) fn exprs<'a>(node: &Node<'a>) -> Vec<Node<'a>> {
    nodes(node).filter(|n| n.kind().is_expr()).collect()
}

/// The first expression child.
pub(crate) fn first_expr<'a>(node: &Node<'a>) -> Option<Node<'a>> {
    nodes(node).find(|n| n.kind().is_expr())
}

/// The first statement child.
pub(crate) fn first_stmt<'a>(node: &Node<'a>) -> Option<Node<'a>> {
    nodes(node).find(|n| n.kind().is_stmt())
}

/// The statement child after the closing `)` of a head (`if (...) body`, loops).
pub(crate) fn body_after_paren<'a>(node: &Node<'a>) -> Option<Node<'a>> {
    let after = token(node, &[SyntaxKind::R_PAREN]).map(|t| t.text_range().end());
    match after {
        Some(end) => nodes(node).find(|n| n.kind().is_stmt() && n.text_range().start() >= end),
        None => nodes(node)
            .filter(|n| n.kind().is_stmt() && n.kind() != SyntaxKind::VAR_DECL)
            .last(),
    }
}
