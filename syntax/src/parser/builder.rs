//! A green-tree builder with rowan's `GreenNodeBuilder` interface, but without rowan's node
//! cache: rowan re-hashes whole subtrees when that cache grows, which is quadratic on long
//! chains such as `a.b.b.b...`. Small nodes are shared by a cache keyed by addresses instead.
//! Punctuation, keywords, identifiers, whitespace and short literal tokens are interned (one
//! allocation per distinct text).

use rowan::{GreenNode, GreenToken, NodeOrToken};
use rustc_hash::FxHashMap;

use crate::SyntaxKind;

type GreenElement = NodeOrToken<GreenNode, GreenToken>;

/// A position in the builder where a node may later be started (see `start_node_at`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checkpoint(usize);

/// Nodes with at most this many children may be shared.
const CACHED_CHILDREN: usize = 3;

/// Runs of spaces up to this length are shared by length, without hashing.
const SPACE_RUNS: usize = 64;

#[derive(Default)]
pub(crate) struct Builder<'t> {
    parents: Vec<(SyntaxKind, usize)>,
    /// The elements of the open nodes, each with whether it is shared (interned or cached),
    /// which makes its address identify its content.
    children: Vec<(GreenElement, bool)>,
    /// Tokens whose text is fixed by their kind (punctuation, keywords), by kind.
    fixed: Vec<Option<GreenToken>>,
    /// Keyed by slices of the source text, so that a lookup allocates nothing.
    idents: FxHashMap<&'t str, GreenToken>,
    spaces: FxHashMap<&'t str, GreenToken>,
    /// Short number and string literals (their texts never collide: a string starts with a quote).
    literals: FxHashMap<&'t str, GreenToken>,
    /// `WHITESPACE` tokens made only of spaces, by length.
    space_runs: Vec<Option<GreenToken>>,
    /// The `NEWLINE` token `\n`.
    newline: Option<GreenToken>,
    /// Nodes of at most [`CACHED_CHILDREN`] shared elements (`NAME_REF x`, `LITERAL 1`,
    /// `FIELD_EXPR a.b`), keyed by kind and the children's addresses: built once, then shared.
    /// Keys never hash subtrees, so building stays linear however deep the tree.
    nodes: FxHashMap<(SyntaxKind, [usize; CACHED_CHILDREN]), GreenNode>,
}

fn interned<'t>(
    map: &mut FxHashMap<&'t str, GreenToken>,
    kind: SyntaxKind,
    text: &'t str,
) -> GreenToken {
    map.entry(text)
        .or_insert_with(|| GreenToken::new(kind.into(), text))
        .clone()
}

fn cached(slot: &mut Option<GreenToken>, kind: SyntaxKind, text: &str) -> GreenToken {
    slot.get_or_insert_with(|| GreenToken::new(kind.into(), text))
        .clone()
}

impl<'t> Builder<'t> {
    pub(crate) fn token(&mut self, kind: SyntaxKind, text: &'t str) {
        let mut shared = true;
        let token = if kind.is_punct() || kind.is_keyword() {
            let index = kind as usize;
            if self.fixed.len() <= index {
                self.fixed.resize(index + 1, None);
            }
            match &self.fixed[index] {
                Some(token) if token.text() == text => token.clone(),
                _ => {
                    let token = GreenToken::new(kind.into(), text);
                    self.fixed[index] = Some(token.clone());
                    token
                }
            }
        } else {
            match kind {
                SyntaxKind::IDENT => interned(&mut self.idents, kind, text),
                SyntaxKind::NUMBER | SyntaxKind::STRING if text.len() <= 32 => {
                    interned(&mut self.literals, kind, text)
                }
                SyntaxKind::NEWLINE if text == "\n" => cached(&mut self.newline, kind, text),
                SyntaxKind::WHITESPACE
                    if text.len() < SPACE_RUNS && text.bytes().all(|b| b == b' ') =>
                {
                    if self.space_runs.is_empty() {
                        self.space_runs.resize(SPACE_RUNS, None);
                    }
                    match self.space_runs.get_mut(text.len()) {
                        Some(slot) => cached(slot, kind, text),
                        None => {
                            shared = false;
                            GreenToken::new(kind.into(), text)
                        }
                    }
                }
                SyntaxKind::WHITESPACE | SyntaxKind::NEWLINE if text.len() <= 16 => {
                    interned(&mut self.spaces, kind, text)
                }
                _ => {
                    shared = false;
                    GreenToken::new(kind.into(), text)
                }
            }
        };
        self.children.push((NodeOrToken::Token(token), shared));
    }

    pub(crate) fn start_node(&mut self, kind: SyntaxKind) {
        self.parents.push((kind, self.children.len()));
    }

    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.children.len())
    }

    /// Starts a node that adopts every element added since `checkpoint`.
    pub(crate) fn start_node_at(&mut self, checkpoint: Checkpoint, kind: SyntaxKind) {
        let at = checkpoint.0.min(self.children.len());
        let at = match self.parents.last() {
            Some(&(_, first)) => at.max(first),
            None => at,
        };
        self.parents.push((kind, at));
    }

    pub(crate) fn finish_node(&mut self) {
        let Some((kind, first)) = self.parents.pop() else {
            return;
        };
        let children = &self.children[first..];
        if children.len() <= CACHED_CHILDREN && children.iter().all(|&(_, shared)| shared) {
            // Shared elements are unique per content, so their addresses identify the node.
            let mut key = (kind, [0; CACHED_CHILDREN]);
            for (slot, (child, _)) in key.1.iter_mut().zip(children) {
                *slot = match child {
                    NodeOrToken::Node(node) => {
                        std::ptr::from_ref::<rowan::GreenNodeData>(node) as usize
                    }
                    NodeOrToken::Token(token) => {
                        std::ptr::from_ref::<rowan::GreenTokenData>(token) as usize
                    }
                };
            }
            let node = match self.nodes.get(&key) {
                Some(node) => {
                    let node = node.clone();
                    self.children.truncate(first);
                    node
                }
                None => {
                    let node = GreenNode::new(
                        kind.into(),
                        self.children.drain(first..).map(|(child, _)| child),
                    );
                    self.nodes.insert(key, node.clone());
                    node
                }
            };
            self.children.push((NodeOrToken::Node(node), true));
            return;
        }
        let node = GreenNode::new(
            kind.into(),
            self.children.drain(first..).map(|(child, _)| child),
        );
        self.children.push((NodeOrToken::Node(node), false));
    }

    /// The finished root: every open node is closed; several roots are wrapped in an `ERROR`.
    pub(crate) fn finish(mut self) -> GreenNode {
        while !self.parents.is_empty() {
            self.finish_node();
        }
        if self.children.len() == 1
            && let Some((NodeOrToken::Node(node), _)) = self.children.pop()
        {
            return node;
        }
        GreenNode::new(
            SyntaxKind::SCRIPT.into(),
            self.children.drain(..).map(|(child, _)| child),
        )
    }
}
