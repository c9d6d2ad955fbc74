//! A green-tree builder with rowan's `GreenNodeBuilder` interface, but without its node
//! cache: rowan re-hashes whole subtrees when that cache grows, which is quadratic on long
//! chains such as `a.b.b.b...`. Punctuation, keywords, identifiers, whitespace and short
//! literal tokens are interned (one allocation per distinct text).

use rowan::{GreenNode, GreenToken, NodeOrToken};
use rustc_hash::FxHashMap;

use crate::SyntaxKind;

type GreenElement = NodeOrToken<GreenNode, GreenToken>;

/// A position in the builder where a node may later be started (see `start_node_at`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checkpoint(usize);

/// Runs of spaces up to this length are shared by length, without hashing.
const SPACE_RUNS: usize = 64;

#[derive(Default)]
pub(crate) struct Builder<'t> {
    parents: Vec<(SyntaxKind, usize)>,
    children: Vec<GreenElement>,
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
    /// Nodes made of one interned token (`NAME_REF x`, `IDENT_PAT x`, `LITERAL true`), shared.
    leaves: FxHashMap<(SyntaxKind, usize), GreenNode>,
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
                        None => GreenToken::new(kind.into(), text),
                    }
                }
                SyntaxKind::WHITESPACE | SyntaxKind::NEWLINE if text.len() <= 16 => {
                    interned(&mut self.spaces, kind, text)
                }
                _ => GreenToken::new(kind.into(), text),
            }
        };
        self.children.push(NodeOrToken::Token(token));
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
        if self.children.len() == first + 1
            && let NodeOrToken::Token(token) = &self.children[first]
            && (token.kind() == SyntaxKind::IDENT.into()
                || SyntaxKind::from_raw(token.kind().0).is_some_and(SyntaxKind::is_keyword))
        {
            // Interned tokens are unique per text, so their address identifies the leaf.
            let key = (
                kind,
                std::ptr::from_ref::<rowan::GreenTokenData>(token) as usize,
            );
            let node = match self.leaves.get(&key) {
                Some(node) => node.clone(),
                None => {
                    let node = GreenNode::new(kind.into(), self.children.drain(first..));
                    self.leaves.insert(key, node.clone());
                    self.children.push(NodeOrToken::Node(node));
                    return;
                }
            };
            self.children.truncate(first);
            self.children.push(NodeOrToken::Node(node));
            return;
        }
        let node = GreenNode::new(kind.into(), self.children.drain(first..));
        self.children.push(NodeOrToken::Node(node));
    }

    /// The finished root: every open node is closed; several roots are wrapped in an `ERROR`.
    pub(crate) fn finish(mut self) -> GreenNode {
        while !self.parents.is_empty() {
            self.finish_node();
        }
        if self.children.len() == 1
            && let Some(NodeOrToken::Node(node)) = self.children.pop()
        {
            return node;
        }
        GreenNode::new(SyntaxKind::SCRIPT.into(), self.children.drain(..))
    }
}
