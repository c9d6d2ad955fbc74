//! The resilient parser (placeholder: puts every token under the root; grammar lands next).

use rowan::{GreenNode, GreenNodeBuilder};
use text_size::TextSize;

use crate::{SyntaxError, SyntaxKind, lexer};

/// Parses `text` into a green tree and its errors.
pub(crate) fn parse_text(text: &str) -> (GreenNode, Vec<SyntaxError>) {
    let (tokens, lex_errors) = lexer::lex_with_errors(text);
    let mut builder = GreenNodeBuilder::new();
    builder.start_node(SyntaxKind::SCRIPT.into());
    let mut pos = 0usize;
    for t in tokens {
        let len = u32::from(t.len) as usize;
        builder.token(t.kind.into(), &text[pos..pos + len]);
        pos += len;
    }
    builder.finish_node();
    let errors = lex_errors
        .into_iter()
        .map(|e| SyntaxError {
            range: e.range,
            message: e.message,
            labels: Vec::new(),
        })
        .collect();
    let _ = TextSize::default();
    (builder.finish(), errors)
}
