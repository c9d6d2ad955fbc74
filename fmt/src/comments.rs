//! Attaches every comment to a significant token: a comment on the same line after a token
//! trails it, any other comment leads the next token (or the end of the file).

use std::collections::HashMap;

use rhythm_syntax::{SyntaxKind, SyntaxNode, TextSize};

use SyntaxKind::*;

/// A comment and where it sat relative to line breaks.
#[derive(Debug, Clone)]
pub struct Comment {
    /// The comment's text (trailing whitespace removed).
    pub text: String,
    /// `//` comment (runs to the end of its line).
    pub is_line: bool,
    /// A line break separated it from whatever came before.
    pub own_line: bool,
    /// A line break followed it.
    pub newline_after: bool,
    /// A blank line followed it.
    pub blank_after: bool,
    /// A space separates it from the next token (not a line break, not a closing bracket).
    pub space_after: bool,
}

/// The comments attached to one significant token.
#[derive(Debug, Clone, Default)]
pub struct Attached {
    /// Comments before the token, from the previous line or earlier on the token's line.
    pub leading: Vec<Comment>,
    /// Comments after the token on its line.
    pub trailing: Vec<Comment>,
    /// A blank line precedes the token's first leading comment (or the token itself).
    pub blank_before: bool,
}

/// Comments keyed by the start offset of the token they belong to; the end-of-file
/// pseudo-token is keyed by the text length.
#[derive(Debug, Default)]
pub struct Comments {
    map: HashMap<TextSize, Attached>,
}

struct Pending {
    text: String,
    is_line: bool,
    newlines_before: usize,
    same_line_as_prev_token: bool,
}

impl Comments {
    /// Collects and attaches the comments of a tree.
    pub fn collect(root: &SyntaxNode) -> Comments {
        let mut map: HashMap<TextSize, Attached> = HashMap::new();
        let mut prev: Option<(TextSize, SyntaxKind)> = None;
        let mut newlines = 0usize;
        let mut newlines_since_token = 0usize;
        let mut pending: Vec<Pending> = Vec::new();
        let end = root.text_range().end();
        let tokens = root
            .descendants_with_tokens()
            .filter_map(|e| e.into_token());
        let mut resolve = |key: TextSize,
                           next: Option<SyntaxKind>,
                           newlines: usize,
                           pending: &mut Vec<Pending>,
                           prev: Option<(TextSize, SyntaxKind)>| {
            let closing = next.is_none_or(|k| {
                matches!(k, COMMA | R_PAREN | R_BRACK | R_CURLY | SEMICOLON | COLON)
            });
            let after_open = prev.is_some_and(|(_, k)| matches!(k, L_PAREN | L_BRACK | L_CURLY));
            let mut attached = Attached::default();
            let mut trailing_done = false;
            let count = pending.len();
            let mut blank_before = newlines >= 2;
            let mut leading_started = false;
            for i in 0..count {
                let p = &pending[i];
                let after = pending.get(i + 1).map_or(newlines, |n| n.newlines_before);
                // The line ends after this comment and maybe other comments.
                let line_ends = |i: usize| {
                    (i..count)
                        .any(|j| pending.get(j + 1).map_or(newlines, |n| n.newlines_before) > 0)
                };
                let trailing = !trailing_done
                    && prev.is_some()
                    && p.same_line_as_prev_token
                    && (p.is_line || line_ends(i) || (closing && !after_open));
                if trailing {
                    if let Some((prev, _)) = prev {
                        map.entry(prev).or_default().trailing.push(Comment {
                            text: p.text.clone(),
                            is_line: p.is_line,
                            own_line: false,
                            newline_after: true,
                            blank_after: after >= 2,
                            space_after: false,
                        });
                    }
                    continue;
                }
                trailing_done = true;
                if !leading_started {
                    blank_before = p.newlines_before >= 2;
                    leading_started = true;
                }
                attached.leading.push(Comment {
                    text: p.text.clone(),
                    is_line: p.is_line,
                    own_line: p.newlines_before > 0 || (prev.is_none() && i == 0),
                    newline_after: p.is_line || after > 0,
                    blank_after: after >= 2,
                    space_after: i + 1 < count || !closing,
                });
            }
            pending.clear();
            attached.blank_before = blank_before;
            let entry = map.entry(key).or_default();
            entry.leading.extend(attached.leading);
            entry.blank_before = attached.blank_before;
        };
        for token in tokens {
            let kind = token.kind();
            match kind {
                SyntaxKind::WHITESPACE | SyntaxKind::NEWLINE => {
                    let n = token.text().matches('\n').count();
                    newlines += n;
                    newlines_since_token += n;
                }
                SyntaxKind::LINE_COMMENT | SyntaxKind::BLOCK_COMMENT => {
                    pending.push(Pending {
                        text: token.text().trim_end().to_string(),
                        is_line: kind == SyntaxKind::LINE_COMMENT,
                        newlines_before: newlines,
                        same_line_as_prev_token: newlines_since_token == 0,
                    });
                    newlines = 0;
                }
                _ => {
                    let key = token.text_range().start();
                    resolve(key, Some(kind), newlines, &mut pending, prev);
                    prev = Some((key, kind));
                    newlines = 0;
                    newlines_since_token = 0;
                }
            }
        }
        resolve(end, None, newlines, &mut pending, prev);
        map.retain(|_, a| !a.leading.is_empty() || !a.trailing.is_empty() || a.blank_before);
        Comments { map }
    }

    /// The comments attached to the token starting at `key`.
    pub fn get(&self, key: TextSize) -> Option<&Attached> {
        self.map.get(&key)
    }

    /// Every token offset that carries comments.
    pub fn keys_with_comments(&self) -> impl Iterator<Item = TextSize> + '_ {
        self.map
            .iter()
            .filter(|(_, a)| !a.leading.is_empty() || !a.trailing.is_empty())
            .map(|(k, _)| *k)
    }
}
