//! The one small API for reading the red tree by kind, shared by the formatter and the editor
//! features: significant (non-trivia) children and tokens, and child tokens of a kind.
//!
//! There are no typed views: each consumer matches the kinds it needs (see `kind.rs`), and a
//! helper lives here only when two crates need the same one.

use crate::{SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken};

/// The children of `node` (nodes and tokens) that are not whitespace or comments, in order.
pub fn significant_children(node: &SyntaxNode) -> impl Iterator<Item = SyntaxElement> + use<> {
    node.children_with_tokens()
        .filter(|e| !e.kind().is_trivia())
}

/// The first child token of `node` of one of `kinds` (child tokens only, not descendants).
pub fn child_token(node: &SyntaxNode, kinds: &[SyntaxKind]) -> Option<SyntaxToken> {
    node.children_with_tokens()
        .filter_map(SyntaxElement::into_token)
        .find(|t| kinds.contains(&t.kind()))
}

/// Whether `node` has a child token of `kind`.
pub fn has_child_token(node: &SyntaxNode, kind: SyntaxKind) -> bool {
    node.children_with_tokens().any(|e| e.kind() == kind)
}

/// The first token inside `node` that is not whitespace or a comment.
pub fn first_significant_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    let end = node.text_range().end();
    let mut token = node.first_token()?;
    while token.kind().is_trivia() {
        token = token.next_token()?;
        if token.text_range().end() > end {
            return None;
        }
    }
    Some(token)
}

/// The last token inside `node` that is not whitespace or a comment.
pub fn last_significant_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    let start = node.text_range().start();
    let token = node.last_token()?;
    if !token.kind().is_trivia() {
        return Some(token);
    }
    prev_significant_token(&token).filter(|t| t.text_range().start() >= start)
}

/// The closest token before `token` (anywhere in the tree) that is not whitespace or a comment.
pub fn prev_significant_token(token: &SyntaxToken) -> Option<SyntaxToken> {
    let mut t = token.prev_token();
    while let Some(tok) = t {
        if !tok.kind().is_trivia() {
            return Some(tok);
        }
        t = tok.prev_token();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SyntaxKind::*;

    fn node(text: &str, kind: SyntaxKind) -> SyntaxNode {
        crate::parse(text)
            .syntax()
            .descendants()
            .find(|n| n.kind() == kind)
            .expect("the node is in the tree")
    }

    #[test]
    fn significant_tokens_skip_trivia_at_both_ends() {
        let decl = node("let /* a */ x = 1 // b\n", VAR_DECL);
        let kinds: Vec<SyntaxKind> = significant_children(&decl).map(|e| e.kind()).collect();
        assert_eq!(kinds, [LET_KW, DECLARATOR]);
        let first = first_significant_token(&decl).expect("has tokens");
        assert_eq!(first.kind(), LET_KW);
        let last = last_significant_token(&decl).expect("has tokens");
        assert_eq!(last.text(), "1");
        let before = prev_significant_token(&last).expect("not the first");
        assert_eq!(before.kind(), EQ);
    }

    #[test]
    fn child_tokens_are_direct_children_only() {
        let decl = node("let x = { a: 1 }", DECLARATOR);
        assert!(has_child_token(&decl, EQ));
        assert!(!has_child_token(&decl, COLON));
        assert_eq!(child_token(&decl, &[COLON, EQ]).map(|t| t.kind()), Some(EQ));
    }

    #[test]
    fn a_node_of_trivia_only_has_no_significant_token() {
        let root = crate::parse("  // only a comment\n").syntax();
        assert_eq!(first_significant_token(&root), None);
        assert_eq!(last_significant_token(&root), None);
    }
}
