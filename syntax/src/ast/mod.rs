//! Typed views over the syntax tree.
//!
//! Each struct wraps a [`SyntaxNode`] of one kind; `Stmt`, `Expr` and `Pattern` are enums over
//! them. Every accessor returns an `Option` or an iterator, because the tree of a file with
//! syntax errors may lack any part.
//!
//! Shapes worth knowing when lowering:
//! - A destructuring assignment (`[a, b] = [b, a]`, `({ a } = o)`) has an [`ArrayPat`] or
//!   [`ObjectPat`] as its target; inside it, targets that are not plain names are [`ExprPat`].
//! - `for (x of xs)` without a declaration has a [`Pattern`] as its target (`IdentPat` for `x`).
//! - Optional chains are nested `MemberExpr`/`IndexExpr`/`CallExpr` nodes; the ones written
//!   with `?.` answer `is_optional() == true`. A chain extends through its parents of those
//!   three kinds (a `ParenExpr` ends it), as in JavaScript.
//! - An arrow function with a single bare parameter still has a [`ParamList`] (without parens).

mod nodes;

pub use nodes::*;

use crate::{SyntaxKind, SyntaxNode, SyntaxToken};

/// A typed view of a syntax node.
pub trait AstNode: Sized {
    /// Whether a node of `kind` can be viewed as `Self`.
    fn can_cast(kind: SyntaxKind) -> bool;
    /// The typed view of `node`, if it has a fitting kind.
    fn cast(node: SyntaxNode) -> Option<Self>;
    /// The underlying node.
    fn syntax(&self) -> &SyntaxNode;
}

/// The first child node that can be viewed as `N`.
pub(crate) fn child<N: AstNode>(node: &SyntaxNode) -> Option<N> {
    node.children().find_map(N::cast)
}

/// All child nodes that can be viewed as `N`.
pub(crate) fn children<N: AstNode>(node: &SyntaxNode) -> impl Iterator<Item = N> + use<N> {
    node.children().filter_map(N::cast)
}

/// The first child token of one of `kinds`.
pub(crate) fn token(node: &SyntaxNode, kinds: &[SyntaxKind]) -> Option<SyntaxToken> {
    node.children_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| kinds.contains(&t.kind()))
}

/// The first child node viewable as `N` that comes after the first token of one of `kinds`.
pub(crate) fn child_after<N: AstNode>(node: &SyntaxNode, kinds: &[SyntaxKind]) -> Option<N> {
    let mut seen = false;
    for element in node.children_with_tokens() {
        match element {
            rowan::NodeOrToken::Token(t) if kinds.contains(&t.kind()) => seen = true,
            rowan::NodeOrToken::Node(n) if seen => {
                if let Some(n) = N::cast(n) {
                    return Some(n);
                }
            }
            _ => {}
        }
    }
    None
}

/// The first child node viewable as `N` that comes before the first token of one of `kinds`.
pub(crate) fn child_before<N: AstNode>(node: &SyntaxNode, kinds: &[SyntaxKind]) -> Option<N> {
    for element in node.children_with_tokens() {
        match element {
            rowan::NodeOrToken::Token(t) if kinds.contains(&t.kind()) => return None,
            rowan::NodeOrToken::Node(n) => {
                if let Some(n) = N::cast(n) {
                    return Some(n);
                }
            }
            _ => {}
        }
    }
    None
}
