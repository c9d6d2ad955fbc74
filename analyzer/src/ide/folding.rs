//! Folding ranges: blocks, object and array literals, argument lists, templates and
//! comments that span several lines.

use rhythm_syntax::{SyntaxKind, TextRange};

use crate::Analysis;

/// What a fold hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FoldKind {
    /// Code between brackets.
    Region,
    /// A comment or a run of line comments.
    Comment,
}

/// One foldable range (bytes; the server turns it into lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    /// From the opening bracket (or comment start) to the closing one.
    pub range: TextRange,
    /// What it is.
    pub kind: FoldKind,
}

/// The foldable ranges that span more than one line, in source order.
pub fn folding_ranges(analysis: &Analysis) -> Vec<Fold> {
    let root = analysis.parse.syntax();
    let text = root.text().to_string();
    let multiline = |r: TextRange| {
        text.get(usize::from(r.start())..usize::from(r.end()))
            .is_some_and(|s| s.trim_end().contains('\n'))
    };
    let mut folds = Vec::new();
    let mut comment_run: Option<(TextRange, usize)> = None;
    let flush = |run: &mut Option<(TextRange, usize)>, folds: &mut Vec<Fold>| {
        if let Some((range, count)) = run.take()
            && count > 1
        {
            folds.push(Fold {
                range,
                kind: FoldKind::Comment,
            });
        }
    };
    for element in root.descendants_with_tokens() {
        match element {
            rhythm_syntax::SyntaxElement::Node(node) => {
                let kind = node.kind();
                if matches!(
                    kind,
                    SyntaxKind::BLOCK_STMT
                        | SyntaxKind::OBJECT_EXPR
                        | SyntaxKind::ARRAY_EXPR
                        | SyntaxKind::ARG_LIST
                        | SyntaxKind::OBJECT_PAT
                        | SyntaxKind::ARRAY_PAT
                        | SyntaxKind::TEMPLATE
                        | SyntaxKind::SWITCH_STMT
                        | SyntaxKind::CLASS_BODY
                ) {
                    let range = node.text_range();
                    if multiline(range) {
                        folds.push(Fold {
                            range,
                            kind: FoldKind::Region,
                        });
                    }
                }
            }
            rhythm_syntax::SyntaxElement::Token(token) => match token.kind() {
                SyntaxKind::LINE_COMMENT => {
                    let range = token.text_range();
                    comment_run = match comment_run.take() {
                        Some((run, count))
                            if text
                                .get(usize::from(run.end())..usize::from(range.start()))
                                .is_some_and(|gap| {
                                    gap.trim().is_empty() && gap.matches('\n').count() == 1
                                }) =>
                        {
                            Some((run.cover(range), count + 1))
                        }
                        previous => {
                            let mut previous = previous;
                            flush(&mut previous, &mut folds);
                            Some((range, 1))
                        }
                    };
                }
                SyntaxKind::BLOCK_COMMENT if multiline(token.text_range()) => {
                    flush(&mut comment_run, &mut folds);
                    folds.push(Fold {
                        range: token.text_range(),
                        kind: FoldKind::Comment,
                    });
                }
                SyntaxKind::WHITESPACE | SyntaxKind::NEWLINE => {}
                _ => flush(&mut comment_run, &mut folds),
            },
        }
    }
    flush(&mut comment_run, &mut folds);
    folds.sort_by_key(|f| (f.range.start(), std::cmp::Reverse(f.range.end())));
    folds
}
