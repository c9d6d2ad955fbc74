//! Lossless lexer and resilient parser for `.flow` files: a rowan syntax tree read by kind.
//!
//! `parse(text)` never fails: every input string produces a tree whose text equals the input,
//! with syntax errors reported beside the tree. Unsupported JavaScript (`var`, `class`,
//! `import`, generators, labels, ...) still parses into recognizable nodes so that the
//! analyzer can reject it by name.
#![deny(clippy::unwrap_used)]

mod debug;
pub mod duration;
mod kind;
pub mod lexer;
mod literals;
mod parser;
pub mod read;

pub use debug::debug_tree;
pub use kind::{FlowLanguage, SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken};
pub use literals::{EscapeError, cook_string, cook_string_literal, cook_template, parse_number};
pub use parser::MAX_DEPTH;
pub use rowan::GreenNode;
pub use text_size::{TextRange, TextSize};

/// A syntax error: where, what, and related places (such as the opening bracket).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// The offending range (empty when something is missing).
    pub range: TextRange,
    /// What is wrong, phrased so a person can fix it.
    pub message: String,
    /// Related places, each with a short note (`"opened here"`).
    pub labels: Vec<(TextRange, String)>,
}

/// The result of parsing: the green tree and the syntax errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parse {
    green: GreenNode,
    errors: Vec<SyntaxError>,
}

impl Parse {
    /// The immutable green tree (cheap to clone, `Send`).
    pub fn green(&self) -> GreenNode {
        self.green.clone()
    }

    /// A red tree root for navigation.
    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    /// Syntax errors (lexical ones included), in source order.
    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }
}

/// Parses a `.flow` file.
pub fn parse(text: &str) -> Parse {
    let (green, mut errors) = parser::parse_text(text);
    errors.sort_by_key(|e| (e.range.start(), e.range.end()));
    Parse { green, errors }
}
