//! Conversions between the analyzer's byte-range values and LSP types. Every position goes
//! through the snapshot's [`LineIndex`](crate::line_index::LineIndex).

use rhythm_analyzer::ide::completion::{CompletionItem, CompletionKind};
use rhythm_analyzer::ide::folding::{Fold, FoldKind};
use rhythm_analyzer::ide::semantic_tokens::{SemanticToken, TokenType};
use rhythm_analyzer::ide::symbols::{self, DocumentSymbol};
use rhythm_analyzer::{Diagnostic, Severity, TextEdit};
use rhythm_syntax::{TextRange, TextSize};
use tower_lsp_server::ls_types as lsp;

use crate::line_index::Pos;
use crate::state::Snapshot;

impl Snapshot {
    /// A byte offset as an LSP position.
    pub fn position(&self, offset: TextSize) -> lsp::Position {
        let p = self.index.position(&self.text, offset, self.encoding);
        lsp::Position::new(p.line, p.col)
    }

    /// A byte range as an LSP range.
    pub fn range(&self, range: TextRange) -> lsp::Range {
        lsp::Range::new(self.position(range.start()), self.position(range.end()))
    }

    /// An LSP position as a byte offset (clamped into the text).
    pub fn offset(&self, position: lsp::Position) -> TextSize {
        self.index.offset(&self.text, pos(position), self.encoding)
    }

    /// An LSP range as a byte range.
    pub fn text_range(&self, range: lsp::Range) -> TextRange {
        self.index
            .text_range(&self.text, pos(range.start), pos(range.end), self.encoding)
    }

    /// An analyzer edit as an LSP edit.
    pub fn edit(&self, edit: &TextEdit) -> lsp::TextEdit {
        lsp::TextEdit::new(self.range(edit.range), edit.new_text.clone())
    }

