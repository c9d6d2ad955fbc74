//! A borrowed, allocation-free view of the green syntax tree for lowering.
//!
//! Rowan's red tree (`SyntaxNode`) allocates a cursor for every node visited; lowering visits
//! every node several times, so it walks the immutable green tree directly, tracking absolute
//! offsets itself. Kinds, texts and ranges are the same as the red tree's.

use rhythm_syntax::SyntaxKind;
use rowan::{GreenNodeData, GreenTokenData, NodeOrToken};
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
