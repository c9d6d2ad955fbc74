//! Turns the syntax tree into a [`Doc`]: one function per construct, comments emitted with
//! the token they are attached to.

mod expr;
mod stmt;

use std::collections::HashSet;

use rhythm_syntax::{SyntaxKind, SyntaxNode, SyntaxToken, TextSize};

use rhythm_syntax::read::{first_significant_token, last_significant_token};

use crate::comments::{Comment, Comments};
use crate::doc::*;

use SyntaxKind::*;

/// The document builder for one file.
pub struct Gen<'a> {
    src: &'a str,
    comments: Comments,
    /// Tokens whose comments have been emitted.
    emitted: HashSet<TextSize>,
    /// The next token starts an expression statement that needs a leading `;`.
    asi: bool,
    /// Tokens whose leading comments were already emitted before their enclosing node.
    pub(crate) lead_taken: HashSet<TextSize>,
    /// Tokens whose trailing comments were already emitted after their enclosing node.
    pub(crate) trail_taken: HashSet<TextSize>,
}

impl<'a> Gen<'a> {
    /// A builder for the tree of `src`.
    pub fn new(src: &'a str, root: &SyntaxNode) -> Gen<'a> {
        Gen {
            src,
            comments: Comments::collect(root),
            emitted: HashSet::new(),
            asi: false,
            lead_taken: HashSet::new(),
            trail_taken: HashSet::new(),
        }
    }

    /// Offsets of tokens whose comments were never emitted (a formatter bug if any).
    pub fn unemitted(&self) -> Vec<TextSize> {
        self.comments
            .keys_with_comments()
            .filter(|k| !self.emitted.contains(k))
            .collect()
    }

    /// The whole file.
    pub fn script(&mut self, root: &SyntaxNode) -> Doc {
        let stmts: Vec<SyntaxNode> = root.children().collect();
        let body = self.stmt_list(&stmts);
        let end = root.text_range().end();
        let mut parts = vec![body];
        if let Some(attached) = self.comments.get(end).cloned() {
            self.emitted.insert(end);
            if !attached.leading.is_empty() {
                if !stmts.is_empty() {
                    parts.push(if attached.blank_before {
                        Doc::BlankLine
                    } else {
                        Doc::LineStart
                    });
                }
                parts.push(leading_docs(&attached.leading, false));
            }
        }
        concat(parts)
    }

    /// A token, printed as `text`, with its comments.
    pub fn tok_as(&mut self, token: &SyntaxToken, text_: &str) -> Doc {
        let (lead, rest) = self.tok_split(token, text_);
        concat(vec![lead, rest])
    }

    /// A token with its comments (strings get their canonical quotes).
    pub fn tok(&mut self, token: &SyntaxToken) -> Doc {
        let normalized = match token.kind() {
            STRING => normalize_string(token.text()),
            _ => token.text().to_string(),
        };
        self.tok_as(token, &normalized)
    }

    /// A token's leading comments, and the token with its trailing comments.
    pub fn tok_split(&mut self, token: &SyntaxToken, text_: &str) -> (Doc, Doc) {
        self.tok_split_with(token, text_, true)
    }

    /// Like [`Gen::tok_split`]; `newline_last`: keep the line break after the last leading
    /// comment (callers that add their own line break pass `false`).
    pub fn tok_split_with(
        &mut self,
        token: &SyntaxToken,
        text_: &str,
        newline_last: bool,
    ) -> (Doc, Doc) {
        let key = token.text_range().start();
        self.emitted.insert(key);
        let attached = self.comments.get(key).cloned().unwrap_or_default();
        let lead = if self.lead_taken.contains(&key) {
            nil()
        } else {
            leading_docs(&attached.leading, newline_last)
        };
        let mut rest = Vec::new();
        if std::mem::take(&mut self.asi) {
            rest.push(text(";"));
        }
        rest.push(text(text_.to_string()));
        if !self.trail_taken.contains(&key) {
            rest.push(trailing_docs(&attached.trailing));
        }
        (lead, concat(rest))
    }

    /// A token that the style removes: only its comments remain.
    pub fn drop_tok(&mut self, token: &SyntaxToken) -> Doc {
        let key = token.text_range().start();
        self.emitted.insert(key);
        let attached = self.comments.get(key).cloned().unwrap_or_default();
        let lead = if self.lead_taken.contains(&key) {
            nil()
        } else {
            leading_docs(&attached.leading, true)
        };
        let trail = if self.trail_taken.contains(&key) {
            nil()
        } else {
            trailing_docs(&attached.trailing)
        };
        concat(vec![lead, trail])
    }

    /// Whether a blank line precedes the token (or its leading comments) in the source.
    pub fn blank_before(&self, token: &SyntaxToken) -> bool {
        self.comments
            .get(token.text_range().start())
            .is_some_and(|a| a.blank_before)
    }

    /// Whether a line comment trails the token.
    pub fn has_trailing_line(&self, token: &SyntaxToken) -> bool {
        self.comments
            .get(token.text_range().start())
            .is_some_and(|a| a.trailing.iter().any(|c| c.is_line))
    }

    /// Whether the token has leading comments.
    pub fn has_leading(&self, token: &SyntaxToken) -> bool {
        self.comments
            .get(token.text_range().start())
            .is_some_and(|a| !a.leading.is_empty())
    }

    /// The leading comments of a node's first token, taken out so that they precede the
    /// node's groups instead of breaking them.
    pub fn take_leading(&mut self, node: &SyntaxNode) -> Option<Doc> {
        let token = first_significant_token(node)?;
        let key = token.text_range().start();
        if self.lead_taken.contains(&key) {
            return None;
        }
        let attached = self.comments.get(key)?;
        if attached.leading.is_empty() {
            return None;
        }
        let lead = leading_docs(&attached.leading, true);
        self.lead_taken.insert(key);
        Some(lead)
    }

    /// The trailing comments of a node's last token, taken out so that they follow the node's
    /// groups instead of breaking them.
    pub fn take_trailing(&mut self, node: &SyntaxNode) -> Option<Doc> {
        let token = last_significant_token(node)?;
        let key = token.text_range().start();
        if self.trail_taken.contains(&key) {
            return None;
        }
        let attached = self.comments.get(key)?;
        if attached.trailing.is_empty() {
            return None;
        }
        let trail = trailing_docs(&attached.trailing);
        self.trail_taken.insert(key);
        Some(trail)
    }

    /// A node with its leading and trailing comments outside its own layout.
    pub fn wrapped(&mut self, node: &SyntaxNode, inner: fn(&mut Self, &SyntaxNode) -> Doc) -> Doc {
        let lead = self.take_leading(node);
        let trail = self.take_trailing(node);
        let doc = inner(self, node);
        match (lead, trail) {
            (None, None) => doc,
            (lead, trail) => concat(vec![
                lead.unwrap_or_else(nil),
                doc,
                trail.unwrap_or_else(nil),
            ]),
        }
    }

    /// A node printed exactly as written (templates, constructs the formatter leaves alone).
    pub fn verbatim(&mut self, node: &SyntaxNode) -> Doc {
        let tokens: Vec<SyntaxToken> = node
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
            .filter(|t| !t.kind().is_trivia())
            .collect();
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return nil();
        };
        let first_key = first.text_range().start();
        let last_key = last.text_range().start();
        let start = u32::from(first.text_range().start()) as usize;
        let end = u32::from(last.text_range().end()) as usize;
        let body = self.src.get(start..end).unwrap_or("").to_string();
        let lead = if self.lead_taken.contains(&first_key) {
            Vec::new()
        } else {
            self.comments
                .get(first_key)
                .map(|a| a.leading.clone())
                .unwrap_or_default()
        };
        let trail = if self.trail_taken.contains(&last_key) {
            Vec::new()
        } else {
            self.comments
                .get(last_key)
                .map(|a| a.trailing.clone())
                .unwrap_or_default()
        };
        for token in &tokens {
            self.emitted.insert(token.text_range().start());
        }
        let mut parts = vec![leading_docs(&lead, true)];
        if std::mem::take(&mut self.asi) {
            parts.push(text(";"));
        }
        parts.push(Doc::Verbatim(body.into()));
        parts.push(trailing_docs(&trail));
        concat(parts)
    }
}