    /// An analyzer diagnostic as an LSP diagnostic.
    pub fn diagnostic(&self, uri: &lsp::Uri, d: &Diagnostic) -> lsp::Diagnostic {
        let related: Vec<lsp::DiagnosticRelatedInformation> = d
            .labels
            .iter()
            .map(|l| lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri.clone(), self.range(l.range)),
                message: l.message.clone(),
            })
            .collect();
        lsp::Diagnostic {
            range: self.range(d.range),
            severity: Some(match d.severity {
                Severity::Error => lsp::DiagnosticSeverity::ERROR,
                Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            }),
            code: Some(lsp::NumberOrString::String(d.code.to_owned())),
            source: Some("rhythm".to_owned()),
            message: d.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: (d.code == "unused-variable" || d.code == "unreachable-code")
                .then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
            ..lsp::Diagnostic::default()
        }
    }

    /// A completion item.
    pub fn completion(&self, item: CompletionItem) -> lsp::CompletionItem {
        let kind = match item.kind {
            CompletionKind::Variable => lsp::CompletionItemKind::VARIABLE,
            CompletionKind::Constant => lsp::CompletionItemKind::CONSTANT,
            CompletionKind::Function => lsp::CompletionItemKind::FUNCTION,
            CompletionKind::Namespace => lsp::CompletionItemKind::MODULE,
            CompletionKind::Value => lsp::CompletionItemKind::VALUE,
            CompletionKind::Method => lsp::CompletionItemKind::METHOD,
            CompletionKind::Property => lsp::CompletionItemKind::PROPERTY,
            CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
            CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
            CompletionKind::Task => lsp::CompletionItemKind::FUNCTION,
            CompletionKind::Signal => lsp::CompletionItemKind::EVENT,
        };
        lsp::CompletionItem {
            label: item.label.clone(),
            kind: Some(kind),
            detail: item.detail,
            documentation: item.documentation.map(markdown_doc),
            sort_text: Some(format!("{}{}", item.rank, item.label)),
            insert_text_format: Some(if item.snippet {
                lsp::InsertTextFormat::SNIPPET
            } else {
                lsp::InsertTextFormat::PLAIN_TEXT
            }),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                self.range(item.replace),
                item.insert_text,
            ))),
            ..lsp::CompletionItem::default()
        }
    }

    /// A document symbol with its children.
    #[allow(deprecated)] // `deprecated` is a required field of the struct.
    pub fn symbol(&self, s: DocumentSymbol) -> lsp::DocumentSymbol {
        lsp::DocumentSymbol {
            name: s.name,
            detail: None,
            kind: match s.kind {
                symbols::SymbolKind::Function => lsp::SymbolKind::FUNCTION,
                symbols::SymbolKind::Constant => lsp::SymbolKind::CONSTANT,
                symbols::SymbolKind::Variable => lsp::SymbolKind::VARIABLE,
            },
            tags: None,
            deprecated: None,
            range: self.range(s.range),
            selection_range: self.range(s.selection),
            children: (!s.children.is_empty())
                .then(|| s.children.into_iter().map(|c| self.symbol(c)).collect()),
        }
    }

    /// A folding range by lines; a bracketed region keeps its closing line visible.
    pub fn fold(&self, fold: Fold) -> Option<lsp::FoldingRange> {
        let start = self.position(fold.range.start()).line;
        let mut end = self.position(fold.range.end()).line;
        if fold.kind == FoldKind::Region && end > start {
            end -= 1;
        }
        (end > start).then_some(lsp::FoldingRange {
            start_line: start,
            end_line: end,
            kind: Some(match fold.kind {
                FoldKind::Region => lsp::FoldingRangeKind::Region,
                FoldKind::Comment => lsp::FoldingRangeKind::Comment,
            }),
            ..lsp::FoldingRange::default()
        })
    }

    /// Semantic tokens, delta-encoded; a token spanning lines is split into one per line.
    pub fn semantic_tokens(&self, tokens: &[SemanticToken]) -> Vec<lsp::SemanticToken> {
        let mut out = Vec::with_capacity(tokens.len());
        let (mut last_line, mut last_col) = (0u32, 0u32);
        for token in tokens {
            let start = self
                .index
                .position(&self.text, token.range.start(), self.encoding);
            let end = self
                .index
                .position(&self.text, token.range.end(), self.encoding);
            let mut pieces: Vec<(u32, u32, u32)> = Vec::new();
            if start.line == end.line {
                pieces.push((start.line, start.col, end.col - start.col));
            } else {
                for line in start.line..=end.line {
                    let col = if line == start.line { start.col } else { 0 };
                    let line_end = if line == end.line {
                        end.col
                    } else {
                        self.line_width(line)
                    };
                    if line_end > col {
                        pieces.push((line, col, line_end - col));
                    }
                }
            }
            for (line, col, length) in pieces {
                let delta_line = line - last_line;
                let delta_start = if delta_line == 0 { col - last_col } else { col };
                out.push(lsp::SemanticToken {
                    delta_line,
                    delta_start,
                    length,
                    token_type: token.ty.index(),
                    token_modifiers_bitset: token.modifiers,
                });
                last_line = line;
                last_col = col;
            }
        }
        out
    }

    /// The width of `line` in the negotiated encoding, without its line break.
    fn line_width(&self, line: u32) -> u32 {
        let end = self.index.offset(
            &self.text,
            Pos {
                line,
                col: u32::MAX,
            },
            self.encoding,
        );
        self.index.position(&self.text, end, self.encoding).col
    }
}

/// The semantic token legend, in the analyzer's order.
pub fn legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TokenType::ALL
            .iter()
            .map(|t| lsp::SemanticTokenType::new(t.name()))
            .collect(),
        token_modifiers: rhythm_analyzer::ide::semantic_tokens::MODIFIERS
            .iter()
            .map(|m| lsp::SemanticTokenModifier::new(m))
            .collect(),
    }
}

/// Markdown documentation.
pub fn markdown_doc(value: String) -> lsp::Documentation {
    lsp::Documentation::MarkupContent(lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    })
}

fn pos(p: lsp::Position) -> Pos {
    Pos {
        line: p.line,
        col: p.character,
    }
}
