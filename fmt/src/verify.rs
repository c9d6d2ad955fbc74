//! Checks a formatting result: it parses without errors and holds the same tokens and comments
//! in the same order as the input, apart from what the style adds or removes (semicolons,
//! commas, parentheses around a lone arrow parameter, and parentheses around a number literal
//! that is the object of a member access, as in `(2).toFixed(1)`).

use rhythm_syntax::read::first_significant_token;
use rhythm_syntax::{SyntaxKind, SyntaxNode, SyntaxToken};

use crate::FormatError;

/// The tokens and comments that must survive formatting, as `(kind, text)` pairs.
pub fn essential_tokens(root: &SyntaxNode) -> Vec<(SyntaxKind, String)> {
    root.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(is_essential)
        .map(|t| {
            let text = match t.kind() {
                SyntaxKind::STRING => rhythm_syntax::cook_string_literal(t.text())
                    .map(|s| format!("{s:?}"))
                    .unwrap_or_else(|_| t.text().to_string()),
                SyntaxKind::LINE_COMMENT | SyntaxKind::BLOCK_COMMENT => {
                    t.text().trim_end().to_string()
                }
                _ => t.text().to_string(),
            };
            (t.kind(), text)
        })
        .collect()
}

fn is_essential(t: &SyntaxToken) -> bool {
    match t.kind() {
        SyntaxKind::WHITESPACE
        | SyntaxKind::NEWLINE
        | SyntaxKind::SEMICOLON
        | SyntaxKind::COMMA => false,
        SyntaxKind::L_PAREN | SyntaxKind::R_PAREN => !t.parent().is_some_and(|p| {
            (p.kind() == SyntaxKind::PARAM_LIST
                && p.parent()
                    .is_some_and(|g| g.kind() == SyntaxKind::ARROW_FUNC))
                || is_parenthesized_member_number(&p)
        }),
        _ => true,
    }
}

/// `(2)` as the object of `(2).name`: parentheses the formatter adds so the `.` stays a member
/// access.
fn is_parenthesized_member_number(node: &SyntaxNode) -> bool {
    node.kind() == SyntaxKind::PAREN_EXPR
        && node.parent().is_some_and(|m| {
            m.kind() == SyntaxKind::MEMBER_EXPR && m.first_child() == Some(node.clone())
        })
        && node.children().count() == 1
        && node.first_child().is_some_and(|lit| {
            lit.kind() == SyntaxKind::LITERAL
                && first_significant_token(&lit).is_some_and(|t| t.kind() == SyntaxKind::NUMBER)
        })
}

/// Fails unless `out` parses cleanly to the same essential tokens as `original`.
pub fn same_program(original: &SyntaxNode, out: &str) -> Result<(), FormatError> {
    let parse = rhythm_syntax::parse(out);
    if let Some(e) = parse.errors().first() {
        return Err(FormatError::Internal(format!(
            "the result does not parse at byte {}: {}",
            u32::from(e.range.start()),
            e.message
        )));
    }
    let before = essential_tokens(original);
    let after = essential_tokens(&parse.syntax());
    if let Some(i) = (0..before.len().max(after.len())).find(|&i| before.get(i) != after.get(i)) {
        return Err(FormatError::Internal(format!(
            "token {i} changed from {:?} to {:?}",
            before.get(i),
            after.get(i)
        )));
    }
    Ok(())
}