/// Documents for leading comments; `newline_last` keeps the line break after the last one.
pub fn leading_docs(comments: &[Comment], newline_last: bool) -> Doc {
    let mut parts = Vec::new();
    for (i, c) in comments.iter().enumerate() {
        if c.own_line {
            parts.push(Doc::LineStart);
        }
        parts.push(comment_doc(c));
        let last = i + 1 == comments.len();
        if c.newline_after {
            if !last || newline_last {
                parts.push(Doc::HardLine);
                if c.blank_after {
                    parts.push(Doc::BlankLine);
                }
            }
        } else if c.space_after {
            parts.push(text(" "));
        }
    }
    concat(parts)
}

/// Documents for trailing comments.
pub fn trailing_docs(comments: &[Comment]) -> Doc {
    let mut parts = Vec::new();
    for c in comments {
        if c.is_line {
            parts.push(Doc::LineSuffix(format!(" {}", c.text).into()));
            parts.push(Doc::BreakParent);
        } else if c.text.contains('\n') {
            parts.push(text(" "));
            parts.push(Doc::Verbatim(c.text.clone().into()));
        } else {
            parts.push(text(format!(" {}", c.text)));
        }
    }
    concat(parts)
}

fn comment_doc(c: &Comment) -> Doc {
    if c.text.contains('\n') {
        Doc::Verbatim(c.text.clone().into())
    } else {
        text(c.text.clone())
    }
}

