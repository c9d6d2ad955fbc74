//! A borrowed, allocation-free view of the green syntax tree for lowering.
//!
//! Rowan's red tree (`SyntaxNode`) allocates a cursor for every node visited; lowering visits
//! every node several times, so it walks the immutable green tree directly, tracking absolute
//! offsets itself. Kinds, texts and ranges are the same as the red tree's. The free functions
//! below are lowering's reading helpers over this view (child of a kind, first expression, ...);
//! every lowering module imports them from here, below all of them.

use rhythm_syntax::SyntaxKind;
use rowan::{GreenNodeData, GreenTokenData, NodeOrToken};
use smol_str::SmolStr;
use text_size::{TextRange, TextSize};

/// A node of the green tree with its absolute offset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node<'a> {
    green: &'a GreenNodeData,
    offset: TextSize,
}

/// A token of the green tree with its absolute offset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token<'a> {
    green: &'a GreenTokenData,
    offset: TextSize,
}

/// A node or a token.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Elem<'a> {
    /// A node.
    Node(Node<'a>),
    /// A token.
    Token(Token<'a>),
}

fn kind(raw: rowan::SyntaxKind) -> SyntaxKind {
    SyntaxKind::from_raw(raw.0).unwrap_or(SyntaxKind::ERROR)
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.green, other.green) && self.offset == other.offset
    }
}

impl Eq for Node<'_> {}

impl<'a> Node<'a> {
    /// The root of a tree.
    pub(crate) fn root(green: &'a GreenNodeData) -> Self {
        Node {
            green,
            offset: TextSize::from(0),
        }
    }

    /// The node's kind.
    pub(crate) fn kind(&self) -> SyntaxKind {
        kind(self.green.kind())
    }

    /// The node's range in the file.
    pub(crate) fn text_range(&self) -> TextRange {
        TextRange::at(self.offset, self.green.text_len())
    }

    /// Child nodes and tokens, in order.
    pub(crate) fn children_with_tokens(&self) -> impl Iterator<Item = Elem<'a>> + use<'a> {
        let mut offset = self.offset;
        self.green.children().map(move |child| {
            let at = offset;
            offset += child.text_len();
            match child {
                NodeOrToken::Node(green) => Elem::Node(Node { green, offset: at }),
                NodeOrToken::Token(green) => Elem::Token(Token { green, offset: at }),
            }
        })
    }

    /// Child nodes, in order.
    pub(crate) fn children(&self) -> impl Iterator<Item = Node<'a>> + use<'a> {
        self.children_with_tokens().filter_map(|e| match e {
            Elem::Node(n) => Some(n),
            Elem::Token(_) => None,
        })
    }
}

impl<'a> Token<'a> {
    /// The token's kind.
    pub(crate) fn kind(&self) -> SyntaxKind {
        kind(self.green.kind())
    }

    /// The token's text.
    pub(crate) fn text(&self) -> &'a str {
        self.green.text()
    }

    /// The token's range in the file.
    pub(crate) fn text_range(&self) -> TextRange {
        TextRange::at(self.offset, self.green.text_len())
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
            Elem::Token(t) => Some(t),
            Elem::Node(_) => None,
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

/// The identifier text of a `NAME_REF` / `IDENT_PAT` node (its first non-trivia token).
pub(crate) fn name_text(node: &Node<'_>) -> SmolStr {
    tokens(node)
        .next()
        .map_or_else(SmolStr::default, |t| SmolStr::new(t.text()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The green view reports the same kinds, ranges and texts as rowan's red tree.
    #[test]
    fn matches_the_red_tree() {
        let text = "const { a = 1 } = Inputs\nfor (const x of [a]) {\n  console.log(`${x}é`)\n}\n";
        let parse = rhythm_syntax::parse(text);
        let green = parse.green();
        let mut ours = Vec::new();
        walk(Node::root(&green), &mut ours);
        let theirs: Vec<(SyntaxKind, TextRange, String)> = parse
            .syntax()
            .descendants_with_tokens()
            .map(|e| match e {
                NodeOrToken::Node(n) => (n.kind(), n.text_range(), String::new()),
                NodeOrToken::Token(t) => (t.kind(), t.text_range(), t.text().to_owned()),
            })
            .collect();
        assert_eq!(ours, theirs);
    }

    fn walk(node: Node<'_>, out: &mut Vec<(SyntaxKind, TextRange, String)>) {
        out.push((node.kind(), node.text_range(), String::new()));
        for e in node.children_with_tokens() {
            match e {
                Elem::Node(n) => walk(n, out),
                Elem::Token(t) => out.push((t.kind(), t.text_range(), t.text().to_owned())),
            }
        }
    }
}