/// Re-quotes a string literal: double quotes unless the content holds more double quotes
/// than single quotes (Prettier's rule). Escapes other than quotes are kept as written. A
/// literal with an invalid escape (which the analyzer reports) is kept exactly as written.
pub fn normalize_string(raw: &str) -> String {
    if rhythm_syntax::cook_string_literal(raw).is_err() {
        return raw.to_string();
    }
    let Some(inner) = raw.get(1..raw.len().saturating_sub(1)) else {
        return raw.to_string();
    };
    if raw.len() < 2 {
        return raw.to_string();
    }
    let doubles = inner.matches('"').count();
    let singles = inner.matches('\'').count();
    let quote = if doubles > singles { '\'' } else { '"' };
    let other = if quote == '"' { '\'' } else { '"' };
    let mut out = String::with_capacity(raw.len() + 2);
    out.push(quote);
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n) if n == other => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else if c == quote {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::normalize_string;

    /// Found by the `format` fuzz target: re-quoting a string with an invalid escape changed
    /// its text, and the formatter refused the file with an internal error.
    #[test]
    fn strings_with_invalid_escapes_are_kept_as_written() {
        for raw in [r#""\"q\" \u\"x\"""#, r#""\"a\" \u{zz}""#, r#""\"\" \x4""#] {
            assert_eq!(normalize_string(raw), raw);
            let text = format!("const s = {raw}\n");
            match crate::format(&text, &crate::Options::default()) {
                Ok(out) => assert_eq!(out, text),
                Err(crate::FormatError::Syntax(_)) => {}
                Err(e) => panic!("{raw}: {e}"),
            }
        }
    }

    #[test]
    fn strings_prefer_double_quotes() {
        assert_eq!(normalize_string("'a'"), "\"a\"");
        assert_eq!(normalize_string("'a\"b'"), "'a\"b'");
        assert_eq!(normalize_string("'it\\'s'"), "\"it's\"");
        assert_eq!(normalize_string("\"a\\nb\""), "\"a\\nb\"");
        assert_eq!(normalize_string("'\"\"\\''"), "'\"\"\\''");
    }
}
